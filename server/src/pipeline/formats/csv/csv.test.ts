import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Readable } from 'node:stream';

import type { AttributeInfo, AttributeType } from '../../../../../shared/contracts';
import fc from 'fast-check';

import { createCsvWriter, csvColumns, csvFormat, decodeCell, encodeCell, escapeTextCell, unescapeTextCell } from '.';
import type { CsvColumn, SourceItem, WriteOptions } from '../types';
import { bytes, collect, fixture, fromText } from '../test-streams';

const attr = (name: string, type: AttributeType, extra: Partial<AttributeInfo> = {}): AttributeInfo => ({
  name,
  type,
  required: false,
  unique: false,
  private: false,
  ...extra,
});

/** What the importer does: a header is an attribute name or a dot path into a single component. */
const resolverFor =
  (attributes: AttributeInfo[]) =>
  (headers: string[]): CsvColumn[] =>
    headers.map((header) => {
      const [name, ...rest] = header.split('.');
      let attribute = attributes.find((candidate) => candidate.name === name);
      for (const field of rest) attribute = attribute?.attributes?.find((candidate) => candidate.name === field);
      return { header, path: header.split('.'), attribute };
    });

const write = (items: Record<string, unknown>[], options: WriteOptions) => {
  const writer = createCsvWriter(options);
  const text = writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
  // A page at a time (as exports write) gives the same bytes.
  const paged = createCsvWriter(options);
  expect(paged.begin() + paged.items?.(items) + paged.end()).toBe(text);
  return text;
};

const values = (items: SourceItem[]) => items.map((item) => item.error ?? item.value);

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

