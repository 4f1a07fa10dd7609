import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../shared/contracts';
import { cm, createAdmin, registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, errorReport, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * Hygiene and quotas: the retention sweep (files of finished tasks after `retention.days`, uploads of failed,
 * cancelled and interrupted imports after `retention.failedUploadDays`, resumable ones kept) and `maxQueuedPerUser`
 * (429 beyond, before any upload is stored). Timestamps are moved back in the database; the sweep runs every 300 ms.
 */

const TASK = 'plugin::data-migration-center.task';
const PLUGIN = 'plugin::data-migration-center';
const DAY = 24 * 60 * 60 * 1000;
let app: TestApp;
let token: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const row = async (id: number) => (await app.strapi.db.query(TASK).findOne({ where: { id } })) as Record<string, unknown> & { fileKey: string; errorReportKey: string | null };
const age = (id: number, days: number, data: Record<string, unknown> = {}) =>
  app.strapi.db.query(TASK).update({ where: { id }, data: { finishedAt: new Date(Date.now() - days * DAY), ...data } });
/** Waits until the sweep has marked the task (`column` set). */
const swept = async (id: number, column: 'filesRemovedAt' | 'uploadRemovedAt') => {
  const deadline = Date.now() + 10_000;
  while (!(await row(id))[column]) {
    if (Date.now() > deadline) throw new Error(`Task ${id}: ${column} not set by the retention sweep within 10 s`);
    await sleep(100);
  }
};
const folderOf = async (id: number) => path.join(app.storageDir, path.dirname((await row(id)).fileKey));
const categories = (prefix: string, bad = false) =>
  jsonl([{ name: `${prefix} ok`, slug: `${prefix}-ok` }, ...(bad ? [{ name: `${prefix} bad`, slug: `${prefix}-bad`, nope: 1 }] : [])]);

beforeAll(async () => {
  app = await startApp({ env: { DMC_RETENTION_CHECK_INTERVAL: '300', DMC_MAX_QUEUED_PER_USER: '3' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

describe('retention', () => {
  test('files of a task finished more than retention.days ago are removed; the task stays, its downloads say why', async () => {
    const old = await importFile(app, token, {
      content: categories('old', true),
      fileName: 'old.jsonl',
      options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
    });
    const recent = await importFile(app, token, { content: categories('recent'), fileName: 'recent.jsonl', options: { contentType: 'api::category.category', matchBy: 'slug' } });
    expect(old).toMatchObject({ status: 'completed-with-errors', hasErrorReport: true });
    const folder = await folderOf(old.id);
    // The upload, the error report and the pre-images (undo): all go with retention.
    expect(fs.readdirSync(folder).sort()).toEqual(['errors.jsonl', 'pre-images.jsonl', 'upload.jsonl']);

    await age(old.id, 31);
    await age(recent.id, 29);
    await swept(old.id, 'filesRemovedAt');
    expect(fs.existsSync(folder)).toBe(false);

    const file = await download(app, token, `${BASE}/tasks/${old.id}/file`);
    expect(file.status).toBe(404);
    expect(JSON.parse(file.text).error.message).toMatch(/removed on .* by the plugin's retention setting/);
    const report = await errorReport(app, token, old.id);
    expect(report.status).toBe(404);
    const listed = await app.http().get(`${BASE}/tasks/${old.id}`).set('Authorization', `Bearer ${token}`);
    expect(listed.body.data).toMatchObject({ id: old.id, status: 'completed-with-errors', hasErrorReport: false });

    // 29 days old: kept.
    await sleep(700);
    expect((await row(recent.id)).filesRemovedAt).toBeNull();
    expect((await download(app, token, `${BASE}/tasks/${recent.id}/file`)).status).toBe(200);
  });

  test('the upload of a failed import goes after retention.failedUploadDays, its error report stays; a resumable one is kept', async () => {
    const failed = await importFile(app, token, {
      content: categories('failed', true),
      fileName: 'failed.jsonl',
      options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'stop' },
    });
    expect(failed).toMatchObject({ status: 'failed', hasErrorReport: true });
    // An interrupted continue-mode import can be resumed from its checkpoint: its upload is kept.
    const resumable = await importFile(app, token, {
      content: categories('resumable'),
      fileName: 'resumable.jsonl',
      options: { contentType: 'api::category.category', matchBy: 'slug', onError: 'continue' },
    });
    await age(failed.id, 2);
    await age(resumable.id, 2, { state: 'interrupted' });

    await swept(failed.id, 'uploadRemovedAt');
    const { fileKey } = await row(failed.id);
    expect(fs.existsSync(path.join(app.storageDir, fileKey))).toBe(false);
    const upload = await download(app, token, `${BASE}/tasks/${failed.id}/file`);
    expect(upload.status).toBe(404);
    expect(JSON.parse(upload.text).error.message).toMatch(/upload was removed on .* retention/);
    expect((await errorReport(app, token, failed.id)).status).toBe(200);

    await sleep(700);
    expect((await row(resumable.id)).uploadRemovedAt).toBeNull();
    expect((await download(app, token, `${BASE}/tasks/${resumable.id}/file`)).status).toBe(200);
    await age(resumable.id, 31);
    await swept(resumable.id, 'filesRemovedAt');
    expect((await download(app, token, `${BASE}/tasks/${resumable.id}/file`)).status).toBe(404);
  });

  test('what an interrupted export left (a temporary file of its killed server) goes after retention.failedUploadDays', async () => {
    const key = 'tasks/killed-export/contacts.json';
    const folder = path.join(app.storageDir, 'tasks/killed-export');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'contacts.json.1a2b3c4d.partial'), '{"items":[{"firstName":');
    const storageId = (app.strapi.plugin('data-migration-center').service('storage') as { id: string }).id;
    const task = (await app.strapi.db.query(TASK).create({
      data: { kind: 'export', name: 'Killed', contentType: 'api::contact.contact', format: 'json', state: 'interrupted', fileKey: key, fileName: 'contacts.json', storageId, finishedAt: new Date(Date.now() - 2 * DAY) },
    })) as { id: number };
    await swept(task.id, 'filesRemovedAt');
    expect(fs.existsSync(folder)).toBe(false);
  });

  test('a task folder no task refers to goes once a day old; a task\'s old folder stays', async () => {
    const tasks = path.join(app.storageDir, 'tasks');
    const orphan = path.join(tasks, 'orphan-upload');
    const young = path.join(tasks, 'young-upload');
    for (const folder of [orphan, young]) {
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, 'upload.jsonl'), '{}\n');
    }
    const kept = await importFile(app, token, { content: categories('kept'), fileName: 'kept.jsonl', options: { contentType: 'api::category.category', matchBy: 'slug' } });
    const keptFolder = await folderOf(kept.id);
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    fs.utimesSync(orphan, twoDaysAgo, twoDaysAgo);
    fs.utimesSync(keptFolder, twoDaysAgo, twoDaysAgo);

    const deadline = Date.now() + 10_000;
    while (fs.existsSync(orphan)) {
      if (Date.now() > deadline) throw new Error('The orphan folder was not removed within 10 s');
      await sleep(100);
    }
    await sleep(700);
    expect(fs.existsSync(young)).toBe(true);
    expect(fs.readdirSync(keptFolder).sort()).toEqual(['pre-images.jsonl', 'upload.jsonl']);
    expect((await download(app, token, `${BASE}/tasks/${kept.id}/file`)).status).toBe(200);
  });
});

describe('maxQueuedPerUser', () => {
  const exportRequest = (as: string) =>
    app.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${as}`).send({ contentType: 'api::category.category', format: 'json' });
  const taskFolders = () => (fs.existsSync(path.join(app.storageDir, 'tasks')) ? fs.readdirSync(path.join(app.storageDir, 'tasks')).length : 0);

  afterAll(() => {
    app.strapi.config.set(`${PLUGIN}.concurrency`, 1);
  });

  test('beyond the limit of queued and running tasks a user gets 429, before the upload is stored; others still may', async () => {
    app.strapi.config.set(`${PLUGIN}.concurrency`, 0); // tasks stay queued
    const queued: Task[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await exportRequest(token);
      expect(res.status).toBe(202);
      queued.push(res.body.data as Task);
    }
    const refused = await exportRequest(token);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      name: 'RateLimitError',
      message: expect.stringMatching(/You have 3 import and export tasks queued or running; one user may have at most 3 \(the plugin's maxQueuedPerUser setting\)/),
    });

    const folders = taskFolders();
    const importRefused = await postImport(app, token, { content: categories('quota'), fileName: 'quota.jsonl', options: { contentType: 'api::category.category' }, wait: false });
    expect(importRefused.status).toBe(429);
    expect(taskFolders()).toBe(folders);

    const other = await createAdmin(app, ['plugin::data-migration-center.read', 'plugin::data-migration-center.export', cm('read', 'api::category.category', { fields: ['name', 'slug', 'description'] })]);
    expect((await exportRequest(other)).status).toBe(202);

    // A cancelled task frees a place.
    expect((await app.http().post(`${BASE}/tasks/${queued[0].id}/cancel`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect((await exportRequest(token)).status).toBe(202);
    expect((await exportRequest(token)).status).toBe(429);
  });

  test('requests sent at the same moment cannot pass the limit together; refused imports leave no upload', async () => {
    app.strapi.config.set(`${PLUGIN}.concurrency`, 0);
    // A fresh start: the earlier test's queued tasks are cancelled.
    await app.strapi.db.query(TASK).updateMany({ where: { state: 'queued' }, data: { state: 'cancelled', finishedAt: new Date() } });
    const user = token;
    const folders = taskFolders();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postImport(app, user, { content: categories(`burst-${i}`), fileName: `burst-${i}.jsonl`, options: { contentType: 'api::category.category', matchBy: 'slug' }, wait: false })
      )
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
    expect(taskFolders()).toBe(folders + 3);
    const queued = await app.strapi.db.query(TASK).count({ where: { state: 'queued', id: { $in: answers.filter((r) => r.status === 202).map((r) => r.body.data.id) } } });
    expect(queued).toBe(3);
  });
});
