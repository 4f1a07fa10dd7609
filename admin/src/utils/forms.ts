import type {
  FieldMappingTarget,
  CsvDelimiter,
  ContentTypeInfo,
  EntryStatus,
  ExportOptions,
  Format,
  ImportOptions,
  ImportStrategy,
  OnError,
  Template,
  TemplateId,
  TextEncoding,
  Lifecycles,
  UpdateStrategy,
} from '../../../shared/contracts';
import {
  CSV_DELIMITERS,
  ENTRY_STATUSES,
  FORMATS,
  IMPORT_STRATEGIES,
  ON_ERROR,
  TEXT_ENCODINGS,
  LIFECYCLES,
  UPDATE_STRATEGIES,
} from '../../../shared/contracts';
import { parseSort, sortText } from '../content-manager/urls';
import { fromComputed, fromFieldMapping, hasTransformErrors, toComputed, toFieldMapping, type ComputedRow, type MappingRow } from './mapping';

/**
 * The export and import forms' values, their validation, and the request options they become.
 * Pure functions: the pages hold the values in state and call these.
 */

/** A validation problem, translated by the form as `form.error.<key>`. */
export type FormErrorKey =
  | 'required'
  | 'invalidJson'
  | 'notAnObject'
  | 'noFields'
  | 'duplicateTarget'
  | 'invalidSort'
  | 'invalidCron'
  | 'invalidTimezone'
  | 'invalidKeep'
  | 'invalidTransform';
export type FormErrors<K extends string> = Partial<Record<K, FormErrorKey>>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined =>
  values.find((candidate) => candidate === value);

/* ------------------------------------------------------------------------------------------------------------
 * Export
 * ---------------------------------------------------------------------------------------------------------- */

export interface ExportFormValues {
  name: string;
  templateId: TemplateId | null;
  contentType: string;
  format: Format;
  /** The attributes to export; `null`: all of them (the server's default, which also follows new attributes). */
  fields: string[] | null;
  /** A locale code, `all`, or '' for the default locale. */
  locale: string;
  status: EntryStatus;
  relationsAs: string;
  /** Strapi filters as JSON text; '' for none. */
  filters: string;
  /** The entries' order as the Content Manager writes it: `title:ASC, views:DESC`; '' for the server's order. */
  sort: string;
  includeTimestamps: boolean;
  /** CSV: the delimiter and whether the file starts with a byte order mark. */
  csvDelimiter: CsvDelimiter;
  csvBom: boolean;
}

export const EXPORT_DEFAULTS: ExportFormValues = {
  name: '',
  templateId: null,
  contentType: '',
  format: 'json',
  fields: null,
  locale: '',
  status: 'draft',
  relationsAs: 'documentId',
  filters: '',
  sort: '',
  includeTimestamps: false,
  csvDelimiter: ',',
  csvBom: false,
};

/** The filters text as an object: `{}` when empty, or the reason it is not usable. */
export const parseFilters = (
  text: string
): { value: Record<string, unknown> | undefined; error?: undefined } | { value?: undefined; error: FormErrorKey } => {
  if (text.trim() === '') return { value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'invalidJson' };
  }
  return isPlainObject(value) ? { value } : { error: 'notAnObject' };
};

export type ExportFormField = 'contentType' | 'filters' | 'fields' | 'sort';

export const validateExportForm = (values: ExportFormValues): FormErrors<ExportFormField> => {
  const errors: FormErrors<ExportFormField> = {};
  if (!values.contentType) errors.contentType = 'required';
  const filters = parseFilters(values.filters);
  if (filters.error) errors.filters = filters.error;
  if (values.fields !== null && values.fields.length === 0) errors.fields = 'noFields';
  if (parseSort(values.sort).invalid.length > 0) errors.sort = 'invalidSort';
  return errors;
};

/** Whether the content type has relations to other content types (the `relationsAs` choice applies to them). */
export const relationTargets = (contentType: ContentTypeInfo | undefined): string[] =>
  [
    ...new Set(
      (contentType?.attributes ?? [])
        .filter((attribute) => attribute.type === 'relation' && attribute.target)
        .map((attribute) => attribute.target as string)
    ),
  ];

/**
 * The keys relations can be written as: `documentId`, and every unique attribute of a relation's target
 * (in order of first appearance across the targets).
 */
export const relationKeys = (contentType: ContentTypeInfo | undefined, contentTypes: readonly ContentTypeInfo[]): string[] => {
  const keys = ['documentId'];
  for (const target of relationTargets(contentType)) {
    for (const key of contentTypes.find((candidate) => candidate.uid === target)?.matchKeys ?? []) {
      if (!keys.includes(key)) keys.push(key);
    }
  }
  return keys;
};

/**
 * The export options of the form. Only what applies to the content type is sent (locale on localized types,
 * status on draft-and-publish types, the relation key when there are relations); `fields` is left out when all
 * are selected.
 */
