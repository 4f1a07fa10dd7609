import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startChildInstance, type ChildInstance } from '../helpers/instance';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, jsonl, postImport, runningUntil, untilEnded } from '../helpers/tasks';

/**
 * Two playground instances on one PostgreSQL or MariaDB database, each with its own `local` storage folder (as two
 * containers with their own disks): a task runs only on the instance that holds its upload, the other answers 409
 * for its files naming the storage setting; kill -9 during an export leaves no file, only a temporary one that the
 * retention sweep removes. SQLite cannot be shared by two servers: skipped there.
 */

const client = process.env.DATABASE_CLIENT || 'sqlite';
const shared = client !== 'sqlite';
if (!shared) console.warn('instances-local.test.ts: SKIPPED on SQLite, which two servers cannot share; run it with DATABASE_CLIENT=postgres or mysql');
const describeShared = shared ? describe : describe.skip;

const TASK = 'plugin::data-migration-center.task';
const PLUGIN = 'plugin::data-migration-center';
let a: TestApp;
let b: ChildInstance;
/** B restarted on its storage folder, after B was killed. */
let c: ChildInstance | undefined;
let token: string;

const settings = { DMC_POLL_INTERVAL: '200', DMC_HEARTBEAT_INTERVAL: '1000', DMC_HEARTBEAT_TIMEOUT: '3000' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A's runner claims tasks (1) or not (0): its setting, read at each claim. */
const setConcurrencyOfA = (n: number) => {
  a.strapi.config.set(`${PLUGIN}.concurrency`, n);
  (a.strapi.plugin('data-migration-center').service('runner') as { kick(): void }).kick();
};
const runnerOfA = () => (a.strapi.plugin('data-migration-center').service('runner') as { instanceId: string }).instanceId;
const row = async (id: number) =>
  (await a.strapi.db.query(TASK).findOne({ where: { id } })) as { state: string; instanceId: string; storageId: string; fileKey: string; processed: number };

const finished = (id: number): Promise<Task> => untilEnded(a, token, id, { context: () => `; B's output:\n${b.output()}` });

const STORAGE_409 = /storage of another instance.*storage setting.*storage\.provider: "s3"/;

describeShared(`two instances on one ${client} database, separate local storage folders`, () => {
  beforeAll(async () => {
    a = await startApp({ env: settings });
    token = await registerSuperAdmin(a);
    b = await startChildInstance({ database: a.database, env: { ...settings, DMC_CONCURRENCY: '1', DMC_BATCH_SIZE: '200' } });
  });
  afterAll(async () => {
    await c?.dispose();
    await b?.dispose();
    await a?.stop();
  });

  test('an import uploaded to A waits for A (B never claims it), runs on A, and B answers 409 for its files', async () => {
    setConcurrencyOfA(0);
    const content = jsonl([{ name: 'Local one', slug: 'local-one' }, { name: 'Local bad', slug: 'local-bad', nope: 1 }]);
    const res = await postImport(a, token, {
      content,
      fileName: 'categories.jsonl',
      options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
      wait: false,
    });
    expect(res.status).toBe(202);
    const id = res.body.data.id as number;
    await sleep(2000); // B looks for work every 200 ms
    expect((await row(id)).state).toBe('queued');

    setConcurrencyOfA(1);
    const task = await finished(id);
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, failed: 1 } });
    expect((await row(id)).instanceId).toBe(runnerOfA());

    expect((await download(a, token, `${BASE}/tasks/${id}/file`)).text).toBe(content);
    for (const url of [`${BASE}/tasks/${id}/file`, `${BASE}/tasks/${id}/error-report?format=csv`]) {
      const onB = await download(b, token, url);
      expect(onB.status).toBe(409);
      expect(JSON.parse(onB.text).error.message).toMatch(STORAGE_409);
    }
    const deleteOnB = await b.http().delete(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`);
    expect(deleteOnB.status).toBe(409);
    expect(deleteOnB.body.error.message).toMatch(STORAGE_409);

    const folder = path.join(a.storageDir, path.dirname((await row(id)).fileKey));
    // The upload, the error report and the pre-images (undo) of the continue import.
    expect(fs.readdirSync(folder).sort()).toEqual(['errors.jsonl', 'pre-images.jsonl', 'upload.jsonl']);
    expect((await a.http().delete(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(fs.existsSync(folder)).toBe(false);
  });

  test('an export run by B is served by B; A answers 409', async () => {
    setConcurrencyOfA(0);
    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::category.category', format: 'jsonl' });
    const task = await finished(res.body.data.id);
    expect(task.status).toBe('completed');
    const onA = await download(a, token, `${BASE}/tasks/${task.id}/file`);
    expect(onA.status).toBe(409);
    expect(JSON.parse(onA.text).error.message).toMatch(STORAGE_409);
    const onB = await download(b, token, `${BASE}/tasks/${task.id}/file`);
    expect(onB.status).toBe(200);
    expect(onB.text.trim().split('\n').map((line) => JSON.parse(line).slug)).toEqual(['local-one']);
    expect(fs.existsSync(path.join(b.storageDir, (await row(task.id)).fileKey))).toBe(true);
  });

  test('kill -9 of B during an export: interrupted, no file under its name, 404 with the reason; retention removes the temporary', async () => {
    setConcurrencyOfA(1);
    const items = Array.from({ length: 60_000 }, (_, i) => ({ firstName: `F${i}`, lastName: `L${i}`, city: 'Lleida', notes: 'x'.repeat(200) }));
    const imported = await postImport(a, token, { content: jsonl(items), fileName: 'contacts.jsonl', options: { contentType: 'api::contact.contact' } });
    expect(imported.body.data.status).toBe('completed');

    setConcurrencyOfA(0);
    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::contact.contact', format: 'json' });
    const id = res.body.data.id as number;
    const { fileKey } = await runningUntil(a.strapi, id, (current) => current.processed > 0, { timeout: 30_000 });
    const file = path.join(b.storageDir, fileKey);
    const partial = () => fs.readdirSync(path.dirname(file)).filter((name) => name.endsWith('.partial'));
    expect(partial()).toHaveLength(1); // being written under a temporary name
    await b.kill();

    const task = await finished(id); // A finds B's heartbeat stale
    expect(task.status).toBe('interrupted');
    expect(fs.existsSync(file)).toBe(false);
    const answer = await download(a, token, `${BASE}/tasks/${id}/file`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text).error.message).toMatch(/Task \d+ has no file: the export ended interrupted \(.+\)/);

    // The killed server's temporary file stays in its folder until the retention sweep of an instance on that
    // folder (B restarted: C) removes what a failed, cancelled or interrupted export left, retention.failedUploadDays
    // after it ended.
    expect(partial()).toHaveLength(1);
    await a.strapi.db.query(TASK).update({ where: { id }, data: { finishedAt: new Date(Date.now() - 2 * 24 * 3600 * 1000) } });
    c = await startChildInstance({ database: a.database, env: { ...settings, DMC_CONCURRENCY: '0', DMC_RETENTION_CHECK_INTERVAL: '250' }, storageDir: b.storageDir });
    const swept = Date.now() + 15_000;
    while (!((await a.strapi.db.query(TASK).findOne({ where: { id } })) as { filesRemovedAt: unknown }).filesRemovedAt) {
      if (Date.now() > swept) throw new Error(`C's retention sweep did not remove the export's temporary file within 15 s; C's output:\n${c.output()}`);
      await sleep(100);
    }
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
