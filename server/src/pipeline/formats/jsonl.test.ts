import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Readable } from 'node:stream';

import { MAX_LINE_LENGTH, createJsonlWriter, jsonlFormat } from './jsonl';
import { FIXTURES, bytes, collect, fixture, fromText } from './test-streams';

const write = (items: Record<string, unknown>[]) => {
  const writer = createJsonlWriter();
  return writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
};

describe('jsonl format: reading', () => {
  it('reads one item per line, skipping blank lines but counting them (BOM, CRLF)', async () => {
    const items = await collect(jsonlFormat.read(fixture('articles-bom-crlf.jsonl'), {}));
    expect(items).toEqual([
      { index: 0, line: 1, value: { documentId: 'a1', title: 'Hello', views: 3 } },
      { index: 1, line: 3, value: { documentId: 'a2', title: 'Café ☕', views: null } },
    ]);
  });

  it('gives the same items whatever the chunking', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'malformed-middle.jsonl'), 'utf8');
    const whole = await collect(jsonlFormat.read(fromText(text), {}));
    for (const size of [1, 2, 5]) expect(await collect(jsonlFormat.read(fromText(text, size), {}))).toEqual(whole);
  });

  it('turns a malformed line into one error item naming line and column, and goes on', async () => {
    const items = await collect(jsonlFormat.read(fixture('malformed-middle.jsonl'), {}));
    expect(items).toEqual([
      { index: 0, line: 1, value: { documentId: 'a1', title: 'Hello' } },
      {
        index: 1,
        line: 2,
        error: 'Line 2, column 37: invalid JSON: Expected double-quoted property name',
        raw: '{"documentId":"a2","title":"Broken",}',
      },
      { index: 2, line: 4, value: { documentId: 'a3', title: 'After' } },
      { index: 3, line: 5, error: 'Line 5: expected a JSON object, found a number', raw: '42' },
    ]);
  });

  it.each([
    ['{"a":1', "Line 1, column 7: invalid JSON: Expected ',' or '}' after property value"],
    ['{"a":tru}', "Line 1, column 6: invalid JSON: Unexpected token '}'"],
    ['{"a":1}}', 'Line 1, column 8: invalid JSON: Unexpected non-whitespace character after JSON'],
    ['{"a":"\\q"}', 'Line 1, column 8: invalid JSON: Bad escaped character'],
    // V8 quotes the text in this message: the position comes from the tokenizer, not from the quoted text.
    ['{"a":"at position 3","b":tru}', "Line 1, column 26: invalid JSON: Unexpected token '}'"],
    ['{"é☕":x}', "Line 1, column 7: invalid JSON: Unexpected token 'x'"],
    ['[1, 2]', 'Line 1: expected a JSON object, found an array'],
    ['"text"', 'Line 1: expected a JSON object, found a string'],
    ['null', 'Line 1: expected a JSON object, found null'],
  ])('reports %j', async (line, error) => {
    const items = await collect(jsonlFormat.read(fromText(`${line}\r\n{"ok":true}`), {}));
    expect(items).toEqual([
      { index: 0, line: 1, error, raw: line },
      { index: 1, line: 2, value: { ok: true } },
    ]);
  });

  it('reads a last line without a line break, and whitespace-only lines as blank', async () => {
    const items = await collect(jsonlFormat.read(fromText(' \t \n{"a":1}\n\r\n   \r\n{"b":2}'), {}));
    expect(items).toEqual([
      { index: 0, line: 2, value: { a: 1 } },
      { index: 1, line: 5, value: { b: 2 } },
    ]);
  });

  it('keeps a truncated raw text for a long malformed line', async () => {
    const long = `{"a": "${'x'.repeat(20_000)}" oops}`;
    const [item] = await collect(jsonlFormat.read(fromText(long), {}));
    expect(item.error).toBe("Line 1, column 20010: invalid JSON: Expected ',' or '}' after property value");
    expect(item.raw).toHaveLength(10 * 1024 + 1);
  });

  it('reports a line longer than the limit without holding it, and goes on', async () => {
    const megabyte = 'x'.repeat(1024 * 1024);
    const lines = Math.ceil(MAX_LINE_LENGTH / megabyte.length) + 1;
    async function* chunks() {
      yield '{"a":1}\n{"big": "';
      for (let i = 0; i < lines; i += 1) yield megabyte;
      yield '"}\n{"b":2}\n';
    }
    const items = await collect(jsonlFormat.read(() => Readable.from(chunks()), {}));
    expect(items).toEqual([
      { index: 0, line: 1, value: { a: 1 } },
      { index: 1, line: 2, error: 'Line 2: the line is longer than the limit of 32 MB (limits.maxItemLength)' },
      { index: 2, line: 3, value: { b: 2 } },
    ]);
  });

  it.each([[''], ['\uFEFF'], ['\n\n  \r\n']])('rejects an empty file %j', async (text) => {
    await expect(collect(jsonlFormat.read(fromText(text), {}))).rejects.toThrow('The file is empty');
  });

  it('tears the source down when the consumer breaks out', async () => {
    const state = { closed: false };
    async function* endless() {
      try {
        for (let i = 0; ; i += 1) yield `{"n":${i}}\n`;
      } finally {
        state.closed = true;
      }
    }
    for await (const item of jsonlFormat.read(() => Readable.from(endless()), {})) if (item.index === 3) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);
  });

  it('stops with an AbortError when the signal aborts', async () => {
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i += 1) yield `{"n":${i}}\n`;
    }
    await expect(
      (async () => {
        for await (const item of jsonlFormat.read(() => Readable.from(endless()), { signal: controller.signal })) {
          if (item.index === 3) controller.abort();
        }
      })()
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('jsonl format: writing', () => {
  it('writes one JSON object per line; an empty export is empty', () => {
    expect(write([{ a: 1, b: 'x\ny' }, { c: null }])).toBe('{"a":1,"b":"x\\ny"}\n{"c":null}\n');
    expect(write([])).toBe('');
  });

  it('reads back exactly what it wrote', async () => {
    const items = [
      { documentId: 'a1', title: 'Line\nbreak\r\n"quoted" \u2028 é ☕ 𝄞', n: 1e21, big: '12345678901234567890' },
      { documentId: 'a2', nested: { list: [1, { deep: [null, '', 0] }] }, empty: {} },
    ];
    const text = write(items);
    const read = await collect(jsonlFormat.read(fromText(text, 3), {}));
    expect(read).toEqual([
      { index: 0, line: 1, value: items[0] },
      { index: 1, line: 2, value: items[1] },
    ]);
    expect(write(read.map((item) => item.value ?? {}))).toBe(text);
  });
});

describe('jsonl format: sniffing', () => {
  it('recognises one object per line, and tells JSONT and JSON apart', () => {
    expect(jsonlFormat.detect(bytes('{"a":1}\n{"a":2}\n'))).toBe(true);
    expect(jsonlFormat.detect(bytes('{"a":1}'))).toBe(true);
    expect(jsonlFormat.detect(bytes(`{"a":"${'x'.repeat(100)}`))).toBe(true);
    // An item with an `items` attribute is still JSONL when the next line holds another item.
    expect(jsonlFormat.detect(bytes('{"items":[1]}\n{"items":[2]}\n'))).toBe(true);
    expect(jsonlFormat.detect(bytes('{\n  "configuration": {},\n  "items": []\n}\n'))).toBe(false);
    expect(jsonlFormat.detect(bytes('{"items": [{"a": 1}]}'))).toBe(false);
    expect(jsonlFormat.detect(bytes('[{"a":1}]'))).toBe(false);
    expect(jsonlFormat.detect(bytes('a,b\n'))).toBe(false);
  });
});

describe('jsonl format: memory', () => {
  it('streams 200,000 items with a bounded heap', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const count = 200_000;
    const padding = 'x'.repeat(400);
    async function* chunks() {
      for (let i = 0; i < count; i += 1000) {
        let chunk = '';
        for (let j = i; j < i + 1000; j += 1)
          chunk += `{"n":${j},"title":"Item ${j}","body":"${padding}","tags":["a","b"]}\n`;
        yield chunk;
      }
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let seen = 0;
    for await (const item of jsonlFormat.read(() => Readable.from(chunks()), {})) {
      seen += 1;
      if (item.index % 20_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(seen).toBe(count);
    expect(peak).toBeLessThan(100 * 1024 * 1024);
  });
});
