import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { importFile, jsonl } from '../helpers/tasks';

/**
 * An import matching by an attribute without an index (Strapi indexes documentId, not uid or unique attributes)
 * gets a temporary index on that column for the task, so that its per-batch lookups do not scan the table.
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

const indexNames = async (table: string) => {
  const inspector = (
    app.strapi.db.dialect as unknown as { schemaInspector: { getIndexes(t: string): Promise<Array<{ name: string }>> } }
  ).schemaInspector;
  return (await inspector.getIndexes(table)).map((index) => index.name).sort();
};

const articles = (from: number, n: number) =>
  jsonl(Array.from({ length: n }, (_, i) => ({ title: `Indexed ${from + i}`, slug: `indexed-${from + i}` })));

/** The SQL statements a function runs. */
const statementsOf = async (fn: () => Promise<unknown>) => {
  const statements: string[] = [];
  const listen = (query: { sql: string }) => statements.push(query.sql);
  app.strapi.db.connection.on('query', listen);
  try {
    await fn();
  } finally {
    app.strapi.db.connection.off('query', listen);
  }
  return statements;
};

const NAME = 'dmc_lookup_articles_slug_locale';

test('the lookups of an import matching by slug run while a temporary index exists; it is dropped when the task ends', async () => {
  const before = await indexNames('articles');
  expect(before).not.toContain(NAME);
  let task: Awaited<ReturnType<typeof importFile>> | null = null;
  const statements = await statementsOf(async () => {
    task = await importFile(app, token, {
      fileName: 'articles.jsonl',
      content: articles(0, 30),
      options: { contentType: 'api::article.article', matchBy: 'slug' },
    });
  });
  expect(task).toMatchObject({ status: 'completed', counts: { created: 30 } });
  const created = statements.findIndex((sql) => /create index|add index/i.test(sql) && sql.includes(NAME));
  const dropped = statements.findIndex((sql) => /drop index/i.test(sql) && sql.includes(NAME));
  const lookup = statements.findIndex(
    (sql, i) => i > created && /from [`"\w.]*articles[`"]/i.test(sql) && /slug[`"]? in/i.test(sql)
  );
  expect(created).toBeGreaterThanOrEqual(0);
  expect(lookup).toBeGreaterThan(created);
  expect(dropped).toBeGreaterThan(lookup);
  expect(await indexNames('articles')).toEqual(before);
});

test('an index left behind (a server stopped during an import) is used and dropped by the next import; matchBy documentId needs none', async () => {
  const before = await indexNames('articles');
  await app.strapi.db.connection.schema.alterTable('articles', (t) => t.index(['slug', 'locale'], NAME));
  expect(await indexNames('articles')).toContain(NAME);
  const statements = await statementsOf(() =>
    importFile(app, token, {
      fileName: 'more.jsonl',
      content: articles(100, 5),
      options: { contentType: 'api::article.article', matchBy: 'slug' },
    })
  );
  expect(statements.some((sql) => /create index|add index/i.test(sql))).toBe(false);
  expect(await indexNames('articles')).toEqual(before);

  const byDocumentId = await statementsOf(() =>
    importFile(app, token, {
      fileName: 'ids.jsonl',
      content: articles(200, 5),
      options: { contentType: 'api::article.article' },
    })
  );
  expect(byDocumentId.some((sql) => /create index|add index|drop index/i.test(sql))).toBe(false);
});
