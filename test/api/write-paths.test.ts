import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl } from '../helpers/tasks';

/**
 * The bulk write path and the Document Service path leave the same database state for the same file (ids,
 * documentIds and timestamps aside), and the task records which path ran.
 */

const CONTACTS = jsonl([
  ...Array.from({ length: 1200 }, (_, i) => ({
    firstName: `First ${i}`,
    lastName: i % 3 ? `Last ${i}` : null,
    zip: String(i).padStart(5, '0'),
    notes: i % 7 ? '' : null,
  })),
  { firstName: 'Duplicate key', zip: '00001' },
]);
const TAGS = jsonl([{ name: 'alpha' }, { name: 'beta' }, { name: 'alpha' }, { name: 5 }, { name: '' }]);

/** A task's error report (JSON): the failed items with their number (counting from 1) and message. */
const reportOf = async (app: TestApp, token: string, task: { id: number }) =>
  JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ itemNumber: number; message: string }>;

const VOLATILE = new Set(['id', 'document_id', 'created_at', 'updated_at', 'published_at']);

const state = async (app: TestApp) => {
  const out: Record<string, unknown[]> = {};
  for (const table of ['contacts', 'tags']) {
    const rows = (await app.strapi.db.connection(table).select('*').orderBy('id')) as Array<Record<string, unknown>>;
    out[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k))));
    // Every row is published (no draft & publish): publishedAt set, as the Document Service sets it.
    expect(rows.every((row) => row.published_at !== null && row.document_id)).toBe(true);
  }
  return out;
};

const run = async (bulk: boolean) => {
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk) } });
  try {
    const token = await registerSuperAdmin(app);
    const contacts = await importFile(app, token, {
      fileName: 'contacts.jsonl',
      content: CONTACTS,
      options: { contentType: 'api::contact.contact', onError: 'continue', matchBy: 'documentId' },
    });
    const tags = await importFile(app, token, {
      fileName: 'tags.jsonl',
      content: TAGS,
      options: { contentType: 'api::tag.tag', matchBy: 'name', onError: 'continue' },
    });
    const report = await reportOf(app, token, tags);
    // Updates (types without draft & publish: the only row), by documentId: every other contact patched, tags
    // renamed, one onto a name another tag holds (Strapi's unique rule fails it), one onto its own name.
    const contactIds = (await app.strapi.db.connection('contacts').select('document_id').orderBy('id')) as Array<{
      document_id: string;
    }>;
    const contactUpdates = await importFile(app, token, {
      fileName: 'contacts-update.jsonl',
      content: jsonl(
        contactIds
          .filter((_, i) => i % 2 === 0)
          .map(({ document_id }, i) => ({ documentId: document_id, city: `City ${i}`, notes: i % 3 ? null : 'n' }))
      ),
      options: { contentType: 'api::contact.contact', matchBy: 'documentId' },
    });
    const tagId = async (name: string) =>
      (
        (await app.strapi.db.connection('tags').select('document_id').where({ name })) as Array<{ document_id: string }>
      )[0].document_id;
    const [alpha, beta] = [await tagId('alpha'), await tagId('beta')];
    const tagUpdates = await importFile(app, token, {
      fileName: 'tags-update.jsonl',
      content: jsonl([
        { documentId: beta, name: 'alpha' },
        { documentId: alpha, name: 'alpha' },
        { documentId: beta, name: 'gamma' },
        { documentId: alpha, name: null },
      ]),
      options: { contentType: 'api::tag.tag', matchBy: 'documentId', onError: 'continue' },
    });
    const updateReport = await reportOf(app, token, tagUpdates);
    // Read back through the Document Service: every entry is visible as Strapi sees it.
    const visible = await app.strapi.documents('api::contact.contact' as never).count({} as never);
    return { contacts, tags, report, contactUpdates, tagUpdates, updateReport, visible, rows: await state(app) };
  } finally {
    await app.stop();
  }
};

test('contacts and tags: both paths leave identical database state; the task says which ran', async () => {
  const bulk = await run(true);
  const service = await run(false);
  expect(bulk.contacts).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { created: 1201, failed: 0 } });
  expect(service.contacts).toMatchObject({
    status: 'completed',
    writePath: 'document-service',
    counts: { created: 1201, failed: 0 },
  });
  expect(bulk.tags).toMatchObject({
    status: 'completed-with-errors',
    writePath: 'bulk+document-service',
    counts: { created: 2, updated: 1, failed: 2 },
  });
  expect(service.tags.counts).toEqual(bulk.tags.counts);
  expect(bulk.report.map((r: { itemNumber: number; message: string }) => [r.itemNumber, r.message])).toEqual(
    service.report.map((r: { itemNumber: number; message: string }) => [r.itemNumber, r.message])
  );
  expect(bulk.visible).toBe(1201);
  expect(service.visible).toBe(1201);
  expect(bulk.contactUpdates).toMatchObject({
    status: 'completed',
    writePath: 'bulk',
    counts: { updated: 601, failed: 0 },
  });
  expect(service.contactUpdates).toMatchObject({ writePath: 'document-service', counts: bulk.contactUpdates.counts });
  expect(bulk.tagUpdates).toMatchObject({
    status: 'completed-with-errors',
    writePath: 'bulk',
    counts: { updated: 2, failed: 2 },
  });
  expect(service.tagUpdates.counts).toEqual(bulk.tagUpdates.counts);
  expect(bulk.updateReport.map((r) => [r.itemNumber, r.message])).toEqual([
    [1, 'name: This attribute must be unique'],
    [4, 'name: name must be a `string` type, but the final value was: `null`.'],
  ]);
  expect(service.updateReport.map((r) => [r.itemNumber, r.message])).toEqual(
    bulk.updateReport.map((r) => [r.itemNumber, r.message])
  );
  expect(bulk.rows).toEqual(service.rows);
});

