import type { Format } from '../../../shared/contracts';
import { HEAD_LENGTH, csvHeaderDelimiter, detectFormat, formatOfFileName } from '../../../shared/formats';
import { readBlobText } from './blob';

export { ACCEPTED_EXTENSIONS } from '../../../shared/formats';

/**
 * Reads the start of a file chosen for import, in the browser, without reading the whole file: its format,
 * the fields of its first items (for the mapping table), a sample value per field, and a JSONT file's
 * `configuration` (content type and settings).
 *
 * The format and the CSV delimiter are told by shared/formats, the server's own detection (one detection, not two:
 * a tab-separated header is one column here as on the server). Only the first {@link HEAD_BYTES} are read. What lies beyond is the server's business: the head may end in
 * the middle of an item, which is then left out, not reported as an error.
 */

export const HEAD_BYTES = HEAD_LENGTH;
export const SAMPLE_ITEMS = 20;

export type FileHeadError = 'empty' | 'invalid-json' | 'invalid-jsonl' | 'not-items' | 'unknown-format';

export interface FileHead {
  format: Format | null;
  /** Field names of the first items, in order of first appearance. */
  fields: string[];
  /** One example value per field (the first non-empty one), as text. */
  samples: Record<string, string>;
  /** How many items the head held (at most {@link SAMPLE_ITEMS}). */
  itemCount: number;
  /** A JSONT file's configuration header. */
  configuration: Record<string, unknown> | null;
  error: FileHeadError | null;
  /** The position (1-based line) of the error, when known. */
  errorLine?: number;
}

type Item = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const skipWhitespace = (text: string, index: number): number => {
  let i = index;
  while (i < text.length && /\s/.test(text[i])) i += 1;
  return i;
};

/** The index just after the JSON string starting at `start` (a `"`), or -1 when the text ends inside it. */
const stringEnd = (text: string, start: number): number => {
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
};

/**
 * The index just after the JSON value starting at `start`, or -1 when the text ends before the value does.
 * Only finds the value's extent; JSON.parse then checks it.
 */
const valueEnd = (text: string, start: number): number => {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i += 1) {
      const char = text[i];
      if (char === '"') {
        const end = stringEnd(text, i);
        if (end === -1) return -1;
        i = end - 1;
      } else if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = start;
  while (i < text.length && !/[\s,\]}]/.test(text[i])) i += 1;
  return i < text.length ? i : -1;
};

class HeadSyntaxError extends Error {
  constructor(readonly position: number) {
    super('invalid JSON');
  }
}

const lineAt = (text: string, position: number) => text.slice(0, position).split('\n').length;

/** The complete elements of the array whose `[` is at `start`, up to `limit` of them. */
const arrayElements = (text: string, start: number, limit: number): unknown[] => {
  const elements: unknown[] = [];
  let i = skipWhitespace(text, start + 1);
  if (text[i] === ']') return elements;
  while (i < text.length && elements.length < limit) {
    const end = valueEnd(text, i);
    if (end === -1) break; // the head ends inside this element
    try {
      elements.push(JSON.parse(text.slice(i, end)));
    } catch {
      throw new HeadSyntaxError(i);
    }
    i = skipWhitespace(text, end);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
    else if (text[i] === ']' || i >= text.length) break;
    else throw new HeadSyntaxError(i);
  }
  return elements;
};

/**
 * A JSONT document's `configuration` and first `items` (and the top-level keys seen), from the object whose `{` is at
 * `start`. JSON exports are such objects too: `{ "formatVersion": 1, "items": [...] }`.
 */
const jsontParts = (text: string, start: number): { configuration: Item | null; items: unknown[] | null; keys: string[] } => {
  let configuration: Item | null = null;
  let items: unknown[] | null = null;
  const keys: string[] = [];
  let i = skipWhitespace(text, start + 1);
  while (i < text.length && text[i] !== '}') {
    if (text[i] !== '"') throw new HeadSyntaxError(i);
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) break;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    keys.push(key);
    i = skipWhitespace(text, keyEnd);
    if (text[i] !== ':') {
      if (i >= text.length) break;
      throw new HeadSyntaxError(i);
    }
    i = skipWhitespace(text, i + 1);
    if (i >= text.length) break;
    if (key === 'items' && text[i] === '[') {
      items = arrayElements(text, i, SAMPLE_ITEMS);
      // Items come last in the files we write; whatever follows a long list is beyond the head anyway.
      const end = valueEnd(text, i);
      if (end === -1) break;
      i = skipWhitespace(text, end);
    } else {
      const end = valueEnd(text, i);
      if (end === -1) break;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, end));
      } catch {
        throw new HeadSyntaxError(i);
      }
      if (key === 'configuration' && isPlainObject(value)) configuration = value;
      i = skipWhitespace(text, end);
    }
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
    else if (text[i] !== '}' && i < text.length) throw new HeadSyntaxError(i);
  }
  return { configuration, items, keys };
};

