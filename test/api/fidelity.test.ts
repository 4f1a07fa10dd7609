import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl, postImport } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Issue 14, cases 2, 4 and 8, on the database the environment names (SQLite, PostgreSQL, MariaDB):
 * - counts are what landed: `created` is the number of new documents in the database, `updated` the items written
 *   onto an entry that existed, each key holds the value of the last item not reported failed; stop and dry run
 *   leave the database as it was;
 * - an item locale the app does not have is an item error naming it and the app's locales, in a dry run too;
 * - values over a column's limit (length, range, calendar) are item errors naming the field and the limit, and no
 *   message a user sees holds SQL.
 */

const UID = 'api::measurement.measurement';
const SQL = /\b(insert\s+into|select\s[\s\S]*\sfrom|update\s+\S+\s+set|delete\s+from|returning)\b|`/i;

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

type Report = Array<{ itemNumber: number; message: string }>;

/** The failed items of a task (none: the report answers 404). */
const reportOf = async (task: Task): Promise<Report> => {
  const res = await errorReport(app, token, task.id);
  if (res.status === 404) return [];
  return JSON.parse(res.text) as Report;
};

const rows = async () =>
  (await app.strapi.db.connection('measurements').select('document_id', 'code', 'label').orderBy('id')) as Array<{
    document_id: string;
    code: string;
    label: string | null;
  }>;

const importMeasurements = (items: unknown[], options: Record<string, unknown> = {}) =>
  importFile(app, token, {
    fileName: 'measurements.jsonl',
    content: jsonl(items),
    options: { contentType: UID, matchBy: 'code', onError: 'continue', ...options },
  });

describe('counts are what landed (case 2)', () => {
  /** A file whose failing items are followed by items with the same key (the run that reported `updated 212`). */
  const file = (run: string) => [
    { code: `${run}-new-1`, label: `${run}-0` },
    { code: `${run}-old-1`, label: `${run}-1` },
    { code: `${run}-bad-1`, label: `${run}-2`, count: 'many' }, // fails: not an integer
    { code: `${run}-bad-1`, label: `${run}-3` }, // a new entry, not an update of the failed one
    { code: `${run}-old-2`, label: `${run}-4`, day: '2026-02-30' }, // fails: no such date
    { code: `${run}-old-2`, label: `${run}-5` }, // updates the existing entry
    { code: `${run}-new-2`, label: `${run}-6`, at: '+010000-01-01T00:00:00.000Z' }, // MariaDB refuses year 10000
    { code: `${run}-new-2`, label: `${run}-7` },
    { code: `${run}-bad-3`, label: 'x'.repeat(256) }, // fails: over 255 characters
    { code: `${run}-bad-3`, label: `${run}-9` },
  ];

  const seed = async (run: string) => {
    for (const code of [`${run}-old-1`, `${run}-old-2`]) {
      await app.strapi.documents(UID as never).create({ data: { code, label: 'before' } } as never);
    }
  };

  /** What the database must hold, worked out from the items the task did not report failed (not from its counts). */
  const expected = (items: Array<{ code: string; label: string }>, before: Set<string>, report: Report) => {
    const failed = new Set(report.map((r) => r.itemNumber - 1));
    const known = new Set(before);
    const labels = new Map<string, string>();
    let created = 0;
    let updated = 0;
    items.forEach((item, i) => {
      if (failed.has(i)) return;
      if (known.has(item.code)) updated += 1;
      else {
        created += 1;
        known.add(item.code);
      }
      labels.set(item.code, item.label);
    });
    return { created, updated, failed: failed.size, labels };
  };

  /**
   * Runs a test on another app (the write path under test set by its environment), then restarts the usual one
   * (one Strapi per process at a time).
   */
  const onApp = async (env: Record<string, string>, body: () => Promise<void>) => {
    await app.stop();
    app = await startApp({ env });
    try {
      token = await registerSuperAdmin(app);
      await body();
    } finally {
      await app.stop();
      app = await startApp();
      token = await registerSuperAdmin(app);
    }
  };

  const continueRun = async (run: string) => {
    await seed(run);
    const items = file(run);
    const beforeRows = await rows();
    const before = new Set(beforeRows.map((r) => r.code));
    const task = await importMeasurements(items);
    const report = await reportOf(task);
    for (const { message } of report) expect(message).not.toMatch(SQL);
    expect(report.map((r) => r.itemNumber)).toEqual(expect.arrayContaining([3, 5, 9]));
    const want = expected(items, before, report);
    expect(task.counts).toMatchObject({ created: want.created, updated: want.updated, failed: want.failed });
    const after = await rows();
    expect(after.length - beforeRows.length).toBe(want.created);
    const byCode = new Map(after.map((r) => [r.code, r.label]));
    for (const [code, label] of want.labels) expect({ code, label: byCode.get(code) }).toEqual({ code, label });
    // The keys whose items all failed hold nothing.
    expect(byCode.has(`${run}-bad-1`)).toBe(true);
    expect(task.counts.created + task.counts.updated).toBe(items.length - report.length);
  };

  test('continue (bulk writes): created + updated is what the database holds', () => continueRun('c'));

  test('continue (Document Service only): created + updated is what the database holds', () =>
    onApp({ DMC_BULK_WRITES: 'false' }, () => continueRun('cd')));

  test('stop: the first failure rolls everything back, and nothing is counted', async () => {
    await seed('s');
    const beforeRows = await rows();
    const res = await postImport(app, token, {
      fileName: 'measurements.jsonl',
      content: jsonl(file('s')),
      options: { contentType: UID, matchBy: 'code', onError: 'stop' },
    });
    const task = res.body.data as Task;
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/^Stopped at item 3.*count/);
    expect(task.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(await rows()).toEqual(beforeRows);
  });

  test('dry run: the counts a real run then reports, and the database untouched', async () => {
    await seed('d');
    const items = file('d');
    const beforeRows = await rows();
    const dry = await importMeasurements(items, { dryRun: true });
    expect(await rows()).toEqual(beforeRows);
    const real = await importMeasurements(items);
    expect(dry.counts).toMatchObject({ created: real.counts.created, updated: real.counts.updated, failed: real.counts.failed });
    const want = expected(items, new Set(beforeRows.map((r) => r.code)), await reportOf(real));
    expect(real.counts).toMatchObject({ created: want.created, updated: want.updated });
  });
});

describe('an item locale the app does not have (case 4)', () => {
  const items = [
    { name: 'Tyrol', code: 'loc-1', locale: 'de' },
    { name: 'Tirol', code: 'loc-2', locale: 'fr' },
  ];

  test.each([[true], [false]])('dryRun %s: an item error naming the locale and the app locales', async (dryRun) => {
    const task = await importFile(app, token, {
      fileName: 'regions.jsonl',
      content: jsonl(items),
      options: { contentType: 'api::region.region', matchBy: 'code', onError: 'continue', dryRun },
    });
    expect(await reportOf(task)).toEqual([
      expect.objectContaining({ itemNumber: 1, message: 'locale: unknown locale "de": the app has en, fr' }),
    ]);
    expect(task.counts).toMatchObject({ created: 1, failed: 1 });
    const stored = (await app.strapi.db.connection('regions').select('locale').where('code', 'loc-1')) as unknown[];
    expect(stored).toEqual([]);
  });

  test('a locale option the app does not have: 400 naming it and the app locales', async () => {
    const res = await postImport(app, token, {
      fileName: 'regions.jsonl',
      content: jsonl([{ name: 'Tyrol', code: 'loc-3' }]),
      options: { contentType: 'api::region.region', matchBy: 'code', locale: 'de' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('Unknown locale \\"de\\": the app has en, fr');
  });
});

describe('values over a column limit (case 8)', () => {
  test.each([
    ['a string over 255 characters', { label: 'é'.repeat(256) }, 'label: 256 characters, over the limit of 255 of a string attribute'],
    ['a biginteger beyond 64 bits', { total: '9223372036854775808' }, 'total: 9223372036854775808 is out of range for a biginteger attribute (64 bits'],
    ['an integer beyond 32 bits', { count: 2147483648 }, 'count: 2147483648 is out of range for an integer attribute (-2147483648 to 2147483647'],
    ['a decimal beyond decimal(10, 2)', { amount: 123456789 }, 'amount: 123456789 is out of range for a decimal attribute'],
    ['an impossible date', { day: '2026-02-30' }, 'day: 2026-02-30 is not a date: 2026-02 has 28 days'],
    ['an impossible date-time', { at: '2026-02-30T10:00:00.000Z' }, 'at: 2026-02-30 is not a date: 2026-02 has 28 days'],
    ['an impossible time', { clock: '24:30:00' }, 'clock: 24:30:00 is not a time of day'],
  ])('%s: an item error naming the field and the limit, for a new entry and an update', async (_what, values, message) => {
    const code = `limit-${Object.keys(values)[0]}`;
    await importMeasurements([{ code, label: 'ok' }]);
    const task = await importMeasurements([
      { code: `${code}-new`, ...values },
      { code, ...values },
    ]);
    const report = await reportOf(task);
    expect(report.map((r) => r.itemNumber)).toEqual([1, 2]);
    for (const { message: seen } of report) {
      expect(seen).toContain(message);
      expect(seen).not.toMatch(SQL);
    }
    expect(task.counts).toMatchObject({ created: 0, updated: 0, failed: 2 });
  });

  test('the limits hold exactly at the edge: 255 characters, 2^63 - 1, 2^31 - 1, 99999999.99, Feb 29 of a leap year', async () => {
    const task = await importMeasurements([
      { code: 'edge', label: 'é'.repeat(255), total: '9223372036854775807', count: 2147483647, amount: 99999999.99, day: '2024-02-29', at: '2024-02-29T23:59:59.999Z', clock: '23:59:59.999' },
    ]);
    expect(await reportOf(task)).toEqual([]);
    // The stored biginteger read as text (SQLite's driver reads integers as JS numbers).
    const asText = app.strapi.db.dialect.client === 'mysql' ? 'CHAR' : 'TEXT';
    const knex = app.strapi.db.connection;
    const [row] = (await knex('measurements')
      .select('label', knex.raw(`CAST(total AS ${asText}) AS total`), 'count')
      .where('code', 'edge')) as Array<{
      label: string;
      total: string | number;
      count: number;
    }>;
    expect(row.label).toBe('é'.repeat(255));
    expect(String(row.total)).toBe('9223372036854775807');
    expect(row.count).toBe(2147483647);
  });

  test('what only the database refuses: named by field, without SQL', async () => {
    const task = await importMeasurements([{ code: 'year-10000', at: '+010000-01-01T00:00:00.000Z' }]);
    const report = await reportOf(task);
    // SQLite and PostgreSQL store year 10000; MariaDB's datetime ends at 9999.
    if (report.length > 0) {
      expect(report[0].message).toMatch(/^at: the database refused the value: /);
      expect(report[0].message).not.toMatch(SQL);
      expect(task.counts).toMatchObject({ created: 0, failed: 1 });
    } else {
      expect(task.counts).toMatchObject({ created: 1 });
    }
  });
});
