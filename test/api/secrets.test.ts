import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { cm, createAdmin, PLUGIN_ACTIONS, registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, exportFile, postImport, untilEnded } from '../helpers/tasks';

/**
 * Secrets (README, *Secrets*): private attributes exported encrypted under a password, imported back with it into
 * a clean database; a wrong or missing password refused (400) before anything is written; the password never stored;
 * the Content Manager's read permission still decides which private fields a user exports.
 */

const ARTICLE = 'api::article.article';
const TASK = 'plugin::data-migration-center.task';
const PASSWORD = 'correct horse battery staple';
const FIELDS = ['title', 'slug', 'secretNote'];

let app: TestApp;
let token: string;
/** What the seeded database holds: secretNote by documentId (default locale, drafts). */
let notes: Map<string, string | null>;
const files: Record<string, string> = {};

const auth = () => ({ Authorization: `Bearer ${token}` });
const articleRows = async () =>
  (await app.strapi.db.query(ARTICLE as never).findMany({ where: { locale: 'en', publishedAt: { $null: true } }, select: ['documentId', 'secretNote', 'title'] })) as Array<{
    documentId: string;
    secretNote: string | null;
    title: string;
  }>;
const taskCount = () => app.strapi.db.query(TASK as never).count({});

describe('on a seeded database', () => {
  beforeAll(async () => {
    app = await startApp({ env: { DMC_SEED: 'true' } });
    token = await registerSuperAdmin(app);
    notes = new Map((await articleRows()).map((row) => [row.documentId, row.secretNote]));
    expect([...notes.values()].filter(Boolean).length).toBeGreaterThan(0);
  });

  test('without a password, private attributes are never exported', async () => {
    const { text } = await exportFile(app, token, { contentType: ARTICLE, format: 'json' });
    expect(text).not.toMatch(/secretNote|Private note|"secrets"/);
    const refused = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ contentType: ARTICLE, fields: FIELDS });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/"secretNote" is a private attribute/);
  });

  test.each(['json', 'jsont'])('%s: with a password, each private value is encrypted, the header carries the parameters, nothing stores the password', async (format) => {
    const { task, text } = await exportFile(app, token, { contentType: ARTICLE, format, fields: FIELDS, secrets: { password: PASSWORD } });
    files[format] = text;
    const file = JSON.parse(text) as { secrets: Record<string, unknown>; items: Array<Record<string, unknown>> };
    expect(file.secrets).toMatchObject({ version: 1, cipher: 'aes-256-gcm', kdf: 'scrypt', N: 32768, r: 8, p: 1, keyLength: 32, fields: ['secretNote'] });
    expect(file.items.length).toBe(notes.size);
    for (const item of file.items) {
      expect(Object.keys(item)).toEqual(['documentId', 'locale', ...FIELDS]);
      expect(item.secretNote).toMatch(/^dmc:enc:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*:[A-Za-z0-9+/=]+$/);
    }
    expect(text).not.toMatch(/Private note/);
    // The task (its answer and its row) keeps which fields were encrypted, never the password.
    expect(task.options).toMatchObject({ secrets: { encrypted: ['secretNote'] } });
    const row = await app.strapi.db.query(TASK as never).findOne({ where: { id: task.id } });
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(JSON.stringify(task)).not.toContain(PASSWORD);
  });

  test('refusals: a tabular format, a short password, a template storing the password', async () => {
    const csv = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ contentType: ARTICLE, format: 'csv', secrets: { password: PASSWORD } });
    expect(csv.status).toBe(400);
    expect(csv.body.error.message).toMatch(/secrets: encrypted private fields are carried by JSON and JSONT files/);
    const short = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ contentType: ARTICLE, secrets: { password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/at least 8 characters/);
    const number = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ contentType: ARTICLE, secrets: { password: 123456789 } });
    expect(number.status).toBe(400);
    expect(JSON.stringify(number.body)).not.toContain('123456789');
    const template = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'with secrets', kind: 'export', contentType: ARTICLE, options: { secrets: { password: PASSWORD } } });
    expect(template.status).toBe(400);
    expect(template.body.error.message).toMatch(/a template never stores a password/);
    const bundle = await app.http().post(`${BASE}/export-tasks`).set(auth()).send({ format: 'bundle', contentTypes: [ARTICLE], secrets: { password: PASSWORD } });
    expect(bundle.status).toBe(400);
    expect(bundle.body.error.message).toMatch(/not by bundles/);
  });

  test('a user who may not read the private field does not get it, even with a password', async () => {
    const reader = await createAdmin(app, [...PLUGIN_ACTIONS, cm('read', ARTICLE, { fields: ['title', 'slug'], locales: ['en', 'fr'] })]);
    const { text } = await exportFile(app, reader, { contentType: ARTICLE, format: 'json', secrets: { password: PASSWORD } });
    const file = JSON.parse(text) as { secrets: { fields: string[] }; items: Array<Record<string, unknown>> };
    expect(file.secrets.fields).toEqual([]);
    expect(Object.keys(file.items[0])).toEqual(['documentId', 'locale', 'title', 'slug']);
    expect(text).not.toMatch(/Private note/);
    const asked = await app.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${reader}`).send({ contentType: ARTICLE, fields: FIELDS, secrets: { password: PASSWORD } });
    expect(asked.status).toBe(400);
    expect(asked.body.error.message).toMatch(/you may not read this private field/);
    // One whose read permission lists the private field gets it, encrypted.
    const allowed = await createAdmin(app, [...PLUGIN_ACTIONS, cm('read', ARTICLE, { fields: FIELDS, locales: ['en', 'fr'] })]);
    const granted = JSON.parse((await exportFile(app, allowed, { contentType: ARTICLE, format: 'json', secrets: { password: PASSWORD } })).text) as {
      secrets: { fields: string[] };
      items: Array<Record<string, unknown>>;
    };
    expect(granted.secrets.fields).toEqual(['secretNote']);
    expect(Object.keys(granted.items[0])).toEqual(['documentId', 'locale', ...FIELDS]);
  });

  afterAll(async () => {
    await app?.stop();
  });
});

describe('into a clean database', () => {
  beforeAll(async () => {
    app = await startApp();
    token = await registerSuperAdmin(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  test('a wrong password, or none, is a 400 before anything is written', async () => {
    const before = await taskCount();
    const wrong = await postImport(app, token, { content: files.json, fileName: 'articles.json', options: { contentType: ARTICLE, secrets: { password: 'not the password' } } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/wrong password/);
    expect(wrong.body.error.details.errors[0].path).toEqual(['secrets.password']);
    const none = await postImport(app, token, { content: files.json, fileName: 'articles.json', options: { contentType: ARTICLE } });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/has encrypted private fields \(secretNote\): give the password/);
    expect(await taskCount()).toBe(before);
    expect(await articleRows()).toEqual([]);
    // A password for a file without secrets, or for a format that cannot carry them.
    const plain = await postImport(app, token, { content: JSON.stringify([{ title: 'x', slug: 'x' }]), fileName: 'a.json', options: { contentType: ARTICLE, secrets: { password: PASSWORD } } });
    expect(plain.status).toBe(400);
    expect(plain.body.error.message).toMatch(/has no encrypted private fields/);
    const jsonl = await postImport(app, token, { content: '{"title":"x"}\n', fileName: 'a.jsonl', options: { contentType: ARTICLE, secrets: { password: PASSWORD } } });
    expect(jsonl.status).toBe(400);
    expect(jsonl.body.error.message).toMatch(/carried by JSON and JSONT files/);
  });

  test('the file head tells the wizard which fields are encrypted', async () => {
    const head = await app.http().post(`${BASE}/file-heads`).set(auth()).send({ fileName: 'articles.json', head: files.json.slice(0, 65536), complete: files.json.length <= 65536 });
    expect(head.status).toBe(200);
    expect(head.body.data.encrypted).toEqual(['secretNote']);
  });

  test.each(['json', 'jsont'])('%s: the same password restores the private values', async (format) => {
    const res = await postImport(app, token, { content: files[format], fileName: `articles.${format}`, options: { contentType: ARTICLE, secrets: { password: PASSWORD } } });
    expect(res.status).toBe(200);
    expect([res.body.data.status, res.body.data.error]).toEqual(['completed', null]);
    expect(JSON.stringify(res.body.data)).not.toContain(PASSWORD);
    const row = await app.strapi.db.query(TASK as never).findOne({ where: { id: res.body.data.id } });
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    const rows = await articleRows();
    expect(new Map(rows.map((r) => [r.documentId, r.secretNote]))).toEqual(notes);
  });

  test('a user who may not write the private field gets each item refused, even with the password', async () => {
    const writer = await createAdmin(app, [
      ...PLUGIN_ACTIONS,
      cm('read', ARTICLE, { fields: ['title', 'slug'], locales: ['en', 'fr'] }),
      cm('create', ARTICLE, { fields: ['title', 'slug'], locales: ['en', 'fr'] }),
      cm('update', ARTICLE, { fields: ['title', 'slug'], locales: ['en', 'fr'] }),
    ]);
    const before = await articleRows();
    const res = await postImport(app, writer, { content: files.json, fileName: 'articles.json', options: { contentType: ARTICLE, onError: 'continue', secrets: { password: PASSWORD } } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'completed-with-errors', counts: { failed: notes.size, updated: 0, created: 0 } });
    const report = JSON.parse((await errorReport(app, writer, res.body.data.id)).text) as Array<Record<string, unknown>>;
    expect(String(report[0].message)).toMatch(/secretNote/);
    // The report shows the items as read: the values still encrypted.
    expect(JSON.stringify(report)).not.toMatch(/Private note/);
    expect(await articleRows()).toEqual(before);
  });

  test('a task whose key no server holds (a restart) waits for its server, then fails saying the password is gone', async () => {
    const query = app.strapi.db.query(TASK as never);
    const options = { contentType: ARTICLE, format: 'json', fields: FIELDS, relationsAs: 'documentId', includeTimestamps: false, csvDelimiter: ',', csvBom: false, name: 'orphan', secrets: { encrypted: ['secretNote'] } };
    const row = (await query.create({ data: { kind: 'export', name: 'orphan', contentType: ARTICLE, format: 'json', state: 'queued', options, fileName: 'orphan.json', fileKey: 'tasks/orphan/orphan.json' } })) as { id: number };
    const runner = app.strapi.plugin('data-migration-center').service('runner') as { kick(): void };
    runner.kick();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(((await query.findOne({ where: { id: row.id } })) as { state: string }).state).toBe('queued');
    await query.update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 11 * 60 * 1000) } });
    runner.kick();
    const ended = await untilEnded(app, token, row.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/password is kept only in the memory of the server that received the task/);
  });

  test('a value changed after the export is that item failure, naming the field', async () => {
    const file = JSON.parse(files.json) as { items: Array<Record<string, unknown>> };
    const [first, second] = file.items;
    const value = first.secretNote as string;
    const parts = value.split(':');
    const bytes = Buffer.from(parts[4], 'base64');
    bytes[0] ^= 1;
    parts[4] = bytes.toString('base64');
    first.secretNote = parts.join(':');
    first.title = 'changed';
    second.title = 'also changed';
    const tampered = JSON.stringify({ ...JSON.parse(files.json), items: [first, second] });
    const res = await postImport(app, token, { content: tampered, fileName: 'articles.json', options: { contentType: ARTICLE, onError: 'continue', secrets: { password: PASSWORD } } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'completed-with-errors', counts: { failed: 1, updated: 1 } });
    const report = JSON.parse((await errorReport(app, token, res.body.data.id)).text) as Array<Record<string, unknown>>;
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ itemNumber: 1, stage: 'read', field: 'secretNote' });
    expect(String(report[0].message)).toMatch(/secretNote: the encrypted value does not decrypt: it was changed after the export/);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    const rows = await articleRows();
    expect(rows.find((r) => r.documentId === first.documentId)?.title).not.toBe('changed');
  });
});

describe('the command line', () => {
  let database: TestDatabase;
  let storageDir: string;
  let work: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-secrets-files-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-secrets-work-'));
  });
  afterAll(async () => {
    delete process.env.DMC_SECRETS_PASSWORD;
    await database?.drop();
    fs.rmSync(storageDir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('imports with --secrets-password, exports with --secrets (DMC_SECRETS_PASSWORD); a wrong password exits 64', async () => {
    const cli = (args: string[]) => runCli(args, { database, storageDir });
    const file = path.join(work, 'articles.json');
    fs.writeFileSync(file, files.json);
    const wrong = await cli(['import', file, '--type', ARTICLE, '--secrets-password', 'not the password']);
    expect([wrong.code, wrong.stderr]).toEqual([64, expect.stringMatching(/wrong password/)]);
    const imported = await cli(['import', file, '--type', ARTICLE, '--secrets-password', PASSWORD, '--json', '--no-compile']);
    expect(imported.code).toBe(0);
    process.env.DMC_SECRETS_PASSWORD = PASSWORD;
    const out = path.join(work, 'again.json');
    const exported = await cli(['export', '--type', ARTICLE, '--fields', FIELDS.join(','), '--out', out, '--secrets', '--no-compile']);
    expect(exported.code).toBe(0);
    const again = JSON.parse(fs.readFileSync(out, 'utf8')) as { secrets: { fields: string[] }; items: Array<Record<string, unknown>> };
    expect(again.secrets.fields).toEqual(['secretNote']);
    expect(again.items).toHaveLength(notes.size);
    expect(fs.readFileSync(out, 'utf8')).not.toMatch(/Private note/);
    expect(imported.stdout + exported.stdout + exported.stderr).not.toContain(PASSWORD);
  });
});
