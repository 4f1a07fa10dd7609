import type { AttributeInfo } from '../../../../../shared/contracts';
import { describeJsonParseError, isPlainObject, truncate } from '../common';
import { DEFAULT_READ_LIMITS, depthMessage, findDepthExcess } from '../limits';

/** One CSV cell, read and written by its attribute's type (the rules: ./index.ts). */

/** Longest record read by default (characters): anything longer stops the read (a quote left open swallows the file). */
export const MAX_RECORD_LENGTH = DEFAULT_READ_LIMITS.maxItemLength;

const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'password']);
const DATE_TYPES = new Set(['date', 'time', 'datetime', 'timestamp']);
const NUMBER_TYPES = new Set(['integer', 'float', 'decimal']);
export const JSON_TYPES = new Set(['json', 'blocks', 'dynamiczone', 'component']);
const TO_MANY_RELATIONS = new Set(['oneToMany', 'manyToMany', 'manyWay', 'morphToMany', 'morphMany']);
/**
 * The cells the writer escapes with one `'`: those whose first character after any leading apostrophes is one a
 * spreadsheet takes for a formula. The reader removes one `'` from the cells that match `/^'+[=+\-@\t\r]/` and only
 * those (see the rule above).
 */
const NEEDS_ESCAPE = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;

/** The text written for a text cell: one `'` before a formula start, however many apostrophes precede it. */
export const escapeTextCell = (text: string): string => (NEEDS_ESCAPE.test(text) ? `'${text}` : text);
/** The text read from a text cell: undoes `escapeTextCell`, and leaves every other apostrophe alone. */
export const unescapeTextCell = (text: string): string => (ESCAPED.test(text) ? text.slice(1) : text);
const DECIMAL_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER_DIGITS = /^-?\d+$/;


export const isToMany = (attribute: AttributeInfo) =>
  attribute.multiple ?? (attribute.type === 'relation' && TO_MANY_RELATIONS.has(attribute.relation ?? ''));

/** Whether a column holds text that the writer escapes and the reader unescapes (see the rule above). */
export const isTextColumn = (attribute: AttributeInfo | undefined) => !attribute || TEXT_TYPES.has(attribute.type);

/* ------------------------------------------------------------------------------------------------------------
 * Decoding cells
 * ---------------------------------------------------------------------------------------------------------- */

type Decoded = { value: unknown } | { error: string };

const parseJsonCell = (text: string, maxDepth: number): Decoded => {
  const deep = findDepthExcess(text, maxDepth);
  if (deep >= 0) return { error: `invalid JSON (${depthMessage(maxDepth)}, at character ${deep + 1})` };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `invalid JSON (${describeJsonParseError(error).reason})` };
  }
};

/**
 * The value of one cell. `quoted`: the cell was written `""...`; only matters for an empty cell (null when
 * unquoted, '' when quoted).
 */
export const decodeCell = (
  attribute: AttributeInfo | undefined,
  text: string,
  quoted: boolean,
  maxDepth = DEFAULT_READ_LIMITS.maxDepth
): Decoded => {
  if (text === '' && !quoted) return { value: null };
  if (isTextColumn(attribute)) return { value: unescapeTextCell(text) };
  const type = attribute?.type ?? 'string';
  if (DATE_TYPES.has(type)) return { value: text };
  // '' is no value of the types below: `""` reads as null.
  if (text === '') return { value: null };
  if (NUMBER_TYPES.has(type)) {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (!DECIMAL_NUMBER.test(trimmed) || !Number.isFinite(value)) return { error: `${quote(text)} is not a number` };
    return { value };
  }
  if (type === 'biginteger') {
    const trimmed = text.trim();
    return INTEGER_DIGITS.test(trimmed) ? { value: trimmed } : { error: `${quote(text)} is not an integer` };
  }
  if (type === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return { value: true };
    if (lower === 'false' || lower === '0') return { value: false };
    return { error: `${quote(text)} is not a boolean (true, false, 1 or 0)` };
  }
  if (JSON_TYPES.has(type) || (attribute && isToMany(attribute))) return parseJsonCell(text, maxDepth);
  if (type === 'relation') return text.startsWith('{') ? parseJsonCell(text, maxDepth) : { value: text };
  if (type === 'media') {
    if (/^\d+$/.test(text)) return { value: Number(text) };
    return text.startsWith('{') ? parseJsonCell(text, maxDepth) : { value: text };
  }
  return { value: text };
};

/** A bad cell value, quoted and shortened for a message. */
const quote = (text: string) => JSON.stringify(truncate(text, 100));

/** Quotes a cell when it must be: delimiters, quotes, line breaks, leading or trailing spaces; '' is `""`. */
export const quoteCell = (cell: string): string => {
  if (cell === '') return '""';
  if (/[",;\r\n]/.test(cell) || /^\s|\s$/.test(cell)) return `"${cell.replace(/"/g, '""')}"`;
  return cell;
};

const textOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** The encoder of a column's cells, worked out once per column (null and undefined: an empty unquoted cell). */
export const cellEncoder = (attribute: AttributeInfo | undefined): ((value: unknown) => string) => {
  if (isTextColumn(attribute)) {
    return (value) => {
      if (value === null || value === undefined) return '';
      const text = textOf(value);
      return quoteCell(escapeTextCell(text));
    };
  }
  const type = attribute?.type ?? 'string';
  if (type === 'boolean') return (value) => (value === null || value === undefined ? '' : value ? 'true' : 'false');
  if (JSON_TYPES.has(type) || (attribute && isToMany(attribute))) {
    return (value) => (value === null || value === undefined ? '' : quoteCell(JSON.stringify(value)));
  }
  return (value) => (value === null || value === undefined ? '' : quoteCell(textOf(value)));
};

/** The cell text of a value (null and undefined: an empty unquoted cell). */
export const encodeCell = (attribute: AttributeInfo | undefined, value: unknown): string => cellEncoder(attribute)(value);

export const valueAt = (item: Record<string, unknown>, path: string[]): unknown => {
  let value: unknown = item;
  for (const key of path) {
    if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return null;
    value = value[key];
  }
  return value;
};
