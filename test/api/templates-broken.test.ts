import type { Template } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { PLUGIN_ID, startApp, type TestApp } from '../helpers/strapi';
import { BASE, exportFile, importFile, postImport } from '../helpers/tasks';

/**
 * Broken templates: a template saved before its content type or an attribute it names was removed (or changed)
 * is listed with `broken` naming the attribute, and a task started with it is refused with a 400 naming the
 * template and the attribute, before any task exists. The API does not let such a template be saved; these are
 * written into the table directly, as a schema change leaves them.
 */

let app: TestApp;
let token: string;
const auth = () => ({ Authorization: `Bearer ${token}` });
const TEMPLATE_UID = `plugin::${PLUGIN_ID}.template`;
const TASK_UID = `plugin::${PLUGIN_ID}.task`;

/** A template row as an older schema left it. */
const stale = async (data: {
  name: string;
  kind: 'import' | 'export';
  contentType: string;
  options: Record<string, unknown>;
}) => (await app.strapi.db.query(TEMPLATE_UID).create({ data: { description: null, ...data } })) as { id: number };

const taskCount = async () => (await app.strapi.db.query(TASK_UID).count({})) as number;

const listed = async (id: number): Promise<Template> => {
  const list = (await app.http().get(`${BASE}/templates`).set(auth())).body.data as Template[];
  return list.find((template) => template.id === id)!;
};

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

describe('a template that still fits', () => {
  test('is not broken, applies its settings, and request options override them', async () => {
    const created = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({
        name: 'Tag names',
        kind: 'export',
        contentType: 'api::tag.tag',
        options: { format: 'jsonl', fields: ['name'] },
      });
    expect(created.status).toBe(201);
    expect(created.body.data.broken).toBeNull();
    const { task } = await exportFile(app, token, { templateId: created.body.data.id });
    expect(task).toMatchObject({ contentType: 'api::tag.tag', format: 'jsonl' });
    const overridden = await exportFile(app, token, { templateId: created.body.data.id, format: 'csv' });
    expect(overridden.task.format).toBe('csv');
  });
});

describe('broken export templates', () => {
  test('a removed field: listed broken naming it; an export with it is a 400 before any task, overrides or not', async () => {
    const { id } = await stale({
      name: 'Articles with subtitles',
      kind: 'export',
      contentType: 'api::article.article',
      options: { format: 'csv', fields: ['title', 'subtitle'] },
    });
    const template = await listed(id);
    expect(template.broken).toMatch(
      /^"subtitle" is not an attribute of api::article\.article \(attributes: title, slug, /
    );
    expect((await app.http().get(`${BASE}/templates/${id}`).set(auth())).body.data.broken).toBe(template.broken);

    const before = await taskCount();
    for (const body of [{ templateId: id }, { templateId: id, fields: ['title'] }]) {
      const res = await app.http().post(`${BASE}/export-tasks`).set(auth()).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        `Export template "Articles with subtitles" (${id}) is broken: ${template.broken}`
      );
      expect(res.body.error.details.errors[0].path).toEqual(['templateId']);
    }
    expect(await taskCount()).toBe(before);
  });

  test.each([
    [
      { relationsAs: 'code' },
      /^relationsAs "code" is not a unique attribute of any relation target of api::article\.article/,
    ],
    [{ sort: 'rank:desc' }, /^cannot sort by "rank"/],
    [{ filters: { rank: { $gt: 3 } } }, /^filters name "rank", which is not an attribute of api::article\.article$/],
    [{ locale: 'de' }, /^Unknown locale "de"/],
  ])('%j: listed broken naming it, refused when run', async (options, reason) => {
    const { id } = await stale({
      name: `Export ${JSON.stringify(options)}`,
      kind: 'export',
      contentType: 'api::article.article',
      options,
    });
    expect((await listed(id)).broken).toMatch(reason);
    const res = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ templateId: id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(new RegExp(`^Export template ".*" \\(${id}\\) is broken: `));
  });

  test('a removed content type: listed broken, refused when run', async () => {
    const { id } = await stale({
      name: 'Old products',
      kind: 'export',
      contentType: 'api::product.product',
      options: { format: 'json' },
    });
    expect((await listed(id)).broken).toBe(
      'its content type api::product.product does not exist (or is not offered for migration)'
    );
    const res = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ templateId: id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `Export template "Old products" (${id}) is broken: its content type api::product.product does not exist (or is not offered for migration)`
    );
  });
});

describe('broken import templates', () => {
  test('a mapping onto a removed attribute, and a matchBy that is no longer unique: 400 naming them, before any task', async () => {
    const mapping = await stale({
      name: 'Contacts with fax',
      kind: 'import',
      contentType: 'api::contact.contact',
      options: { format: 'csv', fieldMapping: { 'First name': 'firstName', Fax: 'fax' } },
    });
    const matchBy = await stale({
      name: 'Contacts by phone',
      kind: 'import',
      contentType: 'api::contact.contact',
      options: { matchBy: 'phone' },
    });
    expect((await listed(mapping.id)).broken).toMatch(
      /^fieldMapping maps "Fax" to "fax", which is not an attribute of api::contact\.contact/
    );
    expect((await listed(matchBy.id)).broken).toMatch(
      /^matchBy "phone" is not a unique attribute of api::contact\.contact: use one of documentId$/
    );

    const before = await taskCount();
    const csv = 'First name,Fax\r\nAda,123\r\n';
    const refused = await postImport(app, token, {
      fileName: 'c.csv',
      content: csv,
      options: { templateId: mapping.id },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(
      new RegExp(`^Import template "Contacts with fax" \\(${mapping.id}\\) is broken: fieldMapping maps "Fax" to "fax"`)
    );
    expect(refused.body.error.details.errors[0].path).toEqual(['templateId']);
    const byPhone = await postImport(app, token, {
      fileName: 'c.jsonl',
      content: '{"phone":"1"}\n',
      options: { templateId: matchBy.id, matchBy: 'documentId' },
    });
    expect(byPhone.status).toBe(400);
    expect(byPhone.body.error.message).toMatch(/is broken: matchBy "phone" is not a unique attribute/);
    expect(await taskCount()).toBe(before);

    // Still editable, to fix it: then it runs.
    const fixed = await app
      .http()
      .put(`${BASE}/templates/${mapping.id}`)
      .set(auth())
      .send({ options: { format: 'csv', fieldMapping: { 'First name': 'firstName', Fax: null } } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.data.broken).toBeNull();
    const task = await importFile(app, token, { fileName: 'c.csv', content: csv, options: { templateId: mapping.id } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 1 } });
  });
});

describe('saving', () => {
  test('a template whose options do not fit its content type is refused with a 400 naming the attribute', async () => {
    const created = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Nope', kind: 'export', contentType: 'api::tag.tag', options: { fields: ['colour'] } });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toMatch(
      /^The template's options do not fit api::tag\.tag: "colour" is not an attribute of api::tag\.tag/
    );
    expect(created.body.error.details.errors[0].path).toEqual(['options']);

    const ok = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Tags by name', kind: 'import', contentType: 'api::tag.tag', options: { matchBy: 'name' } });
    expect(ok.status).toBe(201);
    const moved = await app
      .http()
      .put(`${BASE}/templates/${ok.body.data.id}`)
      .set(auth())
      .send({ contentType: 'api::contact.contact' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toMatch(/matchBy "name" is not a unique attribute of api::contact\.contact/);
  });
});
