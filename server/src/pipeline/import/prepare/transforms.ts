import jsonata from 'jsonata';
import { mappingTargetOf, type FieldMappingTarget } from '../../../../../shared/contracts';
import { ItemError } from '../../problems';

/**
 * Transforms (README: *Transforms*): JSONata expressions of an import's field mapping and computed fields, compiled
 * once per task and evaluated per item, before the item is mapped and checked (prepare.ts).
 *
 * - a mapping entry `{ "to": "price", "transform": "$number($replace($, ',', '.'))" }`: the source field's value is
 *   `$`, the whole item as read is `$item`; the result goes to `to` (an attribute or a dot path, as a plain mapping);
 * - `computed: { "fullName": "firstName & ' ' & lastName" }`: the whole item is `$` (and `$item`); the result goes to the attribute.
 *
 * A result of `undefined` (JSONata's "nothing") leaves the field absent. The result is then checked exactly as a
 * value read from the file. An expression that fails or runs past its limits fails its item (stage `map`, the
 * target field named) and the task's onError decides, as for any item.
 */

export interface TransformLimits {
  /** Milliseconds one expression may run for one item. */
  timeout: number;
  /** The deepest evaluation (nested calls, recursion) one expression may reach. */
  maxDepth: number;
}

export const DEFAULT_TRANSFORM_LIMITS: TransformLimits = { timeout: 1000, maxDepth: 500 };
/** The longest sequence (array) an expression may build. */
const MAX_SEQUENCE = 100_000;

interface JsonataError {
  message?: string;
  position?: number;
  code?: string;
}

const messageOf = (error: unknown): string => {
  const { message, position } = (error ?? {}) as JsonataError;
  const text = typeof message === 'string' && message ? message : String(error);
  return typeof position === 'number' && position > 0 ? `${text} (at character ${position})` : text;
};

const compile = (text: string, limits: TransformLimits): jsonata.Expression =>
  jsonata(text, { timeout: limits.timeout, stack: limits.maxDepth, sequence: MAX_SEQUENCE });

/** JSONata's complaint about an expression's syntax (with its position), or null when it compiles. */
export const expressionError = (text: unknown): string | null => {
  if (typeof text !== 'string' || text.trim() === '') return 'the expression is empty';
  try {
    compile(text, DEFAULT_TRANSFORM_LIMITS);
    return null;
  } catch (error) {
    return messageOf(error);
  }
};

interface Compiled {
  /** Where the result goes: an attribute or a dot path. */
  to: string;
  /** The mapping's source field; absent for a computed field. */
  source?: string;
  expression: jsonata.Expression;
}

/** The result of a transform as plain JSON (JSONata's sequences carry extra properties; functions are refused). */
const plain = (value: unknown, to: string): unknown => {
  if (value === undefined || value === null) return value;
  if (typeof value === 'function') throw new ItemError('the transform returned a function, not a value', to);
  if (typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value)) as unknown;
};

export interface TransformedItem {
  /** The item without the fields transforms consumed (their source fields and the ignored ones). */
  item: Record<string, unknown>;
  /** The transforms' results by target path (a result of `undefined` is left out). */
  placed: Array<[string, unknown]>;
}

export interface Transforms {
  /** The mapping's plain entries (what the mapping does besides the transforms). */
  mapping: Record<string, string | null>;
  /** Whether there is any transform or computed field. */
  any: boolean;
  apply: (item: Record<string, unknown>) => Promise<TransformedItem>;
}

/** The plain part of a mapping: transform entries left out. */
export const plainMapping = (mapping: Record<string, FieldMappingTarget>): Record<string, string | null> =>
  Object.fromEntries(
    Object.entries(mapping).filter((entry): entry is [string, string | null] => entry[1] === null || typeof entry[1] === 'string')
  );

/** The mapping with each transform entry's target as a plain target (what a reader maps columns with). */
export const mappingTargets = (mapping: Record<string, FieldMappingTarget>): Record<string, string | null> =>
  Object.fromEntries(Object.entries(mapping).map(([source, target]) => [source, mappingTargetOf(target)]));

/** Whether a mapping or computed fields hold a transform. */
export const hasTransforms = (mapping: Record<string, FieldMappingTarget>, computed: Record<string, string> | undefined) =>
  Object.values(mapping).some((target) => target !== null && typeof target === 'object') || Object.keys(computed ?? {}).length > 0;

/**
 * Compiles a task's transforms once (the options were validated when the task was created: every expression
 * compiles). `apply` evaluates them for one item, one after the other.
 */
/** The value at a dot path of an item (`seo.metaTitle`, `category.slug`). */
const valueAt = (item: Record<string, unknown>, path: string): unknown => {
  const [head, ...rest] = path.split('.');
  const value = item[head];
  if (rest.length === 0) return value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[rest.join('.')] : undefined;
};

export const compileTransforms = (
  mapping: Record<string, FieldMappingTarget>,
  computed: Record<string, string> | undefined,
  limits: TransformLimits = DEFAULT_TRANSFORM_LIMITS,
  /**
   * A tabular file (CSV, XLSX), whose reader mapped and decoded the plain columns: the item the expressions see
   * also holds each of them under its header (`$item.Code` as in the file, `$item.code` as mapped).
   */
  tabular = false
): Transforms => {
  const compiled: Compiled[] = [];
  const ignored: string[] = [];
  for (const [source, target] of Object.entries(mapping)) {
    if (target === null) ignored.push(source);
    else if (typeof target === 'object') compiled.push({ source, to: target.to, expression: compile(target.transform, limits) });
  }
  for (const [to, text] of Object.entries(computed ?? {})) compiled.push({ to, expression: compile(text, limits) });

  const plainEntries = Object.entries(plainMapping(mapping)).filter((entry): entry is [string, string] => entry[1] !== null);
  const viewOf = (item: Record<string, unknown>): Record<string, unknown> => {
    if (!tabular || plainEntries.length === 0) return item;
    const view: Record<string, unknown> = { ...item };
    for (const [header, target] of plainEntries) {
      const value = valueAt(item, target);
      if (value !== undefined && !Object.prototype.hasOwnProperty.call(view, header)) view[header] = value;
    }
    return view;
  };

  const apply = async (read: Record<string, unknown>): Promise<TransformedItem> => {
    const item = viewOf(read);
    const rest: Record<string, unknown> = { ...read };
    for (const source of ignored) delete rest[source];
    const placed: Array<[string, unknown]> = [];
    for (const { source, to, expression } of compiled) {
      if (source !== undefined) delete rest[source];
      let result: unknown;
      try {
        result = await expression.evaluate(source === undefined ? item : item[source], { item });
      } catch (error) {
        const what = source === undefined ? `the computed field's expression failed` : `the transform of "${source}" failed`;
        throw new ItemError(`${what}: ${messageOf(error)}`, to);
      }
      if (result !== undefined) placed.push([to, plain(result, to)]);
    }
    return { item: rest, placed };
  };

  return { mapping: plainMapping(mapping), any: compiled.length > 0, apply };
};
