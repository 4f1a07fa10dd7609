import { SNIFF_ORDER, formatOfFileName, isFormat, type Format } from './names';

/**
 * How the first bytes of a file (at most `HEAD_LENGTH`, maybe cut in the middle of an item) tell its format. Text
 * based for the formats known so far; `detectFormat` takes bytes, so a binary format (XLSX: a zip) can look at
 * them. No Node import (the admin uses this too).
 */

/** A head as text: UTF-8 (bad bytes as U+FFFD), the BOM removed. */
export const headText = (head: Uint8Array | string): string =>
  (typeof head === 'string' ? head : new TextDecoder('utf-8').decode(head)).replace(/^\uFEFF/, '');

/** What the beginning of a file says about its first JSON value. */
export interface JsonHead {
  /** The first non-whitespace character, '' when there is none. */
  first: string;
  /** Top-level object: its keys seen in the head. */
  keys: string[];
  /** Whether the first value ends within the head. */
  complete: boolean;
  /** Whether a line break occurs inside the first value. */
  multiLine: boolean;
  /** What follows the first value: nothing but whitespace, another value on a later line, or anything else. */
  after: 'nothing' | 'next-line-value' | 'other';
}

const isJsonSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Scans the head of a file (BOM removed) without parsing it whole: strings, nesting and top-level keys only. */
export const describeJsonHead = (head: string): JsonHead => {
  let i = 0;
  while (i < head.length && isJsonSpace(head[i])) i += 1;
  const result: JsonHead = { first: head[i] ?? '', keys: [], complete: false, multiLine: false, after: 'other' };
  if (result.first !== '{' && result.first !== '[') return result;
  let depth = 0;
  for (; i < head.length; i += 1) {
    const c = head[i];
    if (c === '"') {
      const start = i + 1;
      for (i += 1; i < head.length && head[i] !== '"'; i += 1) if (head[i] === '\\') i += 1;
      if (i >= head.length) return result;
      if (depth === 1 && result.first === '{') {
        let j = i + 1;
        while (j < head.length && isJsonSpace(head[j])) j += 1;
        if (head[j] === ':') {
          try {
            result.keys.push(JSON.parse(head.slice(start - 1, i + 1)) as string);
          } catch {
            // not a valid key: leave it out
          }
        }
      }
    } else if (c === '{' || c === '[') {
      depth += 1;
    } else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) {
        result.complete = true;
        break;
      }
    } else if (c === '\n') {
      result.multiLine = true;
    }
  }
  if (!result.complete) return result;
  let j = i + 1;
  let newline = false;
  while (j < head.length && isJsonSpace(head[j])) {
    if (head[j] === '\n') newline = true;
    j += 1;
  }
  if (j >= head.length) result.after = 'nothing';
  else if (newline && (head[j] === '{' || head[j] === '[')) result.after = 'next-line-value';
  return result;
};

/** JSONT: one top-level object with a `configuration` or `items` key (not one object per line, as JSONL). */
export const looksLikeJsont = (head: JsonHead): boolean =>
  head.first === '{' &&
  head.after !== 'next-line-value' &&
  (head.keys.includes('items') || head.keys.includes('configuration'));



/**
 * A JSON file: a top-level array, or an object with an `items` array and no `configuration` (that is JSONT),
 * as JSON exports are. One object per line is JSONL.
 */
export const looksLikeJson = (head: JsonHead): boolean =>
  head.first === '[' ||
  (head.first === '{' &&
    head.after !== 'next-line-value' &&
    head.keys.includes('items') &&
    !head.keys.includes('configuration'));

/** JSONL: one object per line: the first ends on its first line, and what follows is another line or nothing. */
export const looksLikeJsonl = (head: JsonHead): boolean => {
  if (head.first !== '{' || looksLikeJsont(head)) return false;
  return head.complete ? !head.multiLine && head.after !== 'other' : !head.multiLine;
};

/** CSV: any text that is not JSON. */
export const looksLikeCsv = (head: string): boolean => {
  const text = head.replace(/^\s+/, '');
  // A NUL in the header row says binary (a zip such as XLSX, UTF-16 text); one in a later cell is data, which the
  // importer then judges like any value.
  const firstLine = text.split(/\r?\n|\r/, 1)[0];
  return text.length > 0 && text[0] !== '{' && text[0] !== '[' && !firstLine.includes('\u0000');
};

/** The delimiters a CSV may use: comma, semicolon (what Excel writes where the decimal separator is a comma), tab. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/**
 * The delimiter of a CSV header row: whichever of `,` `;` and tab it has most of outside quotes; `,` on a tie or
 * when it has none (a one-column file). The server's reader and the import wizard both read headers with it.
 */
export const csvDelimiter = (header: string): CsvDelimiter => {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < header.length; i += 1) {
    const c = header[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c] += 1;
  }
  let best: CsvDelimiter = ',';
  for (const delimiter of CSV_DELIMITERS) if (counts[delimiter] > counts[best]) best = delimiter;
  return best;
};

/** The end (exclusive) of the header row in `text`: its first line feed outside quotes, -1 when not there yet. */
export const csvHeaderEnd = (text: string): number => {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) return i;
  }
  return -1;
};

/** The delimiter of the header row at the start of `text` (blank lines before it skipped), as the server reads it. */
export const csvHeaderDelimiter = (text: string): CsvDelimiter => {
  const header = text.replace(/^[\r\n]+/, '');
  const end = csvHeaderEnd(header);
  return csvDelimiter(end === -1 ? header : header.slice(0, end));
};

/**
 * XLSX: a zip (local file header `PK\x03\x04`) whose entries are a spreadsheet's (`[Content_Types].xml`, `xl/...`;
 * entry names are stored as plain bytes in the head). A bundle (also a zip) has `manifest.json` and `content/` instead.
 */
export const looksLikeXlsx = (text: string): boolean =>
  text.startsWith('PK\u0003\u0004') && (text.includes('xl/') || text.includes('[Content_Types].xml'));

/** Whether a head (text, BOM removed) looks like each format. */
export const DETECT: { readonly [F in Format]: (text: string) => boolean } = {
  xlsx: looksLikeXlsx,
  json: (text) => looksLikeJson(describeJsonHead(text)),
  jsont: (text) => looksLikeJsont(describeJsonHead(text)),
  jsonl: (text) => looksLikeJsonl(describeJsonHead(text)),
  csv: looksLikeCsv,
};

/**
 * The format of a file: the explicit option, else the file name's ending, else what its first bytes look like
 * (`head`: at most the first 64 KB; a UTF-8 BOM is ignored). A `.json` file whose content is a JSONT object with a
 * `configuration` (Liferay names its batch files `*.json`) is JSONT; `{ "formatVersion", "items" }` (a JSON export) is
 * JSON. Null when nothing matches.
 */
export const detectFormat = ({
  option,
  fileName,
  head,
}: {
  option?: Format | null;
  fileName?: string | null;
  head: Uint8Array | string;
}): Format | null => {
  if (isFormat(option)) return option;
  const text = headText(head);
  const byName = fileName ? formatOfFileName(fileName) : null;
  if (byName === 'json') {
    const json = describeJsonHead(text);
    if (looksLikeJsont(json) && json.keys.includes('configuration')) return 'jsont';
  }
  // A spreadsheet saved under another name (`export.csv` that Excel wrote as a workbook) is read as what it is.
  if (byName && byName !== 'xlsx' && looksLikeXlsx(text)) return 'xlsx';
  if (byName) return byName;
  return SNIFF_ORDER.find((format) => DETECT[format](text)) ?? null;
};
