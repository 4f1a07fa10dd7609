import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Parser from 'stream-json/Parser';

import {
  DEFAULT_READ_LIMITS,
  depthMessage,
  findDepthExcess,
  lengthLimit,
  readLimits,
  scanNesting,
  type ReadLimits,
} from './limits';
import type { FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from './types';
import { Utf8Check } from './utf8';

/**
 * JSON: a top-level array of items, `[ {...}, {...} ]`, or (as exports write it, with the format version) an object
 * `{ "formatVersion": 1, "items": [ {...} ] }`.
 *
 * Read with stream-json's tokenizer, assembled here one element at a time (memory holds one item, never the
 * file). stream-json's errors carry no position, so the parser below keeps the line and column of the text it
 * has consumed and, when the tokenizer fails, replays the failing chunk one character at a time from the state
 * it started in to find the exact offending character.
 *
 * This file also holds what the other formats share: `streamItems` (a pipeline read with `for await`, cleaned up
 * on early exit and abort), `errorText`, `truncate`, `setOwn`, and the JSON sniffing used by JSON, JSONL and JSONT.
 */

/** Longest `raw` text kept on an error item. */
export const MAX_RAW_LENGTH = 10 * 1024;

/* ------------------------------------------------------------------------------------------------------------
 * Shared helpers
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * A fatal read error, queued by a parser behind the items read before it: the consumer gets every item that
 * precedes the error, then the error, whatever the chunking.
 */
export class ReadFailure {
  constructor(readonly error: Error) {}
}

/**
 * Runs `open() → parser` in a pipeline (`open() → Utf8Check → parser` unless `invalidUtf8` is `replace`) and yields what the parser outputs. Nothing is opened before the first
 * `next()`. Errors (a `ReadFailure` from the parser, the source's, an abort) are thrown to the consumer; a consumer
 * that stops early (break, throw) destroys every stream.
 */
export async function* streamItems<T>(
  open: () => Readable,
  createParser: () => Transform,
  { signal, invalidUtf8 = 'refuse' }: Pick<ReadOptions, 'signal' | 'invalidUtf8'> = {}
): AsyncGenerator<T> {
  const parser = createParser();
  const done =
    invalidUtf8 === 'refuse'
      ? pipeline(open(), new Utf8Check(), parser, signal ? { signal } : {})
      : pipeline(open(), parser, signal ? { signal } : {});
  // A failure also destroys `parser`, so it reaches the consumer through the loop below.
  done.catch(() => undefined);
  try {
    for await (const output of parser) {
      if (output instanceof ReadFailure) throw output.error;
      yield output as T;
    }
    await done;
  } finally {
    // No-op when the pipeline has finished; on early exit it tears the pipeline (and the source) down.
    parser.destroy();
  }
}

/** The text of a thrown value. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const truncate = (text: string, max = MAX_RAW_LENGTH): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sets an own property, even for `__proto__` (as JSON.parse does), so a key never changes a prototype. */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
};

/**
 * What a `JSON.parse` error says, without the text V8 sometimes quotes into it: the reason, and the 0-based
 * offset of the error when V8 names it ("... in JSON at position 7"), else null.
 */
export const describeJsonParseError = (error: unknown): { reason: string; offset: number | null } => {
  const message = errorText(error);
  const positioned = /^(.*?)\s+(?:in JSON\s+)?at position (\d+)$/s.exec(message);
  if (positioned && !/is not valid JSON$/.test(message))
    return { reason: positioned[1], offset: Number(positioned[2]) };
  const reason = message
    .replace(/^(Unexpected token .+?), (?:\.\.\.)?".*is not valid JSON$/s, '$1')
    .replace(/^Unexpected end of JSON input$/, 'Unexpected end of the text');
  return { reason, offset: null };
};

/** `a number`, `an array`, `null`...: what a JSON value is, for messages. */
export const describeValue = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
};

/** `JSON.stringify(value, null, 2)` with every line after the first indented by `indent`. */
export const indentJson = (value: unknown, indent: string): string =>
  JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);

/**
 * What `indent + indentJson(value, indent)` gives for each value, joined by `,\n`, from ONE `JSON.stringify` of the
 * values nested as deep as `indent` says (two spaces a level): the same bytes as item by item, without a regex pass
 * over each item (a third of the time of a JSON export's writer).
 */
