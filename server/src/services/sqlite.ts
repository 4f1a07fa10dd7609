import type { Core } from '@strapi/strapi';

/**
 * SQLite has one writer. Strapi opens one better-sqlite3 connection (knex's pool for SQLite is min 1, max 1), so
 * while a stop-mode import holds its transaction for the whole task, every other query of the process waits for it:
 * every admin request (authentication reads the user), the task's status, the list, the cancel. Measured before
 * this module: a status request during a 200,000-contact stop-mode import answered when the import had finished
 * (about 7 s later).
 *
 * What this module does, on SQLite only, with `sqliteConcurrentReads` (default true):
 * 1. the database is switched to WAL journal mode (persistent; SQLite keeps `<file>-wal` and `<file>-shm` beside the
 *    file): readers read the last committed state while a writer holds its transaction, and never wait for it;
 * 2. once the server listens, knex's pool may open a second connection, so reads made outside the import's
 *    transaction go to it and answer at once (not in command-line processes such as `strapi import` or this
 *    plugin's CLI, which run one thing at a time and whose schema changes rely on a single connection);
 * 3. writers never block the process: better-sqlite3 is synchronous, and its busy handler would sleep in the main
 *    thread, which also runs the import that holds the lock (a write on the second connection would freeze the
 *    whole server for the busy timeout and then fail). So the busy timeout is 0, transactions begin with
 *    `BEGIN IMMEDIATE` (the write lock is taken at the start, so no statement inside a transaction can meet
 *    SQLITE_BUSY), and a `BEGIN IMMEDIATE` or a statement outside any transaction that meets SQLITE_BUSY is tried
 *    again asynchronously until the database's `acquireConnectionTimeout` (Strapi's default 60 s): another write
 *    (a Content Manager save during an import, the command line beside a server) waits its turn as it did before,
 *    without holding the event loop.
 * Both kinds of retries are safe: a statement that failed with SQLITE_BUSY outside a transaction did nothing, and a
 * BEGIN that failed began nothing.
 */

/** What this module uses of a better-sqlite3 connection. */
interface SqliteConnection {
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  inTransaction: boolean;
}

interface KnexTransaction {
  begin(connection: SqliteConnection): Promise<unknown>;
}

interface KnexClient {
  _query(connection: SqliteConnection, query: unknown): Promise<unknown>;
  transaction(...args: unknown[]): KnexTransaction;
  acquireConnection(): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection): Promise<unknown>;
  pool?: { max: number; min: number };
  config?: { acquireConnectionTimeout?: number };
}

/** SQLite's "database is locked" (another connection holds the write lock). */
export const isSqliteBusy = (error: unknown): boolean =>
  /^SQLITE_BUSY/.test(String((error as { code?: unknown })?.code ?? '')) || /database is locked/i.test(String((error as Error)?.message ?? ''));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, waiting between attempts (5 ms, doubling to 100 ms)
 * without blocking the event loop, for at most `policy.timeout` ms; then the last SQLITE_BUSY error is thrown. `mayRetry`
 * tells whether the attempt that failed can be run again.
 */
export const retryWhileBusy = async <T>(
  attempt: () => T | Promise<T>,
  policy: BusyPolicy,
  mayRetry: () => boolean = () => true
): Promise<T> => {
  const started = Date.now();
  const deadline = started + policy.timeout;
  let wait = 5;
  let told = false;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error) || !mayRetry() || Date.now() + wait > deadline) throw error;
      if (!told && Date.now() - started >= LONG_WAIT) {
        told = true;
        policy.onLongWait?.();
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 100);
    }
  }
};

const PATCHED = Symbol.for('data-migration-center.sqlite-busy');

/** How long writers wait for SQLite's lock, and who is told when a wait is long (the command line says so). */
interface BusyPolicy {
  /** ms; Infinity: until the lock is free. */
  timeout: number;
  /** Called once per wait that lasts more than a second. */
  onLongWait?: () => void;
  /** The database is in WAL mode: a second connection may read while one writes. */
  wal?: boolean;
}

