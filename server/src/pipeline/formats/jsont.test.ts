import { createJsontWriter, jsontFormat, readConfiguration, toImportOptions } from './jsont';
import type { WriteOptions } from './types';
import { bytes, collect, endlessItems, fixture, fromText } from './test-streams';

const write = (items: Record<string, unknown>[], options: Partial<WriteOptions> = {}) => {
  const writer = createJsontWriter({ attributes: [], leadingKeys: [], ...options });
  return writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
};

describe('jsont format: reading items', () => {
  it.each([['articles.jsont'], ['articles-items-first.jsont']])('streams the items of %s', async (name) => {
    const items = await collect(jsontFormat.read(fixture(name), {}));
    expect(items).toEqual([
      { index: 0, line: null, value: { slug: 'hello', title: 'Hello' } },
      { index: 1, line: null, value: { slug: 'bye', title: 'Bye' } },
    ]);
  });

  it('reads a Liferay batch file', async () => {
    const items = await collect(jsontFormat.read(fixture('liferay.batch-engine-data.json'), {}));
    expect(items.map((item) => item.value)).toEqual([
      { articleBody: 'Hello from Liferay', externalReferenceCode: 'post-1', headline: 'First post' },
    ]);
  });

  it('applies the JSON rules to the items (non-objects are error items, syntax errors are positioned)', async () => {
    const items = await collect(
      jsontFormat.read(fromText('\uFEFF{"items": [{"a": 1}, 2], "other": [1, {"x": []}]}', 1), {})
    );
    expect(items.map((item) => item.error ?? item.value)).toEqual([{ a: 1 }, 'Item 1 is a number, expected an object']);
    await expect(collect(jsontFormat.read(fromText('{"items": [\r\n  {"a" 1}]}'), {}))).rejects.toThrow(
      "Invalid JSON at line 2, column 8: expected ':'"
    );
  });

  it.each([
    ['{"configuration": {}}', 'The JSONT file has no items array'],
    ['{}', 'The JSONT file has no items array'],
    ['{"items": {"a": 1}}', 'The JSONT "items" must be an array, found an object'],
    ['{"items": null}', 'The JSONT "items" must be an array, found null'],
    ['[{"a": 1}]', 'Expected a JSONT object with "configuration" and "items", found an array'],
    ['', 'The file is empty'],
  ])('rejects %j', async (text, message) => {
    await expect(collect(jsontFormat.read(fromText(text), {}))).rejects.toThrow(message);
  });
});

