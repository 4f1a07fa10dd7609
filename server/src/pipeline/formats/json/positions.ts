import Parser from 'stream-json/Parser';

import { scanNesting } from '../limits';

/**
 * Where a JSON syntax error is. stream-json's errors carry no position, so the parser keeps the line and column of
 * the text it has consumed and, when the tokenizer fails, replays the failing chunk one character at a time from
 * the state it started in (these helpers) to find the exact offending character. Also the byte scanners the
 * parser's fast path uses between elements.
 */

/** stream-json 1.9.1 Parser state (internal fields, not in its type declarations; the version is pinned). */
export interface ParserState {
  _expect: string;
  _stack: string[];
  _parent: string;
  _open_number: boolean;
  _accumulator: string;
  _done: boolean;
}

export interface ParserInternals extends ParserState {
  _buffer: string;
  _processBuffer(callback: (error?: Error | null) => void): void;
}

export const internals = (parser: Parser) => parser as unknown as ParserInternals;
export const processBuffer = (Parser.prototype as unknown as ParserInternals)._processBuffer;

export const snapshotOf = (parser: ParserState): ParserState => ({
  _expect: parser._expect,
  _stack: parser._stack.slice(),
  _parent: parser._parent,
  _open_number: parser._open_number,
  _accumulator: parser._accumulator,
  _done: parser._done,
});

/** A stand-alone tokenizer in a given state, whose tokens go nowhere: used to replay text and find an error. */
export const probeFrom = (state: ParserState, buffer: string): ParserInternals => {
  const probe = new Parser({ streamValues: false });
  Object.defineProperty(probe, 'push', { value: () => true });
  const parser = internals(probe);
  Object.assign(parser, snapshotOf(state), { _done: false, _buffer: buffer });
  return parser;
};

export const feed = (parser: ParserInternals, text: string): boolean => {
  let failed = false;
  parser._buffer += text;
  processBuffer.call(parser, (error) => {
    if (error) failed = true;
  });
  return failed;
};

export const PROBE_BLOCK = 4096;

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
export const advancePosition = (text: string, offset: number, line: number, column: number) => {
  let lastBreak = -1;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lastBreak = nl;
  }
  return { line, column: lastBreak === -1 ? column + offset : offset - lastBreak };
};

export const TOKENIZER_REASONS: Record<string, string> = {
  'expected a value': 'expected a value',
  'escaped characters': 'invalid escape sequence or unescaped control character in a string',
  'unexpected characters': 'unexpected text after the end of the JSON value',
};

export const describeTokenizerError = (message: string): string => {
  const reason = message.replace(/^Parser cannot parse input: /, '').replace(/^Parser has expected /, 'expected ');
  return TOKENIZER_REASONS[reason] ?? reason;
};

/* ------------------------------------------------------------------------------------------------------------
 * The streaming JSON item parser (JSON and JSONT)
 * ---------------------------------------------------------------------------------------------------------- */

export const COMMA = 0x2c;
export const OPEN_OBJECT = 0x7b;
export const OPEN_ARRAY = 0x5b;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** What `endOfValue` returns for a value nested deeper than its `maxDepth`. */
export const TOO_DEEP = -2;

export const isJsonSpaceCode = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Tokenizer states inside a string (a value, a key). */
export const IN_STRING = new Set(['string', 'keyVal']);
/** Characters the tokenizer reads at a time outside a value, so that it stops short of the next element. */
export const TOKENIZER_STEP = 64;
/** An element still incomplete past this many characters is assembled by the tokenizer as it arrives. */
export const FAST_ELEMENT_LIMIT = 1024 * 1024;

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
export const OTHER_SPACE = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** The offset of the first `OTHER_SPACE` character outside a string in `text`, -1 if none. */
export const findOtherSpace = (text: string, inString: boolean): number => {
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