export const indentJsonList = (values: unknown[], indent: string): string => {
  const depth = indent.length / 2;
  if (values.length === 0 || !Number.isInteger(depth) || depth < 1 || indent.trim() !== '') {
    return values.map((value) => `${indent}${indentJson(value, indent)}`).join(',\n');
  }
  let nested: unknown = values;
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level += 1) {
    if (level > 0) nested = [nested];
    open += `${'  '.repeat(level)}[\n`;
    close = `\n${'  '.repeat(level)}]${close}`;
  }
  const text = JSON.stringify(nested, null, 2);
  return text.slice(open.length, text.length - close.length);
};

/* ------------------------------------------------------------------------------------------------------------
 * Sniffing
 * ---------------------------------------------------------------------------------------------------------- */

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

/* ------------------------------------------------------------------------------------------------------------
 * Syntax error positions
 * ---------------------------------------------------------------------------------------------------------- */

/** stream-json 1.9.1 Parser state (internal fields, not in its type declarations; the version is pinned). */
export interface ParserState {
  _expect: string;
  _stack: string[];
  _parent: string;
  _open_number: boolean;
  _accumulator: string;
  _done: boolean;
}

interface ParserInternals extends ParserState {
  _buffer: string;
  _processBuffer(callback: (error?: Error | null) => void): void;
}

const internals = (parser: Parser) => parser as unknown as ParserInternals;
const processBuffer = (Parser.prototype as unknown as ParserInternals)._processBuffer;

const snapshotOf = (parser: ParserState): ParserState => ({
  _expect: parser._expect,
  _stack: parser._stack.slice(),
  _parent: parser._parent,
  _open_number: parser._open_number,
  _accumulator: parser._accumulator,
  _done: parser._done,
});

/** A stand-alone tokenizer in a given state, whose tokens go nowhere: used to replay text and find an error. */
const probeFrom = (state: ParserState, buffer: string): ParserInternals => {
  const probe = new Parser({ streamValues: false });
  Object.defineProperty(probe, 'push', { value: () => true });
  const parser = internals(probe);
  Object.assign(parser, snapshotOf(state), { _done: false, _buffer: buffer });
  return parser;
};

const feed = (parser: ParserInternals, text: string): boolean => {
  let failed = false;
  parser._buffer += text;
  processBuffer.call(parser, (error) => {
    if (error) failed = true;
  });
  return failed;
};

const PROBE_BLOCK = 4096;

/** The tokenizer state for a whole JSON text, read from its start to its end (a JSONL line). */
export const JSON_PARSE_START: ParserState = {
  ...snapshotOf(internals(new Parser({ streamValues: false }))),
  _done: true,
};

/**
 * The offset in `text` of the first character the tokenizer rejects, starting in `state`: replays the text in
 * blocks, then the failing block one character at a time (the tokenizer consumes everything valid, so the text it
 * holds when it fails starts at the offending token). `text.length` when the text ends too early.
 */
export const findErrorOffset = (text: string, state: ParserState): number => {
  let probe = probeFrom(state, '');
  for (let k = 0; k < text.length; k += PROBE_BLOCK) {
    const before = snapshotOf(probe);
    const held = probe._buffer;
    if (!feed(probe, text.slice(k, k + PROBE_BLOCK))) continue;
    probe = probeFrom(before, held);
    for (let i = k; i < text.length; i += 1) {
      const start = i - probe._buffer.length;
      if (feed(probe, text[i])) return start;
    }
    break;
  }
  if (!state._done) return text.length;
  const start = text.length - probe._buffer.length;
  probe._done = true;
  return feed(probe, '') ? start : text.length;
};

/** The 1-based line and column of `offset` in `text`, given those of `text[0]`. */
const advancePosition = (text: string, offset: number, line: number, column: number) => {
  let lastBreak = -1;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lastBreak = nl;
  }
  return { line, column: lastBreak === -1 ? column + offset : offset - lastBreak };
};

const TOKENIZER_REASONS: Record<string, string> = {
  'expected a value': 'expected a value',
  'escaped characters': 'invalid escape sequence or unescaped control character in a string',
  'unexpected characters': 'unexpected text after the end of the JSON value',
};

