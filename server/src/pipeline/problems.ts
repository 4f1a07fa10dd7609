/**
 * The one error model of an import: every problem with an item names the stage that found it, where the item is
 * (index in the file, line, matchBy key), the field, and what was wrong.
 *
 * Stages, in the order data flows: `read` (the file's syntax, an item that cannot be parsed), `map` (field mapping,
 * unknown and refused keys, a value of the wrong type), `validate` (Strapi's rules: required, min/max, unique...),
 * `resolve` (a relation or media reference with no match), `write` (what only the database knows).
 */
import { databaseProblem, withoutSql } from './sql/database-errors';

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
 * `validate`, the first path as the field); a driver's error is the database's sentence with the column named as
 * its attribute (`fieldOf`), never the SQL text (stage `write`); anything else keeps its first line (stage `write`).
 */
export const writeProblem = (error: unknown, fieldOf?: (column: string) => string): Problem => {
  if (error instanceof ItemError) return error.problem;
  const e = error as { message?: string; details?: { errors?: Array<{ path?: string[]; message?: string }> } } | null;
  const details = e?.details?.errors;
  if (details?.length) {
    const message = details.map((d) => (d.path?.length ? `${d.path.join('.')}: ${d.message}` : d.message ?? '')).join('; ');
    return { stage: 'validate', field: details[0].path?.join('.') || null, message };
  }
  const database = databaseProblem(error, fieldOf);
  const message = database?.message ?? withoutSql((e?.message ?? String(error)).split('\n')[0], error);
  return {
    stage: 'write',
    field: database?.field ?? null,
    message: /unique|duplicate/i.test(message) ? `a value that must be unique is already used (${message})` : message,
  };
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
