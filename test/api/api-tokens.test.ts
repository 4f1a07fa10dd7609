import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { download, jsonl, untilEnded, type Server } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * The content-API routes (`/api/data-migration-center/...`) with Strapi's API tokens: full-access, read-only and
 * custom tokens (the center's actions granted one by one in Settings → API Tokens), each allowed and refused, and
 * what a token may read and write in content following its own content-API permissions.
 */

const API = '/api/data-migration-center';
const CONTACT = 'api::contact.contact';
const ARTICLE = 'api::article.article';
const DMC = 'plugin::data-migration-center';

let app: TestApp;
let superToken: string;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** An API token made through Strapi's admin API (Settings → API Tokens), its access key. */
let tokens = 0;
const createToken = async (type: 'full-access' | 'read-only' | 'custom', permissions: string[] = []) => {
  tokens += 1;
  const res = await app
    .http()
    .post('/admin/api-tokens')
    .set(bearer(superToken))
    .send({ name: `ci ${type} ${tokens}`, type, lifespan: null, ...(type === 'custom' ? { permissions } : {}) });
  expect(res.status).toBe(201);
  return { key: res.body.data.accessKey as string, id: res.body.data.id as number, name: res.body.data.name as string };
};

const importAs = (key: string, items: unknown[], options: Record<string, unknown>) =>
  app
    .http()
    .post(`${API}/import-tasks?wait=true`)
    .set(bearer(key))
    .attach('file', Buffer.from(jsonl(items)), 'contacts.jsonl')
    .field('options', JSON.stringify(options));

const exportAs = (key: string, options: Record<string, unknown>) => app.http().post(`${API}/export-tasks?wait=true`).set(bearer(key)).send(options);

const contacts = async () => (await app.strapi.db.query(CONTACT as never).findMany({ populate: ['createdBy', 'updatedBy'] })) as Array<Record<string, unknown>>;

const linesOf = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

/** The content-API side of `untilEnded` (the helpers' paths are the admin API's). */
const apiServer = (): Server => ({
  http: () => {
    const agent = app.http();
    const rewrite = (method: 'get' | 'post') => (path: string) => agent[method](path.replace(/^\/data-migration-center/, API));
    return { ...agent, get: rewrite('get'), post: rewrite('post') } as unknown as ReturnType<Server['http']>;
  },
});

beforeAll(async () => {
  app = await startApp();
  superToken = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

describe('content-API routes with API tokens', () => {
  it('refuses a request without a token, with a wrong token, and with an admin session (401)', async () => {
    expect((await app.http().get(`${API}/tasks`)).status).toBe(401);
    expect((await app.http().get(`${API}/tasks`).set(bearer('not-a-token'))).status).toBe(401);
    expect((await app.http().get(`${API}/tasks`).set(bearer(superToken))).status).toBe(401);
    // And an API token on the admin API.
    const full = await createToken('full-access');
    expect((await app.http().get('/data-migration-center/tasks').set(bearer(full.key))).status).toBe(401);
  });

  it('lets a full-access token import, poll, export and download; the task names the token; entries have no admin author', async () => {
    const full = await createToken('full-access');
    const imported = await importAs(full.key, [{ firstName: 'Ada', lastName: 'Token', company: 'CI' }, { firstName: 'Grace', lastName: 'Token', company: 'CI' }], {
      contentType: CONTACT,
      format: 'jsonl',
    });
    expect(imported.status).toBe(200);
    const task = imported.body.data as Task;
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 }, createdBy: { kind: 'api-token', id: full.id, name: full.name } });
    const rows = (await contacts()).filter((row) => row.lastName === 'Token');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect([row.createdBy ?? null, row.updatedBy ?? null]).toEqual([null, null]);

    const polled = await app.http().get(`${API}/tasks/${task.id}`).set(bearer(full.key));
    expect(polled.status).toBe(200);
    expect(polled.body.data.id).toBe(task.id);
    const listed = await app.http().get(`${API}/tasks`).set(bearer(full.key));
    expect(listed.status).toBe(200);
    expect((listed.body.data as Task[]).map((t) => t.id)).toContain(task.id);

    // Without ?wait: 202, then polled to its end.
    const started = await app.http().post(`${API}/export-tasks`).set(bearer(full.key)).send({ contentType: CONTACT, format: 'jsonl' });
    expect(started.status).toBe(202);
    const exported = await untilEnded(apiServer(), full.key, (started.body.data as Task).id);
    expect(exported.status).toBe('completed');
    const file = await download(app, full.key, `${API}/tasks/${exported.id}/file`);
    expect(file.status).toBe(200);
    expect(linesOf(file.text).map((item) => item.lastName).filter((name) => name === 'Token')).toHaveLength(2);

    // The admin sees who started it.
    const inAdmin = await app.http().get(`/data-migration-center/tasks/${task.id}`).set(bearer(superToken));
    expect(inAdmin.body.data.createdBy).toEqual({ kind: 'api-token', id: full.id, name: full.name });
  });

  it('lets a read-only token list and poll, never start a task (403)', async () => {
    const full = await createToken('full-access');
    const done = (await exportAs(full.key, { contentType: CONTACT, format: 'jsonl' })).body.data as Task;
    const readOnly = await createToken('read-only');
    for (const path of ['/tasks', `/tasks/${done.id}`, '/templates', '/content-types']) {
      const res = await app.http().get(`${API}${path}`).set(bearer(readOnly.key));
      expect([path, res.status]).toEqual([path, 200]);
    }
    expect((await exportAs(readOnly.key, { contentType: CONTACT, format: 'jsonl' })).status).toBe(403);
    expect((await importAs(readOnly.key, [{ firstName: 'No' }], { contentType: CONTACT, format: 'jsonl' })).status).toBe(403);
    expect((await app.http().post(`${API}/tasks/${done.id}/cancel`).set(bearer(readOnly.key))).status).toBe(403);
    expect((await app.http().delete(`${API}/tasks/${done.id}`).set(bearer(readOnly.key))).status).toBe(403);
    // Read-only on content: every type is readable, nothing writable.
    const types = await app.http().get(`${API}/content-types`).set(bearer(readOnly.key));
    const contact = (types.body.data as Array<{ uid: string; access: { read: boolean; create: boolean; update: boolean } }>).find((t) => t.uid === CONTACT)!;
    expect(contact.access).toMatchObject({ read: true, create: false, update: false });
  });

  it("gives a custom token the center's actions one by one (403 for the others)", async () => {
    const custom = await createToken('custom', [`${DMC}.tasks.createExport`, `${DMC}.tasks.findOne`, `${CONTACT}.find`]);
    const res = await exportAs(custom.key, { contentType: CONTACT, format: 'jsonl' });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('completed');
    const id = res.body.data.id as number;
    expect((await app.http().get(`${API}/tasks/${id}`).set(bearer(custom.key))).status).toBe(200);
    // Not granted: listing, downloading, importing.
    expect((await app.http().get(`${API}/tasks`).set(bearer(custom.key))).status).toBe(403);
    expect((await download(app, custom.key, `${API}/tasks/${id}/file`)).status).toBe(403);
    expect((await importAs(custom.key, [{ firstName: 'No' }], { contentType: CONTACT, format: 'jsonl' })).status).toBe(403);
  });

  it("never lets a custom token read or write content its content-API permissions do not grant", async () => {
    const exporter = await createToken('custom', [`${DMC}.tasks.createExport`, `${DMC}.tasks.downloadFile`, `${CONTACT}.find`]);
    // Articles: no find on them.
    const refused = await exportAs(exporter.key, { contentType: ARTICLE, format: 'jsonl' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/read permission on api::article\.article/);
    // A file another creator exported that it may read (contacts: every field) it may download; articles it may not.
    const admin = (await app.http().post('/data-migration-center/export-tasks?wait=true').set(bearer(superToken)).send({ contentType: ARTICLE, format: 'jsonl' })).body
      .data as Task;
    const adminContacts = (await app.http().post('/data-migration-center/export-tasks?wait=true').set(bearer(superToken)).send({ contentType: CONTACT, format: 'jsonl' }))
      .body.data as Task;
    expect((await download(app, exporter.key, `${API}/tasks/${admin.id}/file`)).status).toBe(403);
    expect((await download(app, exporter.key, `${API}/tasks/${adminContacts.id}/file`)).status).toBe(200);
    // Its own exports it may download.
    const own = (await exportAs(exporter.key, { contentType: CONTACT, format: 'jsonl' })).body.data as Task;
    expect((await download(app, exporter.key, `${API}/tasks/${own.id}/file`)).status).toBe(200);

    // A token with find on articles (localized, draft and publish) exports every locale and downloads it.
    const articles = await createToken('custom', [`${DMC}.tasks.createExport`, `${DMC}.tasks.downloadFile`, `${ARTICLE}.find`]);
    const seeded = await app
      .http()
      .post('/data-migration-center/import-tasks?wait=true')
      .set(bearer(superToken))
      .attach('file', Buffer.from(jsonl([{ title: 'Token en', locale: 'en' }, { title: 'Token fr', locale: 'fr' }])), 'articles.jsonl')
      .field('options', JSON.stringify({ contentType: ARTICLE, format: 'jsonl' }));
    expect(seeded.body.data.counts).toMatchObject({ created: 2, failed: 0 });
    const all = await exportAs(articles.key, { contentType: ARTICLE, format: 'jsonl', locale: 'all', status: 'draft' });
    expect(all.status).toBe(200);
    expect(all.body.data.status).toBe('completed');
    const articleFile = await download(app, articles.key, `${API}/tasks/${all.body.data.id}/file`);
    expect(articleFile.status).toBe(200);
    const drafts = (await app.strapi.db.query(ARTICLE as never).findMany({ where: { publishedAt: { $null: true } } })) as unknown[];
    expect(linesOf(articleFile.text)).toHaveLength(drafts.length);
    expect(linesOf(articleFile.text).map((item) => item.title)).toEqual(expect.arrayContaining(['Token en', 'Token fr']));

    // Imports: create without update. add-only creates; an upsert creates the new entry and refuses the update item by item.
    const creator = await createToken('custom', [`${DMC}.tasks.createImport`, `${DMC}.tasks.downloadErrorReport`, `${CONTACT}.create`]);
    const added = await importAs(creator.key, [{ firstName: 'Only', lastName: 'Created', company: 'token-create' }], { contentType: CONTACT, format: 'jsonl' });
    expect(added.status).toBe(200);
    expect(added.body.data.counts).toMatchObject({ created: 1, failed: 0 });
    const existing = (await contacts()).find((row) => row.company === 'token-create')!;
    const upsert = await importAs(
      creator.key,
      [
        { documentId: existing.documentId, firstName: 'Changed', lastName: 'Created', company: 'token-create' },
        { firstName: 'New', lastName: 'Created', company: 'token-create' },
      ],
      { contentType: CONTACT, format: 'jsonl', importStrategy: 'upsert', matchBy: 'documentId', onError: 'continue' }
    );
    expect(upsert.status).toBe(200);
    expect(upsert.body.data.counts).toMatchObject({ created: 1, updated: 0, failed: 1 });
    const after = (await contacts()).filter((row) => row.company === 'token-create');
    expect(after.map((row) => row.firstName).sort()).toEqual(['New', 'Only']);
    const report = await download(app, creator.key, `${API}/tasks/${upsert.body.data.id}/error-report?format=json`);
    expect(report.status).toBe(200);
    expect(report.text).toMatch(/permission/i);

    // Without create nor update: 403 before any task exists.
    const reader = await createToken('custom', [`${DMC}.tasks.createImport`, `${CONTACT}.find`]);
    const none = await importAs(reader.key, [{ firstName: 'No' }], { contentType: CONTACT, format: 'jsonl' });
    expect(none.status).toBe(403);
    expect(none.body.error.message).toMatch(/create or update permission on api::contact\.contact/);
  });

  it('runs a task with the token as it is when the task runs: a token deleted or expired since cannot run it', async () => {
    const permissions = app.strapi.plugin('data-migration-center').service('permissions') as {
      actorOfOwner(owner: { creatorId: number | null; tokenId: number | null }): Promise<{ id: number | null; token: { id: number } | null; superAdmin: boolean }>;
    };
    const custom = await createToken('custom', [`${DMC}.tasks.createExport`, `${CONTACT}.find`]);
    const actor = await permissions.actorOfOwner({ creatorId: null, tokenId: custom.id });
    expect(actor).toMatchObject({ id: null, token: { id: custom.id }, superAdmin: false });

    await app.strapi.db.query('admin::api-token').update({ where: { id: custom.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(permissions.actorOfOwner({ creatorId: null, tokenId: custom.id })).rejects.toThrow(/has expired/);
    expect((await exportAs(custom.key, { contentType: CONTACT, format: 'jsonl' })).status).toBe(401);

    const deleted = await app.http().delete(`/admin/api-tokens/${custom.id}`).set(bearer(superToken));
    expect(deleted.status).toBe(200);
    await expect(permissions.actorOfOwner({ creatorId: null, tokenId: custom.id })).rejects.toThrow(/no longer exists/);
  });

  it('counts the queue quota per token', async () => {
    const full = await createToken('full-access');
    const other = await createToken('full-access');
    const tasks = app.strapi.plugin('data-migration-center').service('tasks') as {
      assertQueueRoom(creator: null, token: { id: number; name: string }): Promise<void>;
    };
    const config = app.strapi.config.get('plugin::data-migration-center') as { maxQueuedPerUser: number };
    const before = config.maxQueuedPerUser;
    const query = app.strapi.db.query('plugin::data-migration-center.task' as never);
    const made = await Promise.all(
      [1, 2].map(() => query.create({ data: { kind: 'export', name: 'quota', contentType: CONTACT, state: 'running', tokenId: full.id, creatorName: full.name } }))
    );
    try {
      config.maxQueuedPerUser = 2;
      await expect(tasks.assertQueueRoom(null, full)).rejects.toThrow(/at most 2/);
      await expect(tasks.assertQueueRoom(null, other)).resolves.toBeUndefined();
    } finally {
      config.maxQueuedPerUser = before;
      await query.deleteMany({ where: { id: { $in: made.map((row) => (row as { id: number }).id) } } });
    }
  });
});