describe('jsont format: readConfiguration', () => {
  it('reads the configuration, first or after the items', async () => {
    await expect(readConfiguration(fixture('articles.jsont'))).resolves.toEqual({
      contentType: 'api::article.article',
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'continue',
      matchBy: 'slug',
      formatVersion: 1,
    });
    await expect(readConfiguration(fixture('articles-items-first.jsont'))).resolves.toEqual({
      contentType: 'api::article.article',
      onError: 'stop',
    });
  });

  it('stops reading as soon as the configuration is read', async () => {
    const { open, state } = endlessItems('{"configuration": {"contentType": "api::a.a"}, "items": [');
    await expect(readConfiguration(open)).resolves.toEqual({ contentType: 'api::a.a' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(100);
  });

  it('returns null without a configuration, and rejects what is not a JSONT file', async () => {
    await expect(readConfiguration(fromText('{"items": [{"a": 1}]}'))).resolves.toBeNull();
    await expect(readConfiguration(fromText('{"configuration": "x", "items": []}'))).rejects.toThrow(
      'The JSONT configuration must be an object, found a string'
    );
    await expect(readConfiguration(fromText('[{"a": 1}]'))).rejects.toThrow(
      'Expected a JSONT object with "configuration" and "items", found an array'
    );
  });
});

describe('jsont format: toImportOptions', () => {
  it('keeps our keys', () => {
    expect(
      toImportOptions({
        contentType: 'api::article.article',
        importStrategy: 'add-only',
        updateStrategy: 'overwrite',
        onError: 'continue',
        matchBy: 'slug',
        fieldMapping: { Title: 'title', Ignored: null },
        locale: 'fr',
        status: 'published',
        formatVersion: 1,
        somethingElse: true,
      })
    ).toEqual({
      contentType: 'api::article.article',
      importStrategy: 'add-only',
      updateStrategy: 'overwrite',
      onError: 'continue',
      matchBy: 'slug',
      fieldMapping: { Title: 'title', Ignored: null },
      locale: 'fr',
      status: 'published',
      formatVersion: 1,
    });
  });

  it("maps Liferay's keys, and ignores the ones that mean nothing here", async () => {
    const configuration = await readConfiguration(fixture('liferay.batch-engine-data.json'));
    expect(toImportOptions(configuration ?? {})).toEqual({
      className: 'com.liferay.headless.delivery.dto.v1_0.BlogPosting',
      importStrategy: 'upsert',
      onError: 'continue',
      updateStrategy: 'patch',
    });
    expect(
      toImportOptions({
        className: 'api::article.article',
        parameters: { createStrategy: 'INSERT', importStrategy: 'ON_ERROR_FAIL', updateStrategy: 'UPDATE' },
      })
    ).toEqual({
      contentType: 'api::article.article',
      importStrategy: 'add-only',
      onError: 'stop',
      updateStrategy: 'overwrite',
    });
    expect(toImportOptions({ className: 'plugin::users-permissions.user' })).toEqual({
      contentType: 'plugin::users-permissions.user',
    });
  });

  it('lets our keys win over Liferay keys', () => {
    expect(
      toImportOptions({
        className: 'api::a.a',
        contentType: 'api::b.b',
        importStrategy: 'upsert',
        parameters: { createStrategy: 'INSERT' },
      })
    ).toEqual({ contentType: 'api::b.b', importStrategy: 'upsert' });
  });

  it.each([
    [
      { importStrategy: 'merge' },
      'Invalid importStrategy "merge" in the JSONT configuration: expected add-only or upsert',
    ],
    [
      { updateStrategy: 'replace' },
      'Invalid updateStrategy "replace" in the JSONT configuration: expected patch or overwrite',
    ],
    [{ onError: 'ignore' }, 'Invalid onError "ignore" in the JSONT configuration: expected stop or continue'],
    [{ status: 'archived' }, 'Invalid status "archived" in the JSONT configuration: expected draft or published'],
    [{ contentType: 42 }, 'Invalid contentType 42 in the JSONT configuration: expected a non-empty string'],
    [{ matchBy: '' }, 'Invalid matchBy "" in the JSONT configuration: expected a non-empty string'],
    [{ fieldMapping: { a: 1 } }, 'Invalid fieldMapping.a 1 in the JSONT configuration: expected a string or null'],
    [{ formatVersion: '1' }, 'Invalid formatVersion "1" in the JSONT configuration: expected a positive integer'],
    [
      { parameters: { createStrategy: 'MERGE' } },
      'Invalid parameters.createStrategy "MERGE" in the JSONT configuration: expected INSERT or UPSERT',
    ],
    [
      { parameters: { importStrategy: 'ON_ERROR_IGNORE' } },
      'Invalid parameters.importStrategy "ON_ERROR_IGNORE" in the JSONT configuration: expected ON_ERROR_FAIL or ON_ERROR_CONTINUE',
    ],
    [
      { parameters: { updateStrategy: 'PATCH' } },
      'Invalid parameters.updateStrategy "PATCH" in the JSONT configuration: expected PARTIAL_UPDATE or UPDATE',
    ],
    [{ parameters: 'UPSERT' }, 'Invalid parameters "UPSERT" in the JSONT configuration: expected an object'],
  ])('rejects %j', (configuration, message) => {
    expect(() => toImportOptions(configuration)).toThrow(message);
  });
});

describe('jsont format: writing', () => {
  const configuration = { contentType: 'api::article.article', importStrategy: 'upsert', matchBy: 'slug' };

  it('writes the configuration first, then the items, indented', () => {
    expect(
      write([{ slug: 'hello', seo: { metaTitle: 'Hi' } }, { slug: 'bye' }], { configuration, formatVersion: 1 })
    ).toBe(
      [
        '{',
        '  "configuration": {',
        '    "formatVersion": 1,',
        '    "contentType": "api::article.article",',
        '    "importStrategy": "upsert",',
        '    "matchBy": "slug"',
        '  },',
        '  "items": [',
        '    {',
        '      "slug": "hello",',
        '      "seo": {',
        '        "metaTitle": "Hi"',
        '      }',
        '    },',
        '    {',
        '      "slug": "bye"',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n')
    );
  });

  it('writes a page of items at once with the same bytes as item by item', () => {
    const items = [{ slug: 'a', seo: { metaTitle: 'Hi', keywords: [] } }, { slug: 'b', list: [null, { x: '' }] }, {}];
    const many = createJsontWriter({ attributes: [], leadingKeys: [], configuration, formatVersion: 1 });
    expect(many.begin() + many.items?.(items.slice(0, 2)) + many.items?.(items.slice(2)) + many.end()).toBe(
      write(items, { configuration, formatVersion: 1 })
    );
  });

  it('writes an empty export with an empty items array', () => {
    expect(write([], { configuration: {} })).toBe('{\n  "configuration": {},\n  "items": []\n}\n');
  });

  it('reads back exactly what it wrote, configuration included', async () => {
    const items = [
      { slug: 'a', title: 'Line\nbreak "q" é ☕', n: -0.5, list: [null, { x: '' }] },
      { slug: 'b', items: [1, 2], configuration: { nested: true } },
    ];
    const text = write(items, { configuration, formatVersion: 2 });
    expect(JSON.parse(text)).toEqual({ configuration: { formatVersion: 2, ...configuration }, items });
    const read = await collect(jsontFormat.read(fromText(text, 5), {}));
    expect(read.map((item) => item.value)).toEqual(items);
    await expect(readConfiguration(fromText(text, 5))).resolves.toEqual({ formatVersion: 2, ...configuration });
    expect(
      write(
        read.map((item) => item.value ?? {}),
        { configuration, formatVersion: 2 }
      )
    ).toBe(text);
  });
});

describe('jsont format: sniffing', () => {
  it('recognises a configuration/items object, in either order', () => {
    expect(jsontFormat.detect(bytes('{\n  "configuration": {\n    "className": "x"'))).toBe(true);
    expect(jsontFormat.detect(bytes('{"items": [{"a": 1}], "configuration": {}}'))).toBe(true);
    expect(jsontFormat.detect(bytes('{"items": [1]}\n{"items": [2]}\n'))).toBe(false);
    expect(jsontFormat.detect(bytes('{"title": "x"}\n'))).toBe(false);
    expect(jsontFormat.detect(bytes('[{"items": []}]'))).toBe(false);
  });
});