/** Splits CSV text into rows of cells (RFC 4180 quoting), dropping a last row the head may have cut. */
const csvRows = (text: string, delimiter: string, complete: boolean, limit: number): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  for (; i < text.length && rows.length < limit; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === delimiter) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  // A last row without its line break is complete only when the whole file was read.
  if (complete && rows.length < limit && (cell !== '' || row.length > 0)) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
};

const sampleText = (value: unknown): string | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

const describeItems = (items: unknown[]): Pick<FileHead, 'fields' | 'samples' | 'itemCount'> => {
  const fields: string[] = [];
  const seen = new Set<string>();
  const samples = new Map<string, string>();
  for (const item of items) {
    if (!isPlainObject(item)) continue;
    for (const [field, value] of Object.entries(item)) {
      if (!seen.has(field)) {
        seen.add(field);
        fields.push(field);
      }
      const sample = samples.has(field) ? undefined : sampleText(value);
      if (sample !== undefined) samples.set(field, sample);
    }
  }
  return { fields, samples: Object.fromEntries(samples), itemCount: items.length };
};

const empty = (format: Format | null, error: FileHeadError | null, errorLine?: number): FileHead => ({
  format,
  fields: [],
  samples: {},
  itemCount: 0,
  configuration: null,
  error,
  ...(errorLine === undefined ? {} : { errorLine }),
});

/**
 * Reads the head of a file: `text` is its first bytes, `complete` whether that is the whole file, `name` its
 * name (its extension gives the format; `.json` files may still be JSONT, as Liferay's batch files are).
 */
export const parseHead = (rawText: string, name: string, complete: boolean): FileHead => {
  const text = rawText.replace(/^\uFEFF/, '');
  if (text.trim() === '') return empty(formatOfFileName(name), 'empty');

  const format = detectFormat({ fileName: name, head: text });
  const start = skipWhitespace(text, 0);

  try {
    switch (format) {
      case 'json': {
        if (text[start] === '[') return { ...empty(format, null), ...describeItems(arrayElements(text, start, SAMPLE_ITEMS)) };
        // A JSON export: `{ "formatVersion": 1, "items": [...] }` (detection said JSON: no configuration).
        const items = text[start] === '{' ? jsontParts(text, start).items : null;
        if (!items) return empty(format, 'not-items', lineAt(text, start));
        return { ...empty(format, null), ...describeItems(items) };
      }
      case 'jsont': {
        if (text[start] !== '{') return empty(format, 'not-items', lineAt(text, start));
        const { configuration, items } = jsontParts(text, start);
        return { ...empty(format, null), ...describeItems(items ?? []), configuration };
      }
      case 'jsonl': {
        const lines = text.split('\n');
        const items: unknown[] = [];
        for (let index = 0; index < lines.length && items.length < SAMPLE_ITEMS; index += 1) {
          const line = lines[index].trim();
          if (line === '') continue;
          try {
            items.push(JSON.parse(line));
          } catch {
            // The head may cut the last line: only an error when the line is complete.
            if (index === lines.length - 1 && !complete) break;
            return empty(format, 'invalid-jsonl', index + 1);
          }
        }
        return { ...empty(format, null), ...describeItems(items) };
      }
      case 'csv': {
        const delimiter = csvHeaderDelimiter(text);
        const [header = [], ...rows] = csvRows(text, delimiter, complete, SAMPLE_ITEMS + 1);
        const fields = header.map((field) => field.trim()).filter((field) => field !== '');
        const items = rows.map((cells) =>
          Object.fromEntries(header.map((field, column) => [field.trim(), cells[column] ?? '']))
        );
        return { ...empty(format, null), ...describeItems(items), fields };
      }
      default:
        return empty(null, 'unknown-format');
    }
  } catch (error) {
    if (error instanceof HeadSyntaxError) return empty(format, 'invalid-json', lineAt(text, error.position));
    throw error;
  }
};

/** Reads the first {@link HEAD_BYTES} of a file and describes them (see {@link parseHead}). */
export const readFileHead = async (file: File): Promise<FileHead> => {
  const head = file.slice(0, HEAD_BYTES);
  const text = await readBlobText(head);
  return parseHead(text, file.name, file.size <= HEAD_BYTES);
};
