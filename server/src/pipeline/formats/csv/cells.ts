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

/** How cells are read beyond their attribute: the nesting limit of JSON cells, decimal commas. */
export interface CellSettings {
  maxDepth: number;
  decimalComma: boolean;
  /**
   * Whether text cells carry the formula escape (`'=x`, see above): CSV's do; an XLSX's do not (a text cell is text
   * there, never a formula), so its text is taken as written.
   */
  formulaEscape?: boolean;
}

const DEFAULT_CELL_SETTINGS: CellSettings = { maxDepth: DEFAULT_READ_LIMITS.maxDepth, decimalComma: false };

/** `1.234.567,89`, `1 234,5` (space, no-break or narrow no-break space), `48,8566`, `-3`: decimal-comma notation. */
const DECIMAL_COMMA = /^[-+]?(?:\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\1\d{3})*|\d+)(?:,\d+)?$/;

/**
 * A number written with a decimal comma, as a decimal-point text (`1.234,5` → `1234.5`); null when the text is not
 * in that notation. A text with a dot and no comma whose dot does not group thousands (`1.5`) reads as written.
 */
export const fromDecimalComma = (text: string): string | null => {
  if (!DECIMAL_COMMA.test(text)) return DECIMAL_NUMBER.test(text) && !text.includes(',') ? text : null;
  return text.replace(/[. \u00a0\u202f]/g, '').replace(',', '.');
};

/** The separator of a to-many relation's keys in one cell (`news|sport`), and its escape character. */
export const REFERENCE_SEPARATOR = '|';

/** `a|b` from keys: `|` and `\` inside a key are written `\|` and `\\`. */
export const joinReferenceKeys = (keys: string[]): string =>
  keys.map((key) => key.replace(/[\\|]/g, (c) => `\\${c}`)).join(REFERENCE_SEPARATOR);

/** The keys of a to-many relation's cell: split at each `|` not escaped; `\|` is `|`, `\\` is `\`, a lone `\` kept. */
export const splitReferenceKeys = (text: string): string[] => {
  const keys: string[] = [];
  let key = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      key += text[i + 1];
      i += 1;
    } else if (c === REFERENCE_SEPARATOR) {
      keys.push(key);
      key = '';
    } else key += c;
  }
  keys.push(key);
  return keys;
};

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
  { maxDepth, decimalComma, formulaEscape = true }: CellSettings = DEFAULT_CELL_SETTINGS
): Decoded => {
  if (text === '' && !quoted) return { value: null };
  if (isTextColumn(attribute)) return { value: formulaEscape ? unescapeTextCell(text) : text };
  const type = attribute?.type ?? 'string';
  if (DATE_TYPES.has(type)) return { value: text };
  // '' is no value of the types below: `""` reads as null.
  if (text === '') return { value: null };
  if (NUMBER_TYPES.has(type)) {
    const trimmed = decimalComma ? fromDecimalComma(text.trim()) : text.trim();
    const value = Number(trimmed);
    if (trimmed === null || !DECIMAL_NUMBER.test(trimmed) || !Number.isFinite(value)) {
      return { error: `${quote(text)} is not a number${decimalComma ? ' (decimalComma: 1.234,5)' : ''}` };
    }
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

/**
 * The value of one cell of a column: a relation column by key (`category.slug`) gives `{ slug: cell }`, or for a
 * to-many relation one such object per `|`-separated key; any other column its attribute's value (`decodeCell`).
 */
export const decodeColumnCell = (
  column: { attribute?: AttributeInfo; referenceKey?: string },
  text: string,
  quoted: boolean,
  settings: CellSettings = DEFAULT_CELL_SETTINGS
): Decoded => {
  const { attribute, referenceKey } = column;
  if (!referenceKey || !attribute) return decodeCell(attribute, text, quoted, settings);
  if (text === '') return { value: null };
  const keys = settings.formulaEscape === false ? text : unescapeTextCell(text);
  if (isToMany(attribute)) return { value: splitReferenceKeys(keys).map((key) => ({ [referenceKey]: key })) };
  return { value: { [referenceKey]: keys } };
};

/** A bad cell value, quoted and shortened for a message. */
const quote = (text: string) => JSON.stringify(truncate(text, 100));

/** Quotes a cell when it must be: any of the delimiters (`,` `;` tab), quotes, line breaks, leading or trailing spaces; '' is `""`. */
export const quoteCell = (cell: string): string => {
  if (cell === '') return '""';
  if (/[",;\t\r\n]/.test(cell) || /^\s|\s$/.test(cell)) return `"${cell.replace(/"/g, '""')}"`;
  return cell;
};

/** A value as text: a string as it is, a date in ISO 8601, an object or array as JSON. */
export const textOf = (value: unknown): string => {
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

/**
 * The plain text of a relation column's cell by key (`category.slug`): the key's value, or a to-many relation's
 * values joined by `|` (`joinReferenceKeys`); null when there is no relation (null, `[]`). CSV escapes and quotes it
 * (`referenceEncoder`), an XLSX writes it as a text cell.
 */
export const referenceText = (attribute: AttributeInfo, key: string): ((value: unknown) => string | null) => {
  const keyOf = (ref: unknown) => {
    const value = isPlainObject(ref) ? ref[key] : ref;
    return value === null || value === undefined ? '' : textOf(value);
  };
  if (isToMany(attribute)) {
    return (value) => {
      const refs = Array.isArray(value) ? value : [];
      return refs.length === 0 ? null : joinReferenceKeys(refs.map(keyOf));
    };
  }
  return (value) => (value === null || value === undefined ? null : keyOf(value));
};

/**
 * The encoder of a relation column by key (`category.slug`): `referenceText` as a text cell (escaped like any text);
 * no relation (null, `[]`): an empty cell.
 */
export const referenceEncoder = (attribute: AttributeInfo, key: string): ((value: unknown) => string) => {
  const text = referenceText(attribute, key);
  return (value) => {
    const cell = text(value);
    return cell === null ? '' : quoteCell(escapeTextCell(cell));
  };
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