/**
 * Articles: draft & publish, two locales, a many-to-one and a many-to-many relation (with both sides' order
 * columns), the SEO component, the dynamic zone, media, and items the bulk path hands to the Document Service
 * (self relations, updates, a new locale of an existing document). Row ids differ between the runs: every id is
 * replaced by what it stands for (an article by slug, locale and version; a component by its owner and place).
 */
const CATEGORIES = jsonl(['news', 'tech', 'life'].map((slug) => ({ name: slug, slug })));
/** Editions: a draft & publish target (spring and summer published, winter a draft only). */
const EDITIONS = ['spring', 'summer', 'winter'];
const PUBLISHED_EDITIONS = jsonl(EDITIONS.slice(0, 2).map((slug) => ({ name: slug, slug })));
const DRAFT_EDITIONS = jsonl(EDITIONS.slice(2).map((slug) => ({ name: slug, slug })));
/** Topics: a draft & publish target of a many-to-many relation (art and bio published, car a draft only). */
const TOPICS = ['art', 'bio', 'car'];
const PUBLISHED_TOPICS = jsonl(TOPICS.slice(0, 2).map((slug) => ({ name: slug, slug })));
const DRAFT_TOPICS = jsonl(TOPICS.slice(2).map((slug) => ({ name: slug, slug })));
const topics = (...slugs: string[]) => slugs.map((slug) => ({ slug }));
const TAG_NAMES = ['t0', 't1', 't2', 't3', 't4'];
const TAG_FILE = jsonl(TAG_NAMES.map((name) => ({ name })));
const article = (i: number, extra: Record<string, unknown> = {}) => ({
  title: `Article ${i}`,
  slug: `article-${i}`,
  views: i,
  featured: i % 2 === 0,
  metadata: i % 5 ? null : { n: i },
  category: i % 7 === 6 ? null : { slug: ['news', 'tech', 'life'][i % 3] },
  edition: i % 5 === 4 ? null : { slug: EDITIONS[i % 3] },
  topics: i % 6 === 5 ? [] : topics(TOPICS[i % 3], TOPICS[(i + 1) % 3]),
  tags: i % 4 === 3 ? [] : [{ name: TAG_NAMES[i % 5] }, { name: TAG_NAMES[(i + 2) % 5] }],
  seo: i % 6 === 5 ? null : { metaTitle: `Meta ${i}`, keywords: i % 2 ? ['a', 'b'] : null },
  sections:
    i % 3
      ? []
      : [
          { __component: 'sections.quote', text: `Quote ${i}` },
          { __component: 'sections.text-block', body: `Body ${i}` },
        ],
  cover: i % 4 === 0 ? { hash: 'cover_hash' } : null,
  // Every other scalar kind, on some items.
  ...(i % 8 === 1
    ? {
        summary: `Summary ${i}`,
        rating: (i % 50) / 10,
        price: i + 0.25,
        bigViews: String(9_000_000_000 + i),
        publishDate: '2026-01-15',
        reviewTime: '10:30:00',
        lastReviewedAt: '2026-01-15T10:30:00.000Z',
        kind: 'review',
        body: [{ type: 'paragraph', children: [{ type: 'text', text: `Body ${i}` }] }],
      }
    : {}),
  ...extra,
});
const PUBLISHED = jsonl([
  article(121, { related: [{ slug: 'article-60' }] }), // a self relation further on: the second pass
  ...Array.from({ length: 120 }, (_, i) => article(i)),
  article(120, { related: [{ slug: 'article-3' }] }), // a self relation: the Document Service
  { title: 'No slug category', slug: 'bad-1', category: { slug: 'missing' } }, // unresolvable reference
  article(122, { seo: { metaTitle: 'x'.repeat(61) } }), // a component rule (max length 60)
  { slug: 'bad-2' }, // required title when published
  ...Array.from({ length: 30 }, (_, i) => article(123 + i, { locale: 'fr' })), // new documents in French
  article(5, { title: 'Article 5 again' }), // the same key twice in one file: created, then updated
]);
const DRAFTS = jsonl([
  ...Array.from({ length: 40 }, (_, i) => article(200 + i)),
  { slug: 'draft-without-title' }, // drafts may leave required fields empty
  article(10, { title: 'Article 10 edited as a draft' }), // an update: the Document Service
]);

const UPDATES = jsonl([
  ...Array.from({ length: 60 }, (_, i) => ({
    slug: `article-${i}`,
    title: `Article ${i} updated`,
    views: 1000 + i,
    ...(i % 4 === 1 ? { edition: { slug: EDITIONS[(i + 1) % 3] } } : i % 4 === 2 ? { edition: null } : {}),
    ...(i % 5 === 2 ? { topics: topics(TOPICS[(i + 2) % 3], TOPICS[i % 3]) } : i % 5 === 3 ? { topics: [] } : {}),
    ...(i % 5 === 0
      ? { category: { slug: ['news', 'tech', 'life'][(i + 1) % 3] } }
      : i % 5 === 1
      ? { category: null }
      : {}),
    tags: [
      [{ name: TAG_NAMES[(i + 2) % 5] }, { name: TAG_NAMES[i % 5] }],
      [{ name: TAG_NAMES[(i + 1) % 5] }, { name: TAG_NAMES[i % 5] }],
      [],
      [{ name: 't0' }, { name: 't1' }, { name: 't2' }],
    ][i % 4],
    ...(i % 3 === 0 ? { seo: { metaTitle: `New meta ${i}` } } : i % 3 === 1 ? { seo: null } : {}),
    ...(i % 6 === 0 ? { sections: [{ __component: 'sections.text-block', body: `New body ${i}` }] } : {}),
    ...(i % 8 === 0 ? { cover: null } : i % 8 === 4 ? { cover: { hash: 'cover_hash' } } : {}),
    // Every scalar kind, set or emptied.
    ...(i % 7 === 2
      ? {
          summary: `Summary ${i} updated`,
          rating: 4.5,
          price: i + 0.75,
          bigViews: String(9_100_000_000 + i),
          featured: i % 2 === 1,
          publishDate: '2026-02-28',
          reviewTime: '23:59:00',
          lastReviewedAt: '2026-03-01T08:00:00.000Z',
          kind: 'tutorial',
          metadata: { updated: i, list: [1, 2] },
          body: [{ type: 'paragraph', children: [{ type: 'text', text: `Updated body ${i}` }] }],
        }
      : i % 7 === 3
      ? {
          summary: null,
          rating: null,
          price: null,
          bigViews: null,
          publishDate: null,
          reviewTime: null,
          lastReviewedAt: null,
          metadata: null,
          body: null,
        }
      : {}),
  })),
  { slug: 'article-1', tags: [{ name: 't3' }], summary: 'Updated twice' }, // the same row again
  { slug: 'article-125', locale: 'fr', title: 'Article 125 mis à jour', tags: [{ name: 't1' }] },
  { slug: 'article-2', seo: { metaTitle: 'x'.repeat(61) } }, // a component rule (max length 60)
  { slug: 'article-3', title: null }, // a draft may have no title
  { slug: 'article-210', featured: true, category: { slug: 'life' } }, // an entry that only ever was a draft
]);

