import { FORMATS as FORMAT_NAMES, type Format } from '../../../../shared/contracts';
import { csvFormat } from './csv';
import { describeJsonHead, jsonFormat, looksLikeJsont } from './json';
import { jsonlFormat } from './jsonl';
import { jsontFormat } from './jsont';
import type { FormatModule } from './types';

export type { CsvColumn, FormatModule, FormatWriter, ReadOptions, SourceItem, WriteOptions } from './types';
export { readConfiguration, toImportOptions, type JsontImportOptions } from './jsont';
export { readHeader, type JsonHeader } from './json';

/** Every format, by name: adding a format means adding its file and one line here. */
export const FORMATS: Record<Format, FormatModule> = {
  json: jsonFormat,
  jsonl: jsonlFormat,
  jsont: jsontFormat,
  csv: csvFormat,
};

/** The order formats are sniffed in: the JSON family first (CSV would take almost any text). */
const SNIFF_ORDER: Format[] = ['json', 'jsont', 'jsonl', 'csv'];

/** How much of a file `detectFormat` needs. */
export const HEAD_LENGTH = 64 * 1024;

const isFormat = (value: unknown): value is Format => (FORMAT_NAMES as readonly unknown[]).includes(value);

/** The format a file name's ending says, the longest ending winning (`x.batch-engine-data.json` is JSONT). */
export const formatOfFileName = (fileName: string): Format | null => {
  const name = fileName.toLowerCase();
  let found: { format: Format; length: number } | null = null;
  for (const format of SNIFF_ORDER) {
    for (const extension of FORMATS[format].extensions) {
      if (name.endsWith(`.${extension}`) && (!found || extension.length > found.length)) {
        found = { format, length: extension.length };
      }
    }
  }
  return found?.format ?? null;
};

/**
 * The format of a file: the explicit option, else the file name's ending, else what its first bytes look like
 * (`head`: at most the first 64 KB; a UTF-8 BOM is ignored). A `.json` file whose content is a JSONT object with a
 * `configuration` (Liferay names its batch files `*.json`) is JSONT; `{ "formatVersion", "items" }` (a JSON export) is
 * JSON. Null when nothing matches.
 */
export const detectFormat = ({
  option,
  fileName,
  head,
}: {
  option?: Format | null;
  fileName?: string | null;
  head: string | Buffer;
}): Format | null => {
  if (isFormat(option)) return option;
  const text = (typeof head === 'string' ? head : head.toString('utf8')).replace(/^\uFEFF/, '');
  const byName = fileName ? formatOfFileName(fileName) : null;
  if (byName === 'json') {
    const json = describeJsonHead(text);
    if (looksLikeJsont(json) && json.keys.includes('configuration')) return 'jsont';
  }
  if (byName) return byName;
  return SNIFF_ORDER.find((format) => FORMATS[format].sniff(text)) ?? null;
};
