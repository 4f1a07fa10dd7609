import { parse } from 'qs';
import { ENTRY_STATUSES, PLUGIN_ID, type EntryStatus } from '../../../shared/contracts';

/**
 * The links from the Content Manager's list view to the center's forms, and their reading on the other side:
 *   /plugins/data-migration-center/export?contentType=<uid>&filters=<JSON>&sort=<a:ASC,b:DESC>&locale=<code>&status=<s>
 *   /plugins/data-migration-center/import?contentType=<uid>
 * Pure functions: the list view's controls build the links, the export and import pages read them.
 */

export const EXPORT_PATH = `/plugins/${PLUGIN_ID}/export`;
export const IMPORT_PATH = `/plugins/${PLUGIN_ID}/import`;

/** What an export link carries: the form's starting values. */
export interface ExportLink {
  contentType: string;
  /** Strapi filters; left out when empty. */
  filters?: Record<string, unknown>;
  /** `attribute:ASC` entries, in order. */
  sort?: string[];
  /** A locale code. */
  locale?: string;
  status?: EntryStatus;
}

/**
 * A sort entry the export accepts: a scalar attribute, optionally `:asc` or `:desc` in any case (the list view
 * writes `title:ASC`). The list also sorts by a relation's main field (`author[name]:ASC`), which an export
 * cannot: such an entry is left out.
 */
const SORT_ENTRY = /^[A-Za-z_]\w*(:(asc|desc))?$/i;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const exportUrl = ({ contentType, filters, sort, locale, status }: ExportLink): string => {
  const params = new URLSearchParams({ contentType });
  if (filters && Object.keys(filters).length > 0) params.set('filters', JSON.stringify(filters));
  if (sort && sort.length > 0) params.set('sort', sort.join(','));
  if (locale) params.set('locale', locale);
  if (status) params.set('status', status);
  return `${EXPORT_PATH}?${params.toString()}`;
};

export const importUrl = (contentType: string): string =>
  `${IMPORT_PATH}?${new URLSearchParams({ contentType }).toString()}`;

/* ------------------------------------------------------------------------------------------------------------
 * The list view's query string
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * The list view's state, from its query string (`?page=1&pageSize=10&sort=title:ASC&filters[$and][0][title][$contains]=x
 * &plugins[i18n][locale]=en`), parsed with qs as the admin's own `useQueryParams` does.
 *
 * - `page` and `pageSize` are left out: an export of the current filters takes every matching entry, not one page.
 * - The list's status filter (`filters[$and][i][__status][$eq]`) is not a filter on the entries (the Content
 *   Manager's server turns it into query options): it is taken out of the filters; `published` becomes the export's
 *   `status: published`; the others (never published, modified) have no export equivalent and are dropped.
 * - Sort entries an export cannot use (by a relation's field) are dropped.
 * - The search box (`_q`) is not carried: the export has no full-text search.
 */
export const readListQuery = (search: string): Omit<ExportLink, 'contentType'> => {
  const query = parse(search, { ignoreQueryPrefix: true }) as Record<string, unknown>;
  const result: Omit<ExportLink, 'contentType'> = {};

  if (isPlainObject(query.filters)) {
    const { filters, status } = withoutStatusFilter(query.filters);
    if (Object.keys(filters).length > 0) result.filters = filters;
    if (status) result.status = status;
  }

  const sort = (Array.isArray(query.sort) ? query.sort : [query.sort])
    .filter((entry): entry is string => typeof entry === 'string')
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => SORT_ENTRY.test(entry));
  if (sort.length > 0) result.sort = sort;

  const plugins = query.plugins;
  const i18n = isPlainObject(plugins) ? plugins.i18n : undefined;
  const locale = isPlainObject(i18n) ? i18n.locale : undefined;
  if (typeof locale === 'string' && locale !== '') result.locale = locale;

  return result;
};

const withoutStatusFilter = (
  filters: Record<string, unknown>
): { filters: Record<string, unknown>; status?: EntryStatus } => {
  if (!Array.isArray(filters.$and)) return { filters };
  let status: EntryStatus | undefined;
  const kept = filters.$and.filter((condition) => {
    if (!isPlainObject(condition) || !('__status' in condition)) return true;
    const wanted = isPlainObject(condition.__status) ? condition.__status.$eq : undefined;
    if (wanted === 'published') status = 'published';
    return false;
  });
  const { $and: _and, ...rest } = filters;
  return { filters: kept.length > 0 ? { ...rest, $and: kept } : rest, status };
};

/* ------------------------------------------------------------------------------------------------------------
 * The three exports of the list view
 * ---------------------------------------------------------------------------------------------------------- */

/** Every entry of the type, in the locale the list shows. */
export const exportAllUrl = (contentType: string, search: string): string =>
  exportUrl({ contentType, locale: readListQuery(search).locale });

/** The entries the list shows, on every page: its filters, sort and locale. */
export const exportCurrentUrl = (contentType: string, search: string): string =>
  exportUrl({ contentType, ...readListQuery(search) });

/** The selected entries (by documentId), in the list's locale and order. */
export const exportSelectedUrl = (contentType: string, documentIds: readonly string[], search: string): string => {
  const { locale, sort } = readListQuery(search);
  return exportUrl({ contentType, filters: { documentId: { $in: [...documentIds] } }, sort, locale });
};

/* ------------------------------------------------------------------------------------------------------------
 * The export page's reading
 * ---------------------------------------------------------------------------------------------------------- */

/** The export form's starting values from its query string (each one only when given). */
export interface ExportPrefill {
  contentType?: string;
  /** The filters as the form's JSON text (pretty-printed when they parse; else as given, the form says why). */
  filters?: string;
  /** The sort as the form's text: `title:ASC, views:DESC`. */
  sort?: string;
  locale?: string;
  status?: EntryStatus;
}

export const readExportPrefill = (params: URLSearchParams): ExportPrefill => {
  const prefill: ExportPrefill = {};
  const contentType = params.get('contentType');
  if (contentType) prefill.contentType = contentType;
  const filters = params.get('filters');
  if (filters) {
    try {
      prefill.filters = JSON.stringify(JSON.parse(filters), null, 2);
    } catch {
      prefill.filters = filters;
    }
  }
  const sort = params
    .getAll('sort')
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (sort.length > 0) prefill.sort = sort.join(', ');
  const locale = params.get('locale');
  if (locale) prefill.locale = locale;
  const status = ENTRY_STATUSES.find((candidate) => candidate === params.get('status'));
  if (status) prefill.status = status;
  return prefill;
};

/* ------------------------------------------------------------------------------------------------------------
 * The export form's sort text
 * ---------------------------------------------------------------------------------------------------------- */

/** The sort text as the export option: `undefined` when empty, a string for one entry, else a list. */
export const parseSort = (text: string): { value: string | string[] | undefined; invalid: string[] } => {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !SORT_ENTRY.test(entry));
  return { value: entries.length === 0 ? undefined : entries.length === 1 ? entries[0] : entries, invalid };
};

/** A saved option's sort (a template's) as the form's text. */
export const sortText = (sort: unknown): string =>
  (Array.isArray(sort) ? sort : [sort]).filter((entry): entry is string => typeof entry === 'string').join(', ');
