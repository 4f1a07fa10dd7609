import type { AttributeSchema } from '../../schema/model-schema';
import { testModel as model, testSchemaLookup as schemas } from '../../schema/test-models';
import { importOrder, referencesOf } from './graph';

const relation = (target: string, relation = 'manyToOne'): AttributeSchema => ({ type: 'relation', relation, target });


const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';

describe('referencesOf', () => {
  it('follows relations at the top level, inside components and dynamic zones, at any depth; media are not references', () => {
    const schemaOf = schemas(
      model(ARTICLE, {
        title: { type: 'string' },
        category: relation(CATEGORY),
        cover: { type: 'media' },
        seo: { type: 'component', component: 'shared.seo' },
        blocks: { type: 'dynamiczone', components: ['blocks.quote', 'blocks.text'] },
      }),
      model('shared.seo', { author: relation(AUTHOR), meta: { type: 'component', component: 'shared.meta' } }, 'component'),
      model('shared.meta', { tags: relation(TAG, 'oneToMany') }, 'component'),
      model('blocks.quote', { by: relation(AUTHOR) }, 'component'),
      model('blocks.text', { body: { type: 'richtext' } }, 'component')
    );
    expect(referencesOf(ARTICLE, schemaOf)).toEqual([
      { source: ARTICLE, path: 'category', target: CATEGORY },
      { source: ARTICLE, path: 'seo.author', target: AUTHOR },
      { source: ARTICLE, path: 'seo.meta.tags', target: TAG },
      { source: ARTICLE, path: 'blocks.blocks.quote.by', target: AUTHOR },
    ]);
  });

  it('stops at a component that contains itself', () => {
    const schemaOf = schemas(
      model(ARTICLE, { node: { type: 'component', component: 'tree.node' } }),
      model('tree.node', { child: { type: 'component', component: 'tree.node' }, tag: relation(TAG) }, 'component')
    );
    expect(referencesOf(ARTICLE, schemaOf)).toEqual([{ source: ARTICLE, path: 'node.tag', target: TAG }]);
  });
});

describe('importOrder', () => {
  it('puts what is referred to first, whatever order the types are given in', () => {
    const schemaOf = schemas(
      model(ARTICLE, { category: relation(CATEGORY), author: relation(AUTHOR) }),
      model(AUTHOR, { favourite: relation(CATEGORY) }),
      model(CATEGORY, { name: { type: 'string' } })
    );
    const expected = { order: [CATEGORY, AUTHOR, ARTICLE], deferred: [], cycles: [] };
    expect(importOrder([ARTICLE, AUTHOR, CATEGORY], schemaOf)).toEqual(expected);
    expect(importOrder([CATEGORY, ARTICLE, AUTHOR], schemaOf)).toEqual(expected);
  });

  it('links self references in the second pass', () => {
    const schemaOf = schemas(model(ARTICLE, { related: relation(ARTICLE, 'manyToMany'), category: relation(CATEGORY) }), model(CATEGORY, {}));
    expect(importOrder([ARTICLE, CATEGORY], schemaOf)).toEqual({
      order: [CATEGORY, ARTICLE],
      deferred: [{ source: ARTICLE, path: 'related', target: ARTICLE }],
      cycles: [],
    });
  });

  it('breaks a cycle between types: references to a type not yet imported are deferred, the others are not', () => {
    const schemaOf = schemas(
      model(ARTICLE, { author: relation(AUTHOR), tags: relation(TAG, 'manyToMany') }),
      model(AUTHOR, { featured: relation(ARTICLE, 'oneToOne') }),
      model(TAG, {})
    );
    const { order, deferred, cycles } = importOrder([TAG, AUTHOR, ARTICLE], schemaOf);
    expect(order[0]).toBe(TAG);
    expect(new Set(order.slice(1))).toEqual(new Set([ARTICLE, AUTHOR]));
    expect(cycles).toEqual([[ARTICLE, AUTHOR]]);
    // Exactly one direction of the cycle waits for the second pass; the reference to tags never does.
    expect(deferred).toHaveLength(1);
    const [first, second] = order.slice(1);
    expect(deferred[0]).toMatchObject({ source: first, target: second });
  });

  it('ignores references to types outside the bundle (their entries must exist in the target)', () => {
    const schemaOf = schemas(model(ARTICLE, { category: relation(CATEGORY) }), model(CATEGORY, { parent: relation(CATEGORY) }));
    expect(importOrder([ARTICLE], schemaOf)).toEqual({ order: [ARTICLE], deferred: [], cycles: [] });
  });

  it('orders a chain of 5,000 types without overflowing the stack', () => {
    const uids = Array.from({ length: 5_000 }, (_, i) => `api::t${String(i).padStart(4, '0')}.t`);
    const schemaOf = schemas(...uids.map((uid, i) => model(uid, i + 1 < uids.length ? { next: relation(uids[i + 1]) } : {})));
    const { order } = importOrder(uids, schemaOf);
    expect(order).toEqual([...uids].reverse());
  });
});
