import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import Papa from 'papaparse';

import type { AttributeInfo } from '../../../../shared/contracts';
import { ReadFailure, describeJsonParseError, isPlainObject, setOwn, streamItems, truncate } from './json';
import {
  DEFAULT_READ_LIMITS,
  columnsMessage,
  depthMessage,
  findDepthExcess,
  lengthLimit,
  readLimits,
  type ReadLimits,
} from './limits';
import type { CsvColumn, FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from './types';

/**
 * CSV (RFC 4180): a header row naming the fields, then one item per row.
 *
 * Reading. The header names attributes, and component fields by dot path (`seo.metaTitle`); the importer's
 * `resolveColumns` says where each column goes and which attribute decodes it. Delimiter `,` or `;` (whichever
 * the header row has more of, outside quotes), CRLF or LF, a UTF-8 BOM ignored, blank lines skipped (they count
 * for line numbers; in a one-column file a blank line is a row with a null cell).
 * A quote-aware scanner cuts the text into whole records (so papaparse, which parses them, never sees half a
 * record), notes the physical line each record starts on, and notes the cells written as `""`: papaparse returns
 * both `""` and an empty unquoted cell as '', and the two differ here.
 *
 * Null and empty string, as PostgreSQL's COPY CSV: an UNQUOTED empty cell is null, a QUOTED empty cell `""` is
 * the empty string. For types where '' is not a value (numbers, booleans, JSON, relations, media), `""` reads as
 * null too.
 *
 * CSV injection, neutralised reversibly. A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a
 * formula. Text cells (types string, text, richtext, email, uid, enumeration, password, and keys without an
 * attribute such as documentId): the WRITER prefixes one `'` to a text that starts with zero or more apostrophes
 * followed by one of `=`, `+`, `-`, `@`, tab, CR (`/^'*[=+\-@\t\r]/`); the READER removes one `'` from a cell that
 * starts with one or more apostrophes followed by one of those (`/^'+[=+\-@\t\r]/`), and from no other cell. A
 * written cell matches the reader's pattern exactly when the writer escaped it, so any text survives a round trip,
 * and a CSV from another program keeps its apostrophes (`'hello`, `' OR '1'='1`, `''`); only a cell that is itself
 * an escaped formula (`'=SUM(A1)`) loses its escape, as in a spreadsheet.
 * Numeric, boolean, date/time and JSON cells are never prefixed (a number such as -5 is a value, not a formula,
 * and JSON text cannot start with `=`, `+` or `@`).
 *
 * Cells by attribute type (a null cell is null for every type):
 * - string, text, richtext, email, uid, enumeration, password: the text (one leading `'` removed);
 *   date, time, datetime, timestamp: the text;
 * - integer, float, decimal: a number (decimal notation only); biginteger: the digits, as a string;
 *   boolean: true/false/1/0, any case;
 * - json, blocks, dynamic zones, components given as one column, repeatable components, multiple media, to-many
 *   relations: JSON text;
 * - a single component: one column per field, `name.field`, each decoded by its own attribute; all its cells null:
 *   the component is null;
 * - to-one relation: a documentId, or JSON text of a natural-key object when the cell starts with `{`;
 *   single media: a number when the cell is all digits (a file id), else the text (url or hash), or JSON when it
 *   starts with `{`.
 */

/** Longest record read by default (characters): anything longer stops the read (a quote left open swallows the file). */
export const MAX_RECORD_LENGTH = DEFAULT_READ_LIMITS.maxItemLength;

const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'email', 'uid', 'enumeration', 'password']);
const DATE_TYPES = new Set(['date', 'time', 'datetime', 'timestamp']);
const NUMBER_TYPES = new Set(['integer', 'float', 'decimal']);
const JSON_TYPES = new Set(['json', 'blocks', 'dynamiczone', 'component']);
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

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const isToMany = (attribute: AttributeInfo) =>
  attribute.multiple ?? (attribute.type === 'relation' && TO_MANY_RELATIONS.has(attribute.relation ?? ''));

