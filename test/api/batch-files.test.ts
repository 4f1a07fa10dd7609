import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { createTestDatabase } from '../helpers/database';
import { APP_DIR, PLUGIN_ID, startApp, type TestApp } from '../helpers/strapi';
import { BASE } from '../helpers/tasks';
import { writeBundle } from '../../server/src/pipeline/bundle/write';
import { BUNDLE_FORMAT_VERSION } from '../../server/src/pipeline/bundle/manifest';

/**
 * Batch files at start-up (the `batchFiles` config; the playground reads DMC_BATCH_FOLDER, DMC_BATCH_FILES and
 * DMC_BATCH_FAIL_ON_ERROR): applied in file-name order, once each (path + SHA-256), again when changed; each run is
 * an import task; a failing file is recorded failed and either lets start-up go on or stops it.
 */

const APPLIED_UID = `plugin::${PLUGIN_ID}.applied-batch-file`;
const SHIPPED_EXAMPLES = path.resolve(__dirname, '../../templates/batch-files');

interface AppliedRow {
  path: string;
  checksum: string;
  state: 'applied' | 'failed';
  taskId: number | null;
  message: string | null;
}

/** A folder of batch files inside the playground (`.tmp/`, git-ignored), named relative to its root. */
const makeFolder = (files: Record<string, unknown>) => {
  const relative = `.tmp/batch-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const absolute = path.join(APP_DIR, relative);
  fs.mkdirSync(absolute, { recursive: true });
  const write = (name: string, content: unknown) => {
    fs.mkdirSync(path.dirname(path.join(absolute, name)), { recursive: true });
    fs.writeFileSync(
      path.join(absolute, name),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2)
    );
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { relative, absolute, write, remove: () => fs.rmSync(absolute, { recursive: true, force: true }) };
};

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const appliedRows = async (app: TestApp): Promise<AppliedRow[]> =>
  (await app.strapi.db.query(APPLIED_UID).findMany({ orderBy: [{ path: 'asc' }] })) as AppliedRow[];

const tasksNamed = async (app: TestApp, token: string, prefix: string): Promise<Task[]> => {
  const res = await app.http().get(`${BASE}/tasks?kind=import&pageSize=100`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return (res.body.data as Task[]).filter((task) => task.name.startsWith(prefix)).reverse();
};

const names = async (app: TestApp, uid: string, field = 'name') =>
  ((await app.strapi.db.query(uid).findMany({ orderBy: [{ [field]: 'asc' }] })) as Array<Record<string, string>>).map(
    (row) => row[field]
  );

const tagsJsont = (names: string[], configuration: Record<string, unknown> = {}) => ({
  configuration: { formatVersion: 1, contentType: 'api::tag.tag', matchBy: 'name', ...configuration },
  items: names.map((name) => ({ name })),
});

describe('the shipped example batch files', () => {
  let folder: ReturnType<typeof makeFolder>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: TestApp | null = null;

  beforeAll(async () => {
    folder = makeFolder({});
    for (const file of fs.readdirSync(SHIPPED_EXAMPLES))
      fs.copyFileSync(path.join(SHIPPED_EXAMPLES, file), path.join(folder.absolute, file));
    folder.write('README.txt', 'not a batch file');
    folder.write('later/04-ignored.jsont', tagsJsont(['in-a-sub-folder']));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await app?.stop();
    folder.remove();
  });

  test('are applied at start-up, in file-name order, each as an import task (Liferay keys included)', async () => {
    app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative } });
    const token = await registerSuperAdmin(app);

    const rows = await appliedRows(app);
    expect(rows.map((row) => [row.path, row.state, row.message])).toEqual([
      [`${folder.relative}/01-categories.jsont`, 'applied', null],
      [`${folder.relative}/02-tags.batch-engine-data.json`, 'applied', null],
      [`${folder.relative}/03-articles.jsont`, 'applied', null],
    ]);
    for (const row of rows) expect(row.checksum).toBe(sha256(path.join(APP_DIR, row.path)));

    // Each file ran as a task of the task list, in order, with its counts; nobody created them.
    const tasks = await tasksNamed(app, token, 'Batch file ');
    expect(
      tasks.map((task) => [task.name, task.status, task.contentType, task.format, task.counts.created, task.createdBy])
    ).toEqual([
      [`Batch file ${folder.relative}/01-categories.jsont`, 'completed', 'api::category.category', 'jsont', 3, null],
      [`Batch file ${folder.relative}/02-tags.batch-engine-data.json`, 'completed', 'api::tag.tag', 'jsont', 3, null],
      [`Batch file ${folder.relative}/03-articles.jsont`, 'completed', 'api::article.article', 'jsont', 2, null],
    ]);
    expect(rows.map((row) => row.taskId)).toEqual(tasks.map((task) => task.id));
    // The Liferay keys of 02 were understood: className → contentType, createStrategy UPSERT, PARTIAL_UPDATE, ON_ERROR_FAIL.
    expect(tasks[1].options).toMatchObject({
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'stop',
      matchBy: 'name',
    });

    expect(await names(app, 'api::category.category', 'slug')).toEqual(['announcements', 'case-studies', 'guides']);
    expect(await names(app, 'api::tag.tag')).toEqual(['batch-files', 'liferay', 'seed-data']);
    // 03 links what 01 and 02 created, and publishes.
    const article = (await app.strapi.documents('api::article.article').findFirst({
      filters: { slug: 'seed-data-with-batch-files' },
      status: 'published',
      populate: { category: { fields: ['slug'] }, tags: { fields: ['name'] } },
    })) as unknown as { category: { slug: string }; tags: Array<{ name: string }> };
    expect(article.category.slug).toBe('guides');
    expect(article.tags.map((tag) => tag.name).sort()).toEqual(['batch-files', 'seed-data']);
  });

  test('are not applied again at the next start; a changed file is', async () => {
    await app!.stop({ keepDatabase: true });
    app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative } });
    const before = await appliedRows(app);
    expect(before.map((row) => row.state)).toEqual(['applied', 'applied', 'applied']);
    const taskCount = (await app.strapi.db.query(`plugin::${PLUGIN_ID}.task`).count({})) as number;
    expect(taskCount).toBe(3);

    // Change one file: at the next start it alone runs again (upsert by slug: one created, three updated).
    const categories = JSON.parse(fs.readFileSync(path.join(folder.absolute, '01-categories.jsont'), 'utf8'));
    categories.items.push({ name: 'Interviews', slug: 'interviews', description: null });
    categories.items[0].description = 'Releases, and news about the project.';
    folder.write('01-categories.jsont', categories);
    await app.stop({ keepDatabase: true });
    app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative } });

    const after = await appliedRows(app);
    expect(after[0]).toMatchObject({
      state: 'applied',
      checksum: sha256(path.join(folder.absolute, '01-categories.jsont')),
    });
    expect(after[0].checksum).not.toBe(before[0].checksum);
    expect(after[0].taskId).not.toBe(before[0].taskId);
    expect(after.slice(1)).toEqual(before.slice(1));
    const rerun = (await app.strapi.db
      .query(`plugin::${PLUGIN_ID}.task`)
      .findOne({ where: { id: after[0].taskId } })) as Record<string, unknown>;
    expect(rerun).toMatchObject({ state: 'completed', created: 1, updated: 3 });
    expect(await names(app, 'api::category.category', 'slug')).toEqual([
      'announcements',
      'case-studies',
      'guides',
      'interviews',
    ]);
  });

  test('applyFolder (what the CLI calls): skips what is applied, force runs everything, onTask sees each task', async () => {
    const service = app!.strapi.plugin(PLUGIN_ID).service('batch-files') as {
      applyFolder(
        folder: string,
        options?: { force?: boolean; onTask?: (task: Task) => void }
      ): Promise<Array<Record<string, unknown>>>;
    };
    const skipped = await service.applyFolder(folder.relative);
    expect(skipped.map((result) => result.state)).toEqual(['skipped', 'skipped', 'skipped']);

    const seen: Array<[string, string]> = [];
    const forced = await service.applyFolder(folder.absolute, {
      force: true,
      onTask: (task) => seen.push([task.name.split('/').pop()!, task.status]),
    });
    expect(forced.map((result) => [result.state, result.error])).toEqual([
      ['applied', null],
      ['applied', null],
      ['applied', null],
    ]);
    expect(forced[2]).toMatchObject({ counts: { created: 0, updated: 2, failed: 0 } });
    expect(seen).toEqual([
      ['01-categories.jsont', 'queued'],
      ['01-categories.jsont', 'completed'],
      ['02-tags.batch-engine-data.json', 'queued'],
      ['02-tags.batch-engine-data.json', 'completed'],
      ['03-articles.jsont', 'queued'],
      ['03-articles.jsont', 'completed'],
    ]);
    await expect(service.applyFolder('no-such-folder')).rejects.toThrow(
      /The batch files folder .*no-such-folder does not exist/
    );
  });

  test('a bundle (*.zip) in the folder is applied once, as a bundle import with its defaults', async () => {
    const zip = writeBundle({
      manifest: { bundleFormat: BUNDLE_FORMAT_VERSION, plugin: { name: 'test', version: '0' }, strapi: { version: '5.54.0' }, source: 'test', createdAt: '2026-12-04T00:00:00.000Z' },
      types: [
        {
          uid: 'api::tag.tag',
          attributes: { name: 'string' },
          schemaHash: 'other',
          options: {},
          lines: async function* () {
            yield Buffer.from('{"documentId":"bundledtagdoc000000000001","name":"from-a-bundle"}\n');
          },
        },
      ],
      media: null,
      definitions: null,
    });
    const parts: Buffer[] = [];
    for await (const chunk of zip) parts.push(chunk as Buffer);
    const bundles = makeFolder({});
    try {
      fs.writeFileSync(path.join(bundles.absolute, '10-tags.zip'), Buffer.concat(parts));
      const service = app!.strapi.plugin(PLUGIN_ID).service('batch-files') as {
        applyFolder(folder: string): Promise<Array<{ state: string; error: string | null; counts?: { created: number } }>>;
      };
      const first = await service.applyFolder(bundles.relative);
      expect(first).toEqual([expect.objectContaining({ state: 'applied', error: null, counts: expect.objectContaining({ created: 1 }) })]);
      expect(await names(app!, 'api::tag.tag')).toContain('from-a-bundle');
      expect((await service.applyFolder(bundles.relative)).map((result) => result.state)).toEqual(['skipped']);
    } finally {
      bundles.remove();
    }
  });
});

describe('a failing batch file', () => {
  const FILES = {
    '01-tags.jsont': tagsJsont(['first']),
    // onError stop (the default): one bad item fails the file, nothing of it is written.
    '02-bad-item.jsont': {
      configuration: { contentType: 'api::tag.tag' },
      items: [{ name: 'never-written' }, { name: 'x', surprise: 1 }],
    },
    // Refused before any task runs: recorded as a failed task all the same.
    '03-unknown-type.jsont': { configuration: { contentType: 'api::nope.nope' }, items: [] },
    // onError continue: the file is applied, its failed item is in the task's error report.
    '04-partial.jsont': {
      configuration: { contentType: 'api::tag.tag', matchBy: 'name', onError: 'continue' },
      items: [{ name: 'partial-ok' }, { name: 'partial-bad', colour: 'red' }],
    },
    '05-last.batch-engine-data.json': {
      configuration: { className: 'api::tag.tag', parameters: { createStrategy: 'INSERT' } },
      items: [{ name: 'last' }],
    },
  };
  let folder: ReturnType<typeof makeFolder>;

  beforeAll(() => {
    folder = makeFolder(FILES);
  });
  afterAll(() => folder.remove());

  test('without failOnError: recorded failed, start-up goes on with the next files; the next start tries it again', async () => {
    const database = await createTestDatabase();
    let app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative } });
    try {
      const token = await registerSuperAdmin(app);
      const rows = await appliedRows(app);
      expect(rows.map((row) => [path.basename(row.path), row.state])).toEqual([
        ['01-tags.jsont', 'applied'],
        ['02-bad-item.jsont', 'failed'],
        ['03-unknown-type.jsont', 'failed'],
        ['04-partial.jsont', 'applied'],
        ['05-last.batch-engine-data.json', 'applied'],
      ]);
      expect(rows[1].message).toMatch(/^Stopped at item 2\b.*surprise.*Nothing was imported \(onError: stop\)\./);
      expect(rows[2].message).toMatch(/Unknown content type "api::nope.nope"/);
      expect(rows[3].message).toBe(
        `1 item(s) failed (onError: continue): see the error report of task ${rows[3].taskId}`
      );

      const tasks = await tasksNamed(app, token, 'Batch file ');
      expect(tasks.map((task) => [task.id, task.status, task.hasErrorReport])).toEqual([
        [rows[0].taskId, 'completed', false],
        [rows[1].taskId, 'failed', true],
        [rows[2].taskId, 'failed', false],
        [rows[3].taskId, 'completed-with-errors', true],
        [rows[4].taskId, 'completed', false],
      ]);
      expect(tasks[2]).toMatchObject({
        format: 'jsont',
        fileName: '03-unknown-type.jsont',
        error: expect.stringMatching(/Unknown content type/),
      });
      expect(await names(app, 'api::tag.tag')).toEqual(['first', 'last', 'partial-ok']);

      // The next start: the failed files run again (they fail again), the applied ones do not.
      await app.stop({ keepDatabase: true });
      app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative } });
      const again = await appliedRows(app);
      expect(again.map((row) => row.state)).toEqual(rows.map((row) => row.state));
      expect(again.map((row, i) => row.taskId === rows[i].taskId)).toEqual([true, false, false, true, true]);
    } finally {
      await app.stop();
    }
  });

  test('with failOnError: start-up fails naming the file, and the files after it are not applied', async () => {
    const database = await createTestDatabase();
    await expect(
      startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative, DMC_BATCH_FAIL_ON_ERROR: 'true' } })
    ).rejects.toThrow(
      new RegExp(
        `^Batch file ${folder.relative.replace(
          /\./g,
          '\\.'
        )}/02-bad-item\\.jsont failed \\(task \\d+\\): Stopped at item 2`
      )
    );
    // Look at what the failed start left, with batch files off.
    const app = await startApp({ database, env: { DMC_BATCH_FOLDER: folder.relative, DMC_BATCH_FILES: 'false' } });
    try {
      expect((await appliedRows(app)).map((row) => [path.basename(row.path), row.state])).toEqual([
        ['01-tags.jsont', 'applied'],
        ['02-bad-item.jsont', 'failed'],
      ]);
      expect(await names(app, 'api::tag.tag')).toEqual(['first']);
    } finally {
      await app.stop();
    }
  });
});
