import { IN_LIST } from '../../sql/in-lists';
import { testQueryStrapi, type TestQuery, type TestRow } from '../../sql/test-query';
import type { RefSlot } from '../prepare/prepare';
import { resolveReferences, type RefRequest, type ResolveContext } from './references';

/**
 * The resolve stage against an in-memory database: which rows it asks for (one query per target, key and locale,
 * IN lists of at most IN_LIST values), what it writes into the item, and the item errors of references that are
 * malformed or match nothing.
 */

const TAG = 'api::tag.tag';
const CATEGORY = 'api::category.category';

const tables: Record<string, TestRow[]> = {
  [TAG]: [
    { documentId: 'tag-en-1', name: 'red', locale: 'en' },
    { documentId: 'tag-en-1', name: 'rouge', locale: 'fr' },
    { documentId: 'tag-en-2', name: 'blue', locale: 'en' },
  ],
  [CATEGORY]: [
    { documentId: 'cat-1', slug: 'news', locale: null },
    { documentId: 'cat-2', slug: 'sport', locale: null },
  ],
  'plugin::upload.file': [
    { id: 7, hash: 'cover_abc', url: '/uploads/cover_abc.png' },
    { id: 8, hash: 'logo_def', url: '/uploads/logo_def.svg' },
  ],
};

type Query = TestQuery;
const fakeStrapi = (queries: Query[]) => testQueryStrapi(tables, queries);

const contextWith = (queries: Query[], overrides: Partial<ResolveContext> = {}): ResolveContext => ({
  strapi: fakeStrapi(queries),
  keysOf: (uid) => (uid === TAG ? ['documentId', 'name'] : ['documentId', 'slug']),
  isLocalized: (uid) => uid === TAG,
  sourceLocalized: true,
  defaultLocale: 'en',
  ...overrides,
});

/** A reference held in `data[key]`, as the prepare stage leaves it. */
const slot = (target: string, value: unknown, key = 'ref'): { request: RefRequest; data: Record<string, unknown> } => {
  const data: Record<string, unknown> = { [key]: value };
  const refSlot: RefSlot = { target, path: key, holder: data, key, value };
  return { request: { slot: refSlot, locale: 'en' }, data };
};

describe('resolveReferences', () => {
  it('writes the documentId of a relation matched by documentId or by a unique key, and the id of a file', async () => {
    const queries: Query[] = [];
    const byId = slot(CATEGORY, 'cat-2');
    const byKey = slot(CATEGORY, { slug: 'news' });
    const file = slot('media', { hash: 'logo_def', url: '/uploads/logo_def.svg', id: 8 });
    const fileByUrl = slot('media', '/uploads/cover_abc.png');
    const fileById = slot('media', 7);

    const result = await resolveReferences(
      [byId, byKey, file, fileByUrl, fileById].map((s) => s.request),
      contextWith(queries)
    );

    expect(result).toEqual({ missing: [], invalid: [] });
    expect(byId.data.ref).toBe('cat-2');
    expect(byKey.data.ref).toBe('cat-1');
    expect(file.data.ref).toBe(8);
    expect(fileByUrl.data.ref).toBe(7);
    expect(fileById.data.ref).toBe(7);
  });

  it('asks one query per target, key and locale for the whole batch', async () => {
    const queries: Query[] = [];
    const requests = ['news', 'sport', 'news'].map((value) => slot(CATEGORY, { slug: value }).request);
    await resolveReferences(requests, contextWith(queries));
    expect(queries).toEqual([{ uid: CATEGORY, select: ['documentId', 'slug'], where: { slug: { $in: ['news', 'sport'] } } }]);
  });

  it(`pages IN lists at ${IN_LIST} values`, async () => {
    const queries: Query[] = [];
    const requests = Array.from({ length: IN_LIST * 2 + 1 }, (_, i) => slot(CATEGORY, { slug: `s-${i}` }).request);
    const result = await resolveReferences(requests, contextWith(queries));
    expect(queries.map((q) => (q.where.slug as { $in: unknown[] }).$in.length)).toEqual([IN_LIST, IN_LIST, 1]);
    expect(result.missing).toHaveLength(IN_LIST * 2 + 1);
  });

  it("matches a localized target in the source entry's locale, and in the default locale from a non-localized source", async () => {
    const queries: Query[] = [];
    const fromFrench = slot(TAG, { name: 'rouge' });
    fromFrench.request.locale = 'fr';
    await resolveReferences([fromFrench.request], contextWith(queries));
    expect(fromFrench.data.ref).toBe('tag-en-1');
    expect(queries[0].where).toEqual({ name: { $in: ['rouge'] }, locale: 'fr' });

    const fromPlain = slot(TAG, { name: 'rouge' });
    fromPlain.request.locale = null;
    const result = await resolveReferences([fromPlain.request], contextWith(queries, { sourceLocalized: false }));
    expect(queries[1].where).toEqual({ name: { $in: ['rouge'] }, locale: 'en' });
    expect(result.missing.map((m) => m.error.message)).toEqual(['ref: no api::tag.tag matches {"name":"rouge"} in locale en']);
    expect(fromPlain.data.ref).toEqual({ name: 'rouge' });
  });

  it('reports a reference that matches nothing as missing, naming the field, and leaves the item as it was', async () => {
    const missing = slot(CATEGORY, { slug: 'nowhere' }, 'category');
    const file = slot('media', 'nohash', 'cover');
    const result = await resolveReferences([missing.request, file.request], contextWith([]));
    expect(result.invalid).toEqual([]);
    expect(result.missing.map((m) => [m.request, m.error.message])).toEqual([
      [missing.request, 'category: no api::category.category matches {"slug":"nowhere"}'],
      [file.request, 'cover: no file matches "nohash"'],
    ]);
    expect(missing.data.category).toEqual({ slug: 'nowhere' });
  });

  it.each([
    [42, 'ref: 42 is a numeric id, which differs between databases'],
    [{ slug: 'news', documentId: 'cat-1' }, 'ref: a key object names exactly one unique attribute of api::category.category'],
    [{ title: 'News' }, 'ref: "title" is not a unique attribute of api::category.category: use one of documentId, slug'],
    [{ slug: ['news'] }, 'ref: the key slug must be text or a number, got ["news"]'],
  ])('refuses the malformed relation reference %j without a query', async (value, message) => {
    const queries: Query[] = [];
    const bad = slot(CATEGORY, value);
    const result = await resolveReferences([bad.request], contextWith(queries));
    expect(result.missing).toEqual([]);
    expect(result.invalid.map((i) => i.error.message)).toEqual([expect.stringContaining(message)]);
    expect(queries).toEqual([]);
  });

  it('refuses a file reference with no id, url or hash', async () => {
    const bad = slot('media', { name: 'cover.png' });
    const result = await resolveReferences([bad.request], contextWith([]));
    expect(result.invalid.map((i) => i.error.message)).toEqual([
      'ref: a file reference needs an id, url or hash, got {"name":"cover.png"}',
    ]);
  });
});