/**
 * Updates that publish (patch): the draft as updated, what the file sets and what the draft held already, becomes
 * the published version; drafts never published are published for the first time. Items the bulk path is not
 * certain of go through the Document Service: an attribute with a published-only rule left out (seo, on every
 * tenth), a required title emptied or left out as null, a component rule broken, a document holding a self relation.
 */
const PUBLISHING = jsonl([
  ...Array.from({ length: 40 }, (_, i) => ({
    slug: `article-${i}`,
    title: `Article ${i} published again`,
    views: 2000 + i,
    rating: (i % 5) / 2,
    ...(i % 10 === 9 ? {} : { seo: i % 2 ? null : { metaTitle: `Published meta ${i}`, noIndex: i % 4 === 0 } }),
    ...(i % 4 === 3 ? { edition: { slug: EDITIONS[(i + 2) % 3] } } : {}),
    ...(i % 5 === 1 ? { topics: topics(TOPICS[(i + 1) % 3], TOPICS[(i + 2) % 3], TOPICS[i % 3]) } : {}),
    ...(i % 5 === 0
      ? { category: { slug: ['news', 'tech', 'life'][(i + 2) % 3] } }
      : i % 5 === 1
      ? { category: null }
      : {}),
    ...(i % 3 === 0
      ? { tags: [{ name: TAG_NAMES[(i + 3) % 5] }, { name: TAG_NAMES[i % 5] }] }
      : i % 3 === 1
      ? { tags: [] }
      : {}),
    ...(i % 4 === 0 ? { sections: [{ __component: 'sections.quote', text: `Published quote ${i}` }] } : {}),
    ...(i % 6 === 0 ? { cover: null } : i % 6 === 3 ? { cover: { hash: 'cover_hash' } } : {}),
    ...(i % 7 === 4 ? { summary: `Published summary ${i}`, featured: true } : {}),
  })),
  // Drafts published for the first time (their relations, components and media as the drafts hold them).
  ...Array.from({ length: 12 }, (_, i) => ({
    slug: `article-${200 + i}`,
    title: `Article ${200 + i} first published`,
    views: 1,
    rating: 0,
    seo: i % 3 ? { metaTitle: `First meta ${i}` } : null,
    ...(i % 4 === 1 ? { tags: [{ name: 't4' }] } : {}),
  })),
  { slug: 'article-125', locale: 'fr', title: 'Article 125 publié', views: 1, rating: 1, seo: null },
  { slug: 'article-60', title: 'Article 60 (a self relation points at it)', views: 6, rating: 1, seo: null },
  { slug: 'article-121', title: 'Article 121 (holds a self relation)', views: 1, rating: 1, seo: null },
  { slug: 'article-41', title: null, views: 1, rating: 1, seo: null }, // a required title emptied
  { slug: 'draft-without-title', views: 3, rating: 0, seo: null }, // its draft has no title: publishing it fails
  { slug: 'article-42', title: 'Article 42', views: 1, rating: 1, seo: { metaTitle: 'x'.repeat(61) } },
  { slug: 'article-43', title: 'Article 43 published', views: 43, rating: 1, seo: null },
  { slug: 'article-43', title: 'Article 43 published twice', views: 43, rating: 2, seo: null },
]);

const COMPONENT_TABLES: Record<string, string> = {
  components_shared_seos: 'shared.seo',
  components_sections_quotes: 'sections.quote',
  components_sections_text_blocks: 'sections.text-block',
};
const ARTICLE_TABLES = [
  'articles',
  'articles_category_lnk',
  'articles_edition_lnk',
  'editions',
  'articles_topics_lnk',
  'topics',
  'articles_tags_lnk',
  'articles_related_lnk',
  'articles_cmps',
  'components_shared_seos',
  'components_sections_quotes',
  'components_sections_text_blocks',
  'files_related_mph',
];

/**
 * `rankTargetOrders`: the target side's order compared as each link's place among the target's links, not as the
 * number stored. The Document Service's publish deletes the published version's links,
 * closes up each target's order, writes new links and puts back the old numbers, one document after the other: the
 * places it leaves are the ones the bulk path keeps, the numbers have gaps where the bulk path's do not. The order
 * on a draft & publish target (editions, topics) is left out then: a version published for the first time takes its
 * draft's number (in the target draft's sequence) into the target's published sequence, and where that number
 * lands depends on how the published sequence is numbered at that moment, document after document.
 */
