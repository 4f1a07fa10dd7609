import type { ModelSchema } from '../../../schema/model-schema';
import { ItemError } from '../../problems';
import { applyFieldMapping, assertNoHostileKeys, prepareItem, type PrepareContext } from './prepare';

const seo: ModelSchema = {
  uid: 'shared.seo',
  modelType: 'component',
  info: { displayName: 'SEO' },
  attributes: { metaTitle: { type: 'string' }, noIndex: { type: 'boolean' }, image: { type: 'media', multiple: false } },
};
const quote: ModelSchema = {
  uid: 'sections.quote',
  modelType: 'component',
  info: { displayName: 'Quote' },
  attributes: { text: { type: 'text' }, source: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' } },
};
const article: ModelSchema = {
  uid: 'api::article.article',
  kind: 'collectionType',
  modelType: 'contentType',
  info: { displayName: 'Article' },
  attributes: {
    title: { type: 'string', required: true },
    slug: { type: 'uid' },
    views: { type: 'integer' },
    price: { type: 'decimal' },
    bigViews: { type: 'biginteger' },
    featured: { type: 'boolean' },
    publishDate: { type: 'date' },
    reviewTime: { type: 'time' },
    lastReviewedAt: { type: 'datetime' },
    kind: { type: 'enumeration', enum: ['news', 'review'] },
    metadata: { type: 'json' },
    body: { type: 'blocks' },
    secretNote: { type: 'string', private: true },
    cover: { type: 'media', multiple: false },
    gallery: { type: 'media', multiple: true },
    category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
    tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
    seo: { type: 'component', component: 'shared.seo', repeatable: false },
    sections: { type: 'dynamiczone', components: ['sections.quote'] },
  },
};

const ctx = (overrides: Partial<PrepareContext> = {}): PrepareContext => ({
  schema: article,
  schemaOf: (uid) => ({ 'shared.seo': seo, 'sections.quote': quote })[uid],
  isOffered: (attribute) => !attribute.private,
  fieldMapping: {},
  matchBy: 'documentId',
  localized: true,
  ...overrides,
});

const failure = (item: Record<string, unknown>, context = ctx()) => {
  try {
    prepareItem(item, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ItemError);
    return (error as Error).message;
  }
  throw new Error('expected an item error');
};

describe('prepareItem', () => {
  test('an item locale the app does not have is an item error naming it and the app locales', () => {
    const locales = ['en', 'fr'];
    expect(failure({ title: 'T', locale: 'de' }, ctx({ locales }))).toBe('locale: unknown locale "de": the app has en, fr');
    expect(prepareItem({ title: 'T', locale: 'fr' }, ctx({ locales })).locale).toBe('fr');
  });

  test('a to-one reference inside a dynamic zone is resolved in the prepared data itself', () => {
    const prepared = prepareItem({ sections: [{ __component: 'sections.quote', text: 'Q', source: { slug: 'news' } }] }, ctx());
    expect(prepared.refs).toHaveLength(1);
    const [slot] = prepared.refs;
    expect(slot).toMatchObject({ target: 'api::category.category', path: 'sections[0].source', value: { slug: 'news' } });
    (slot.holder as Record<string, unknown>)[slot.key] = 'resolved-document-id';
    expect(prepared.data.sections).toEqual([{ __component: 'sections.quote', text: 'Q', source: 'resolved-document-id' }]);
  });

  test('keeps every attribute kind and collects the references', () => {
    const prepared = prepareItem(
      {
        documentId: 'abc123',
        locale: 'fr',
        title: 'T',
        views: 3,
        price: '9.99',
        bigViews: 12,
        featured: false,
        publishDate: '2026-01-02',
        reviewTime: '10:30',
        lastReviewedAt: '2026-01-02T03:04:05Z',
        kind: 'news',
        metadata: { any: ['thing'] },
        body: [],
        cover: { hash: 'x' },
        gallery: [1, '/uploads/a.png'],
        category: { slug: 'news' },
        tags: ['t1', { name: 'two' }],
        seo: { metaTitle: 'M', image: 'hash_1' },
        sections: [{ __component: 'sections.quote', text: 'Q' }],
        createdAt: 'ignored',
      },
      ctx()
    );
    expect(prepared.documentId).toBe('abc123');
    expect(prepared.locale).toBe('fr');
    expect(prepared.key).toBe('abc123');
    expect(prepared.data.bigViews).toBe('12');
    expect(prepared.data).not.toHaveProperty('createdAt');
    expect(prepared.data.sections).toEqual([{ __component: 'sections.quote', text: 'Q' }]);
    expect(prepared.refs.map((r) => `${r.path}→${r.target}`)).toEqual([
      'cover→media',
      'gallery[0]→media',
      'gallery[1]→media',
      'category→api::category.category',
      'tags[0]→api::tag.tag',
      'tags[1]→api::tag.tag',
      'seo.image→media',
    ]);
    // Resolving writes into the prepared data, in place.
    const tagSlot = prepared.refs[4];
    (tagSlot.holder as unknown[])[tagSlot.key as number] = 'resolved';
    expect(prepared.data.tags).toEqual(['resolved', { name: 'two' }]);
  });

  test.each([
    [{ title: 5 }, /^title: expected text, got number 5/],
    [{ views: 1.5 }, /^views: expected an integer/],
    [{ views: '3' }, /^views: expected an integer, got "3"/],
    [{ bigViews: '12a' }, /^bigViews: expected an integer/],
    [{ featured: 'yes' }, /^featured: expected true or false/],
    [{ kind: 'opinion' }, /^kind: expected one of news, review, got "opinion"/],
    [{ publishDate: '02/01/2026' }, /^publishDate: expected a date YYYY-MM-DD/],
    [{ lastReviewedAt: 'yesterday' }, /^lastReviewedAt: expected an ISO 8601 date-time/],
    [{ body: 'text' }, /^body: expected an array of blocks/],
    [{ tags: 'a' }, /^tags: expected an array of references/],
    [{ tags: [true] }, /^tags\[0\]: expected a documentId or a key object/],
    [{ seo: { metaTitle: 'x', extra: 1 } }, /^seo\.extra: unknown field: shared\.seo has no attribute "extra"/],
    [{ sections: [{ text: 'no type' }] }, /^sections\[0\]: __component must be one of sections\.quote/],
    [{ sections: [{ __component: 'sections.quote', nope: 1 }] }, /^sections\[0\]\.nope: unknown field/],
    [{ nope: 1 }, /^nope: unknown field: api::article.article has no attribute "nope"/],
    [{ id: 4 }, /^id: "id" is a system field/],
    [{ secretNote: 'x' }, /^secretNote: "secretNote" is a private attribute/],
    [{ documentId: 'has space' }, /^documentId: expected a documentId/],
    [{ locale: 5 }, /^locale: expected a locale code/],
  ])('%j is refused, naming the field', (item, message) => {
    expect(failure(item)).toMatch(message);
  });

  test('matchBy needs the key on every item', () => {
    expect(failure({ title: 'no slug' }, ctx({ matchBy: 'slug' }))).toMatch(/^slug: the item has no slug/);
    expect(prepareItem({ title: 't', slug: 's' }, ctx({ matchBy: 'slug' })).key).toBe('s');
  });

  test('a non-localized type refuses a locale', () => {
    expect(failure({ locale: 'en' }, ctx({ localized: false }))).toMatch(/^locale: api::article.article is not localized/);
  });

  test('null clears: relations, media, components and dynamic zones', () => {
    const { data } = prepareItem({ category: null, tags: null, gallery: null, seo: null, sections: null }, ctx());
    expect(data).toEqual({ category: null, tags: [], gallery: [], seo: null, sections: [] });
  });
});

describe('hostile keys', () => {
  test('__proto__, constructor and prototype anywhere are refused', () => {
    expect(() => assertNoHostileKeys(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toThrow(/a\.__proto__/);
    expect(() => assertNoHostileKeys({ list: [{ constructor: 1 }] })).toThrow(/list\[0\]\.constructor/);
    expect(() => assertNoHostileKeys({ prototype: {} })).toThrow(/prototype/);
    const polluted = {} as Record<string, unknown>;
    Object.setPrototypeOf(polluted, { evil: true });
    expect(() => assertNoHostileKeys({ x: polluted })).toThrow(/sets the object prototype/);
    expect(() => assertNoHostileKeys({ fine: [{ deep: 'value' }] })).not.toThrow();
  });
});

describe('applyFieldMapping', () => {
  test('renames, ignores and nests into components', () => {
    expect(applyFieldMapping({ Title: 'T', Junk: 1, Meta: 'M', keep: 2 }, { Title: 'title', Junk: null, Meta: 'seo.metaTitle' })).toEqual({
      title: 'T',
      seo: { metaTitle: 'M' },
      keep: 2,
    });
  });
});
