import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, jsonl, postImport } from '../helpers/tasks';

/**
 * A long `continue` import commits batch by batch, so the admin panel's requests are served while it runs, also on
 * SQLite, which has one connection for everything: each request runs between two batches, not after the import.
 */

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

const CONTACTS = jsonl(
  Array.from({ length: 40_000 }, (_, i) => ({ firstName: `First ${i}`, lastName: `Last ${i}`, city: `City ${i % 97}` }))
);

const getTask = async (id: number) => {
  const res = await app.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return res.body.data as { status: string; counts: { processed: number } };
};

test('requests made while a continue import runs are answered before it ends', async () => {
  const started = await postImport(app, token, {
    fileName: 'contacts.jsonl',
    content: CONTACTS,
    options: { contentType: 'api::contact.contact', onError: 'continue' },
    wait: false,
  });
  expect(started.status).toBe(202);
  const id = started.body.data.id as number;
  let task = await getTask(id);
  while (task.status === 'queued' || (task.status === 'running' && task.counts.processed === 0))
    task = await getTask(id);
  expect(task.status).toBe('running');

  // Requests that read the database (the admin user behind the token, the task list), one after the other.
  const seen: Array<{ status: string; processed: number }> = [];
  for (let i = 0; i < 5; i += 1) {
    const list = await app.http().get(`${BASE}/tasks?kind=import`).set('Authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    const current = await getTask(id);
    seen.push({ status: current.status, processed: current.counts.processed });
  }
  // Every answer came while the import was still running, and the import moved on between them.
  expect(seen.every((s) => s.status === 'running')).toBe(true);
  expect(seen[seen.length - 1].processed).toBeGreaterThan(task.counts.processed);

  while (task.status === 'running' || task.status === 'queued') {
    await new Promise((resolve) => setTimeout(resolve, 200));
    task = await getTask(id);
  }
  expect(task).toMatchObject({ status: 'completed', counts: { created: 40_000 } });
});
