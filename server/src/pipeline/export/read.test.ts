import knexFactory, { type Knex } from 'knex';
import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import { IN_LIST, chunks } from '../sql/in-lists';
import { after } from './read';
import { planExport, readsMedia, type Entry, type ModelPlan, type PlanContext } from './plan';
import { fromDatabase, populateRows, type LeanContext } from './rows';
import type { ModelMeta } from '../../schema/model-metadata';

/*
 * The lean reader's plan (from Strapi's database metadata, in the shapes @strapi/database builds them) and its
 * per-page queries, run on an in-memory SQLite database with the tables Strapi would create.
 */

const schema = (uid: string, attributes: Record<string, AttributeSchema>, draftAndPublish = false): ModelSchema => ({
  uid,
  modelType: uid.includes('::') ? 'contentType' : 'component',
  info: { displayName: uid },
  options: { draftAndPublish },
  attributes,
});

const SCHEMAS: Record<string, ModelSchema> = {
  'api::article.article': schema(
    'api::article.article',
    {
      title: { type: 'string' },
      category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
      tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
      cover: { type: 'media', multiple: false },
      gallery: { type: 'media', multiple: true },
      seo: { type: 'component', component: 'shared.seo', repeatable: false },
      links: { type: 'component', component: 'shared.link', repeatable: true },
      sections: { type: 'dynamiczone', components: ['sections.quote', 'shared.link'] },
    },
    true
  ),
  'api::category.category': schema(
    'api::category.category',
    { slug: { type: 'uid' }, rank: { type: 'biginteger' } },
    true
  ),
  'api::tag.tag': schema('api::tag.tag', { name: { type: 'string', unique: true } }),
  'shared.seo': schema('shared.seo', {
    metaTitle: { type: 'string' },
    secret: { type: 'string', private: true },
    image: { type: 'media', multiple: false },
    link: { type: 'component', component: 'shared.link', repeatable: false },
  }),
  'shared.link': schema('shared.link', { url: { type: 'string' } }),
  'sections.quote': schema('sections.quote', { text: { type: 'text' } }),
  'plugin::upload.file': schema('plugin::upload.file', { url: { type: 'string' }, hash: { type: 'string' } }),
};

const link = (name: string, owner: string, inverse: string, order?: string) => ({
  name,
  joinColumn: { name: owner, referencedColumn: 'id' },
  inverseJoinColumn: { name: inverse, referencedColumn: 'id' },
  ...(order ? { orderColumnName: order, orderBy: { [order]: 'asc' } } : {}),
});
const cmps = (table: string, field: string) => ({
  name: `${table}_cmps`,
  joinColumn: { name: 'entity_id', referencedColumn: 'id' },
  inverseJoinColumn: { name: 'cmp_id', referencedColumn: 'id' },
  on: { field },
  orderColumnName: 'order',
  orderBy: { order: 'asc' },
});
const zone = (table: string, field: string) => ({
  name: `${table}_cmps`,
  joinColumn: { name: 'entity_id', referencedColumn: 'id' },
  morphColumn: { idColumn: { name: 'cmp_id', referencedColumn: 'id' }, typeColumn: { name: 'component_type' } },
  on: { field },
  orderBy: { order: 'asc' },
});
const scalar = (type: string, columnName?: string) => ({ type, ...(columnName ? { columnName } : {}) });
const system = {
  id: scalar('increments'),
  documentId: scalar('string', 'document_id'),
  publishedAt: scalar('datetime', 'published_at'),
};

