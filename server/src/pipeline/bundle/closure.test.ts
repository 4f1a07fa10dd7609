import type { AttributeSchema } from '../../schema/model-schema';
import { testModel as model, testSchemaLookup } from '../../schema/test-models';
import { IN_LIST } from '../sql/in-lists';
import { dependencyClosure, reachableTypes, referencesIn } from './closure';

const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const CATEGORY = 'api::category.category';
const USER = 'plugin::users-permissions.user';
const relation = (target: string): AttributeSchema => ({ type: 'relation', relation: 'manyToMany', target });

const schemaOf = testSchemaLookup(
  model(ARTICLE, {
    title: { type: 'string' },
    categories: relation(CATEGORY),
    related: relation(ARTICLE),
    cover: { type: 'media' },
    seo: { type: 'component', component: 'shared.seo' },
    blocks: { type: 'dynamiczone', components: ['blocks.quote'] },
  }),
  model(CATEGORY, { parent: relation(CATEGORY), owner: relation(USER) }),
  model(AUTHOR, { name: { type: 'string' } }),
  model(USER, {}),
  model('shared.seo', { image: { type: 'media', multiple: true }, by: relation(AUTHOR) }, 'component'),
  model('blocks.quote', { author: relation(AUTHOR) }, 'component')
);

describe('referencesIn', () => {
  it('collects relations and media at the top level, in components and in dynamic zones', () => {
    const refs = referencesIn(
      {
        title: 'a',
        categories: [{ documentId: 'c1' }, { documentId: 'c2' }],
        related: [],
        cover: { id: 5, url: '/u/5.png' },
        seo: { image: [{ id: 6 }, { id: 5 }], by: { documentId: 'w1' } },
        blocks: [{ __component: 'blocks.quote', author: { documentId: 'w2' } }, { __component: 'blocks.unknown', author: { documentId: 'x' } }],
      },
      schemaOf(ARTICLE)!,
      schemaOf
    );
    expect(refs.entries).toEqual(new Map([[CATEGORY, new Set(['c1', 'c2'])], [AUTHOR, new Set(['w1', 'w2'])]]));
    expect(refs.media).toEqual(new Set([5, 6]));
  });
});

describe('dependencyClosure', () => {
  const db: Record<string, Record<string, Record<string, unknown>>> = {
    [ARTICLE]: {
      a1: { related: [{ documentId: 'a2' }], categories: [{ documentId: 'c1' }] },
      a2: { related: [{ documentId: 'a1' }], categories: [], cover: { id: 9 } },
      a3: { related: [], categories: [{ documentId: 'c3' }] },
    },
    [CATEGORY]: {
      c1: { parent: [{ documentId: 'c2' }], owner: [{ documentId: 'u1' }] },
      c2: { parent: [] },
      c3: { parent: [] },
    },
    [AUTHOR]: {},
  };
  const reads: Array<[string, string[]]> = [];
  const read = async (uid: string, documentIds: string[]) => {
    reads.push([uid, documentIds]);
    return documentIds.map((id) => db[uid]?.[id]).filter((e): e is Record<string, unknown> => e !== undefined);
  };

  it('reaches exactly the closure: self references, chains through other types, files; types not followed are listed', async () => {
    reads.length = 0;
    const closure = await dependencyClosure(new Map([[ARTICLE, ['a1']]]), { read, schemaOf, follows: (uid) => uid !== USER });
    expect(closure.entries).toEqual(new Map([[ARTICLE, new Set(['a1', 'a2'])], [CATEGORY, new Set(['c1', 'c2'])]]));
    expect(closure.media).toEqual(new Set([9]));
    expect(closure.outside).toEqual(new Set([USER]));
    // Each entry read once.
    expect(reads.flatMap(([uid, ids]) => ids.map((id) => `${uid}:${id}`)).sort()).toEqual(
      [`${ARTICLE}:a1`, `${ARTICLE}:a2`, `${CATEGORY}:c1`, `${CATEGORY}:c2`].sort()
    );
  });

  it('with the roots read already (rootReferences): the same closure, the roots not read again', async () => {
    reads.length = 0;
    const rootReferences = referencesIn(db[ARTICLE].a1, schemaOf(ARTICLE)!, schemaOf, { entries: new Map(), media: new Set() });
    const closure = await dependencyClosure(new Map([[ARTICLE, ['a1']]]), { read, schemaOf, follows: (uid) => uid !== USER, rootReferences });
    expect(closure.entries).toEqual(new Map([[ARTICLE, new Set(['a1', 'a2'])], [CATEGORY, new Set(['c1', 'c2'])]]));
    expect(closure.media).toEqual(new Set([9]));
    expect(reads.flatMap(([uid, ids]) => ids.map((id) => `${uid}:${id}`)).sort()).toEqual([`${ARTICLE}:a2`, `${CATEGORY}:c1`, `${CATEGORY}:c2`].sort());
  });

  it(`reads in pages of at most ${IN_LIST} documentIds`, async () => {
    reads.length = 0;
    const many = Array.from({ length: IN_LIST + 3 }, (_, i) => `x${i}`);
    await dependencyClosure(new Map([[AUTHOR, many]]), { read, schemaOf, follows: () => true });
    expect(reads.map(([, ids]) => ids.length)).toEqual([IN_LIST, 3]);
  });
});

describe('reachableTypes', () => {
  const allFields = (uid: string) => Object.keys(schemaOf(uid)!.attributes);

  it('follows the exported fields only, through components and dynamic zones, transitively', () => {
    const fieldsOf = (uid: string) => (uid === USER ? null : allFields(uid));
    expect(reachableTypes([{ uid: ARTICLE, fields: allFields(ARTICLE) }], { schemaOf, fieldsOf })).toEqual([AUTHOR, CATEGORY]);
    // seo and blocks refer to authors; without them and without categories, nothing is reached.
    expect(reachableTypes([{ uid: ARTICLE, fields: ['title', 'related', 'cover'] }], { schemaOf, fieldsOf })).toEqual([]);
    expect(reachableTypes([{ uid: ARTICLE, fields: ['blocks'] }], { schemaOf, fieldsOf })).toEqual([AUTHOR]);
  });

  it('leaves out the roots and the types that are not followed, and names those that are', () => {
    expect(reachableTypes([{ uid: CATEGORY, fields: ['parent', 'owner'] }], { schemaOf, fieldsOf: () => null })).toEqual([]);
    expect(reachableTypes([{ uid: CATEGORY, fields: ['parent', 'owner'] }], { schemaOf, fieldsOf: allFields })).toEqual([USER]);
    expect(
      reachableTypes([{ uid: ARTICLE, fields: ['categories'] }, { uid: CATEGORY, fields: [] }], { schemaOf, fieldsOf: allFields })
    ).toEqual([]);
  });

  it('uses the fields a pulled-in type is exported with', () => {
    const fieldsOf = (uid: string) => (uid === CATEGORY ? ['parent'] : allFields(uid));
    expect(reachableTypes([{ uid: ARTICLE, fields: ['categories'] }], { schemaOf, fieldsOf })).toEqual([CATEGORY]);
  });
});
