/**
 * The one error model of an import: every problem with an item names the stage that found it, where the item is
 * (index in the file, line, matchBy key), the field, and what was wrong.
 *
 * Stages, in the order data flows: `read` (the file's syntax, an item that cannot be parsed), `map` (field mapping,
 * unknown and refused keys, a value of the wrong type), `validate` (Strapi's rules: required, min/max, unique...),
 * `resolve` (a relation or media reference with no match), `write` (what only the database knows).
 */
export type Stage = 'read' | 'map' | 'validate' | 'resolve' | 'write';

export const STAGES: readonly Stage[] = ['read', 'map', 'validate', 'resolve', 'write'];

/** What was wrong with one item, without where the item is. */
export interface Problem {
  stage: Stage;
  /** The attribute (or dot path) at fault, when one is. */
  field: string | null;
  /** What was wrong, in a sentence (prefixed with the field when there is one). */
  message: string;
}

/** A problem and the item it belongs to. */
export interface ItemProblem extends Problem {
  /** 0-based position of the item in the file. */
  index: number;
  /** 1-based line (JSONL, CSV), when known. */
  line: number | null;
  /** The item's matchBy value, when it has one. */
  key: string | number | null;
}

/** Thrown by a stage for one item; the import turns it into an ItemProblem. */
export class ItemError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly stage: Stage = 'map'
  ) {
    super(field ? `${field}: ${message}` : message);
  }

  get problem(): Problem {
    return { stage: this.stage, field: this.field ?? null, message: this.message };
  }
}

/**
 * What the writer caught, as a problem: Strapi's validation errors carry `details.errors` with a path (stage
 * `validate`); anything else came from the database (stage `write`). `message` is the sentence already made for it.
 */
export const writeProblem = (error: unknown, message: string): Problem => {
  if (error instanceof ItemError) return error.problem;
  const details = (error as { details?: { errors?: Array<{ path?: string[] }> } } | null)?.details?.errors;
  if (details?.length) return { stage: 'validate', field: details[0].path?.join('.') || null, message };
  return { stage: 'write', field: null, message };
};

/**
 * Stop or continue, decided in one place for every stage: `stop` throws the failure made by `stop` (the import
 * rolls everything back and reports that item); `continue` returns the problem for the caller to record.
 */
export const stopOrContinue = (
  onError: 'stop' | 'continue',
  problem: Problem,
  stop: (problem: Problem) => Error
): Problem => {
  if (onError === 'stop') throw stop(problem);
  return problem;
};