export const buildExportOptions = (values: ExportFormValues, contentType: ContentTypeInfo | undefined): ExportOptions => {
  const options: ExportOptions = { contentType: values.contentType, format: values.format };
  const allFields = contentType?.attributes.map((attribute) => attribute.name) ?? [];
  if (values.fields !== null && !allFields.every((field) => values.fields?.includes(field))) {
    options.fields = allFields.filter((field) => values.fields?.includes(field));
  }
  const filters = parseFilters(values.filters).value;
  if (filters && Object.keys(filters).length > 0) options.filters = filters;
  const sort = parseSort(values.sort).value;
  if (sort !== undefined) options.sort = sort;
  if (contentType?.localized && values.locale) options.locale = values.locale;
  if (contentType?.draftAndPublish) options.status = values.status;
  if (relationTargets(contentType).length > 0 && values.relationsAs) options.relationsAs = values.relationsAs;
  if (values.includeTimestamps) options.includeTimestamps = true;
  if (values.format === 'csv' && values.csvDelimiter !== ',') options.csvDelimiter = values.csvDelimiter;
  if (values.format === 'csv' && values.csvBom) options.csvBom = true;
  if (values.templateId !== null) options.templateId = values.templateId;
  if (values.name.trim()) options.name = values.name.trim();
  return options;
};

/** What a template saves: the options, without the task's own name and template link. */
export const templateOptions = <T extends ExportOptions | ImportOptions>(options: T): T => {
  const { name: _name, templateId: _templateId, dryRun: _dryRun, ...rest } = options as T & { dryRun?: boolean };
  return rest as T;
};

/** The export form filled from a template's options (what it does not say keeps its default). */
export const exportValuesFromTemplate = (template: Template): ExportFormValues => {
  const options = template.options as ExportOptions;
  return {
    ...EXPORT_DEFAULTS,
    templateId: template.id,
    contentType: template.contentType,
    format: oneOf(FORMATS, options.format) ?? EXPORT_DEFAULTS.format,
    fields: Array.isArray(options.fields) ? [...options.fields] : null,
    locale: typeof options.locale === 'string' ? options.locale : '',
    status: oneOf(ENTRY_STATUSES, options.status) ?? EXPORT_DEFAULTS.status,
    relationsAs: typeof options.relationsAs === 'string' ? options.relationsAs : EXPORT_DEFAULTS.relationsAs,
    filters: isPlainObject(options.filters) ? JSON.stringify(options.filters, null, 2) : '',
    sort: sortText(options.sort),
    includeTimestamps: options.includeTimestamps === true,
    csvDelimiter: oneOf(CSV_DELIMITERS, options.csvDelimiter) ?? EXPORT_DEFAULTS.csvDelimiter,
    csvBom: options.csvBom === true,
  };
};

/* ------------------------------------------------------------------------------------------------------------
 * Import
 * ---------------------------------------------------------------------------------------------------------- */

export interface ImportFormValues {
  name: string;
  templateId: TemplateId | null;
  contentType: string;
  /** '' until a file says it (by its name or its first bytes). */
  format: Format | '';
  importStrategy: ImportStrategy;
  updateStrategy: UpdateStrategy;
  onError: OnError;
  matchBy: string;
  /** A locale code, or '' for each item's own locale (else the default one). */
  locale: string;
  status: EntryStatus;
  mapping: MappingRow[];
  /** Computed fields: attributes filled by JSONata expressions from the whole item. */
  computed: ComputedRow[];
  /** CSV: '' for the header row's own delimiter (detected), else the one to use. */
  csvDelimiter: CsvDelimiter | '';
  /** CSV and XLSX: numbers written with a decimal comma (`48,8566`). */
  decimalComma: boolean;
  /**
   * Text formats (not XLSX): the file's encoding; '' until a file says it (guessed from its first bytes) or the user
   * or a template chooses it. UTF-8 is the server's default and is not sent.
   */
  encoding: TextEncoding | '';
  /** `run`: every entry through the Document Service (lifecycle hooks, entry webhooks); `skip` is the server's default, not sent. */
  lifecycles: Lifecycles;
}

export const IMPORT_DEFAULTS: ImportFormValues = {
  name: '',
  templateId: null,
  contentType: '',
  format: '',
  importStrategy: 'upsert',
  updateStrategy: 'patch',
  onError: 'stop',
  matchBy: 'documentId',
  locale: '',
  status: 'draft',
  mapping: [],
  computed: [],
  csvDelimiter: '',
  decimalComma: false,
  encoding: '',
  lifecycles: 'skip',
};

/** The settings an import form takes from somewhere else (a JSONT configuration, a template). */
export type ImportPreset = Partial<Omit<ImportFormValues, 'mapping' | 'name' | 'computed'>> & {
  fieldMapping?: Record<string, FieldMappingTarget>;
  computed?: Record<string, string>;
};

