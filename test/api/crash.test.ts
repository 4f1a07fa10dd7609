import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startChildInstance, type ChildInstance } from '../helpers/instance';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, jsonl, postImport, runningUntil, untilEnded, type Server } from '../helpers/tasks';

/**
 * kill -9 of the server running a continue-mode import (no shutdown hook runs). Instance B (a child process, on the
 * same PostgreSQL or MariaDB database as A, this process) runs the import in small batches; once batches are
 * committed, B is killed. A finds B's heartbeat stale and marks the task interrupted: its counts are the rows in
 * the database and its message says how many were kept. The upload is in B's `local` storage folder (a task runs
 * where its upload is): a new instance C on that folder (B restarted) resumes it to the end, every item once, and
 * the error report goes on from the rows of B's committed batches.
 *
 * Not on SQLite: two servers cannot share a SQLite file (the child-instance helper refuses it), and the crash of
 * the only server, restarted, is what the stale-heartbeat sweep at start-up handles (resume.test.ts covers a stop
 * and start of the runner).
 */

const client = process.env.DATABASE_CLIENT || 'sqlite';
const shared = client !== 'sqlite';
if (!shared) console.warn('crash.test.ts: SKIPPED on SQLite, which two servers cannot share; run it with DATABASE_CLIENT=postgres or mysql');
const describeShared = shared ? describe : describe.skip;

const CONTACT = 'api::contact.contact';
const settings = { DMC_POLL_INTERVAL: '200', DMC_HEARTBEAT_INTERVAL: '500', DMC_HEARTBEAT_TIMEOUT: '3000' };
const child = { ...settings, DMC_CONCURRENCY: '1', DMC_BATCH_SIZE: '100' };

let a: TestApp;
let b: ChildInstance;
let c: ChildInstance | undefined;
let token: string;

const getTask = async (server: Server, id: number): Promise<Task> => (await server.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data;

/** Polls the task on A until it has ended (`what` names who should end it, for the failure message). */
const ended = (id: number, what: string, instance: ChildInstance): Promise<Task> =>
  untilEnded(a, token, id, { timeout: 90_000, context: () => ` (${what}); the child's output:\n${instance.output()}` });

const N = 20_000;
/** Contacts with a unique city each (an item written twice would show), every 997th one invalid (a number where text goes). */
const contacts = jsonl(Array.from({ length: N }, (_, i) => ({ firstName: i % 997 === 5 ? 12345 : `First ${i}`, lastName: `Last ${i}`, city: `crash-${i}` })));
const invalid = Array.from({ length: N }, (_, i) => i).filter((i) => i % 997 === 5);

describeShared(`kill -9 of the instance running a continue import, on ${client}`, () => {
  beforeAll(async () => {
    a = await startApp({ env: settings });
    token = await registerSuperAdmin(a);
    b = await startChildInstance({ database: a.database, env: child });
  });
  afterAll(async () => {
    await c?.dispose();
    await b?.dispose();
    await a?.stop();
  });

  test('the survivor marks it interrupted with counts equal to the rows; resumed where its upload is, it ends with every item once', async () => {
    const res = await postImport(b, token, { content: contacts, fileName: 'contacts.jsonl', options: { contentType: CONTACT, onError: 'continue' }, wait: false });
    expect(res.status).toBe(202);
    const id = res.body.data.id as number;

    // Killed once B has committed batches past the first invalid item (its error report has a row).
    await runningUntil(a.strapi, id, (current) => current.created > 2_000, { context: () => `; B's output:\n${b.output()}` });
    await b.kill();

    const stopped = await ended(id, 'A should find B dead', b);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.resumable).toBe(true);
    const rows = await a.strapi.db.query(CONTACT).count({});
    expect(rows).toBeGreaterThan(2_000);
    expect(rows).toBeLessThan(N - invalid.length);
    expect(stopped.counts.created + stopped.counts.updated).toBe(rows);
    expect(stopped.counts.failed).toBeGreaterThan(0);
    expect(stopped.error).toMatch(/^The server running this task stopped before it finished/);
    expect(stopped.error).toContain(`kept: ${rows} entries (${rows} created, 0 updated, ${stopped.counts.failed} failed)`);

    // A cannot resume it: the upload is in B's folder.
    const onA = await a.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
    expect(onA.status).toBe(409);
    expect(onA.body.error.message).toMatch(/storage of another instance/);

    // B restarted on its folder: C.
    c = await startChildInstance({ database: a.database, env: child, storageDir: b.storageDir });
    const resumed = await c.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.data.status).toBe('queued');
    const final = await ended(id, 'C should finish it', c);
    expect({ status: final.status, error: final.error }).toEqual({ status: 'completed-with-errors', error: null });
    expect(final.counts).toMatchObject({ processed: N, created: N - invalid.length, updated: 0, failed: invalid.length });

    const cities = (await a.strapi.db.query(CONTACT).findMany({ select: ['city'] })) as Array<{ city: string }>;
    expect(cities.length).toBe(N - invalid.length);
    expect(new Set(cities.map((contact) => contact.city)).size).toBe(N - invalid.length);
    // One error report, each failed item once, in file order: B's rows, then C's.
    const report = await errorReport(c, token, id);
    expect(report.status).toBe(200);
    expect((JSON.parse(report.text) as Array<{ itemIndex: number }>).map((r) => r.itemIndex)).toEqual(invalid);
  }, 240_000);
});
