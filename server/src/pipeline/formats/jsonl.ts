import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

import { DETECT, FORMAT_INFO, headText } from '../../../../shared/formats';
import { ReadFailure, describeJsonParseError, describeValue, isPlainObject, streamChunks, streamItems, truncate } from './common';
import { JSON_PARSE_START, findErrorOffset } from './json';
import { DEFAULT_READ_LIMITS, depthMessage, findDepthExcess, lengthLimit, readLimits, type ReadLimits } from './limits';
import type { FormatModule, FormatWriter, ReadOptions, SourceItem } from './types';
import { writeText } from './write-text';

/**
 * JSONL (newline-delimited JSON): one item per line.
 *
 * Read with a line splitter and `JSON.parse` (not stream-json's JSONL parser: it cannot say on which line an item
 * was, as it drops empty lines without counting them, and fails the whole stream on a bad line). Blank lines are
 * skipped but counted; a malformed line is one item with an `error` naming its line and column, and the rest of
 * the file goes on. A line longer than `MAX_LINE_LENGTH` is one error item too: memory stays bounded.
 */

/** Longest line read by default (characters): anything longer is reported and skipped, never held. */
export const MAX_LINE_LENGTH = DEFAULT_READ_LIMITS.maxItemLength;

const isBlank = (text: string): boolean => {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return /^\s*$/.test(text);
  }
  return true;
};

/** Splits the byte stream into lines and parses each: outputs `SourceItem`s. */
class JsonlItemParser extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of the current line (text after the last line break), when it is not being skipped. */
  private rest = '';
  private started = false;
  /** Whether a line that is not blank was read: a file without one is empty. */
  private sawContent = false;
  /** The current line is longer than `MAX_LINE_LENGTH`: its text is dropped until its end. */
  private skipping = false;
  private lineNumber = 0;
  private index = 0;
  private readonly limits: ReadLimits;

  constructor(limits: ReadLimits = DEFAULT_READ_LIMITS) {
    super({ readableObjectMode: true });
    this.limits = limits;
  }

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.splitLines(this.decoder.write(chunk));
    callback();
  }

  _flush(callback: TransformCallback): void {
    this.splitLines(this.decoder.end());
    if (this.skipping) this.overlong();
    else if (this.rest.length > 0) this.parseLine(this.rest);
    this.rest = '';
    if (!this.sawContent) this.push(new ReadFailure(new Error('The file is empty')));
    callback();
  }

  private splitLines(decoded: string) {
    let text = decoded;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length === 0) return;
    let start = 0;
    let end = text.indexOf('\n');
    if (this.skipping) {
      if (end === -1) return;
      this.overlong();
      start = end + 1;
      end = text.indexOf('\n', start);
    } else if (this.rest.length > 0) {
      if (end === -1) {
        this.keep(this.rest + text);
        return;
      }
      this.parseLine(this.rest + text.slice(0, end));
      this.rest = '';
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    for (; end !== -1; start = end + 1, end = text.indexOf('\n', start)) this.parseLine(text.slice(start, end));
    this.keep(text.slice(start));
  }

  /** Keeps the start of a line whose end has not come yet, unless it is already too long. */
  private keep(text: string) {
    if (text.length > this.limits.maxItemLength) {
      this.rest = '';
      this.skipping = true;
    } else {
      this.rest = text;
    }
  }

  /** A line longer than `maxItemLength` whose end came in a later chunk (its text was not kept). */
  private overlong() {
    this.sawContent = true;
    this.lineNumber += 1;
    this.skipping = false;
    this.pushTooLong(this.lineNumber);
  }

  private pushTooLong(line: number) {
    this.push({
      index: this.next(),
      line,
      error: `Line ${line}: the line is longer than ${lengthLimit(this.limits.maxItemLength)}`,
    });
  }

  private next(): number {
    const index = this.index;
    this.index += 1;
    return index;
  }

  private parseLine(lineText: string) {
    this.lineNumber += 1;
    const line = this.lineNumber;
    const text = lineText.charCodeAt(lineText.length - 1) === 0x0d ? lineText.slice(0, -1) : lineText;
    if (isBlank(text)) return;
    this.sawContent = true;
    // A line that arrived whole within a chunk (or with the kept start of it) is held to the same limit.
    if (text.length > this.limits.maxItemLength) {
      this.pushTooLong(line);
      return;
    }
    // JSON.parse would build a value of any depth, which code downstream recurses over: refused before parsing.
    const deep = findDepthExcess(text, this.limits.maxDepth);
    if (deep >= 0) {
      this.push({
        index: this.next(),
        line,
        error: `Line ${line}, column ${deep + 1}: ${depthMessage(this.limits.maxDepth)}`,
        raw: truncate(text),
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // V8 names the position of most errors; for the others, replay the line through the tokenizer.
      const { reason, offset } = describeJsonParseError(error);
      const column = (offset ?? findErrorOffset(text, JSON_PARSE_START)) + 1;
      this.push({
        index: this.next(),
        line,
        error: `Line ${line}, column ${column}: invalid JSON: ${reason}`,
        raw: truncate(text),
      });
      return;
    }
    const index = this.next();
    if (isPlainObject(value)) this.push({ index, line, value });
    else
      this.push({
        index,
        line,
        error: `Line ${line}: expected a JSON object, found ${describeValue(value)}`,
        raw: truncate(text),
      });
  }
}

export const createJsonlWriter = (): FormatWriter => ({
  begin: () => '',
  item: (value) => `${JSON.stringify(value)}\n`,
  end: () => '',
});

export const jsonlFormat: FormatModule = {
  ...FORMAT_INFO.jsonl,
  detect: (head) => DETECT.jsonl(headText(head)),
  read: (open: () => Readable, options: ReadOptions) =>
    streamItems<SourceItem>(open, () => new JsonlItemParser(readLimits(options.limits)), options),
  readChunks: (open: () => Readable, options: ReadOptions) =>
    streamChunks<SourceItem>(open, () => new JsonlItemParser(readLimits(options.limits)), options),
  write: (pages) => writeText(createJsonlWriter(), pages),
};

export default jsonlFormat;
