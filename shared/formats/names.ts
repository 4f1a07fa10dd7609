/**
 * The formats, as both sides of the plugin know them: names, labels, file name endings, whether a format is
 * tabular, and how the first bytes of a file tell its format. No Node import: the admin bundles this file, so the
 * import wizard and the server read a file's head with the same code (one detection, not two).
 *
 * A new format adds its entry to `FORMAT_INFO` (and its `detect` in ./detect.ts), then its server module under
 * server/src/pipeline/formats/ (docs/formats.md).
 */

export const FORMATS = ['json', 'jsonl', 'jsont', 'csv', 'xlsx'] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatInfo {
  name: Format;
  /** What the admin shows. */
  label: string;
  /** File name endings, lower case, without the dot: `['jsonl', 'ndjson']`. The first is used for exports. */
  extensions: readonly string[];
  /**
   * Rows under a header row (CSV, XLSX): the reader maps the columns itself (`resolveColumns`) and the items
   * it yields are already keyed by attribute, so no field mapping applies after it.
   */
  tabular: boolean;
  /** The MIME type of a download. */
  mimeType: string;
}

export const FORMAT_INFO: { readonly [F in Format]: FormatInfo & { name: F } } = {
  json: { name: 'json', label: 'JSON', extensions: ['json'], tabular: false, mimeType: 'application/json' },
  jsonl: { name: 'jsonl', label: 'JSONL', extensions: ['jsonl', 'ndjson'], tabular: false, mimeType: 'application/x-ndjson' },
  jsont: {
    name: 'jsont',
    label: 'JSONT',
    extensions: ['jsont', 'batch-engine-data.json'],
    tabular: false,
    mimeType: 'application/json',
  },
  csv: { name: 'csv', label: 'CSV', extensions: ['csv'], tabular: true, mimeType: 'text/csv' },
  xlsx: {
    name: 'xlsx',
    label: 'XLSX',
    extensions: ['xlsx'],
    tabular: true,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
};

export const isFormat = (value: unknown): value is Format => (FORMATS as readonly unknown[]).includes(value);

/** The order formats are sniffed in: XLSX (a zip) and the JSON family first (CSV would take almost any text). */
export const SNIFF_ORDER: readonly Format[] = ['xlsx', 'json', 'jsont', 'jsonl', 'csv'];

/** How much of a file detection needs. */
export const HEAD_LENGTH = 64 * 1024;

/** `.json, .jsonl, .jsont, .csv`: each format's main ending, for a file input's `accept` and the admin's hints. */
export const ACCEPTED_EXTENSIONS: readonly string[] = FORMATS.map((format) => `.${FORMAT_INFO[format].extensions[0]}`);

/** `.json, .jsonl, .jsont or .csv`: the accepted endings, for messages. */
export const acceptedEndings = (): string =>
  `${ACCEPTED_EXTENSIONS.slice(0, -1).join(', ')} or ${ACCEPTED_EXTENSIONS[ACCEPTED_EXTENSIONS.length - 1]}`;

/** The format a file name's ending says, the longest ending winning (`x.batch-engine-data.json` is JSONT). */
export const formatOfFileName = (fileName: string): Format | null => {
  const name = fileName.toLowerCase();
  let found: { format: Format; length: number } | null = null;
  for (const format of SNIFF_ORDER) {
    for (const extension of FORMAT_INFO[format].extensions) {
      if (name.endsWith(`.${extension}`) && (!found || extension.length > found.length)) {
        found = { format, length: extension.length };
      }
    }
  }
  return found?.format ?? null;
};
