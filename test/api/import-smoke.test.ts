import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl } from '../helpers/tasks';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

test('imports categories then articles with relations', async () => {
  const cats = await importFile(app, token, {
    fileName: 'categories.jsonl',
    content: jsonl([
      { name: 'News', slug: 'news' },
      { name: 'Tech', slug: 'tech', description: 'Bits' },
    ]),
    options: { contentType: 'api::category.category', matchBy: 'slug' },
  });
  console.log(JSON.stringify(cats));
  const arts = await importFile(app, token, {
    fileName: 'articles.jsonl',
    content: jsonl([
      { title: 'A', slug: 'a', category: { slug: 'news' }, seo: { metaTitle: 'A' }, related: [{ slug: 'b' }] },
      { title: 'B', slug: 'b', category: { slug: 'nope' } },
      { title: 'C', slug: 'c', views: 'many' },
    ]),
    options: { contentType: 'api::article.article', matchBy: 'slug', onError: 'continue', status: 'published' },
  });
  console.log(JSON.stringify(arts));
  const report = await errorReport(app, token, arts.id, 'csv');
  console.log(report.text);
  const docs = await app.strapi.documents('api::article.article').findMany({ populate: ['category', 'related', 'seo'], status: 'published' } as never);
  console.log(JSON.stringify(docs, null, 1));
});
