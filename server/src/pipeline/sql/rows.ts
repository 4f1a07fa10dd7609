import type { Core } from '@strapi/strapi';
import { createColumnConverter } from './columns';
import { createRowCopier } from './copy';
import { createRowInserter } from './insert';
import { createStatements } from './statements';
import { createRowUpdater } from './update';

export type { RowUpdate } from './update';

/**
 * Rows written many at a time, as SQL text with bound values, for the bulk writer (pipeline/import/write/bulk):
 *   statements.ts  quoted identifiers and the statement runner (prepared statements on SQLite)
 *   columns.ts     attribute values → columns, as Strapi's query layer converts them (its own field classes)
 *   insert.ts      multi-row INSERT, new ids in order
 *   update.ts      UPDATE joined to a list of values, each row its own
 *   copy.ts        rows copied within a table as stored (a draft becomes its published version)
 * What is stored is what `strapi.db.query(uid).createMany()` and `.update()` store; a test compares the rows with
 * the Document Service's (test/api/write-paths.test.ts).
 */

export const createRowWriter = (strapi: Core.Strapi) => {
  const statements = createStatements(strapi);
  const toColumns = createColumnConverter(strapi);
  return {
    ...createRowInserter(strapi, statements, toColumns),
    ...createRowUpdater(strapi, statements, toColumns),
    ...createRowCopier(strapi, statements, toColumns),
  };
};

export type RowWriter = ReturnType<typeof createRowWriter>;