const METADATA: Record<string, ModelMeta> = {
  'api::article.article': {
    uid: 'api::article.article',
    tableName: 'articles',
    attributes: {
      ...system,
      title: scalar('string'),
      category: {
        type: 'relation',
        relation: 'manyToOne',
        target: 'api::category.category',
        joinTable: link('articles_category_lnk', 'article_id', 'category_id'),
      },
      tags: {
        type: 'relation',
        relation: 'manyToMany',
        target: 'api::tag.tag',
        joinTable: link('articles_tags_lnk', 'article_id', 'tag_id', 'tag_ord'),
      },
      cover: { type: 'relation', relation: 'morphOne', target: 'plugin::upload.file', morphBy: 'related' },
      gallery: { type: 'relation', relation: 'morphMany', target: 'plugin::upload.file', morphBy: 'related' },
      seo: { type: 'relation', relation: 'oneToOne', target: 'shared.seo', joinTable: cmps('articles', 'seo') },
      links: { type: 'relation', relation: 'oneToMany', target: 'shared.link', joinTable: cmps('articles', 'links') },
      sections: { type: 'relation', relation: 'morphToMany', joinTable: zone('articles', 'sections') },
    },
  },
  'api::category.category': {
    uid: 'api::category.category',
    tableName: 'categories',
    attributes: { ...system, slug: scalar('uid'), rank: scalar('biginteger') },
  },
  'api::tag.tag': { uid: 'api::tag.tag', tableName: 'tags', attributes: { ...system, name: scalar('string') } },
  'shared.seo': {
    uid: 'shared.seo',
    tableName: 'components_shared_seos',
    attributes: {
      id: scalar('increments'),
      metaTitle: scalar('string', 'meta_title'),
      secret: scalar('string'),
      image: { type: 'relation', relation: 'morphOne', target: 'plugin::upload.file', morphBy: 'related' },
      link: {
        type: 'relation',
        relation: 'oneToOne',
        target: 'shared.link',
        joinTable: cmps('components_shared_seos', 'link'),
      },
    },
  },
  'shared.link': {
    uid: 'shared.link',
    tableName: 'components_shared_links',
    attributes: { id: scalar('increments'), url: scalar('string') },
  },
  'sections.quote': {
    uid: 'sections.quote',
    tableName: 'components_sections_quotes',
    attributes: { id: scalar('increments'), text: scalar('text') },
  },
  'plugin::upload.file': {
    uid: 'plugin::upload.file',
    tableName: 'files',
    attributes: {
      ...system,
      url: scalar('string'),
      hash: scalar('string'),
      related: {
        type: 'relation',
        relation: 'morphToMany',
        joinTable: {
          name: 'files_related_mph',
          joinColumn: { name: 'file_id', referencedColumn: 'id' },
          morphColumn: {
            idColumn: { name: 'related_id', referencedColumn: 'id' },
            typeColumn: { name: 'related_type' },
          },
          orderBy: { order: 'asc' },
        },
      },
    },
  },
};

const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  metadataOf: (uid) => METADATA[uid],
  schemaOf: (uid) => SCHEMAS[uid],
  keyFor: (target) => (target === 'api::category.category' ? 'slug' : 'documentId'),
  ...overrides,
});

const ARTICLE = 'api::article.article';
const fieldsOf = (uid: string, names?: string[]): Array<[string, AttributeSchema]> =>
  Object.entries(SCHEMAS[uid].attributes).filter(([name]) => !names || names.includes(name));

const planOf = (ctx = context(), names?: string[]): ModelPlan => {
  const planned = planExport(ctx, ARTICLE, fieldsOf(ARTICLE, names));
  if ('reason' in planned) throw new Error(planned.reason);
  return planned.plan;
};

