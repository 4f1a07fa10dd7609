import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, exportFile, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * Bad input never takes the server down, and CSV apostrophes survive (issue 14, cases 3, 5, 6, 7): a 100,000-deep
 * file, a deep item, invalid UTF-8 (refused with where, or replaced on request), CSV cells starting with `'`.
 * Every test ends with a request that proves the server is still up.
 */

let app: TestApp;
let token: string;
const TAG = 'api::tag.tag';

const tags = () =>
  (app.strapi.documents(TAG as never) as unknown as { findMany(p?: unknown): Promise<Array<{ name: string; documentId: string }>> }).findMany({});

const stillUp = async () => {
  const res = await app.http().get(`${BASE}/tasks`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

describe('nesting depth (case 5)', () => {
  it('a 200 KB file of [[[...]]] nested 100,000 deep is a failed task with a clear message', async () => {
    const depth = 100_000;
    const res = await postImport(app, token, {
      fileName: 'deep.json',
      content: `${'['.repeat(depth)}${']'.repeat(depth)}`,
      options: { contentType: TAG },
    });
    expect([200, 400]).toContain(res.status);
    if (res.status === 200) {
      expect(res.body.data.status).toBe('failed');
      expect(res.body.data.error).toMatch(/nested deeper than 1,000 levels/);
    }
    await stillUp();
  });

  it('a deep item in JSONL is an item error naming the line and column; the other items land', async () => {
    const deep = `{"name": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const task = await importFile(app, token, {
      fileName: 'deep.jsonl',
      content: `{"name": "depth-ok"}\n${deep}\n`,
      options: { contentType: TAG, matchBy: 'name', onError: 'continue' },
    });
    expect(task.status).toBe('completed-with-errors');
    expect(task.counts).toMatchObject({ created: 1, failed: 1 });
    const report = await app.http().get(`${BASE}/tasks/${task.id}/error-report?format=json`).set('Authorization', `Bearer ${token}`);
    expect(report.text).toContain('Line 2, column 1009: arrays and objects are nested deeper than 1,000 levels (limits.maxDepth)');
    await stillUp();
  });
});

describe('invalid UTF-8 (case 7)', () => {
  const content = Buffer.concat([Buffer.from('{"name": "utf-ok"}\n{"name": "ab'), Buffer.from([0xff, 0xfe]), Buffer.from('cd"}\n')]);

  it('is refused by default, naming the byte offset and line; nothing is written', async () => {
    const before = (await tags()).length;
    const task = await importFile(app, token, { fileName: 'bad.jsonl', content, options: { contentType: TAG, matchBy: 'name' } });
    expect(task.status).toBe('failed');
    expect(task.error).toContain('Invalid UTF-8 at byte offset 31 (line 2): the bytes "\\xff" are not UTF-8 text.');
    expect((await tags()).length).toBe(before);
    await stillUp();
  });

  it('invalidUtf8: "replace" reads U+FFFD', async () => {
    const task = await importFile(app, token, {
      fileName: 'bad.jsonl',
      content,
      options: { contentType: TAG, matchBy: 'name', invalidUtf8: 'replace' },
    });
    expect(task.status).toBe('completed');
    expect((await tags()).map((tag) => tag.name)).toContain('ab\uFFFD\uFFFDcd');
  });

  it('an unknown invalidUtf8 value is a 400', async () => {
    const res = await postImport(app, token, { fileName: 'x.jsonl', content: '{"name": "x"}\n', options: { contentType: TAG, invalidUtf8: 'ignore' } });
    expect(res.status).toBe(400);
  });
});

describe('CSV apostrophes (case 3)', () => {
  const NAMES = ["'", "''", "'hello", "' OR '1'='1", "'=x", "''-5", '=1+1', '+33 1', '-x', '@here', '\tt', '\rr', 'plain'];

  it('a CSV written by another program keeps its apostrophes', async () => {
    const task = await importFile(app, token, {
      fileName: 'foreign.csv',
      content: `name\n'quoted\n' OR '1'='1\n''\n'=SUM(A1)\n`,
      options: { contentType: TAG, matchBy: 'name' },
    });
    expect(task.status).toBe('completed');
    const names = (await tags()).map((tag) => tag.name);
    expect(names).toEqual(expect.arrayContaining(["'quoted", "' OR '1'='1", "''", '=SUM(A1)']));
  });

  it('any text survives export -> import unchanged', async () => {
    await importFile(app, token, {
      fileName: 'names.jsonl',
      content: jsonl(NAMES.map((name) => ({ name: `rt${name}` }))),
      options: { contentType: TAG, matchBy: 'name' },
    });
    await importFile(app, token, {
      fileName: 'names-start.jsonl',
      content: jsonl(NAMES.map((name) => ({ name }))),
      options: { contentType: TAG, matchBy: 'name' },
    });
    const { text } = await exportFile(app, token, { contentType: TAG, format: 'csv', fields: ['name'] });
    const before = (await tags()).map((tag) => tag.name).sort();
    const documents = app.strapi.documents(TAG as never) as unknown as { delete(p: { documentId: string }): Promise<unknown> };
    for (const tag of await tags()) await documents.delete({ documentId: tag.documentId });
    const task = await importFile(app, token, { fileName: 'tags.csv', content: text, options: { contentType: TAG } });
    expect(task.status).toBe('completed');
    expect((await tags()).map((tag) => tag.name).sort()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining(NAMES));
    await stillUp();
  });
});
