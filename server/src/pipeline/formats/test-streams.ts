import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Format } from '../../../../shared/formats';
import { createCsvWriter } from './csv';
import { createJsonWriter } from './json';
import { createJsonlWriter } from './jsonl';
import { createJsontWriter } from './jsont';
import type { FormatWriter, SourceItem, WriteOptions } from './types';

/** Stream helpers shared by the format tests (not part of the plugin: only the *.test.ts files import them). */

export const FIXTURES = path.join(__dirname, '../../../../test/fixtures/formats');

/** A fresh stream of a fixture file under test/fixtures/formats. */
export const fixture = (name: string) => () => fs.createReadStream(path.join(FIXTURES, name));

/** A fresh stream of `text`'s bytes, in chunks of `size` bytes (1: every byte on its own). */
export const fromText =
  (text: string, size = 64 * 1024) =>
  () => {
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    return Readable.from(chunks);
  };

export const collect = async (items: AsyncIterable<SourceItem>) => {
  const out: SourceItem[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/**
 * A stream of `head` followed by endless `{"n": i}` array elements, one chunk at a time (letting the event loop run
 * between chunks, as a file does): `state` tells how many elements were pulled and whether the stream was closed.
 */
export const endlessItems = (head: string) => {
  const state = { pulled: 0, closed: false };
  async function* chunks() {
    try {
      yield head;
      for (let i = 0; ; i += 1) {
        state.pulled += 1;
        await new Promise((resolve) => setImmediate(resolve));
        yield `${i ? ',' : ''}{"n": ${i}}`;
      }
    } finally {
      state.closed = true;
    }
  }
  return { open: () => Readable.from(chunks()), state };
};

/**
 * mulberry32: a small, fast, seeded PRNG (the same sequence for the same seed everywhere), for the fuzz tests: the
 * readers' (fuzz.test.ts) and the running server's (test/api/fuzz.test.ts).
 */
export const prng = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The formats written as text (XLSX is a zip: its `write()` gives bytes). */
export type TextFormat = Exclude<Format, 'xlsx'>;

/** Each text format's text writer, for tests that build a file synchronously (`write()` is the bytes interface). */
export const TEXT_WRITERS: Record<TextFormat, (options: WriteOptions) => FormatWriter> = {
  json: createJsonWriter,
  jsonl: () => createJsonlWriter(),
  jsont: createJsontWriter,
  csv: createCsvWriter,
};

/** A whole file's text: `items` written one by one by the format's text writer. */
export const writeFile = (format: TextFormat, items: Array<Record<string, unknown>>, options: WriteOptions): string => {
  const writer = TEXT_WRITERS[format](options);
  return writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
};

/** A head as the modules' `detect` takes it. */
export const bytes = (text: string): Buffer => Buffer.from(text);
