import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startChildInstance, type ChildInstance } from '../helpers/instance';
import { startS3Server, type TestS3 } from '../helpers/s3';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, jsonl, postImport, runningUntil, untilEnded } from '../helpers/tasks';

/**
 * Two playground instances on one PostgreSQL or MariaDB database with the `s3` storage (s3rver): instance A (this
 * process) takes the requests but runs no task (concurrency 0), instance B (a child process) runs them; each serves
 * every file. A continue import whose server is killed is resumed by another instance, its error report continued.
 * SQLite cannot be shared by two servers: skipped there.
 */

const client = process.env.DATABASE_CLIENT || 'sqlite';
const shared = client !== 'sqlite';
if (!shared) console.warn('instances-s3.test.ts: SKIPPED on SQLite, which two servers cannot share; run it with DATABASE_CLIENT=postgres or mysql');
const describeShared = shared ? describe : describe.skip;

const TASK = 'plugin::data-migration-center.task';
let s3: TestS3;
let a: TestApp;
let b: ChildInstance;
/** Instances started after B was killed. */
const children: ChildInstance[] = [];
let token: string;

const settings = { DMC_POLL_INTERVAL: '300', DMC_HEARTBEAT_INTERVAL: '1000', DMC_HEARTBEAT_TIMEOUT: '3000', DMC_RETENTION_CHECK_INTERVAL: '250' };

/** Polls GET /tasks/:id on A until the task has finished. */
const finished = (id: number): Promise<Task> => untilEnded(a, token, id, { context: () => `; B's output:\n${b.output()}` });

