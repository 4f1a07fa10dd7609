import { registerSuperAdmin } from '../helpers/admin';
import { startApp, PLUGIN_ID, type TestApp } from '../helpers/strapi';
import { exportFile, importFile, jsonl } from '../helpers/tasks';

/**
 * The export's two read paths (server/src/pipeline/export/read.ts): the lean per-page reader and the Document
 * Service page read it falls back to (`leanExports: false`, DMC_LEAN_EXPORTS in the playground). Every export here
 * runs through both on the same data and must give the same bytes; then what the files say is checked: which
 * version of a draft & publish target a draft or a published export names, locales, relationsAs, filters, custom
 * sorts, pages that split locales, an entry with nothing set, and pages larger than one IN list.
 */

let app: TestApp;
let token: string;
const ARTICLE = 'api::article.article';
const FORMATS = ['json', 'jsonl', 'jsont', 'csv'];

const setConfig = (key: string, value: unknown) => app.strapi.config.set(`plugin::${PLUGIN_ID}.${key}`, value);

/** Exports through both readers; expects the same file, and returns it. */
const both = async (options: Record<string, unknown>): Promise<string> => {
  const read = async (lean: boolean) => {
    setConfig('leanExports', lean);
    try {
      return await exportFile(app, token, options);
    } finally {
      setConfig('leanExports', true);
    }
  };
  const lean = await read(true);
  const service = await read(false);
  expect({ lean: lean.task.writePath, service: service.task.writePath }).toEqual({
    lean: 'lean',
    service: 'document-service',
  });
  expect(lean.text).toBe(service.text);
  expect(lean.task.counts).toEqual(service.task.counts);
  return lean.text;
};

const items = (text: string): Array<Record<string, unknown>> =>
  text.trim()
    ? text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
const bySlug = (text: string) => Object.fromEntries(items(text).map((item) => [`${item.slug}/${item.locale}`, item]));

const documentIdOf = async (slug: string) =>
  ((await app.strapi.db.query(ARTICLE).findOne({ where: { slug } })) as { documentId: string }).documentId;

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

describe('the lean reader and the Document Service write the same files', () => {
  const TYPES = [
    'api::category.category',
    'api::tag.tag',
    'api::author.author',
    'api::contact.contact',
    'api::homepage.homepage',
  ];

  test.each(FORMATS)('every content type, %s', async (format) => {
    for (const contentType of TYPES) await both({ contentType, format });
    await both({ contentType: 'api::author.author', format, includeTimestamps: true });
    for (const status of ['draft', 'published']) await both({ contentType: ARTICLE, format, locale: 'all', status });
    await both({ contentType: ARTICLE, format, locale: 'fr', includeTimestamps: true });
  });

  test.each([
    ['defaults', {}],
    ['published, every locale', { locale: 'all', status: 'published' }],
    ['relationsAs slug', { locale: 'all', relationsAs: 'slug' }],
    ['relationsAs name', { relationsAs: 'name' }],
    ['relationsAs email, published', { relationsAs: 'email', status: 'published' }],
    ['a fields subset', { fields: ['title', 'related', 'sections', 'cover'], locale: 'all' }],
    ['a filter on a relation', { filters: { category: { slug: 'news' } }, locale: 'all' }],
    ['a filter on a to-many relation', { filters: { tags: { name: { $in: ['csv', 'json'] } } }, locale: 'all' }],
    [
      'a filter on a component',
      { filters: { $or: [{ views: { $gte: 1500 } }, { seo: { metaTitle: { $eq: 'Article 3' } } }] } },
    ],
    [
      'a filter on documentId and locale',
      { filters: { locale: { $eq: 'fr' }, slug: { $contains: '-1' } }, locale: 'all' },
    ],
    ['sort by views', { sort: 'views:desc', locale: 'all' }],
    ['sort by two attributes', { sort: ['kind:asc', 'title:desc'], locale: 'all', status: 'published' }],
  ])('articles: %s, in pages of 7 and of 500', async (_, options) => {
    setConfig('batchSize', 7);
    let small: string;
    try {
      small = await both({ contentType: ARTICLE, format: 'jsonl', ...options });
    } finally {
      setConfig('batchSize', 500);
    }
    // Keyset pages (documentId, then locale) and offset pages split the entries without changing the file.
    expect(await both({ contentType: ARTICLE, format: 'jsonl', ...options })).toBe(small);
  });
});

