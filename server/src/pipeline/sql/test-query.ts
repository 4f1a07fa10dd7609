import type { Core } from '@strapi/strapi';

/**
 * Unit-test fixture: an in-memory `strapi.db.query(uid).findMany` over rows per uid, for the `$in` and equality
 * conditions the import's stages use (the resolve stage, the second pass). Each query is recorded in `queries`.
 */

export type TestRow = Record<string, string | number | null>;

export interface TestQuery {
  uid: string;
  select: string[];
  where: Record<string, unknown>;
}

const matches = (row: TestRow, where: Record<string, unknown>) =>
  Object.entries(where).every(([column, condition]) =>
    condition !== null && typeof condition === 'object' && '$in' in condition
      ? (condition.$in as unknown[]).includes(row[column])
      : row[column] === condition
  );

export const testQueryStrapi = (tables: Record<string, TestRow[]>, queries: TestQuery[] = []): Core.Strapi => {
  const db = {
    query: (uid: string) => ({
      findMany: async ({ select, where }: { select: string[]; where: Record<string, unknown> }) => {
        queries.push({ uid, select, where });
        return (tables[uid] ?? [])
          .filter((row) => matches(row, where))
          .map((row) => Object.fromEntries(select.map((column) => [column, row[column]])));
      },
    }),
  };
  return { db } as unknown as Core.Strapi;
};