const articleState = async (app: TestApp, { rankTargetOrders = false } = {}) => {
  const knex = app.strapi.db.connection;
  const rows: Record<string, Array<Record<string, unknown>>> = {};
  for (const table of ARTICLE_TABLES)
    rows[table] = (await knex(table).select('*').orderBy('id')) as Array<Record<string, unknown>>;
  const articleId = new Map(
    rows.articles.map((r) => [r.id, `${r.slug}|${r.locale}|${r.published_at === null ? 'draft' : 'published'}`])
  );
  // Versions of one document share its documentId.
  const documentIds = new Map<string, Set<unknown>>();
  for (const r of rows.articles) {
    const key = `${r.slug}|${r.locale}`;
    if (!documentIds.has(key)) documentIds.set(key, new Set());
    documentIds.get(key)!.add(r.document_id);
  }
  expect([...documentIds.values()].every((ids) => ids.size === 1)).toBe(true);
  const topicId = new Map(
    rows.topics.map((r) => [r.id, `${r.slug}|${r.published_at === null ? 'draft' : 'published'}`])
  );
  const editionId = new Map(
    rows.editions.map((r) => [r.id, `${r.slug}|${r.published_at === null ? 'draft' : 'published'}`])
  );
  // Strapi 5.54's Document Service leaves the `_cmps` rows of a dynamic zone emptied by an update pointing at the
  // component rows it deleted (its morph `set` of nothing deletes no links); the bulk path deletes them. Such rows
  // link nothing (reads are the same): they are counted apart, and compared without.
  const componentTypes = new Map(
    Object.entries(COMPONENT_TABLES).map(([table, type]) => [type, new Set(rows[table].map((r) => r.id))])
  );
  const dangling = rows.articles_cmps.filter((r) => !componentTypes.get(String(r.component_type))?.has(r.cmp_id));
  rows.articles_cmps = rows.articles_cmps.filter((r) => !dangling.includes(r));
  const componentId = new Map(
    rows.articles_cmps.map((r) => [
      `${r.component_type}|${r.cmp_id}`,
      `${articleId.get(r.entity_id)}|${r.field}|${r.order}`,
    ])
  );
  const strip = (row: Record<string, unknown>, replace: Record<string, (v: unknown) => unknown>) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => !VOLATILE.has(k))
        .map(([k, v]) => [k, replace[k] ? replace[k](v) : v])
    );
  const sorted = (list: Array<Record<string, unknown>>) => list.map((r) => JSON.stringify(r)).sort();
  const byArticle = (v: unknown) => articleId.get(v) ?? `missing ${v}`;
  // The target side's order: a draft and its published version share one when written; when Strapi closes up a
  // target's order after a link is deleted (`ROW_NUMBER() OVER (ORDER BY article_ord)`), the database numbers such
  // a tie in no set order (PostgreSQL and MariaDB differ from run to run), on either path. So the versions of one
  // document linked to one target are compared by the set of orders they hold, not by which holds which.
  const versionOrders = (table: string, target: string, order: string) => {
    if (rankTargetOrders) {
      // Each link's place among its target's links (ties in the order taken by what the link stands for).
      const key = (r: Record<string, unknown>) => [Number(r[order]), String(byArticle(r.article_id))] as const;
      const sortedLinks = [...rows[table]].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
      });
      const seen = new Map<unknown, number>();
      const place = new Map<Record<string, unknown>, number>();
      for (const r of sortedLinks) {
        seen.set(r[target], (seen.get(r[target]) ?? 0) + 1);
        place.set(r, seen.get(r[target])!);
      }
      rows[table] = rows[table].map((r) => ({ ...r, [order]: place.get(r) }));
    }
    const document = (r: Record<string, unknown>) => String(byArticle(r.article_id)).split('|').slice(0, 2).join('|');
    const held = new Map<string, number[]>();
    for (const r of rows[table]) {
      const key = `${r[target]}|${document(r)}`;
      held.set(
        key,
        [...(held.get(key) ?? []), Number(r[order])].sort((x, y) => x - y)
      );
    }
    return rows[table].map((r) => ({
      ...strip(r, { article_id: byArticle }),
      [order]: held.get(`${r[target]}|${document(r)}`)!.join(','),
    }));
  };
  return {
    articles: sorted(rows.articles.map((r) => ({ ...strip(r, {}), version: articleId.get(r.id) }))),
    articles_category_lnk: sorted(versionOrders('articles_category_lnk', 'category_id', 'article_ord')),
    articles_topics_lnk: sorted(
      versionOrders('articles_topics_lnk', 'topic_id', 'article_ord').map(({ article_ord: order, ...r }) => ({
        ...r,
        topic_id: topicId.get(r.topic_id),
        ...(rankTargetOrders ? {} : { article_ord: order }),
      }))
    ),
    articles_edition_lnk: sorted(
      versionOrders('articles_edition_lnk', 'edition_id', 'article_ord').map(({ article_ord: order, ...r }) => ({
        ...r,
        edition_id: editionId.get(r.edition_id),
        // After updates that publish, a draft & publish target's order is not compared (see above).
        ...(rankTargetOrders ? {} : { article_ord: order }),
      }))
    ),
    articles_tags_lnk: sorted(versionOrders('articles_tags_lnk', 'tag_id', 'article_ord')),
    articles_related_lnk: sorted(
      rows.articles_related_lnk.map((r) => strip(r, { article_id: byArticle, inv_article_id: byArticle }))
    ),
    articles_cmps: sorted(rows.articles_cmps.map((r) => strip(r, { entity_id: byArticle, cmp_id: () => null }))),
    components: sorted(
      Object.entries(COMPONENT_TABLES).flatMap(([table, type]) =>
        rows[table].map((r) => ({ ...strip(r, {}), type, owner: componentId.get(`${type}|${r.id}`) ?? 'no owner' }))
      )
    ),
    files_related_mph: sorted(rows.files_related_mph.map((r) => strip(r, { related_id: byArticle }))),
    danglingComponentLinks: sorted(dangling.map((r) => strip(r, { entity_id: byArticle, cmp_id: () => null }))),
  };
};

