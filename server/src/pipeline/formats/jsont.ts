import type { Readable } from 'node:stream';

import {
  ENTRY_STATUSES,
  IMPORT_STRATEGIES,
  ON_ERROR,
  UPDATE_STRATEGIES,
  type ImportOptions,
} from '../../../../shared/contracts';
import { DETECT, FORMAT_INFO, headText } from '../../../../shared/formats';
import { isPlainObject, streamChunks, streamItems } from './common';
import { JsonItemParser, indentJson, indentJsonList, readHeader } from './json';
import { readLimits, type ReadLimits } from './limits';
import type { FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from './types';
import { writeText } from './write-text';

/**
 * JSONT: `{ "configuration": {...}, "items": [...] }`, the keys in either order, compatible with Liferay's
 * `*.batch-engine-data.json` batch files. `read()` streams the items (same rules as JSON); `readConfiguration()`
 * reads the configuration alone (and stops there), `toImportOptions()` turns it into import options.
 */

/** The import options a JSONT configuration can carry, plus what the caller must check itself. */
export type JsontImportOptions = Pick<
  ImportOptions,
  'contentType' | 'importStrategy' | 'updateStrategy' | 'onError' | 'matchBy' | 'fieldMapping' | 'locale' | 'status'
> & {
  /** The format version the file was written with. */
  formatVersion?: number;
  /** Liferay's `className` when it is not a Strapi content-type uid: the caller reports it. */
  className?: string;
};

/**
 * The configuration of a JSONT file, or null when it has none. Reads only up to the start of the items when the
 * configuration comes first, a full pass over the items when it comes after them.
 */
export const readConfiguration = async (
  open: () => Readable,
  limits?: Partial<ReadLimits>
): Promise<Record<string, unknown> | null> => {
  const header = await readHeader(open, limits);
  if (header.root !== 'an object') {
    throw new Error(`Expected a JSONT object with "configuration" and "items", found ${header.root}`);
  }
  return header.configuration;
};

const STRAPI_UID = /^(?:api|plugin)::[\w-]+\.[\w-]+$/;

/** Liferay's `parameters` values and ours. */
const LIFERAY_VALUES = {
  createStrategy: { INSERT: 'add-only', UPSERT: 'upsert' },
  importStrategy: { ON_ERROR_FAIL: 'stop', ON_ERROR_CONTINUE: 'continue' },
  updateStrategy: { PARTIAL_UPDATE: 'patch', UPDATE: 'overwrite' },
} as const;

const invalid = (key: string, value: unknown, expected: string) =>
  new Error(`Invalid ${key} ${JSON.stringify(value)} in the JSONT configuration: expected ${expected}`);

const oneOf = <T extends string>(key: string, value: unknown, allowed: readonly T[]): T => {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw invalid(key, value, allowed.join(' or '));
};

const text = (key: string, value: unknown): string => {
  if (typeof value === 'string' && value !== '') return value;
  throw invalid(key, value, 'a non-empty string');
};

const liferayValue = <K extends keyof typeof LIFERAY_VALUES>(
  key: K,
  value: unknown
): (typeof LIFERAY_VALUES)[K][keyof (typeof LIFERAY_VALUES)[K]] => {
  const values = LIFERAY_VALUES[key];
  const name = typeof value === 'string' ? value.toUpperCase() : '';
  if (Object.prototype.hasOwnProperty.call(values, name)) return values[name as keyof typeof values];
  throw invalid(`parameters.${key}`, value, Object.keys(values).join(' or '));
};

const fieldMappingOf = (value: unknown): Record<string, string | null> => {
  if (!isPlainObject(value)) throw invalid('fieldMapping', value, 'an object of "source field": "attribute" pairs');
  const mapping: Record<string, string | null> = {};
  for (const [source, target] of Object.entries(value)) {
    if (target !== null && typeof target !== 'string')
      throw invalid(`fieldMapping.${source}`, target, 'a string or null');
    Object.defineProperty(mapping, source, { value: target, enumerable: true, writable: true, configurable: true });
  }
  return mapping;
};

/**
 * Normalises a JSONT configuration into import options: our keys (`contentType`, `importStrategy`,
 * `updateStrategy`, `onError`, `matchBy`, `fieldMapping`, `locale`, `status`, `formatVersion`) and Liferay's
 * (`className`, `parameters.createStrategy|importStrategy|updateStrategy`); ours win when both are given. Other
 * keys (Liferay's `taskItemDelegateName`, `version`, ...) are ignored. A known key with an unknown value throws.
 */
export const toImportOptions = (configuration: Record<string, unknown>): JsontImportOptions => {
  const options: JsontImportOptions = {};
  const parameters = configuration.parameters;
  if (parameters !== undefined && parameters !== null) {
    if (!isPlainObject(parameters)) throw invalid('parameters', parameters, 'an object');
    if (parameters.createStrategy !== undefined)
      options.importStrategy = liferayValue('createStrategy', parameters.createStrategy);
    if (parameters.importStrategy !== undefined)
      options.onError = liferayValue('importStrategy', parameters.importStrategy);
    if (parameters.updateStrategy !== undefined)
      options.updateStrategy = liferayValue('updateStrategy', parameters.updateStrategy);
  }
  if (configuration.className !== undefined) {
    const className = text('className', configuration.className);
    if (STRAPI_UID.test(className)) options.contentType = className;
    else options.className = className;
  }

  if (configuration.contentType !== undefined) options.contentType = text('contentType', configuration.contentType);
  if (configuration.importStrategy !== undefined)
    options.importStrategy = oneOf('importStrategy', configuration.importStrategy, IMPORT_STRATEGIES);
  if (configuration.updateStrategy !== undefined)
    options.updateStrategy = oneOf('updateStrategy', configuration.updateStrategy, UPDATE_STRATEGIES);
  if (configuration.onError !== undefined) options.onError = oneOf('onError', configuration.onError, ON_ERROR);
  if (configuration.matchBy !== undefined) options.matchBy = text('matchBy', configuration.matchBy);
  if (configuration.fieldMapping !== undefined) options.fieldMapping = fieldMappingOf(configuration.fieldMapping);
  if (configuration.locale !== undefined) options.locale = text('locale', configuration.locale);
  if (configuration.status !== undefined) options.status = oneOf('status', configuration.status, ENTRY_STATUSES);
  if (configuration.formatVersion !== undefined) {
    if (
      typeof configuration.formatVersion !== 'number' ||
      !Number.isInteger(configuration.formatVersion) ||
      configuration.formatVersion < 1
    )
      throw invalid('formatVersion', configuration.formatVersion, 'a positive integer');
    options.formatVersion = configuration.formatVersion;
  }
  return options;
};

/**
 * `{\n  "configuration": {...},\n  "items": [\n    {...},\n    {...}\n  ]\n}\n`: the configuration first, each
 * item as `JSON.stringify(item, null, 2)` indented. `formatVersion`, when given and not in the configuration,
 * is written as its first key.
 */
export const createJsontWriter = (options: WriteOptions): FormatWriter => {
  const given = options.configuration ?? {};
  const configuration =
    options.formatVersion !== undefined && !('formatVersion' in given)
      ? { formatVersion: options.formatVersion, ...given }
      : given;
  let count = 0;
  return {
    begin: () =>
      `{\n  "configuration": ${indentJson(configuration, '  ')},\n${options.secrets ? `  "secrets": ${indentJson(options.secrets, '  ')},\n` : ''}  "items": [`,
    item: (value) => {
      const separator = count === 0 ? '\n' : ',\n';
      count += 1;
      return `${separator}    ${indentJson(value, '    ')}`;
    },
    items: (values) => {
      if (values.length === 0) return '';
      const separator = count === 0 ? '\n' : ',\n';
      count += values.length;
      return `${separator}${indentJsonList(values, '    ')}`;
    },
    end: () => (count === 0 ? ']\n}\n' : '\n  ]\n}\n'),
  };
};

export const jsontFormat: FormatModule = {
  ...FORMAT_INFO.jsont,
  detect: (head) => DETECT.jsont(headText(head)),
  read: (open: () => Readable, options: ReadOptions) =>
    streamItems<SourceItem>(open, () => new JsonItemParser('jsont', readLimits(options.limits)), options),
  readChunks: (open: () => Readable, options: ReadOptions) =>
    streamChunks<SourceItem>(open, () => new JsonItemParser('jsont', readLimits(options.limits)), options),
  write: (pages, options) => writeText(createJsontWriter(options), pages),
  readHeader: async (open, limits) => {
    const header = await readHeader(open, limits);
    if (header.root !== 'an object') {
      throw new Error(`Expected a JSONT object with "configuration" and "items", found ${header.root}`);
    }
    return header;
  },
};

export default jsontFormat;
