import { errors, validateYupSchema, yup } from '@strapi/utils';
import {
  ENTRY_STATUSES,
  CSV_DELIMITERS,
  FORMATS,
  IMPORT_STRATEGIES,
  INVALID_UTF8,
  LIFECYCLES,
  ON_ERROR,
  TEXT_ENCODINGS,
  UPDATE_STRATEGIES,
  type ContentTypeInfo,
  type Format,
  type ImportOptions,
  mappingTargetOf,
  type SecretsOption,
} from '../../../shared/contracts';
import { FORMAT_INFO } from '../../../shared/formats';
import { parseColumnPath } from '../pipeline/formats/columns';
import { expressionError } from '../pipeline/import/prepare/transforms';
import { PREVIEW_DEFAULT_COUNT, PREVIEW_MAX_COUNT } from '../pipeline/import/preview';
import type { ResolvedImportOptions } from '../pipeline/task-options';
import { templateIdSchema } from './templates';

/**
 * Import options: validated as the request sends them, then resolved with the precedence the README's *Import options* section gives:
 * request options > template > JSONT configuration > defaults. Every mistake is a 400 before any task exists.
 */

export const IMPORT_DEFAULTS = {
  importStrategy: 'upsert',
  updateStrategy: 'patch',
  onError: 'stop',
  matchBy: 'documentId',
  dryRun: false,
  invalidUtf8: 'refuse',
} as const;

const isTransformEntry = (target: unknown): boolean => {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return false;
  const keys = Object.keys(target);
  const { to, transform } = target as Record<string, unknown>;
  return keys.every((key) => key === 'to' || key === 'transform') && typeof to === 'string' && to.length > 0 && typeof transform === 'string';
};

const fieldMapping = yup
  .object()
  .test(
    'field-mapping',
    'fieldMapping must map source field names to attribute names, null to ignore them, or { "to": attribute, "transform": JSONata expression }',
    (value) => {
      if (value === undefined || value === null) return true;
      if (typeof value !== 'object' || Array.isArray(value)) return false;
      return Object.values(value as Record<string, unknown>).every(
        (target) => target === null || (typeof target === 'string' && target.length > 0) || isTransformEntry(target)
      );
    }
  );

const computed = yup
  .object()
  .test('computed', 'computed must map attribute names to JSONata expressions (text)', (value) => {
    if (value === undefined || value === null) return true;
    if (typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.values(value as Record<string, unknown>).every((expression) => typeof expression === 'string');
  });

/** Every transform compiles: else a 400 naming `fieldMapping.<source>.transform` or `computed.<attribute>`. */
export const checkTransforms = (mapping: ImportOptions['fieldMapping'], computedFields: ImportOptions['computed']) => {
  for (const [source, target] of Object.entries(mapping ?? {})) {
    if (target === null || typeof target === 'string') continue;
    if (!isTransformEntry(target)) {
      throw fieldError(`fieldMapping.${source}`, `fieldMapping.${source} must be an attribute name, null, or { "to": attribute, "transform": JSONata expression }`);
    }
    const problem = expressionError(target.transform);
    if (problem) throw fieldError(`fieldMapping.${source}.transform`, `fieldMapping.${source}.transform: ${problem}`);
  }
  if (computedFields !== undefined && (typeof computedFields !== 'object' || computedFields === null || Array.isArray(computedFields))) {
    throw fieldError('computed', 'computed must map attribute names to JSONata expressions');
  }
  for (const [attribute, expression] of Object.entries(computedFields ?? {})) {
    const problem = expressionError(expression);
    if (problem) throw fieldError(`computed.${attribute}`, `computed.${attribute}: ${problem}`);
  }
};

/**
 * `secrets: { password }` (README, *Secrets*): at least 8 characters; never stored. Checked by hand, not by yup:
 * Strapi's 400 for a yup error carries the value (`details.errors[].value`), which must never be the password.
 * Returns the options without `secrets`, and the option.
 */
export const takeSecretsOption = <T extends object>(body: T): { rest: T; secrets: SecretsOption | undefined } => {
  if (!('secrets' in body)) return { rest: body, secrets: undefined };
  const { secrets, ...rest } = body as T & { secrets?: unknown };
  if (secrets === undefined) return { rest: rest as T, secrets: undefined };
  if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw fieldError('secrets', 'secrets must be an object: { "password": "..." }');
  const unknown = Object.keys(secrets).filter((key) => key !== 'password');
  if (unknown.length > 0) throw fieldError('secrets', `secrets has unknown keys: ${unknown.join(', ')} (only password)`);
  const { password } = secrets as { password?: unknown };
  if (password === undefined) throw fieldError('secrets.password', 'secrets.password is required: the password the private fields are encrypted with');
  if (typeof password !== 'string') throw fieldError('secrets.password', 'secrets.password must be a string');
  if (password.length < 8) throw fieldError('secrets.password', 'secrets.password must be at least 8 characters');
  if (password.length > 1024) throw fieldError('secrets.password', 'secrets.password must be at most 1024 characters');
  return { rest: rest as T, secrets: { password } };
};

/** The formats that carry the secrets header (JSON and JSONT: before the items). */
export const SECRETS_FORMATS: readonly string[] = ['json', 'jsont'];

export const importOptionsSchema = yup
  .object({
    contentType: yup.string(),
    format: yup.string().oneOf([...FORMATS]),
    importStrategy: yup.string().oneOf([...IMPORT_STRATEGIES]),
    updateStrategy: yup.string().oneOf([...UPDATE_STRATEGIES]),
    onError: yup.string().oneOf([...ON_ERROR]),
    matchBy: yup.string().min(1),
    fieldMapping,
    computed,
    locale: yup.string().min(1),
    status: yup.string().oneOf([...ENTRY_STATUSES]),
    dryRun: yup.boolean(),
    templateId: templateIdSchema,
    name: yup.string().max(255),
    invalidUtf8: yup.string().oneOf([...INVALID_UTF8]),
    encoding: yup.string().oneOf([...TEXT_ENCODINGS], `encoding must be one of ${TEXT_ENCODINGS.join(', ')}`),
    csvDelimiter: yup.string().oneOf([...CSV_DELIMITERS], 'csvDelimiter must be one of ",", ";" or a tab'),
    decimalComma: yup.boolean(),
    lifecycles: yup.string().oneOf([...LIFECYCLES], `lifecycles must be one of ${LIFECYCLES.join(', ')}`),
  })
  .noUnknown();

const validateImportOptionsBody = validateYupSchema(importOptionsSchema);

/** The `options` multipart field as an object (absent: `{}`): a JSON text, or an object (the command line's). */
export const optionsField = (raw: unknown): object => {
  if (raw === undefined || raw === null || raw === '') return {};
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new errors.ValidationError(`options is not valid JSON: ${(error as Error).message}`, {
        errors: [{ path: ['options'], message: 'options must be a JSON object', name: 'ValidationError' }],
      });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new errors.ValidationError('options must be a JSON object', {
      errors: [{ path: ['options'], message: 'options must be a JSON object', name: 'ValidationError' }],
    });
  }
  return parsed;
};