const describeTokenizerError = (message: string): string => {
  const reason = message.replace(/^Parser cannot parse input: /, '').replace(/^Parser has expected /, 'expected ');
  return TOKENIZER_REASONS[reason] ?? reason;
};

/* ------------------------------------------------------------------------------------------------------------
 * The streaming JSON item parser (JSON and JSONT)
 * ---------------------------------------------------------------------------------------------------------- */

const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What `endOfValue` returns for a value nested deeper than its `maxDepth`. */
export const TOO_DEEP = -2;

const isJsonSpaceCode = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Tokenizer states inside a string (a value, a key). */
const IN_STRING = new Set(['string', 'keyVal']);
/** Characters the tokenizer reads at a time outside a value, so that it stops short of the next element. */
const TOKENIZER_STEP = 64;
/** An element still incomplete past this many characters is assembled by the tokenizer as it arrives. */
const FAST_ELEMENT_LIMIT = 1024 * 1024;

/**
 * The offset just past the end of the value that `text[from]` is in, `depth` brackets deep (0: `text[from]` opens
 * it), inside a string or not; -1 when it does not end in `text`. `TOO_DEEP` (-2) when the value nests deeper
 * than `maxDepth` before it ends. See `scanNesting`.
 */
export const endOfValue = (
  text: string,
  from: number,
  depth: number,
  inString: boolean,
  maxDepth = Number.POSITIVE_INFINITY
): number => {
  const scan = scanNesting(text, { from, depth, inString, maxDepth, untilClosed: true });
  return scan.tooDeep >= 0 ? TOO_DEEP : scan.end;
};

/** Characters JavaScript's `\s` matches that JSON does not take as whitespace. */
const OTHER_SPACE = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** The offset of the first `OTHER_SPACE` character outside a string in `text`, -1 if none. */
const findOtherSpace = (text: string, inString: boolean): number => {
  let quoted = inString;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (OTHER_SPACE.test(text[i])) return i;
  }
  return -1;
};

interface Token {
  name: string;
  value?: string;
}

/**
 * What to stream out of the document:
 * - `array`: the elements of a top-level array, or of the `items` array of a top-level object (JSON, whose exports
 *   are `{ "formatVersion": 1, "items": [...] }`);
 * - `jsont`: the elements of the `items` array of a top-level object (JSONT);
 * - `header`: one {@link JsonHeader} (the top-level `formatVersion` and `configuration`), then nothing more.
 */
export type JsonReadMode = 'array' | 'jsont' | 'header';

/** What precedes the items of a JSON or JSONT file. */
export interface JsonHeader {
  /** What the top-level value is: `an array`, `an object`, `a string`... */
  root: string;
  /** The top-level `formatVersion`, as written (undefined when absent). */
  formatVersion?: unknown;
  /** The top-level `configuration` object (JSONT), or null. */
  configuration: Record<string, unknown> | null;
}

type Container = Record<string, unknown> | unknown[];
type Place = 'root' | 'elements' | 'keys' | 'value' | 'end';

const scalarOf = (token: Token): unknown => {
  switch (token.name) {
    case 'stringValue':
      return token.value;
    case 'numberValue':
      return Number(token.value);
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
};

const describeToken = (token: Token): string => {
  switch (token.name) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'an array';
    default:
      return describeValue(scalarOf(token));
  }
};

/**
 * stream-json's tokenizer with the assembly of items fused in (its tokens never travel through a stream, which
 * would cost a stream write per token): outputs `SourceItem`s (or, in `header` mode, one `JsonHeader`).
 */
