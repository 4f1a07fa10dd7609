import { createAdmin, PLUGIN_ACTIONS } from '../helpers/admin';
import { freePort, startPair, type ChildInstance, type InstancePair } from '../helpers/instance';
import type { TestApp } from '../helpers/strapi';
import { BASE, type Server } from '../helpers/tasks';
import type { Environment, Task, Template } from '../../shared/contracts';

/**
 * Saved environments in the admin (issue 19): A (in this process, the playground's demo content) keeps B (a child
 * process on a database of its own) as an environment with an API token B issued. The token is stored encrypted and
 * never answered; a bundle export of A is sent to B, a bundle of B fetched into A; a wrong token, an unreachable
 * host are refused before any task exists on either side.
 */

const TAG = 'api::tag.tag';
const CATEGORY = 'api::category.category';
const ENVIRONMENT_UID = 'plugin::data-migration-center.environment';

let a: TestApp;
let b: ChildInstance;
let pair: InstancePair;
let tokenA: string;
let tokenB: string;
let bKey: string;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  pair = await startPair();
  ({ a, b, tokenA, tokenB } = pair);
  const res = await b.http().post('/admin/api-tokens').set(bearer(tokenB)).send({ name: 'environments full', type: 'full-access', lifespan: null });
  expect(res.status).toBe(201);
  bKey = res.body.data.accessKey as string;
}, 240_000);

afterAll(async () => {
  await pair?.stop();
});

const post = (path: string, body: unknown, token = tokenA) => a.http().post(`${BASE}${path}`).set(bearer(token)).send(body as object);
const get = (path: string, token = tokenA) => a.http().get(`${BASE}${path}`).set(bearer(token));

const createEnvironment = async (body: Record<string, unknown>): Promise<Environment> => {
  const res = await post('/environments', body);
  expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({ status: 201, body: null });
  return res.body.data as Environment;
};

const taskCount = async (server: Server, token: string) => {
  const res = await server.http().get(`${BASE}/tasks?pageSize=1`).set(bearer(token));
  const dry = await server.http().get(`${BASE}/tasks?pageSize=1&dryRun=true`).set(bearer(token));
  return (res.body.meta.pagination.total as number) + (dry.body.meta.pagination.total as number);
};

const count = async (server: Server, token: string, uid: string) => {
  const res = await server.http().get(`/content-manager/collection-types/${uid}?page=1&pageSize=1`).set(bearer(token));
  expect(res.status).toBe(200);
  return res.body.pagination.total as number;
};

const waitHere = async (id: number): Promise<Task> => {
  for (let i = 0; i < 600; i += 1) {
    const res = await get(`/tasks/${id}`);
    if (res.body.data.status !== 'queued' && res.body.data.status !== 'running') return res.body.data as Task;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`task ${id} did not finish`);
};

