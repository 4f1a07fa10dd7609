import type { Core } from '@strapi/strapi';
import { errors, validateYupSchema, yup } from '@strapi/utils';
import {
  ENTRY_STATUSES,
  type BundleExportOptions,
  type BundleTypeOptions,
  type ContentTypeInfo,
  type ResolvedBundleExportOptions,
} from '../../../shared/contracts';
import type { ResolvedExportOptions } from '../pipeline/task-options';
import { resolveExportOptions, type ReadPermissions } from './export-options';
import { fieldError } from './import-options';

/**
 * A bundle export's request (POST /bundle-exports): validated as sent (400 naming the field), then each type's
 * options resolved as a single-type export's are (the same defaults, the same checks against the user's Content
 * Manager permissions: a type the user may not read is a 403 naming it).
 */

const plainObject = (name: string) =>
  yup
    .object()
    .test('plain', `${name} must be an object (Strapi filter syntax)`, (v) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v)));

/** One type's export options (also a bundle template's: bundle-template-options.ts). */
export const exportTypeFields = {
  contentType: yup.string().min(1).required(),
  fields: yup.array(yup.string().required()),
  filters: plainObject('filters'),
  locale: yup.string().min(1),
  status: yup.string().oneOf([...ENTRY_STATUSES]),
  relationsAs: yup.string().min(1),
};

const typeSchema = yup.object(exportTypeFields).noUnknown().strict();

const bundleSchema = yup
  .object({
    types: yup
      .mixed()
      .required('types is required: a list of { contentType, ... } or "all"')
      .test('types', 'types must be "all" or a non-empty list of { contentType, fields?, filters?, locale?, status?, relationsAs? }', (value) =>
        value === 'all' || (Array.isArray(value) && value.length > 0)
      ),
    withDependencies: yup.boolean().strict(),
    media: yup.boolean().strict(),
    definitions: yup.boolean().strict(),
    source: yup.string().min(1).max(255).strict(),
    name: yup.string().max(255).strict(),
  })
  .noUnknown();

const validateBody = validateYupSchema(bundleSchema);

/** README, *Secrets*: not carried by bundles (yet). */
export const BUNDLE_SECRETS = 'secrets: encrypted private fields are carried by single-type JSON and JSONT exports, not by bundles: export the type with private fields on its own';

/** The request's shape checked: every type's options (`types[1].status`) named in the 400. */
export const parseBundleExportOptions = async (body: unknown): Promise<BundleExportOptions> => {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw fieldError('types', 'the body must be a JSON object: { types: [{ contentType, ... }] or "all", withDependencies?, media?, definitions?, source? }');
  }
  if ('secrets' in body) throw fieldError('secrets', BUNDLE_SECRETS);
  const options = (await validateBody(body)) as BundleExportOptions;
  if (Array.isArray(options.types)) {
    const seen = new Set<string>();
    options.types = options.types.map((type, i): BundleTypeOptions => {
      try {
        typeSchema.validateSync(type, { abortEarly: true });
      } catch (error) {
        const { path, message } = error as yup.ValidationError;
        throw fieldError(`types[${i}]${path ? `.${path}` : ''}`, `types[${i}]${path ? `.${path}` : ''}: ${message}`);
      }
      const typed = type as BundleTypeOptions;
      if (seen.has(typed.contentType)) throw fieldError(`types[${i}].contentType`, `types[${i}].contentType: ${typed.contentType} is listed twice`);
      seen.add(typed.contentType);
      return typed;
    });
  }
  return options;
};

/** Whether a POST /export-tasks body asks for a bundle (`format: "bundle"`). */
export const isBundleExportBody = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { format?: unknown }).format === 'bundle';

/**
 * A bundle asked of POST /export-tasks (`{ format: "bundle", contentTypes: [uid, …] | "all", types: { <uid>: options },
 * withDependencies, media, definitions, source, name }`) as the bundle export's request (one entry per type).
 */
