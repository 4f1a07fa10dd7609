import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl } from '../helpers/tasks';

/**
 * Counts are what landed (issue 14) when a self reference fails in the second pass: an item whose relation to
 * another entry of the same type is linked after every entry exists (`related` of an article, to one further on in
 * the file) is written in the first pass. If that link then fails, the entry stays (and stays counted created or
 * updated), the missing relation is an item error in the report that is not counted failed, and the task ends
 * `completed-with-errors`: created + updated is what the database holds from the task. In stop mode the whole task
 * rolls back.
 */

let app: TestApp;
let token: string;
const ARTICLE = 'api::article.article';

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

/** The articles (draft rows: an import writes drafts) whose slug starts with `prefix`, with their related slugs. */
const held = async (prefix: string) => {
  const rows = (await app.strapi.db.query(ARTICLE as never).findMany({
    where: { slug: { $startsWith: prefix }, publishedAt: null },
    populate: { related: { select: ['slug'] } },
  })) as Array<{ documentId: string; slug: string; related: Array<{ slug: string }> }>;
  return new Map(rows.map((row) => [row.slug, row.related.map((r) => r.slug).sort()]));
};

const file = (prefix: string) =>
  jsonl([
    { title: `${prefix} a`, slug: `${prefix}-a`, related: [{ slug: `${prefix}-b` }] }, // further on: linked in the second pass
    { title: `${prefix} b`, slug: `${prefix}-b` },
    { title: `${prefix} c`, slug: `${prefix}-c`, related: [{ slug: `${prefix}-nowhere` }] }, // fails in the second pass
  ]);

const importFileOf = (prefix: string, onError: 'stop' | 'continue') =>
  importFile(app, token, { fileName: 'self.jsonl', content: file(prefix), options: { contentType: ARTICLE, matchBy: 'slug', onError } });

describe('a self reference that fails in the second pass', () => {
  it('continue: the entry is kept and counted created; the relation is an item error not counted failed', async () => {
    const task = await importFileOf('deferred', 'continue');
    expect(task.status).toBe('completed-with-errors');
    expect(task.counts).toMatchObject({ processed: 3, created: 3, updated: 0, failed: 0 });
    const rows = await held('deferred-');
    expect(rows.size).toBe(task.counts.created + task.counts.updated);
    expect(Object.fromEntries(rows)).toEqual({ 'deferred-a': ['deferred-b'], 'deferred-b': [], 'deferred-c': [] });
    const report = JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ itemNumber: number; message: string }>;
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ itemNumber: 3 });
    expect(report[0].message).toMatch(/deferred-nowhere.*\(the entry was written without this relation\)/);
  });

  it('continue, again: the same entries are updated, counted updated, and the database holds no more', async () => {
    const task = await importFileOf('deferred', 'continue');
    expect(task.status).toBe('completed-with-errors');
    expect(task.counts).toMatchObject({ created: 0, updated: 3, failed: 0 });
    expect((await held('deferred-')).size).toBe(3);
  });

  it('stop: the task fails at that item and nothing is written', async () => {
    const task = await importFileOf('stopped', 'stop');
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/^Stopped at item 3 \(line 3\)/);
    expect(task.counts).toMatchObject({ created: 0, updated: 0 });
    expect((await held('stopped-')).size).toBe(0);
  });
});
