import type { AttributeInfo, ContentTypeInfo, Format } from '../../shared/contracts';
import { writeFile, type TextFormat } from '../../server/src/pipeline/formats/test-streams';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, importFile } from '../helpers/tasks';

/**
 * The import matrix: format × importStrategy × updateStrategy × onError, over articles (draft & publish, i18n,
 * relations to categories, authors and tags, a self relation, the SEO component, the dynamic zone), categories
 * and authors. Each combination works on its own keys, so they do not interfere.
 */

const ARTICLE = 'api::article.article';
let app: TestApp;
let token: string;
let types: Record<string, ContentTypeInfo>;

const docs = (uid: string) => app.strapi.documents(uid as never) as unknown as {
  findFirst(p?: Record<string, unknown>): Promise<Record<string, any> | null>;
  create(p: Record<string, unknown>): Promise<Record<string, any>>;
  count(p?: Record<string, unknown>): Promise<number>;
};

/** A file in `format` with these items, written by the plugin's own format writer. */
const fileOf = (format: TextFormat, uid: string, items: Array<Record<string, unknown>>) => {
  const type = types[uid];
  const keys = new Set(items.flatMap((i) => Object.keys(i)));
  const attributes: AttributeInfo[] = type.attributes.filter((a) => keys.has(a.name));
  const leadingKeys = ['documentId', 'locale'].filter((k) => keys.has(k));
  const full = items.map((item) => Object.fromEntries([...leadingKeys, ...attributes.map((a) => a.name)].map((k) => [k, item[k] ?? null])));
  // A sparse item in CSV would write nulls for the other columns: the matrix gives every item the same keys.
  return writeFile(format, full, { attributes, leadingKeys, configuration: { contentType: uid } });
};

const snapshotRows = async () => {
  const out: Record<string, unknown[]> = {};
  for (const table of ['articles', 'categories', 'authors', 'articles_category_lnk', 'articles_author_lnk', 'articles_tags_lnk', 'articles_related_lnk', 'articles_cmps', 'components_shared_seos', 'components_sections_quotes']) {
    out[table] = await app.strapi.db.connection(table).select('*').orderBy('id');
  }
  return out;
};

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
  const res = await app.http().get(`${BASE}/content-types`).set('Authorization', `Bearer ${token}`);
  types = Object.fromEntries((res.body.data as ContentTypeInfo[]).map((t) => [t.uid, t]));
  await docs('api::tag.tag').create({ data: { name: 'matrix-tag' } });
});

afterAll(async () => {
  await app?.stop();
});

const combos: Array<[TextFormat, 'add-only' | 'upsert', 'patch' | 'overwrite', 'stop' | 'continue']> = [];
for (const format of ['json', 'jsonl', 'jsont', 'csv'] as TextFormat[])
  for (const importStrategy of ['add-only', 'upsert'] as const)
    for (const updateStrategy of ['patch', 'overwrite'] as const)
      for (const onError of ['stop', 'continue'] as const) combos.push([format, importStrategy, updateStrategy, onError]);