export const bundleExportBodyOf = (body: Record<string, unknown>): Record<string, unknown> => {
  const { format: _format, contentTypes, types, ...rest } = body;
  if (types !== undefined && (typeof types !== 'object' || types === null || Array.isArray(types))) {
    throw fieldError('types', 'types must be an object: { "<content type uid>": { fields?, filters?, locale?, status?, relationsAs? } }');
  }
  const perType = (types ?? {}) as Record<string, Record<string, unknown>>;
  // A bundle template gives the types: the body's other options apply over it (bundle-exports.ts).
  if (contentTypes === undefined && types === undefined && rest.templateId !== undefined) return rest;
  if (contentTypes === 'all') {
    if (Object.keys(perType).length > 0) throw fieldError('types', 'types: options per type need contentTypes to list the types (not "all")');
    return { ...rest, types: 'all' };
  }
  if (!Array.isArray(contentTypes) || contentTypes.length === 0 || !contentTypes.every((uid) => typeof uid === 'string')) {
    throw fieldError('contentTypes', 'a bundle export names its content types: contentTypes: ["api::article.article", …] or "all"');
  }
  for (const uid of Object.keys(perType)) {
    if (!contentTypes.includes(uid)) throw fieldError(`types.${uid}`, `types.${uid}: ${uid} is not one of contentTypes`);
  }
  return { ...rest, types: (contentTypes as string[]).map((uid) => ({ ...perType[uid], contentType: uid })) };
};

/** One type's options, resolved, as the bundle's task keeps them (nulls left out). */
export type ResolvedBundleType = ResolvedBundleExportOptions['types'][number];

/** A resolved type's options as the single-type export reads them. */
export const typeExportOptions = (type: ResolvedBundleType): ResolvedExportOptions => ({
  contentType: type.contentType,
  format: 'jsonl',
  fields: type.fields,
  filters: type.filters ?? null,
  locale: type.locale ?? null,
  status: type.status ?? null,
  sort: null,
  relationsAs: type.relationsAs,
  csvDelimiter: ',',
  csvBom: false,
  includeTimestamps: false,
  templateId: null,
  name: '',
});

const withoutNulls = (resolved: ResolvedExportOptions): ResolvedBundleType => ({
  contentType: resolved.contentType,
  fields: resolved.fields,
  relationsAs: resolved.relationsAs,
  ...(resolved.filters ? { filters: resolved.filters } : {}),
  ...(resolved.locale ? { locale: resolved.locale } : {}),
  ...(resolved.status ? { status: resolved.status } : {}),
});

/** A 400 of one type's options, its path put under `types[i]`. */
const underType = (error: unknown, i: number, uid: string): unknown => {
  if (!(error instanceof errors.ValidationError)) return error;
  const details = error.details as { errors?: Array<{ path: string[] }> } | undefined;
  const field = details?.errors?.[0]?.path?.[0] ?? 'contentType';
  const path = `types[${i}].${field}`;
  return fieldError(path, `${path} (${uid}): ${error.message}`);
};

export interface BundleResolveContext {
  strapi: Core.Strapi;
  describe: (uid: string) => ContentTypeInfo;
  /** Every offered content type. */
  list: () => ContentTypeInfo[];
  locales: string[];
  /** The user's read permissions on a type: a 403 naming it when the user may not read it. */
  permissionsFor: (uid: string) => ReadPermissions;
  /** Whether the user may read the type at all (for `types: "all"`). */
  canRead: (uid: string) => boolean;
  /** The app's name: the manifest's source by default. */
  appName: string;
}

/** Each type resolved as a single-type export (request > defaults), in the order asked; `all`: every readable `api::` type. */
export const resolveBundleExportOptions = async (
  options: BundleExportOptions,
  context: BundleResolveContext
): Promise<ResolvedBundleExportOptions> => {
  const requested: BundleTypeOptions[] =
    options.types === 'all'
      ? context
          .list()
          .filter((type) => type.uid.startsWith('api::') && context.canRead(type.uid))
          .map((type) => ({ contentType: type.uid }))
          .sort((a, b) => (a.contentType < b.contentType ? -1 : 1))
      : (options.types ?? []);
  if (requested.length === 0) throw fieldError('types', 'types "all": there is no api:: content type you may read');
  const types: ResolvedBundleType[] = [];
  for (const [i, type] of requested.entries()) {
    try {
      // A bundle moves a type's whole content by default: every locale (and, with draft & publish and no status,
      // both versions: bundle-export-task.ts).
      const { localized } = context.describe(type.contentType);
      const resolved = await resolveExportOptions({
        strapi: context.strapi,
        layers: [{ ...type, format: 'jsonl' }, localized ? { locale: 'all' } : null],
        describe: context.describe,
        locales: context.locales,
        permissions: context.permissionsFor(type.contentType),
      });
      types.push(withoutNulls(resolved));
    } catch (error) {
      throw underType(error, i, type.contentType);
    }
  }
  const first = context.describe(types[0].contentType);
  return {
    types,
    withDependencies: options.withDependencies ?? false,
    media: options.media ?? false,
    definitions: options.definitions ?? false,
    source: options.source ?? context.appName,
    name: options.name || `Bundle ${types.length === 1 ? first.pluralName || first.displayName : `of ${types.length} types`}`,
  };
};
