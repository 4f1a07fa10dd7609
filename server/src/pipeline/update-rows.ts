import { createRequire } from 'node:module';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/**
 * Many rows of one table updated with a few statements instead of one each: rows that set the same columns share
 * one statement joining the table to a list of values (`UPDATE ... FROM (VALUES ...)` on SQLite and PostgreSQL,
 * `UPDATE ... JOIN (SELECT ... UNION ALL ...)` on MySQL/MariaDB). Values are converted as Strapi's query layer
 * converts them (its own field classes: JSON serialised, dates parsed, booleans...), so the stored values are the
 * ones `strapi.db.query(uid).update()` stores.
 *
 * Strapi does not export its field classes; they are loaded from the app's `@strapi/database`. When they cannot be
 * (another layout), or the SQLite library is older than 3.33 (no `UPDATE ... FROM`), rows are updated one by one
 * through `strapi.db.query(uid).updateMany`, which is slower and stores the same.
 */

interface Field {
  toDB(value: unknown): unknown;
  validate?: (value: unknown) => void;
}

interface ScalarMeta {
  type: string;
  columnName?: string;
}

export interface RowUpdate {
  id: number;
  /** Attribute names → values, as for `strapi.db.query(uid).update({ data })` (scalar attributes only). */
  values: Record<string, unknown>;
}

/** Values per statement: well under SQLite's 32,766 bound values, PostgreSQL's and MySQL's 65,535. */
const MAX_VALUES = 10_000;
const MAX_ROWS = 500;

const loadCreateField = (strapi: Core.Strapi): ((attribute: ScalarMeta) => Field) | null => {
  try {
    const load = createRequire(path.join(strapi.dirs.app.root, 'package.json'));
    const fields = load('@strapi/database/dist/fields/index.js') as { createField?: (attribute: ScalarMeta) => Field };
    return typeof fields.createField === 'function' ? fields.createField : null;
  } catch {
    return null;
  }
};

export const createRowUpdater = (strapi: Core.Strapi, uid: string) => {
  const metadata = strapi.db.metadata.get(uid as never) as unknown as {
    tableName: string;
    attributes: Record<string, ScalarMeta>;
  };
  const client = strapi.db.dialect.client;
  const createField = loadCreateField(strapi);
  const schemaName = strapi.db.getSchemaName();
  const table = schemaName ? `${schemaName}.${metadata.tableName}` : metadata.tableName;

  /** PostgreSQL needs the type of every value in a VALUES list: the columns' types, read once. */
  let columnTypes: Map<string, string> | null = null;
  const postgresTypes = async (trx: Knex.Transaction) => {
    if (!columnTypes) {
      const { rows } = (await strapi.db.connection
        .raw(
          'SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ?',
          [schemaName ?? null, metadata.tableName]
        )
        .transacting(trx)) as unknown as { rows: Array<{ column_name: string; udt_name: string }> };
      columnTypes = new Map(rows.map((row) => [row.column_name, row.udt_name]));
    }
    return columnTypes;
  };

  let fromSupported: boolean | null = null;
  const canUpdateFrom = async (trx: Knex.Transaction) => {
    if (fromSupported === null) {
      if (!createField) fromSupported = false;
      else if (client !== 'sqlite') fromSupported = true;
      else {
        const [row] = (await strapi.db.connection
          .raw('SELECT sqlite_version() AS version')
          .transacting(trx)) as unknown as Array<{ version: string }>;
        const [major, minor] = String(row?.version ?? '0.0')
          .split('.')
          .map(Number);
        fromSupported = major > 3 || (major === 3 && minor >= 33);
      }
    }
    return fromSupported;
  };

  /** Attribute values → column values, as Strapi's query layer writes them (its `processData`). */
  const toColumns = (values: Record<string, unknown>, field: (attribute: ScalarMeta) => Field) => {
    const columns: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const attribute = metadata.attributes[name];
      if (!attribute || value === undefined) continue;
      const converter = field(attribute);
      if (value !== null && typeof converter.validate === 'function') converter.validate(value);
      columns[attribute.columnName ?? name] = value === null ? null : converter.toDB(value);
    }
    return columns;
  };

  /** A quoted identifier (table or column), as knex quotes it for this dialect. */
  const quote = (name: string) => strapi.db.connection.raw('??', [name]).toString();

  const statement = async (
    trx: Knex.Transaction,
    columns: string[],
    rows: Array<{ id: number; columns: Record<string, unknown> }>
  ) => {
    const bindings = rows.flatMap((row) => [row.id, ...columns.map((c) => row.columns[c])]);
    const t = quote(table);
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
      const types = client === 'postgres' ? await postgresTypes(trx) : null;
      const cell = (column: string) => (types?.has(column) ? `?::${types.get(column)}` : '?');
      const tuple = `(${['id', ...columns].map(cell).join(', ')})`;
      const names = ['id', ...columns].map(quote).join(', ');
      sql = `WITH v(${names}) AS (VALUES ${rows.map(() => tuple).join(', ')}) UPDATE ${t} SET ${columns
        .map((c) => `${quote(c)} = v.${quote(c)}`)
        .join(', ')} FROM v WHERE ${t}.id = v.id`;
    }
    await strapi.db.connection.raw(sql, bindings as Knex.RawBinding[]).transacting(trx);
  };

  /** Updates the rows (each with its own values); rows setting the same attributes share statements. */
  const update = async (trx: Knex.Transaction, updates: RowUpdate[]) => {
    if (updates.length === 0) return;
    if (!createField || !(await canUpdateFrom(trx))) {
      const query = strapi.db.query(uid as never);
      for (const { id, values } of updates) await query.updateMany({ where: { id }, data: values });
      return;
    }
    const groups = new Map<
      string,
      { columns: string[]; rows: Array<{ id: number; columns: Record<string, unknown> }> }
    >();
    for (const { id, values } of updates) {
      const columns = toColumns(values, createField);
      const names = Object.keys(columns).sort();
      const key = names.join(',');
      if (!groups.has(key)) groups.set(key, { columns: names, rows: [] });
      groups.get(key)!.rows.push({ id, columns });
    }
    for (const { columns, rows } of groups.values()) {
      if (columns.length === 0) continue;
      const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_VALUES / (columns.length + 1))));
      for (let i = 0; i < rows.length; i += size) await statement(trx, columns, rows.slice(i, i + size));
    }
  };

  return { update };
};
