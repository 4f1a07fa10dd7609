import { errors } from '@strapi/utils';
import type { ExportOptions, ImportOptions, MigrationSource } from '../../../shared/contracts';
import { fieldError, parseImportOptions } from './import-options';
import { parseExportOptions } from './export-options';

/**
 * POST /migration-tasks (issue 20, "migrate in place"): `source` says which entries are read (a content type, with
 * filters, fields, locale and status, as an export takes them); the rest are the import options of the target,
 * without those that describe a file (format, encoding, CSV delimiter...): a migration reads no file.
 */

/** The import options a migration does not take: they describe a file. */
export const FILE_OPTIONS = ['format', 'encoding', 'invalidUtf8', 'csvDelimiter', 'decimalComma', 'secrets'] as const;
const SOURCE_KEYS = ['contentType', 'fields', 'filters', 'locale', 'status'] as const;

/** A ValidationError of the export options, its paths under `source.` (the request's own words). */
export const underSource = (error: unknown): unknown => {
  if (!(error instanceof errors.ValidationError)) return error;
  const details = (error.details ?? {}) as { errors?: Array<{ path: string[]; message: string; name: string }> };
  const list = details.errors ?? [];
  const prefixed = list.map((entry) => ({ ...entry, path: ['source', ...entry.path] }));
  const message = list.length === 1 ? `source.${list[0].path.join('.')}: ${list[0].message}` : error.message;
  return new errors.ValidationError(message, { errors: prefixed });
};

export interface ParsedMigration {
  source: MigrationSource;
  /** The import options of the target, as sent. */
  options: ImportOptions;
}

export const parseMigrationOptions = async (body: unknown): Promise<ParsedMigration> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw fieldError('options', 'the body must be a JSON object: { "source": { "contentType": ... }, ...import options }');
  }
  const { source, ...rest } = body as Record<string, unknown>;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw fieldError('source', 'source is required: { "contentType": "api::…", "filters"?: {…}, "fields"?: […], "locale"?: "…", "status"?: "draft" | "published" }');
  }
  const unknownKey = Object.keys(source).find((key) => !(SOURCE_KEYS as readonly string[]).includes(key));
  if (unknownKey) throw fieldError(`source.${unknownKey}`, `source.${unknownKey} is not a source option (use ${SOURCE_KEYS.join(', ')})`);
  const fileOption = FILE_OPTIONS.find((key) => rest[key] !== undefined);
  if (fileOption) throw fieldError(fileOption, `${fileOption} describes a file: a migration reads the entries of source.contentType`);

  let parsedSource: ExportOptions;
  try {
    parsedSource = await parseExportOptions(source);
  } catch (error) {
    throw underSource(error);
  }
  if (!parsedSource.contentType) throw fieldError('source.contentType', 'source.contentType is required: the content type whose entries are migrated');
  return {
    source: Object.fromEntries(SOURCE_KEYS.filter((key) => parsedSource[key] !== undefined).map((key) => [key, parsedSource[key]])) as unknown as MigrationSource,
    options: await parseImportOptions(rest),
  };
};