const LONG_WAIT = 1_000;

/**
 * Steps 1 and 3 (see above), in the plugin's register phase (before Strapi's own bootstrap writes: a second process
 * beside a writing server would fail there), in every process that loads the app. Returns whether the database is in
 * WAL mode (when it is not, step 2 must not happen: a second connection would wait for the writer's lock to read).
 */
export const prepareSqlite = async (strapi: Core.Strapi): Promise<boolean> => {
  const knex = strapi.db.connection;
  const client = knex.client as unknown as KnexClient & { [PATCHED]?: BusyPolicy };

  const policy: BusyPolicy = client[PATCHED] ?? { timeout: client.config?.acquireConnectionTimeout ?? 60_000 };
  if (!client[PATCHED]) {
    client[PATCHED] = policy;
    // Statements outside transactions (on the pool's connections) are tried again while the database is busy; never
    // one that failed inside a transaction (begun by hand with raw SQL): a retry could not be right there.
    const query = client._query;
    client._query = function retried(this: KnexClient, connection, obj) {
      return retryWhileBusy(() => query.call(this, connection, obj), policy, () => !connection.inTransaction);
    };
    // Top-level transactions take the write lock at once (nested ones are savepoints: `begin` is not called).
    const transaction = client.transaction;
    client.transaction = function immediate(this: KnexClient, ...args: unknown[]) {
      const trx = transaction.apply(this, args);
      trx.begin = async (connection: SqliteConnection) => {
        await retryWhileBusy(() => connection.exec('BEGIN IMMEDIATE'), policy);
      };
      return trx;
    };
    // Every connection, the one open now and any the pool opens later, has its (blocking) busy handler off.
    const acquire = client.acquireConnection;
    const prepared = new WeakSet<SqliteConnection>();
    client.acquireConnection = async function prepare(this: KnexClient) {
      const connection = await acquire.call(this);
      if (!prepared.has(connection)) {
        connection.pragma('busy_timeout = 0');
        prepared.add(connection);
      }
      return connection;
    };
  }

  const connection = await client.acquireConnection();
  try {
    const mode = String(connection.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
    policy.wal = mode === 'wal';
    if (mode !== 'wal') {
      strapi.log.warn(
        `[data-migration-center] SQLite stays in journal mode "${mode}" (WAL could not be set): the admin waits while an import writes`
      );
      return false;
    }
    return true;
  } finally {
    await client.releaseConnection(connection);
  }
};

/**
 * Step 2: lets the pool open a second connection, once the database is in WAL mode (`prepareSqlite`). Called when
 * the HTTP server starts listening.
 */
export const allowConcurrentReads = (strapi: Core.Strapi): void => {
  const client = strapi.db.connection.client as unknown as KnexClient & { [PATCHED]?: BusyPolicy };
  if (!client[PATCHED]?.wal || !client.pool) return;
  if (client.pool.max < 2) client.pool.max = 2;
};

/**
 * Writers of this process wait for SQLite's lock as long as it takes (instead of `acquireConnectionTimeout`), and
 * `onLongWait` is told when a wait lasts more than a second: the command line, which runs one task and may start
 * beside a server in the middle of a long import. No effect before `prepareSqlite` or on other databases.
 */
export const waitForOtherWriters = (strapi: Core.Strapi, onLongWait: () => void): void => {
  const policy = (strapi.db.connection.client as unknown as { [PATCHED]?: BusyPolicy })[PATCHED];
  if (!policy) return;
  policy.timeout = Infinity;
  policy.onLongWait = onLongWait;
};

/** The service the command line uses (bin/lib/app.js), between the app's register and bootstrap phases. */
export const createSqliteService = ({ strapi }: { strapi: Core.Strapi }) => ({
  waitForOtherWriters(onLongWait: () => void): void {
    waitForOtherWriters(strapi, onLongWait);
  },
});
