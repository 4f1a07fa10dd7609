import v8 from 'node:v8';
import vm from 'node:vm';
import { Readable } from 'node:stream';

import { csvFormat } from '.';
import type { CsvColumn } from '../types';
import { collect, fixture, fromText } from '../test-streams';
import { attr, resolverFor, values } from './test-helpers';

describe('csv format: reading', () => {
  it('reads a header and rows: null vs "", quoted delimiters and line breaks, BOM, CRLF, `;`', async () => {
    const attributes = [
      attr('documentId', 'string'),
      attr('title', 'string'),
      attr('views', 'integer'),
      attr('seo', 'component', { attributes: [attr('metaTitle', 'string'), attr('noIndex', 'boolean')] }),
    ];
    const items = await collect(
      csvFormat.read(fixture('articles-semicolon.csv'), { resolveColumns: resolverFor(attributes) })
    );
    expect(items).toEqual([
      {
        index: 0,
        line: 2,
        value: { documentId: 'a1', title: 'Hello; world', views: 3, seo: { metaTitle: '', noIndex: false } },
      },
      { index: 1, line: 3, value: { documentId: 'a2', title: 'Multi\r\nline "quoted"', views: null, seo: null } },
    ]);
  });

  it('tells an unquoted empty cell (null) from a quoted one (""), wherever it is', async () => {
    const text = 'a,b,c\n,,\n"","",""\n"",,""\n,"",\n"x""",""""," "\n"",""\r\n';
    const items = await collect(csvFormat.read(fromText(text), {}));
    expect(values(items)).toEqual([
      { a: null, b: null, c: null },
      { a: '', b: '', c: '' },
      { a: '', b: null, c: '' },
      { a: null, b: '', c: null },
      { a: 'x"', b: '"', c: ' ' },
      'Line 7: expected 3 cells, found 2',
    ]);
  });

  it('counts physical lines, line breaks inside quoted cells included', async () => {
    const text = 'a,b\r\n"one\r\ntwo\r\nthree",x\r\n\r\n"y",""\r\n"multi\nline ""with"" quotes\n",z';
    const items = await collect(csvFormat.read(fromText(text), {}));
    expect(items).toEqual([
      { index: 0, line: 2, value: { a: 'one\r\ntwo\r\nthree', b: 'x' } },
      { index: 1, line: 6, value: { a: 'y', b: '' } },
      { index: 2, line: 7, value: { a: 'multi\nline "with" quotes\n', b: 'z' } },
    ]);
  });

  it('gives the same items whatever the chunking (quotes, CRLF and multi-byte characters split)', async () => {
    const text = '\uFEFFa;b;c\r\n"é☕;""x""";"";\r\n\r\n"multi\r\nline";𝄞;"a""b"\r\n,;1;\r\n"last"  ;" q ";end';
    const whole = await collect(csvFormat.read(fromText(text), {}));
    expect(values(whole)).toEqual([
      { a: 'é☕;"x"', b: '', c: null },
      { a: 'multi\r\nline', b: '𝄞', c: 'a"b' },
      { a: ',', b: '1', c: null },
      { a: 'last', b: ' q ', c: 'end' },
    ]);
    for (const size of [1, 2, 3, 5, 8]) expect(await collect(csvFormat.read(fromText(text, size), {}))).toEqual(whole);
  });

  it('agrees with itself on random CSV-like text, whatever the chunking', async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = ['a', 'b', ',', ',', '"', '"', '\n', '\r\n', ' ', 'é', ';'];
    for (let run = 0; run < 200; run += 1) {
      let text = 'h1,h2,h3\n';
      const length = Math.floor(random() * 60);
      for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      const outcome = async (size: number) => {
        try {
          return await collect(csvFormat.read(fromText(text, size), {}));
        } catch (error) {
          return (error as Error).message;
        }
      };
      const whole = await outcome(64 * 1024);
      // The scanner and papaparse never disagree on where records end.
      expect(typeof whole === 'string' ? whole : '').not.toMatch('could not be read');
      for (const size of [1, 3]) expect([text, await outcome(size)]).toEqual([text, whole]);
    }
  });

  it('keeps unknown columns as text, drops ignored ones, and keeps __proto__ an own key', async () => {
    const resolveColumns = (headers: string[]): CsvColumn[] =>
      headers.map((header) => ({ header, path: header === 'skip' ? null : [header] }));
    const items = await collect(
      csvFormat.read(fromText('skip,__proto__,free\n1,"{""a"":1}",\'=x\n'), { resolveColumns })
    );
    expect(items[0].value).toEqual({ ['__proto__']: '{"a":1}', free: '=x' });
    expect(Object.getPrototypeOf(items[0].value)).toBe(Object.prototype);
    expect(Object.keys(items[0].value ?? {})).toEqual(['__proto__', 'free']);
  });

  it('names the line, column and value of cells that do not decode, and goes on', async () => {
    const attributes = [
      attr('n', 'integer'),
      attr('ok', 'boolean'),
      attr('data', 'json'),
      attr('big', 'biginteger'),
      attr('tags', 'relation', { relation: 'manyToMany', target: 'api::tag.tag' }),
    ];
    const text = [
      'n,ok,data,big,tags',
      'abc,yes,"{bad",1.5,x',
      '0x1A,,,,',
      'Infinity,,,,',
      '"",TRUE,"[1]",-12,"[]"',
      '',
    ].join('\n');
    const items = await collect(csvFormat.read(fromText(text), { resolveColumns: resolverFor(attributes) }));
    expect(values(items)).toEqual([
      'Line 2, column "n": "abc" is not a number; column "ok": "yes" is not a boolean (true, false, 1 or 0); ' +
        'column "data": invalid JSON (Expected property name or \'}\'); ' +
        'column "big": "1.5" is not an integer; column "tags": invalid JSON (Unexpected token \'x\')',
      'Line 3, column "n": "0x1A" is not a number',
      'Line 4, column "n": "Infinity" is not a number',
      { n: null, ok: true, data: [1], big: '-12', tags: [] },
    ]);
    expect(items[0]).toMatchObject({ index: 0, line: 2, raw: 'abc,yes,"{bad",1.5,x' });
  });

  it('reports a row with the wrong number of cells, with its line', async () => {
    const items = await collect(csvFormat.read(fromText('a,b\n1,2,3\n4\n"5\n5",6\n'), {}));
    expect(items).toEqual([
      { index: 0, line: 2, error: 'Line 2: expected 2 cells, found 3', raw: '1,2,3' },
      { index: 1, line: 3, error: 'Line 3: expected 2 cells, found 1', raw: '4' },
      { index: 2, line: 4, value: { a: '5\n5', b: '6' } },
    ]);
  });

  it('reports a malformed quoted cell as an error item', async () => {
    const items = await collect(csvFormat.read(fromText('a,b\n"ab"c,d\n"e",f\n1,2\n'), {}));
    expect(items).toEqual([
      {
        index: 0,
        line: 2,
        error: 'Line 2: a quoted cell is malformed (a quote inside quotes must be doubled)',
        raw: '"ab"c,d\n"e",f',
      },
      { index: 1, line: 4, value: { a: '1', b: '2' } },
    ]);
  });

  it('stops at a quoted cell left open, after the rows before it', async () => {
    const read = collect(csvFormat.read(fromText('a,b\n1,2\n"open,2\n3,4\n'), {}));
    await expect(read).rejects.toThrow('Line 3: a quoted cell is not closed (the file ends inside it)');
  });

  it('skips blank lines, except in a one-column file where they are null cells', async () => {
    expect(values(await collect(csvFormat.read(fromText('\n\na,b\n\n1,2\n\r\n3,4\n\n'), {})))).toEqual([
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
    expect(await collect(csvFormat.read(fromText('a\r\nx\r\n\r\n""\r\n'), {}))).toEqual([
      { index: 0, line: 2, value: { a: 'x' } },
      { index: 1, line: 3, value: { a: null } },
      { index: 2, line: 4, value: { a: '' } },
    ]);
  });

  it('drops the CR of a CRLF, even of a last line cut after it', async () => {
    expect(values(await collect(csvFormat.read(fromText('a,b\r\n1,\r\n2,x\r'), {})))).toEqual([
      { a: '1', b: null },
      { a: '2', b: 'x' },
    ]);
  });

  it('reads a header alone as no items; a 0-byte file is empty', async () => {
    expect(await collect(csvFormat.read(fromText('a,b'), {}))).toEqual([]);
    expect(await collect(csvFormat.read(fromText('a,b\r\n'), {}))).toEqual([]);
    await expect(collect(csvFormat.read(fromText(''), {}))).rejects.toThrow('The file is empty');
    await expect(collect(csvFormat.read(fromText('\uFEFF'), {}))).rejects.toThrow('The file is empty');
    await expect(collect(csvFormat.read(fromText('\r\n\n'), {}))).rejects.toThrow('The file is empty');
  });

  it('fails when resolveColumns does not describe every header', async () => {
    await expect(collect(csvFormat.read(fromText('a,b\n1,2\n'), { resolveColumns: () => [] }))).rejects.toThrow(
      'resolveColumns returned 0 columns for 2 headers'
    );
  });

  it('tears the source down when the consumer breaks out, and stops on abort', async () => {
    const state = { closed: false };
    async function* endless() {
      try {
        yield 'n,text\n';
        for (let i = 0; ; i += 1) yield `${i},"row ${i}"\n`;
      } finally {
        state.closed = true;
      }
    }
    for await (const item of csvFormat.read(() => Readable.from(endless()), {})) if (item.index === 3) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);

    const controller = new AbortController();
    await expect(
      (async () => {
        for await (const item of csvFormat.read(() => Readable.from(endless()), { signal: controller.signal })) {
          if (item.index === 3) controller.abort();
        }
      })()
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});


describe('csv format: memory', () => {
  it('streams 200,000 rows with a bounded heap', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const count = 200_000;
    const padding = 'x'.repeat(400);
    const attributes = [attr('n', 'integer'), attr('title', 'string'), attr('body', 'text'), attr('tags', 'json')];
    async function* chunks() {
      yield 'n,title,body,tags\r\n';
      for (let i = 0; i < count; i += 1000) {
        let chunk = '';
        for (let j = i; j < i + 1000; j += 1) chunk += `${j},"Item ${j}, ""quoted""",${padding},"[""a"",""b""]"\r\n`;
        yield chunk;
      }
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let seen = 0;
    for await (const item of csvFormat.read(() => Readable.from(chunks()), {
      resolveColumns: resolverFor(attributes),
    })) {
      seen += 1;
      if (item.index % 20_000 === 0) {
        expect(item.value).toEqual({
          n: item.index,
          title: `Item ${item.index}, "quoted"`,
          body: padding,
          tags: ['a', 'b'],
        });
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(seen).toBe(count);
    expect(peak).toBeLessThan(100 * 1024 * 1024);
  });
});
