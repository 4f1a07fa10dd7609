import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Task, TaskEventPayload } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, bundleFile, exportFile, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * Strapi webhooks for the center's tasks (data-migration-center.task.completed / .failed), posted by Strapi's own
 * webhook runner to a receiver this test runs, and the import option `lifecycles: "run"`: the app's lifecycle
 * subscribers and the entry webhooks see every entry, which the bulk path (the default) does not give them.
 */

const CONTACT = 'api::contact.contact';
const ARTICLE = 'api::article.article';
const COMPLETED = 'data-migration-center.task.completed';
const FAILED = 'data-migration-center.task.failed';

interface Delivery {
  event: string;
  header: string | undefined;
  body: { event: string; createdAt: string; task?: TaskEventPayload; uid?: string; entry?: Record<string, unknown> };
}

/** An HTTP server on a free port that records every POST it receives. */
const startReceiver = async () => {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text) as Delivery['body'];
      deliveries.push({ event: body.event, header: req.headers['x-strapi-event'] as string | undefined, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    deliveries,
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** A port nothing listens on: bound, then closed. */
const deadPort = async () => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let app: TestApp;
let token: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

/** The task events the receiver got for one task. */
const taskEvents = (id: number) => receiver.deliveries.filter((d) => d.body.task?.id === id);

/** Waits until the receiver has the task's event, then a little longer: a second one would have come by then. */
const eventsOf = async (task: Task, { settle = 700, timeout = 15_000 } = {}) => {
  const deadline = Date.now() + timeout;
  while (taskEvents(task.id).length === 0) {
    if (Date.now() > deadline) throw new Error(`No webhook for task ${task.id} (${task.status}) within ${timeout} ms`);
    await sleep(50);
  }
  await sleep(settle);
  return taskEvents(task.id);
};

/** Entry webhooks of a type whose entry has `field` in `values`. */
const entryEvents = (event: string, uid: string, field: string, values: Set<unknown>) =>
  receiver.deliveries.filter((d) => d.event === event && d.body.uid === uid && values.has(d.body.entry?.[field]));

const createWebhook = (name: string, url: string, events: string[]) =>
  app.http().post('/admin/webhooks').set('Authorization', `Bearer ${token}`).send({ name, url, headers: {}, events });

beforeAll(async () => {
  receiver = await startReceiver();
  app = await startApp();
  token = await registerSuperAdmin(app);
  const res = await createWebhook('Center and entries', receiver.url, [
    COMPLETED,
    FAILED,
    'entry.create',
    'entry.update',
    'entry.publish',
  ]);
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
});

describe('task webhooks', () => {
  it('Strapi accepts webhooks on the two events (a webhook on an event nobody registered is refused)', async () => {
    const unknown = await createWebhook('Unknown event', receiver.url, ['data-migration-center.task.started']);
    expect(unknown.status).toBe(400);
    const list = await app.http().get('/admin/webhooks').set('Authorization', `Bearer ${token}`);
    expect(list.body.data.map((w: { events: string[] }) => w.events)).toContainEqual([
      COMPLETED,
      FAILED,
      'entry.create',
      'entry.update',
      'entry.publish',
    ]);
  });

  it('an import that completes: one task.completed event, after its final state is stored, with its counts', async () => {
    const task = await importFile(app, token, {
      fileName: 'contacts.jsonl',
      content: jsonl([{ firstName: 'Hook A' }, { firstName: 'Hook B' }, { firstName: 'Hook C' }]),
      options: { contentType: CONTACT, name: 'Contacts for the hook' },
    });
    expect(task.status).toBe('completed');
    const events = await eventsOf(task);
    expect(events).toHaveLength(1);
    const [{ event, header, body }] = events;
    expect(event).toBe(COMPLETED);
    expect(header).toBe(COMPLETED);
    expect(typeof body.createdAt).toBe('string');
    expect(body.task).toEqual({
      id: task.id,
      kind: 'import',
      name: 'Contacts for the hook',
      contentType: CONTACT,
      format: 'jsonl',
      status: 'completed',
      counts: { total: 3, processed: 3, created: 3, updated: 0, skipped: 0, failed: 0 },
      error: null,
      writePath: 'bulk',
      startedAt: task.startedAt,
      finishedAt: expect.any(String),
      createdBy: { kind: 'admin-user', id: expect.any(Number), name: expect.any(String) },
    });
    // What the event says is what the task says once stored.
    const stored = await app.http().get(`${BASE}/tasks/${task.id}`).set('Authorization', `Bearer ${token}`);
    expect(body.task?.finishedAt).toBe(stored.body.data.finishedAt);
  });

  it('an import that completes with errors: task.completed, status completed-with-errors, its failed count', async () => {
    const task = await importFile(app, token, {
      fileName: 'contacts.jsonl',
      content: jsonl([{ firstName: 'Ok 1' }, { firstName: 'Bad', shoeSize: 44 }, { firstName: 'Ok 2' }]),
      options: { contentType: CONTACT, onError: 'continue' },
    });
    expect(task.status).toBe('completed-with-errors');
    const events = await eventsOf(task);
    expect(events.map((e) => e.event)).toEqual([COMPLETED]);
    expect(events[0].body.task).toMatchObject({
      status: 'completed-with-errors',
      counts: { total: 3, processed: 3, created: 2, updated: 0, failed: 1 },
    });
  });

  it('an import that fails (stop mode, a bad item): one task.failed event with the error, nothing created', async () => {
    const task = await importFile(app, token, {
      fileName: 'contacts.jsonl',
      content: jsonl([{ firstName: 'Rolled back' }, { firstName: 'Bad', shoeSize: 44 }]),
      options: { contentType: CONTACT, onError: 'stop' },
    });
    expect(task.status).toBe('failed');
    const events = await eventsOf(task);
    expect(events.map((e) => e.event)).toEqual([FAILED]);
    expect(events[0].body.task).toMatchObject({ kind: 'import', status: 'failed', counts: { created: 0, updated: 0 } });
    expect(events[0].body.task?.error).toMatch(/shoeSize/);
    expect(events[0].body.task?.error).toBe(task.error);
  });

  it('an import whose file cannot be read (malformed JSON) fails: task.failed', async () => {
    const task = await importFile(app, token, {
      fileName: 'contacts.json',
      content: '[{"firstName": "ok"}, {"firstName": ',
      options: { contentType: CONTACT, onError: 'continue' },
    });
    expect(task.status).toBe('failed');
    const events = await eventsOf(task);
    expect(events.map((e) => e.event)).toEqual([FAILED]);
    expect(events[0].body.task?.error).toBe(task.error);
  });

  it('an export and a bundle export: task.completed with their counts', async () => {
    const { task } = await exportFile(app, token, { contentType: CONTACT, format: 'jsonl' });
    const events = await eventsOf(task);
    expect(events.map((e) => e.event)).toEqual([COMPLETED]);
    expect(events[0].body.task).toMatchObject({
      kind: 'export',
      status: 'completed',
      contentType: CONTACT,
      format: 'jsonl',
    });
    expect(events[0].body.task?.counts.processed).toBe(task.counts.processed);
    expect(task.counts.processed).toBeGreaterThanOrEqual(5);

    const bundle = await bundleFile(app, token, { types: [{ contentType: CONTACT }] });
    const bundleEvents = await eventsOf(bundle.task);
    expect(bundleEvents.map((e) => e.event)).toEqual([COMPLETED]);
    expect(bundleEvents[0].body.task).toMatchObject({ kind: 'bundle-export', status: 'completed' });
  });

  it('a webhook whose receiver is down does not fail the task (and the other webhooks still get it)', async () => {
    const down = await createWebhook('Down', `http://127.0.0.1:${await deadPort()}/hook`, [COMPLETED, FAILED]);
    expect(down.status).toBe(201);
    try {
      const task = await importFile(app, token, {
        fileName: 'contacts.jsonl',
        content: jsonl([{ firstName: 'Receiver down' }]),
        options: { contentType: CONTACT },
      });
      expect(task.status).toBe('completed');
      expect((await eventsOf(task)).map((e) => e.event)).toEqual([COMPLETED]);
      // The next task runs as well.
      const next = await importFile(app, token, {
        fileName: 'c.jsonl',
        content: jsonl([{ firstName: 'Next' }]),
        options: { contentType: CONTACT },
      });
      expect(next.status).toBe('completed');
    } finally {
      await app.http().delete(`/admin/webhooks/${down.body.data.id}`).set('Authorization', `Bearer ${token}`);
    }
  });
});

describe('lifecycles: "run"', () => {
  /** Calls of a lifecycle subscriber on contacts and articles (the app's hooks, as a project would subscribe them). */
  const calls: Array<{ action: string; uid: string; name: unknown }> = [];
  beforeAll(() => {
    app.strapi.db.lifecycles.subscribe({
      models: [CONTACT, ARTICLE],
      afterCreate(event) {
        const result = event.result as Record<string, unknown>;
        calls.push({ action: 'afterCreate', uid: event.model.uid, name: result.firstName ?? result.title });
      },
      afterUpdate(event) {
        const result = event.result as Record<string, unknown>;
        calls.push({ action: 'afterUpdate', uid: event.model.uid, name: result.firstName ?? result.title });
      },
    });
  });

  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);
  const of = (action: string, wanted: string[]) =>
    calls.filter((c) => c.action === action && wanted.includes(String(c.name)));

  /** Imports contacts, then updates two of them by firstName (a unique key is not needed: by documentId). */
  const createThenUpdate = async (prefix: string, lifecycles: 'run' | undefined) => {
    const created = names(prefix, 4);
    const options = { contentType: CONTACT, ...(lifecycles ? { lifecycles } : {}) };
    const first = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl(created.map((firstName) => ({ firstName }))),
      options,
    });
    expect(first.status).toBe('completed');
    await eventsOf(first, { settle: 1000 });
    const rows = (await app.strapi.db
      .connection('contacts')
      .select('document_id', 'first_name')
      .whereIn('first_name', created.slice(0, 2))) as Array<{
      document_id: string;
      first_name: string;
    }>;
    const second = await importFile(app, token, {
      fileName: 'u.jsonl',
      content: jsonl(rows.map((row) => ({ documentId: row.document_id, city: 'Updated' }))),
      options,
    });
    expect(second.status).toBe('completed');
    expect(second.counts).toMatchObject({ created: 0, updated: 2 });
    await eventsOf(second, { settle: 1000 });
    return { first, second, created, updated: rows.map((row) => row.first_name) };
  };

  it('without it (the bulk path): no lifecycle call and no entry webhook for the entries written', async () => {
    const { first, second, created, updated } = await createThenUpdate('Bulk', undefined);
    expect([first.writePath, second.writePath]).toEqual(['bulk', 'bulk']);
    expect(of('afterCreate', created)).toHaveLength(0);
    expect(of('afterUpdate', updated)).toHaveLength(0);
    expect(entryEvents('entry.create', CONTACT, 'firstName', new Set(created))).toHaveLength(0);
    expect(entryEvents('entry.update', CONTACT, 'firstName', new Set(updated))).toHaveLength(0);
  });

  it('with it: the lifecycle subscriber sees each entry created and updated, and entry.create / entry.update fire per entry', async () => {
    const { first, second, created, updated } = await createThenUpdate('Hooked', 'run');
    expect([first.writePath, second.writePath]).toEqual(['document-service', 'document-service']);
    expect(first.options).toMatchObject({ lifecycles: 'run' });
    expect(
      of('afterCreate', created)
        .map((c) => c.name)
        .sort()
    ).toEqual(created);
    expect(
      of('afterUpdate', updated)
        .map((c) => c.name)
        .sort()
    ).toEqual(updated.sort());
    expect(
      entryEvents('entry.create', CONTACT, 'firstName', new Set(created))
        .map((d) => d.body.entry?.firstName)
        .sort()
    ).toEqual(created);
    expect(entryEvents('entry.update', CONTACT, 'firstName', new Set(updated))).toHaveLength(2);
  });

  it('published articles with it: entry.create and entry.publish per article; without it neither', async () => {
    const run = names('Hooked article', 2);
    const skip = names('Bulk article', 2);
    const withIt = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl(run.map((title) => ({ title }))),
      options: { contentType: ARTICLE, status: 'published', lifecycles: 'run' },
    });
    const without = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl(skip.map((title) => ({ title }))),
      options: { contentType: ARTICLE, status: 'published' },
    });
    expect([withIt.status, without.status]).toEqual(['completed', 'completed']);
    expect([withIt.writePath, without.writePath]).toEqual(['document-service', 'bulk']);
    await eventsOf(without, { settle: 1000 });
    expect(entryEvents('entry.create', ARTICLE, 'title', new Set(run))).toHaveLength(2);
    expect(entryEvents('entry.publish', ARTICLE, 'title', new Set(run))).toHaveLength(2);
    expect(entryEvents('entry.create', ARTICLE, 'title', new Set(skip))).toHaveLength(0);
    expect(entryEvents('entry.publish', ARTICLE, 'title', new Set(skip))).toHaveLength(0);
    expect(of('afterCreate', run).length).toBeGreaterThanOrEqual(2);
    expect(of('afterCreate', skip)).toHaveLength(0);
  });

  it('a stop-mode import that fails sends no entry webhook (its writes were rolled back)', async () => {
    const task = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ firstName: 'Never there' }, { firstName: 'Bad', shoeSize: 1 }]),
      options: { contentType: CONTACT, lifecycles: 'run' },
    });
    expect(task.status).toBe('failed');
    await eventsOf(task, { settle: 1000 });
    expect(entryEvents('entry.create', CONTACT, 'firstName', new Set(['Never there']))).toHaveLength(0);
  });

  it('a bundle import with it (for the whole bundle, or for one type) goes through the Document Service', async () => {
    const bundle = await bundleFile(app, token, {
      types: [{ contentType: CONTACT, filters: { firstName: { $startsWith: 'Hooked' } } }],
    });
    const post = (options: Record<string, unknown>) =>
      app
        .http()
        .post(`${BASE}/bundle-imports?wait=true`)
        .set('Authorization', `Bearer ${token}`)
        .attach('file', bundle.bytes, 'b.zip')
        .field('options', JSON.stringify(options));
    const before = of('afterUpdate', names('Hooked', 4)).length;
    const whole = await post({ lifecycles: 'run' });
    expect(whole.status).toBe(200);
    expect(whole.body.data).toMatchObject({ status: 'completed', writePath: 'document-service' });
    expect(whole.body.data.options.types[0]).toMatchObject({ contentType: CONTACT, lifecycles: 'run' });
    expect(of('afterUpdate', names('Hooked', 4)).length - before).toBe(4);
    const perType = await post({ types: { [CONTACT]: { lifecycles: 'run' } } });
    expect(perType.body.data).toMatchObject({ status: 'completed', writePath: 'document-service' });
    const bulk = await post({});
    expect(bulk.body.data).toMatchObject({ status: 'completed', writePath: 'bulk' });
  });

  it('another value is a 400 naming lifecycles (imports, bundle imports)', async () => {
    const res = await postImport(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ firstName: 'x' }]),
      options: { contentType: CONTACT, lifecycles: 'always' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/lifecycles must be one of skip, run/);
    expect(res.body.error.details.errors[0].path).toEqual(['lifecycles']);
    const bundle = await bundleFile(app, token, { types: [{ contentType: CONTACT }] });
    const bad = await app
      .http()
      .post(`${BASE}/bundle-imports?wait=true`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', bundle.bytes, 'b.zip')
      .field('options', JSON.stringify({ types: { [CONTACT]: { lifecycles: 'yes' } } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/types\.api::contact\.contact\.lifecycles/);
  });

  it('a template keeps it: saved from a task, a task run with the template writes through the Document Service', async () => {
    const source = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ firstName: 'Template source' }]),
      options: { contentType: CONTACT, lifecycles: 'run' },
    });
    const saved = await app
      .http()
      .post(`${BASE}/templates`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Hooks run', fromTaskId: source.id });
    expect(saved.status).toBe(201);
    expect(saved.body.data.options).toMatchObject({ lifecycles: 'run' });
    const task = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ firstName: 'From template' }]),
      options: { templateId: saved.body.data.id },
    });
    expect(task).toMatchObject({ status: 'completed', writePath: 'document-service' });
    expect(of('afterCreate', ['From template'])).toHaveLength(1);
  });
});
