import type { AttributeSchema, ModelSchema } from '../../../../schema/model-schema';
import type { AttributeMeta, ModelMeta } from '../../../../schema/model-metadata';
import { testModel as model, testSchemaLookup } from '../../../../schema/test-models';
import { planBulkWrites, publishableAsStored, type BulkPlanInput } from './plan';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';

const withOptions = (schema: ModelSchema, draftAndPublish: boolean, localized = false): ModelSchema => ({
  ...schema,
  options: { draftAndPublish },
  ...(localized ? { pluginOptions: { i18n: { localized: true } } } : {}),
});
const relation = (target: string, kind: string, extra: Partial<AttributeSchema> = {}): AttributeSchema => ({
  type: 'relation',
  relation: kind,
  target,
  ...extra,
});
const link = (name: string, extra: Partial<AttributeMeta['joinTable']> = {}): AttributeMeta => ({
  type: 'relation',
  joinTable: {
    name,
    joinColumn: { name: 'article_id' },
    inverseJoinColumn: { name: 'target_id' },
    orderColumnName: 'target_ord',
    inverseOrderColumnName: 'article_ord',
    ...extra,
  },
});

const schemas = testSchemaLookup(
  withOptions(
    model(ARTICLE, {
      title: { type: 'string', required: true },
      views: { type: 'integer' },
      category: relation(CATEGORY, 'manyToOne'),
      tags: relation(TAG, 'manyToMany', { inversedBy: 'articles' }),
      author: relation(CATEGORY, 'oneToOne'),
      desk: relation(CATEGORY, 'oneToOne', { inversedBy: 'article' }),
      editors: relation(TAG, 'oneToMany', { mappedBy: 'article' }),
      related: relation(ARTICLE, 'manyToMany'),
      owner: relation('admin::user', 'manyToOne'),
      cover: { type: 'media' },
      seo: { type: 'component', component: 'shared.seo' },
      gallery: { type: 'component', component: 'shared.seo', repeatable: true },
      blocks: { type: 'dynamiczone', components: ['blocks.quote', 'blocks.nested'] },
      secret: { type: 'password' },
    }),
    true,
    true
  ),
  withOptions(model(CATEGORY, { name: { type: 'string' } }), false),
  withOptions(model(TAG, { name: { type: 'string' } }), true),
  model('shared.seo', { metaTitle: { type: 'string' } }, 'component'),
  model('blocks.quote', { text: { type: 'text' } }, 'component'),
  model('blocks.nested', { seo: { type: 'component', component: 'shared.seo' } }, 'component')
);

const metas: Record<string, ModelMeta> = {
  [ARTICLE]: {
    uid: ARTICLE,
    tableName: 'articles',
    attributes: {
      category: link('articles_category_lnk'),
      tags: link('articles_tags_lnk'),
      author: link('articles_author_lnk'),
      desk: link('articles_desk_lnk'),
      editors: link('articles_editors_lnk'),
      related: link('articles_related_lnk'),
      owner: { type: 'relation', joinColumn: { name: 'owner_id' } },
      seo: {
        type: 'component',
        joinTable: {
          name: 'articles_cmps',
          joinColumn: { name: 'entity_id' },
          inverseJoinColumn: { name: 'cmp_id' },
          on: { field: 'seo' },
          orderColumnName: 'order',
        },
      },
      blocks: {
        type: 'dynamiczone',
        joinTable: {
          name: 'articles_cmps',
          joinColumn: { name: 'entity_id' },
          morphColumn: { idColumn: { name: 'cmp_id' }, typeColumn: { name: 'component_type' } },
          on: { field: 'blocks' },
        },
      },
    },
  },
  [CATEGORY]: { uid: CATEGORY, tableName: 'categories', attributes: {} },
  [TAG]: { uid: TAG, tableName: 'tags', attributes: {} },
  'plugin::upload.file': {
    uid: 'plugin::upload.file',
    tableName: 'files',
    attributes: {
      related: {
        type: 'relation',
        joinTable: {
          name: 'files_related_mph',
          joinColumn: { name: 'file_id' },
          morphColumn: { idColumn: { name: 'related_id' }, typeColumn: { name: 'related_type' } },
        },
      },
    },
  },
};

const input = (overrides: Partial<BulkPlanInput> = {}): BulkPlanInput => ({
  uid: ARTICLE,
  schemaOf: schemas,
  metaOf: (uid) => metas[uid],
  nonLocalizedAttributes: [],
  ...overrides,
});

