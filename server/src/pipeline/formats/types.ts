import type { Readable } from 'node:stream';
import type { AttributeInfo } from '../../../../shared/contracts';
import type { FormatInfo } from '../../../../shared/formats';
import type { ReadLimits } from './limits';

export type InvalidUtf8 = 'refuse' | 'replace';

/**
 * What every format module (json/, jsonl.ts, jsont.ts, csv/) exports: one object that knows how to detect, read
 * and write its format. Adding a format means adding one module and listing it in `./index.ts` (docs/formats.md).
 */

/** One item as read from a file, before mapping and validation. */
export interface SourceItem {
  /** 0-based position of the item in the file. */
  index: number;
  /** 1-based line where the item starts: JSONL and CSV always; JSON/JSONT when the parser knows it, else null. */
  line: number | null;
  /** The item, when it parsed. Keys are source field names (CSV: already mapped and decoded, see `CsvColumn`). */
  value?: Record<string, unknown>;
  /**
   * A malformed item that does not stop the file (a bad JSONL line, a CSV row with a bad cell): the message
   * names what is wrong and where (line, column, field). In `stop` mode the pipeline fails the task on it.
   */
  error?: string;
  /** The item's raw text, for the error report, when `value` is missing. */
  raw?: string;
}

/** Tabular formats (CSV): how one header maps onto the content type (the importer builds these from the header row). */
export interface CsvColumn {
  /** The header as written in the file. */
  header: string;
  /**
   * Where the decoded cell goes in the item: `['title']`, `['seo', 'metaTitle']` for a component field.
   * `null`: the column is ignored (a field mapping to null).
   */
  path: string[] | null;
  /** The target attribute, which decides how the cell text is decoded; undefined for an unknown column (kept as text). */
  attribute?: AttributeInfo;
  /**
   * A relation written by a key of its target (header `category.slug`, `tags.name`): the cell holds the key's value,
   * a to-many relation's values separated by `|` (`\|` and `\\` in a value); the item gets `{ slug: "news" }`.
   */
  referenceKey?: string;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** The reader's limits (nesting depth, item length, CSV columns); unset ones take `DEFAULT_READ_LIMITS`. */
  limits?: Partial<ReadLimits>;
  /** Invalid UTF-8: `refuse` (default) fails the read naming the byte offset and line; `replace` reads U+FFFD. */
  invalidUtf8?: InvalidUtf8;
  /** Tabular formats (CSV): turns the header row into column descriptions (applies the field mapping). */
  resolveColumns?: (headers: string[]) => CsvColumn[];
  /** CSV: the delimiter, instead of the one the header row shows. */
  csvDelimiter?: string | null;
  /** Tabular formats: number cells in decimal-comma notation (`48,8566`, `1.234,5`). */
  decimalComma?: boolean;
}

export interface WriteOptions {
  /** The attributes written, in order (schema order of the selected fields). */
  attributes: AttributeInfo[];
  /** Extra leading keys written before the attributes, in order: `documentId`, `locale` (and timestamps if asked). */
  leadingKeys: string[];
  /** Trailing keys written after the attributes (`createdAt`, `updatedAt`, `publishedAt` when asked). */
  trailingKeys?: string[];
  /** JSONT: the configuration object written before `items`. */
  configuration?: Record<string, unknown>;
  /** JSON and JSONT: the format version written with the file. */
  formatVersion?: number;
  /** JSON and JSONT: the header of the file's encrypted private attributes (pipeline/secrets.ts), written before the items. */
  secrets?: Record<string, unknown>;
  /**
   * Tabular formats: the key a relation to `target` is written by (the export's relationsAs where the target has it,
   * else documentId). A key other than documentId makes the column `category.slug` holding plain values.
   */
  referenceKey?: (target: string) => string;
  /** CSV: the delimiter (default `,`) and whether the file starts with a UTF-8 byte order mark. */
  csvDelimiter?: string;
  csvBom?: boolean;
}

/** Serialises items to text: `begin()`, then `item()` for each, then `end()`; concatenated they are the file. */
export interface FormatWriter {
  begin(): string;
  item(value: Record<string, unknown>): string;
  /** Several items at once (an export's page): the same text as `item()` for each, in one go where that is faster. */
  items?(values: Array<Record<string, unknown>>): string;
  end(): string;
}

/** What precedes the items of a file, for formats that have one (JSON, JSONT): format version, configuration. */
export interface FileHeader {
  /** The top-level `formatVersion`, as written (undefined when absent). */
  formatVersion?: unknown;
  /** A JSONT configuration (null when there is none). */
  configuration: Record<string, unknown> | null;
  /** The top-level `secrets` (encrypted private attributes), as written (undefined when absent). */
  secrets?: unknown;
  /** The header shows the file is of another format than the one detected (a `.json` file holding a JSONT). */
  actually?: FormatInfo['name'];
}

export interface FormatModule extends FormatInfo {
  /** Whether the beginning of a file (at most the first 64 KB) looks like this format. */
  detect(head: Uint8Array): boolean;
  /**
   * The file's items, streamed: a bounded amount in memory whatever the file's size. A syntax error that makes
   * the rest of the file unreadable throws an Error whose message names the line and column.
   * `open` returns a fresh stream of the file's bytes each time it is called (JSONT may read twice).
   */
  read(open: () => Readable, options: ReadOptions): AsyncIterable<SourceItem>;
  /** The same items in chunks, in file order (what the parser holds at a time): what an import consumes. */
  readChunks(open: () => Readable, options: ReadOptions): AsyncIterable<SourceItem[]>;
  /** The file's bytes for the items, given page by page (an export's pages): a bounded amount in memory. */
  write(pages: AsyncIterable<Array<Record<string, unknown>>>, options: WriteOptions): AsyncIterable<Uint8Array>;
  /**
   * Formats whose items follow a header: reads it (up to the items when the header comes first). Throws an Error
   * naming what is wrong (the import refuses the file with it).
   */
  readHeader?(open: () => Readable, limits?: Partial<ReadLimits>): Promise<FileHeader>;
}
