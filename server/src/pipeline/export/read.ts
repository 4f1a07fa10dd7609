import type { Core } from '@strapi/strapi';
import type { EntryStatus } from '../../../../shared/contracts';
import type { AttributeSchema } from '../../schema/model-schema';
import { findModelMeta, modelMeta } from '../../schema/model-metadata';
import { planExport, populateFor, readsMedia, type Entry, type ExportShape, type ModelPlan, type ReadPath } from './plan';
import { populateRows, type LeanContext, type QueryBuilderLike } from './rows';

/**
 * The export's read path: pages of entries (one page in memory), each entry shaped as the Document Service returns
 * it with the export's populate (relations as objects with `documentId` and the relationsAs key, media as
 * `{ id, url, hash }`, components as objects, dynamic zones as arrays with `__component`), so that the export's
 * value writers write the same file from either reader. Two readers:
 *
 * - **lean** (the default): per page, the main rows through `strapi.db.query(uid).findMany` with only the columns
 *   the file needs and the where the Document Service builds (its status and locale lookups, then the filters,
 *   status and sort through Strapi's own `query-params` transformation), so that Strapi's field types convert the
 *   values and the main rows' database lifecycles run as they do for the Document Service. Then ONE query per
 *   relation attribute (its link table joined to the target, in the link's order), ONE over the `_cmps` table for
 *   all the components and dynamic zones plus one per component table (recursively for nested components), ONE
 *   per media attribute (`files_related_mph` joined to `files`). Never a query per entry; IN lists of at most 500
 *   values. The rows, the order and the target versions are those of `@strapi/database`'s populate
 *   (query/helpers/populate/apply.js): the target's draft rows for a draft export of a draft & publish target,
 *   its published rows for a published one (types without draft & publish export as drafts, as the Document
 *   Service defaults to), whatever rows the link table names otherwise; a localized entry's links name its own
 *   locale's versions (Strapi adds no locale condition either). Ties in a link's order are broken by the link's id.
 * - **document service**: `strapi.documents(uid).findMany({ populate })` per page, for types with something the
 *   lean reader does not cover (morph relations, relations kept in a column, media signed by a private upload
 *   provider...), or for every type when the `leanExports` setting is false.
 *
 * Table and column names come from `strapi.db.metadata` (join tables: name, joinColumn, inverseJoinColumn,
 * orderBy, on, morphColumn), never from naming conventions.
 */

export interface ReadRequest {
  uid: string;
  /** The exported attributes, in schema order. */
  fields: Array<[string, AttributeSchema]>;
  localized: boolean;
  draftAndPublish: boolean;
  /** The export's status option (null: the Document Service's default, draft). */
  status: EntryStatus | null;
  /** A locale code, `all`, or null (the default locale). */
  locale: string | null;
  filters: Record<string, unknown> | null;
  sort: string[] | null;
  includeTimestamps: boolean;
  pageSize: number;
}

export interface PageReader {
  path: ReadPath;
  /** Why the Document Service reads this export, when it does. */
  reason: string | null;
  pages(signal: AbortSignal): AsyncGenerator<Entry[]>;
}

interface DocumentsReader {
  findMany(params: Record<string, unknown>): Promise<Entry[]>;
}

interface QueryParamsService {
  transform(
    uid: string,
    params: Record<string, unknown>
  ): { where?: Record<string, unknown>; filters?: unknown; orderBy?: unknown };
}

interface DbQuery {
  findMany(params: Record<string, unknown>): Promise<Entry[]>;
}

/**
 * The order of the pages: documentId, then the other columns of Strapi's `<table>_documents_idx` index (locale,
 * publishedAt: whichever the type has), so that the order Strapi's query builder ends with (`id`, appended to every
 * sort) is the index's own (a secondary index ends with the primary key). With `documentId, id` alone, MariaDB
 * sorted every row after the page's start for each page (measured: 15 ms a page of 500 at 20,000 contacts, 7 times
 * a raw select's, and growing with the table). Within one status, (documentId, locale) names one row: the order is
 * the same.
 */
const tiebreakOf = (strapi: Core.Strapi, request: ReadRequest) => {
  const attributes = findModelMeta(strapi, request.uid)?.attributes ?? {};
  return ['documentId', 'locale', 'publishedAt']
    .filter((name) => name === 'documentId' || name in attributes)
    .map((name) => `${name}:asc`);
};

/**
 * After the last entry of a page (keyset on documentId, then locale). `documentId >= last` first, so that the
 * database walks its documentId index from there (written as one `$or`, SQLite scanned the index from the start
 * on every page).
 */
export const after = (localized: boolean, last: Entry): Record<string, unknown> =>
  localized
    ? {
        $and: [
          { documentId: { $gte: last.documentId } },
          { $or: [{ documentId: { $gt: last.documentId } }, { locale: { $gt: last.locale } }] },
        ],
      }
    : { documentId: { $gt: last.documentId } };

/**
 * Pages of entries, keyset on (documentId, locale) by default, offsets when a custom sort is asked: `read` gets
 * the extra filter (after the last entry) or the offset, and returns a page.
 */
