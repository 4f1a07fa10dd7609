import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startS3Server, type TestS3 } from '../helpers/s3';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, errorReport, exportFile, importFile, jsonl } from '../helpers/tasks';

/**
 * The `s3` storage against a real S3-compatible server (s3rver, started here): uploads, exports, error reports,
 * downloads and deletes all go through the bucket, nothing through the local folder; multi-MB files stream through
 * multipart uploads and streamed reads with bounded memory.
 */

let s3: TestS3;
let app: TestApp;
let token: string;
const TASK = 'plugin::data-migration-center.task';

interface StorageLike {
  id: string;
  provider: string;
  createWriteStream(key: string): NodeJS.WritableStream;
  createReadStream(key: string, range?: { start?: number; end?: number }): Readable;
  localPath(key: string): string;
  size(key: string): Promise<number | null>;
}
const storage = () => app.strapi.plugin('data-migration-center').service('storage') as unknown as StorageLike;
const taskRow = async (id: number) => (await app.strapi.db.query(TASK).findOne({ where: { id } })) as Record<string, string | null>;
/** Files of the local storage folder (none should be written with s3). */
const localFiles = () => fs.readdirSync(app.storageDir, { recursive: true }).map(String).filter((name) => name.includes('tasks'));

beforeAll(async () => {
  s3 = await startS3Server();
  app = await startApp({ env: { ...s3.env, DMC_RETENTION_CHECK_INTERVAL: '300' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
  await s3?.stop();
});

test('the storage is s3, identified by its bucket and prefix', () => {
  expect(storage().provider).toBe('s3');
  expect(storage().id).toBe(`s3:${s3.bucket}/strapi/`);
});

test('import: the upload and the error report are objects of the bucket; downloads read them back', async () => {
  const content = jsonl([
    { name: 'S3 one', slug: 's3-one' },
    { name: 'S3 bad', slug: 's3-bad', nope: 1 },
    { name: 'S3 two', slug: 's3-two' },
  ]);
  const task = await importFile(app, token, {
    content,
    fileName: 'categories.jsonl',
    options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
  });
  expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 2, failed: 1 }, hasErrorReport: true });
  const row = await taskRow(task.id);
  expect(row.storageId).toBe(`s3:${s3.bucket}/strapi/`);
  expect(s3.keys()).toEqual(expect.arrayContaining([`strapi/${row.fileKey}`, `strapi/${row.errorReportKey}`]));
  expect(localFiles()).toEqual([]);

  const upload = await download(app, token, `${BASE}/tasks/${task.id}/file`);
  expect(upload.status).toBe(200);
  expect(upload.text).toBe(content);
  const report = await errorReport(app, token, task.id, 'json');
  expect(report.status).toBe(200);
  expect(JSON.parse(report.text)).toEqual([expect.objectContaining({ itemNumber: 2, key: 's3-bad', message: expect.stringContaining('nope') })]);
});

test('self references go through a scratch file in the temporary folder, removed when the task ends', async () => {
  const scratch = path.dirname(storage().localPath('tasks/probe/deferred.jsonl'));
  expect(scratch.startsWith(os.tmpdir())).toBe(true);
  const task = await importFile(app, token, {
    content: jsonl([
      { title: 'First', slug: 's3-first', related: [{ slug: 's3-second' }] },
      { title: 'Second', slug: 's3-second' },
    ]),
    fileName: 'articles.jsonl',
    options: { contentType: 'api::article.article', matchBy: 'slug' },
  });
  expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
  const first = await app.strapi.documents('api::article.article').findFirst({ filters: { slug: 's3-first' }, populate: ['related'] });
  expect((first?.related as Array<{ slug: string }>).map((r) => r.slug)).toEqual(['s3-second']);
  expect(fs.readdirSync(scratch).filter((name) => name.includes('deferred'))).toEqual([]);
});

test('export: the file is written to the bucket and downloaded from it', async () => {
  const { task, text } = await exportFile(app, token, { contentType: 'api::category.category', format: 'jsonl', fields: ['name', 'slug'] });
  const slugs = text.trim().split('\n').map((line) => JSON.parse(line).slug);
  expect(slugs).toEqual(expect.arrayContaining(['s3-one', 's3-two']));
  const row = await taskRow(task.id);
  expect(s3.keys()).toContain(`strapi/${row.fileKey}`);
  expect(localFiles()).toEqual([]);
});