const runArticles = async (bulk: boolean) => {
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk) } });
  try {
    const token = await registerSuperAdmin(app);
    await app.strapi.db.query('plugin::upload.file').create({
      data: {
        name: 'cover.png',
        hash: 'cover_hash',
        ext: '.png',
        mime: 'image/png',
        size: 1,
        url: '/uploads/cover_hash.png',
        provider: 'local',
      },
    });
    await importFile(app, token, {
      fileName: 'categories.jsonl',
      content: CATEGORIES,
      options: { contentType: 'api::category.category', matchBy: 'slug' },
    });
    await importFile(app, token, {
      fileName: 'tags.jsonl',
      content: TAG_FILE,
      options: { contentType: 'api::tag.tag', matchBy: 'name' },
    });
    for (const [type, content, status] of [
      ['api::edition.edition', PUBLISHED_EDITIONS, 'published'],
      ['api::edition.edition', DRAFT_EDITIONS, 'draft'],
      ['api::topic.topic', PUBLISHED_TOPICS, 'published'],
      ['api::topic.topic', DRAFT_TOPICS, 'draft'],
    ] as const) {
      await importFile(app, token, {
        fileName: 'targets.jsonl',
        content,
        options: { contentType: type, matchBy: 'slug', status },
      });
    }
    const options = { contentType: 'api::article.article', matchBy: 'slug', onError: 'continue' };
    const published = await importFile(app, token, {
      fileName: 'published.jsonl',
      content: PUBLISHED,
      options: { ...options, status: 'published' },
    });
    const drafts = await importFile(app, token, {
      fileName: 'drafts.jsonl',
      content: DRAFTS,
      options: { ...options, status: 'draft' },
    });
    // Updates of existing drafts (the published versions stay as they are), patch: relations changed, emptied,
    // reordered, partly kept (the target side's order closes up); components replaced or removed; media replaced
    // or removed; one article twice; a French one; a component rule broken; a required title emptied (a draft).
    const updates = await importFile(app, token, {
      fileName: 'updates.jsonl',
      content: UPDATES,
      options: { contentType: 'api::article.article', matchBy: 'slug', onError: 'continue', status: 'draft' },
    });
    const updatesReport = await reportOf(app, token, updates);
    // overwrite: what the file leaves out is reset (relations and components emptied, scalars to their default).
    const overwrite = await importFile(app, token, {
      fileName: 'overwrite.jsonl',
      content: jsonl([
        { slug: 'article-6', title: 'Article 6 overwritten' },
        { slug: 'article-7', title: 'Article 7 overwritten', tags: [{ name: 't4' }, { name: 't0' }] },
        { slug: 'article-205', title: 'Draft 205 overwritten', seo: { metaTitle: 'Overwritten' } },
      ]),
      options: { contentType: 'api::article.article', matchBy: 'slug', updateStrategy: 'overwrite', status: 'draft' },
    });
    // Unique values: a slug an existing published entry holds, and one repeated within the file (matchBy
    // documentId, so every item is new): Strapi's own rule fails the later ones.
    const unique = await importFile(app, token, {
      fileName: 'unique.jsonl',
      content: jsonl([
        article(300, { slug: 'article-1' }),
        article(301, { slug: 'repeated' }),
        article(302, { slug: 'repeated' }),
        article(303),
      ]),
      options: { contentType: 'api::article.article', onError: 'continue', status: 'published' },
    });
    const uniqueReport = await reportOf(app, token, unique);
    // The French version of an English document (matchBy documentId): the Document Service's locale path.
    const [first] = (await app.strapi.db
      .connection('articles')
      .select('document_id')
      .where({ slug: 'article-0', locale: 'en' })) as Array<{ document_id: string }>;
    const localeVersion = await importFile(app, token, {
      fileName: 'fr.jsonl',
      content: jsonl([{ documentId: first.document_id, locale: 'fr', ...article(0, { slug: 'article-0-fr' }) }]),
      options: { contentType: 'api::article.article', status: 'published' },
    });
    const report = await reportOf(app, token, published);
    const beforePublishing = await articleState(app);
    const publishing = await importFile(app, token, {
      fileName: 'publishing.jsonl',
      content: PUBLISHING,
      options: { contentType: 'api::article.article', matchBy: 'slug', onError: 'continue', status: 'published' },
    });
    const publishingReport = await reportOf(app, token, publishing);
    // Read back through the Document Service: what Strapi itself sees.
    const read = (await app.strapi.documents('api::article.article' as never).findMany({
      locale: '*',
      status: 'published',
      populate: { category: true, tags: true, seo: true, sections: true, cover: true },
      sort: ['slug:asc', 'locale:asc'],
      limit: 1000,
    } as never)) as Array<Record<string, unknown>>;
    return {
      published,
      drafts,
      updates,
      updatesReport,
      overwrite,
      localeVersion,
      report,
      unique,
      uniqueReport,
      read: read.map(({ id: _id, documentId: _d, createdAt: _c, updatedAt: _u, publishedAt: _p, ...rest }) =>
        JSON.stringify(rest, (k, v) =>
          ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt'].includes(k) ? undefined : v
        )
      ),
      beforePublishing,
      publishing,
      publishingReport,
      rows: await articleState(app, { rankTargetOrders: true }),
    };
  } finally {
    await app.stop();
  }
};