describe('planExport', () => {
  test('reads every kind of attribute the playground has, from the metadata', () => {
    const plan = planOf();
    expect(plan.scalars).toEqual(['title']);
    expect(plan.joined.map((a) => `${a.kind}:${a.name}`)).toEqual([
      'relation:category',
      'relation:tags',
      'media:cover',
      'media:gallery',
      'component:seo',
      'component:links',
      'component:sections',
    ]);
    expect(plan.joined[0]).toMatchObject({
      link: 'articles_category_lnk',
      owner: 'article_id',
      inverse: 'category_id',
      targetTable: 'categories',
      many: false,
      order: null,
      publishedAt: 'published_at',
      columns: [
        { attribute: 'documentId', column: 'document_id' },
        { attribute: 'slug', column: 'slug', type: 'uid' },
      ],
    });
    expect(plan.joined[1]).toMatchObject({ many: true, order: 'tag_ord', publishedAt: null });
    expect(plan.joined[2]).toMatchObject({
      link: 'files_related_mph',
      owner: 'related_id',
      ownerType: 'related_type',
      ownerUid: ARTICLE,
      on: { field: 'cover' },
      order: 'order',
    });
    const seo = plan.joined[4];
    if (seo.kind !== 'component') throw new Error('seo');
    expect(seo).toMatchObject({
      link: 'articles_cmps',
      owner: 'entity_id',
      child: 'cmp_id',
      on: { field: 'seo' },
      many: false,
      zone: false,
    });
    // A component's private attributes are not written, so not read; its media and nested components are.
    expect(seo.components['shared.seo'].scalars).toEqual(['metaTitle']);
    expect(seo.components['shared.seo'].joined.map((a) => a.name)).toEqual(['image', 'link']);
    expect(plan.joined[6]).toMatchObject({
      zone: true,
      many: true,
      typeColumn: 'component_type',
      on: { field: 'sections' },
    });
    expect(readsMedia(plan)).toBe(true);
    expect(readsMedia(planOf(context(), ['title', 'tags']))).toBe(false);
    expect(readsMedia(planOf(context(), ['seo']))).toBe(true);
  });

  const withAttribute = (name: string, meta: Partial<ModelMeta['attributes'][string]> | undefined): PlanContext => {
    const article = METADATA[ARTICLE];
    const attributes = { ...article.attributes };
    if (meta) attributes[name] = { ...attributes[name], ...meta } as ModelMeta['attributes'][string];
    else delete attributes[name];
    return context({ metadataOf: (uid) => (uid === ARTICLE ? { ...article, attributes } : METADATA[uid]) });
  };

  test.each([
    [
      'a morph relation',
      withAttribute('category', { relation: 'morphToOne', joinTable: undefined }),
      /morphToOne relation/,
    ],
    [
      'a relation kept in a column',
      withAttribute('category', { joinTable: undefined, joinColumn: { name: 'category_id' } }),
      /kept in a column/,
    ],
    [
      'a to-many the schema calls to-one',
      withAttribute('category', { relation: 'oneToMany' }),
      /disagree on to-one \/ to-many/,
    ],
    ['media not kept as morph links', withAttribute('cover', { relation: 'oneToOne' }), /media attribute not kept/],
    [
      'a component without a _cmps table',
      withAttribute('seo', { joinTable: undefined }),
      /not kept in a _cmps join table/,
    ],
    [
      'a join condition that is not a value',
      withAttribute('tags', {
        joinTable: { ...link('articles_tags_lnk', 'article_id', 'tag_id'), on: { x: { $gt: 1 } } },
      }),
      /not a value/,
    ],
    [
      'an order on two columns',
      withAttribute('tags', {
        joinTable: { ...link('articles_tags_lnk', 'article_id', 'tag_id'), orderBy: { a: 'asc', b: 'asc' } },
      }),
      /ordered otherwise/,
    ],
    ['a scalar without a column', withAttribute('title', undefined), /no column for "title"/],
  ])('falls back to the Document Service for %s', (_, ctx, reason) => {
    const planned = planExport(ctx, ARTICLE, fieldsOf(ARTICLE));
    expect('reason' in planned && planned.reason).toMatch(reason);
  });

  test('an unknown relation target or component falls back too', () => {
    const noTags = context({ metadataOf: (uid) => (uid === 'api::tag.tag' ? undefined : METADATA[uid]) });
    expect(planExport(noTags, ARTICLE, fieldsOf(ARTICLE))).toEqual({
      reason: `${ARTICLE}.tags: unknown target api::tag.tag`,
    });
    const noQuote = context({ schemaOf: (uid) => (uid === 'sections.quote' ? undefined : SCHEMAS[uid]) });
    expect(planExport(noQuote, ARTICLE, fieldsOf(ARTICLE))).toEqual({
      reason: `${ARTICLE}.sections: unknown component sections.quote`,
    });
  });
});

describe('helpers', () => {
  test('chunks: bounded IN lists', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
    expect(chunks(Array.from({ length: 1001 }, (_, i) => i)).map((c) => c.length)).toEqual([IN_LIST, IN_LIST, 1]);
  });

  test('fromDatabase: key columns as Strapi field types read them', () => {
    expect(fromDatabase('biginteger', 9007199254740993n)).toBe('9007199254740993');
    expect(fromDatabase('biginteger', '  9007199254740993')).toBe('9007199254740993');
    expect(fromDatabase('biginteger', 12)).toBe('12');
    expect(fromDatabase('integer', '12')).toBe(12);
    expect(fromDatabase('uid', 'news')).toBe('news');
    expect(fromDatabase('string', null)).toBeNull();
    expect(fromDatabase('increments', 7)).toBe(7);
  });

  test('after: the keyset condition starts at the last documentId', () => {
    expect(after(false, { documentId: 'b' })).toEqual({ documentId: { $gt: 'b' } });
    expect(after(true, { documentId: 'b', locale: 'en' })).toEqual({
      $and: [{ documentId: { $gte: 'b' } }, { $or: [{ documentId: { $gt: 'b' } }, { locale: { $gt: 'en' } }] }],
    });
  });
});