describe('csv format: cells', () => {
  it.each<[AttributeType, Partial<AttributeInfo>, string, boolean, unknown]>([
    ['string', {}, '', false, null],
    ['string', {}, '', true, ''],
    ['string', {}, "'=SUM(A1)", false, '=SUM(A1)'],
    ['string', {}, "''quoted", false, "''quoted"],
    ['string', {}, "'quoted", false, "'quoted"],
    ['string', {}, "' OR '1'='1", false, "' OR '1'='1"],
    ['string', {}, "'", false, "'"],
    ['string', {}, "''=x", false, "'=x"],
    ['string', {}, "'\t", false, '\t'],
    ['string', {}, '08123', false, '08123'],
    ['enumeration', {}, "'-x", false, '-x'],
    ['date', {}, '2024-02-29', false, '2024-02-29'],
    ['date', {}, '', true, ''],
    ['integer', {}, '-5', false, -5],
    ['integer', {}, ' 12 ', false, 12],
    ['float', {}, '1e-7', false, 1e-7],
    ['decimal', {}, '.5', false, 0.5],
    ['integer', {}, '', true, null],
    ['biginteger', {}, '-12345678901234567890', false, '-12345678901234567890'],
    ['boolean', {}, 'FALSE', false, false],
    ['boolean', {}, '1', false, true],
    ['json', {}, '"text"', false, 'text'],
    ['blocks', {}, '[{"type":"paragraph"}]', false, [{ type: 'paragraph' }]],
    ['relation', { relation: 'manyToOne' }, 'abc123', false, 'abc123'],
    ['relation', { relation: 'manyToOne' }, '{"slug":"news"}', false, { slug: 'news' }],
    ['relation', { relation: 'oneToMany' }, '["a",{"slug":"b"}]', false, ['a', { slug: 'b' }]],
    ['relation', { relation: 'manyToOne', multiple: true }, '["a"]', false, ['a']],
    ['media', {}, '12', false, 12],
    ['media', {}, 'https://cdn.example/a.png', false, 'https://cdn.example/a.png'],
    ['media', { multiple: true }, '[1,2]', false, [1, 2]],
    ['component', { multiple: true }, '[{"a":1}]', false, [{ a: 1 }]],
    ['dynamiczone', {}, '[{"__component":"x.y"}]', false, [{ __component: 'x.y' }]],
  ])('decodes a %s cell (%j) %j (quoted: %j)', (type, extra, text, quoted, value) => {
    expect(decodeCell(attr('field', type, extra), text, quoted)).toEqual({ value });
  });

  it('decodes cells of unknown columns as text, the escape of a formula removed', () => {
    expect(decodeCell(undefined, "'+1", false)).toEqual({ value: '+1' });
    expect(decodeCell(undefined, "'1", false)).toEqual({ value: "'1" });
    expect(decodeCell(undefined, '', false)).toEqual({ value: null });
  });

  it.each<[AttributeType, Partial<AttributeInfo>, unknown, string]>([
    ['string', {}, null, ''],
    ['string', {}, undefined, ''],
    ['string', {}, '', '""'],
    ['string', {}, '=1+1', "'=1+1"],
    ['string', {}, '-x', "'-x"],
    ['string', {}, '+x', "'+x"],
    ['string', {}, '@x', "'@x"],
    ['string', {}, '\tx', "'\tx"],
    ['string', {}, '\rx', `"'\rx"`],
    ['string', {}, "'x", "'x"],
    ['string', {}, "''", "''"],
    ['string', {}, "'=x", "''=x"],
    ['string', {}, "'''-x", "''''-x"],
    ['string', {}, 'a,b', '"a,b"'],
    ['string', {}, 'a;b', '"a;b"'],
    ['string', {}, 'say "hi"', '"say ""hi"""'],
    ['string', {}, ' padded ', '" padded "'],
    ['string', {}, 'two\nlines', '"two\nlines"'],
    ['integer', {}, -5, '-5'],
    ['float', {}, 1e21, '1e+21'],
    ['biginteger', {}, '-12345678901234567890', '-12345678901234567890'],
    ['boolean', {}, false, 'false'],
    ['datetime', {}, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['json', {}, { a: [1, 'x'] }, '"{""a"":[1,""x""]}"'],
    ['relation', { relation: 'manyToOne' }, 'abc123', 'abc123'],
    ['relation', { relation: 'manyToOne' }, { slug: 'news' }, '"{""slug"":""news""}"'],
    ['media', {}, 12, '12'],
  ])('encodes a %s value (%j) %j', (type, extra, value, cell) => {
    expect(encodeCell(attr('field', type, extra), value)).toBe(cell);
  });
});

describe('csv format: writing', () => {
  const seo = attr('seo', 'component', {
    component: 'shared.seo',
    attributes: [
      attr('metaTitle', 'string'),
      attr('noIndex', 'boolean'),
      attr('social', 'component', { attributes: [attr('title', 'string')] }),
    ],
  });

  it('writes the header in order: leading keys, attributes (single components expanded), trailing keys', () => {
    const options: WriteOptions = {
      leadingKeys: ['documentId', 'locale'],
      attributes: [attr('title', 'string'), seo, attr('tags', 'relation', { relation: 'manyToMany' })],
      trailingKeys: ['updatedAt'],
    };
    expect(csvColumns(options).map((column) => column.header)).toEqual([
      'documentId',
      'locale',
      'title',
      'seo.metaTitle',
      'seo.noIndex',
      'seo.social.title',
      'tags',
      'updatedAt',
    ]);
    expect(
      write(
        [
          { documentId: 'd1', locale: 'en', title: 'Hi, "you"', seo: null, tags: ['t1'], updatedAt: '2024-01-01' },
          { documentId: 'd2', locale: 'en', title: '', seo: { metaTitle: 'M', noIndex: true, social: null }, tags: [] },
        ],
        options
      )
    ).toBe(
      'documentId,locale,title,seo.metaTitle,seo.noIndex,seo.social.title,tags,updatedAt\r\n' +
        'd1,en,"Hi, ""you""",,,,"[""t1""]",2024-01-01\r\n' +
        'd2,en,"",M,true,,[],\r\n'
    );
  });

  it('writes a header alone for an empty export', () => {
    expect(write([], { leadingKeys: ['documentId'], attributes: [attr('title', 'string')] })).toBe(
      'documentId,title\r\n'
    );
  });

  it('round-trips every attribute type exactly', async () => {
    const attributes: AttributeInfo[] = [
      attr('title', 'string'),
      attr('body', 'text'),
      attr('rich', 'richtext'),
      attr('email', 'email'),
      attr('slug', 'uid'),
      attr('kind', 'enumeration', { enum: ['a', 'b'] }),
      attr('secret', 'password'),
      attr('count', 'integer'),
      attr('big', 'biginteger'),
      attr('ratio', 'float'),
      attr('price', 'decimal'),
      attr('active', 'boolean'),
      attr('day', 'date'),
      attr('at', 'time'),
      attr('when', 'datetime'),
      attr('data', 'json'),
      attr('content', 'blocks'),
      attr('cover', 'media'),
      attr('gallery', 'media', { multiple: true }),
      attr('author', 'relation', { relation: 'manyToOne', target: 'api::author.author' }),
      attr('tags', 'relation', { relation: 'manyToMany', target: 'api::tag.tag' }),
      seo,
      attr('links', 'component', { multiple: true, component: 'shared.link' }),
      attr('sections', 'dynamiczone', { components: ['shared.quote'] }),
    ];
    const options: WriteOptions = { leadingKeys: ['documentId', 'locale'], attributes, trailingKeys: ['createdAt'] };
    const rich = {
      documentId: 'doc1',
      locale: 'fr',
      title: '=HYPERLINK("http://evil")',
      body: 'Line one\nLine two\r\nwith "quotes", commas; and semicolons',
      rich: "'already quoted",
      email: '@handle@example.com',
      slug: '-starts-with-dash',
      kind: '+plus',
      secret: '\tTabbed\r',
      count: -42,
      big: '-123456789012345678901234567890',
      ratio: 0.1,
      price: 1e21,
      active: false,
      day: '2024-02-29',
      at: '12:30:00.000',
      when: '2024-02-29T12:30:00.000Z',
      data: { nested: ['x', 1, null, { q: '"' }], empty: '' },
      content: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hé ☕ 𝄞' }] }],
      cover: 12,
      gallery: [1, 2, 3],
      author: { slug: 'news' },
      tags: ['t1', { slug: 't2' }],
      seo: { metaTitle: '08123', noIndex: true, social: { title: ' spaced ' } },
      links: [{ url: 'https://x', label: '=1' }],
      sections: [{ __component: 'shared.quote', text: '"Hi", she said' }],
      createdAt: '2024-01-01T00:00:00.000Z',
    };
    const sparse = {
      documentId: 'doc2',
      locale: 'en',
      title: '',
      body: null,
      rich: '',
      email: null,
      slug: "'",
      kind: null,
      secret: '',
      count: 0,
      big: '9007199254740993',
      ratio: -1.5e-7,
      price: null,
      active: true,
      day: null,
      at: null,
      when: null,
      data: 'just a string',
      content: null,
      cover: 'https://cdn.example/a.png',
      gallery: null,
      author: 'abc123def456',
      tags: [],
      seo: null,
      links: [],
      sections: null,
      createdAt: null,
    };
    const nulls = {
      ...Object.fromEntries(
        [...options.leadingKeys, ...attributes.map((a) => a.name), 'createdAt'].map((key) => [key, null])
      ),
      documentId: 'doc3',
      seo: { metaTitle: '', noIndex: null, social: null },
    };
    const items = [rich, sparse, nulls];
    const text = write(items, options);
    const resolveColumns = resolverFor(attributes);
    for (const size of [1, 7, 64 * 1024]) {
      const read = await collect(csvFormat.read(fromText(text, size), { resolveColumns }));
      expect(read.map((item) => item.error)).toEqual([undefined, undefined, undefined]);
      expect(read.map((item) => item.value)).toEqual(items);
      expect(read.map((item) => item.line)).toEqual([2, 5, 6]);
    }
    const read = await collect(csvFormat.read(fromText(text), { resolveColumns }));
    expect(
      write(
        read.map((item) => item.value ?? {}),
        options
      )
    ).toBe(text);
  });

  it('writes a one-column null as a blank line that reads back as null', async () => {
    const options: WriteOptions = { leadingKeys: [], attributes: [attr('title', 'string')] };
    const text = write([{ title: null }, { title: '' }, { title: 'x' }], options);
    expect(text).toBe('title\r\n\r\n""\r\nx\r\n');
    const read = await collect(csvFormat.read(fromText(text), { resolveColumns: resolverFor(options.attributes) }));
    expect(read.map((item) => item.value)).toEqual([{ title: null }, { title: '' }, { title: 'x' }]);
  });
});

describe('csv format: sniffing', () => {
  it('recognises delimited text, not JSON or binary', () => {
    expect(csvFormat.detect(bytes('documentId,title\nabc,Hello\n'))).toBe(true);
    expect(csvFormat.detect(bytes('title\n'))).toBe(true);
    expect(csvFormat.detect(bytes('[{"a":1}]'))).toBe(false);
    expect(csvFormat.detect(bytes('{"a":1}'))).toBe(false);
    expect(csvFormat.detect(bytes('PK\u0003\u0004\u0000\u0000'))).toBe(false);
    expect(csvFormat.detect(bytes('  \n'))).toBe(false);
    expect(csvFormat.detect(bytes('t\u0000i\u0000t\u0000l\u0000e\u0000\n\u0000'))).toBe(false); // UTF-16 text
  });

  it('takes a NUL in a later cell as data (the importer judges the value)', () => {
    expect(csvFormat.detect(bytes('code,note\nx,"a\u0000b"\n'))).toBe(true);
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

describe('csv format: the injection escape round trip (property)', () => {
  const textAttributes = [attr('title', 'string'), attr('body', 'text')];
  /** Strings biased towards what the rule is about: apostrophes and formula starts in front of anything. */
  const tricky = fc
    .tuple(
      fc.array(fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', ' ', 'a'), { maxLength: 5 }),
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }))
    )
    .map(([head, tail]) => head.join('') + tail);
  const text = fc.oneof(tricky, fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }));

  it('any string survives write -> read through a text column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 5 }), async (rows) => {
        const options = { attributes: textAttributes, leadingKeys: [] };
        const writer = createCsvWriter(options);
        const items = rows.map(([title, body]) => ({ title, body }));
        const file = writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
        const read = await collect(
          csvFormat.read(fromText(file), {
            resolveColumns: (headers) =>
              headers.map((header) => ({
                header,
                path: [header],
                attribute: textAttributes.find((a) => a.name === header),
              })),
          })
        );
        expect(read.map((item) => item.error ?? item.value)).toEqual(items);
      }),
      { numRuns: 300, seed: 20261204 }
    );
  });

  it('escape and unescape are inverse, and an unescaped foreign cell keeps its apostrophes unless it is an escaped formula', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(unescapeTextCell(escapeTextCell(value))).toBe(value);
        const escaped = escapeTextCell(value);
        // What the writer leaves alone is never changed by the reader.
        if (escaped === value) expect(unescapeTextCell(value)).toBe(value);
        // Never a formula start, whatever the text.
        expect(escaped).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 2000, seed: 20261204 }
    );
  });
});
