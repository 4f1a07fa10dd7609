import { createJsonWriter, indentJson, indentJsonList, jsonFormat, readHeader } from '.';
import { describeJsonHead, looksLikeJsont } from '../../../../../shared/formats';
import type { FormatModule, WriteOptions } from '../types';
import { bytes, collect, writeFile, endlessItems, fromText, type TextFormat } from '../test-streams';

const write = (format: FormatModule, items: Record<string, unknown>[], options: Partial<WriteOptions> = {}) => {
  return writeFile(format.name as TextFormat, items, { attributes: [], leadingKeys: [], ...options });
};

describe('json format: writing', () => {
  it('writes one item per element, indented, keys in the order given', () => {
    const text = write(jsonFormat, [
      { documentId: 'a1', title: 'Hello', seo: { metaTitle: 'Hi' } },
      { documentId: 'a2', title: null },
    ]);
    expect(text).toBe(
      [
        '[',
        '  {',
        '    "documentId": "a1",',
        '    "title": "Hello",',
        '    "seo": {',
        '      "metaTitle": "Hi"',
        '    }',
        '  },',
        '  {',
        '    "documentId": "a2",',
        '    "title": null',
        '  }',
        ']',
        '',
      ].join('\n')
    );
    expect(JSON.parse(text)).toEqual([
      { documentId: 'a1', title: 'Hello', seo: { metaTitle: 'Hi' } },
      { documentId: 'a2', title: null },
    ]);
  });

  it('writes the format version first when given, then the items', async () => {
    const writer = createJsonWriter({ attributes: [], leadingKeys: [], formatVersion: 1 });
    const text =
      writer.begin() +
      writer.item({ documentId: 'a1', title: 'Hello' }) +
      writer.item({ documentId: 'a2' }) +
      writer.end();
    expect(text).toBe(
      [
        '{',
        '  "formatVersion": 1,',
        '  "items": [',
        '    {',
        '      "documentId": "a1",',
        '      "title": "Hello"',
        '    },',
        '    {',
        '      "documentId": "a2"',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n')
    );
    expect(JSON.parse(text)).toEqual({
      formatVersion: 1,
      items: [{ documentId: 'a1', title: 'Hello' }, { documentId: 'a2' }],
    });
    const read = await collect(jsonFormat.read(fromText(text, 7), {}));
    expect(read.map((item) => item.value)).toEqual([{ documentId: 'a1', title: 'Hello' }, { documentId: 'a2' }]);
    const empty = createJsonWriter({ attributes: [], leadingKeys: [], formatVersion: 1 });
    expect(empty.begin() + empty.end()).toBe('{\n  "formatVersion": 1,\n  "items": []\n}\n');
  });

  it('writes a page of items at once with the same bytes as item by item', () => {
    const items = [
      {
        documentId: 'a1',
        title: 'Line\nbreak "quoted" \\ é ☕ 𝄞',
        list: [],
        object: {},
        n: -1.5e-7,
        ok: true,
        none: null,
      },
      {
        documentId: 'a2',
        nested: { list: [1, { deep: [null, '', 0, [[]]] }], empty: {} },
        blocks: [{ type: 'p', children: [] }],
      },
      { documentId: 'a3' },
    ];
    for (const formatVersion of [undefined, 1]) {
      const one = createJsonWriter({ attributes: [], leadingKeys: [], formatVersion });
      const many = createJsonWriter({ attributes: [], leadingKeys: [], formatVersion });
      const expected = one.begin() + items.map((item) => one.item(item)).join('') + one.end();
      expect(
        many.begin() + many.items?.(items.slice(0, 1)) + many.items?.([]) + many.items?.(items.slice(1)) + many.end()
      ).toBe(expected);
    }
    expect(indentJsonList(items, '      ')).toBe(
      items.map((item) => `      ${indentJson(item, '      ')}`).join(',\n')
    );
  });

  it('writes an empty export as []', async () => {
    expect(write(jsonFormat, [])).toBe('[]\n');
    expect(await collect(jsonFormat.read(fromText('[]\n'), {}))).toEqual([]);
  });

  it('reads back exactly what it wrote', async () => {
    const items = [
      { documentId: 'a1', title: 'Line\nbreak "quoted" \\ é ☕ 𝄞', n: -1.5e-7, big: '12345678901234567890', ok: true },
      { documentId: 'a2', nested: { list: [1, { deep: [null, '', 0] }], empty: {} }, blocks: [] },
    ];
    const text = write(jsonFormat, items);
    const read = await collect(jsonFormat.read(fromText(text, 3), {}));
    expect(read.map((item) => item.value)).toEqual(items);
    // And writing what was read gives the same bytes.
    expect(
      write(
        jsonFormat,
        read.map((item) => item.value ?? {})
      )
    ).toBe(text);
  });
});

describe('readHeader', () => {
  it('reads the format version and configuration of an export, and stops at the items', async () => {
    const { open, state } = endlessItems('{"formatVersion": 1, "items": [');
    await expect(readHeader(open)).resolves.toEqual({ root: 'an object', formatVersion: 1, configuration: null });
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(100);
  });

  it.each([
    ['[{"a": 1}]', { root: 'an array', configuration: null }],
    [
      '{"items": [{"formatVersion": 9}], "formatVersion": 2}',
      { root: 'an object', formatVersion: 2, configuration: null },
    ],
    [
      '{"configuration": {"formatVersion": 1}, "items": []}',
      { root: 'an object', configuration: { formatVersion: 1 } },
    ],
    [
      '{"items": [], "configuration": {"a": 1}, "formatVersion": "x"}',
      { root: 'an object', formatVersion: 'x', configuration: { a: 1 } },
    ],
    ['{"items": []}', { root: 'an object', configuration: null }],
    ['"text"', { root: 'a string', configuration: null }],
  ])('reads the header of %j', async (text, header) => {
    await expect(readHeader(fromText(text, 4))).resolves.toEqual(header);
  });

  it('names what is wrong', async () => {
    await expect(readHeader(fromText(''))).rejects.toThrow('The file is empty');
    await expect(readHeader(fromText('{"configuration": [], "items": []}'))).rejects.toThrow(
      'The JSONT configuration must be an object, found an array'
    );
    await expect(readHeader(fromText('{"items": [1, }'))).rejects.toThrow(/^Invalid JSON at line 1, column 15/);
  });
});

describe('json format: sniffing', () => {
  it('recognises a top-level array, or an object of items without a configuration', () => {
    expect(jsonFormat.detect(bytes('  \n[{"a":1}'))).toBe(true);
    expect(jsonFormat.detect(bytes('{\n  "formatVersion": 1,\n  "items": [\n'))).toBe(true);
    expect(jsonFormat.detect(bytes('{"configuration": {}, "items": []}'))).toBe(false);
    expect(jsonFormat.detect(bytes('{"items": [1]}\n{"items": [2]}\n'))).toBe(false);
    expect(jsonFormat.detect(bytes('{"a":1}'))).toBe(false);
    expect(jsonFormat.detect(bytes('a,b\n1,2'))).toBe(false);
    expect(jsonFormat.detect(bytes(''))).toBe(false);
  });

  it('describes the head of a JSON file', () => {
    expect(describeJsonHead('{"configuration": {"a": {"items": 1}}, "items": [')).toMatchObject({
      first: '{',
      keys: ['configuration', 'items'],
      complete: false,
    });
    expect(describeJsonHead('{"a": "}\\"{", "b": 1}\n{"a": 2}\n')).toMatchObject({
      keys: ['a', 'b'],
      complete: true,
      multiLine: false,
      after: 'next-line-value',
    });
    expect(looksLikeJsont(describeJsonHead('{"items": [1]}\n{"items": [2]}\n'))).toBe(false);
    expect(looksLikeJsont(describeJsonHead('{\n  "items": [\n'))).toBe(true);
  });
});
