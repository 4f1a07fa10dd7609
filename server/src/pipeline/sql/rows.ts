import { createRequire } from 'node:module';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { IN_LIST, chunks } from './in-lists';
import { modelMeta, type AttributeMeta, type ModelMeta } from '../../schema/model-metadata';

/**
 * Rows written many at a time: multi-row INSERT statements, and UPDATE statements that join the table to a list of
 * values (`WITH v AS (VALUES ...) UPDATE ... FROM v` on SQLite and PostgreSQL, `UPDATE ... JOIN (SELECT ... UNION
 * ALL ...)` on MySQL/MariaDB), written as SQL text with bound values. The values of a model's rows (a content type,
 * a component) are converted as Strapi's query layer converts them (its `processData`: its own field classes, the
 * attribute defaults of a new row), so what is stored is what `strapi.db.query(uid).createMany()` and `.update()`
 * store; a test compares the rows with the Document Service's.
 *
 * Rows are also copied within a table as they are stored (`copyRows` onto existing rows, `cloneRows` into new ones),
 * with no conversion: a draft's row becomes its published version's, as the Document Service's publish copies it.
 *
 * Strapi does not export its field classes; they are loaded from the app's `@strapi/database`. Where they cannot be
 * (another layout), model rows go through `strapi.db.query(uid).createMany` and `.updateMany` (one row at a time
 * for updates), which store the same, more slowly; so do updates on SQLite older than 3.33 (no `UPDATE ... FROM`).
 */

interface Field {
  toDB(value: unknown): unknown;
  validate?: (value: unknown) => void;
}

/** The relations to admin users every content type stores in its own row (`created_by_id`, `updated_by_id`). */
const CREATOR_ATTRIBUTES = ['createdBy', 'updatedBy'];