export class JsonItemParser extends Parser {
  private readonly mode: JsonReadMode;
  /** Line and column of the first character of the tokenizer's unconsumed text. */
  private line = 1;
  private column = 1;
  private bomChecked = false;
  private sawToken = false;
  /** Set once a `ReadFailure` is queued: the rest of the input is ignored. */
  private halted = false;
  private place: Place = 'root';
  private pendingKey: string | null = null;
  private sawItems = false;
  /** Containers of the value being assembled, outermost first, and the key each will take in its parent. */
  private frames: Container[] = [];
  private frameKeys: Array<string | null> = [];
  private key: string | null = null;
  private purpose: 'element' | 'header' = 'element';
  /** `header` mode: what has been read so far, and which key the value being assembled belongs to. */
  private header: JsonHeader = { root: '', configuration: null };
  private headerKey = '';
  /** Whether the top-level value is an object whose `items` are read (JSONT, a JSON export). */
  private inObject = false;
  /** Nesting depth of a value being skipped. */
  private skipDepth = 0;
  private index = 0;
  private readonly limits: ReadLimits;
  /** Characters read by the tokenizer since it entered the value it is in (the item-size limit). */
  private valueLength = 0;
  /** Where the fast path saw the element being read nest too deep (the tokenizer then reads it and skips it). */
  private deepAt: { line: number; column: number } | null = null;
  /** The text the tokenizer is reading, where it starts, and the document's depth there (to place a depth error). */
  private reading = { text: '', line: 1, column: 1, depth: 0, inString: false };

  constructor(mode: JsonReadMode, limits: ReadLimits = DEFAULT_READ_LIMITS) {
    super({ streamValues: false });
    this.mode = mode;
    this.limits = limits;
  }

