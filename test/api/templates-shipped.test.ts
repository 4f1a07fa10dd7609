import type { Template } from '../../shared/contracts';
import { createAdmin, registerSuperAdmin } from '../helpers/admin';
import { PLUGIN_ID, startApp, type TestApp } from '../helpers/strapi';
import { BASE, exportFile, importFile } from '../helpers/tasks';

/**
 * The templates shipped with the plugin (templates/*.json): listed read-only with `shipped:` ids, never changed
 * through the API, and usable as `templateId` like saved ones, request options overriding them.
 */

let app: TestApp;
let token: string;
const auth = () => ({ Authorization: `Bearer ${token}` });

const SHIPPED = [
  ['shipped:articles-by-slug', 'Articles by slug (JSONL upsert)', 'import'],
  ['shipped:categories-seed-file', 'Categories as a seed file (JSONT)', 'export'],
  ['shipped:contacts-from-a-spreadsheet', 'Contacts from a spreadsheet (CSV)', 'import'],
  ['shipped:published-articles-as-csv', 'Export published articles as CSV', 'export'],
  ['shipped:whole-content-model', 'The whole content model (bundle)', 'bundle'],
];

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

describe('listing', () => {
  test('GET /templates lists the shipped templates read-only, after the saved ones', async () => {
    const saved = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Zebra tags', kind: 'export', contentType: 'api::tag.tag' });
    expect(saved.status).toBe(201);

    const res = await app.http().get(`${BASE}/templates`).set(auth());
    expect(res.status).toBe(200);
    const list = res.body.data as Template[];
    expect(list[0]).toMatchObject({ id: saved.body.data.id, name: 'Zebra tags', readOnly: false, broken: null });
    expect(list.slice(1).map((template) => [template.id, template.name, template.kind])).toEqual(SHIPPED);
    for (const template of list.slice(1)) {
      expect(template).toMatchObject({
        readOnly: true,
        broken: null,
        createdAt: null,
        updatedAt: null,
        description: expect.any(String),
      });
    }
    const csv = list.find((template) => template.id === 'shipped:published-articles-as-csv')!;
    expect(csv).toMatchObject({
      contentType: 'api::article.article',
      options: { format: 'csv', status: 'published', relationsAs: 'slug' },
    });

    const imports = await app.http().get(`${BASE}/templates?kind=import`).set(auth());
    expect((imports.body.data as Template[]).map((template) => template.id)).toEqual([
      'shipped:articles-by-slug',
      'shipped:contacts-from-a-spreadsheet',
    ]);
  });

  test('GET /templates/:id reads one, and answers 404 for a shipped id that does not exist', async () => {
    const one = await app.http().get(`${BASE}/templates/shipped:articles-by-slug`).set(auth());
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({
      id: 'shipped:articles-by-slug',
      readOnly: true,
      options: { matchBy: 'slug', format: 'jsonl' },
    });
    // Encoded as the admin sends it.
    expect((await app.http().get(`${BASE}/templates/shipped%3Aarticles-by-slug`).set(auth())).status).toBe(200);
    const missing = await app.http().get(`${BASE}/templates/shipped:nothing-here`).set(auth());
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Template shipped:nothing-here not found');
    expect((await app.http().get(`${BASE}/templates/something-else`).set(auth())).status).toBe(404);
  });

  test('a user with only read sees them too', async () => {
    const reader = await createAdmin(app, [`plugin::${PLUGIN_ID}.read`]);
    const res = await app.http().get(`${BASE}/templates`).set('Authorization', `Bearer ${reader}`);
    expect(res.status).toBe(200);
    expect((res.body.data as Template[]).filter((template) => template.readOnly)).toHaveLength(SHIPPED.length);
  });
});

