import Parser from 'stream-json/Parser';

import { ReadFailure, describeValue, isPlainObject, setOwn, truncate } from '../common';
import { DEFAULT_READ_LIMITS, depthMessage, findDepthExcess, lengthLimit, scanNesting, type ReadLimits } from '../limits';
import type { SourceItem } from '../types';
import { EndOfInputError } from '../end-of-input';
import {
  COMMA,
  FAST_ELEMENT_LIMIT,
  IN_STRING,
  OTHER_SPACE,
  OPEN_ARRAY,
  OPEN_OBJECT,
  TOKENIZER_STEP,
  advancePosition,
  describeTokenizerError,
  endOfValue,
  findErrorOffset,
  findOtherSpace,
  internals,
  isJsonSpaceCode,
  processBuffer,
  snapshotOf,
  type ParserInternals,
  type ParserState,
} from './positions';
import { describeToken, scalarOf, type Container, type JsonHeader, type JsonReadMode, type Place, type Token } from './tokens';

/*
 * Over 400 lines on purpose: `JsonItemParser` is one stateful streaming parser whose methods share about twenty
 * fields (position, nesting frames, limits, the item being assembled); cut in two, that state would have to be
 * exposed between files. The helpers it needs live in ./positions.ts and ../common.ts.
 */

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
    if (offset >= text.length && state._done) {
      return new EndOfInputError(`Invalid JSON at line ${line}, column ${column}: unexpected end of the file`);
    }
    return new Error(`Invalid JSON at line ${line}, column ${column}: ${describeTokenizerError(error.message)}`);
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
    } else if (this.mode === 'header' && (this.pendingKey === 'configuration' || this.pendingKey === 'formatVersion' || this.pendingKey === 'secrets')) {
      this.headerKey = this.pendingKey;
      this.startValue(token, 'header');
    } else if (token.name === 'startObject' || token.name === 'startArray') {
      this.skipDepth = 1;
    }
  }

  private headerSeen(): boolean {
    return this.header.configuration !== null || this.header.formatVersion !== undefined || this.header.secrets !== undefined;
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
      } else if (this.headerKey === 'secrets') {
        this.header.secrets = value;
        return;
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