test('delete removes every object of the task from the bucket', async () => {
  const task = await importFile(app, token, {
    content: jsonl([{ name: 'S3 gone', slug: 's3-gone' }, { name: 'x', slug: 's3-gone-bad', nope: true }]),
    fileName: 'gone.jsonl',
    options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
  });
  const row = await taskRow(task.id);
  const folder = `strapi/${(row.fileKey as string).split('/').slice(0, 2).join('/')}/`;
  // The upload, the error report and the pre-images (undo).
  expect(s3.keys().filter((key) => key.startsWith(folder)).map((key) => key.slice(folder.length)).sort()).toEqual(['errors.jsonl', 'pre-images.jsonl', 'upload.jsonl']);
  const res = await app.http().delete(`${BASE}/tasks/${task.id}`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(s3.keys().filter((key) => key.startsWith(folder))).toEqual([]);
});

test('a destroyed write leaves no object; ranged reads', async () => {
  const writer = storage().createWriteStream('tasks/atomic/half.jsonl') as unknown as import('node:stream').Writable;
  const failed = new Promise<Error>((resolve) => writer.once('error', resolve));
  const closed = new Promise((resolve) => writer.once('close', resolve));
  await new Promise<void>((resolve) => writer.write('half of a file', () => resolve()));
  writer.destroy(new Error('The export was cancelled'));
  expect((await failed).message).toBe('The export was cancelled');
  await closed;
  expect(await storage().size('tasks/atomic/half.jsonl')).toBeNull();

  // Destroyed after two 8 MB parts were uploaded: the multipart upload is aborted, no object appears.
  const big = storage().createWriteStream('tasks/atomic/big-half.jsonl') as unknown as import('node:stream').Writable;
  const bigClosed = new Promise((resolve) => big.once('close', resolve));
  big.on('error', () => undefined);
  const chunk = Buffer.alloc(1024 * 1024, 'x');
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve, reject) => big.write(chunk, (error) => (error ? reject(error) : resolve())));
  await new Promise((resolve) => setTimeout(resolve, 500));
  big.destroy(new Error('The export was cancelled'));
  await bigClosed;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await storage().size('tasks/atomic/big-half.jsonl')).toBeNull();
  expect(s3.keys().filter((key) => key.includes('big-half'))).toEqual([]);

  await pipeline(Readable.from(['0123456789']), storage().createWriteStream('tasks/atomic/whole.txt') as unknown as import('node:stream').Writable);
  expect(await storage().size('tasks/atomic/whole.txt')).toBe(10);
  let part = '';
  for await (const chunk of storage().createReadStream('tasks/atomic/whole.txt', { start: 3, end: 6 })) part += String(chunk);
  expect(part).toBe('3456');
});

/** Samples this process's RSS while `work` runs: the peak above the RSS when it started, in MB. */
const peakRssGrowth = async (work: () => Promise<void>): Promise<number> => {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return (peak - base) / 1024 / 1024;
};

test('a 256 MB file streams through multipart upload and streamed reads with bounded memory', async () => {
  const MB = 1024 * 1024;
  const SIZE = 256;
  const line = `${'x'.repeat(1023)}\n`;
  const lines = SIZE * 1024;
  async function* generate() {
    for (let i = 0; i < lines; i += 64) yield line.repeat(64);
  }
  const written = await peakRssGrowth(() => pipeline(Readable.from(generate()), storage().createWriteStream('tasks/big/file.txt') as unknown as import('node:stream').Writable));
  expect(await storage().size('tasks/big/file.txt')).toBe(SIZE * MB);
  let bytes = 0;
  const read = await peakRssGrowth(async () => {
    for await (const chunk of storage().createReadStream('tasks/big/file.txt')) bytes += (chunk as Buffer).length;
  });
  expect(bytes).toBe(SIZE * MB);
  // A reader that stops after its first chunk ends the request; the next requests go on as usual.
  const early = storage().createReadStream('tasks/big/file.txt');
  for await (const chunk of early) {
    expect((chunk as Buffer).length).toBeGreaterThan(0);
    break;
  }
  expect(early.destroyed).toBe(true);
  expect(await storage().size('tasks/big/file.txt')).toBe(SIZE * MB);
  // Parts of 8 MB, 2 at a time: about 32 MB live (plus garbage not yet collected); a whole-file buffer would be 256 MB.
  console.log(`s3 storage, ${SIZE} MB file: peak RSS growth ${written.toFixed(1)} MB writing, ${read.toFixed(1)} MB reading`);
  expect(written).toBeLessThan(SIZE / 2);
  expect(read).toBeLessThan(SIZE / 4);
});