test('articles (draft & publish, locales, relations, components, media): both paths leave identical database state', async () => {
  const bulk = await runArticles(true);
  const service = await runArticles(false);
  expect(bulk.published).toMatchObject({
    status: 'completed-with-errors',
    writePath: 'bulk+document-service',
    counts: { processed: 156, created: 152, updated: 1, failed: 3 },
  });
  expect(service.published).toMatchObject({ writePath: 'document-service', counts: bulk.published.counts });
  expect(bulk.drafts).toMatchObject({
    status: 'completed',
    writePath: 'bulk',
    counts: { created: 41, updated: 1, failed: 0 },
  });
  expect(service.drafts.counts).toEqual(bulk.drafts.counts);
  expect(bulk.updates).toMatchObject({
    status: 'completed-with-errors',
    writePath: 'bulk',
    counts: { updated: 64, failed: 1 },
  });
  expect(service.updates).toMatchObject({ writePath: 'document-service', counts: bulk.updates.counts });
  expect(bulk.updatesReport.map((r) => [r.itemNumber, r.message])).toEqual(
    service.updatesReport.map((r) => [r.itemNumber, r.message])
  );
  expect(bulk.updatesReport.map((r) => r.itemNumber)).toEqual([63]);
  expect(bulk.overwrite).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { updated: 3 } });
  expect(service.overwrite.counts).toEqual(bulk.overwrite.counts);
  expect(bulk.localeVersion).toMatchObject({
    status: 'completed',
    writePath: 'document-service',
    counts: { created: 1 },
  });
  expect(bulk.report.map((r) => [r.itemNumber, r.message])).toEqual(
    service.report.map((r) => [r.itemNumber, r.message])
  );
  expect(bulk.unique).toMatchObject({ status: 'completed-with-errors', counts: { created: 2, failed: 2 } });
  expect(bulk.uniqueReport.map((r) => [r.itemNumber, r.message])).toEqual([
    [1, 'slug: This attribute must be unique'],
    [3, 'slug: This attribute must be unique'],
  ]);
  expect(service.uniqueReport).toEqual(bulk.uniqueReport);
  expect(bulk.read).toEqual(service.read);
  expect(bulk.read.length).toBeGreaterThan(150);
  expect(service.rows.danglingComponentLinks).toEqual([
    '{"entity_id":"article-6|en|draft","cmp_id":null,"component_type":"sections.text-block","field":"sections","order":1}',
  ]);
  expect(bulk.beforePublishing.danglingComponentLinks).toEqual([]);
  for (const table of (Object.keys(service.beforePublishing) as Array<keyof typeof service.rows>).filter(
    (t) => t !== 'danglingComponentLinks'
  )) {
    expect({ table, rows: bulk.beforePublishing[table] }).toEqual({ table, rows: service.beforePublishing[table] });
  }
  // Updates that publish.
  expect(bulk.publishing).toMatchObject({
    status: 'completed-with-errors',
    writePath: 'bulk+document-service',
    counts: { processed: 60, created: 0, updated: 57, failed: 3 },
  });
  expect(bulk.publishingReport.map((r) => r.itemNumber)).toEqual([56, 57, 58]);
  expect(service.publishing).toMatchObject({ writePath: 'document-service', counts: bulk.publishing.counts });
  expect(bulk.publishingReport.map((r) => [r.itemNumber, r.message])).toEqual(
    service.publishingReport.map((r) => [r.itemNumber, r.message])
  );
  for (const table of (Object.keys(service.rows) as Array<keyof typeof service.rows>).filter(
    (t) => t !== 'danglingComponentLinks'
  )) {
    expect({ table, rows: bulk.rows[table] }).toEqual({ table, rows: service.rows[table] });
  }
  // Something of every kind was written.
  expect(bulk.rows.articles_related_lnk.length).toBeGreaterThan(0);
  expect(bulk.rows.files_related_mph.length).toBeGreaterThan(0);
  expect(bulk.rows.components.length).toBeGreaterThan(0);
});

/**
 * Desks (draft & publish) and chairs (without): a two-sided one-to-one relation (`chair`), which takes a chair from
 * the desk that held it (every version of that desk loses its link), and one-sided one-to-one and one-to-many ones
 * (`spare`, `stack`), which take nothing (Strapi's rule; the other side of a two-sided one-to-many is not imported).
 * Creates, patch and overwrite updates and updates that publish move chairs from desk to desk, items of one batch
 * compete for one chair (the later wins). Then a relation of desks to desks (`neighbours`) on drafts, created and
 * updated in bulk, and published through the Document Service. Both paths leave the same rows after each file.
 */
const DESK_RELATIONS = ['chair', 'spare', 'stack', 'neighbours'];
const chairs = (...names: string[]) => names.map((name) => ({ name }));
const chair = (name: string) => ({ name });
const neighbours = (...codes: string[]) => codes.map((code) => ({ code }));
/** Each file's path: `bulk` unless said. */
const DESK_FILES: Array<{ name: string; items: unknown[]; options: Record<string, unknown>; path?: string }> = [
  {
    name: 'chairs',
    items: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'].map((name) => ({ name })),
    options: { contentType: 'api::chair.chair', matchBy: 'name' },
  },
  {
    name: 'desks-published',
    items: [
      { name: 'Desk 1', code: 'd1', chair: chair('c1'), spare: chair('c1'), stack: chairs('c4', 'c5') },
      // Takes c1 from d1, written in the same batch (the later item wins); the one-sided ones take nothing.
      { name: 'Desk 2', code: 'd2', chair: chair('c1'), spare: chair('c1'), stack: chairs('c4') },
      { name: 'Desk 3', code: 'd3', chair: chair('c5'), stack: chairs('c6', 'c9') },
      { name: 'Desk 5', code: 'd5', chair: chair('c8') },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'published' },
  },
  {
    name: 'desks-drafts',
    // A draft takes c5 from a published desk: its draft and published versions both lose it.
    items: [{ name: 'Desk 4', code: 'd4', chair: chair('c5'), stack: chairs('c2', 'c7', 'c9', 'c1') }],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'draft' },
  },
  {
    name: 'desks-patch',
    items: [
      { code: 'd1', chair: chair('c5'), stack: chairs('c1', 'c6') },
      { code: 'd2', stack: chairs('c3') },
      { code: 'd3', chair: chair('c7') },
      // Competing in one batch: d5 takes c7 from d3 again, then d3 takes it back.
      { code: 'd5', chair: chair('c7'), stack: chairs('c9') },
      { code: 'd3', chair: chair('c7') },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'draft' },
  },
  {
    name: 'desks-overwrite',
    items: [{ name: 'Desk 3 again', code: 'd3', stack: chairs('c7', 'c2') }],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'draft', updateStrategy: 'overwrite' },
  },
  {
    name: 'desks-publish',
    items: [
      // Published for the first time, taking c5 from d1's draft.
      { name: 'Desk 4', code: 'd4', chair: chair('c5') },
      // Published as its draft holds it, less c5, which d4 took just before.
      { name: 'Desk 1', code: 'd1' },
      { name: 'Desk 2', code: 'd2', stack: chairs('c6', 'c3') },
      // d5's published version keeps c8 (its own document), then d3 takes it from both of d5's versions.
      { name: 'Desk 5', code: 'd5', chair: chair('c8') },
      { name: 'Desk 3 again', code: 'd3', chair: chair('c8') },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'published' },
  },
  {
    // A relation of a draft & publish type to itself, on drafts: links to the targets' drafts (published or not).
    name: 'desks-neighbours',
    items: [
      { name: 'Desk 6', code: 'd6', neighbours: neighbours('d1', 'd3', 'd4') },
      { name: 'Desk 7', code: 'd7', neighbours: neighbours('d2', 'd1') },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'draft' },
  },
  {
    name: 'desks-neighbours-patch',
    items: [
      { code: 'd1', neighbours: neighbours('d6', 'd2') },
      { code: 'd6', neighbours: neighbours('d4', 'd1') },
      { code: 'd7', neighbours: [] },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'draft' },
  },
  {
    // Publishing a desk that holds a self relation (d6) or is the target of one (d2): the Document Service (its
    // publish copies other drafts' links to the published version); d5 holds none: bulk.
    name: 'desks-neighbours-publish',
    items: [
      { name: 'Desk 6', code: 'd6' },
      { name: 'Desk 2', code: 'd2' },
      { name: 'Desk 5', code: 'd5', chair: chair('c9') },
    ],
    options: { contentType: 'api::desk.desk', matchBy: 'code', status: 'published' },
    path: 'bulk+document-service',
  },
];