async function* paginate(
  request: ReadRequest,
  signal: AbortSignal,
  read: (page: { keyset: Record<string, unknown> | null; start: number }) => Promise<Entry[]>
): AsyncGenerator<Entry[]> {
  let last: Entry | null = null;
  for (let start = 0; ; start += request.pageSize) {
    signal.throwIfAborted();
    const page = await read({ keyset: !request.sort && last ? after(request.localized, last) : null, start });
    if (page.length === 0) return;
    yield page;
    last = page[page.length - 1];
    if (page.length < request.pageSize) return;
  }
}

/** Today's read: the Document Service with the export's populate, one page at a time. */
export const createDocumentServiceReader = (
  strapi: Core.Strapi,
  request: ReadRequest,
  shape: ExportShape,
  reason: string
): PageReader => {
  const documents = strapi.documents(request.uid as never) as unknown as DocumentsReader;
  const populate = populateFor(shape, request.fields);
  const base: Record<string, unknown> = {};
  if (request.localized) base.locale = request.locale === 'all' ? '*' : request.locale ?? undefined;
  if (request.draftAndPublish) base.status = request.status ?? 'draft';
  const tiebreak = tiebreakOf(strapi, request);
  return {
    path: 'document-service',
    reason,
    pages: (signal) =>
      paginate(request, signal, ({ keyset, start }) => {
        const filters = [request.filters, keyset].filter(Boolean);
        return documents.findMany({
          ...base,
          filters: filters.length ? { $and: filters } : undefined,
          sort: request.sort ? [...request.sort, ...tiebreak] : tiebreak,
          populate,
          ...(request.sort ? { start, limit: request.pageSize } : { limit: request.pageSize }),
        });
      }),
  };
};

/**
 * The lean reader: the main rows with the where the Document Service would build (its lookups for status and
 * locale, then `query-params`' transformation of the filters, status and sort, as `transformParamsToQuery` does),
 * then the plan's queries for the page.
 */
export const createLeanReader = async (
  strapi: Core.Strapi,
  request: ReadRequest,
  plan: ModelPlan
): Promise<PageReader> => {
  const status: EntryStatus = request.status ?? 'draft';
  const lookup: Record<string, unknown> = {};
  if (request.draftAndPublish) lookup.publishedAt = status === 'published' ? { $notNull: true } : { $null: true };
  if (request.localized && request.locale !== 'all') {
    lookup.locale = request.locale ?? ((await strapi.plugin('i18n').service('locales').getDefaultLocale()) as string);
  }
  const tiebreak = tiebreakOf(strapi, request);
  const query = (strapi.get('query-params') as QueryParamsService).transform(request.uid, {
    status,
    sort: request.sort ? [...request.sort, ...tiebreak] : tiebreak,
    ...(request.filters ? { filters: request.filters } : {}),
  });
  const where = { ...lookup, ...query.where };
  const select = [
    ...new Set([
      'id',
      'documentId',
      ...(request.localized ? ['locale'] : []),
      ...plan.scalars,
      ...(request.includeTimestamps
        ? ['createdAt', 'updatedAt', ...(request.draftAndPublish ? ['publishedAt'] : [])]
        : []),
    ]),
  ];
  const rows = strapi.db.query(request.uid as never) as unknown as DbQuery;
  const db = strapi.db as unknown as { entityManager: { createQueryBuilder(uid: string): QueryBuilderLike } };
  const context: LeanContext = {
    knex: (table) => strapi.db.getConnection(table),
    componentRows: (uid, columns, ids) =>
      db.entityManager
        .createQueryBuilder(uid)
        .init({ select: columns, where: { id: { $in: ids } } })
        .execute<Entry[]>(),
    status,
  };
  return {
    path: 'lean',
    reason: null,
    pages: async function* (signal) {
      const pages = paginate(request, signal, ({ keyset, start }) =>
        rows.findMany({
          select,
          where: keyset ? { $and: [where, keyset] } : where,
          filters: query.filters,
          orderBy: query.orderBy,
          limit: request.pageSize,
          ...(request.sort ? { offset: start } : {}),
        })
      );
      for await (const page of pages) {
        await populateRows(context, plan, page);
        yield page;
      }
    },
  };
};

/** The lean reader when it covers the type and `leanExports` is on; the Document Service otherwise. */
export const createPageReader = async (
  strapi: Core.Strapi,
  request: ReadRequest,
  shape: ExportShape,
  { lean }: { lean: boolean }
): Promise<PageReader> => {
  if (!lean) return createDocumentServiceReader(strapi, request, shape, 'leanExports is off');
  const planned = planExport(
    {
      metadataOf: (uid) =>
        strapi.db.metadata.has(uid as never)
          ? modelMeta(strapi, uid)
          : undefined,
      schemaOf: shape.schemaOf,
      keyFor: shape.keyFor,
    },
    request.uid,
    request.fields
  );
  if ('reason' in planned) return createDocumentServiceReader(strapi, request, shape, planned.reason);
  if (readsMedia(planned.plan)) {
    const provider = strapi.plugin('upload')?.provider as { isPrivate?: () => boolean | Promise<boolean> } | undefined;
    if (await provider?.isPrivate?.()) {
      return createDocumentServiceReader(
        strapi,
        request,
        shape,
        'the upload provider is private: the Document Service signs media urls'
      );
    }
  }
  return createLeanReader(strapi, request, planned.plan);
};