export type ImportFormField = 'file' | 'contentType' | 'mapping';

export const validateImportForm = (values: ImportFormValues, file: File | null): FormErrors<ImportFormField> => {
  const errors: FormErrors<ImportFormField> = {};
  if (!file) errors.file = 'required';
  if (!values.contentType) errors.contentType = 'required';
  const targets = values.mapping.map((row) => row.target).filter((target) => target !== null);
  if (new Set(targets).size !== targets.length) errors.mapping = 'duplicateTarget';
  else if (hasTransformErrors(values.mapping, values.computed)) errors.mapping = 'invalidTransform';
  return errors;
};

/** The import options of the form; locale and status only where the content type has them. */
export const buildImportOptions = (
  values: ImportFormValues,
  contentType: ContentTypeInfo | undefined,
  { dryRun = false }: { dryRun?: boolean } = {}
): ImportOptions => {
  const options: ImportOptions = {
    contentType: values.contentType,
    importStrategy: values.importStrategy,
    updateStrategy: values.updateStrategy,
    onError: values.onError,
    matchBy: values.matchBy,
  };
  if (values.format) options.format = values.format;
  // Only where they apply (the server refuses them for other formats).
  if (values.csvDelimiter && values.format === 'csv') options.csvDelimiter = values.csvDelimiter;
  if (values.decimalComma && (values.format === 'csv' || values.format === 'xlsx')) options.decimalComma = true;
  if (values.encoding && values.encoding !== 'utf-8' && values.format !== 'xlsx') options.encoding = values.encoding;
  if (values.lifecycles === 'run') options.lifecycles = 'run';
  const fieldMapping = toFieldMapping(values.mapping);
  if (fieldMapping) options.fieldMapping = fieldMapping;
  const computed = toComputed(values.computed);
  if (computed) options.computed = computed;
  if (contentType?.localized && values.locale) options.locale = values.locale;
  if (contentType?.draftAndPublish) options.status = values.status;
  if (dryRun) options.dryRun = true;
  if (values.templateId !== null) options.templateId = values.templateId;
  if (values.name.trim()) options.name = values.name.trim();
  return options;
};

/** The multipart body of `POST /import-tasks`: the file, and the options as a JSON string. */
export const buildImportFormData = (file: File, options: ImportOptions): FormData => {
  const body = new FormData();
  body.append('options', JSON.stringify(options));
  body.append('file', file, file.name);
  return body;
};

/** A template's import settings as a preset for the form. */
export const importPresetFromTemplate = (template: Template): ImportPreset => {
  const options = template.options as ImportOptions;
  const preset: ImportPreset = { templateId: template.id, contentType: template.contentType };
  const format = oneOf(FORMATS, options.format);
  if (format) preset.format = format;
  const importStrategy = oneOf(IMPORT_STRATEGIES, options.importStrategy);
  if (importStrategy) preset.importStrategy = importStrategy;
  const updateStrategy = oneOf(UPDATE_STRATEGIES, options.updateStrategy);
  if (updateStrategy) preset.updateStrategy = updateStrategy;
  const onError = oneOf(ON_ERROR, options.onError);
  if (onError) preset.onError = onError;
  if (typeof options.matchBy === 'string') preset.matchBy = options.matchBy;
  if (typeof options.locale === 'string') preset.locale = options.locale;
  const status = oneOf(ENTRY_STATUSES, options.status);
  if (status) preset.status = status;
  if (isPlainObject(options.fieldMapping)) preset.fieldMapping = options.fieldMapping as Record<string, FieldMappingTarget>;
  const computed = toComputed(fromComputed(options.computed));
  if (computed) preset.computed = computed;
  const csvDelimiter = oneOf(CSV_DELIMITERS, options.csvDelimiter);
  if (csvDelimiter) preset.csvDelimiter = csvDelimiter;
  if (options.decimalComma === true) preset.decimalComma = true;
  const encoding = oneOf(TEXT_ENCODINGS, options.encoding);
  if (encoding) preset.encoding = encoding;
  const lifecycles = oneOf(LIFECYCLES, options.lifecycles);
  if (lifecycles) preset.lifecycles = lifecycles;
  return preset;
};

const looseName = (value: string) => value.replace(/[-_\s]+/g, '').toLowerCase();

/**
 * The content type a JSONT configuration names: its `contentType` uid, or Liferay's `className` (a uid, or a
 * Java class name whose last part, without Liferay's `C_` object prefix, is the type's name), or Liferay's
 * `taskItemDelegateName`.
 */