describe('populateRows on SQLite', () => {
  let knex: Knex;
  let queries: string[];

  const lean = (status: 'draft' | 'published' = 'draft'): LeanContext => ({
    knex: (table) => knex(table),
    // Component rows selected by attribute name; the test tables name their columns like Strapi (meta_title).
    componentRows: async (uid, select, ids) => {
      const meta = METADATA[uid];
      const columns = select.map((a) => `${meta.attributes[a].columnName ?? a} as ${a}`);
      return (await knex(meta.tableName)
        .select(columns)
        .whereIn('id', ids as number[])) as Entry[];
    },
    status,
  });

  beforeAll(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    queries = [];
    knex.on('query', (q: { sql: string }) => queries.push(q.sql));
    const table = (name: string, columns: Record<string, 'integer' | 'string' | 'float'>) =>
      knex.schema.createTable(name, (t) => {
        t.increments('id');
        for (const [column, type] of Object.entries(columns)) t[type](column);
      });
    await table('articles', { document_id: 'string', title: 'string' });
    await table('categories', { document_id: 'string', slug: 'string', rank: 'integer', published_at: 'string' });
    await table('tags', { document_id: 'string', name: 'string', published_at: 'string' });
    await table('articles_category_lnk', { article_id: 'integer', category_id: 'integer' });
    await table('articles_tags_lnk', { article_id: 'integer', tag_id: 'integer', tag_ord: 'float' });
    await table('articles_cmps', {
      entity_id: 'integer',
      cmp_id: 'integer',
      component_type: 'string',
      field: 'string',
      order: 'float',
    });
    await table('components_shared_seos_cmps', {
      entity_id: 'integer',
      cmp_id: 'integer',
      component_type: 'string',
      field: 'string',
      order: 'float',
    });
    await table('components_shared_seos', { meta_title: 'string', secret: 'string' });
    await table('components_shared_links', { url: 'string' });
    await table('components_sections_quotes', { text: 'string' });
    await table('files', { document_id: 'string', url: 'string', hash: 'string', published_at: 'string' });
    await table('files_related_mph', {
      file_id: 'integer',
      related_id: 'integer',
      related_type: 'string',
      field: 'string',
      order: 'float',
    });

    // 1,203 articles: more than two IN lists' worth.
    const ids = Array.from({ length: 1203 }, (_, i) => i + 1);
    for (const part of chunks(ids, 100))
      await knex('articles').insert(part.map((id) => ({ id, document_id: `a${id}`, title: `T${id}` })));
    // Category 1 has a draft (id 1) and a published version (id 2), as Strapi keeps both rows.
    await knex('categories').insert([
      { id: 1, document_id: 'c1', slug: 'news', rank: 9007199254740993n, published_at: null },
      { id: 2, document_id: 'c1', slug: 'news', rank: 9007199254740993n, published_at: '2026-01-01' },
      { id: 3, document_id: 'c3', slug: 'draft-only', rank: 1, published_at: null },
    ]);
    await knex('tags').insert([1, 2, 3].map((id) => ({ id, document_id: `t${id}`, name: `tag${id}` })));
    for (const part of chunks(ids, 100)) {
      await knex('articles_category_lnk').insert(part.map((id) => ({ article_id: id, category_id: 1 })));
      // Every article links tag 3 then tag 1 (by tag_ord), inserted in the other order.
      await knex('articles_tags_lnk').insert(
        part.flatMap((id) => [
          { article_id: id, tag_id: 1, tag_ord: 2 },
          { article_id: id, tag_id: 3, tag_ord: 1 },
        ])
      );
    }
    // Article 2: the published category version and a draft-only one (a to-one keeps its first link).
    await knex('articles_category_lnk').where({ article_id: 2 }).update({ category_id: 2 });
    await knex('articles_category_lnk').insert({ article_id: 2, category_id: 3 });
    // Article 1: seo (with a nested link and an image), two links, a zone of a quote, a link and a removed type.
    await knex('components_shared_seos').insert({ id: 1, meta_title: 'SEO 1', secret: 'hidden' });
    await knex('components_shared_links').insert([
      { id: 1, url: '/one' },
      { id: 2, url: '/two' },
      { id: 3, url: '/zone' },
      { id: 4, url: '/nested' },
    ]);
    await knex('components_sections_quotes').insert({ id: 1, text: 'Quoted' });
    await knex('articles_cmps').insert([
      { entity_id: 1, cmp_id: 1, component_type: 'shared.seo', field: 'seo', order: null },
      { entity_id: 1, cmp_id: 2, component_type: 'shared.link', field: 'links', order: 2 },
      { entity_id: 1, cmp_id: 1, component_type: 'shared.link', field: 'links', order: 1 },
      { entity_id: 1, cmp_id: 3, component_type: 'shared.link', field: 'sections', order: 2 },
      { entity_id: 1, cmp_id: 9, component_type: 'sections.removed', field: 'sections', order: 3 },
      { entity_id: 1, cmp_id: 1, component_type: 'sections.quote', field: 'sections', order: 1 },
      // A link to a component row that does not exist is not populated.
      { entity_id: 2, cmp_id: 99, component_type: 'shared.seo', field: 'seo', order: null },
    ]);
    await knex('components_shared_seos_cmps').insert({
      entity_id: 1,
      cmp_id: 4,
      component_type: 'shared.link',
      field: 'link',
      order: null,
    });
    await knex('files').insert([
      { id: 1, document_id: 'f1', url: '/uploads/a.png', hash: 'a' },
      { id: 2, document_id: 'f2', url: '/uploads/b.png', hash: 'b' },
    ]);
    await knex('files_related_mph').insert([
      { file_id: 2, related_id: 1, related_type: ARTICLE, field: 'gallery', order: 2 },
      { file_id: 1, related_id: 1, related_type: ARTICLE, field: 'gallery', order: 1 },
      { file_id: 2, related_id: 1, related_type: ARTICLE, field: 'cover', order: 1 },
      // Another type's entry 1 and the seo component's image.
      { file_id: 1, related_id: 1, related_type: 'api::other.other', field: 'cover', order: 1 },
      { file_id: 1, related_id: 1, related_type: 'shared.seo', field: 'image', order: 1 },
    ]);
  });
  afterAll(() => knex?.destroy());

  const page = async (status: 'draft' | 'published' = 'draft') => {
    const rows = (await knex('articles').select('id', 'document_id as documentId').orderBy('id')) as Entry[];
    queries = [];
    await populateRows(lean(status), planOf(), rows);
    return rows;
  };

  test('the shape the Document Service populates: relations, media, components, zones, nested', async () => {
    const [first, second, third] = await page();
    expect(first).toEqual({
      id: 1,
      documentId: 'a1',
      category: { documentId: 'c1', slug: 'news' },
      tags: [{ documentId: 't3' }, { documentId: 't1' }],
      cover: { id: 2, url: '/uploads/b.png', hash: 'b' },
      gallery: [
        { id: 1, url: '/uploads/a.png', hash: 'a' },
        { id: 2, url: '/uploads/b.png', hash: 'b' },
      ],
      seo: {
        id: 1,
        metaTitle: 'SEO 1',
        image: { id: 1, url: '/uploads/a.png', hash: 'a' },
        link: { id: 4, url: '/nested' },
      },
      links: [
        { id: 1, url: '/one' },
        { id: 2, url: '/two' },
      ],
      sections: [
        { id: 1, text: 'Quoted', __component: 'sections.quote' },
        { id: 3, url: '/zone', __component: 'shared.link' },
      ],
    });
    // A draft export populates the draft versions of a draft & publish target: article 2's published category
    // version is not shown, its draft-only category is.
    expect(second.category).toEqual({ documentId: 'c3', slug: 'draft-only' });
    expect(second.seo).toBeNull();
    expect(third).toMatchObject({ cover: null, gallery: [], seo: null, links: [], sections: [] });
  });

  test('a published export populates the published versions', async () => {
    const [first, second] = await page('published');
    expect(first.category).toBeNull();
    expect(second.category).toEqual({ documentId: 'c1', slug: 'news' });
  });

  test('one query per attribute and per component table, IN lists of at most 500', async () => {
    const rows = await page();
    expect(rows).toHaveLength(1203);
    expect(rows.every((row) => (row.tags as Entry[]).map((t) => t.documentId).join() === 't3,t1')).toBe(true);
    const count = (pattern: RegExp) => queries.filter((q) => pattern.test(q)).length;
    // 1,203 owners: three IN lists for each query on the articles' links.
    expect(count(/from `articles_category_lnk`/)).toBe(3);
    expect(count(/from `articles_tags_lnk`/)).toBe(3);
    expect(count(/from `files_related_mph`/)).toBe(2 * 3 + 1); // cover, gallery; the seo image once
    expect(count(/from `articles_cmps`/)).toBe(3); // seo, links and sections in one query
    expect(count(/from `components_shared_links`/)).toBe(3); // links, the zone's links, seo's nested link
    expect(Math.max(...queries.map((q) => (q.match(/\?/g) ?? []).length))).toBeLessThanOrEqual(IN_LIST + 2);
  });
});