describe.each(combos)('%s %s %s %s', (format, importStrategy, updateStrategy, onError) => {
  const p = `${format}-${importStrategy}-${updateStrategy}-${onError}`;
  const options = { importStrategy, updateStrategy, onError };

  test('categories and authors: create, update by natural key, refuse or skip bad items', async () => {
    await docs('api::category.category').create({ data: { name: 'Old', slug: `${p}-cat`, description: 'kept by patch' } });
    const task = await importFile(app, token, {
      fileName: `categories.${format}`,
      content: fileOf(format, 'api::category.category', [
        { name: 'Renamed', slug: `${p}-cat` },
        { name: 'New', slug: `${p}-new` },
      ]),
      options: { contentType: 'api::category.category', matchBy: 'slug', ...options },
    });
    const existing = await docs('api::category.category').findFirst({ filters: { slug: `${p}-cat` } });
    if (importStrategy === 'add-only') {
      if (onError === 'stop') {
        expect(task).toMatchObject({ status: 'failed', counts: { created: 0, updated: 0, failed: 1 } });
        expect(await docs('api::category.category').findFirst({ filters: { slug: `${p}-new` } })).toBeNull();
      } else {
        expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, updated: 0, failed: 1 } });
      }
      expect(existing).toMatchObject({ name: 'Old', description: 'kept by patch' });
    } else {
      expect(task).toMatchObject({ status: 'completed', counts: { created: 1, updated: 1, failed: 0 } });
      expect(existing).toMatchObject({ name: 'Renamed', description: updateStrategy === 'patch' ? 'kept by patch' : null });
    }

    const authors = await importFile(app, token, {
      fileName: `authors.${format}`,
      content: fileOf(format, 'api::author.author', [{ name: 'Ada', email: `${p}@example.com`, bio: '**bio**' }]),
      options: { contentType: 'api::author.author', matchBy: 'email', ...options },
    });
    expect(authors).toMatchObject({ status: 'completed', counts: { created: 1 } });
  });

  test('articles: relations, component, dynamic zone, self relation, both locales, published; a bad item', async () => {
    await docs('api::category.category').create({ data: { name: 'Cat', slug: `${p}-acat` } });
    await docs('api::author.author').create({ data: { name: 'Grace', email: `${p}-a@example.com` } });
    const existing = await docs(ARTICLE).create({ data: { title: 'Existing', slug: `${p}-existing`, views: 7 }, locale: 'en', status: 'published' });

    const before = await snapshotRows();
    const items = [
      {
        documentId: existing.documentId,
        locale: 'en',
        title: 'Existing, updated',
        slug: `${p}-existing`,
        category: { slug: `${p}-acat` },
        related: [{ slug: `${p}-second` }],
        seo: { metaTitle: 'SEO', metaDescription: null, noIndex: true, keywords: ['k'] },
        sections: [{ __component: 'sections.quote', text: 'Q', attribution: null }],
      },
      {
        documentId: existing.documentId,
        locale: 'fr',
        title: 'Existant',
        slug: `${p}-existant`,
        category: { slug: `${p}-acat` },
        related: [],
        seo: null,
        sections: [],
      },
      {
        documentId: null,
        locale: 'en',
        title: 'Second',
        slug: `${p}-second`,
        category: null,
        related: [],
        seo: null,
        sections: [],
      },
      {
        documentId: null,
        locale: 'en',
        title: 'Bad',
        slug: `${p}-bad`,
        category: { slug: 'no-such-category' },
        related: [],
        seo: null,
        sections: [],
      },
    ];
    const task = await importFile(app, token, {
      fileName: `articles.${format}`,
      content: fileOf(format, ARTICLE, items),
      options: { contentType: ARTICLE, matchBy: 'documentId', status: 'published', ...options },
    });

    if (onError === 'stop') {
      expect(task.status).toBe('failed');
      expect(task.error).toMatch(/category: no api::category.category matches \{"slug":"no-such-category"\}|already exists/);
      expect(await snapshotRows()).toEqual(before);
      return;
    }

    const report = JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ itemNumber: number; message: string }>;
    const failedNumbers = report.map((r) => r.itemNumber);
    expect(failedNumbers).toContain(4);
    expect(report.find((r) => r.itemNumber === 4)!.message).toMatch(/category: no api::category.category matches/);
    if (importStrategy === 'add-only') {
      // The existing en entry is refused; its fr version and the new article are created.
      expect(failedNumbers).toEqual([1, 4]);
      expect(task.counts).toMatchObject({ created: 2, updated: 0, failed: 2 });
      expect(await docs(ARTICLE).findFirst({ filters: { documentId: existing.documentId }, locale: 'en' })).toMatchObject({ title: 'Existing', views: 7 });
    } else {
      expect(failedNumbers).toEqual([4]);
      expect(task.counts).toMatchObject({ created: 2, updated: 1, failed: 1 });
      const populate = ['category', 'related', 'seo', 'sections'];
      for (const status of ['draft', 'published']) {
        const en = await docs(ARTICLE).findFirst({ filters: { documentId: existing.documentId }, locale: 'en', status, populate });
        expect(en).toMatchObject({
          title: 'Existing, updated',
          views: updateStrategy === 'patch' ? 7 : null,
          category: { slug: `${p}-acat` },
          seo: { metaTitle: 'SEO', noIndex: true, keywords: ['k'] },
          sections: [{ __component: 'sections.quote', text: 'Q' }],
        });
        expect(en!.related.map((r: { slug: string }) => r.slug)).toEqual([`${p}-second`]);
      }
    }
    const fr = await docs(ARTICLE).findFirst({ filters: { documentId: existing.documentId }, locale: 'fr', status: 'published', populate: ['category'] });
    expect(fr).toMatchObject({ title: 'Existant', category: { slug: `${p}-acat` } });
    expect(await docs(ARTICLE).findFirst({ filters: { slug: `${p}-second` }, status: 'published' })).toMatchObject({ title: 'Second' });
    expect(await docs(ARTICLE).findFirst({ filters: { slug: `${p}-bad` } })).toBeNull();
  });
});