/** What rows.ts uses of a better-sqlite3 connection and its statements. */
interface SqliteStatement {
  reader: boolean;
  all(values: unknown[]): unknown[];
  run(values: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  inTransaction: boolean;
}

interface Internals {
  createField(attribute: AttributeMeta): Field;
  isScalarAttribute(attribute: AttributeMeta): boolean;
}

export interface RowUpdate {
  id: number;
  /** Attribute names → values, as for `strapi.db.query(uid).update({ data })` (scalar attributes only). */
  values: Record<string, unknown>;
}

/** Bound values per statement: well under SQLite's 32,766, PostgreSQL's and MySQL's 65,535. */
const MAX_VALUES = 10_000;
/** Rows per statement: SQLite refuses a VALUES list of more than 500 rows (its compound-select limit). */
const MAX_ROWS = 500;

const loadInternals = (strapi: Core.Strapi): Internals | null => {
  try {
    const load = createRequire(path.join(strapi.dirs.app.root, 'package.json'));
    const { createField } = load('@strapi/database/dist/fields/index.js') as Partial<Internals>;
    const { isScalarAttribute } = load('@strapi/database/dist/utils/types.js') as Partial<Internals>;
    if (typeof createField !== 'function' || typeof isScalarAttribute !== 'function') return null;
    return { createField, isScalarAttribute };
  } catch {
    return null;
  }
};

export const createRowWriter = (strapi: Core.Strapi) => {
  const client = strapi.db.dialect.client;
  const internals = loadInternals(strapi);
  const schemaName = strapi.db.getSchemaName();
  const qualified = (table: string) => (schemaName ? `${schemaName}.${table}` : table);
  const metaOf = (uid: string) => modelMeta(strapi, uid);

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

  /**
   * On SQLite, statements run on the transaction's better-sqlite3 connection, prepared once per SQL text (knex
   * prepares every statement anew: measured, 6% of an import's time went to preparing the same multi-row INSERT
   * again and again), with the bindings knex would give (dates as milliseconds, booleans as 0/1). Anywhere else, or
   * when the connection is not reachable this way, through knex.
   */
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

  /** Per model, its scalar attributes with their column, field class and default (read once). */
  const scalarsOf = new Map<ModelMeta, Array<{ name: string; column: string; field: Field; default: unknown }>>();
  const scalars = (meta: ModelMeta, { createField, isScalarAttribute }: Internals) => {
    let list = scalarsOf.get(meta);
    if (!list) {
      list = Object.entries(meta.attributes)
        .filter(([, attribute]) => isScalarAttribute(attribute))
        .map(([name, attribute]) => ({
          name,
          column: attribute.columnName ?? name,
          field: createField(attribute),
          default: attribute.default,
        }));
      scalarsOf.set(meta, list);
    }
    return list;
  };

  /** A model's attribute values → its columns, as Strapi's query layer writes them (`processData`). */
  const toColumns = (meta: ModelMeta, internals: Internals, values: Record<string, unknown>, withDefaults: boolean) => {
    const row: Record<string, unknown> = {};
    for (const { name, column, field, default: fallback } of scalars(meta, internals)) {
      const value = values[name];
      if (value === undefined) {
        if (withDefaults && fallback !== undefined)
          row[column] = typeof fallback === 'function' ? (fallback as () => unknown)() : fallback;
        continue;
      }
      if (value !== null && typeof field.validate === 'function') field.validate(value);
      row[column] = value === null ? null : field.toDB(value);
    }
    // As Strapi's query layer writes an owner to-one relation given by id: into its join column.
    for (const name of CREATOR_ATTRIBUTES) {
      const attribute = meta.attributes[name];
      if (values[name] !== undefined && attribute?.joinColumn && attribute.owner) row[attribute.joinColumn.name] = values[name];
    }
    return row;
  };

  /**
   * INSERT of rows (column → value) into a table, in statements of up to MAX_ROWS rows. A row without a column of
   * another gets the column's default, as knex writes it (NULL on SQLite, where Strapi sets useNullAsDefault).
   * Returns the new ids in the rows' order on SQLite and PostgreSQL (RETURNING, in the order the rows are listed,
   * which Strapi's own createMany relies on too); MySQL answers with the first id of each statement.
   */
  const insert = async (
    trx: Knex.Transaction,
    table: string,
    rows: Array<Record<string, unknown>>,
    returnIds: boolean
  ) => {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const missing = client === 'sqlite' ? 'NULL' : 'DEFAULT';
    const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_VALUES / Math.max(columns.length, 1))));
    const ids: number[] = [];
    const firstIds: number[] = [];
    const head = `INSERT INTO ${quote(qualified(table))} (${columns.map(quote).join(', ')}) VALUES `;
    const returning = returnIds && client !== 'mysql' ? ' RETURNING id' : '';
    const full = `(${columns.map(() => '?').join(', ')})`;
    // A cell is a row's own value: only a column named as an Object.prototype member needs the slower check.
    const inherited = new Set(columns.filter((column) => column in Object.prototype));
    const has = (row: Record<string, unknown>, column: string) =>
      row[column] !== undefined && (!inherited.has(column) || Object.prototype.hasOwnProperty.call(row, column));
    for (const part of chunks(rows, size)) {
      const bindings: unknown[] = [];
      const tuples: string[] = [];
      for (const row of part) {
        let complete = true;
        for (const column of columns) {
          if (has(row, column)) bindings.push(row[column]);
          else complete = false;
        }
        // A row without a column of another (rare): its cells one by one.
        tuples.push(complete ? full : `(${columns.map((c) => (has(row, c) ? '?' : missing)).join(', ')})`);
      }
      const sql = `${head}${tuples.join(', ')}${returning}`;
      const result = await raw(trx, sql, bindings);
      if (!returnIds) continue;
      if (client === 'mysql') firstIds.push(Number((result as [{ insertId: number }])[0].insertId));
      else {
        const returned =
          client === 'postgres' ? (result as { rows: Array<{ id: number }> }).rows : (result as Array<{ id: number }>);
        ids.push(...returned.map((r) => Number(r.id)));
      }
    }
    return { ids, firstIds, statementSize: size };
  };

  /** MySQL/MariaDB give the first id of a multi-row insert: the others follow it when ids are consecutive. */
  let consecutiveIds: boolean | null = null;
  const mysqlIdsAreConsecutive = async (trx: Knex.Transaction) => {
    if (consecutiveIds === null) {
      const [rows] = (await raw(
        trx,
        'SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step',
        []
      )) as [Array<{ mode: number | string; step: number | string }>];
      consecutiveIds = Number(rows[0]?.mode) <= 1 && Number(rows[0]?.step) === 1;
    }
    return consecutiveIds;
  };

  /** New rows of a model (attribute values, as for `strapi.db.query(uid).createMany`); returns their ids in order. */
  const createMany = async (
    trx: Knex.Transaction,
    uid: string,
    data: Array<Record<string, unknown>>
  ): Promise<number[]> => {
    if (data.length === 0) return [];
    const oneByOne = client === 'mysql' && !(await mysqlIdsAreConsecutive(trx));
    if (!internals) {
      const query = strapi.db.query(uid as never);
      const createdIds = async (rows: Array<Record<string, unknown>>) =>
        ((await query.createMany({ data: rows })) as { ids: number[] }).ids;
      if (oneByOne) {
        const ids: number[] = [];
        for (const row of data) ids.push(Number((await createdIds([row]))[0]));
        return ids;
      }
      const ids = await createdIds(data);
      if (client !== 'mysql') return ids.map(Number);
      return chunks(data, strapi.db.dialect.getBatchInsertSize()).flatMap((part, i) =>
        part.map((_, j) => Number(ids[i]) + j)
      );
    }
    const meta = metaOf(uid);
    const rows = data.map((values) => toColumns(meta, internals, values, true));
    if (oneByOne) {
      const ids: number[] = [];
      for (const row of rows) ids.push(...(await insert(trx, meta.tableName, [row], true)).firstIds);
      return ids;
    }
    const { ids, firstIds, statementSize } = await insert(trx, meta.tableName, rows, true);
    if (client !== 'mysql') return ids;
    return chunks(rows, statementSize).flatMap((part, i) => part.map((_, j) => firstIds[i] + j));
  };

  /** Link rows (join tables: ids and order columns, nothing to convert). */
  const insertLinks = async (trx: Knex.Transaction, table: string, rows: Array<Record<string, unknown>>) => {
    if (rows.length > 0) await insert(trx, table, rows, false);
  };

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

  let updateFrom: boolean | null = null;
  const canUpdateFrom = async (trx: Knex.Transaction) => {
    if (updateFrom === null) {
      if (client !== 'sqlite') updateFrom = true;
      else {
        const [row] = (await raw(trx, 'SELECT sqlite_version() AS version', [])) as Array<{ version: string }>;
        const [major, minor] = String(row?.version ?? '0.0')
          .split('.')
          .map(Number);
        updateFrom = major > 3 || (major === 3 && minor >= 33);
      }
    }
    return updateFrom;
  };

  const updateStatement = async (
    trx: Knex.Transaction,
    table: string,
    columns: string[],
    rows: Array<{ id: number; row: Record<string, unknown> }>
  ) => {
    const bindings = rows.flatMap(({ id, row }) => [id, ...columns.map((c) => row[c])]);
    const t = quote(qualified(table));
    let sql: string;
    if (client === 'mysql') {
      // UPDATE t JOIN (SELECT ? AS id, ? AS c UNION ALL SELECT ?, ? ...) AS v ON t.id = v.id SET t.c = v.c
      const named = `SELECT ${['id', ...columns].map((c) => `? AS ${quote(c)}`).join(', ')}`;
      const unnamed = `SELECT ${['id', ...columns].map(() => '?').join(', ')}`;
      const values = [named, ...rows.slice(1).map(() => unnamed)].join(' UNION ALL ');
      sql = `UPDATE ${t} JOIN (${values}) AS v ON ${t}.id = v.id SET ${columns
        .map((c) => `${t}.${quote(c)} = v.${quote(c)}`)
        .join(', ')}`;
    } else {
      // WITH v(id, c) AS (VALUES (?, ?), ...) UPDATE t SET c = v.c FROM v WHERE t.id = v.id
      const types = client === 'postgres' ? await postgresTypes(trx, table) : null;
      const cell = (column: string) => (types?.has(column) ? `?::${types.get(column)}` : '?');
      const tuple = `(${['id', ...columns].map(cell).join(', ')})`;
      const names = ['id', ...columns].map(quote).join(', ');
      const sets = columns.map((c) => `${quote(c)} = v.${quote(c)}`).join(', ');
      sql = `WITH v(${names}) AS (VALUES ${rows
        .map(() => tuple)
        .join(', ')}) UPDATE ${t} SET ${sets} FROM v WHERE ${t}.id = v.id`;
    }
    await raw(trx, sql, bindings);
  };

  /** Updates rows of a model, each with its own values; rows setting the same attributes share statements. */
  const updateMany = async (trx: Knex.Transaction, uid: string, updates: RowUpdate[]) => {
    if (updates.length === 0) return;
    if (!internals || !(await canUpdateFrom(trx))) {
      const query = strapi.db.query(uid as never);
      for (const { id, values } of updates) await query.updateMany({ where: { id }, data: values });
      return;
    }
    const meta = metaOf(uid);
    const groups = new Map<string, { columns: string[]; rows: Array<{ id: number; row: Record<string, unknown> }> }>();
    for (const { id, values } of updates) {
      const row = toColumns(meta, internals, values, false);
      const columns = Object.keys(row).sort();
      const key = columns.join(',');
      if (!groups.has(key)) groups.set(key, { columns, rows: [] });
      groups.get(key)!.rows.push({ id, row });
    }
    for (const { columns, rows } of groups.values()) {
      if (columns.length === 0) continue;
      const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_VALUES / (columns.length + 1))));
      for (const part of chunks(rows, size)) await updateStatement(trx, meta.tableName, columns, part);
    }
  };

  /** A table's columns (read once), for copying rows as they are. */
  const tableColumns = new Map<string, string[]>();
  const columnsOf = async (trx: Knex.Transaction, table: string) => {
    if (!tableColumns.has(table)) {
      const query = strapi.db.connection(table).transacting(trx);
      const info = (await (schemaName ? query.withSchema(schemaName) : query).columnInfo()) as Record<string, unknown>;
      tableColumns.set(table, Object.keys(info));
    }
    return tableColumns.get(table)!;
  };

  /**
   * The columns a copy takes from its source (every one but id and those `set` gives), and `set` as columns with
   * their bound placeholders (cast on PostgreSQL, which cannot type a bare placeholder outside a VALUES list).
   */
  const copyPlan = async (trx: Knex.Transaction, uid: string, set: Record<string, unknown>) => {
    const meta = metaOf(uid);
    // Without Strapi's field classes, the values are bound as they are (knex converts dates and booleans).
    const given = internals
      ? toColumns(meta, internals, set, false)
      : Object.fromEntries(Object.entries(set).map(([name, v]) => [meta.attributes[name]?.columnName ?? name, v]));
    const columns = (await columnsOf(trx, meta.tableName)).filter((c) => c !== 'id' && !(c in given));
    const types = client === 'postgres' ? await postgresTypes(trx, meta.tableName) : null;
    const cell = (column: string) => (types?.has(column) ? `?::${types.get(column)}` : '?');
    const setColumns = Object.keys(given);
    return {
      table: meta.tableName,
      columns,
      setColumns,
      setCells: setColumns.map(cell),
      setValues: setColumns.map((c) => given[c]),
      idCell: cell('id'),
    };
  };

  /**
   * Copies rows onto other rows of the same model's table: every column but id, as stored (no conversion), then the
   * attribute values `set` gives. One statement per MAX_ROWS pairs.
   */
  const copyRows = async (
    trx: Knex.Transaction,
    uid: string,
    pairs: Array<{ from: number; to: number }>,
    set: Record<string, unknown>
  ) => {
    if (pairs.length === 0) return;
    const plan = await copyPlan(trx, uid, set);
    const t = quote(qualified(plan.table));
    const assignments = (target: string) => [
      ...plan.columns.map((c) => `${target}${quote(c)} = d.${quote(c)}`),
      ...plan.setColumns.map((c, i) => `${target}${quote(c)} = ${plan.setCells[i]}`),
    ];
    for (const part of chunks(pairs, MAX_ROWS)) {
      const mapping = part.flatMap(({ from, to }) => [to, from]);
      if (client === 'mysql') {
        const map = ['SELECT ? AS pid, ? AS did', ...part.slice(1).map(() => 'SELECT ?, ?')].join(' UNION ALL ');
        await raw(
          trx,
          `UPDATE ${t} AS p JOIN (${map}) AS m ON p.id = m.pid JOIN ${t} AS d ON d.id = m.did SET ${assignments(
            'p.'
          ).join(', ')}`,
          [...mapping, ...plan.setValues]
        );
      } else {
        const tuple = `(${plan.idCell}, ${plan.idCell})`;
        await raw(
          trx,
          `WITH m(pid, did) AS (VALUES ${part.map(() => tuple).join(', ')}) UPDATE ${t} AS p SET ${assignments('').join(
            ', '
          )} FROM m, ${t} AS d WHERE p.id = m.pid AND d.id = m.did`,
          [...mapping, ...plan.setValues]
        );
      }
    }
  };

  /**
   * New rows copied from rows of the same model's table (every column but id, as stored), with the attribute values
   * `set` gives. The caller finds the new rows by what they hold (their ids are not returned).
   */
  const cloneRows = async (trx: Knex.Transaction, uid: string, from: number[], set: Record<string, unknown>) => {
    if (from.length === 0) return;
    const plan = await copyPlan(trx, uid, set);
    const t = quote(qualified(plan.table));
    const names = [...plan.columns, ...plan.setColumns].map(quote).join(', ');
    const sources = [...plan.columns.map(quote), ...plan.setCells].join(', ');
    for (const part of chunks(from, IN_LIST)) {
      await raw(
        trx,
        `INSERT INTO ${t} (${names}) SELECT ${sources} FROM ${t} WHERE id IN (${part
          .map(() => '?')
          .join(', ')}) ORDER BY id`,
        [...plan.setValues, ...part]
      );
    }
  };

  return { createMany, insertLinks, updateMany, copyRows, cloneRows };
};

export type RowWriter = ReturnType<typeof createRowWriter>;
