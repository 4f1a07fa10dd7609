import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { modelMeta } from '../../schema/model-metadata';
import type { ColumnConverter } from './columns';
import { chunks, recurringChunks } from './in-lists';
import { MAX_ROWS, MAX_VALUES, type Statements } from './statements';

/**
 * New rows, many at a time: multi-row INSERT statements with bound values, returning the new ids in the rows' order.
 * Without Strapi's field classes (`toColumns` null), through `strapi.db.query(uid).createMany`, which stores the same.
 */

export const createRowInserter = (strapi: Core.Strapi, statements: Statements, toColumns: ColumnConverter | null) => {
  const { client, quote } = statements;

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
    const head = `INSERT INTO ${statements.table(table)} (${columns.map(quote).join(', ')}) VALUES `;
    const returning = returnIds && client !== 'mysql' ? ' RETURNING id' : '';
    const full = `(${columns.map(() => '?').join(', ')})`;
    // A cell is a row's own value: only a column named as an Object.prototype member needs the slower check.
    const inherited = new Set(columns.filter((column) => column in Object.prototype));
    const has = (row: Record<string, unknown>, column: string) =>
      row[column] !== undefined && (!inherited.has(column) || Object.prototype.hasOwnProperty.call(row, column));
    // SQLite statements are prepared and cached (statements.ts): parts of recurring sizes prepare once.
    for (const part of client === 'sqlite' ? recurringChunks(rows, size) : chunks(rows, size)) {
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
      const result = await statements.raw(trx, sql, bindings);
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
      const [rows] = (await statements.raw(
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
    if (!toColumns) {
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
    const meta = modelMeta(strapi, uid);
    const rows = data.map((values) => toColumns(meta, values, true));
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

  return { createMany, insertLinks };
};
