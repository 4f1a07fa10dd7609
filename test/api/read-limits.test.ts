import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, importFile, jsonl } from '../helpers/tasks';

/**
 * The read limits are the plugin's `limits` setting (issue 14): lowered here to maxDepth 5, maxItemLength 2 KB and
 * maxColumns 3 (env read by test/app/config/plugins.ts), each refuses what the defaults (1,000 levels, 32 MB, 10,000
 * columns) accept, and the message names the setting.
 */

let app: TestApp;
let token: string;
const ARTICLE = 'api::article.article';
const MEASUREMENT = 'api::measurement.measurement';

beforeAll(async () => {
  app = await startApp({ env: { DMC_MAX_DEPTH: '5', DMC_MAX_ITEM_LENGTH: '2048', DMC_MAX_COLUMNS: '3' } });
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

const count = (uid: string, where: Record<string, unknown>) =>
  (app.strapi.db.query(uid as never) as unknown as { count(p: unknown): Promise<number> }).count({ where });

describe('read limits from the plugin config', () => {
  it('maxDepth 5: an item 6 levels deep is an item error naming the setting; a 5-level one lands (JSONL and JSON)', async () => {
    // Levels: the item, metadata's object, then one per key below it.
    const shallow = { title: 'limits-shallow', metadata: { a: { b: { c: { d: 1 } } } } }; // 5 levels
    const deep = { title: 'limits-deep', metadata: { a: { b: { c: { d: { e: 1 } } } } } }; // 6 levels
    const task = await importFile(app, token, {
      fileName: 'deep.jsonl',
      content: jsonl([shallow, deep]),
      options: { contentType: ARTICLE, onError: 'continue' },
    });
    expect(task.status).toBe('completed-with-errors');
    expect(task.counts).toMatchObject({ created: 1, failed: 1 });
    expect((await errorReport(app, token, task.id)).text).toMatch(
      /Line 2, column \d+: arrays and objects are nested deeper than 5 levels \(limits\.maxDepth\)/
    );

    const json = await importFile(app, token, {
      fileName: 'deep.json',
      content: JSON.stringify([{ ...shallow, title: 'limits-shallow-2' }, { ...deep, title: 'limits-deep-2' }]),
      options: { contentType: ARTICLE, onError: 'continue' },
    });
    expect(json.status).toBe('completed-with-errors');
    expect(json.counts).toMatchObject({ created: 1, failed: 1 });
    expect((await errorReport(app, token, json.id)).text).toMatch(
      /Item 1 \(line 1, column \d+\): arrays and objects are nested deeper than 5 levels \(limits\.maxDepth\)/
    );
    expect(await count(ARTICLE, { title: { $startsWith: 'limits-deep' } })).toBe(0);
    expect(await count(ARTICLE, { title: { $startsWith: 'limits-shallow' } })).toBe(2);
  });

  it('maxItemLength 2 KB: a 3,000-character JSONL line is an item error naming the setting', async () => {
    const task = await importFile(app, token, {
      fileName: 'long.jsonl',
      content: jsonl([{ code: 'limits-short' }, { code: 'limits-long', note: 'x'.repeat(3000) }]),
      options: { contentType: MEASUREMENT, matchBy: 'code', onError: 'continue' },
    });
    expect(task.status).toBe('completed-with-errors');
    expect(task.counts).toMatchObject({ created: 1, failed: 1 });
    expect((await errorReport(app, token, task.id)).text).toContain(
      'Line 2: the line is longer than the limit of 2 KB (limits.maxItemLength)'
    );
  });

  it('maxColumns 3: a CSV with 4 columns fails naming the setting; 3 columns are read', async () => {
    const wide = await importFile(app, token, {
      fileName: 'wide.csv',
      content: 'code,label,note,count\nlimits-wide,a,b,1\n',
      options: { contentType: MEASUREMENT, matchBy: 'code' },
    });
    expect(wide.status).toBe('failed');
    expect(wide.error).toContain('Line 1: more than 3 columns (limits.maxColumns)');
    const narrow = await importFile(app, token, {
      fileName: 'narrow.csv',
      content: 'code,label,count\nlimits-narrow,a,1\n',
      options: { contentType: MEASUREMENT, matchBy: 'code' },
    });
    expect(narrow.status).toBe('completed');
    expect(await count(MEASUREMENT, { code: { $in: ['limits-wide', 'limits-narrow'] } })).toBe(1);
    const res = await app.http().get(`${BASE}/tasks`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });
});