  // Called by stream-json for every token (and by the stream machinery with `null` at the end).
  push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding);
    if (!this.halted) this.onToken(chunk as Token);
    return true;
  }

  // Strips a BOM, then reads what is buffered: the items' elements by the fast path, the rest by the tokenizer.
  _processBuffer(callback: (error?: Error | null) => void): void {
    const parser = internals(this);
    if (this.halted) {
      parser._buffer = '';
      callback(null);
      return;
    }
    if (!this.bomChecked && parser._buffer.length > 0) {
      if (parser._buffer.charCodeAt(0) === 0xfeff) parser._buffer = parser._buffer.slice(1);
      this.bomChecked = true;
    }
    if (this.mode === 'header') {
      this.tokenize(parser, parser._buffer.length);
      callback(null);
      return;
    }
    // Set when the tokenizer consumed nothing of the text it was given (a token runs past it): it gets all of it.
    let starved = false;
    while (!this.halted && parser._buffer.length > 0) {
      if (this.betweenElements(parser) && this.fastElements(parser) === 'more') break;
      if (this.halted || parser._buffer.length === 0) break;
      // The tokenizer's turn: up to the end of the value it is inside, else a few characters (it stops short of
      // the next element, which the fast path then takes), or everything at the end of the input.
      const buffered = parser._buffer.length;
      const depth = this.frames.length + this.skipDepth;
      const end = depth > 0 ? endOfValue(parser._buffer, 0, depth, IN_STRING.has(parser._expect)) : -1;
      const limit =
        parser._done || starved || (depth > 0 && end < 0)
          ? buffered
          : depth > 0
          ? end
          : Math.min(buffered, TOKENIZER_STEP);
      if (this.tokenize(parser, limit) > 0) starved = false;
      else if (limit < buffered) starved = true;
      else break; // it waits for more input
    }
    // The end of the input: the tokenizer checks that the document is complete (or that there was one at all).
    if (parser._done && !this.halted) this.tokenize(parser, parser._buffer.length);
    callback(null);
  }

  /** Runs the tokenizer on the first `limit` characters of the buffer; returns how many it consumed. */
  private tokenize(parser: ParserInternals, limit: number): number {
    const whole = parser._buffer.slice(0, limit);
    // stream-json takes any `\s` for whitespace; JSON has four: the text stops at any other outside a string.
    const bad = OTHER_SPACE.test(whole) ? findOtherSpace(whole, IN_STRING.has(parser._expect)) : -1;
    const text = bad >= 0 ? whole.slice(0, bad) : whole;
    const rest = parser._buffer.slice(text.length);
    parser._buffer = text;
    const state = snapshotOf(parser);
    this.reading = {
      text,
      line: this.line,
      column: this.column,
      depth: parser._stack.length,
      inString: IN_STRING.has(parser._expect),
    };
    let failed = false;
    processBuffer.call(this, (error) => {
      if (error) {
        failed = true;
        this.fail(this.positioned(error, text, state));
      }
    });
    if (failed) {
      parser._buffer = '';
      return text.length;
    }
    if (bad >= 0) {
      const at = advancePosition(whole, bad, this.line, this.column);
      const code = whole.charCodeAt(bad).toString(16).toUpperCase().padStart(4, '0');
      this.fail(`Invalid JSON at line ${at.line}, column ${at.column}: U+${code} is not JSON whitespace`);
      parser._buffer = '';
      return whole.length;
    }
    const startLine = this.line;
    const startColumn = this.column;
    const consumed = text.length - parser._buffer.length;
    ({ line: this.line, column: this.column } = advancePosition(text, consumed, this.line, this.column));
    parser._buffer += rest;
    this.checkLength(parser, consumed, startLine, startColumn);
    return consumed;
  }

  /**
   * The size limit, while the tokenizer reads: counts what it consumed inside a value (an item being assembled, a
   * value being skipped, a long string or number token) and stops the read past `maxItemLength`, before the value is
   * held whole.
   */
  private checkLength(parser: ParserInternals, consumed: number, line: number, column: number) {
    if (this.halted) return;
    const inValue = this.frames.length > 0 || this.skipDepth > 0 || parser._accumulator.length > 0;
    // A value that ended in this run still counts what the run consumed of it (it may have come whole).
    const counted = inValue || this.valueLength > 0;
    this.valueLength = counted ? this.valueLength + consumed : 0;
    const max = this.limits.maxItemLength;
    const over = this.valueLength > max || parser._accumulator.length > max;
    if (!inValue) this.valueLength = 0;
    if (!over) return;
    const what =
      this.mode === 'header'
        ? 'A value before the items'
        : this.place === 'elements'
        ? `Item ${inValue ? this.index : this.index - 1}` // an item that ended in this run is already counted
        : 'A value outside the items';
    this.fail(
      `${what} is longer than ${lengthLimit(max)} (reached while reading from line ${line}, column ${column})`
    );
  }

  /** An element nests deeper than `maxDepth`: an error item, and the rest of the element is skipped. */
  private tooDeep() {
    const { text, line, column, depth, inString } = this.reading;
    // The tokenizer's stack holds the document's open containers: those around the item, then the item's own.
    const around = internals(this)._stack.length - this.frames.length;
    const offset = findDepthExcess(text, around + this.limits.maxDepth, depth, inString);
    const at = this.deepAt ?? (offset >= 0 ? advancePosition(text, offset, line, column) : { line, column });
    const where = `line ${at.line}, column ${at.column}`;
    this.deepAt = null;
    if (this.purpose === 'header' || this.mode === 'header') {
      this.fail(`The header ${depthMessage(this.limits.maxDepth)} (${where})`);
      return;
    }
    const index = this.index;
    this.index += 1;
    // Every container of the element is open, plus the one being opened: skip to the end of the outermost.
    this.skipDepth = this.frames.length + 1;
    this.frames = [];
    this.frameKeys = [];
    this.key = null;
    super.push({
      index,
      line: at.line,
      error: `Item ${index} (${where}): ${depthMessage(this.limits.maxDepth)}`,
    } satisfies SourceItem);
  }

  /** Whether the tokenizer stands between two elements of the items array (before one, or before a comma). */
  private betweenElements(parser: ParserInternals): boolean {
    return (
      this.place === 'elements' &&
      this.frames.length === 0 &&
      this.skipDepth === 0 &&
      (parser._expect === 'value' || parser._expect === 'value1' || parser._expect === 'arrayStop')
    );
  }

  /**
   * The fast path: each complete object or array element is cut out of the text by a scan that follows only strings
   * and nesting (endOfValue) and parsed by JSON.parse, several times faster than assembling it token by token; the
   * tokenizer's state is then set as if it had read the element. It stops at anything else (a scalar element, the
   * end of the array, text JSON.parse refuses, an element longer than FAST_ELEMENT_LIMIT still incomplete): the
   * tokenizer reads that, or names the line and column of what is wrong. Returns 'more' when the next element is
   * not complete in the buffer yet, 'token' when the tokenizer must read what comes next.
   */
  private fastElements(parser: ParserInternals): 'more' | 'token' {
    const text = parser._buffer;
    let pos = 0;
    let consumed = 0;
    let stop: 'more' | 'token' = 'token';
    while (!this.halted) {
      while (pos < text.length && isJsonSpaceCode(text.charCodeAt(pos))) pos += 1;
      if (pos >= text.length) {
        stop = parser._done ? 'token' : 'more';
        break;
      }
      const c = text.charCodeAt(pos);
      if (parser._expect === 'arrayStop') {
        if (c !== COMMA) break;
        pos += 1;
        consumed = pos;
        parser._expect = 'value';
        continue;
      }
      if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) break;
      const { end, tooDeep } = scanNesting(text, { from: pos, maxDepth: this.limits.maxDepth, untilClosed: true });
      if (tooDeep >= 0) {
        // The tokenizer reads it (and skips it, with an error item) from here; the exact place goes in the message.
        this.deepAt = advancePosition(text, tooDeep, this.line, this.column);
        break;
      }
      if (end - pos > this.limits.maxItemLength) break; // the tokenizer reports it
      if (end < 0) {
        stop = parser._done || text.length - pos > FAST_ELEMENT_LIMIT ? 'token' : 'more';
        break;
      }
      let value: unknown;
      try {
        value = JSON.parse(text.slice(pos, end));
      } catch {
        break;
      }
      this.sawToken = true;
      this.purpose = 'element';
      this.complete(value);
      parser._expect = 'arrayStop';
      pos = end;
      consumed = end;
    }
    if (consumed > 0) {
      ({ line: this.line, column: this.column } = advancePosition(text, consumed, this.line, this.column));
      parser._buffer = text.slice(consumed);
    }
    return stop;
  }

  private positioned(error: Error, text: string, state: ParserState): Error {
    if (!this.sawToken && state._done && text.trim() === '') return new Error('The file is empty');
    const offset = findErrorOffset(text, state);
    const { line, column } = advancePosition(text, offset, this.line, this.column);
    const reason =
      offset >= text.length && state._done ? 'unexpected end of the file' : describeTokenizerError(error.message);
    return new Error(`Invalid JSON at line ${line}, column ${column}: ${reason}`);
  }

  /** Queues the error behind the items read so far, and ignores the rest of the input. */
  private fail(error: Error | string) {
    if (this.halted) return;
    this.halted = true;
    super.push(new ReadFailure(typeof error === 'string' ? new Error(error) : error));
  }

  private onToken(token: Token) {
    this.sawToken = true;
    if (this.skipDepth > 0) {
      if (token.name === 'startObject' || token.name === 'startArray') {
        this.skipDepth += 1;
        // Skipped, a value still costs the tokenizer a stack entry a level: past twice the limit, the read stops.
        if (this.skipDepth > 2 * this.limits.maxDepth) {
          this.fail(
            `The file ${depthMessage(this.limits.maxDepth)} (over ${(2 * this.limits.maxDepth).toLocaleString(
              'en-US'
            )} levels, before line ${this.line}, column ${this.column}): it is not read further`
          );
        }
      }
      else if (token.name === 'endObject' || token.name === 'endArray') this.skipDepth -= 1;
      return;
    }
    if (this.frames.length > 0) {
      this.build(token);
      return;
    }
    switch (this.place) {
      case 'root':
        this.onRoot(token);
        return;
      case 'elements':
        if (token.name === 'endArray') this.place = this.inObject ? 'keys' : 'end';
        else this.startValue(token, 'element');
        return;
      case 'keys':
        if (token.name === 'keyValue') {
          this.pendingKey = token.value ?? '';
          // The header is what comes before the items (where the plugin writes it): no need to read further.
          if (this.mode === 'header' && this.pendingKey === 'items' && this.headerSeen()) this.emitHeader();
          else this.place = 'value';
        } else if (token.name === 'endObject') {
          this.place = 'end';
          if (this.mode === 'header') this.emitHeader();
          else if (!this.sawItems)
            this.fail(
              this.mode === 'jsont' ? 'The JSONT file has no items array' : 'The JSON object has no items array'
            );
        }
        return;
      case 'value':
        this.onKeyValue(token);
        return;
      default:
    }
  }

  private onRoot(token: Token) {
    if (this.mode === 'header') {
      this.header.root = describeToken(token);
      if (token.name === 'startObject') this.place = 'keys';
      else this.emitHeader();
      return;
    }
    if (this.mode === 'array' && token.name === 'startArray') {
      this.place = 'elements';
    } else if (token.name === 'startObject') {
      this.inObject = true;
      this.place = 'keys';
    } else if (this.mode === 'array') {
      this.fail(`Expected a JSON array of items (or an object with an "items" array), found ${describeToken(token)}`);
    } else {
      this.fail(`Expected a JSONT object with "configuration" and "items", found ${describeToken(token)}`);
    }
  }

  private onKeyValue(token: Token) {
    this.place = 'keys';
    if (this.mode !== 'header' && this.pendingKey === 'items') {
      if (token.name !== 'startArray') {
        this.fail(
          `The ${this.mode === 'jsont' ? 'JSONT' : 'JSON'} "items" must be an array, found ${describeToken(token)}`
        );
        return;
      }
      this.sawItems = true;
      this.place = 'elements';
    } else if (this.mode === 'header' && (this.pendingKey === 'configuration' || this.pendingKey === 'formatVersion')) {
      this.headerKey = this.pendingKey;
      this.startValue(token, 'header');
    } else if (token.name === 'startObject' || token.name === 'startArray') {
      this.skipDepth = 1;
    }
  }

  private headerSeen(): boolean {
    return this.header.configuration !== null || this.header.formatVersion !== undefined;
  }

  private emitHeader() {
    this.place = 'end';
    super.push(this.header);
    // Nothing more is needed: the rest of the input is dropped untokenized until the consumer stops reading.
    this.halted = true;
  }

  private startValue(token: Token, purpose: 'element' | 'header') {
    this.purpose = purpose;
    if (token.name === 'startObject') this.open({});
    else if (token.name === 'startArray') this.open([]);
    else this.complete(scalarOf(token));
  }

  private build(token: Token) {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        if (this.frames.length >= this.limits.maxDepth) this.tooDeep();
        else this.open(token.name === 'startObject' ? {} : []);
        return;
      case 'endObject':
      case 'endArray': {
        const value = this.frames.pop();
        this.key = this.frameKeys.pop() ?? null;
        if (this.frames.length === 0) this.complete(value);
        else this.add(value);
        return;
      }
      case 'keyValue':
        this.key = token.value ?? '';
        return;
      default:
        this.add(scalarOf(token));
    }
  }

  private open(container: Container) {
    this.frameKeys.push(this.key);
    this.frames.push(container);
    this.key = null;
  }

  private add(value: unknown) {
    const top = this.frames[this.frames.length - 1];
    if (Array.isArray(top)) top.push(value);
    else setOwn(top, this.key ?? '', value);
  }

  private complete(value: unknown) {
    if (this.purpose === 'header') {
      if (this.headerKey === 'formatVersion') {
        this.header.formatVersion = value;
      } else if (isPlainObject(value)) {
        this.header.configuration = value;
      } else {
        this.fail(`The JSONT configuration must be an object, found ${describeValue(value)}`);
        return;
      }
      if (this.header.configuration !== null && this.header.formatVersion !== undefined) this.emitHeader();
      return;
    }
    const index = this.index;
    this.index += 1;
    const item: SourceItem = isPlainObject(value)
      ? { index, line: null, value }
      : {
          index,
          line: null,
          error: `Item ${index} is ${describeValue(value)}, expected an object`,
          raw: truncate(JSON.stringify(value)),
        };
    super.push(item);
  }
}

/* ------------------------------------------------------------------------------------------------------------
 * The format
 * ---------------------------------------------------------------------------------------------------------- */

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
const createWriter = ({ formatVersion }: Pick<WriteOptions, 'formatVersion'>): FormatWriter => {
  let count = 0;
  const indent = formatVersion === undefined ? '  ' : '    ';
  const close = formatVersion === undefined ? ']\n' : '  ]\n}\n';
  return {
    begin: () =>
      formatVersion === undefined ? '[' : `{\n  "formatVersion": ${JSON.stringify(formatVersion)},\n  "items": [`,
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

export const jsonFormat: FormatModule = {
  format: 'json',
  extensions: ['json'],
  mimeType: 'application/json',
  sniff: (head) => looksLikeJson(describeJsonHead(head)),
  read: (open: () => Readable, options: ReadOptions) =>
    streamItems<SourceItem>(open, () => new JsonItemParser('array', readLimits(options.limits)), options),
  createWriter,
};

export default jsonFormat;