test('a multi-MB import and export through s3, end to end', async () => {
  const count = 60_000;
  const items = Array.from({ length: count }, (_, i) => ({
    firstName: `First${i}`,
    lastName: `Last${i}`,
    company: `Company ${i % 500}`,
    address: `${i} Long Street Name, Building ${i % 97}`,
    city: 'Barcelona',
    zip: String(8000 + (i % 999)).padStart(5, '0'),
    phone: `+34 600 ${String(i).padStart(6, '0')}`,
    notes: 'n'.repeat(40),
  }));
  const content = jsonl(items);
  expect(content.length).toBeGreaterThan(12 * 1024 * 1024);
  const imported: Task = await importFile(app, token, { content, fileName: 'contacts.jsonl', options: { contentType: 'api::contact.contact' } });
  expect(imported).toMatchObject({ status: 'completed', counts: { created: count, failed: 0 } });
  const { text } = await exportFile(app, token, { contentType: 'api::contact.contact', format: 'jsonl', fields: ['firstName', 'zip'] });
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(count);
  expect(new Set(lines.map((l) => JSON.parse(l).firstName)).size).toBe(count);
  expect(localFiles()).toEqual([]);
});

test('a cancelled export publishes no object; its download is a 404 with the reason', async () => {
  app.strapi.config.set('plugin::data-migration-center.batchSize', 100); // many small pages: time to cancel
  try {
    const before = s3.keys();
    const res = await app.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::contact.contact', format: 'json' });
    expect(res.status).toBe(202);
    const id = res.body.data.id as number;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const task = (await app.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data as Task;
      if (task.status === 'running' && task.counts.processed > 0) break;
      if (task.status !== 'queued' && task.status !== 'running') throw new Error(`The export ended ${task.status} before it could be cancelled`);
      if (Date.now() > deadline) throw new Error('The export did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const cancelled = await app.http().post(`${BASE}/tasks/${id}/cancel`).set('Authorization', `Bearer ${token}`);
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled' });
    const file = await download(app, token, `${BASE}/tasks/${id}/file`);
    expect(file.status).toBe(404);
    expect(JSON.parse(file.text).error.message).toMatch(/has no file: the export ended cancelled/);
    expect(s3.keys()).toEqual(before);
  } finally {
    app.strapi.config.set('plugin::data-migration-center.batchSize', 500);
  }
});

test('retention: an object folder no task refers to goes once a day old; the folders of tasks stay', async () => {
  await pipeline(Readable.from(['{}\n']), storage().createWriteStream('tasks/orphan-s3/upload.jsonl') as unknown as import('node:stream').Writable);
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  // s3rver reports an object's LastModified from its file's time.
  fs.utimesSync(path.join(s3.directory, s3.bucket, 'strapi/tasks/orphan-s3/upload.jsonl._S3rver_object'), twoDaysAgo, twoDaysAgo);
  const before = s3.keys().filter((key) => !key.includes('orphan-s3'));
  for (const key of before) fs.utimesSync(path.join(s3.directory, s3.bucket, `${key}._S3rver_object`), twoDaysAgo, twoDaysAgo);
  const deadline = Date.now() + 10_000;
  while (s3.keys().some((key) => key.includes('orphan-s3'))) {
    if (Date.now() > deadline) throw new Error('The orphan object was not removed within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 700));
  // Objects of tasks (and of the storage tests above, under tasks/atomic and tasks/big: no task refers to them) …
  const ofTasks = before.filter((key) => !/tasks\/(atomic|big)\//.test(key));
  expect(ofTasks.length).toBeGreaterThan(3);
  expect(s3.keys()).toEqual(expect.arrayContaining(ofTasks));
  expect(s3.keys().filter((key) => /tasks\/(atomic|big)\//.test(key))).toEqual([]);
});
