import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { createTestDatabase } from '../helpers/database';
import { startChildInstance, type ChildInstance } from '../helpers/instance';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, jsonl, postImport, runningUntil, untilEnded, type Server } from '../helpers/tasks';

/**
 * kill -9 of the server running a continue-mode import (no shutdown hook runs), once it has committed batches:
 * the task ends interrupted with counts equal to the rows in the database and a message saying how many were
 * kept, and a resume where its upload is (a task with `local` storage runs where its upload is) imports the rest:
 * every item once, the error report continued from the rows of the killed server's committed batches.
 *
 * - PostgreSQL and MariaDB: instance B (a child process) runs it beside A (this process, on the same database); A
 *   finds B's heartbeat stale and marks the task interrupted. A cannot resume it (B's folder holds the upload):
 *   a new instance C on B's folder (B restarted) does.
 * - SQLite, which two servers cannot share: B is the only server; once it is killed, A starts on the same file and
 *   on B's folder (the server restarted), marks the task interrupted and resumes it.
 */

const client = process.env.DATABASE_CLIENT || 'sqlite';
const describeShared = client !== 'sqlite' ? describe : describe.skip;
const describeSqlite = client === 'sqlite' ? describe : describe.skip;

const CONTACT = 'api::contact.contact';
const settings = { DMC_POLL_INTERVAL: '200', DMC_HEARTBEAT_INTERVAL: '500', DMC_HEARTBEAT_TIMEOUT: '3000' };
const child = { ...settings, DMC_CONCURRENCY: '1', DMC_BATCH_SIZE: '100' };

let a: TestApp | undefined;
let b: ChildInstance | undefined;
let c: ChildInstance | undefined;
let token: string;

afterAll(async () => {
  await c?.dispose();
  await b?.dispose();
  await a?.stop();
});

const N = 20_000;
/** Contacts with a unique city each (an item written twice would show), every 997th one invalid (a number where text goes). */
const contacts = jsonl(Array.from({ length: N }, (_, i) => ({ firstName: i % 997 === 5 ? 12345 : `First ${i}`, lastName: `Last ${i}`, city: `crash-${i}` })));
const invalid = Array.from({ length: N }, (_, i) => i).filter((i) => i % 997 === 5);

const startImport = async (server: Server): Promise<number> => {
  const res = await postImport(server, token, { content: contacts, fileName: 'contacts.jsonl', options: { contentType: CONTACT, onError: 'continue' }, wait: false });
  expect(res.status).toBe(202);
  return res.body.data.id as number;
};

/** The task, ended by A (`what` says why it should have, for the failure message). */
const endedOnA = (id: number, what: string, instance: ChildInstance): Promise<Task> =>
  untilEnded(a as TestApp, token, id, { timeout: 90_000, context: () => ` (${what}); the child's output:\n${instance.output()}` });

/** Interrupted, resumable, its counts the rows in the database, its message saying so. */
const expectKeptRows = async (stopped: Task) => {
  expect(stopped.status).toBe('interrupted');
  expect(stopped.resumable).toBe(true);
  const rows = await (a as TestApp).strapi.db.query(CONTACT).count({});
  expect(rows).toBeGreaterThan(2_000);
  expect(rows).toBeLessThan(N - invalid.length);
  expect(stopped.counts.created + stopped.counts.updated).toBe(rows);
  expect(stopped.counts.failed).toBeGreaterThan(0);
  expect(stopped.error).toMatch(/^The server running this task stopped before it finished/);
  expect(stopped.error).toContain(`kept: ${rows} entries (${rows} created, 0 updated, ${stopped.counts.failed} failed)`);
};

/** Resumes the task on `server` and checks the end: every item once, one error report in file order. */
const expectResumedToTheEnd = async (server: Server, id: number, untilDone: () => Promise<Task>) => {
  const resumed = await server.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
  expect(resumed.status).toBe(200);
  expect(resumed.body.data.status).toBe('queued');
  const final = await untilDone();
  expect({ status: final.status, error: final.error }).toEqual({ status: 'completed-with-errors', error: null });
  expect(final.counts).toMatchObject({ processed: N, created: N - invalid.length, updated: 0, failed: invalid.length });

  const cities = (await (a as TestApp).strapi.db.query(CONTACT).findMany({ select: ['city'] })) as Array<{ city: string }>;
  expect(cities.length).toBe(N - invalid.length);
  expect(new Set(cities.map((contact) => contact.city)).size).toBe(N - invalid.length);
  // The killed server's rows, then the resume's.
  const report = await errorReport(server, token, id);
  expect(report.status).toBe(200);
  expect((JSON.parse(report.text) as Array<{ itemNumber: number }>).map((r) => r.itemNumber)).toEqual(invalid.map((i) => i + 1));
};

describeShared(`kill -9 of the instance running a continue import, beside another, on ${client}`, () => {
  test('the survivor marks it interrupted with counts equal to the rows; resumed where its upload is, it ends with every item once', async () => {
    a = await startApp({ env: settings });
    token = await registerSuperAdmin(a);
    const killed = (b = await startChildInstance({ database: a.database, env: child }));
    const id = await startImport(killed);
    // Killed once B has committed batches past the first invalid items (its error report has rows).
    await runningUntil(a.strapi, id, (current) => current.created > 2_000, { context: () => `; B's output:\n${killed.output()}` });
    await killed.kill();
    await expectKeptRows(await endedOnA(id, 'A should find B dead', killed));

    // A cannot resume it: the upload is in B's folder.
    const onA = await a.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
    expect(onA.status).toBe(409);
    expect(onA.body.error.message).toMatch(/storage of another instance/);

    // B restarted on its folder: C.
    const restarted = (c = await startChildInstance({ database: a.database, env: child, storageDir: killed.storageDir }));
    await expectResumedToTheEnd(restarted, id, () => endedOnA(id, 'C should finish it', restarted));
  }, 240_000);
});

describeSqlite('kill -9 of the only server running a continue import, on sqlite', () => {
  test('restarted on the same file and folder, the server marks it interrupted with counts equal to the rows and resumes it to the end', async () => {
    const database = await createTestDatabase();
    const killed = (b = await startChildInstance({ database, env: child, soleServer: true }));
    token = await registerSuperAdmin(killed);
    const id = await startImport(killed);
    // Read from B (SQLite is B's alone while it runs): its counts once batches are committed.
    const deadline = Date.now() + 60_000;
    while (((await killed.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data as Task).counts.created <= 2_000) {
      if (Date.now() > deadline) throw new Error(`The import committed no batch within 60 s; B's output:\n${killed.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await killed.kill();

    // The server restarted: same database file, same storage folder (its admin secret is the playground's).
    const restarted = (a = await startApp({ database, env: { ...settings, DMC_STORAGE_DIR: killed.storageDir } }));
    await expectKeptRows(await untilEnded(restarted, token, id, { timeout: 30_000 }));
    await expectResumedToTheEnd(restarted, id, () => untilEnded(restarted, token, id, { timeout: 90_000 }));
  }, 240_000);
});