describe('saved environments', () => {
  let staging: Environment;

  test('create, list, update, delete: the token is never answered nor stored in clear', async () => {
    staging = await createEnvironment({ name: 'Staging', url: `${b.url}/`, token: bKey });
    expect(staging).toMatchObject({ name: 'Staging', url: b.url, hasToken: true });
    expect(JSON.stringify(staging)).not.toContain(bKey);
    expect(Object.keys(staging).sort()).toEqual(['createdAt', 'hasToken', 'id', 'name', 'updatedAt', 'url']);

    const listed = await get('/environments');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([staging]);
    expect(JSON.stringify(listed.body)).not.toContain(bKey);

    // The column holds Strapi's encrypted form (v1:iv:ciphertext:tag), not the token.
    const raw = (await a.strapi.db.connection('dmc_environments').select('token').where({ id: staging.id }).first()) as { token: string };
    expect(raw.token).toMatch(/^v1:[0-9a-f]+:[0-9a-f]+:[0-9a-f]+$/);
    expect(raw.token).not.toContain(bKey);

    // Renamed, the token kept (absent, or empty as the admin's form sends it).
    const renamed = await a.http().put(`${BASE}/environments/${staging.id}`).set(bearer(tokenA)).send({ name: 'Staging B', token: '' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ id: staging.id, name: 'Staging B', hasToken: true });
    expect(JSON.stringify(renamed.body)).not.toContain(bKey);
    const after = (await a.strapi.db.connection('dmc_environments').select('token').where({ id: staging.id }).first()) as { token: string };
    expect(after.token).toBe(raw.token);
    staging = renamed.body.data as Environment;

    const other = await createEnvironment({ name: 'Throwaway', url: 'https://example.com', token: 'abc' });
    const deleted = await a.http().delete(`${BASE}/environments/${other.id}`).set(bearer(tokenA));
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({ id: other.id, name: 'Throwaway', hasToken: true });
    expect(await a.strapi.db.query(ENVIRONMENT_UID).findOne({ where: { id: other.id } })).toBeNull();
    expect((await a.http().delete(`${BASE}/environments/${other.id}`).set(bearer(tokenA))).status).toBe(404);
  });

  test.each([
    [{ name: 'X', url: 'staging.example.com', token: 't' }, 'url', /is not a URL/],
    [{ name: 'X', url: 'ftp://staging.example.com', token: 't' }, 'url', /only http/],
    [{ name: 'X', url: 'https://staging.example.com' }, 'token', /token is required/],
    [{ url: 'https://staging.example.com', token: 't' }, 'name', /name is required/],
    [{ name: 'staging b', url: 'https://staging.example.com', token: 't' }, 'name', /exists already/],
    [{ name: 'X', url: 'https://staging.example.com', token: 't', extra: 1 }, 'extra', /not a field/],
  ])('400 on %j, naming %s', async (body, field, message) => {
    const res = await post('/environments', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect(res.body.error.message).toMatch(message);
  });

  test('400 naming the field on update too (duplicate name, bad URL)', async () => {
    const other = await createEnvironment({ name: 'Other', url: 'https://example.org', token: 't' });
    const dup = await a.http().put(`${BASE}/environments/${other.id}`).set(bearer(tokenA)).send({ name: 'Staging B' });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.errors[0].path).toEqual(['name']);
    const bad = await a.http().put(`${BASE}/environments/${other.id}`).set(bearer(tokenA)).send({ url: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toEqual(['url']);
    await a.http().delete(`${BASE}/environments/${other.id}`).set(bearer(tokenA));
  });

  test('403 for an admin without the environments action', async () => {
    const token = await createAdmin(a, PLUGIN_ACTIONS.filter((action) => !action.endsWith('.environments')));
    expect((await get('/environments', token)).status).toBe(403);
    expect((await post('/environments', { name: 'Nope', url: b.url, token: bKey }, token)).status).toBe(403);
    expect((await post(`/environments/${staging.id}/check`, {}, token)).status).toBe(403);
    expect((await post(`/environments/${staging.id}/fetch`, { bundle: { contentTypes: [TAG] } }, token)).status).toBe(403);
  });

  test('check: the other center version and bundle format; a wrong token is a clear 400', async () => {
    const ok = await post(`/environments/${staging.id}/check`, {});
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ ok: true, version: expect.any(String), bundleFormat: expect.any(Number) });

    const wrong = await createEnvironment({ name: 'Wrong token', url: b.url, token: 'not-a-token' });
    const refused = await post(`/environments/${wrong.id}/check`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/refused the API token \(401\)/);

    const port = await freePort();
    const down = await createEnvironment({ name: 'Down', url: `http://127.0.0.1:${port}`, token: 'x' });
    const unreachable = await post(`/environments/${down.id}/check`, {});
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error.message).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
  });

  test('send: a completed bundle export of A is imported on B; its task polled through A', async () => {
    const exported = await post('/bundle-exports?wait=true', { types: [{ contentType: CATEGORY }] });
    expect(exported.body.data).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    const before = await count(b, tokenB, CATEGORY);
    const sent = await post(`/tasks/${exported.body.data.id}/send`, { environmentId: staging.id, options: { onError: 'continue' } });
    expect({ status: sent.status, body: sent.status === 202 ? null : sent.body }).toEqual({ status: 202, body: null });
    expect(sent.body.data).toMatchObject({ environmentId: staging.id, remoteTask: { kind: 'bundle-import' } });
    const remoteId = sent.body.data.remoteTask.id as number;
    let remote: Task = sent.body.data.remoteTask;
    for (let i = 0; i < 600 && (remote.status === 'queued' || remote.status === 'running'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const polled = await get(`/environments/${staging.id}/tasks/${remoteId}`);
      expect(polled.status).toBe(200);
      remote = polled.body.data as Task;
    }
    expect(remote).toMatchObject({ id: remoteId, status: 'completed', counts: { failed: 0 } });
    expect(remote.counts.created).toBe(await count(a, tokenA, CATEGORY));
    expect(await count(b, tokenB, CATEGORY)).toBe(before + remote.counts.created);
  });

  test('send refuses what is not a completed bundle export, and an unknown environment', async () => {
    const exported = await post('/export-tasks?wait=true', { contentType: TAG, format: 'json' });
    const notBundle = await post(`/tasks/${exported.body.data.id}/send`, { environmentId: staging.id });
    expect(notBundle.status).toBe(400);
    expect(notBundle.body.error.message).toMatch(/only a bundle export can be sent/);
    const unknown = await post(`/tasks/${exported.body.data.id}/send`, { environmentId: 999999 });
    expect(unknown.status).toBe(404);
    const noId = await post(`/tasks/${exported.body.data.id}/send`, {});
    expect(noId.status).toBe(400);
    expect(noId.body.error.details.errors[0].path).toEqual(['environmentId']);
  });

  test('fetch: a bundle exported on B becomes a local bundle import task that completes', async () => {
    const fetched = await post(`/environments/${staging.id}/fetch`, { bundle: { contentTypes: [CATEGORY] }, options: { types: { [CATEGORY]: { matchBy: 'slug' } } } });
    expect({ status: fetched.status, body: fetched.status === 202 ? null : fetched.body }).toEqual({ status: 202, body: null });
    expect(fetched.body.data).toMatchObject({ kind: 'bundle-import' });
    const before = await count(a, tokenA, CATEGORY);
    const done = await waitHere(fetched.body.data.id as number);
    expect(done).toMatchObject({ status: 'completed', counts: { created: 0, failed: 0 } });
    expect(done.counts.updated).toBe(before);
    // It is listed with the other tasks.
    const listed = await get('/tasks?kind=bundle-import');
    expect((listed.body.data as Task[]).map((t) => t.id)).toContain(done.id);
  });

  test('a wrong token, bad import options: refused before any task exists on either side', async () => {
    const wrong = (await get('/environments')).body.data.find((e: Environment) => e.name === 'Wrong token') as Environment;
    const exported = await post('/bundle-exports?wait=true', { types: [{ contentType: TAG }] });
    const [tasksA, tasksB] = [await taskCount(a, tokenA), await taskCount(b, tokenB)];

    const sent = await post(`/tasks/${exported.body.data.id}/send`, { environmentId: wrong.id });
    expect(sent.status).toBe(400);
    expect(sent.body.error.message).toMatch(/refused the API token \(401\)/);
    const fetched = await post(`/environments/${wrong.id}/fetch`, { bundle: { contentTypes: [TAG] } });
    expect(fetched.status).toBe(400);
    expect(fetched.body.error.message).toMatch(/refused the API token \(401\)/);
    const badOptions = await post(`/environments/${staging.id}/fetch`, { bundle: { contentTypes: [TAG] }, options: { onError: 'sideways' } });
    expect(badOptions.status).toBe(400);

    expect([await taskCount(a, tokenA), await taskCount(b, tokenB)]).toEqual([tasksA, tasksB]);
  });
});

