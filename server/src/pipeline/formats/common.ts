import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { ReadOptions } from './types';
import { Utf8Check } from './utf8';

/**
 * What every reader shares: `streamItems` (a pipeline read with `for await`, cleaned up on early exit and abort),
 * the fatal `ReadFailure`, and small text helpers for messages (`errorText`, `truncate`, `describeValue`,
 * `describeJsonParseError`, used by the JSON cells of a CSV too).
 */

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
 * Runs `open() → parser` in a pipeline (`open() → Utf8Check → parser` unless `invalidUtf8` is `replace`) and yields
 * what the parser outputs, in chunks: every output the parser holds when the consumer asks (the items of one or
 * more chunks of the file), so that a consumer awaits once per chunk, not once per item (measured: three async
 * layers per item cost 3 µs an item under Strapi's AsyncLocalStorage, a tenth of a plain insert of a flat row;
 * docs/benchmarks.md). Nothing is opened before the first `next()`. Errors (a `ReadFailure` from the parser, the
 * source's, an abort) are thrown to the consumer after the outputs that precede them; a consumer that stops early
 * (break, throw) destroys every stream.
 */
export async function* streamChunks<T>(
  open: () => Readable,
  createParser: () => Transform,
  { signal, invalidUtf8 = 'refuse' }: Pick<ReadOptions, 'signal' | 'invalidUtf8'> = {}
): AsyncGenerator<T[]> {
  const parser = createParser();
  const done =
    invalidUtf8 === 'refuse'
      ? pipeline(open(), new Utf8Check(), parser, signal ? { signal } : {})
      : pipeline(open(), parser, signal ? { signal } : {});
  // A failure also destroys `parser`, so it reaches the consumer through the loop below.
  done.catch(() => undefined);
  try {
    for await (const first of parser) {
      const chunk: T[] = [];
      let output: unknown = first;
      do {
        if (output instanceof ReadFailure) {
          if (chunk.length > 0) yield chunk;
          throw output.error;
        }
        chunk.push(output as T);
        output = parser.read();
      } while (output !== null);
      yield chunk;
    }
    await done;
  } finally {
    // No-op when the pipeline has finished; on early exit it tears the pipeline (and the source) down.
    parser.destroy();
  }
}

/** `streamChunks`, one output at a time. */
export async function* streamItems<T>(
  open: () => Readable,
  createParser: () => Transform,
  options: Pick<ReadOptions, 'signal' | 'invalidUtf8'> = {}
): AsyncGenerator<T> {
  for await (const chunk of streamChunks<T>(open, createParser, options)) for (const item of chunk) yield item;
}

/** Items one at a time, as chunks of up to `size` (for a reader that yields one item at a time). */
export async function* chunksOf<T>(items: AsyncIterable<T>, size = 500): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
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
