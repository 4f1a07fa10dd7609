import type { AttributeInfo } from '../../../../../shared/contracts';
import { csvColumns, csvFormat } from '.';
import type { WriteOptions } from '../types';
import { collect, fromText } from '../test-streams';
import { attr, resolverFor, write } from './test-helpers';

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
