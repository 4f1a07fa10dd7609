import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, jsonl, postImport } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Two imports that write the same content type never interleave: upserts of the same keys started at once leave
 * one document per key, whichever database. The second waits for the first (`waitingFor`) and runs after it.
 * Here both run on one instance with two task slots; the lock lives in the database (advisory lock, GET_LOCK,
 * SQLite's task-row claim), so instances sharing it wait for each other the same way.
 */

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startApp({ env: { DMC_CONCURRENCY: '4', DMC_BATCH_SIZE: '200' } });
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

const getTask = async (id: number): Promise<Task> => (await app.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data;

test('four upserts of the same 1,000 keys at once leave 1,000 documents, each written by one task after another', async () => {
  const authors = Array.from({ length: 1_000 }, (_, i) => ({ name: `Author ${i}`, email: `author${i}@example.com` }));
  // Queued together while the runner is paused, then claimed at once by its four slots.
  const runner = app.strapi.plugin('data-migration-center').service('runner');
  await runner.stop();
  const started: number[] = [];
  for (const n of [0, 1, 2, 3]) {
    started.push(
      await (async () => {
      const res = await postImport(app, token, {
        fileName: `authors-${n}.jsonl`,
        content: jsonl(authors.map((a) => ({ ...a, name: `${a.name} v${n}` }))),
        options: { contentType: 'api::author.author', matchBy: 'email', onError: n % 2 ? 'continue' : 'stop' },
        wait: false,
      });
      expect(res.status).toBe(202);
      return res.body.data.id as number;
      })()
    );
  }
  await runner.start();
  // While they run, one of them at least waits for another, naming it (read from the runner: on SQLite an HTTP
  // request waits for a stop-mode import's transaction).
  const seenWaiting = new Set<number>();
  const done = Promise.all(started.map((id) => runner.waitFor(id)));
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    for (const id of started) {
      const task = runner.snapshot(id);
      if (task && task.waitingFor !== null) {
        expect(started).toContain(task.waitingFor);
        seenWaiting.add(id);
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const tasks: Task[] = [];
  for (const id of started) tasks.push(await getTask(id)); // one at a time: supertest listens once per request
  for (const task of tasks) expect({ id: task.id, status: task.status, error: task.error }).toEqual({ id: task.id, status: 'completed', error: null });
  expect(seenWaiting.size).toBeGreaterThan(0);
  // The first created every author; the others updated them.
  expect(tasks.reduce((sum, t) => sum + t.counts.created, 0)).toBe(1_000);
  expect(tasks.reduce((sum, t) => sum + t.counts.updated, 0)).toBe(3_000);
  const rows = (await app.strapi.db.query('api::author.author').findMany({ select: ['email'] })) as Array<{ email: string }>;
  expect(rows.length).toBe(1_000);
  expect(new Set(rows.map((r) => r.email)).size).toBe(1_000);
  // No task holds a lock any more.
  const held = await app.strapi.db.query('plugin::data-migration-center.task').findMany({ where: { writeLock: { $notNull: true } } });
  expect(held).toEqual([]);
}, 600_000);

test('a task waiting for the lock can be cancelled, and the holder finishes unharmed', async () => {
  const contacts = jsonl(Array.from({ length: 20_000 }, (_, i) => ({ firstName: `F${i}`, lastName: `L${i}` })));
  const runner = app.strapi.plugin('data-migration-center').service('runner');
  await runner.stop();
  const first = await postImport(app, token, { fileName: 'a.jsonl', content: contacts, options: { contentType: 'api::contact.contact', onError: 'continue' }, wait: false });
  const second = await postImport(app, token, { fileName: 'b.jsonl', content: contacts, options: { contentType: 'api::contact.contact', onError: 'continue' }, wait: false });
  const secondId = second.body.data.id as number;
  await runner.start();
  for (let i = 0; i < 400 && runner.snapshot(secondId)?.waitingFor == null; i++) await new Promise((r) => setTimeout(r, 10));
  expect((await getTask(secondId)).waitingFor).toBe(first.body.data.id);
  const cancelled = await app.http().post(`${BASE}/tasks/${secondId}/cancel`).set('Authorization', `Bearer ${token}`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.data.status).toBe('cancelled');
  expect((await runner.waitFor(first.body.data.id)).state).toBe('completed');
  expect(await app.strapi.db.query('api::contact.contact').count({})).toBe(20_000);
}, 600_000);

test("a task's locks of many types (more than the pool's connections) hold one connection; a task wanting one of them learns whom it waits for", async () => {
  const locks = app.strapi.plugin('data-migration-center').service('locks');
  const query = app.strapi.db.query('plugin::data-migration-center.task');
  const [holder, other] = [await query.create({ data: { name: 'holder', kind: 'import', state: 'running', contentType: '', heartbeatAt: new Date() } }), await query.create({ data: { name: 'other', kind: 'import', state: 'running', contentType: '', heartbeatAt: new Date() } })];
  // Twenty-five types: the playground's pool has ten connections (a bundle of twelve types once exhausted it).
  const uids = Array.from({ length: 25 }, (_, i) => `api::type-${String(i).padStart(2, '0')}.type-${i}`);
  try {
    const taken = await locks.tryAcquireAll(uids, holder.id);
    expect('lock' in taken).toBe(true);
    // The pool still serves other queries at once.
    expect(await query.count({ where: { id: holder.id } })).toBe(1);
    expect(await locks.tryAcquireAll([uids[17]], other.id)).toEqual({ busy: uids[17] });
    expect(await locks.holderOf(uids[17], other.id)).toBe(holder.id);
    if ('lock' in taken) await taken.lock.release();
    const again = await locks.tryAcquireAll([uids[17]], other.id);
    expect('lock' in again).toBe(true);
    if ('lock' in again) await again.lock.release();
    expect((await query.findOne({ where: { id: holder.id } })).writeLock).toBeNull();
  } finally {
    await query.deleteMany({ where: { id: { $in: [holder.id, other.id] } } });
  }
});

/**
 * MySQL/MariaDB: GET_LOCK names are the whole server's, so the lock names carry the database's name. Another app on
 * another database of the same server importing the same type must not make this one wait (it once did: one
 * process that hung holding a type's lock wedged every import of that type on the server); a session holding this
 * database's lock of the type does.
 */
const mysqlTest = process.env.DATABASE_CLIENT === 'mysql' ? test : test.skip;
mysqlTest("another database's lock of the same type on the same MySQL server does not make an import wait; this database's does", async () => {
  const { createHash } = await import('node:crypto');
  const knexFactory = (await import('knex')).default;
  const config = (app.strapi.db.connection.client as unknown as { config: { connection: Record<string, unknown> } }).config.connection;
  const database = String(config.database);
  const lockOf = (db: string) => `dmc_${createHash('sha1').update(`${db}\u0000dmc:api::tag.tag`).digest('hex')}`;
  const other = knexFactory({ client: 'mysql2', connection: { host: config.host as string, port: Number(config.port), user: config.user as string, password: (config.password as string) ?? '' }, pool: { min: 1, max: 1 } });
  const tags = (prefix: string) => jsonl(Array.from({ length: 50 }, (_, i) => ({ name: `${prefix} ${i}` })));
  try {
    const connection = await other.client.acquireConnection();
    const run = (sql: string, bindings: string[]) => other.raw(sql, bindings).connection(connection);
    // Another database's app holds the tags' lock: this import runs at once.
    await run('SELECT GET_LOCK(?, 0)', [lockOf(`${database}_other_app`)]);
    const free = await postImport(app, token, { fileName: 'free.jsonl', content: tags('Free'), options: { contentType: 'api::tag.tag' } });
    expect(free.status).toBe(200);
    expect((free.body.data as Task).status).toBe('completed');

    // This database's lock held by another session: the import waits until it is released.
    await run('SELECT GET_LOCK(?, 0)', [lockOf(database)]);
    const waiting = await postImport(app, token, { fileName: 'held.jsonl', content: tags('Held'), options: { contentType: 'api::tag.tag' }, wait: false });
    const id = waiting.body.data.id as number;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await getTask(id)).status).not.toBe('completed');
    await run('SELECT RELEASE_LOCK(?)', [lockOf(database)]);
    await app.strapi.plugin('data-migration-center').service('runner').waitFor(id);
    expect((await getTask(id)).status).toBe('completed');
    await other.client.releaseConnection(connection);
  } finally {
    await other.destroy();
  }
});
