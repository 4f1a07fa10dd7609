import { FORMATS } from '.';
import { DEFAULT_READ_LIMITS } from './limits';
import { readFileHead, SAMPLE_ITEMS } from './head';

/** The import wizard's reading of a file's head (the admin sends the text of its first 64 KB). */
const parseHead = (text: string, fileName: string, complete: boolean) =>
  readFileHead({ head: Buffer.from(text, 'utf8'), fileName, complete, limits: DEFAULT_READ_LIMITS }, FORMATS);



describe('parseHead: JSON', () => {
  it('lists the fields of the first items in order of appearance, with a sample value each', async () => {
    const head = await parseHead(
      JSON.stringify([{ title: 'Hello', views: 3 }, { title: '', slug: 'second', seo: { metaTitle: 'x' } }]),
      'articles.json',
      true
    );
    expect(head).toMatchObject({ format: 'json', error: null, itemCount: 2, configuration: null });
    expect(head.fields).toEqual(['title', 'views', 'slug', 'seo']);
    expect(head.samples).toEqual({ title: 'Hello', views: '3', slug: 'second', seo: '{"metaTitle":"x"}' });
  });

  it('reads only the first items', async () => {
    const items = Array.from({ length: 50 }, (_, index) => ({ [`field${index}`]: index }));
    const head = await parseHead(JSON.stringify(items), 'many.json', true);
    expect(head.itemCount).toBe(SAMPLE_ITEMS);
    expect(head.fields).toHaveLength(SAMPLE_ITEMS);
  });

  it('leaves out an item the head cuts, without an error', async () => {
    const text = '[{"title":"one"},{"title":"two","summary":"cut he';
    const head = await parseHead(text, 'cut.json', false);
    expect(head).toMatchObject({ error: null, itemCount: 1, fields: ['title'] });
  });

  it('copes with brackets and quotes inside strings', async () => {
    const head = await parseHead('[{"title":"a ] } \\" [ {","n":1}, {"other":"}"}]', 'tricky.json', true);
    expect(head.fields).toEqual(['title', 'n', 'other']);
    expect(head.samples.title).toBe('a ] } " [ {');
  });

  it('strips a byte order mark', async () => {
    expect((await parseHead('\uFEFF[{"a":1}]', 'bom.json', true)).fields).toEqual(['a']);
  });

  it('reports malformed JSON with its line', async () => {
    const head = await parseHead('[\n{"a":1},\n{"a":,}\n]', 'bad.json', true);
    expect(head).toMatchObject({ format: 'json', error: 'invalid', message: 'Invalid JSON at line 3, column 6: expected a value' });
  });

  it('reads a JSON export: { "formatVersion", "items" }', async () => {
    const text = JSON.stringify({ formatVersion: 1, items: [{ documentId: 'a', title: 'A' }] }, null, 2);
    expect(await parseHead(text, 'article-2026-11-22.json', true)).toMatchObject({
      format: 'json',
      error: null,
      configuration: null,
      fields: ['documentId', 'title'],
    });
    // The same object in a .jsont file is JSONT (without a configuration).
    expect((await parseHead(text, 'articles.jsont', true)).format).toBe('jsont');
  });

  it('reports a JSON file that is not an array of items, with the reader\'s message', async () => {
    expect(await parseHead('"text"', 'string.json', true)).toMatchObject({ error: 'invalid', message: expect.stringMatching(/array|items/) });
  });

  it('reports an empty file', async () => {
    expect(await parseHead(' \n', 'empty.json', true)).toMatchObject({ error: 'empty', fields: [] });
  });

  it('keeps __proto__ as a field name without touching prototypes', async () => {
    const head = await parseHead('[{"__proto__":{"polluted":true},"title":"x"}]', 'proto.json', true);
    expect(head.fields).toEqual(['__proto__', 'title']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseHead: JSONT', () => {
  const jsont = {
    configuration: { contentType: 'api::article.article', importStrategy: 'add-only' },
    items: [{ title: 'A' }, { title: 'B', slug: 'b' }],
  };

  it('reads the configuration and the first items', async () => {
    const head = await parseHead(JSON.stringify(jsont, null, 2), 'articles.jsont', true);
    expect(head).toMatchObject({ format: 'jsont', error: null, configuration: jsont.configuration, fields: ['title', 'slug'] });
  });

  it('treats a .json file holding a configuration and items as JSONT (Liferay batch files)', async () => {
    const liferay = {
      configuration: { className: 'com.liferay.headless.admin.taxonomy.dto.v1_0.TaxonomyCategory', parameters: { createStrategy: 'UPSERT' } },
      items: [{ name: 'News' }],
    };
    const head = await parseHead(JSON.stringify(liferay), 'categories.batch-engine-data.json', true);
    expect(head).toMatchObject({ format: 'jsont', configuration: liferay.configuration, fields: ['name'] });
  });

  it('keeps the configuration when the head cuts the items', async () => {
    const text = JSON.stringify(jsont).slice(0, -10);
    const head = await parseHead(text, 'cut.jsont', false);
    expect(head.configuration).toEqual(jsont.configuration);
    expect(head.fields).toEqual(['title']);
  });

  it('reads items that come before the configuration', async () => {
    const head = await parseHead('{"items":[{"a":1}],"configuration":{"contentType":"api::tag.tag"}}', 'x.jsont', true);
    expect(head).toMatchObject({ fields: ['a'], configuration: { contentType: 'api::tag.tag' } });
  });
});

describe('parseHead: JSONL', () => {
  it('reads one item per line, skipping blank lines', async () => {
    const head = await parseHead('{"a":1}\n\n{"b":2}\r\n', 'items.jsonl', true);
    expect(head).toMatchObject({ format: 'jsonl', fields: ['a', 'b'], itemCount: 2, error: null });
  });

  it('leaves out a last line the head cuts', async () => {
    expect(await parseHead('{"a":1}\n{"b":', 'items.jsonl', false)).toMatchObject({ fields: ['a'], error: null });
  });

  it('reports a broken line with its number', async () => {
    // The other items still give their fields: the import fails that item alone (continue) or stops on it.
    expect(await parseHead('{"a":1}\n{"b":\n{"c":3}', 'items.jsonl', true)).toMatchObject({ error: 'item', message: expect.stringMatching(/^Line 2, /), fields: ['a', 'c'] });
    expect(await parseHead('{"a":1}\n{"b":', 'items.jsonl', true)).toMatchObject({ error: 'item', message: expect.stringMatching(/^Line 2, /), fields: ['a'] });
  });
});

describe('parseHead: CSV', () => {
  it('reads the header row as the fields, and samples from the rows', async () => {
    const head = await parseHead('firstName,lastName,zip\nAda,Lovelace,08123\nAlan,Turing,\n', 'contacts.csv', true);
    expect(head).toMatchObject({ format: 'csv', fields: ['firstName', 'lastName', 'zip'], itemCount: 2, error: null });
    expect(head.samples).toEqual({ firstName: 'Ada', lastName: 'Lovelace', zip: '08123' });
  });

  it('handles quoted headers with commas, quotes and line breaks', async () => {
    const head = await parseHead('"Name, full","Say ""hi""","Multi\nline"\n1,2,3', 'q.csv', true);
    expect(head.fields).toEqual(['Name, full', 'Say "hi"', 'Multi\nline']);
  });

  it('detects semicolons and tabs as delimiters (as the server reads them)', async () => {
    expect((await parseHead('a;b;c\n1;2;3', 'semi.csv', true)).fields).toEqual(['a', 'b', 'c']);
    expect((await parseHead('a\tb\n1\t2', 'tabs.csv', true)).fields).toEqual(['a', 'b']);
    expect((await parseHead('"x;y",b,c\n1,2,3', 'quoted.csv', true)).fields).toEqual(['x;y', 'b', 'c']);
  });

  it('reads a header without a line break, and drops a row the head cuts', async () => {
    expect((await parseHead('a,b', 'one-line.csv', true)).fields).toEqual(['a', 'b']);
    const head = await parseHead('a,b\n1,2\n3,', 'cut.csv', false);
    expect(head.itemCount).toBe(1);
  });

  it('reads CRLF line endings', async () => {
    expect(await parseHead('a,b\r\n1,2\r\n', 'crlf.csv', true)).toMatchObject({ fields: ['a', 'b'], samples: { a: '1', b: '2' } });
  });
});


describe('readFileHead: what only the server could tell', () => {
  it('reads a head cut inside a multi-byte character', async () => {
    const bytes = Buffer.from('{"title":"caf\u00e9"}\n{"title":"\u00e9t\u00e9"}\n');
    const head = await readFileHead({ head: bytes.subarray(0, bytes.length - 4), fileName: 'accents.jsonl', complete: false, limits: DEFAULT_READ_LIMITS }, FORMATS);
    expect(head).toMatchObject({ error: null, fields: ['title'], samples: { title: 'café' }, itemCount: 1 });
  });

  it('holds the read limits of the app', async () => {
    const deep = `[${'['.repeat(10)}${']'.repeat(10)}]`;
    const head = await readFileHead({ head: Buffer.from(deep), fileName: 'deep.json', complete: true, limits: { ...DEFAULT_READ_LIMITS, maxDepth: 5 } }, FORMATS);
    expect(head).toMatchObject({ error: 'item', message: expect.stringContaining('limits.maxDepth') });
  });

  it('reports a file of no known format, and a broken JSONL line followed by another', async () => {
    expect(await parseHead('\u0000\u0001\u0002 binary', 'notes.bin', true)).toMatchObject({ format: null, error: 'unknown-format' });
    expect(await parseHead('{"a":1}\nnot json\n{"c":3}\n', 'items.jsonl', false)).toMatchObject({ error: 'item', message: expect.stringMatching(/^Line 2, /) });
    // A CSV row with too few cells: the header still maps.
    const csv = await parseHead('a,b,c\n1,2,3\nonly,two\n4,5,6\n', 'rows.csv', true);
    expect(csv).toMatchObject({ error: 'item', fields: ['a', 'b', 'c'], itemCount: 2, message: expect.stringContaining('Line 3') });
  });
});