describeShared(`two instances on one ${client} database, s3 storage`, () => {
  beforeAll(async () => {
    s3 = await startS3Server();
    a = await startApp({ env: { ...s3.env, ...settings, DMC_CONCURRENCY: '0' } });
    token = await registerSuperAdmin(a);
    b = await startChildInstance({ database: a.database, env: { ...s3.env, ...settings, DMC_CONCURRENCY: '1' } });
  });
  afterAll(async () => {
    for (const child of children) await child.dispose();
    await b?.dispose();
    await a?.stop();
    await s3?.stop();
  });

  test("a token from A works on B (the playground's admin secret is shared)", async () => {
    const res = await b.http().get(`${BASE}/tasks`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });

  test('an import uploaded to A runs on B; its upload and error report download from either', async () => {
    const content = jsonl([
      { name: 'Shared one', slug: 'shared-one' },
      { name: 'Shared bad', slug: 'shared-bad', unknownField: 1 },
    ]);
    const res = await postImport(a, token, {
      content,
      fileName: 'categories.jsonl',
      options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
      wait: false,
    });
    expect(res.status).toBe(202);
    const task = await finished(res.body.data.id);
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, failed: 1 } });
    const row = (await a.strapi.db.query(TASK).findOne({ where: { id: task.id } })) as { instanceId: string; storageId: string };
    const runnerOfA = (a.strapi.plugin('data-migration-center').service('runner') as { instanceId: string }).instanceId;
    expect(row.instanceId).not.toBe(runnerOfA);
    expect(row.storageId).toBe(`s3:${s3.bucket}/strapi/`);

    for (const instance of [a, b]) {
      const file = await download(instance, token, `${BASE}/tasks/${task.id}/file`);
      expect(file.status).toBe(200);
      expect(file.text).toBe(content);
      const report = await download(instance, token, `${BASE}/tasks/${task.id}/error-report?format=json`);
      expect(report.status).toBe(200);
      expect(JSON.parse(report.text)).toEqual([expect.objectContaining({ key: 'shared-bad' })]);
    }
  });

  test('an export asked of A runs on B and downloads from A; a delete on A removes its objects', async () => {
    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::category.category', format: 'jsonl' });
    expect(res.status).toBe(202);
    const task = await finished(res.body.data.id);
    expect(task.status).toBe('completed');
    const file = await download(a, token, `${BASE}/tasks/${task.id}/file`);
    expect(file.status).toBe(200);
    expect(file.text.trim().split('\n').map((line) => JSON.parse(line).slug)).toContain('shared-one');

    const { fileKey } = (await a.strapi.db.query(TASK).findOne({ where: { id: task.id } })) as { fileKey: string };
    expect(s3.keys()).toContain(`strapi/${fileKey}`);
    expect((await a.http().delete(`${BASE}/tasks/${task.id}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(s3.keys()).not.toContain(`strapi/${fileKey}`);
  });

  test('both instances sweep the bucket for retention: the files of an old task go once, without error', async () => {
    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::category.category', format: 'csv' });
    const task = await finished(res.body.data.id);
    const { fileKey } = (await a.strapi.db.query(TASK).findOne({ where: { id: task.id } })) as { fileKey: string };
    expect(s3.keys()).toContain(`strapi/${fileKey}`);
    await a.strapi.db.query(TASK).update({ where: { id: task.id }, data: { finishedAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) } });
    const deadline = Date.now() + 10_000;
    while (!((await a.strapi.db.query(TASK).findOne({ where: { id: task.id } })) as { filesRemovedAt: unknown }).filesRemovedAt) {
      if (Date.now() > deadline) throw new Error('The retention sweep did not mark the task within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(s3.keys()).not.toContain(`strapi/${fileKey}`);
    await new Promise((resolve) => setTimeout(resolve, 600)); // more sweeps of both instances
    expect(b.output()).not.toMatch(/retention:/);
    const answer = await download(b, token, `${BASE}/tasks/${task.id}/file`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text).error.message).toMatch(/retention setting/);
  });

  test('kill -9 of B during an export: the task ends interrupted and no object is published', async () => {
    // Enough contacts for an export that takes a few seconds.
    const items = Array.from({ length: 60_000 }, (_, i) => ({ firstName: `F${i}`, lastName: `L${i}`, city: 'Girona', notes: 'x'.repeat(200) }));
    const imported = await postImport(a, token, { content: jsonl(items), fileName: 'contacts.jsonl', options: { contentType: 'api::contact.contact' }, wait: false });
    expect((await finished(imported.body.data.id)).status).toBe('completed');

    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::contact.contact', format: 'json' });
    const id = res.body.data.id as number;
    // Running on B is enough: its progress is written at most every 500 ms, and a quiet machine reads the 60,000
    // contacts faster than that (the row then says 0 processed until the upload to the bucket ends).
    await runningUntil(a.strapi, id, () => true, { timeout: 30_000 });
    await b.kill();
    const task = await finished(id);
    expect(task.status).toBe('interrupted');
    const answer = await download(a, token, `${BASE}/tasks/${id}/file`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text).error.message).toMatch(/no file: the export ended interrupted/);
    const { fileKey } = (await a.strapi.db.query(TASK).findOne({ where: { id } })) as { fileKey: string };
    expect(s3.keys()).not.toContain(`strapi/${fileKey}`);
  });

  test('kill -9 during a continue import: interrupted with the committed counts; resumed from A, a new instance ends it with one error report', async () => {
    // B was killed above: C runs this import, D (on the same machine) the resume.
    const c = await startChildInstance({ database: a.database, env: { ...s3.env, ...settings, DMC_CONCURRENCY: '1', DMC_BATCH_SIZE: '100' } });
    children.push(c);
    const n = 15_000;
    const invalid = Array.from({ length: n }, (_, i) => i).filter((i) => i % 997 === 5);
    const items = Array.from({ length: n }, (_, i) => ({ firstName: i % 997 === 5 ? 12345 : `F${i}`, city: `s3crash-${i}` }));
    const res = await postImport(a, token, { content: jsonl(items), fileName: 'contacts.jsonl', options: { contentType: 'api::contact.contact', onError: 'continue' }, wait: false });
    const id = res.body.data.id as number;
    const rows = () => a.strapi.db.query('api::contact.contact').count({ where: { city: { $startsWith: 's3crash-' } } });
    await runningUntil(a.strapi, id, (row) => row.created > 2_000, { context: () => `; C's output:\n${c.output()}` });
    await c.kill();
    const stopped = await finished(id);
    expect(stopped).toMatchObject({ status: 'interrupted', resumable: true });
    const kept = await rows();
    expect(kept).toBeLessThan(n - invalid.length);
    expect(stopped.counts.created).toBe(kept);
    expect(stopped.error).toContain(`kept: ${kept} entries (${kept} created, 0 updated, ${stopped.counts.failed} failed)`);

    const d = await startChildInstance({ database: a.database, env: { ...s3.env, ...settings, DMC_CONCURRENCY: '1' } });
    children.push(d);
    const resumed = await a.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
    expect(resumed.status).toBe(200);
    const final = await finished(id);
    expect({ status: final.status, error: final.error }).toEqual({ status: 'completed-with-errors', error: null });
    expect(final.counts).toMatchObject({ processed: n, created: n - invalid.length, failed: invalid.length });
    const cities = (await a.strapi.db.query('api::contact.contact').findMany({ select: ['city'], where: { city: { $startsWith: 's3crash-' } } })) as Array<{ city: string }>;
    expect(new Set(cities.map((contact) => contact.city)).size).toBe(n - invalid.length);
    expect(cities.length).toBe(n - invalid.length);
    // C's rows came from its scratch file on this machine (the object is written when the task ends), then D's.
    const report = await download(a, token, `${BASE}/tasks/${id}/error-report?format=json`);
    expect((JSON.parse(report.text) as Array<{ itemNumber: number }>).map((r) => r.itemNumber)).toEqual(invalid.map((i) => i + 1));
  }, 180_000);
});