/** The `options` multipart field of an import: a JSON object (or absent). */
export const parseImportOptions = async (raw: unknown): Promise<ImportOptions> => {
  const { rest, secrets } = takeSecretsOption(optionsField(raw));
  const options = (await validateImportOptionsBody(rest)) as ImportOptions;
  return secrets ? { ...options, secrets } : options;
};

export const fieldError = (path: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [path], message, name: 'ValidationError' }] });

/** Merges the layers (first wins) and checks the result against the content type. */
export const resolveImportOptions = ({
  layers,
  format,
  fileName,
  describe,
  locales,
}: {
  /** Highest precedence first: request, template, JSONT configuration. */
  layers: Array<Partial<ImportOptions> | null | undefined>;
  format: Format;
  fileName: string;
  /** The content type's description (throws a 400 for an unknown one). */
  describe: (uid: string) => ContentTypeInfo;
  /** The locale codes of the app (i18n). */
  locales: string[];
}): ResolvedImportOptions => {
  const pick = <K extends keyof ImportOptions>(key: K): ImportOptions[K] | undefined =>
    layers.find((layer) => layer?.[key] !== undefined && layer?.[key] !== null)?.[key];

  const contentType = pick('contentType');
  if (!contentType) {
    throw fieldError('contentType', 'contentType is required (in the options, a template or the JSONT configuration)');
  }
  const type = describe(contentType);

  const matchBy = pick('matchBy') ?? IMPORT_DEFAULTS.matchBy;
  if (!type.matchKeys.includes(matchBy)) {
    throw fieldError(
      'matchBy',
      `matchBy "${matchBy}" is not a unique attribute of ${contentType}: use one of ${type.matchKeys.join(', ')}`
    );
  }

  const mapping = pick('fieldMapping') ?? {};
  const computedFields = pick('computed') ?? {};
  // A template's transforms are checked again here (a template saved before a JSONata upgrade, or edited by hand).
  checkTransforms(mapping, computedFields);
  const attributeNames = new Set(type.attributes.map((a) => a.name));
  for (const [source, entry] of Object.entries(mapping)) {
    const target = mappingTargetOf(entry);
    if (target === null) continue;
    const column = parseColumnPath(type.attributes, target);
    // A component's relation by key (`seo.category.slug`) is a header the reader takes, not a fieldMapping target.
    const reference = column.kind === 'reference' && !column.component ? column : null;
    const known = column.kind === 'key' || column.kind === 'attribute' || (column.kind === 'field' && column.field !== undefined) || reference !== null;
    if (reference) {
      // `category.slug`: the relation written by a key of its target (a tabular file's relation column).
      const targetType = describe(reference.relation.target as string);
      if (!targetType.matchKeys.includes(reference.key)) {
        throw fieldError('fieldMapping', `fieldMapping maps "${source}" to "${target}": ${reference.key} is not a unique attribute of ${targetType.uid} (use one of ${targetType.matchKeys.join(', ')})`);
      }
    }
    if (!known) {
      throw fieldError(
        'fieldMapping',
        `fieldMapping maps "${source}" to "${target}", which is not an attribute of ${contentType}` +
          (attributeNames.size ? ` (attributes: ${[...attributeNames].join(', ')})` : '')
      );
    }
  }

  for (const attribute of Object.keys(computedFields)) {
    const column = parseColumnPath(type.attributes, attribute);
    if (column.kind !== 'key' && column.kind !== 'attribute' && !(column.kind === 'field' && column.field !== undefined)) {
      throw fieldError(
        `computed.${attribute}`,
        `computed.${attribute}: "${attribute}" is not an attribute of ${contentType}` +
          (attributeNames.size ? ` (attributes: ${[...attributeNames].join(', ')})` : '')
      );
    }
  }

  const locale = pick('locale') ?? null;
  if (locale !== null) {
    if (!type.localized) throw fieldError('locale', `${contentType} is not localized: remove the locale option`);
    if (!locales.includes(locale)) {
      throw fieldError('locale', `Unknown locale "${locale}": the app has ${locales.join(', ')}`);
    }
  }

  const status = pick('status') ?? null;
  if (status !== null && !type.draftAndPublish) {
    throw fieldError('status', `${contentType} has no draft and publish: remove the status option`);
  }

  // Asked in the request for a file they do not apply to: a 400. From a template (one template may serve CSV and
  // XLSX files alike): left out where they do not apply.
  const asked = layers[0] ?? {};
  if (asked.csvDelimiter !== undefined && asked.csvDelimiter !== null && format !== 'csv') {
    throw fieldError('csvDelimiter', `csvDelimiter applies to CSV files; this file is ${format.toUpperCase()}`);
  }
  if (asked.encoding && asked.encoding !== 'utf-8' && format === 'xlsx') {
    throw fieldError('encoding', 'encoding applies to text files (JSON, JSONL, JSONT, CSV); this file is an XLSX workbook');
  }
  if (asked.decimalComma && !FORMAT_INFO[format].tabular) {
    throw fieldError('decimalComma', `decimalComma applies to CSV and XLSX files, whose cells are text; in ${format.toUpperCase()} a number is a JSON number`);
  }
  // A template's value is checked here (templates keep their options as saved).
  const lifecycles = pick('lifecycles') ?? 'skip';
  if (!LIFECYCLES.includes(lifecycles)) throw fieldError('lifecycles', `lifecycles must be one of ${LIFECYCLES.join(', ')} (got ${JSON.stringify(lifecycles)})`);
  const csvDelimiter = format === 'csv' ? pick('csvDelimiter') ?? null : null;
  const decimalComma = FORMAT_INFO[format].tabular ? pick('decimalComma') ?? false : false;

  return {
    contentType,
    format,
    importStrategy: pick('importStrategy') ?? IMPORT_DEFAULTS.importStrategy,
    updateStrategy: pick('updateStrategy') ?? IMPORT_DEFAULTS.updateStrategy,
    onError: pick('onError') ?? IMPORT_DEFAULTS.onError,
    matchBy,
    fieldMapping: mapping,
    ...(Object.keys(computedFields).length ? { computed: computedFields } : {}),
    locale,
    status,
    dryRun: pick('dryRun') ?? IMPORT_DEFAULTS.dryRun,
    templateId: pick('templateId') ?? null,
    name: pick('name') || `Import ${fileName}`,
    invalidUtf8: pick('invalidUtf8') ?? IMPORT_DEFAULTS.invalidUtf8,
    encoding: format === 'xlsx' ? 'utf-8' : pick('encoding') ?? 'utf-8',
    csvDelimiter,
    decimalComma,
    lifecycles,
  };
};

/** The import preview's `count` (a multipart field or the query): 1 to 50, default 10. */
export const previewCount = (raw: unknown): number => {
  if (raw === undefined || raw === null || raw === '') return PREVIEW_DEFAULT_COUNT;
  const count = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > PREVIEW_MAX_COUNT) {
    throw fieldError('count', `count must be an integer from 1 to ${PREVIEW_MAX_COUNT} (the items previewed; default ${PREVIEW_DEFAULT_COUNT})`);
  }
  return count;
};
