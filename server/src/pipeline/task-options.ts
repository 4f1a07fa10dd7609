import type { FieldMappingTarget, Lifecycles, CsvDelimiter, MigrationSource, EntryStatus, TextEncoding, Format, ImportStrategy, INVALID_UTF8, OnError, TemplateId, UpdateStrategy } from '../../../shared/contracts';

/**
 * The options a task runs with, once validated and resolved (validation/import-options.ts, export-options.ts:
 * request options > template > JSONT configuration > defaults). The pipeline reads these; it never validates a
 * request itself.
 */

export interface ResolvedImportOptions {
  contentType: string;
  format: Format;
  importStrategy: ImportStrategy;
  updateStrategy: UpdateStrategy;
  onError: OnError;
  matchBy: string;
  fieldMapping: Record<string, FieldMappingTarget>;
  /** Attributes computed by JSONata expressions from the whole item (absent in tasks created before transforms). */
  computed?: Record<string, string>;
  locale: string | null;
  status: EntryStatus | null;
  dryRun: boolean;
  templateId: TemplateId | null;
  name: string;
  invalidUtf8: (typeof INVALID_UTF8)[number];
  /** The upload's encoding (the stored file is UTF-8: converted when the task was created). */
  encoding: TextEncoding;
  /** CSV: the delimiter given (null: the header row's own). */
  csvDelimiter: CsvDelimiter | null;
  /** CSV and XLSX: number cells in decimal-comma notation. */
  decimalComma: boolean;
  /**
   * `run`: every entry through the Document Service (lifecycle hooks, Document Service middlewares and entry webhooks
   * fire); `skip`: the bulk path where it applies. Absent in tasks created before the option existed: `skip`.
   */
  lifecycles?: Lifecycles;
  /** A migration (POST /migration-tasks): the entries it imports instead of a file (a snapshot taken when it starts). */
  source?: MigrationSource;
  /**
   * A file with encrypted private attributes (README, *Secrets*): which ones. The key is never here: it is held in the
   * memory of the server that received the task (services/tasks/secret-keys.ts).
   */
  secrets?: { encrypted: string[] };
}

export interface ResolvedExportOptions {
  contentType: string;
  format: Format;
  /** Attribute names, in schema order. */
  fields: string[];
  filters: Record<string, unknown> | null;
  /** A locale code, `all`, or null (the default locale of a localized type). */
  locale: string | null;
  status: EntryStatus | null;
  sort: string[] | null;
  /** documentId, or a unique attribute written for each reference whose target has it. */
  relationsAs: string;
  includeTimestamps: boolean;
  /** CSV: the delimiter and whether the file starts with a byte order mark. */
  csvDelimiter: CsvDelimiter;
  csvBom: boolean;
  templateId: TemplateId | null;
  name: string;
  /** With secrets: the private attributes written encrypted (the password is never here: services/tasks/secret-keys.ts). */
  secrets?: { encrypted: string[] };
}
