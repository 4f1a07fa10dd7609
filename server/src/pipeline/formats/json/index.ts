import type { Readable } from 'node:stream';

import { DETECT, FORMAT_INFO, headText } from '../../../../../shared/formats';
import { streamChunks, streamItems } from '../common';
import { readLimits, type ReadLimits } from '../limits';
import type { FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from '../types';
import { writeText } from '../write-text';
import { indentJson, indentJsonList } from './indent';
import { JsonItemParser } from './parser';
import type { JsonHeader } from './tokens';

export { JsonItemParser } from './parser';
export { JSON_PARSE_START, endOfValue, findErrorOffset } from './positions';
export { indentJson, indentJsonList } from './indent';
export type { JsonHeader } from './tokens';

/**
 * JSON: a top-level array of items, `[ {...}, {...} ]`, or (as exports write it, with the format version) an object
 * `{ "formatVersion": 1, "items": [ {...} ] }`.
 *
 * Read with stream-json's tokenizer, assembled here one element at a time (memory holds one item, never the
 * file). stream-json's errors carry no position, so the parser keeps the line and column of the text it
 * has consumed and, when the tokenizer fails, replays the failing chunk one character at a time from the state
 * it started in to find the exact offending character (./parser.ts, ./positions.ts). Detection is shared with the admin (shared/formats/detect.ts).
 */

/**
 * The header of a JSON or JSONT file: what its top-level value is, its `formatVersion` and `configuration`. Reads
 * up to the start of the `items` when the header comes first (as the plugin writes it), else the whole file.
 */
export const readHeader = async (open: () => Readable, limits?: Partial<ReadLimits>): Promise<JsonHeader> => {
  for await (const header of streamItems<JsonHeader>(open, () => new JsonItemParser('header', readLimits(limits)), {
    // The items are read again from the start of the file, and that read checks the UTF-8.
    invalidUtf8: 'replace',
  })) return header;
  throw new Error('The file is empty');
};

/**
 * With a format version (exports): `{\n  "formatVersion": 1,\n  "items": [\n    {...}\n  ]\n}\n`. Without one: the
 * bare array `[\n  {...},\n  {...}\n]\n`. Each item as `JSON.stringify(item, null, 2)`, indented.
 */
export const createJsonWriter = ({ formatVersion, secrets }: Partial<WriteOptions>): FormatWriter => {
  let count = 0;
  const indent = formatVersion === undefined ? '  ' : '    ';
  const close = formatVersion === undefined ? ']\n' : '  ]\n}\n';
  return {
    begin: () =>
      formatVersion === undefined
        ? '['
        : `{\n  "formatVersion": ${JSON.stringify(formatVersion)},\n${secrets ? `  "secrets": ${indentJson(secrets, '  ')},\n` : ''}  "items": [`,
    item: (value) => {
      const separator = count === 0 ? '\n' : ',\n';
      count += 1;
      return `${separator}${indent}${indentJson(value, indent)}`;
    },
    items: (values) => {
      if (values.length === 0) return '';
      const separator = count === 0 ? '\n' : ',\n';
      count += values.length;
      return `${separator}${indentJsonList(values, indent)}`;
    },
    end: () => (count === 0 ? `${close.trimStart()}` : `\n${close}`),
  };
};

export const jsonFormat: FormatModule = {
  ...FORMAT_INFO.json,
  detect: (head) => DETECT.json(headText(head)),
  read: (open: () => Readable, options: ReadOptions) =>
    streamItems<SourceItem>(open, () => new JsonItemParser('array', readLimits(options.limits)), options),
  readChunks: (open: () => Readable, options: ReadOptions) =>
    streamChunks<SourceItem>(open, () => new JsonItemParser('array', readLimits(options.limits)), options),
  write: (pages, options) => writeText(createJsonWriter(options), pages),
  readHeader: async (open, limits) => {
    const header = await readHeader(open, limits);
    // A JSONT configuration found after the items (beyond what the name and first bytes showed).
    return header.configuration ? { ...header, actually: 'jsont' } : header;
  },
};

export default jsonFormat;
