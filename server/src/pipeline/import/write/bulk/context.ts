import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { SYSTEM_ATTRIBUTES, modelSchema } from '../../../../schema/model-schema';
import { findModelMeta } from '../../../../schema/model-metadata';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { createRowWriter } from '../../../sql/rows';
import { compileRules } from '../rules';
import { COMPONENT_TYPE_COLUMN, planBulkWrites, type ComponentPlan } from './plan';
import { append } from './types';

/**
 * What the bulk writer's jobs (insert.ts, update.ts, publish.ts, relations.ts, components.ts, media.ts) share for one
 * task: the type's plan (plan.ts), the importing user, the row writer and Strapi's rules compiled, the queries
 * every job runs (bounded IN lists), and the relation orders counted so far (`lastOrders`: per relation, target id
 * → the last target-side order this task wrote or read; forgotten when others write links).
 */
export const createBulkContext = (strapi: Core.Strapi, uid: string, userId: number | null) => {
  const creator: Record<string, number> = userId === null ? {} : { createdBy: userId, updatedBy: userId };
  const schemaOf = (target: string) => modelSchema(strapi, target);
  /** i18n copies the non-localized attributes of an updated entry to its other locales: the Document Service's job. */
  const i18n = strapi.plugin('i18n')?.service('content-types') as
    | { getNonLocalizedAttributes(model: unknown): string[] }
    | undefined;
  const model = schemaOf(uid);
  const plan = planBulkWrites({
    uid,
    schemaOf,
    metaOf: (target) => findModelMeta(strapi, target),
    nonLocalizedAttributes: model?.pluginOptions?.i18n?.localized ? i18n?.getNonLocalizedAttributes(model) ?? [] : [],
  });
  const { schema, plans } = plan;

  const rows = createRowWriter(strapi);

  const knexOf = (trx: Knex.Transaction) => (table: string) => strapi.db.connection(table).transacting(trx);

  /** The rows of `table` whose `column` is one of `values`, read in bounded IN lists; `narrow` selects and filters. */
  const selectIn = async (
    trx: Knex.Transaction,
    table: string,
    column: string,
    values: unknown[],
    narrow: (query: Knex.QueryBuilder) => Knex.QueryBuilder
  ) => {
    const found: Array<Record<string, unknown>> = [];
    for (const part of chunks([...new Set(values)], IN_LIST))
      found.push(...((await narrow(knexOf(trx)(table).whereIn(column, part as Knex.Value[]))) as typeof found));
    return found;
  };

  /** The published rows of these documents in a table: `${documentId}|${locale}` (locale if localized) → id. */
  const publishedIdsOf = async (
    trx: Knex.Transaction,
    table: string,
    byLocale: boolean,
    documentIds: unknown[]
  ): Promise<Map<string, number>> => {
    const columns = ['id', 'document_id', ...(byLocale ? ['locale'] : [])];
    const found = await selectIn(trx, table, 'document_id', documentIds, (q) =>
      q.select(columns).whereNotNull('published_at')
    );
    return new Map(found.map((row) => [`${row.document_id}|${byLocale ? row.locale : ''}`, Number(row.id)]));
  };

  /** The `_cmps` links of a component field for these owners, with `columns`; and their component ids by type. */
  const componentLinks = async (trx: Knex.Transaction, plan: ComponentPlan, owners: number[], columns: string[]) => {
    const links = await selectIn(trx, plan.table, plan.joinColumn, owners, (q) =>
      q.select(columns).where('field', plan.field)
    );
    const idsByType = new Map<string, number[]>();
    for (const link of links) append(idsByType, String(link[COMPONENT_TYPE_COLUMN]), Number(link[plan.idColumn]));
    return { links, idsByType };
  };

  /** Per relation: target id → the last target-side order this task wrote or read. */
  const lastOrders = new Map<string, Map<number, number>>();
  /** Others wrote links (the Document Service, or a write rolled back): read the last orders again. */
  const forgetOrders = () => lastOrders.clear();

  /** The app's default locale (a non-localized type links a localized target's entry in it), read once. */
  let defaultLocaleRead: Promise<string | null> | null = null;
  const appDefaultLocale = () => {
    const locales = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale(): Promise<string> } | undefined;
    defaultLocaleRead ??= locales ? locales.getDefaultLocale() : Promise.resolve(null);
    return defaultLocaleRead;
  };

  const rules = compileRules(schema, schemaOf);

  /** The columns of the non-localized scalars an update copies to the document's other locales (`syncedScalars`). */
  const syncedColumns = plan.syncedScalars.map((name) => plan.metadata.attributes[name]?.columnName ?? name);
  /** A row's synced values as one comparable string (the values as the database returns them). */
  const syncedKey = (row: Record<string, unknown>) =>
    syncedColumns
      .map((column) => {
        const value = row[column];
        if (value instanceof Date) return `d${value.getTime()}`;
        if (typeof value === 'bigint') return `n${value}`;
        return JSON.stringify(value) ?? 'u';
      })
      .join('\u0000');
  /** Row id → its synced values (`syncedKey`), for these rows. */
  const syncedKeysOf = async (trx: Knex.Transaction, ids: number[]): Promise<Map<number, string>> => {
    const found = await selectIn(trx, plan.metadata.tableName, 'id', ids, (q) => q.select(['id', ...syncedColumns]));
    return new Map(found.map((row) => [Number(row.id), syncedKey(row)]));
  };
  /**
   * The documents whose rows (every locale) do not all hold the same non-localized values. i18n syncs an update when
   * the updated row's values differ from those of whichever row of the document the database returns first: the
   * bulk path can tell only when every row holds the same values, so such documents go through the Document Service.
   */
  const unsyncedOf = async (trx: Knex.Transaction, documentIds: string[]): Promise<Set<string>> => {
    const unsynced = new Set<string>();
    if (syncedColumns.length === 0 || documentIds.length === 0) return unsynced;
    const found = await selectIn(trx, plan.metadata.tableName, 'document_id', documentIds, (q) =>
      q.select(['document_id', ...syncedColumns])
    );
    const first = new Map<string, string>();
    for (const row of found) {
      const documentId = String(row.document_id);
      const key = syncedKey(row);
      const seen = first.get(documentId);
      if (seen === undefined) first.set(documentId, key);
      else if (seen !== key) unsynced.add(documentId);
    }
    return unsynced;
  };

  /**
   * The Document Service publishes a document by validating its draft as read back from the database: every
   * scalar attribute the file left out is there, as its default or null. The bulk path validates the same shape.
   */
  const readBackDefaults: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (plans.get(name)?.kind === 'scalar' && !SYSTEM_ATTRIBUTES.has(name))
      readBackDefaults[name] = attribute.default ?? null;
  }
  const asReadBack = (values: Record<string, unknown>) => ({ ...readBackDefaults, ...values });

  return {
    ...plan,
    strapi,
    uid,
    userId,
    creator,
    schemaOf,
    rows,
    rules,
    knexOf,
    selectIn,
    publishedIdsOf,
    componentLinks,
    lastOrders,
    forgetOrders,
    appDefaultLocale,
    asReadBack,
    syncedKeysOf,
    unsyncedOf,
  };
};

export type BulkContext = ReturnType<typeof createBulkContext>;
