import { errors, validateYupSchema, yup } from '@strapi/utils';
import {
  ENTRY_STATUSES,
  IMPORT_STRATEGIES,
  LIFECYCLES,
  ON_ERROR,
  UPDATE_STRATEGIES,
  type BundleImportOptions,
  type ContentTypeInfo,
  type EntryStatus,
  type ResolvedBundleImportOptions,
} from '../../../shared/contracts';
import type { ResolvedImportOptions } from '../pipeline/task-options';
import { fieldError, optionsField, resolveImportOptions } from './import-options';
import { templateIdSchema } from './templates';

/**
 * A bundle import's options (the `options` field of POST /bundle-imports): validated as sent (400 naming the field),
 * then each type of the bundle resolved as a single-type import of its JSONL lines would be (the same defaults and
 * checks: `types.<uid>.matchBy` must be documentId or a unique attribute), in the bundle's import order.
 */

/** One type's import options (also a bundle template's: bundle-template-options.ts). */
export const importTypeFields = {
  importStrategy: yup.string().oneOf([...IMPORT_STRATEGIES]),
  updateStrategy: yup.string().oneOf([...UPDATE_STRATEGIES]),
  matchBy: yup.string().min(1),
  status: yup.string().oneOf([...ENTRY_STATUSES]),
  lifecycles: yup.string().oneOf([...LIFECYCLES], `lifecycles must be one of ${LIFECYCLES.join(', ')}`),
};

const typeSchema = yup.object(importTypeFields).noUnknown().strict();

const optionsSchema = yup
  .object({
    onError: yup.string().oneOf([...ON_ERROR]),
    dryRun: yup.boolean(),
    lifecycles: importTypeFields.lifecycles,
    types: yup
      .object()
      .test('types', 'types must be an object: { "<content type uid>": { importStrategy?, updateStrategy?, matchBy?, status?, lifecycles? } }', (value) =>
        value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))
      ),
    templateId: templateIdSchema,
    name: yup.string().max(255),
  })
  .noUnknown();

const validateOptions = validateYupSchema(optionsSchema);

/** The `options` multipart field: a JSON object (or absent). */
export const parseBundleImportOptions = async (raw: unknown): Promise<BundleImportOptions> => {
  const fields = optionsField(raw);
  if ('secrets' in fields) throw fieldError('secrets', 'secrets: bundles carry no encrypted private fields (only single-type JSON and JSONT files do): remove the secrets option');
  const options = (await validateOptions(fields)) as BundleImportOptions;
  for (const [uid, type] of Object.entries(options.types ?? {})) {
    try {
      typeSchema.validateSync(type);
    } catch (error) {
      const yupError = error as yup.ValidationError;
      const path = `types.${uid}${yupError.path ? `.${yupError.path}` : ''}`;
      throw fieldError(path, `${path}: ${yupError.message}`);
    }
  }
  return options;
};

/** A type of the bundle, as its manifest describes it. */
export interface BundleTypeFacts {
  uid: string;
  count: number;
  /** Published versions carried beside the drafts (`content/<uid>.published.jsonl`), when the type has both. */
  published?: number;
  /** The options it was exported with (its `status` is the import's default). */
  options: Record<string, unknown>;
}

/** Each type's options resolved as a single-type import's, in the bundle's order; a mistake names `types.<uid>.…`. */
export const resolveBundleImportOptions = (
  options: BundleImportOptions,
  bundle: { types: BundleTypeFacts[]; source: string; createdAt: string; fileName: string },
  { describe, locales }: { describe: (uid: string) => ContentTypeInfo; locales: string[] }
): { resolved: ResolvedBundleImportOptions; imports: ResolvedImportOptions[] } => {
  const known = new Set(bundle.types.map((type) => type.uid));
  for (const uid of Object.keys(options.types ?? {})) {
    if (!known.has(uid)) throw fieldError(`types.${uid}`, `types.${uid}: the bundle holds no ${uid} (it holds ${[...known].join(', ')})`);
  }
  const onError = options.onError ?? 'stop';
  const dryRun = options.dryRun ?? false;
  const name = options.name ?? `Import ${bundle.fileName}`;
  const imports = bundle.types.map((type) => {
    try {
      // The status it was exported with, for types with draft & publish.
      const exported = describe(type.uid).draftAndPublish
        ? (ENTRY_STATUSES.find((status) => status === type.options.status) as EntryStatus | undefined)
        : undefined;
      return resolveImportOptions({
        // The bundle's lifecycles below the type's own.
        layers: [
          { ...options.types?.[type.uid], contentType: type.uid, onError, dryRun, name },
          { lifecycles: options.lifecycles },
          exported ? { status: exported } : null,
        ],
        format: 'jsonl',
        fileName: bundle.fileName,
        describe,
        locales,
      });
    } catch (error) {
      if (!(error instanceof errors.ValidationError)) throw error;
      const details = (error.details as { errors?: Array<{ path?: string[] }> } | undefined)?.errors;
      const path = `types.${type.uid}${details?.[0]?.path?.length ? `.${details[0].path.join('.')}` : ''}`;
      throw fieldError(path, `${type.uid}: ${error.message}`);
    }
  });
  const resolved: ResolvedBundleImportOptions = {
    onError,
    dryRun,
    name,
    source: bundle.source,
    createdAt: bundle.createdAt,
    types: imports.map((type, i) => {
      const facts = bundle.types[i];
      // A type carried with both versions: both imported (the published ones first, then the drafts), unless a
      // status is asked, which imports that version's file only.
      const both = facts.published !== undefined;
      const asked = options.types?.[type.contentType]?.status;
      return {
        contentType: type.contentType,
        importStrategy: type.importStrategy,
        updateStrategy: type.updateStrategy,
        matchBy: type.matchBy,
        status: both && !asked ? 'draft' : type.status,
        lifecycles: type.lifecycles ?? 'skip',
        count: both && asked === 'published' ? facts.published! : facts.count,
        published: both && !asked ? facts.published! : null,
      };
    }),
  };
  return { resolved, imports };
};

/** The single-type import options a bundle task runs each of its types with. */
export const typeImportOptions = (options: ResolvedBundleImportOptions, index: number): ResolvedImportOptions => {
  const type = options.types[index];
  return {
    contentType: type.contentType,
    format: 'jsonl',
    importStrategy: type.importStrategy,
    updateStrategy: type.updateStrategy,
    onError: options.onError,
    matchBy: type.matchBy,
    fieldMapping: {},
    locale: null,
    status: type.status,
    dryRun: options.dryRun,
    templateId: null,
    name: options.name,
    invalidUtf8: 'refuse',
    encoding: 'utf-8',
    csvDelimiter: null,
    decimalComma: false,
    lifecycles: type.lifecycles ?? 'skip',
  };
};