/** Every desk and chair row and every link of the desks' relations, ids replaced by what they stand for. */
const deskState = async (app: TestApp) => {
  const knex = app.strapi.db.connection;
  const desks = (await knex('desks').select('*').orderBy('id')) as Array<Record<string, unknown>>;
  const chairRows = (await knex('chairs').select('*').orderBy('id')) as Array<Record<string, unknown>>;
  const deskId = new Map(desks.map((r) => [r.id, `${r.code}|${r.published_at === null ? 'draft' : 'published'}`]));
  const chairId = new Map(chairRows.map((r) => [r.id, String(r.name)]));
  const strip = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k)));
  const out: Record<string, unknown> = {
    desks: desks.map(strip).map((r) => JSON.stringify(r)).sort(),
    chairs: chairRows.map(strip),
  };
  const meta = app.strapi.db.metadata.get('api::desk.desk' as never) as unknown as {
    attributes: Record<
      string,
      { target: string; joinTable: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } }
    >;
  };
  for (const name of DESK_RELATIONS) {
    const { joinTable, target } = meta.attributes[name];
    const targetId = target === 'api::desk.desk' ? deskId : chairId;
    const rows = (await knex(joinTable.name).select('*')) as Array<Record<string, unknown>>;
    out[name] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => k !== 'id')
              .map(([k, v]) => [
                k,
                k === joinTable.joinColumn.name
                  ? deskId.get(v) ?? `missing ${v}`
                  : k === joinTable.inverseJoinColumn.name
                    ? targetId.get(v) ?? `missing ${v}`
                    : v,
              ])
          )
        )
      )
      .sort();
  }
  return out;
};

const runDesks = async (bulk: boolean) => {
  // The file's fifth and sixth app: Strapi's limit on admin registrations (five in five minutes) is off for them.
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk), ADMIN_RATE_LIMIT: 'false' } });
  try {
    const token = await registerSuperAdmin(app);
    const steps: Array<{ name: string; task: Record<string, unknown>; rows: unknown }> = [];
    for (const file of DESK_FILES) {
      const task = (await importFile(app, token, {
        fileName: `${file.name}.jsonl`,
        content: jsonl(file.items),
        options: file.options,
      })) as unknown as Record<string, unknown>;
      steps.push({ name: file.name, task, rows: await deskState(app) });
    }
    return steps;
  } finally {
    await app.stop();
  }
};

test('desks: one-to-one and one-to-many relations that take a chair from another desk, and self relations of drafts, leave the same rows on both paths, in bulk', async () => {
  const bulk = await runDesks(true);
  const service = await runDesks(false);
  for (const [i, step] of bulk.entries()) {
    expect({ file: step.name, task: step.task }).toMatchObject({
      file: step.name,
      task: { status: 'completed', writePath: DESK_FILES[i].path ?? 'bulk', counts: { failed: 0 } },
    });
    expect({ file: step.name, task: service[i].task }).toMatchObject({
      file: step.name,
      task: { status: 'completed', writePath: 'document-service', counts: (step.task as { counts: unknown }).counts },
    });
    expect({ file: step.name, rows: step.rows }).toEqual({ file: step.name, rows: service[i].rows });
  }
  // The files moved chairs: the last state is not the first one's (the test compares something that changed).
  const last = bulk[bulk.length - 1].rows as Record<string, string[]>;
  expect(last.chair).toEqual(
    expect.arrayContaining([expect.stringContaining('"desk_id":"d3|published"')])
  );
});

/**
 * Regions: localized, no draft & publish, a non-localized unique `code`. An update that changes the code of one
 * locale changes it on every other locale of the document (i18n's document middleware, with `updatedAt`); the bulk
 * path does the same. Rows are keyed by the code and locale they had before the updates.
 */
const REGION = 'api::region.region';
const regionRows = async (app: TestApp) =>
  (await app.strapi.db.connection('regions').select('*').orderBy('id')) as Array<Record<string, unknown>>;

