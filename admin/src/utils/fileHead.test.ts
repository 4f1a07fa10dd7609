import { HEAD_BYTES, parseHead, readFileHead, SAMPLE_ITEMS } from './fileHead';

// The format and the CSV delimiter come from shared/formats, the server's detection: tested in
// shared/formats/detect.test.ts (which took over this file's formatFromName and sniffFormat tests).

describe('parseHead: JSON', () => {
  it('lists the fields of the first items in order of appearance, with a sample value each', () => {
    const head = parseHead(
      JSON.stringify([{ title: 'Hello', views: 3 }, { title: '', slug: 'second', seo: { metaTitle: 'x' } }]),
      'articles.json',
      true
    );
    expect(head).toMatchObject({ format: 'json', error: null, itemCount: 2, configuration: null });
    expect(head.fields).toEqual(['title', 'views', 'slug', 'seo']);
    expect(head.samples).toEqual({ title: 'Hello', views: '3', slug: 'second', seo: '{"metaTitle":"x"}' });
  });

  it('reads only the first items', () => {
    const items = Array.from({ length: 50 }, (_, index) => ({ [`field${index}`]: index }));
    const head = parseHead(JSON.stringify(items), 'many.json', true);
    expect(head.itemCount).toBe(SAMPLE_ITEMS);
    expect(head.fields).toHaveLength(SAMPLE_ITEMS);
  });

  it('leaves out an item the head cuts, without an error', () => {
    const text = '[{"title":"one"},{"title":"two","summary":"cut he';
    const head = parseHead(text, 'cut.json', false);
    expect(head).toMatchObject({ error: null, itemCount: 1, fields: ['title'] });
  });

  it('copes with brackets and quotes inside strings', () => {
    const head = parseHead('[{"title":"a ] } \\" [ {","n":1}, {"other":"}"}]', 'tricky.json', true);
    expect(head.fields).toEqual(['title', 'n', 'other']);
    expect(head.samples.title).toBe('a ] } " [ {');
  });

  it('strips a byte order mark', () => {
    expect(parseHead('\uFEFF[{"a":1}]', 'bom.json', true).fields).toEqual(['a']);
  });

  it('reports malformed JSON with its line', () => {
    const head = parseHead('[\n{"a":1},\n{"a":,}\n]', 'bad.json', true);
    expect(head).toMatchObject({ error: 'invalid-json', errorLine: 3 });
  });

  it('reads a JSON export: { "formatVersion", "items" }', () => {
    const text = JSON.stringify({ formatVersion: 1, items: [{ documentId: 'a', title: 'A' }] }, null, 2);
    expect(parseHead(text, 'article-2026-11-22.json', true)).toMatchObject({
      format: 'json',
      error: null,
      configuration: null,
      fields: ['documentId', 'title'],
    });
    // The same object in a .jsont file is JSONT (without a configuration).
    expect(parseHead(text, 'articles.jsont', true).format).toBe('jsont');
  });

  it('reports a JSON file that is not an array', () => {
    expect(parseHead('"text"', 'string.json', true).error).toBe('not-items');
  });

  it('reports an empty file', () => {
    expect(parseHead(' \n', 'empty.json', true)).toMatchObject({ error: 'empty', fields: [] });
  });

  it('keeps __proto__ as a field name without touching prototypes', () => {
    const head = parseHead('[{"__proto__":{"polluted":true},"title":"x"}]', 'proto.json', true);
    expect(head.fields).toEqual(['__proto__', 'title']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseHead: JSONT', () => {
  const jsont = {
    configuration: { contentType: 'api::article.article', importStrategy: 'add-only' },
    items: [{ title: 'A' }, { title: 'B', slug: 'b' }],
  };

  it('reads the configuration and the first items', () => {
    const head = parseHead(JSON.stringify(jsont, null, 2), 'articles.jsont', true);
    expect(head).toMatchObject({ format: 'jsont', error: null, configuration: jsont.configuration, fields: ['title', 'slug'] });
  });

  it('treats a .json file holding a configuration and items as JSONT (Liferay batch files)', () => {
    const liferay = {
      configuration: { className: 'com.liferay.headless.admin.taxonomy.dto.v1_0.TaxonomyCategory', parameters: { createStrategy: 'UPSERT' } },
      items: [{ name: 'News' }],
    };
    const head = parseHead(JSON.stringify(liferay), 'categories.batch-engine-data.json', true);
    expect(head).toMatchObject({ format: 'jsont', configuration: liferay.configuration, fields: ['name'] });
  });

  it('keeps the configuration when the head cuts the items', () => {
    const text = JSON.stringify(jsont).slice(0, -10);
    const head = parseHead(text, 'cut.jsont', false);
    expect(head.configuration).toEqual(jsont.configuration);
    expect(head.fields).toEqual(['title']);
  });

  it('reads items that come before the configuration', () => {
    const head = parseHead('{"items":[{"a":1}],"configuration":{"contentType":"api::tag.tag"}}', 'x.jsont', true);
    expect(head).toMatchObject({ fields: ['a'], configuration: { contentType: 'api::tag.tag' } });
  });
});

describe('parseHead: JSONL', () => {
  it('reads one item per line, skipping blank lines', () => {
    const head = parseHead('{"a":1}\n\n{"b":2}\r\n', 'items.jsonl', true);
    expect(head).toMatchObject({ format: 'jsonl', fields: ['a', 'b'], itemCount: 2, error: null });
  });

  it('leaves out a last line the head cuts', () => {
    expect(parseHead('{"a":1}\n{"b":', 'items.jsonl', false)).toMatchObject({ fields: ['a'], error: null });
  });

  it('reports a broken line with its number', () => {
    expect(parseHead('{"a":1}\n{"b":\n{"c":3}', 'items.jsonl', true)).toMatchObject({ error: 'invalid-jsonl', errorLine: 2 });
    expect(parseHead('{"a":1}\n{"b":', 'items.jsonl', true)).toMatchObject({ error: 'invalid-jsonl', errorLine: 2 });
  });
});

describe('parseHead: CSV', () => {
  it('reads the header row as the fields, and samples from the rows', () => {
    const head = parseHead('firstName,lastName,zip\nAda,Lovelace,08123\nAlan,Turing,\n', 'contacts.csv', true);
    expect(head).toMatchObject({ format: 'csv', fields: ['firstName', 'lastName', 'zip'], itemCount: 2, error: null });
    expect(head.samples).toEqual({ firstName: 'Ada', lastName: 'Lovelace', zip: '08123' });
  });

  it('handles quoted headers with commas, quotes and line breaks', () => {
    const head = parseHead('"Name, full","Say ""hi""","Multi\nline"\n1,2,3', 'q.csv', true);
    expect(head.fields).toEqual(['Name, full', 'Say "hi"', 'Multi\nline']);
  });

  it('detects semicolons as delimiters; a tab is none (one column, as the server reads it: issue 16)', () => {
    expect(parseHead('a;b;c\n1;2;3', 'semi.csv', true).fields).toEqual(['a', 'b', 'c']);
    expect(parseHead('a\tb\n1\t2', 'tabs.csv', true).fields).toEqual(['a\tb']);
    expect(parseHead('"x;y",b,c\n1,2,3', 'quoted.csv', true).fields).toEqual(['x;y', 'b', 'c']);
  });

  it('reads a header without a line break, and drops a row the head cuts', () => {
    expect(parseHead('a,b', 'one-line.csv', true).fields).toEqual(['a', 'b']);
    const head = parseHead('a,b\n1,2\n3,', 'cut.csv', false);
    expect(head.itemCount).toBe(1);
  });

  it('reads CRLF line endings', () => {
    expect(parseHead('a,b\r\n1,2\r\n', 'crlf.csv', true)).toMatchObject({ fields: ['a', 'b'], samples: { a: '1', b: '2' } });
  });
});

describe('readFileHead', () => {
  it('reads only the head of a large file', async () => {
    const line = `${JSON.stringify({ title: 'x'.repeat(100) })}\n`;
    const text = line.repeat(Math.ceil((HEAD_BYTES * 3) / line.length));
    const file = new File([text], 'big.jsonl');
    const slice = jest.spyOn(file, 'slice');
    const head = await readFileHead(file);
    expect(slice).toHaveBeenCalledWith(0, HEAD_BYTES);
    expect(head).toMatchObject({ format: 'jsonl', fields: ['title'], itemCount: SAMPLE_ITEMS, error: null });
  });

  it('reads a small file whole', async () => {
    const head = await readFileHead(new File(['firstName\nAda'], 'contacts.csv'));
    expect(head).toMatchObject({ format: 'csv', fields: ['firstName'] });
  });
});
