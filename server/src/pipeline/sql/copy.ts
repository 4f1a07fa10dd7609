import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { modelMeta } from '../../schema/model-metadata';
import type { ColumnConverter } from './columns';
import { IN_LIST, chunks } from './in-lists';
import { MAX_ROWS, type Statements } from './statements';

/**
 * Rows copied within a table as they are stored (`copyRows` onto existing rows, `cloneRows` into new ones), with no
 * conversion but the attribute values `set` gives: a draft's row becomes its published version's, as the Document
 * Service's publish copies it.
 */

export const createRowCopier = (strapi: Core.Strapi, statements: Statements, toColumns: ColumnConverter | null) => {
  const { client, quote, schemaName } = statements;

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
    const meta = modelMeta(strapi, uid);
    // Without Strapi's field classes, the values are bound as they are (knex converts dates and booleans).
    const given = toColumns
      ? toColumns(meta, set, false)
      : Object.fromEntries(Object.entries(set).map(([name, v]) => [meta.attributes[name]?.columnName ?? name, v]));
    const columns = (await columnsOf(trx, meta.tableName)).filter((c) => c !== 'id' && !(c in given));
    const types = client === 'postgres' ? await statements.postgresTypes(trx, meta.tableName) : null;
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
    const t = statements.table(plan.table);
    const assignments = (target: string) => [
      ...plan.columns.map((c) => `${target}${quote(c)} = d.${quote(c)}`),
      ...plan.setColumns.map((c, i) => `${target}${quote(c)} = ${plan.setCells[i]}`),
    ];
    for (const part of chunks(pairs, MAX_ROWS)) {
      const mapping = part.flatMap(({ from, to }) => [to, from]);
      if (client === 'mysql') {
        const map = ['SELECT ? AS pid, ? AS did', ...part.slice(1).map(() => 'SELECT ?, ?')].join(' UNION ALL ');
        await statements.raw(
          trx,
          `UPDATE ${t} AS p JOIN (${map}) AS m ON p.id = m.pid JOIN ${t} AS d ON d.id = m.did SET ${assignments(
            'p.'
          ).join(', ')}`,
          [...mapping, ...plan.setValues]
        );
      } else {
        const tuple = `(${plan.idCell}, ${plan.idCell})`;
        await statements.raw(
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
    const t = statements.table(plan.table);
    const names = [...plan.columns, ...plan.setColumns].map(quote).join(', ');
    const sources = [...plan.columns.map(quote), ...plan.setCells].join(', ');
    for (const part of chunks(from, IN_LIST)) {
      await statements.raw(
        trx,
        `INSERT INTO ${t} (${names}) SELECT ${sources} FROM ${t} WHERE id IN (${part
          .map(() => '?')
          .join(', ')}) ORDER BY id`,
        [...plan.setValues, ...part]
      );
    }
  };

  return { copyRows, cloneRows };
};
