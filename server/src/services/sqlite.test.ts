import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import knexFactory, { type Knex } from 'knex';
import { allowConcurrentReads, isSqliteBusy, prepareSqlite, retryWhileBusy } from './sqlite';

/** A knex on a SQLite file, configured as Strapi configures it (better-sqlite3, knex's pool of one). */
const open = (file: string, acquireConnectionTimeout = 60_000) =>
  knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true, acquireConnectionTimeout });

const asStrapi = (knex: Knex) => {
  const warnings: string[] = [];
  const strapi = { db: { connection: knex }, log: { warn: (message: string) => warnings.push(message) } } as unknown as Core.Strapi;
  return { strapi, warnings };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A write transaction on `db` that inserts `name` and holds SQLite's write lock until `release()`. */
const holdWriter = async (db: Knex, name: string) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const done = db.transaction(async (trx) => {
    await trx('items').insert({ name });
    await held;
  });
  await sleep(20);
  return { release, done };
};

let dir: string;
let knex: Knex;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-sqlite-'));
  knex = open(path.join(dir, 'data.db'));
  await knex.schema.createTable('items', (table) => {
    table.increments('id');
    table.string('name');
  });
});

afterEach(async () => {
  await knex.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('retryWhileBusy tries again only on SQLITE_BUSY, and gives up at the deadline with the last error', async () => {
  const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  let calls = 0;
  await expect(retryWhileBusy(() => (++calls < 3 ? Promise.reject(busy) : 'done'), { timeout: 1_000 })).resolves.toBe('done');
  expect(calls).toBe(3);

  calls = 0;
  await expect(retryWhileBusy(() => (++calls, Promise.reject(new Error('other'))), { timeout: 1_000 })).rejects.toThrow('other');
  expect(calls).toBe(1);

  calls = 0;
  await expect(retryWhileBusy(() => (++calls, Promise.reject(busy)), { timeout: 1_000 }, () => false)).rejects.toBe(busy);
  expect(calls).toBe(1);

  const started = Date.now();
  await expect(retryWhileBusy(() => Promise.reject(busy), { timeout: 150 })).rejects.toBe(busy);
  expect(Date.now() - started).toBeLessThan(1_000);
  let told = 0;
  calls = 0;
  await retryWhileBusy(() => (++calls < 20 ? Promise.reject(busy) : 'done'), { timeout: 10_000, onLongWait: () => (told += 1) });
  expect(told).toBe(1); // 19 waits of up to 100 ms: more than a second, said once
  expect(isSqliteBusy(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe(true);
  expect(isSqliteBusy(new Error('SQLITE_CONSTRAINT'))).toBe(false);
});

test('in WAL mode with a second connection, reads answer during a write transaction and writes wait without blocking the event loop', async () => {
  const { strapi } = asStrapi(knex);
  expect(await prepareSqlite(strapi)).toBe(true);
  allowConcurrentReads(strapi);
  await knex('items').insert({ name: 'before' });

  const { release, done: writer } = await holdWriter(knex, 'inside');

  // A read outside the transaction: the last committed state, at once.
  const started = Date.now();
  expect((await knex('items').select('name')).map((r) => r.name)).toEqual(['before']);
  expect(Date.now() - started).toBeLessThan(500);

  // A write outside it waits (asynchronously: timers keep firing) and lands after the commit.
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 10);
  const outside = knex('items').insert({ name: 'outside' });
  const otherTransaction = knex.transaction(async (trx) => {
    await trx('items').insert({ name: 'second transaction' });
  });
  await sleep(200);
  expect(ticks).toBeGreaterThan(5);
  release();
  await Promise.all([writer, outside, otherTransaction]);
  clearInterval(ticker);
  expect((await knex('items').select('name').orderBy('id')).map((r) => r.name).sort()).toEqual(['before', 'inside', 'outside', 'second transaction']);
});

test('a write that waits longer than acquireConnectionTimeout fails with SQLite\'s busy error', async () => {
  await knex.destroy();
  knex = open(path.join(dir, 'data.db'), 300);
  const { strapi } = asStrapi(knex);
  await prepareSqlite(strapi);
  allowConcurrentReads(strapi);
  const { release, done: writer } = await holdWriter(knex, 'inside');
  await expect(knex('items').insert({ name: 'outside' })).rejects.toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
  release();
  await writer;
});

test('another process (another knex on the same file) waits its turn the same way', async () => {
  const { strapi } = asStrapi(knex);
  await prepareSqlite(strapi);
  const other = open(path.join(dir, 'data.db'));
  try {
    await prepareSqlite(asStrapi(other).strapi);
    const { release, done: writer } = await holdWriter(knex, 'first');
    // It reads the committed state (WAL), then its transaction waits for the first to commit.
    expect(await other('items').count({ n: '*' })).toEqual([{ n: 0 }]);
    const waiting = other.transaction(async (trx) => {
      await trx('items').insert({ name: 'second' });
    });
    await sleep(100);
    release();
    await Promise.all([writer, waiting]);
    expect((await other('items').select('name').orderBy('id')).map((r) => r.name)).toEqual(['first', 'second']);
  } finally {
    await other.destroy();
  }
});
