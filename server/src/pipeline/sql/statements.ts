import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/**
 * The statements the bulk writer runs, as SQL text with bound values: quoted identifiers, and `raw`, which runs a
 * statement in the task's transaction. On SQLite a statement runs on the transaction's better-sqlite3 connection,
 * prepared once per SQL text (knex prepares every statement anew: measured, 6% of an import's time went to preparing
 * the same multi-row INSERT again and again), with the bindings knex would give (dates as milliseconds, booleans as
 * 0/1). Anywhere else, or when the connection is not reachable this way, through knex.
 */

/** What the runner uses of a better-sqlite3 connection and its statements. */
interface SqliteStatement {
  reader: boolean;
  all(values: unknown[]): unknown[];
  run(values: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  inTransaction: boolean;
}

/** Bound values per statement: well under SQLite's 32,766, PostgreSQL's and MySQL's 65,535. */
export const MAX_VALUES = 10_000;
/** Rows per statement: SQLite refuses a VALUES list of more than 500 rows (its compound-select limit). */
export const MAX_ROWS = 500;

export type Statements = ReturnType<typeof createStatements>;

export const createStatements = (strapi: Core.Strapi) => {
  const client = strapi.db.dialect.client;
  const schemaName = strapi.db.getSchemaName();
  const qualified = (table: string) => (schemaName ? `${schemaName}.${table}` : table);

  /** A quoted identifier, as knex quotes it for this dialect (remembered: rows repeat the same few). */
  const quoted = new Map<string, string>();
  const quote = (name: string) => {
    let q = quoted.get(name);
    if (q === undefined) {
      q = strapi.db.connection.raw('??', [name]).toString();
      quoted.set(name, q);
    }
    return q;
  };

  const viaKnex = (trx: Knex.Transaction, sql: string, bindings: unknown[]) =>
    strapi.db.connection.raw(sql, bindings as Knex.RawBinding[]).transacting(trx) as unknown as Promise<unknown>;

  /** On SQLite, prepared statements of the transaction's connection, the most recently used last. */
  const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
  const STATEMENT_CACHE = 64;
  const sqliteConnection = async (trx: Knex.Transaction): Promise<SqliteConnection | null> => {
    const txClient = (trx as unknown as { client?: { acquireConnection?: () => Promise<unknown> } }).client;
    if (client !== 'sqlite' || typeof txClient?.acquireConnection !== 'function') return null;
    const connection = (await txClient.acquireConnection()) as Partial<SqliteConnection> | null;
    return connection && typeof connection.prepare === 'function' && connection.inTransaction === true
      ? (connection as SqliteConnection)
      : null;
  };
  const raw = async (trx: Knex.Transaction, sql: string, bindings: unknown[]): Promise<unknown> => {
    const connection = await sqliteConnection(trx);
    if (!connection) return viaKnex(trx, sql, bindings);
    if (!statements.has(connection)) statements.set(connection, new Map());
    const cache = statements.get(connection)!;
    let statement = cache.get(sql);
    if (statement) cache.delete(sql);
    else {
      statement = connection.prepare(sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement); // the most recently used last
    const values = bindings.map((v) => (v instanceof Date ? v.valueOf() : typeof v === 'boolean' ? Number(v) : v));
    // knex's query events, for whoever listens (Strapi's and the bench's statement logs).
    const events = strapi.db.connection as unknown as {
      listenerCount(e: string): number;
      emit(e: string, ...args: unknown[]): boolean;
    };
    const query =
      events.listenerCount('query') > 0 ? { sql, bindings: values, __knexQueryUid: `dmc${++queryCount}` } : null;
    if (query) events.emit('query', query);
    try {
      const result = statement.reader ? statement.all(values) : statement.run(values);
      if (query) events.emit('query-response', result, query);
      return result;
    } catch (error) {
      if (query) events.emit('query-error', error, query);
      throw error;
    }
  };
  let queryCount = 0;

  /** PostgreSQL needs the type of every value in a VALUES list: a table's column types, read once. */
  const columnTypes = new Map<string, Map<string, string>>();
  const postgresTypes = async (trx: Knex.Transaction, table: string) => {
    if (!columnTypes.has(table)) {
      const { rows } = (await raw(
        trx,
        'SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ?',
        [schemaName ?? null, table]
      )) as { rows: Array<{ column_name: string; udt_name: string }> };
      columnTypes.set(table, new Map(rows.map((row) => [row.column_name, row.udt_name])));
    }
    return columnTypes.get(table)!;
  };

  /** A table's name, qualified with the schema and quoted. */
  const table = (name: string) => quote(qualified(name));

  return { client, schemaName, quote, table, raw, postgresTypes };
};