test('a private upload provider (the Document Service signs media urls): types with media fall back', async () => {
  const provider = app.strapi.plugin('upload').provider as { isPrivate: () => boolean | Promise<boolean> };
  const isPrivate = provider.isPrivate;
  provider.isPrivate = () => true;
  try {
    const authors = await exportFile(app, token, { contentType: 'api::author.author', format: 'jsonl' });
    const articles = await exportFile(app, token, { contentType: ARTICLE, format: 'jsonl', fields: ['title', 'seo'] });
    const tags = await exportFile(app, token, { contentType: 'api::tag.tag', format: 'jsonl' });
    // The seo component has no media; the author's avatar is one.
    expect([authors, articles, tags].map(({ task }) => task.writePath)).toEqual(['document-service', 'lean', 'lean']);
  } finally {
    provider.isPrivate = isPrivate;
  }
});

describe('what the files say', () => {
  test('filters and sorts select and order as the Document Service does', async () => {
    const news = items(
      await both({
        contentType: ARTICLE,
        format: 'jsonl',
        filters: { category: { slug: 'news' } },
        locale: 'all',
        fields: ['slug'],
      })
    );
    // Category news is categories[0]: articles 5, 10, 15, 20 (and the French versions of the even ones).
    expect(news.map((i) => i.slug).sort()).toEqual([
      'article-10',
      'article-10-fr',
      'article-15',
      'article-20',
      'article-20-fr',
      'article-5',
    ]);
    const sorted = items(await both({ contentType: ARTICLE, format: 'jsonl', sort: 'views:desc', fields: ['views'] }));
    expect(sorted.map((i) => i.views)).toEqual([...sorted.map((i) => i.views as number)].sort((a, b) => b - a));
    expect(sorted).toHaveLength(20);
  });

  test('relationsAs: the target natural key where it has one, documentIds elsewhere', async () => {
    const article = bySlug(await both({ contentType: ARTICLE, format: 'jsonl', relationsAs: 'slug' }))['article-5/en'];
    expect(article.category).toEqual({ slug: 'news' });
    expect(article.related).toEqual([{ slug: 'article-4' }]);
    expect(article.tags).toEqual([expect.stringMatching(/^\w{24}$/), expect.stringMatching(/^\w{24}$/)]);
    const byName = bySlug(await both({ contentType: ARTICLE, format: 'jsonl', relationsAs: 'name' }))['article-5/en'];
    expect(byName.tags).toEqual([{ name: 'csv' }, { name: 'strapi' }]); // tags[5], tags[0], as the seed links them
  });

  test('drafts and published versions: each export names the versions of its status', async () => {
    // article-13 relates to article-12, which is a draft only (every third article): its published version's
    // link was dropped at publication, the draft keeps it.
    const drafts = bySlug(await both({ contentType: ARTICLE, format: 'jsonl', relationsAs: 'slug', locale: 'all' }));
    const published = bySlug(
      await both({ contentType: ARTICLE, format: 'jsonl', relationsAs: 'slug', locale: 'all', status: 'published' })
    );
    expect(drafts['article-13/en'].related).toEqual([{ slug: 'article-12' }]);
    expect(published['article-13/en'].related).toEqual([]);
    expect(published['article-12/en']).toBeUndefined();

    // article-2's draft changes after publication: other tags, related to article-4 (published) and article-3
    // (a draft only); in French, related to article-4's French version. The published versions stay as they were.
    const two = await documentIdOf('article-2');
    const [four, three] = [await documentIdOf('article-4'), await documentIdOf('article-3')];
    const tag = (await app.strapi.documents('api::tag.tag').findFirst({ filters: { name: 'performance' } })) as {
      documentId: string;
    };
    await app.strapi
      .documents(ARTICLE)
      .update({ documentId: two, locale: 'en', data: { tags: [tag.documentId], related: [four, three] } as never });
    await app.strapi.documents(ARTICLE).update({ documentId: two, locale: 'fr', data: { related: [four] } as never });

    const options = {
      contentType: ARTICLE,
      format: 'jsonl',
      relationsAs: 'name',
      fields: ['slug', 'tags', 'related'],
      locale: 'all',
    };
    const draft = bySlug(await both(options));
    const live = bySlug(await both({ ...options, status: 'published' }));
    expect(draft['article-2/en'].tags).toEqual([{ name: 'performance' }]);
    expect(live['article-2/en'].tags).toEqual([{ name: 'typescript' }, { name: 'csv' }]);
    expect(draft['article-2/en'].related).toEqual([four, three]);
    expect(live['article-2/en'].related).toEqual([]);
    // A localized target: the French version links the French version of article-4 (same documentId).
    expect(draft['article-2-fr/fr'].related).toEqual([four]);
    const french = bySlug(
      await both({
        contentType: ARTICLE,
        format: 'jsonl',
        relationsAs: 'slug',
        locale: 'fr',
        fields: ['slug', 'related'],
      })
    );
    expect(Object.keys(french).every((key) => key.endsWith('/fr'))).toBe(true);
    expect(french['article-2-fr/fr'].related).toEqual([{ slug: 'article-4-fr' }]);

    // Published: the new version links article-4's published version; article-3 has none.
    await app.strapi.documents(ARTICLE).publish({ documentId: two, locale: 'en' });
    const republished = bySlug(await both({ ...options, status: 'published' }));
    expect(republished['article-2/en'].tags).toEqual([{ name: 'performance' }]);
    expect(republished['article-2/en'].related).toEqual([four]);
    expect(bySlug(await both(options))['article-2/en'].related).toEqual([four, three]);
  });

  test('the homepage (no draft & publish) names the draft versions of the articles it features', async () => {
    const [home] = items(await both({ contentType: 'api::homepage.homepage', format: 'jsonl' }));
    expect(home.featuredArticles).toEqual([
      await documentIdOf('article-1'),
      await documentIdOf('article-2'),
      await documentIdOf('article-3'),
    ]);
  });

  test('an entry with no relations, media or components', async () => {
    const bare = (await app.strapi.documents(ARTICLE).create({ data: { title: 'Bare' } as never, locale: 'en' })) as {
      documentId: string;
    };
    for (const format of FORMATS) await both({ contentType: ARTICLE, format, filters: { title: 'Bare' } });
    const [item] = items(await both({ contentType: ARTICLE, format: 'jsonl', filters: { title: 'Bare' } }));
    expect(item).toEqual({
      documentId: bare.documentId,
      locale: 'en',
      title: 'Bare',
      slug: null,
      body: null,
      summary: null,
      views: null,
      rating: null,
      price: null,
      bigViews: null,
      featured: false,
      publishDate: null,
      reviewTime: null,
      lastReviewedAt: null,
      kind: 'news',
      metadata: null,
      cover: null,
      category: null,
      edition: null,
      author: null,
      tags: [],
      topics: [],
      related: [],
      seo: null,
      sections: [],
    });
  });

  test('pages larger than one IN list (1,100 articles a page)', async () => {
    const count = 1100;
    const file = jsonl(
      Array.from({ length: count }, (_, i) => ({
        title: `Bulk ${i}`,
        slug: `bulk-${String(i).padStart(4, '0')}`,
        views: i,
        category: { slug: ['news', 'reviews', 'culture'][i % 3] },
        tags: [{ name: 'csv' }, { name: 'json' }],
        seo: { metaTitle: `Bulk ${i}`, noIndex: i % 2 === 0 },
        sections: i % 2 ? [{ __component: 'sections.quote', text: `Quote ${i}` }] : [],
      }))
    );
    const task = await importFile(app, token, {
      content: file,
      fileName: 'bulk.jsonl',
      options: { contentType: ARTICLE, importStrategy: 'add-only' },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { created: count } });
    setConfig('batchSize', count);
    try {
      const text = await both({ contentType: ARTICLE, format: 'jsonl', relationsAs: 'slug' });
      const bulk = items(text).filter((i) => String(i.slug).startsWith('bulk-'));
      expect(bulk).toHaveLength(count);
      expect(bulk.every((i) => i.category !== null && (i.tags as unknown[]).length === 2 && i.seo !== null)).toBe(true);
      expect(bulk.filter((i) => (i.sections as unknown[]).length === 1)).toHaveLength(count / 2);
      await both({ contentType: ARTICLE, format: 'csv', sort: 'views:asc', locale: 'all' });
    } finally {
      setConfig('batchSize', 500);
    }
  });
});
