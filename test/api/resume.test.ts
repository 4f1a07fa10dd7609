import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, jsonl, postImport } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Counts are committed with the data, and a continue-mode import goes on where it stopped: interrupted (the
 * server stopped) or cancelled, its row says exactly what the database holds, and a resume imports the rest with
 * no item written twice and one error report. A stop-mode import rolls back entirely: its counts say 0 and it
 * cannot be resumed.
 */

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startApp({ env: { DMC_BATCH_SIZE: '100' } });
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

// A test that fails half way leaves its task running; the next test, which empties the table, must not see its rows.
afterEach(async () => {
  const open = (await app.strapi.db.query('plugin::data-migration-center.task').findMany({ where: { state: { $in: ['queued', 'running'] } }, select: ['id'] })) as Array<{ id: number }>;
  for (const { id } of open) await runner().waitFor(id);
});

const runner = () => app.strapi.plugin('data-migration-center').service('runner');
const getTask = async (id: number): Promise<Task> => (await app.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data;
const count = (uid: string) => app.strapi.db.query(uid as never).count({});

const N = 30_000;
/** Contacts, every 997th one invalid (a number where text goes). */
const contacts = jsonl(Array.from({ length: N }, (_, i) => ({ firstName: i % 997 === 5 ? 12345 : `First ${i}`, lastName: `Last ${i}`, city: `resume-${i}` })));
const invalid = Array.from({ length: N }, (_, i) => i).filter((i) => i % 997 === 5);

/** Starts an import without waiting, and waits until it has read at least `items` items. */
const startAndWait = async (options: Record<string, unknown>, items: number) => {
  const res = await postImport(app, token, { fileName: 'contacts.jsonl', content: contacts, options: { contentType: 'api::contact.contact', ...options }, wait: false });
  expect(res.status).toBe(202);
  const id = res.body.data.id as number;
  for (let i = 0; i < 2_000; i++) {
    const live = runner().snapshot(id);
    if (live && (live.processed ?? 0) >= items) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return id;
};

describe.each([
  ['interrupted (the server stops)', async () => {
    await runner().stop();
    await runner().start();
  }],
  ['cancelled', async (id: number) => {
    const res = await app.http().post(`${BASE}/tasks/${id}/cancel`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  }],
] as Array<[string, (id: number) => Promise<void>]>)('a continue import %s', (_label, stop) => {
  test('keeps its committed batches, says so with counts equal to the rows, and resumes to the end once', async () => {
    await app.strapi.db.query('api::contact.contact').deleteMany({});
    const id = await startAndWait({ onError: 'continue' }, 6_000);
    await stop(id);
    const stopped = await getTask(id);
    expect(['interrupted', 'cancelled']).toContain(stopped.status);
    expect(stopped.resumable).toBe(true);
    const rows = await count('api::contact.contact');
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(N);
    expect(stopped.counts.created).toBe(rows);
    expect(stopped.error).toMatch(new RegExp(`kept: ${rows} entries \\(${rows} created, 0 updated, ${stopped.counts.failed} failed\\)`));

    const resumed = await app.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.data.status).toBe('queued');
    const final = await runner().waitFor(id);
    expect(final.error).toBeNull();
    expect(final).toMatchObject({ state: 'completed-with-errors', created: N - invalid.length, failed: invalid.length, processed: N });
    expect(await count('api::contact.contact')).toBe(N - invalid.length);
    // No item written twice: every city once.
    const cities = (await app.strapi.db.query('api::contact.contact').findMany({ select: ['city'] })) as Array<{ city: string }>;
    expect(new Set(cities.map((c) => c.city)).size).toBe(N - invalid.length);
    // One error report, each failed item once, in file order.
    const report = JSON.parse((await errorReport(app, token, id)).text) as Array<{ itemNumber: number }>;
    expect(report.map((r) => r.itemNumber)).toEqual(invalid.map((i) => i + 1));
  }, 180_000);
});

test('a stop-mode import that is interrupted kept nothing, says 0, and cannot be resumed', async () => {
  await app.strapi.db.query('api::contact.contact').deleteMany({});
  const valid = jsonl(Array.from({ length: N }, (_, i) => ({ firstName: `F${i}`, lastName: `L${i}` })));
  const res = await postImport(app, token, { fileName: 'valid.jsonl', content: valid, options: { contentType: 'api::contact.contact' }, wait: false });
  const stopId = res.body.data.id as number;
  for (let i = 0; i < 2_000 && (runner().snapshot(stopId)?.processed ?? 0) < 3_000; i++) await new Promise((r) => setTimeout(r, 5));
  await runner().stop();
  await runner().start();
  const stopped = await getTask(stopId);
  expect(stopped).toMatchObject({ status: 'interrupted', resumable: false, counts: { created: 0, updated: 0 } });
  expect(stopped.error).toMatch(/rolled back: nothing of this task was kept/);
  expect(await count('api::contact.contact')).toBe(0);
  const resumed = await app.http().post(`${BASE}/tasks/${stopId}/resume`).set('Authorization', `Bearer ${token}`);
  expect(resumed.status).toBe(409);
  expect(resumed.body.error.message).toMatch(/rolled back entirely/);
}, 180_000);

test('a stop-mode import that completes commits its final state with its data', async () => {
  const res = await postImport(app, token, { fileName: 'few.jsonl', content: jsonl([{ firstName: 'A' }, { firstName: 'B' }]), options: { contentType: 'api::contact.contact' } });
  expect(res.body.data).toMatchObject({ status: 'completed', counts: { created: 2, processed: 2 } });
});

/** A continue import interrupted (the server stops) after some failed items, with where its report rows are. */
const interruptedWithFailures = async () => {
  await app.strapi.db.query('api::contact.contact').deleteMany({});
  const id = await startAndWait({ onError: 'continue' }, 6_000);
  await runner().stop();
  await runner().start();
  const stopped = await getTask(id);
  expect(stopped).toMatchObject({ status: 'interrupted', resumable: true });
  expect(stopped.counts.failed).toBeGreaterThan(0);
  const { errorReportKey } = (await app.strapi.db.query('plugin::data-migration-center.task').findOne({ where: { id } })) as { errorReportKey: string };
  return { id, stopped, errorReportKey };
};

test('a resume whose earlier error report rows are gone completes and says how many failed items its report lacks', async () => {
  const { id, stopped, errorReportKey } = await interruptedWithFailures();
  // What a resume on another machine finds with s3 storage after a kill -9: no report under its key.
  await app.strapi.plugin('data-migration-center').service('storage').remove(errorReportKey);

  const resumed = await app.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
  expect(resumed.status).toBe(200);
  const final = await runner().waitFor(id);
  expect(final).toMatchObject({ state: 'completed-with-errors', created: N - invalid.length, failed: invalid.length });
  expect(final.error).toBe(
    `The error report lacks the ${stopped.counts.failed} failed item(s) of the run before the interruption: their rows (${errorReportKey}) were not found. With s3 storage, the rows of a server that was killed are kept only on its machine, until its task ends (a resume there continues them)`
  );
  const report = JSON.parse((await errorReport(app, token, id)).text) as Array<{ itemNumber: number }>;
  expect(report.map((r) => r.itemNumber)).toEqual(invalid.slice(stopped.counts.failed).map((i) => i + 1));
}, 180_000);

test('a resume continues an error report written before itemNumber (itemIndex, counting from 0): itemNumber = itemIndex + 1', async () => {
  const { id, stopped, errorReportKey } = await interruptedWithFailures();
  // The run before as an older version of the plugin wrote it: itemIndex, 0-based, in the place of itemNumber.
  const storage = app.strapi.plugin('data-migration-center').service('storage');
  let stored = '';
  for await (const chunk of storage.createReadStream(errorReportKey)) stored += String(chunk);
  const old = stored
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { itemNumber, ...rest } = JSON.parse(line) as { itemNumber: number };
      return `${JSON.stringify({ itemIndex: itemNumber - 1, ...rest })}\n`;
    });
  expect(old).toHaveLength(stopped.counts.failed);
  await pipeline(Readable.from(old), storage.createWriteStream(errorReportKey));
  // Downloaded before the resume: read with itemNumber.
  const before = await errorReport(app, token, id, 'csv');
  expect(before.text.split('\r\n')[0]).toBe('itemNumber,line,key,stage,field,message,item');
  expect(before.text.split('\r\n')[1]).toMatch(new RegExp(`^${invalid[0] + 1},${invalid[0] + 1},`));

  const resumed = await app.http().post(`${BASE}/tasks/${id}/resume`).set('Authorization', `Bearer ${token}`);
  expect(resumed.status).toBe(200);
  const final = await runner().waitFor(id);
  expect(final).toMatchObject({ state: 'completed-with-errors', created: N - invalid.length, failed: invalid.length });
  expect(final.error).toBeNull();
  const report = JSON.parse((await errorReport(app, token, id)).text) as Array<Record<string, unknown>>;
  expect(report.map((r) => r.itemNumber)).toEqual(invalid.map((i) => i + 1));
  expect(report.filter((r) => 'itemIndex' in r)).toEqual([]);
}, 180_000);
