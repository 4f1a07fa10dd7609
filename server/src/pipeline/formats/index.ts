import type { Format } from '../../../../shared/formats';
import { csvFormat } from './csv';
import { jsonFormat } from './json';
import { jsonlFormat } from './jsonl';
import { jsontFormat } from './jsont';
import type { FormatModule } from './types';
import { xlsxFormat } from './xlsx';

export type { CsvColumn, FileHeader, FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from './types';
export { toImportOptions, type JsontImportOptions } from './jsont';
export { HEAD_LENGTH, detectFormat, formatOfFileName } from '../../../../shared/formats';

/**
 * Every format, by name: adding a format means adding its module and one line here (and its entry in
 * shared/formats: name, label, extensions, detection; docs/formats.md).
 */
export const FORMATS: Readonly<Record<Format, FormatModule>> = {
  json: jsonFormat,
  jsonl: jsonlFormat,
  jsont: jsontFormat,
  csv: csvFormat,
  xlsx: xlsxFormat,
};