describe('planBulkWrites', () => {
  const plan = planBulkWrites(input());

  it('plans each attribute: columns, link tables from the metadata, media links, flat components', () => {
    expect(plan.plans.get('title')).toEqual({ kind: 'scalar' });
    expect(plan.plans.get('category')).toEqual({
      kind: 'relation',
      target: CATEGORY,
      table: 'articles_category_lnk',
      joinColumn: 'article_id',
      inverseJoinColumn: 'target_id',
      orderColumn: 'target_ord',
      inverseOrderColumn: 'article_ord',
      targetTable: 'categories',
      targetLocalized: false,
      targetDraftAndPublish: false,
      keepsDraftOrder: false,
      takesTarget: false,
      draftsOnly: false,
    });
    // One-to-one and one-to-many: a one-sided one takes no target from another entry; a two-sided one does.
    expect(plan.plans.get('author')).toMatchObject({ kind: 'relation', takesTarget: false });
    expect(plan.plans.get('desk')).toMatchObject({ kind: 'relation', takesTarget: true });
    expect(plan.plans.get('tags')).toMatchObject({
      kind: 'relation',
      targetDraftAndPublish: true,
      keepsDraftOrder: true,
    });
    expect(plan.plans.get('cover')).toEqual({
      kind: 'media',
      table: 'files_related_mph',
      fileColumn: 'file_id',
      idColumn: 'related_id',
      typeColumn: 'related_type',
    });
    expect(plan.plans.get('seo')).toEqual({
      kind: 'components',
      zone: false,
      table: 'articles_cmps',
      joinColumn: 'entity_id',
      idColumn: 'cmp_id',
      field: 'seo',
      orderColumn: 'order',
    });
    expect(plan.plans.get('documentId')).toBeUndefined();
  });

  it('says why an attribute is not written in bulk', () => {
    const reasons = Object.fromEntries(
      [...plan.plans]
        .filter(([, p]) => p.kind === 'unsupported')
        .map(([name, p]) => [name, p.kind === 'unsupported' ? p.reason : ''])
    );
    expect(reasons).toEqual({
      editors: 'a oneToMany relation to a draft & publish type takes its target from another entry',
      owner: 'a relation kept in a column or a morph relation',
      gallery: 'a repeatable component',
      blocks: 'a component with relations, media or components',
      secret: 'a password',
    });
  });

  it('routes an item by what it sets: an unsupported attribute left empty keeps the bulk path', () => {
    expect(plan.blockerOf({ title: 'a', category: 'c1', cover: 3 })).toBeNull();
    expect(plan.blockerOf({ title: 'a', related: [] })).toBeNull();
    // A self relation of a draft & publish type: in bulk for drafts only.
    expect(plan.plans.get('related')).toMatchObject({ kind: 'relation', draftsOnly: true });
    expect(plan.blockerOf({ title: 'a', related: ['x'] })).toBeNull();
    expect(plan.blockerOf({ title: 'a', related: ['x'] }, true)).toBe('a self relation of a draft & publish type, published');
    expect(plan.blockerOf({ title: 'a', related: [] }, true)).toBeNull();
    expect(plan.blockerOf({ title: 'a', editors: ['x'] })).toBe(
      'a oneToMany relation to a draft & publish type takes its target from another entry'
    );
    expect(plan.blockerOf({ nope: 1 })).toBe('unknown attribute nope');
  });

  it('splits an item into the values Strapi validates and the links', () => {
    expect(plan.splitData({ title: 'a', category: 'c1', cover: 3, seo: { metaTitle: 'm' } })).toEqual({
      values: { title: 'a', seo: { metaTitle: 'm' } },
      links: { category: 'c1', cover: 3 },
    });
  });

  it('blocks updates of a localized type with non-localized attributes, and every item of a type with firstPublishedAt', () => {
    expect(plan.updateBlocker).toBeNull();
    expect(planBulkWrites(input({ nonLocalizedAttributes: ['views'] })).updateBlocker).toBe(
      'non-localized attributes (synced to every locale)'
    );
    const withFirst = testSchemaLookup(
      withOptions(model(CATEGORY, { name: { type: 'string' }, firstPublishedAt: { type: 'datetime' } }), false)
    );
    const first = planBulkWrites(input({ uid: CATEGORY, schemaOf: withFirst }));
    expect([first.typeBlocker, first.blockerOf({ name: 'x' }), first.updateBlocker]).toEqual([
      'firstPublishedAt',
      'firstPublishedAt',
      'firstPublishedAt',
    ]);
  });

  it('lists the attributes whose stored value is not certain to pass as published (published-only rules)', () => {
    expect(plan.leftOutMustBeSet).toEqual(['title']);
  });
});

describe('publishableAsStored', () => {
  it('is false for published-only rules, in components too, and for types it does not know', () => {
    expect(publishableAsStored({ type: 'string' }, schemas)).toBe(true);
    expect(publishableAsStored({ type: 'string', regex: '^a' }, schemas)).toBe(false);
    expect(publishableAsStored({ type: 'email' }, schemas)).toBe(false);
    expect(publishableAsStored({ type: 'dynamiczone', components: ['blocks.quote'], max: 3 }, schemas)).toBe(false);
    const strict = testSchemaLookup(
      model('shared.seo', { metaTitle: { type: 'string', required: true } }, 'component')
    );
    expect(publishableAsStored({ type: 'component', component: 'shared.seo' }, strict)).toBe(false);
    expect(publishableAsStored({ type: 'component', component: 'shared.seo' }, schemas)).toBe(true);
  });
});