/** Whether a column holds text that the writer escapes and the reader unescapes (see the rule above). */
const isTextColumn = (attribute: AttributeInfo | undefined) => !attribute || TEXT_TYPES.has(attribute.type);

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

/* ------------------------------------------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------------------------------------------- */

/** Where the scanner is: at the start of a cell, inside an unquoted cell, inside a quoted cell. */
type Scan = 'field-start' | 'unquoted' | 'quoted';

/** One complete record, as the scanner found it. */
interface RecordInfo {
  /** 1-based physical line where the record starts. */
  line: number;
  /** Its text in the pending buffer, terminator included. */
  start: number;
  end: number;
  /** 0-based indexes of its cells written `""`. */
  quotedEmpty: number[] | null;
  /** It ends with CRLF after an unquoted cell: that cell's text ends with the CR, to drop. */
  trimCR: boolean;
  /** An empty line. */
  blank: boolean;
  /** A closing quote not followed by a delimiter or line end: the cell is malformed. */
  malformed: boolean;
}

/** Whitespace papaparse allows between a closing quote and the delimiter or line end (not the line feed). */
const isSpaceAfterQuote = (code: number) => code !== LF && /\s/.test(String.fromCharCode(code));

/** The delimiter of a header row: `;` if it has more of them than `,` outside quotes, else `,`. */
const detectDelimiter = (header: string): string => {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i += 1) {
    const c = header[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas += 1;
    else if (!quoted && c === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
};

/** The end (exclusive) of the header row in `text`: its first line feed outside quotes, -1 when not there yet. */
const headerEnd = (text: string): number => {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) quoted = !quoted;
    else if (c === LF && !quoted) return i;
  }
  return -1;
};

const countLineFeeds = (text: string, from: number, to: number): number => {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
};

/** Sets `value` at `path` in `item`, creating the objects on the way (noted in `created`, for null components). */
const setPath = (
  item: Record<string, unknown>,
  path: string[],
  value: unknown,
  created: Array<{ parent: Record<string, unknown>; key: string }>
) => {
  let target = item;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i];
    const next = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (isPlainObject(next)) {
      target = next;
    } else {
      const child: Record<string, unknown> = {};
      setOwn(target, key, child);
      created.push({ parent: target, key });
      target = child;
    }
  }
  setOwn(target, path[path.length - 1], value);
};

/** Components whose every field is null become null (deepest first, so nested ones count as null). */
const collapseNullComponents = (created: Array<{ parent: Record<string, unknown>; key: string }>) => {
  for (let i = created.length - 1; i >= 0; i -= 1) {
    const { parent, key } = created[i];
    const component = parent[key] as Record<string, unknown>;
    if (Object.values(component).every((value) => value === null)) setOwn(parent, key, null);
  }
};

/** Bytes in, `SourceItem`s out. */
class CsvItemParser extends Transform {
  private readonly resolveColumns?: ReadOptions['resolveColumns'];
  private readonly decoder = new StringDecoder('utf8');
  private started = false;
  private halted = false;
  private delimiter: string | null = null;
  private delimiterCode = 0;
  /** Text from the start of the first record not yet parsed. */
  private pending = '';
  private records: RecordInfo[] = [];
  // Scanner state, resumable across chunks (positions are in `pending`).
  private pos = 0;
  private state: Scan = 'field-start';
  private line = 1;
  private recordLine = 1;
  private recordStart = 0;
  private fieldIndex = 0;
  private fieldStart = 0;
  private quotedEmpty: number[] | null = null;
  private malformed = false;
  // Header
  private headers: string[] | null = null;
  private columns: CsvColumn[] = [];
  private index = 0;

  private readonly limits: ReadLimits;

  constructor(resolveColumns?: ReadOptions['resolveColumns'], limits: ReadLimits = DEFAULT_READ_LIMITS) {
    super({ readableObjectMode: true });
    this.resolveColumns = resolveColumns;
    this.limits = limits;
  }

