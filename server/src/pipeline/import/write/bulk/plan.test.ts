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
      blocks: { type: 'dynamiczone', components: ['blocks.quote', 'blocks.rich'] },
      tagged: { type: 'component', component: 'blocks.tagged' },
      bare: { type: 'component', component: 'blocks.bare' },
      secret: { type: 'password' },
    }),
    true,
    true
  ),
  withOptions(model(CATEGORY, { name: { type: 'string' } }), false),
  withOptions(model(TAG, { name: { type: 'string' } }), true),
  model('shared.seo', { metaTitle: { type: 'string' } }, 'component'),
  model('blocks.quote', { text: { type: 'text' } }, 'component'),
  model(
    'blocks.rich',
    {
      label: { type: 'string' },
      seo: { type: 'component', component: 'shared.seo', repeatable: true },
      category: relation(CATEGORY, 'manyToOne'),
      image: { type: 'media' },
    },
    'component'
  ),
  model('blocks.tagged', { label: { type: 'string' }, tag: relation(TAG, 'manyToOne') }, 'component'),
  model('blocks.bare', { seo: { type: 'component', component: 'shared.seo' } }, 'component')
);

const cmps = (name: string, field: string, entity = 'entity_id'): AttributeMeta => ({
  type: 'component',
  joinTable: {
    name,
    joinColumn: { name: entity },
    inverseJoinColumn: { name: 'cmp_id' },
    on: { field },
    orderColumnName: 'order',
  },
});
const componentLink = (name: string, from: string, to: string): AttributeMeta => ({
  type: 'relation',
  joinTable: { name, joinColumn: { name: from }, inverseJoinColumn: { name: to } },
});

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
      gallery: cmps('articles_cmps', 'gallery'),
      tagged: cmps('articles_cmps', 'tagged'),
      bare: cmps('articles_cmps', 'bare'),
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
  'shared.seo': { uid: 'shared.seo', tableName: 'components_shared_seos', attributes: {} },
  'blocks.quote': { uid: 'blocks.quote', tableName: 'components_blocks_quotes', attributes: {} },
  'blocks.rich': {
    uid: 'blocks.rich',
    tableName: 'components_blocks_riches',
    attributes: {
      seo: cmps('components_blocks_riches_cmps', 'seo'),
      category: componentLink('components_blocks_riches_category_lnk', 'rich_id', 'category_id'),
    },
  },
  'blocks.tagged': {
    uid: 'blocks.tagged',
    tableName: 'components_blocks_taggeds',
    attributes: { tag: componentLink('components_blocks_taggeds_tag_lnk', 'tagged_id', 'tag_id') },
  },
  'blocks.bare': {
    uid: 'blocks.bare',
    tableName: 'components_blocks_bares',
    attributes: { seo: cmps('components_blocks_bares_cmps', 'seo') },
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

  it('plans each attribute: columns, link tables from the metadata, media links, components and what they hold', () => {
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
      repeatable: false,
      models: new Map([['shared.seo', new Map([['metaTitle', { kind: 'scalar' }]])]]),
    });
    expect(plan.plans.get('gallery')).toMatchObject({ kind: 'components', field: 'gallery', repeatable: true });
    // A dynamic zone of components with components inside (repeatable), relations and media: each model planned.
    const blocks = plan.plans.get('blocks');
    if (blocks?.kind !== 'components') throw new Error('blocks is not planned as components');
    expect([...blocks.models.keys()].sort()).toEqual(['blocks.quote', 'blocks.rich', 'shared.seo']);
    const rich = blocks.models.get('blocks.rich')!;
    expect(rich.get('seo')).toMatchObject({
      kind: 'components',
      table: 'components_blocks_riches_cmps',
      field: 'seo',
      repeatable: true,
    });
    expect(rich.get('category')).toMatchObject({
      kind: 'relation',
      table: 'components_blocks_riches_category_lnk',
      joinColumn: 'rich_id',
      inverseJoinColumn: 'category_id',
      orderColumn: null,
      inverseOrderColumn: null,
    });
    expect(rich.get('image')).toMatchObject({ kind: 'media', table: 'files_related_mph' });
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
      tagged: 'a component with a relation to a draft & publish type',
      bare: 'a component without scalar attributes',
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

  it('syncs non-localized scalars of a localized type without draft & publish in bulk, and blocks the rest', () => {
    expect([plan.updateBlocker, plan.syncedScalars]).toEqual([null, []]);
    // Draft & publish: a draft update syncs the other drafts, one that publishes the published versions only.
    expect(planBulkWrites(input({ nonLocalizedAttributes: ['views'] })).updateBlocker).toBe(
      'non-localized attributes of a draft & publish type (synced to every locale)'
    );
    const withoutDraftAndPublish = (uid: string) => {
      const schema = schemas(uid);
      return uid === ARTICLE && schema ? { ...schema, options: { draftAndPublish: false } } : schema;
    };
    const scalars = planBulkWrites(
      input({ schemaOf: withoutDraftAndPublish, nonLocalizedAttributes: ['views', 'title'] })
    );
    expect([scalars.updateBlocker, scalars.syncedScalars]).toEqual([null, ['views', 'title']]);
    const components = planBulkWrites(
      input({ schemaOf: withoutDraftAndPublish, nonLocalizedAttributes: ['views', 'seo', 'cover'] })
    );
    expect([components.updateBlocker, components.syncedScalars]).toEqual([
      'non-localized component, media attributes (synced to every locale)',
      [],
    ]);
  });

  it('blocks every item of a type with firstPublishedAt', () => {
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