const runRegions = async (bulk: boolean) => {
  // The file's seventh and eighth app: Strapi's limit on admin registrations (five in five minutes) is turned off.
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk), ADMIN_RATE_LIMIT: 'false' } });
  try {
    const token = await registerSuperAdmin(app);
    const regions = (locale: string, names: string) =>
      jsonl(Array.from({ length: 7 }, (_, i) => ({ code: `c${i}`, locale, name: `${names} ${i}` })));
    const en = await importFile(app, token, {
      fileName: 'regions-en.jsonl',
      content: regions('en', 'Region'),
      options: { contentType: REGION, matchBy: 'code' },
    });
    // The French versions (matched by the code every locale shares): new locales of the documents.
    const fr = await importFile(app, token, {
      fileName: 'regions-fr.jsonl',
      content: regions('fr', 'Région'),
      options: { contentType: REGION, matchBy: 'code' },
    });
    // Document c6's locales hold different codes (as rows written before `code` was made non-localized would).
    await app.strapi.db.connection('regions').where({ code: 'c6', locale: 'fr' }).update({ code: 'c6-fr' });
    const before = await regionRows(app);
    const keyOf = new Map(before.map((row) => [row.id, `${row.code}|${row.locale}`]));
    const doc = new Map(before.filter((row) => row.locale === 'en').map((row) => [row.code, String(row.document_id)]));
    await new Promise((resolve) => setTimeout(resolve, 20)); // updated_at moves on for the rows written next
    const updates = await importFile(app, token, {
      fileName: 'regions-update.jsonl',
      content: jsonl([
        { documentId: doc.get('c0'), locale: 'en', code: 'c0-new', name: 'Region 0 renamed' }, // code and name
        { documentId: doc.get('c1'), locale: 'en', name: 'Region 1 renamed' }, // the name only
        { documentId: doc.get('c2'), locale: 'en', code: 'c2', name: 'Region 2 renamed' }, // the same code
        { documentId: doc.get('c3'), locale: 'en', code: 'c3-en' }, // two locales of one document
        { documentId: doc.get('c3'), locale: 'fr', code: 'c3-fr', name: 'Région 3 renommée' },
        { documentId: doc.get('c4'), locale: 'fr', code: 'c4-fr' }, // from the other locale
      ]),
      options: { contentType: REGION, matchBy: 'documentId' },
    });
    const unsynced = await importFile(app, token, {
      fileName: 'regions-unsynced.jsonl',
      content: jsonl([{ documentId: doc.get('c6'), locale: 'en', name: 'Region 6 renamed' }]),
      options: { contentType: REGION, matchBy: 'documentId' },
    });
    // A code the first item syncs into French, then set in French on another document: Strapi's unique rule fails it.
    const clash = await importFile(app, token, {
      fileName: 'regions-clash.jsonl',
      content: jsonl([
        { documentId: doc.get('c5'), locale: 'en', code: 'c5-x' },
        { documentId: doc.get('c2'), locale: 'fr', code: 'c5-x' },
      ]),
      options: { contentType: REGION, matchBy: 'documentId', onError: 'continue' },
    });
    const clashReport = (await reportOf(app, token, clash)).map((r) => [r.itemNumber, r.message]);
    const touchedAt = new Map(before.map((row) => [row.id, new Date(row.updated_at as string).getTime()]));
    const rows = (await regionRows(app))
      .map((row) => ({
        key: keyOf.get(row.id),
        ...Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k))),
        touched: new Date(row.updated_at as string).getTime() !== touchedAt.get(row.id),
      }))
      .sort((a, b) => String(a.key).localeCompare(String(b.key)));
    return { en, fr, updates, unsynced, clash, clashReport, rows };
  } finally {
    await app.stop();
  }
};

test('regions (localized, a non-localized code): updates sync the code to every locale on both paths', async () => {
  const bulk = await runRegions(true);
  const service = await runRegions(false);
  expect(bulk.en).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { created: 7 } });
  expect(bulk.fr).toMatchObject({ status: 'completed', writePath: 'document-service', counts: { created: 7 } });
  // Every update took the bulk path (its document's locales held the same code)...
  expect(bulk.updates).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { updated: 6, failed: 0 } });
  // ... but one of a document whose locales hold different codes (i18n syncs or not by the row it reads first).
  expect(bulk.unsynced).toMatchObject({ status: 'completed', writePath: 'document-service', counts: { updated: 1 } });
  expect(bulk.clash).toMatchObject({ status: 'completed-with-errors', writePath: 'bulk', counts: { updated: 1, failed: 1 } });
  expect(bulk.clashReport).toEqual([[2, 'code: This attribute must be unique']]);
  expect(service.clashReport).toEqual(bulk.clashReport);
  for (const name of ['updates', 'unsynced', 'clash'] as const) {
    expect(service[name]).toMatchObject({ writePath: 'document-service', counts: bulk[name].counts });
  }
  expect(bulk.rows).toEqual(service.rows);
  // What i18n does, as the rows show it.
  const row = (key: string) => bulk.rows.find((r) => r.key === key);
  expect([row('c0|en'), row('c0|fr')]).toMatchObject([
    { code: 'c0-new', name: 'Region 0 renamed', touched: true },
    { code: 'c0-new', name: 'Région 0', touched: true },
  ]);
  expect([row('c1|en'), row('c1|fr')]).toMatchObject([
    { code: 'c1', name: 'Region 1 renamed', touched: true },
    { code: 'c1', name: 'Région 1', touched: false },
  ]);
  expect([row('c2|en'), row('c2|fr')]).toMatchObject([{ code: 'c2', touched: true }, { code: 'c2', touched: false }]);
  expect([row('c3|en'), row('c3|fr')]).toMatchObject([
    { code: 'c3-fr', name: 'Region 3', touched: true },
    { code: 'c3-fr', name: 'Région 3 renommée', touched: true },
  ]);
  expect([row('c4|en'), row('c4|fr')]).toMatchObject([{ code: 'c4-fr', touched: true }, { code: 'c4-fr', touched: true }]);
  expect([row('c5|en'), row('c5|fr')]).toMatchObject([{ code: 'c5-x', touched: true }, { code: 'c5-x', touched: true }]);
  expect([row('c2|en'), row('c2|fr')]).toMatchObject([{ code: 'c2' }, { code: 'c2' }]);
});
