import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import Papa from 'papaparse';

import { csvDelimiter, csvHeaderEnd } from '../../../../../shared/formats';
import { ReadFailure, isPlainObject, setOwn, truncate } from '../common';
import { DEFAULT_READ_LIMITS, columnsMessage, lengthLimit, type ReadLimits } from '../limits';
import type { CsvColumn, ReadOptions } from '../types';
import { EndOfInputError } from '../end-of-input';
import { decodeColumnCell, type CellSettings } from './cells';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Reading a CSV: a quote-aware scanner cuts whole records, papaparse splits them, cells decode by attribute. */

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

/**
 * One row's item from its cells, column by column (what CSV and XLSX rows share): `decode(j)` gives the value of
 * cell j or the error that names it; the errors of a row are all reported together.
 */
export const itemOfRow = (
  columns: CsvColumn[],
  decode: (column: CsvColumn, j: number) => { value: unknown } | { error: string }
): { value: Record<string, unknown> } | { errors: string[] } => {
  const value: Record<string, unknown> = {};
  const created: Array<{ parent: Record<string, unknown>; key: string }> = [];
  const errors: string[] = [];
  for (let j = 0; j < columns.length; j += 1) {
    const column = columns[j];
    if (!column.path || column.path.length === 0) continue;
    const decoded = decode(column, j);
    if ('error' in decoded) errors.push(`column "${column.header}": ${decoded.error}`);
    else setPath(value, column.path, decoded.value, created);
  }
  if (errors.length > 0) return { errors };
  collapseNullComponents(created);
  return { value };
};

/** Bytes in, `SourceItem`s out. */
export class CsvItemParser extends Transform {
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

  private readonly cellSettings: CellSettings;

  constructor(
    resolveColumns?: ReadOptions['resolveColumns'],
    limits: ReadLimits = DEFAULT_READ_LIMITS,
    { delimiter = null, decimalComma = false }: { delimiter?: string | null; decimalComma?: boolean } = {}
  ) {
    super({ readableObjectMode: true });
    this.resolveColumns = resolveColumns;
    this.limits = limits;
    this.cellSettings = { maxDepth: limits.maxDepth, decimalComma };
    if (delimiter) {
      this.delimiter = delimiter;
      this.delimiterCode = delimiter.charCodeAt(0);
    }
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
    const end = csvHeaderEnd(text);
    if (end === -1 && !final) {
      if (this.pending.length > this.limits.maxItemLength)
        throw new Error(`Line 1: the header row is longer than ${lengthLimit(this.limits.maxItemLength)}`);
      return false;
    }
    this.delimiter = csvDelimiter(end === -1 ? text : text.slice(0, end));
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
        if (final) throw new EndOfInputError(`Line ${this.recordLine}: a quoted cell is not closed (the file ends inside it)`);
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
      // Up to the delimiter, which may itself be a space character (tab).
      while (next < length && text.charCodeAt(next) !== delimiter && isSpaceAfterQuote(text.charCodeAt(next))) next += 1;
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
    const row = itemOfRow(this.columns, (column, j) =>
      decodeColumnCell(column, cells[j], record.quotedEmpty?.includes(j) ?? false, this.cellSettings)
    );
    if ('errors' in row) {
      this.push({ index, line, error: `Line ${line}, ${row.errors.join('; ')}`, raw: rawText() });
      return;
    }
    this.push({ index, line, value: row.value });
  }
}

