import type { Core } from '@strapi/strapi';
import { validateYupSchema, yup } from '@strapi/utils';
import { CSV_DELIMITERS, ENTRY_STATUSES, FORMATS, type ContentTypeInfo, type ExportOptions } from '../../../shared/contracts';
import type { ResolvedExportOptions } from '../pipeline/task-options';
import { fieldError, SECRETS_FORMATS, takeSecretsOption } from './import-options';
import { templateIdSchema } from './templates';
import { modelSchema } from '../schema/model-schema';

/**
 * Export options: validated as the request sends them, then resolved against the content type (every mistake is
 * a 400 before any task exists). Precedence: request options > template > defaults.
 */

const stringOrList = yup
  .mixed()
  .test('sort', 'sort must be "attribute:asc|desc" or a list of them', (value) => {
    if (value === undefined) return true;
    const list = Array.isArray(value) ? value : [value];
    return list.every((v) => typeof v === 'string' && /^[A-Za-z_][\w]*(:(asc|desc))?$/i.test(v));
  });

export const exportOptionsSchema = yup
  .object({
    contentType: yup.string(),
    format: yup.string().oneOf([...FORMATS]),
    fields: yup.array(yup.string().required()),
    filters: yup.object().test('plain', 'filters must be an object (Strapi filter syntax)', (v) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v))),
    locale: yup.string().min(1),
    status: yup.string().oneOf([...ENTRY_STATUSES]),
    sort: stringOrList,
    relationsAs: yup.string().min(1),
    includeTimestamps: yup.boolean(),
    csvDelimiter: yup.string().oneOf([...CSV_DELIMITERS], 'csvDelimiter must be one of ",", ";" or a tab'),
    csvBom: yup.boolean(),
    templateId: templateIdSchema,
    name: yup.string().max(255),
  })
  .noUnknown();

const validateBody = validateYupSchema(exportOptionsSchema);

export const parseExportOptions = async (body: unknown): Promise<ExportOptions> => {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw fieldError('options', 'the body must be a JSON object of export options');
  const { rest, secrets } = takeSecretsOption(body);
  const options = (await validateBody(rest)) as ExportOptions;
  return secrets ? { ...options, secrets } : options;
};

/** What the user who asks for an export may read (absent: the system or a super admin, who read everything). */
export interface ReadPermissions {
  /** A field path of the type (`title`, `seo`, `seo.metaTitle`) the user may read, at least in part. */
  permits(path: string): boolean;
  /** A key attribute of a relation target the user may read (to write references by it). */
  keyReadable(target: string, key: string): boolean;
  /** Refuses (400 naming the path) filters and sorts on what the user may not read, or on private attributes. */
  validateQuery(query: { filters: Record<string, unknown> | null; sort: string[] | null }): Promise<void>;
}

