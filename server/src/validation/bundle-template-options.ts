import { yup } from '@strapi/utils';
import {
  ON_ERROR,
  type BundleExportOptions,
  type BundleImportOptions,
  type BundleImportTypeOptions,
  type BundleTemplateOptions,
  type BundleTypeOptions,
} from '../../../shared/contracts';
import { exportTypeFields } from './bundle-export-options';
import { importTypeFields } from './bundle-import-options';
import { fieldError } from './import-options';

/**
 * A bundle template's options (kind `bundle`, docs/bundles.md *Templates*): per type what a bundle export takes
 * (fields, filters, locale, status, relationsAs) and what a bundle import takes (importStrategy, updateStrategy,
 * matchBy, status), and the bundle's own options. One template serves both: `exportSideOf` and `importSideOf` give
 * each request its part, and the request's own options apply over the template's.
 */

const EXPORT_KEYS = ['contentType', 'fields', 'filters', 'locale', 'status', 'relationsAs'] as const;
const IMPORT_KEYS = ['importStrategy', 'updateStrategy', 'matchBy', 'status', 'lifecycles'] as const;

/** A type of a template: both sides' options (`status` serves both). */
const typeSchema = yup.object({ ...exportTypeFields, ...importTypeFields }).noUnknown().strict();

const optionsSchema = yup
  .object({
    types: yup
      .mixed()
      .required('types is required: "all" or a list of { contentType, ... }')
      .test('types', 'types must be "all" or a non-empty list of { contentType, fields?, filters?, locale?, status?, relationsAs?, importStrategy?, updateStrategy?, matchBy? }', (value) =>
        value === 'all' || (Array.isArray(value) && value.length > 0)
      ),
    withDependencies: yup.boolean().strict(),
    media: yup.boolean().strict(),
    definitions: yup.boolean().strict(),
    onError: yup.string().oneOf([...ON_ERROR]),
    lifecycles: importTypeFields.lifecycles,
  })
  .noUnknown()
  .strict();

/** The options of a bundle template checked (a 400 naming `options.<path>`), as saved and as shipped. */
export const checkBundleTemplateOptions = (raw: unknown): BundleTemplateOptions => {
  const named = (error: unknown, prefix: string) => {
    const { path, message } = error as yup.ValidationError;
    const at = `options${prefix}${path ? `.${path}` : ''}`;
    return fieldError(at, `${at}: ${message}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fieldError('options', 'options must be an object: { types, withDependencies?, media?, definitions?, onError? }');
  try {
    optionsSchema.validateSync(raw, { abortEarly: true });
  } catch (error) {
    throw named(error, '');
  }
  const options = raw as BundleTemplateOptions;
  if (Array.isArray(options.types)) {
    const seen = new Set<string>();
    options.types.forEach((type, i) => {
      try {
        typeSchema.validateSync(type, { abortEarly: true });
      } catch (error) {
        throw named(error, `.types[${i}]`);
      }
      if (seen.has(type.contentType)) throw fieldError(`options.types[${i}].contentType`, `options.types[${i}].contentType: ${type.contentType} is listed twice`);
      seen.add(type.contentType);
    });
  }
  return options;
};

const pick = <K extends string>(object: Record<string, unknown>, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]])) as Partial<Record<K, unknown>>;

const defined = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

/** What a bundle export takes of a template. */
export const exportSideOf = (template: BundleTemplateOptions): BundleExportOptions => ({
  types: template.types === 'all' ? 'all' : template.types.map((type) => pick(type as unknown as Record<string, unknown>, EXPORT_KEYS) as unknown as BundleTypeOptions),
  ...defined({ withDependencies: template.withDependencies, media: template.media, definitions: template.definitions }),
});

/** What a bundle import takes of a template: the types the bundle holds (`uids`) that the template says how to import. */
export const importSideOf = (template: BundleTemplateOptions, uids: ReadonlySet<string>): BundleImportOptions => {
  const types: Record<string, BundleImportTypeOptions> = {};
  for (const type of template.types === 'all' ? [] : template.types) {
    const options = pick(type as unknown as Record<string, unknown>, IMPORT_KEYS) as BundleImportTypeOptions;
    if (uids.has(type.contentType) && Object.keys(options).length > 0) types[type.contentType] = options;
  }
  return { ...defined({ onError: template.onError, lifecycles: template.lifecycles }), types };
};

/** A bundle export request over its template: the request's options replace the template's, `types` whole. */
export const bundleExportWithTemplate = (template: BundleTemplateOptions, request: Record<string, unknown>): Record<string, unknown> => {
  const { templateId: _templateId, ...own } = request;
  return { ...exportSideOf(template), ...defined(own) };
};

/** A bundle import's options over its template: onError replaced, each type's options key by key. */
export const bundleImportWithTemplate = (template: BundleTemplateOptions, request: BundleImportOptions, uids: ReadonlySet<string>): BundleImportOptions => {
  const { templateId: _templateId, types: own, ...rest } = request;
  const side = importSideOf(template, uids);
  const types = { ...side.types };
  for (const [uid, options] of Object.entries(own ?? {})) types[uid] = { ...types[uid], ...options };
  return { ...side, ...defined(rest), types };
};