describe('a schedule that pushes (bundle templates)', () => {
  type Scheduler = { tick(now: Date): Promise<Array<{ templateId: number; taskId: number; failure: string | null }>> };
  const scheduler = () => a.strapi.plugin('data-migration-center').service('scheduler') as Scheduler;
  let target: Environment;

  const templateOf = async (id: Template["id"]): Promise<Template> => (await get(`/templates/${id}`)).body.data as Template;
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
    for (let i = 0; i < 300; i += 1) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    target = await createEnvironment({ name: 'Scheduled target', url: b.url, token: bKey });
  });

  test('refused when it cannot push: an export template, an unknown environment, bad import options (400 naming the field)', async () => {
    const exportTemplate = await post('/templates', {
      name: 'Tags nightly (export)',
      kind: 'export',
      contentType: TAG,
      options: { format: 'jsonl' },
      schedule: { cron: '0 3 * * *', push: { environmentId: target.id } },
    });
    expect(exportTemplate.status).toBe(400);
    expect(exportTemplate.body.error.details.errors[0].path).toEqual(['schedule.push']);
    const base = { name: 'Tags to B', kind: 'bundle', options: { types: [{ contentType: TAG }] } };
    const unknown = await post('/templates', { ...base, schedule: { cron: '0 3 * * *', push: { environmentId: 999999 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.errors[0].path).toEqual(['schedule.push.environmentId']);
    const badOptions = await post('/templates', { ...base, schedule: { cron: '0 3 * * *', push: { environmentId: target.id, options: { onError: 'sideways' } } } });
    expect(badOptions.status).toBe(400);
    expect(badOptions.body.error.details.errors[0].path).toEqual(['schedule.push.options']);
  });

  test('each completed run is sent once to the environment and imported there; the template says what the push did', async () => {
    const made = await a
      .http()
      .post(`${BASE}/import-tasks?wait=true`)
      .set(bearer(tokenA))
      .attach('file', Buffer.from('{"name":"scheduled-push-1"}\n{"name":"scheduled-push-2"}\n'), 'tags.jsonl')
      .field('options', JSON.stringify({ contentType: TAG }));
    expect(made.body.data.counts.created).toBe(2);
    const created = await post('/templates', {
      name: 'Tags to B every minute',
      kind: 'bundle',
      options: { types: [{ contentType: TAG }] },
      schedule: { cron: '* * * * *', push: { environmentId: target.id, options: { types: { [TAG]: { matchBy: 'name' } } } } },
    });
    expect(created.status).toBe(201);
    const template = created.body.data as Template;
    expect(template.schedule?.push).toEqual({ environmentId: target.id, options: { types: { [TAG]: { matchBy: 'name' } } } });
    expect(template.lastPush).toBeNull();

    const [run] = (await scheduler().tick(new Date(Date.now() + 120_000))).filter((r) => r.templateId === template.id);
    expect(run.failure).toBeNull();
    const done = await waitHere(run.taskId);
    expect(done).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    const pushed = await until(() => templateOf(template.id), (t) => t.lastPush !== null, 'the push');
    expect(pushed.lastPush).toMatchObject({ taskId: run.taskId, environmentId: target.id, status: 'sent', error: null });
    const remoteId = pushed.lastPush!.remoteTaskId!;
    const remote = await until(
      async () => (await get(`/environments/${target.id}/tasks/${remoteId}`)).body.data as Task,
      (t) => t.status !== 'queued' && t.status !== 'running',
      'the import on B'
    );
    expect(remote).toMatchObject({ kind: 'bundle-import', status: 'completed', counts: { failed: 0 } });
    const onB = await b.http().get(`/content-manager/collection-types/${TAG}?filters[name][$startsWith]=scheduled-push&page=1&pageSize=10`).set(bearer(tokenB));
    expect(onB.body.results.map((tag: { name: string }) => tag.name).sort()).toEqual(['scheduled-push-1', 'scheduled-push-2']);
  });

  test('a push that fails (a refused token) is recorded on the template with the reason; the run itself completed', async () => {
    const wrong = (await get('/environments')).body.data.find((e: Environment) => e.name === 'Wrong token') as Environment;
    const created = await post('/templates', {
      name: 'Tags to nowhere',
      kind: 'bundle',
      options: { types: [{ contentType: TAG }] },
      schedule: { cron: '* * * * *', push: { environmentId: wrong.id } },
    });
    expect(created.status).toBe(201);
    const id = (created.body.data as Template).id as number;
    const [run] = (await scheduler().tick(new Date(Date.now() + 120_000))).filter((r) => r.templateId === id);
    expect((await waitHere(run.taskId)).status).toBe('completed');
    const failed = await until(() => templateOf(id), (t) => t.lastPush !== null, 'the push');
    expect(failed.lastPush).toMatchObject({ taskId: run.taskId, status: 'failed', remoteTaskId: null });
    expect(failed.lastPush!.error).toMatch(/refused the API token \(401\)/);
  });
});