describe('read-only', () => {
  test('PUT and DELETE answer 403 with a clear message, and change nothing', async () => {
    const before = (await app.http().get(`${BASE}/templates/shipped:published-articles-as-csv`).set(auth())).body.data;
    const put = await app
      .http()
      .put(`${BASE}/templates/shipped:published-articles-as-csv`)
      .set(auth())
      .send({ name: 'Mine now' });
    expect(put.status).toBe(403);
    expect(put.body.error.message).toBe(
      'Template "Export published articles as CSV" (shipped:published-articles-as-csv) is shipped with the plugin and read-only: duplicate it to change it'
    );
    const del = await app.http().delete(`${BASE}/templates/shipped:published-articles-as-csv`).set(auth());
    expect(del.status).toBe(403);
    expect(del.body.error.message).toMatch(/is shipped with the plugin and read-only/);
    expect((await app.http().get(`${BASE}/templates/shipped:published-articles-as-csv`).set(auth())).body.data).toEqual(
      before
    );
  });

  test('their names are taken: a saved template of the same kind cannot use one', async () => {
    const clash = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Articles by slug (JSONL upsert)', kind: 'import', contentType: 'api::article.article' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.message).toBe('An import template named "Articles by slug (JSONL upsert)" already exists');
    // A duplicate, as the admin's "Duplicate" makes it, is a normal, editable template.
    const shipped = (await app.http().get(`${BASE}/templates/shipped:articles-by-slug`).set(auth())).body
      .data as Template;
    const copy = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({
        name: `${shipped.name} (copy)`,
        kind: shipped.kind,
        contentType: shipped.contentType,
        options: shipped.options,
      });
    expect(copy.status).toBe(201);
    expect(copy.body.data).toMatchObject({ readOnly: false, options: shipped.options });
    expect(
      (await app.http().put(`${BASE}/templates/${copy.body.data.id}`).set(auth()).send({ description: 'mine' })).status
    ).toBe(200);
  });
});

describe('templateId with a shipped template', () => {
  test('an export applies its content type and options; request options override them', async () => {
    const { task, text } = await exportFile(app, token, { templateId: 'shipped:published-articles-as-csv' });
    expect(task).toMatchObject({
      contentType: 'api::article.article',
      format: 'csv',
      options: {
        templateId: 'shipped:published-articles-as-csv',
        status: 'published',
        locale: 'all',
        relationsAs: 'slug',
      },
    });
    const [header, ...rows] = text.trim().split('\r\n');
    expect(header).toBe('documentId,locale,title,slug,summary,views,publishDate,kind,category.slug');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.some((row) => /,[a-z0-9-]+$/.test(row))).toBe(true);

    const overridden = await exportFile(app, token, {
      templateId: 'shipped:published-articles-as-csv',
      format: 'jsonl',
      fields: ['title', 'category'],
    });
    expect(overridden.task).toMatchObject({
      format: 'jsonl',
      options: { status: 'published', fields: ['title', 'category'] },
    });
    const first = JSON.parse(overridden.text.split('\n')[0]);
    expect(Object.keys(first)).toEqual(['documentId', 'locale', 'title', 'category']);
    expect(first.category).toEqual({ slug: expect.any(String) });

    const seed = await exportFile(app, token, { templateId: 'shipped:categories-seed-file' });
    expect(JSON.parse(seed.text).configuration).toMatchObject({
      formatVersion: 1,
      contentType: 'api::category.category',
    });
  });

  test('an import applies its mapping and strategies', async () => {
    const csv =
      'First name,Last name,Company,Street,City,ZIP,Phone,Notes\r\nGrace,Hopper,Navy,1 Main St,Arlington,08123,555-0100,Admiral\r\n';
    const task = await importFile(app, token, {
      fileName: 'people.csv',
      content: csv,
      options: { templateId: 'shipped:contacts-from-a-spreadsheet' },
    });
    expect(task).toMatchObject({ status: 'completed', contentType: 'api::contact.contact', counts: { created: 1 } });
    expect(task.options).toMatchObject({
      templateId: 'shipped:contacts-from-a-spreadsheet',
      importStrategy: 'add-only',
      onError: 'continue',
    });
    const contact = (await app.strapi.db
      .query('api::contact.contact')
      .findOne({ where: { lastName: 'Hopper' } })) as Record<string, unknown>;
    expect(contact).toMatchObject({
      firstName: 'Grace',
      company: 'Navy',
      address: '1 Main St',
      zip: '08123',
      notes: 'Admiral',
    });

    // Articles by slug: an existing article is updated by its slug, a new one created.
    const jsonl = '{"slug":"article-1","summary":"Updated by slug"}\n{"title":"Brand new","slug":"brand-new"}\n';
    const articles = await importFile(app, token, {
      fileName: 'articles.jsonl',
      content: jsonl,
      options: { templateId: 'shipped:articles-by-slug' },
    });
    expect(articles).toMatchObject({
      status: 'completed',
      counts: { created: 1, updated: 1 },
      options: { matchBy: 'slug' },
    });
  });

  test('a shipped template of the other kind, or an unknown one, is a 400 naming templateId', async () => {
    const wrongKind = await app
      .http()
      .post(`${BASE}/export-tasks`)
      .set(auth())
      .send({ templateId: 'shipped:articles-by-slug' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.message).toBe('Export template shipped:articles-by-slug not found');
    expect(wrongKind.body.error.details.errors[0].path).toEqual(['templateId']);
    const malformed = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ templateId: 'shipped:../etc' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/templateId must be the id of a template/);
  });
});
