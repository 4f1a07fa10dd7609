import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { modelMeta } from '../../schema/model-metadata';
import type { ColumnConverter } from './columns';
import { chunks } from './in-lists';
import { MAX_ROWS, MAX_VALUES, type Statements } from './statements';

/**
 * Rows updated many at a time, each with its own values: UPDATE statements that join the table to a list of values
 * (`WITH v AS (VALUES ...) UPDATE ... FROM v` on SQLite and PostgreSQL, `UPDATE ... JOIN (SELECT ... UNION ALL ...)`
 * on MySQL/MariaDB). Without Strapi's field classes (`toColumns` null), or on SQLite older than 3.33 (no
 * `UPDATE ... FROM`), one `strapi.db.query(uid).updateMany` per row, which stores the same, more slowly.
 */

export interface RowUpdate {
  id: number;
  /** Attribute names → values, as for `strapi.db.query(uid).update({ data })` (scalar attributes only). */
  values: Record<string, unknown>;
}

export const createRowUpdater = (strapi: Core.Strapi, statements: Statements, toColumns: ColumnConverter | null) => {
  const { client, quote } = statements;

  let updateFrom: boolean | null = null;
  const canUpdateFrom = async (trx: Knex.Transaction) => {
    if (updateFrom === null) {
      if (client !== 'sqlite') updateFrom = true;
      else {
        const [row] = (await statements.raw(trx, 'SELECT sqlite_version() AS version', [])) as Array<{ version: string }>;
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
    const t = statements.table(table);
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
      const types = client === 'postgres' ? await statements.postgresTypes(trx, table) : null;
      const cell = (column: string) => (types?.has(column) ? `?::${types.get(column)}` : '?');
      const tuple = `(${['id', ...columns].map(cell).join(', ')})`;
      const names = ['id', ...columns].map(quote).join(', ');
      const sets = columns.map((c) => `${quote(c)} = v.${quote(c)}`).join(', ');
      sql = `WITH v(${names}) AS (VALUES ${rows
        .map(() => tuple)
        .join(', ')}) UPDATE ${t} SET ${sets} FROM v WHERE ${t}.id = v.id`;
    }
    await statements.raw(trx, sql, bindings);
  };

  /** Updates rows of a model, each with its own values; rows setting the same attributes share statements. */
  const updateMany = async (trx: Knex.Transaction, uid: string, updates: RowUpdate[]) => {
    if (updates.length === 0) return;
    if (!toColumns || !(await canUpdateFrom(trx))) {
      const query = strapi.db.query(uid as never);
      for (const { id, values } of updates) await query.updateMany({ where: { id }, data: values });
      return;
    }
    const meta = modelMeta(strapi, uid);
    const groups = new Map<string, { columns: string[]; rows: Array<{ id: number; row: Record<string, unknown> }> }>();
    for (const { id, values } of updates) {
      const row = toColumns(meta, values, false);
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

  return { updateMany };
};
