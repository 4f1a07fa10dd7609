/**
 * The engine's own limit (phase `raw-engine`, docs/benchmarks.md): the rows `raw-insert` writes, written by the
 * database driver under knex the fastest way the engine offers, in one transaction, without knex:
 * - SQLite: better-sqlite3 prepared single-row inserts (each statement prepared once per table), `BEGIN IMMEDIATE`;
 * - PostgreSQL: `COPY table (columns) FROM STDIN` per table through pg-copy-streams, text format;
 * - MariaDB/MySQL: mysql2 prepared multi-row inserts (`execute`, up to ENGINE_ROWS rows and 60,000 values each).
 * Values are converted as knex converts them for the same driver, so the rows are the raw insert's rows (the bench
 * checks it on its sample).
 */

/** Rows per prepared multi-row insert on MariaDB/MySQL. */
const ENGINE_ROWS = 1000;
/** A prepared statement holds at most 65,535 placeholders: stay below. */
const MAX_VALUES = 60000;

const quote = (client, name) => (client === 'mysql' ? `\`${name}\`` : `"${name}"`);

/** The columns of a table's rows (every row of a table has the same keys; a row that does not stops the bench). */
const columnsOf = (table, list) => {
  const columns = Object.keys(list[0]);
  for (const row of list) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || keys.some((key, k) => key !== columns[k]))
      throw new Error(`raw-engine: the rows of ${table} do not all have the same columns`);
  }
  return columns;
};

/** better-sqlite3 binds numbers, strings, bigints, buffers and null: knex's better-sqlite3 client converts the rest so. */
const sqliteValue = (value) => {
  if (value === undefined) return null;
  if (value instanceof Date) return value.valueOf();
  if (typeof value === 'boolean') return Number(value);
  return value;
};

/** A value in COPY's text format: pg's own conversion of a query parameter, then COPY's escapes; null is \N. */
const copyText = (prepareValue, value) => {
  const prepared = value === undefined ? null : prepareValue(value);
  if (prepared === null || prepared === undefined) return '\\N';
  return String(prepared).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
};

/** Opens the engine's writer on the driver connection `connection` of `client`; `begin` / `insert` / `commit`. */
const engineWriter = (client, connection) => {
  if (client === 'sqlite') {
    const statements = new Map();
    return {
      begin: async () => connection.prepare('BEGIN IMMEDIATE').run(),
      insert: async (table, list) => {
        const columns = columnsOf(table, list);
        const sql = `INSERT INTO ${quote(client, table)} (${columns.map((c) => quote(client, c)).join(', ')}) VALUES (${columns
          .map(() => '?')
          .join(', ')})`;
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
        for (const row of list) statement.run(columns.map((c) => sqliteValue(row[c])));
      },
      commit: async () => connection.prepare('COMMIT').run(),
      rollback: async () => {
        if (connection.inTransaction) connection.prepare('ROLLBACK').run();
      },
    };
  }
  if (client === 'postgres') {
    const { from: copyFrom } = require('pg-copy-streams');
    const { prepareValue } = require('pg/lib/utils');
    const { pipeline } = require('node:stream/promises');
    const { Readable } = require('node:stream');
    return {
      begin: () => connection.query('BEGIN'),
      insert: async (table, list) => {
        const columns = columnsOf(table, list);
        const copy = connection.query(
          copyFrom(`COPY ${quote(client, table)} (${columns.map((c) => quote(client, c)).join(', ')}) FROM STDIN`)
        );
        // Lines of up to 500 rows per chunk: few writes, bounded memory.
        const chunks = function* chunks() {
          for (let k = 0; k < list.length; k += 500) {
            let text = '';
            for (const row of list.slice(k, k + 500))
              text += `${columns.map((c) => copyText(prepareValue, row[c])).join('\t')}\n`;
            yield text;
          }
        };
        await pipeline(Readable.from(chunks()), copy);
      },
      commit: () => connection.query('COMMIT'),
      rollback: () => connection.query('ROLLBACK'),
    };
  }
  if (client === 'mysql') {
    const call = (method, sql, values) =>
      new Promise((resolve, reject) =>
        connection[method](sql, values, (error, result) => (error ? reject(error) : resolve(result)))
      );
    return {
      begin: () => call('query', 'START TRANSACTION', []),
      insert: async (table, list) => {
        const columns = columnsOf(table, list);
        const size = Math.max(1, Math.min(ENGINE_ROWS, Math.floor(MAX_VALUES / columns.length)));
        const head = `INSERT INTO ${quote(client, table)} (${columns.map((c) => quote(client, c)).join(', ')}) VALUES `;
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        for (let k = 0; k < list.length; k += size) {
          const batch = list.slice(k, k + size);
          const values = [];
          for (const row of batch) for (const c of columns) values.push(row[c] === undefined ? null : row[c]);
          await call('execute', head + Array(batch.length).fill(tuple).join(', '), values);
        }
      },
      commit: () => call('query', 'COMMIT', []),
      rollback: () => call('query', 'ROLLBACK', []),
    };
  }
  throw new Error(`raw-engine: no engine writer for ${client}`);
};

/**
 * Writes items [from, to) with the engine's writer: the rows of `generate` (the raw insert's generator), page by
 * page, in one transaction on one driver connection taken from knex's pool (and given back). Returns the seconds spent
 * in the inserts alone, as the raw insert does. `tableOrder`: the tables, parents first.
 */
const engineInsert = async ({ knex, client, tableOrder, pages, generate }) => {
  const connection = await knex.client.acquireConnection();
  let seconds = 0;
  try {
    const writer = engineWriter(client, connection);
    await writer.begin();
    try {
      for (const items of pages()) {
        const rows = generate(items);
        const started = process.hrtime.bigint();
        for (const table of tableOrder) {
          const list = rows[table];
          if (list?.length) await writer.insert(table, list);
        }
        seconds += Number(process.hrtime.bigint() - started) / 1e9;
      }
      await writer.commit();
    } catch (error) {
      await writer.rollback().catch(() => {});
      throw error;
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
  return seconds;
};

/**
 * `raw-engine-select`: runs `fn(query)` with `query(builder)` answering a knex query builder's rows through the driver
 * connection (taken from knex's pool, given back after): the builder's SQL prepared once per text (better-sqlite3
 * statements, PostgreSQL named statements, mysql2 `execute`), its rows as the driver returns them.
 */
const withEngineQuery = async ({ knex, client }, fn) => {
  const connection = await knex.client.acquireConnection();
  try {
    const names = new Map();
    const statements = new Map();
    const query = async (builder) => {
      const { sql, bindings } = builder.toSQL().toNative();
      if (client === 'sqlite') {
        let statement = statements.get(sql);
        if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
        return statement.all(bindings.map(sqliteValue));
      }
      if (client === 'postgres') {
        if (!names.has(sql)) names.set(sql, `bench_select_${names.size + 1}`);
        return (await connection.query({ name: names.get(sql), text: sql, values: bindings })).rows;
      }
      if (client === 'mysql')
        return new Promise((resolve, reject) =>
          connection.execute(sql, bindings, (error, rows) => (error ? reject(error) : resolve(rows)))
        );
      throw new Error(`raw-engine-select: no engine reader for ${client}`);
    };
    return await fn(query);
  } finally {
    await knex.client.releaseConnection(connection);
  }
};

module.exports = { engineInsert, withEngineQuery };