  /** Counts a delimiter: a record with more cells than `maxColumns` stops the read before it is split. */
  private nextField() {
    this.fieldIndex += 1;
    if (this.fieldIndex >= this.limits.maxColumns) {
      throw new Error(
        `Line ${this.recordLine}: ${columnsMessage(this.limits.maxColumns)}`
      );
    }
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.run(this.decoder.write(chunk), false);
    callback();
  }

  _flush(callback: TransformCallback): void {
    this.run(this.decoder.end(), true);
    // No header row: nothing but blank lines, or nothing at all.
    if (!this.halted && this.headers === null) this.halt(new Error('The file is empty'));
    callback();
  }

  private run(decoded: string, final: boolean) {
    if (this.halted) return;
    let text = decoded;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.pending += text;
    try {
      if (this.delimiter === null && !this.findDelimiter(final)) return;
      this.scan(final);
      this.parseRecords(final);
      if (this.pending.length > this.limits.maxItemLength) {
        throw new Error(
          `Line ${this.recordLine}: the record is longer than ${lengthLimit(this.limits.maxItemLength)} (is a quote left open?)`
        );
      }
    } catch (error) {
      this.halt(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private halt(error: Error) {
    this.halted = true;
    this.pending = '';
    this.push(new ReadFailure(error));
  }

  private findDelimiter(final: boolean): boolean {
    // Blank lines before the header do not count.
    const text = this.pending.replace(/^[\r\n]+/, '');
    const end = headerEnd(text);
    if (end === -1 && !final) {
      if (this.pending.length > this.limits.maxItemLength)
        throw new Error(`Line 1: the header row is longer than ${lengthLimit(this.limits.maxItemLength)}`);
      return false;
    }
    this.delimiter = detectDelimiter(end === -1 ? text : text.slice(0, end));
    this.delimiterCode = this.delimiter.charCodeAt(0);
    return true;
  }

  /** Advances the scanner over `pending`, noting each complete record. */
  private scan(final: boolean) {
    const text = this.pending;
    const length = text.length;
    const delimiter = this.delimiterCode;
    let pos = this.pos;
    for (;;) {
      if (this.state === 'field-start') {
        if (pos >= length) {
          if (final && (this.fieldIndex > 0 || pos > this.recordStart)) this.endRecord(length, false);
          break;
        }
        if (text.charCodeAt(pos) === QUOTE) {
          this.state = 'quoted';
          this.fieldStart = pos;
          pos += 1;
          continue;
        }
        this.state = 'unquoted';
      }
      if (this.state === 'unquoted') {
        let c = -1;
        while (pos < length) {
          c = text.charCodeAt(pos);
          if (c === delimiter || c === LF) break;
          pos += 1;
        }
        if (pos >= length) {
          if (final) this.endRecord(length, text.charCodeAt(length - 1) === CR && length - 1 >= this.recordStart);
          break;
        }
        pos += 1;
        if (c === delimiter) {
          this.nextField();
          this.state = 'field-start';
        } else {
          this.endRecord(pos, pos >= 2 && text.charCodeAt(pos - 2) === CR && pos - 2 >= this.recordStart);
          this.line += 1;
          this.recordLine = this.line;
        }
        continue;
      }
      // Quoted: find the closing quote; a doubled quote is a quote in the text.
      const closing = text.indexOf('"', pos);
      if (closing === -1) {
        this.line += countLineFeeds(text, pos, length);
        pos = length;
        if (final) throw new Error(`Line ${this.recordLine}: a quoted cell is not closed (the file ends inside it)`);
        break;
      }
      this.line += countLineFeeds(text, pos, closing);
      pos = closing;
      if (closing + 1 >= length && !final) break; // what follows the quote is not known yet
      if (text.charCodeAt(closing + 1) === QUOTE) {
        pos = closing + 2;
        continue;
      }
      let next = closing + 1;
      while (next < length && isSpaceAfterQuote(text.charCodeAt(next))) next += 1;
      if (next >= length && !final) break;
      const c = next < length ? text.charCodeAt(next) : -1;
      if (c !== delimiter && c !== LF && c !== -1) {
        // Not a closing quote: papaparse keeps it as text and looks for the next one; so does this scanner.
        this.malformed = true;
        pos = closing + 1;
        continue;
      }
      if (closing === this.fieldStart + 1) (this.quotedEmpty ??= []).push(this.fieldIndex);
      pos = next + 1;
      if (c === delimiter) {
        this.nextField();
        this.state = 'field-start';
      } else if (c === LF) {
        this.endRecord(pos, false);
        this.line += 1;
        this.recordLine = this.line;
      } else {
        pos = length;
        this.endRecord(length, false);
      }
    }
    this.pos = pos;
  }

  private endRecord(end: number, trimCR: boolean) {
    const text = this.pending;
    const start = this.recordStart;
    const content = text.charCodeAt(end - 1) === LF ? end - 1 : end;
    const blank =
      this.fieldIndex === 0 &&
      this.state !== 'quoted' &&
      (content === start || (content === start + 1 && text.charCodeAt(start) === CR));
    this.records.push({
      line: this.recordLine,
      start,
      end,
      quotedEmpty: this.quotedEmpty,
      trimCR,
      blank,
      malformed: this.malformed,
    });
    this.recordStart = end;
    this.fieldIndex = 0;
    this.quotedEmpty = null;
    this.malformed = false;
    this.state = 'field-start';
  }

  /** Parses the complete records with papaparse, turns them into items, and drops their text. */
  private parseRecords(final: boolean) {
    if (this.records.length === 0) return;
    const records = this.records;
    const end = records[records.length - 1].end;
    let text = this.pending.slice(0, end);
    // Every record papaparse sees ends with a line feed (it then returns one more, empty, row).
    if (!text.endsWith('\n')) text += '\n';
    const result = Papa.parse<string[]>(text, { delimiter: this.delimiter ?? ',', newline: '\n', quoteChar: '"' });
    if (result.data.length !== records.length + 1) {
      throw new Error(`Line ${records[0].line}: the CSV could not be read from here (unbalanced quotes?)`);
    }
    const badQuotes = new Set(result.errors.map((error) => error.row));
    for (let i = 0; i < records.length; i += 1) {
      const record = records[i];
      // A record that came whole within a chunk is held to the limit too (a partial one is checked as it grows).
      if (record.end - record.start > this.limits.maxItemLength) {
        throw new Error(`Line ${record.line}: the record is longer than ${lengthLimit(this.limits.maxItemLength)}`);
      }
      const cells = result.data[i];
      const last = cells[cells.length - 1];
      if (record.trimCR && last.endsWith('\r')) cells[cells.length - 1] = last.slice(0, -1);
      if (record.malformed || badQuotes.has(i)) record.malformed = true;
      this.onRecord(record, cells, text.slice(record.start, record.end));
    }
    this.pending = this.pending.slice(end);
    this.pos -= end;
    this.recordStart -= end;
    this.fieldStart -= end;
    this.records = [];
    if (final) this.pending = '';
  }

  private onRecord(record: RecordInfo, cells: string[], raw: string) {
    if (this.headers === null) {
      if (record.blank) return;
      this.headers = cells;
      this.columns = this.resolveColumns
        ? this.resolveColumns(cells)
        : cells.map((header) => ({ header, path: [header] }));
      if (this.columns.length !== cells.length) {
        throw new Error(`resolveColumns returned ${this.columns.length} columns for ${cells.length} headers`);
      }
      return;
    }
    if (record.blank && this.headers.length > 1) return;
    const index = this.index;
    this.index += 1;
    const { line } = record;
    const rawText = () => truncate(raw.replace(/\r?\n$/, ''));
    if (record.malformed) {
      this.push({
        index,
        line,
        error: `Line ${line}: a quoted cell is malformed (a quote inside quotes must be doubled)`,
        raw: rawText(),
      });
      return;
    }
    if (cells.length !== this.headers.length) {
      this.push({
        index,
        line,
        error: `Line ${line}: expected ${this.headers.length} cells, found ${cells.length}`,
        raw: rawText(),
      });
      return;
    }
    const value: Record<string, unknown> = {};
    const created: Array<{ parent: Record<string, unknown>; key: string }> = [];
    const errors: string[] = [];
    for (let j = 0; j < cells.length; j += 1) {
      const column = this.columns[j];
      if (!column.path || column.path.length === 0) continue;
      const decoded = decodeCell(
        column.attribute,
        cells[j],
        record.quotedEmpty?.includes(j) ?? false,
        this.limits.maxDepth
      );
      if ('error' in decoded) errors.push(`column "${column.header}": ${decoded.error}`);
      else setPath(value, column.path, decoded.value, created);
    }
    if (errors.length > 0) {
      this.push({ index, line, error: `Line ${line}, ${errors.join('; ')}`, raw: rawText() });
      return;
    }
    collapseNullComponents(created);
    this.push({ index, line, value });
  }
}

/* ------------------------------------------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------------------------------------------- */

interface WriteColumn {
  header: string;
  path: string[];
  attribute?: AttributeInfo;
}

/** A single component becomes one column per field (recursively); everything else one column. */
const columnsOf = (attribute: AttributeInfo, prefix: string[]): WriteColumn[] => {
  const path = [...prefix, attribute.name];
  if (attribute.type === 'component' && !attribute.multiple && attribute.attributes?.length) {
    return attribute.attributes.flatMap((field) => columnsOf(field, path));
  }
  return [{ header: path.join('.'), path, attribute }];
};

export const csvColumns = (options: WriteOptions): WriteColumn[] => [
  ...options.leadingKeys.map((key) => ({ header: key, path: [key] })),
  ...options.attributes.flatMap((attribute) => columnsOf(attribute, [])),
  ...(options.trailingKeys ?? []).map((key) => ({ header: key, path: [key] })),
];

/** Quotes a cell when it must be: delimiters, quotes, line breaks, leading or trailing spaces; '' is `""`. */
const quoteCell = (cell: string): string => {
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
const cellEncoder = (attribute: AttributeInfo | undefined): ((value: unknown) => string) => {
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

const valueAt = (item: Record<string, unknown>, path: string[]): unknown => {
  let value: unknown = item;
  for (const key of path) {
    if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, key)) return null;
    value = value[key];
  }
  return value;
};

const createWriter = (options: WriteOptions): FormatWriter => {
  const columns = csvColumns(options).map((column) => ({ ...column, encode: cellEncoder(column.attribute) }));
  const row = (item: Record<string, unknown>) => {
    let line = '';
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i];
      line += `${i === 0 ? '' : ','}${column.encode(valueAt(item, column.path))}`;
    }
    return `${line}\r\n`;
  };
  return {
    begin: () => `${columns.map((column) => quoteCell(column.header)).join(',')}\r\n`,
    item: row,
    items: (items) => {
      let text = '';
      for (const item of items) text += row(item);
      return text;
    },
    end: () => '',
  };
};

export const csvFormat: FormatModule = {
  format: 'csv',
  extensions: ['csv'],
  mimeType: 'text/csv',
  sniff: (head) => {
    const text = head.replace(/^\s+/, '');
    // A NUL in the header row says binary (a zip such as XLSX, UTF-16 text); one in a later cell is data, which the
    // importer then judges like any value.
    const firstLine = text.split(/\r?\n|\r/, 1)[0];
    return text.length > 0 && text[0] !== '{' && text[0] !== '[' && !firstLine.includes('\u0000');
  },
  read: (open: () => Readable, options: ReadOptions) =>
    streamItems<SourceItem>(open, () => new CsvItemParser(options.resolveColumns, readLimits(options.limits)), options),
  createWriter,
};

export default csvFormat;
