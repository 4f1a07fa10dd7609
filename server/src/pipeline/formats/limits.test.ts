import { Readable } from 'node:stream';

import { FORMATS } from './index';
import { readHeader } from './json';
import { DEFAULT_READ_LIMITS, findDepthExcess, lineColumnAt } from './limits';
import { collect, fromText } from './test-streams';
import type { SourceItem } from './types';

const DEEP = 100_000;
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Items, or the message of the error that ended the read. */
const outcome = async (items: AsyncIterable<SourceItem>) => {
  try {
    return { items: await collect(items) };
  } catch (error) {
    expect(error).not.toBeInstanceOf(RangeError);
    return { failure: (error as Error).message };
  }
};

describe('findDepthExcess', () => {
  it('finds the bracket past the limit, ignoring brackets in strings', () => {
    expect(findDepthExcess('[[1]]', 2)).toBe(-1);
    expect(findDepthExcess('[[[1]]]', 2)).toBe(2);
    expect(findDepthExcess('["[[[[\\"[[", {"a": [{}]}]', 4)).toBe(-1);
    expect(findDepthExcess('["[[[[\\"[[", {"a": [{}]}]', 3)).toBe(20);
    expect(findDepthExcess('x"[[ [[', 3, 2, true)).toBe(3);
    // At the boundary of the short-text shortcut: exactly one level too many, and exactly enough.
    expect(findDepthExcess('[[[', 2)).toBe(2);
    expect(findDepthExcess('[[[', 3, 1)).toBe(2);
    expect(findDepthExcess('[[', 3, 1)).toBe(-1);
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('nesting depth: a file can never drive recursion past the stack', () => {
  it('JSON: a 1,500-deep array is an error item, the items after it are read', async () => {
    const text = `[${deepArray(1500)}, {"after": 1}]`;
    const { items } = await outcome(FORMATS.json.read(fromText(text), {}));
    expect(items).toEqual([
      {
        index: 0,
        line: 1,
        error: 'Item 0 (line 1, column 1002): arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)',
      },
      { index: 1, line: null, value: { after: 1 } },
    ]);
  });

  it('JSON: the whole file nested 100,000 deep (200 KB), in chunks of every size, stops the read', async () => {
    for (const size of [1, 7, 4096, 64 * 1024]) {
      const result = await outcome(FORMATS.json.read(fromText(deepArray(DEEP), size), {}));
      expect(result.failure).toMatch(
        /^The file arrays and objects are nested deeper than 1,000 levels \(limits\.maxDepth\) \(over 2,000 levels, before line 1, column \d+\): it is not read further$/
      );
    }
  });

  it('JSON: deep nesting inside an object item, exactly at the limit is accepted', async () => {
    const inner = (depth: number) => `${'{"a":'.repeat(depth - 1)}1${'}'.repeat(depth - 1)}`;
    const ok = await outcome(FORMATS.json.read(fromText(`[{"x": ${inner(1000)}}]`), {}));
    expect(ok.items?.[0].value).toBeDefined();
    const deep = await outcome(FORMATS.json.read(fromText(`[{"x": ${inner(1001)}}, {"y": 2}]`), {}));
    expect(deep.items?.map((item) => item.error ?? item.value)).toEqual([
      'Item 0 (line 1, column 5003): arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)',
      { y: 2 },
    ]);
  });

  it('JSON: a deep element longer than the fast path holds goes through the tokenizer, and is refused', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const text = `[{"pad": "${padding}", "deep": ${deepArray(1500)}}, {"ok": true}]`;
    const { items } = await outcome(FORMATS.json.read(fromText(text), {}));
    expect(items?.map((item) => item.error ?? item.value)).toEqual([
      expect.stringContaining('arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)'),
      { ok: true },
    ]);
  });

  it('JSONT: deep items and a deep configuration are refused', async () => {
    const items = await outcome(FORMATS.jsont.read(fromText(`{"items": [${deepArray(1200)}, {}]}`, 999), {}));
    expect(items.items?.map((item) => item.error ?? item.value)).toEqual([
      'Item 0 (line 1, column 1012): arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)',
      {},
    ]);
    const whole = await outcome(FORMATS.jsont.read(fromText(`{"items": [${deepArray(DEEP)}]}`), {}));
    expect(whole.failure).toContain('nested deeper than 1,000 levels (limits.maxDepth)');
    await expect(readHeader(fromText(`{"configuration": {"a": ${deepArray(DEEP)}}, "items": []}`))).rejects.toThrow(
      /^The header arrays and objects are nested deeper than 1,000 levels/
    );
  });

  it('JSONL: a deep line is an error item naming the line and column', async () => {
    const { items } = await outcome(FORMATS.jsonl.read(fromText(`{"a": 1}\n{"b": ${deepArray(DEEP)}}\n{"c": 3}\n`), {}));
    expect(items?.map((item) => item.error ?? item.value)).toEqual([
      { a: 1 },
      'Line 2, column 1006: arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)',
      { c: 3 },
    ]);
  });

  it('CSV: a deep JSON cell is a cell error', async () => {
    const text = `title,data\nx,"${deepArray(DEEP)}"\n`;
    const { items } = await outcome(
      FORMATS.csv.read(fromText(text), {
        resolveColumns: (headers) =>
          headers.map((header) => ({
            header,
            path: [header],
            attribute:
              header === 'data' ? { name: 'data', type: 'json', required: false, unique: false, private: false } : undefined,
          })),
      })
    );
    expect(items?.[0].error).toBe(
      'Line 2, column "data": invalid JSON (arrays and objects are nested deeper than 1,000 levels (limits.maxDepth), at character 1001)'
    );
  });

  it('the depth limit can be set', async () => {
    const { items } = await outcome(FORMATS.json.read(fromText('[[[[1]]], [[2]]]'), { limits: { maxDepth: 2 } }));
    expect(items?.map((item) => item.error ?? item.value)).toEqual([
      'Item 0 (line 1, column 4): arrays and objects are nested deeper than 2 levels (limits.maxDepth)',
      'Item 1 is an array, expected an object',
    ]);
  });
});

describe('item length', () => {
  const limits = { maxItemLength: 1024 * 1024 };
  const long = 'x'.repeat(3 * 1024 * 1024);

  it.each([
    ['json', `[{"a": 1}, {"s": "${long}"}]`, /^Item 1 is longer than the limit of 1 MB \(limits\.maxItemLength\) \(reached while reading from line 1, column \d+\)$/],
    ['json', `["${long}"]`, /^Item 0 is longer than the limit of 1 MB/],
    ['json', `{"other": "${long}", "items": []}`, /^A value outside the items is longer than the limit of 1 MB/],
    ['jsont', `{"items": [{"a": [${'1,'.repeat(1024 * 1024)}1]}]}`, /^Item 0 is longer than the limit of 1 MB/],
    ['csv', `a,b\n1,"${long}"\n`, /^Line 2: the record is longer than the limit of 1 MB \(limits\.maxItemLength\) \(is a quote left open\?\)$/],
  ] as const)('%s: an item past the limit stops the read with a clear error', async (format, text, message) => {
    const result = await outcome(FORMATS[format].read(fromText(text), { limits }));
    expect(result.failure).toMatch(message);
  });

  it('jsonl: a line past the limit is an error item', async () => {
    const { items } = await outcome(FORMATS.jsonl.read(fromText(`{"s": "${long}"}\n{"a": 1}\n`), { limits }));
    expect(items?.map((item) => item.error ?? item.value)).toEqual([
      'Line 1: the line is longer than the limit of 1 MB (limits.maxItemLength)',
      { a: 1 },
    ]);
  });

  // A lowered limit (the plugin's limits.maxItemLength) holds for an item that arrives whole in one chunk too.
  describe('an item that comes whole within one chunk', () => {
    const small = { maxItemLength: 2048 };
    const note = 'x'.repeat(3000);
    const one = (text: string) => Readable.from([Buffer.from(text)]);

    it.each([
      ['json', JSON.stringify([{ a: 1 }, { note }, { b: 2 }]), /^Item 1 is longer than the limit of 2 KB \(limits\.maxItemLength\)/],
      ['jsont', JSON.stringify({ configuration: {}, items: [{ note }] }), /^Item 0 is longer than the limit of 2 KB/],
      ['csv', `a,note\n1,x\n2,${note}\n`, /^Line 3: the record is longer than the limit of 2 KB \(limits\.maxItemLength\)$/],
    ] as const)('%s: stops the read past the limit', async (format, text, message) => {
      const result = await outcome(FORMATS[format].read(() => one(text), { limits: small }));
      expect(result.failure).toMatch(message);
    });

    it('jsonl: the line is an error item, the others are read', async () => {
      const { items } = await outcome(FORMATS.jsonl.read(() => one(`{"a": 1}\n{"note": "${note}"}\n{"b": 2}\n`), { limits: small }));
      expect(items?.map((item) => item.error ?? item.value)).toEqual([
        { a: 1 },
        'Line 2: the line is longer than the limit of 2 KB (limits.maxItemLength)',
        { b: 2 },
      ]);
    });

    it.each(['json', 'jsonl', 'jsont', 'csv'] as const)('%s: items at the limit are read', async (format) => {
      const text = {
        json: JSON.stringify([{ note: 'x'.repeat(1000) }]),
        jsonl: `{"note": "${'x'.repeat(1000)}"}\n`,
        jsont: JSON.stringify({ configuration: {}, items: [{ note: 'x'.repeat(1000) }] }),
        csv: `note\n${'x'.repeat(1000)}\n`,
      }[format];
      const { items, failure } = await outcome(FORMATS[format].read(() => one(text), { limits: small }));
      expect(failure).toBeUndefined();
      expect(items?.[0]?.value).toEqual({ note: 'x'.repeat(1000) });
    });
  });

  it('the default is 32 MB', () => {
    expect(DEFAULT_READ_LIMITS.maxItemLength).toBe(32 * 1024 * 1024);
  });

  it('a string of 300 MB in a JSON file is refused at the cap without holding it whole', async () => {
    const chunk = 'x'.repeat(1024 * 1024);
    let sent = 0;
    let peak = 0;
    const before = process.memoryUsage().rss;
    const open = () =>
      Readable.from(
        (function* chunks() {
          yield '[{"big": "';
          for (let i = 0; i < 300; i += 1) {
            sent += 1;
            peak = Math.max(peak, process.memoryUsage().rss);
            yield chunk;
          }
          yield '"}]';
        })()
      );
    const result = await outcome(FORMATS.json.read(open, {}));
    expect(result.failure).toMatch(/^Item 0 is longer than the limit of 32 MB/);
    // Memory stays near the cap (32 M characters held by the tokenizer, the chunks in flight), far from 300 MB.
    const growth = (peak - before) / 1024 / 1024;
    process.stdout.write(`300 MB string: rss ${Math.round(before / 1048576)} MB before, peak ${Math.round(peak / 1048576)} MB (+${Math.round(growth)} MB), ${sent} chunks sent\n`);
    // Holding the string whole would take at least its 300 MB; the bound allows for a process that already holds
    // other tests' garbage (measured alone: +61-82 MB; inside the whole unit run: up to +217 MB).
    expect(growth).toBeLessThan(300);
  });
});

describe('CSV columns', () => {
  it('a record with more columns than the limit stops the read', async () => {
    const result = await outcome(FORMATS.csv.read(fromText(`${','.repeat(20_000)}\n`), {}));
    expect(result.failure).toBe('Line 1: more than 10,000 columns (limits.maxColumns)');
    const small = await outcome(FORMATS.csv.read(fromText('a,b,c\n1,2,3\n'), { limits: { maxColumns: 2 } }));
    expect(small.failure).toBe('Line 1: more than 2 columns (limits.maxColumns)');
  });
});