export const contentTypeFromConfiguration = (
  configuration: Record<string, unknown>,
  contentTypes: readonly ContentTypeInfo[]
): string | undefined => {
  const byUid = (value: unknown) =>
    typeof value === 'string' ? contentTypes.find((contentType) => contentType.uid === value)?.uid : undefined;
  const byName = (value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const name = looseName((value.split(/[.#$/]/).pop() ?? '').replace(/^C_/, ''));
    if (name === '') return undefined;
    return contentTypes.find((contentType) =>
      [contentType.singularName, contentType.pluralName, contentType.displayName, contentType.uid.split('.').pop() ?? '']
        .map(looseName)
        .includes(name)
    )?.uid;
  };
  return (
    byUid(configuration.contentType) ??
    byUid(configuration.className) ??
    byName(configuration.taskItemDelegateName) ??
    byName(configuration.className) ??
    byName(configuration.contentType)
  );
};

const LIFERAY_CREATE: Record<string, ImportStrategy> = { INSERT: 'add-only', UPSERT: 'upsert' };
const LIFERAY_ON_ERROR: Record<string, OnError> = { ON_ERROR_FAIL: 'stop', ON_ERROR_CONTINUE: 'continue' };
const LIFERAY_UPDATE: Record<string, UpdateStrategy> = { PARTIAL_UPDATE: 'patch', UPDATE: 'overwrite' };

const liferay = <T>(table: Record<string, T>, value: unknown): T | undefined =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined;

/** The settings a JSONT file's configuration gives (our keys first, then Liferay's `parameters`). */
export const importPresetFromConfiguration = (
  configuration: Record<string, unknown>,
  contentTypes: readonly ContentTypeInfo[]
): ImportPreset => {
  const parameters = isPlainObject(configuration.parameters) ? configuration.parameters : {};
  const preset: ImportPreset = {};
  const contentType = contentTypeFromConfiguration(configuration, contentTypes);
  if (contentType) preset.contentType = contentType;
  const importStrategy =
    oneOf(IMPORT_STRATEGIES, configuration.importStrategy) ?? liferay(LIFERAY_CREATE, parameters.createStrategy);
  if (importStrategy) preset.importStrategy = importStrategy;
  const updateStrategy =
    oneOf(UPDATE_STRATEGIES, configuration.updateStrategy) ?? liferay(LIFERAY_UPDATE, parameters.updateStrategy);
  if (updateStrategy) preset.updateStrategy = updateStrategy;
  const onError = oneOf(ON_ERROR, configuration.onError) ?? liferay(LIFERAY_ON_ERROR, parameters.importStrategy);
  if (onError) preset.onError = onError;
  if (typeof configuration.matchBy === 'string') preset.matchBy = configuration.matchBy;
  if (typeof configuration.locale === 'string') preset.locale = configuration.locale;
  const status = oneOf(ENTRY_STATUSES, configuration.status);
  if (status) preset.status = status;
  if (isPlainObject(configuration.fieldMapping)) {
    preset.fieldMapping = Object.fromEntries(
      Object.entries(configuration.fieldMapping).filter(
        (entry): entry is [string, string | null] => typeof entry[1] === 'string' || entry[1] === null
      )
    );
  }
  return preset;
};

/** The form's settings from the defaults, then each preset in turn (later ones win), keeping name and mapping. */
export const applyPresets = (values: ImportFormValues, ...presets: ImportPreset[]): ImportFormValues => {
  // The computed fields are kept unless a preset (a template) brings its own.
  const next: ImportFormValues = { ...IMPORT_DEFAULTS, name: values.name, mapping: values.mapping, computed: values.computed ?? [] };
  for (const { fieldMapping: _fieldMapping, computed, ...preset } of presets) {
    Object.assign(next, preset);
    if (computed) next.computed = fromComputed(computed);
  }
  return next;
};

/** The saved mapping of the presets (later ones win, field by field). */
export const presetFieldMapping = (...presets: ImportPreset[]): Record<string, FieldMappingTarget> | undefined => {
  const mappings = presets
    .map((preset) => preset.fieldMapping)
    .filter((mapping): mapping is Record<string, FieldMappingTarget> => mapping !== undefined);
  return mappings.length > 0 ? Object.fromEntries(mappings.flatMap((mapping) => Object.entries(mapping))) : undefined;
};

/** The import form filled from a template (for the template form, which has no file). */
export const importValuesFromTemplate = (template: Template): ImportFormValues => {
  const preset = importPresetFromTemplate(template);
  return { ...applyPresets(IMPORT_DEFAULTS, preset), mapping: fromFieldMapping(preset.fieldMapping) };
};

/** A name no template of the list has: `Articles (copy)`, `Articles (copy 2)`, ... */
export const copyName = (name: string, taken: readonly string[]): string => {
  const base = `${name} (copy)`;
  if (!taken.includes(base)) return base;
  let index = 2;
  while (taken.includes(`${name} (copy ${index})`)) index += 1;
  return `${name} (copy ${index})`;
};
