import { Readable } from 'node:stream';

import { FORMATS } from './index';
import { prng, writeFile } from './test-streams';
import type { CsvColumn, SourceItem } from './types';

/**
 * A bounded, seeded fuzz of every reader: thousands of generated and mutated files (truncated, bit-flipped, bytes
 * inserted and deleted, deeply nested, huge tokens, random bytes), each read in random chunk sizes. Every read must
 * finish with items or a clear Error: never a RangeError, never something thrown that is not an Error, never a hang.
 * Reproducible: FUZZ_SEED=<n> reruns a failing seed (printed on failure); FUZZ_RUNS=<n> changes the count.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);
const FORMAT_NAMES = ['json', 'jsonl', 'jsont', 'csv'] as const;
type Name = (typeof FORMAT_NAMES)[number];

type Random = ReturnType<typeof prng>;
const int = (random: Random, max: number) => Math.floor(random() * max);
const pick = <T>(random: Random, list: readonly T[]): T => list[int(random, list.length)];

const STRINGS = ['', 'a', "'", "'=1", '=SUM(A1)', '-5', '@x', '\t', '\r\n', '"', '""', ',', ';', '\u00e9', '\u{1F600}', '\\', '{', ']', '\u2028', '\uFEFF'];

const randomValue = (random: Random, depth: number): unknown => {
  const kind = int(random, depth > 3 ? 4 : 7);
  if (kind === 0) return pick(random, STRINGS) + pick(random, STRINGS);
  if (kind === 1) return random() * 1e6 - 5e5;
  if (kind === 2) return pick(random, [true, false, null]);
  if (kind === 3) return int(random, 1000);
  if (kind === 4) return Array.from({ length: int(random, 4) }, () => randomValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = int(random, 4); i > 0; i -= 1) object[pick(random, ['a', 'b', 'title', '__proto__', 'items', ''])] = randomValue(random, depth + 1);
  return object;
};

const randomItems = (random: Random) =>
  Array.from({ length: 1 + int(random, 6) }, () => ({ title: pick(random, STRINGS), data: randomValue(random, 1) }));

const validFile = (random: Random, format: Name): string => {
  const items = randomItems(random);
  return writeFile(format, items, {
    attributes: [
      { name: 'title', type: 'string', required: false, unique: false, private: false },
      { name: 'data', type: 'json', required: false, unique: false, private: false },
    ],
    leadingKeys: [],
    configuration: format === 'jsont' ? { contentType: 'api::x.x' } : undefined,
    formatVersion: format === 'json' && random() < 0.5 ? 1 : undefined,
  });
};

const deepFile = (random: Random, format: Name): string => {
  const depth = pick(random, [999, 1001, 2500, 50_000]);
  const open = pick(random, ['[', '{"a":']);
  const nested = `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;
  if (format === 'jsonl') return `{"x": ${nested}}\n{"ok": 1}\n`;
  if (format === 'jsont') return `{"items": [{"x": ${nested}}]}`;
  if (format === 'csv') return `title,data\nx,"${nested.replace(/"/g, '""')}"\n`;
  return random() < 0.5 ? `[{"x": ${nested}}]` : nested;
};

const hugeToken = (random: Random, format: Name): string => {
  const token = pick(random, ['x', '1', '\\u0041', ' ', '[', ',']).repeat(200_000 + int(random, 200_000));
  if (format === 'csv') return `title\n"${token}\n`;
  return pick(random, [`[{"s": "${token}"}]`, `{"items": ["${token}`, `{"s": ${token}}\n`, token]);
};

const mutate = (random: Random, bytes: Buffer): Buffer => {
  const out = Buffer.from(bytes);
  switch (int(random, 5)) {
    case 0:
      return out.subarray(0, int(random, out.length + 1)); // truncated
    case 1:
      for (let i = 1 + int(random, 4); i > 0 && out.length > 0; i -= 1) out[int(random, out.length)] ^= 1 << int(random, 8);
      return out; // bit flips
    case 2: {
      const at = int(random, out.length + 1);
      const insert = Buffer.from(Array.from({ length: 1 + int(random, 8) }, () => int(random, 256)));
      return Buffer.concat([out.subarray(0, at), insert, out.subarray(at)]); // random bytes inserted
    }
    case 3: {
      const at = int(random, out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + int(random, 16))]); // bytes deleted
    }
    default: {
      const at = int(random, out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(int(random, out.length + 1))]); // spliced
    }
  }
};

const generate = (random: Random, format: Name): Buffer => {
  const kind = int(random, 10);
  if (kind === 0) return Buffer.from(Array.from({ length: int(random, 2000) }, () => int(random, 256)));
  if (kind === 1) return Buffer.from(deepFile(random, format));
  if (kind === 2) return Buffer.from(hugeToken(random, format));
  const valid = Buffer.from(validFile(random, format));
  return kind === 3 ? valid : mutate(random, valid);
};

const chunked = (bytes: Buffer, size: number) => () => {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
};

const columns = (headers: string[]): CsvColumn[] =>
  headers.map((header) => ({
    header,
    path: [header],
    attribute:
      header === 'data' ? { name: 'data', type: 'json', required: false, unique: false, private: false } : undefined,
  }));

/** Reads the file; resolves with what happened, or a description of a crash. */
const readOnce = async (format: Name, bytes: Buffer, size: number, invalidUtf8: 'refuse' | 'replace') => {
  const items: SourceItem[] = [];
  try {
    for await (const item of FORMATS[format].read(chunked(bytes, size), {
      resolveColumns: columns,
      invalidUtf8,
      limits: { maxItemLength: 256 * 1024 },
    })) {
      if (item.value === undefined && typeof item.error !== 'string') return 'an item with neither value nor error';
      items.push(item);
    }
    return null;
  } catch (error) {
    if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
    if (error instanceof RangeError) return `RangeError: ${error.message}`;
    if (error.message.length === 0) return 'an Error without a message';
    return null;
  }
};

describe('fuzz: every reader survives every input', () => {
  it(`reads ${RUNS} generated and mutated files per format (${4 * RUNS} reads) without a crash (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const started = Date.now();
    const failures: string[] = [];
    for (let run = 0; run < RUNS && failures.length === 0; run += 1) {
      for (const format of FORMAT_NAMES) {
        const bytes = generate(random, format);
        const size = pick(random, [1, 3, 64, 4096, 65536]);
        // One-byte chunks of a large file only cost time: they are tried on small files.
        const chunk = bytes.length > 20_000 ? Math.max(size, 4096) : size;
        const mode = random() < 0.5 ? 'refuse' : 'replace';
        const crash = await readOnce(format, bytes, chunk, mode);
        if (crash) {
          failures.push(
            `seed ${SEED}, run ${run}, ${format}, chunks of ${chunk}, invalidUtf8 ${mode}: ${crash}; input (base64, first 2 KB): ${bytes
              .subarray(0, 2048)
              .toString('base64')}`
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(Date.now() - started).toBeLessThan(45_000);
  }, 120_000);
});