export const resolveExportOptions = async ({
  strapi,
  layers,
  describe,
  locales,
  checkFilters = true,
  permissions,
}: {
  strapi: Core.Strapi;
  layers: Array<Partial<ExportOptions> | null | undefined>;
  describe: (uid: string) => ContentTypeInfo;
  locales: string[];
  /** Let Strapi validate the filters (one count query); false checks everything else only. */
  checkFilters?: boolean;
  permissions?: ReadPermissions;
}): Promise<ResolvedExportOptions> => {
  const pick = <K extends keyof ExportOptions>(key: K): ExportOptions[K] | undefined =>
    layers.find((layer) => layer?.[key] !== undefined && layer?.[key] !== null)?.[key];

  const contentType = pick('contentType');
  if (!contentType) throw fieldError('contentType', 'contentType is required');
  const type = describe(contentType);
  const attributes = modelSchema(strapi, contentType)?.attributes ?? {};

  const attributeNames = type.attributes.filter((a) => !a.private).map((a) => a.name);
  // What this user may read of it (the Content Manager's read permission): the default fields, and the only ones.
  const offered = permissions ? attributeNames.filter((name) => permissions.permits(name)) : attributeNames;
  // With secrets (README, *Secrets*): the private attributes this user may read too, encrypted (never `password` ones).
  const secrets = layers[0]?.secrets;
  const privateNames = secrets
    ? Object.entries(attributes)
        .filter(([name, a]) => a.private && a.type !== 'password' && !['createdBy', 'updatedBy'].includes(name))
        .map(([name]) => name)
        .filter((name) => !permissions || permissions.permits(name))
    : [];
  const requested = pick('fields');
  if (requested) {
    for (const field of requested) {
      if (privateNames.includes(field)) continue;
      if (attributes[field]?.private || attributes[field]?.type === 'password') {
        throw fieldError('fields', secrets && attributes[field]?.type !== 'password'
          ? `"${field}": you may not read this private field of ${contentType} (Content Manager permissions)`
          : `"${field}" is a private attribute of ${contentType}: private attributes are exported only with secrets (encrypted under a password)`);
      }
      if (!attributeNames.includes(field)) {
        throw fieldError('fields', `"${field}" is not an attribute of ${contentType} (attributes: ${attributeNames.join(', ')})`);
      }
      if (!offered.includes(field)) {
        throw fieldError('fields', `"${field}": you may not read this field of ${contentType} (Content Manager permissions; you may read ${offered.join(', ') || 'none of its fields'})`);
      }
    }
  }
  const selected = new Set([...offered, ...privateNames].filter((name) => !requested || requested.includes(name)));
  const fields = Object.keys(attributes).filter((name) => selected.has(name));
  const encrypted = privateNames.filter((name) => selected.has(name));

  const locale = pick('locale') ?? null;
  if (locale !== null) {
    if (!type.localized) throw fieldError('locale', `${contentType} is not localized: remove the locale option`);
    if (locale !== 'all' && !locales.includes(locale)) throw fieldError('locale', `Unknown locale "${locale}": use all or one of ${locales.join(', ')}`);
  }
  const status = pick('status') ?? null;
  if (status !== null && !type.draftAndPublish) throw fieldError('status', `${contentType} has no draft and publish: remove the status option`);

  const relationsAs = pick('relationsAs') ?? 'documentId';
  if (relationsAs !== 'documentId') {
    const targets = type.attributes.filter((a) => a.type === 'relation' && fields.includes(a.name)).map((a) => describe(a.target as string));
    if (permissions) {
      const hidden = targets.filter((target) => target.matchKeys.includes(relationsAs) && !permissions.keyReadable(target.uid, relationsAs));
      if (hidden.length > 0) {
        throw fieldError('relationsAs', `relationsAs "${relationsAs}": you may not read ${relationsAs} of ${hidden.map((t) => t.uid).join(', ')} (Content Manager permissions)`);
      }
    }
    if (!targets.some((target) => target.matchKeys.includes(relationsAs))) {
      throw fieldError(
        'relationsAs',
        `relationsAs "${relationsAs}" is not a unique attribute of any relation target of ${contentType}` +
          (targets.length ? ` (${targets.map((t) => `${t.uid}: ${t.matchKeys.join(', ')}`).join('; ')})` : '')
      );
    }
  }

  const sortOption = pick('sort');
  const sort = sortOption === undefined ? null : Array.isArray(sortOption) ? sortOption : [sortOption];
  for (const entry of sort ?? []) {
    const field = entry.split(':')[0];
    if (!['documentId', 'createdAt', 'updatedAt', 'publishedAt', ...offered].includes(field) || ['relation', 'component', 'dynamiczone', 'media', 'json', 'blocks'].includes(attributes[field]?.type)) {
      throw fieldError('sort', `cannot sort by "${field}": sort by a scalar attribute of ${contentType}`);
    }
  }

  const filters = (pick('filters') as Record<string, unknown> | undefined) ?? null;
  // Before Strapi sees them: a filter on what the user may not read (or on a private attribute) is an oracle.
  await permissions?.validateQuery({ filters, sort });
  if (filters && checkFilters) {
    // Strapi validates filter keys and operators: an unknown attribute or operator is a 400 here, not a failed task.
    try {
      await (strapi.documents(contentType as never) as unknown as { count(p: object): Promise<number> }).count({
        filters,
        ...(locale ? { locale: locale === 'all' ? '*' : locale } : {}),
      });
    } catch (error) {
      throw fieldError('filters', `Invalid filters: ${(error as Error).message}`);
    }
  }

  const format = pick('format') ?? 'json';
  if (secrets && !SECRETS_FORMATS.includes(format)) {
    throw fieldError('secrets', `secrets: encrypted private fields are carried by JSON and JSONT files (in their header); this export is ${format.toUpperCase()}`);
  }
  const csvDelimiter = pick('csvDelimiter');
  const csvBom = pick('csvBom');
  if (format !== 'csv') {
    if (csvDelimiter !== undefined) throw fieldError('csvDelimiter', `csvDelimiter applies to CSV exports; this export is ${format.toUpperCase()}`);
    if (csvBom !== undefined) throw fieldError('csvBom', `csvBom applies to CSV exports; this export is ${format.toUpperCase()}`);
  }

  return {
    contentType,
    format,
    fields,
    filters,
    locale,
    status,
    sort,
    relationsAs,
    includeTimestamps: pick('includeTimestamps') ?? false,
    csvDelimiter: csvDelimiter ?? ',',
    csvBom: csvBom ?? false,
    templateId: pick('templateId') ?? null,
    name: pick('name') || `Export ${type.pluralName || type.displayName}`,
    ...(secrets ? { secrets: { encrypted } } : {}),
  };
};
