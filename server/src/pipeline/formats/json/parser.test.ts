import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Readable } from 'node:stream';

import { endOfValue, jsonFormat } from '.';
import type { SourceItem } from '../types';
import { FIXTURES, collect, fixture, fromText } from '../test-streams';

const collectUntilError = async (items: AsyncIterable<SourceItem>) => {
  const out: SourceItem[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch (error) {
    return { items: out, error: (error as Error).message };
  }
  return { items: out, error: null };
};

describe('json format: reading', () => {
  it('streams the items of the top-level array with their positions', async () => {
    const items = await collect(jsonFormat.read(fixture('articles.json'), {}));
    expect(items).toEqual([
      {
        index: 0,
        line: null,
        value: { documentId: 'a1', title: 'Hello', views: 3, seo: { metaTitle: 'Hi', noIndex: false } },
      },
      { index: 1, line: null, value: { documentId: 'a2', title: 'Café ☕', views: null, tags: ['x', 'y'] } },
    ]);
  });

  it('gives the same items whatever the chunking (a byte at a time splits multi-byte characters)', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'articles.json'), 'utf8');
    const whole = await collect(jsonFormat.read(fromText(text), {}));
    expect(await collect(jsonFormat.read(fromText(text, 1), {}))).toEqual(whole);
    expect(await collect(jsonFormat.read(fromText(text, 7), {}))).toEqual(whole);
  });

  it('ignores a UTF-8 BOM and reads CRLF line endings', async () => {
    const items = await collect(jsonFormat.read(fromText('\uFEFF[\r\n  {"a": 1},\r\n  {"b": "x"}\r\n]\r\n', 2), {}));
    expect(items.map((item) => item.value)).toEqual([{ a: 1 }, { b: 'x' }]);
  });

  it('turns an element that is not an object into an item with an error, and goes on', async () => {
    const items = await collect(jsonFormat.read(fromText('[{"a":1}, 3, "x", [1], null, true, {"b":2}]'), {}));
    expect(items.map((item) => item.error ?? item.value)).toEqual([
      { a: 1 },
      'Item 1 is a number, expected an object',
      'Item 2 is a string, expected an object',
      'Item 3 is an array, expected an object',
      'Item 4 is null, expected an object',
      'Item 5 is a boolean, expected an object',
      { b: 2 },
    ]);
    expect(items[1]).toMatchObject({ index: 1, raw: '3' });
  });

  it('keeps __proto__ and constructor as own keys, never as a prototype', async () => {
    const [item] = await collect(
      jsonFormat.read(fromText('[{"__proto__": {"polluted": true}, "constructor": 1}]'), {})
    );
    expect(Object.getPrototypeOf(item.value)).toBe(Object.prototype);
    expect(Object.keys(item.value ?? {})).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads the items of an export, { "formatVersion", "items" }, whatever the other keys and their order', async () => {
    for (const text of [
      '{"formatVersion": 1, "items": [{"a": 1}, {"b": [2]}]}',
      '{"items": [{"a": 1}, {"b": [2]}], "formatVersion": 1, "note": {"items": [3]}}',
    ]) {
      const items = await collect(jsonFormat.read(fromText(text, 5), {}));
      expect(items.map((item) => item.value)).toEqual([{ a: 1 }, { b: [2] }]);
    }
    expect(await collect(jsonFormat.read(fromText('{"formatVersion": 1, "items": []}'), {}))).toEqual([]);
  });

  it('keeps an empty array as no items', async () => {
    expect(await collect(jsonFormat.read(fromText('[]'), {}))).toEqual([]);
    expect(await collect(jsonFormat.read(fromText(' [ \n ] \n'), {}))).toEqual([]);
  });

  it.each([
    ['', 'The file is empty'],
    ['  \n\t\r\n ', 'The file is empty'],
    ['\uFEFF', 'The file is empty'],
    ['{"formatVersion": 1}', 'The JSON object has no items array'],
    ['{"items": {"a": 1}}', 'The JSON "items" must be an array, found an object'],
    ['"text"', 'Expected a JSON array of items (or an object with an "items" array), found a string'],
    ['42', 'Expected a JSON array of items (or an object with an "items" array), found a number'],
  ])('rejects %j: %s', async (text, message) => {
    await expect(collect(jsonFormat.read(fromText(text), {}))).rejects.toThrow(message);
  });

  it.each([
    // [document, line, column, reason]
    ['[\n  {"a": 1},\n  {"b": 2,}\n]', 3, 11, "unexpected token '}'"],
    ['[\n  {"a": 1},\n  {"b" 2}\n]', 3, 8, "expected ':'"],
    ['[\n  {"a": tru}\n]', 2, 9, 'expected a value'],
    ['[\n  {"a": "x\ny"}\n]', 2, 11, 'invalid escape sequence or unescaped control character in a string'],
    ['[\n  {"a": "\\q"}\n]', 2, 10, 'invalid escape sequence or unescaped control character in a string'],
    ['[\n  {"a": 1}\n', 3, 1, 'unexpected end of the file'],
    ['[{"a": 1}, {"b": 2}', 1, 20, 'unexpected end of the file'],
    ['[\n  {"a": 1}] x', 2, 13, 'unexpected text after the end of the JSON value'],
    ['[1,,2]', 1, 4, 'expected a value'],
    ['[{"a": 01}]', 1, 9, "expected ','"],
    ['\uFEFF[{"a": 1}, {"é☕": x}]', 1, 19, 'expected a value'],
  ])('names the line and column of a syntax error in %j', async (text, line, column, reason) => {
    const message = `Invalid JSON at line ${line}, column ${column}: ${reason}`;
    // The position does not depend on how the bytes arrive.
    for (const size of [1, 3, 64 * 1024]) {
      const { error } = await collectUntilError(jsonFormat.read(fromText(text, size), {}));
      expect(error).toBe(message);
    }
  });

  it('finds a syntax error far into a large file, with the items before it', async () => {
    const good = Array.from({ length: 5000 }, (_, i) => `  {"n": ${i}, "text": "${'x'.repeat(i % 50)}"}`).join(',\n');
    const { items, error } = await collectUntilError(
      jsonFormat.read(fromText(`[\n${good},\n  {"n": 5000 "oops": 1}\n]`, 1000), {})
    );
    expect(items).toHaveLength(5000);
    expect(error).toBe("Invalid JSON at line 5002, column 14: expected ','");
  });

  it('yields every item before a syntax error, then throws (whatever the chunking)', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'malformed.json'), 'utf8');
    for (const size of [1, 5, 64 * 1024]) {
      const { items, error } = await collectUntilError(jsonFormat.read(fromText(text, size), {}));
      expect(items.map((item) => item.value)).toEqual([{ documentId: 'a1', title: 'Hello' }]);
      expect(error).toBe("Invalid JSON at line 3, column 23: expected ','");
    }
  });

  it('throws the error of the source', async () => {
    await expect(
      collect(jsonFormat.read(() => fs.createReadStream(path.join(FIXTURES, 'missing.json')), {}))
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('json format: the fast path (elements cut out and parsed by JSON.parse)', () => {
  /** A deterministic pseudo-random JSON value: nested objects and arrays, strings with brackets, quotes, escapes. */
  const randomValue = (seed: number) => {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const strings = ['', 'plain', 'br}ack]ets{[', 'q\\"uote', 'back\\\\slash', 'tab\\there', 'é☕🎉', 'a\\u0041b', '\\\\\\"'];
    const make = (depth: number): string => {
      const r = next();
      if (depth > 4 || r < 0.3) {
        const k = Math.floor(next() * 6);
        return [
          `"${strings[Math.floor(next() * strings.length)]}"`,
          String(Math.floor(next() * 1e6) - 5e5),
          '1.5e-3',
          'true',
          'null',
          'false',
        ][k];
      }
      const n = Math.floor(next() * 4);
      if (r < 0.65) return `[${Array.from({ length: n }, () => make(depth + 1)).join(' , ')}]`;
      return `{${Array.from(
        { length: n },
        (_, i) => `"k${i}${strings[i % strings.length]}" :\n ${make(depth + 1)}`
      ).join(',')}}`;
    };
    return make(0);
  };

  it('reads the same values as JSON.parse of the whole file, object and other elements mixed, whatever the chunking', async () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const elements = Array.from({ length: 30 }, (_, i) =>
        i % 7 === 3 ? randomValue(seed * 100 + i) : `{"i": ${i}, "v": ${randomValue(seed * 100 + i)}}`
      );
      const text = `[\n ${elements.join(' ,\n\t')} \n]`;
      const expected = (JSON.parse(text) as unknown[]).map((value) =>
        value !== null && typeof value === 'object' && !Array.isArray(value) ? value : 'error'
      );
      for (const size of [1, 7, 64 * 1024]) {
        const items = await collect(jsonFormat.read(fromText(text, size), {}));
        expect(items.map((item) => item.value ?? 'error')).toEqual(expected);
        expect(items.map((item) => item.index)).toEqual(expected.map((_, i) => i));
      }
    }
  });

  it('reads an element longer than the fast path holds (over 1 MiB), and the elements after it', async () => {
    const big = 'x'.repeat(1.5 * 1024 * 1024);
    const text = `{"items": [{"n": 0}, {"big": "${big}", "nested": [{"a": "]}"}]}, {"n": 2}, {"n": 3}]}`;
    const items = await collect(jsonFormat.read(fromText(text, 64 * 1024), {}));
    expect(items.map((item) => (item.value as { n?: number }).n ?? (item.value as { big: string }).big.length)).toEqual(
      [0, big.length, 2, 3]
    );
    expect((items[1].value as { nested: unknown }).nested).toEqual([{ a: ']}' }]);
  });

  it('finds where a value ends: strings, escapes and nesting followed, -1 when it does not end', () => {
    expect(endOfValue('{"a": [1, {"b": "}]"}]} ,', 0, 0, false)).toBe(23);
    expect(endOfValue('"x\\"}", 1] tail', 0, 1, false)).toBe(10);
    expect(endOfValue('still \\" in a string"}]', 0, 2, true)).toBe(23);
    expect(endOfValue('{"a": "\\"', 0, 0, false)).toBe(-1);
    expect(endOfValue('[[[]]', 0, 0, false)).toBe(-1);
  });
});

describe('json format: stopping early', () => {
  /** An endless array, and whether its source was torn down. */
  const endlessArray = () => {
    const state = { closed: false, pulled: 0 };
    async function* chunks() {
      try {
        yield '[';
        for (let i = 0; ; i += 1) {
          state.pulled += 1;
          yield `${i ? ',' : ''}{"n": ${i}}`;
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, open: () => Readable.from(chunks()) };
  };

  it('tears the source down when the consumer breaks out of for await', async () => {
    const { state, open } = endlessArray();
    let seen = 0;
    for await (const item of jsonFormat.read(open, {})) {
      seen += 1;
      if (item.index === 2) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe(3);
    expect(state.closed).toBe(true);
  });

  it('tears the source down when the consumer throws', async () => {
    const { state, open } = endlessArray();
    await expect(
      (async () => {
        for await (const item of jsonFormat.read(open, {})) if (item.index === 5) throw new Error('consumer failed');
      })()
    ).rejects.toThrow('consumer failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);
  });

  it('stops with an AbortError when the signal aborts, and tears the source down', async () => {
    const { state, open } = endlessArray();
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of jsonFormat.read(open, { signal: controller.signal })) {
          seen.push(item.index);
          if (item.index === 10) controller.abort();
        }
      })()
    ).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);
    expect(seen.length).toBeLessThan(10_000);
  });

  it('does not open the file before the first item is asked for, nor when the signal is already aborted', async () => {
    const open = jest.fn(fromText('[{"a":1}]'));
    const items = jsonFormat.read(open, {});
    expect(open).not.toHaveBeenCalled();
    await collect(items);
    expect(open).toHaveBeenCalledTimes(1);
    await expect(
      collect(jsonFormat.read(fromText('[{"a":1}]'), { signal: AbortSignal.abort() }))
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('json format: memory', () => {
  it('streams 200,000 items with a bounded heap', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const count = 200_000;
    const padding = 'x'.repeat(400);
    async function* chunks() {
      yield '[\n';
      for (let i = 0; i < count; i += 1000) {
        let chunk = '';
        for (let j = i; j < i + 1000; j += 1) {
          chunk += `${j ? ',\n' : ''}  {"n": ${j}, "title": "Item ${j}", "body": "${padding}", "tags": ["a", "b"]}`;
        }
        yield chunk;
      }
      yield '\n]\n';
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let seen = 0;
    for await (const item of jsonFormat.read(() => Readable.from(chunks()), {})) {
      seen += 1;
      if (item.index % 20_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(seen).toBe(count);
    // The input is ~90 MB of text (far more as objects): held whole, it would blow this bound.
    expect(peak).toBeLessThan(100 * 1024 * 1024);
  });
});
