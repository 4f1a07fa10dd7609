/**
 * The admin API contract of the Data Migration Center (README, *Admin API*).
 *
 * One place for every request and response shape: the server's controllers and the admin UI both import
 * from here, so neither can drift from the other. One `namespace` per endpoint, each with `Request` and
 * `Response`, as Strapi's own plugins do.
 */

export const PLUGIN_ID = 'data-migration-center';

/* ------------------------------------------------------------------------------------------------------------
 * Vocabulary
 * ---------------------------------------------------------------------------------------------------------- */

export { FORMATS, type Format } from '../formats/names';
export { CSV_DELIMITERS, type CsvDelimiter } from '../formats/detect';
export { TEXT_ENCODINGS, type TextEncoding } from '../formats/encoding';
import type { Format } from '../formats/names';
import type { CsvDelimiter } from '../formats/detect';
import type { TextEncoding } from '../formats/encoding';

export const TASK_KINDS = ['import', 'export', 'bundle-export', 'bundle-import', 'revert'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** What a template may be saved for (bundles have no templates yet). */
/** `bundle`: several content types, for bundle exports and bundle imports alike (docs/bundles.md, *Templates*). */
export const TEMPLATE_KINDS = ['import', 'export', 'bundle'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Tasks that write content: single-type imports, bundle imports, and reverts of either (they need `import`). */
export const isImportKind = (kind: TaskKind): boolean => kind === 'import' || kind === 'bundle-import' || kind === 'revert';

/** Tasks that write a file to download: single-type exports and bundle exports. */
export const isExportKind = (kind: TaskKind): boolean => kind === 'export' || kind === 'bundle-export';

export const TASK_STATUSES = [
  'queued',
  'running',
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses a task never leaves: it can be downloaded, deleted and saved as a template. */
export const FINISHED_STATUSES: readonly TaskStatus[] = [
  'completed',
  'completed-with-errors',
  'failed',
  'cancelled',
  'interrupted',
];

/**
 * `upsert` creates what is new and updates what exists; `add-only` creates, and an item that exists fails;
 * `skip-existing` creates, and an item that exists is left as it is (counted as skipped, not failed).
 */
export const IMPORT_STRATEGIES = ['add-only', 'upsert', 'skip-existing'] as const;
export type ImportStrategy = (typeof IMPORT_STRATEGIES)[number];

export const UPDATE_STRATEGIES = ['patch', 'overwrite'] as const;
export type UpdateStrategy = (typeof UPDATE_STRATEGIES)[number];

export const ON_ERROR = ['stop', 'continue'] as const;
/** What an import does with bytes that are not UTF-8: fail the task naming where (default), or read them as U+FFFD. */
export const INVALID_UTF8 = ['refuse', 'replace'] as const;
export type OnError = (typeof ON_ERROR)[number];

/**
 * Import option `lifecycles`: `skip` (default) writes new entries and plain updates through the bulk path, which
 * neither runs the app's lifecycle hooks and Document Service middlewares nor sends entry webhooks; `run` writes
 * every entry through the Document Service, so that they all fire (slower: docs/benchmarks.md).
 */
export const LIFECYCLES = ['skip', 'run'] as const;
export type Lifecycles = (typeof LIFECYCLES)[number];

export const ENTRY_STATUSES = ['draft', 'published'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** The permission actions, without their `plugin::data-migration-center.` prefix. */
export const ACTIONS = ['read', 'import', 'export', 'templates', 'environments'] as const;
export type Action = (typeof ACTIONS)[number];
export const permission = (action: Action) => `plugin::${PLUGIN_ID}.${action}` as const;
/** The action a task of this kind needs (to start it, cancel it, delete it). */
export const actionOfKind = (kind: TaskKind): Action => (isImportKind(kind) ? 'import' : 'export');

/**
 * A template's id: a number for the templates saved in the database, `shipped:<file name>` for the read-only ones
 * shipped with the plugin (its `templates/` folder), such as `shipped:articles-by-slug`.
 */
export type TemplateId = number | string;
export const SHIPPED_TEMPLATE_PREFIX = 'shipped:';
export const SHIPPED_TEMPLATE_ID = /^shipped:[a-z0-9][a-z0-9-]*$/;
export const isShippedTemplateId = (id: unknown): id is string => typeof id === 'string' && SHIPPED_TEMPLATE_ID.test(id);

/* ------------------------------------------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------------------------------------------- */

/** A field mapping entry with a JSONata transform: the expression's result goes to `to` (an attribute or dot path). */
export interface FieldTransform {
  to: string;
  transform: string;
}
/** A field mapping entry: an attribute (or dot path), `null` to ignore the field, or a transform. */
export type FieldMappingTarget = string | null | FieldTransform;
/** The attribute (or dot path) a mapping entry writes to; null: ignored. */
export const mappingTargetOf = (target: FieldMappingTarget): string | null =>
  target === null || typeof target === 'string' ? target : target.to;

export interface ImportOptions {
  contentType?: string;
  format?: Format;
  importStrategy?: ImportStrategy;
  updateStrategy?: UpdateStrategy;
  onError?: OnError;
  /** `documentId` (default) or any unique attribute: the natural key deciding whether an item exists. */
  matchBy?: string;
  /**
   * `{ "source field": "target attribute" }`; a target of `null` ignores the source field; `{ to, transform }`
   * writes the result of a JSONata expression (the source field's value as `$`, the whole item as `$item`).
   */
  fieldMapping?: Record<string, FieldMappingTarget>;
  /** `{ "attribute": "JSONata expression" }`: fields computed from the whole item (`$`). */
  computed?: Record<string, string>;
  locale?: string;
  status?: EntryStatus;
  dryRun?: boolean;
  templateId?: TemplateId;
  name?: string;
  /** Bytes that are not UTF-8: `refuse` (default) fails the task naming the byte offset and line; `replace`: U+FFFD. */
  invalidUtf8?: (typeof INVALID_UTF8)[number];
  /**
   * The file's text encoding: `utf-8` (default), `windows-1252` (Excel's CSV on a Western European Windows),
   * `utf-16le` or `utf-16be` (a UTF-16 file with its byte order mark is read as such whatever this says). Not for XLSX.
   */
  encoding?: TextEncoding;
  /** CSV: the delimiter, when the header row's own (detected: `,` `;` or tab, whichever it has most of) is not it. */
  csvDelimiter?: CsvDelimiter;
  /**
   * CSV and XLSX text cells of number attributes: `48,8566` is 48.8566 and `1.234.567,5` is 1234567.5 (a comma is
   * the decimal separator; dots, spaces and no-break spaces between groups of three digits group them).
   */
  decimalComma?: boolean;
  /** `skip` (default: the bulk path) or `run`: every entry through the Document Service (lifecycle hooks, entry webhooks). */
  lifecycles?: Lifecycles;
  /**
   * A migration's source (POST /migration-tasks): the task imports the entries of this content type, read as an
   * export reads them, instead of a file. Set by the server on the task; not an option of a file import.
   */
  source?: MigrationSource;
  /**
   * The password of a file with encrypted private attributes (an export with `secrets`). Never stored: the task's
   * stored options keep `{ encrypted: [...] }` (which attributes), never the password.
   */
  secrets?: SecretsOption;
}

/** What a migration reads: the entries of a content type, as a JSON export of them holds them. */
export interface MigrationSource {
  contentType: string;
  /** Attribute names; default: every non-private attribute the user may read. */
  fields?: string[];
  /** Strapi's filter syntax. */
  filters?: Record<string, unknown>;
  /** A locale code, or `all` (the default of a localized type): one item per locale version. */
  locale?: string;
  /** Draft & publish types: the version read (default `draft`). */
  status?: EntryStatus;
}

/**
 * POST /migration-tasks: migrate entries in place (issue 20). The import options of the target (default: the source
 * type itself, matched by documentId and updated with `patch`), without the options of files.
 */
export interface MigrationOptions
  extends Omit<ImportOptions, 'format' | 'encoding' | 'invalidUtf8' | 'csvDelimiter' | 'decimalComma' | 'source' | 'secrets'> {
  source: MigrationSource;
}

export interface ExportOptions {
  contentType?: string;
  format?: Format;
  /** Attribute names; default: every non-private attribute. */
  fields?: string[];
  /** Strapi's filter syntax. */
  filters?: Record<string, unknown>;
  /** A locale code, or `all` for one item per locale version. */
  locale?: string;
  status?: EntryStatus;
  sort?: string | string[];
  /** `documentId` (default) or a unique attribute of each relation's target. */
  relationsAs?: string;
  /** Opt-in volatile fields: `createdAt`, `updatedAt`, `publishedAt`. */
  includeTimestamps?: boolean;
  /** CSV: the delimiter (default `,`; `;` opens as columns in a European Excel; tab). */
  csvDelimiter?: CsvDelimiter;
  /** CSV: start the file with a UTF-8 byte order mark, which Excel needs to read accents (default false). */
  csvBom?: boolean;
  templateId?: TemplateId;
  name?: string;
  /**
   * Include the private attributes the user may read, each value encrypted under this password (JSON and JSONT).
   * Never stored: the task's stored options keep `{ encrypted: [...] }` (which attributes), never the password.
   */
  secrets?: SecretsOption;
}

/**
 * `secrets` of an export or import: `password` in a request; what a task stores instead is `encrypted`, the
 * attributes whose values the file carries encrypted (the password lives only in the memory of the server running it).
 */
export interface SecretsOption {
  password?: string;
  encrypted?: string[];
}

/** One content type of a bundle export: the single-type export's options (and defaults). */
export interface BundleTypeOptions {
  contentType: string;
  fields?: string[];
  filters?: Record<string, unknown>;
  locale?: string;
  status?: EntryStatus;
  relationsAs?: string;
}

/** POST /bundle-exports: several content types in one zip (docs/bundles.md). */
export interface BundleExportOptions {
  /** The types, or `all`: every offered `api::` type the user may read (required unless a template gives them). */
  types?: BundleTypeOptions[] | 'all';
  /** A bundle template: its types and options, which the request's own replace key by key (`types` whole). */
  templateId?: TemplateId;
  /** Also every entry the chosen entries refer to (relations, components' relations, media), transitively. */
  withDependencies?: boolean;
  /** Carry the files the entries use (`media.jsonl`, `media/<hash><ext>`). */
  media?: boolean;
  /** Carry the content-type and component definitions (`schemas/<uid>.json`). */
  definitions?: boolean;
  /** The manifest's `source` (default: the app's name). */
  source?: string;
  name?: string;
}

/* ------------------------------------------------------------------------------------------------------------
 * Resources
 * ---------------------------------------------------------------------------------------------------------- */

export interface TaskCounts {
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  /** Imports with `skip-existing`: items whose entry exists, left as it is. */
  skipped: number;
  failed: number;
}

/** Who created a task: an admin user, or an API token (on the content-API routes). */
export interface TaskCreator {
  kind: 'admin-user' | 'api-token';
  /** The admin user's id, or the API token's. */
  id: number;
  name: string;
}

export interface Task {
  id: number;
  kind: TaskKind;
  name: string;
  /** The content type's uid; '' for a batch file refused before its content type was known. */
  contentType: string;
  format: Format | null;
  status: TaskStatus;
  options: ImportOptions | ExportOptions | ResolvedBundleExportOptions | ResolvedBundleImportOptions | RevertOptions;
  counts: TaskCounts;
  /** 0..1; `null` while the total is unknown. */
  progress: number | null;
  error: string | null;
  fileName: string | null;
  hasErrorReport: boolean;
  /**
   * Whether the user who asked may download the task's files (its file, upload and error report): its creator, a
   * super admin, or a user who may read all of that content in the Content Manager. The list shows every task.
   */
  canDownload: boolean;
  /** An interrupted or cancelled `continue` import that can go on from its checkpoint (POST /tasks/:id/resume). */
  resumable: boolean;
  /** While it waits for another task that writes the same content type (their writes never interleave): its id. */
  waitingFor: number | null;
  /**
   * Once finished: for an import, which write path ran (`bulk`, `document-service`, `bulk+document-service`); for
   * an export, which read path (`lean`, `document-service`).
   */
  writePath: string | null;
  /** A bundle import once finished: what each type did, in import order. */
  typeCounts: BundleImportTypeCounts[] | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: TaskCreator | null;
  /** A scheduled run (README, *Scheduled exports*): its template and the slot it ran for (ISO); else null. */
  scheduled: { templateId: number; slot: string } | null;
  /** An import that was reverted (README, *Undo*): the revert task that did it; else null. */
  revertedBy: number | null;
  /** An import that a revert can undo now (it wrote, kept pre-images, and was not reverted). */
  revertable: boolean;
}

/** A revert task's options (POST /tasks/:id/revert): the import it undoes, and whether to override conflicts. */
export interface RevertOptions {
  taskId: number;
  force: boolean;
  /** The content types it writes (a bundle's types): its write locks. */
  types: string[];
}

/**
 * POST /tasks/:id/revert `{ force? }`: a revert task for a finished import (README, *Undo*). 202 with the queued
 * task (200 with the finished task with `?wait=true`); 409 for a task that cannot be reverted (running, a dry run,
 * an export, nothing kept, already reverted, pre-images removed by the retention).
 */
export declare namespace RevertTask {
  interface Request {
    params: { id: string };
    body: { force?: boolean };
  }
  interface Response {
    data: Task;
  }
}

/**
 * Strapi webhook events the center emits once a task has finished and its final state is stored (README, *Webhooks*):
 * `completed` for `completed` and `completed-with-errors`, `failed` for `failed`. Cancelled and interrupted tasks
 * emit nothing.
 */
export const TASK_EVENTS = {
  completed: 'data-migration-center.task.completed',
  failed: 'data-migration-center.task.failed',
} as const;
export type TaskEvent = (typeof TASK_EVENTS)[keyof typeof TASK_EVENTS];

/** The `task` a task event carries (Strapi posts `{ event, createdAt, task }` to each webhook's URL). */
export interface TaskEventPayload {
  id: number;
  kind: TaskKind;
  name: string;
  contentType: string;
  format: Format | null;
  status: TaskStatus;
  counts: TaskCounts;
  error: string | null;
  writePath: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: TaskCreator | null;
}

export interface Template {
  id: TemplateId;
  name: string;
  kind: TemplateKind;
  /** The content type of an import or export template; '' for a bundle template (its options name its types). */
  contentType: string;
  options: ImportOptions | ExportOptions | BundleTemplateOptions;
  description: string | null;
  /** Shipped with the plugin (from its `templates/` folder): listed, runnable, never edited or deleted. */
  readOnly: boolean;
  /**
   * Why the template cannot run any more, naming the attribute (its content type or an attribute its options name
   * was removed or changed), or null. A task started with a broken template is refused with this reason.
   */
  broken: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /**
   * When the template runs by itself (export and bundle templates only; README, *Scheduled exports*), or null.
   * Shipped templates have none.
   */
  schedule: TemplateSchedule | null;
  /** The next time the schedule runs (ISO), or null without a schedule. */
  nextRunAt: string | null;
  /** The slot of the last scheduled run (ISO), or null when it has not run yet. */
  lastRunAt: string | null;
  /** The task of the last scheduled run and its status, or null (none yet, or that task was deleted). */
  lastRun: { taskId: number; status: TaskStatus } | null;
  /** A bundle template whose schedule pushes: what the last push did, or null (none yet). */
  lastPush: ScheduledPush | null;
}

/** What sending a scheduled bundle export to its environment did (services/schedules/push.ts). */
export interface ScheduledPush {
  /** The scheduled run (a bundle export of this instance). */
  taskId: number;
  environmentId: number;
  /** The bundle import it started there (queued when sent), or null when the push failed. */
  remoteTaskId: number | null;
  status: 'sent' | 'failed';
  error: string | null;
  at: string;
}

/** A template's schedule: a cron expression of five fields (minute hour day-of-month month day-of-week). */
export interface TemplateSchedule {
  /** Such as `0 3 * * *` (every day at 03:00) or `*\/15 * * * *` (every 15 minutes). */
  cron: string;
  /** The IANA time zone the cron expression is read in, such as `Europe/Paris`; default `UTC`. */
  timezone: string;
  /** How many of its scheduled runs (tasks with their files) are kept; older ones are deleted. null: all kept. */
  keep: number | null;
  /**
   * Bundle templates: each completed run is sent to this saved environment and imported there with these bundle
   * import options (README, *Scheduled exports*). null: none.
   */
  push?: SchedulePush | null;
}

export interface SchedulePush {
  environmentId: number;
  /** The bundle import's options there: onError, dryRun, types with importStrategy, matchBy... */
  options: Record<string, unknown>;
}

export type AttributeType =
  | 'string'
  | 'text'
  | 'richtext'
  | 'blocks'
  | 'email'
  | 'password'
  | 'uid'
  | 'enumeration'
  | 'integer'
  | 'biginteger'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'time'
  | 'datetime'
  | 'timestamp'
  | 'json'
  | 'media'
  | 'relation'
  | 'component'
  | 'dynamiczone';

export interface AttributeInfo {
  name: string;
  type: AttributeType;
  required: boolean;
  unique: boolean;
  /** True only for private attributes the app's plugin config lets the center offer (`allowPrivateFields`). */
  private: boolean;
  /** Relations: the relation kind (`manyToOne`, `manyToMany`, ...) and the target content type's uid. */
  relation?: string;
  target?: string;
  /** Components: the component's uid; dynamic zones: the allowed components. */
  component?: string;
  components?: string[];
  /** Repeatable components and multiple media. */
  multiple?: boolean;
  /** Enumerations: the allowed values. */
  enum?: string[];
  /** Whether the attribute is localized (i18n) on a localized type. */
  localized?: boolean;
  /** Component attributes: the component's own attributes, for dot paths such as `seo.metaTitle`. */
  attributes?: AttributeInfo[];
}

export interface ContentTypeInfo {
  uid: string;
  kind: 'collectionType' | 'singleType';
  displayName: string;
  singularName: string;
  pluralName: string;
  draftAndPublish: boolean;
  localized: boolean;
  /** Attribute names usable as `matchBy` / `relationsAs`: `documentId` and every unique scalar attribute. */
  matchKeys: string[];
  attributes: AttributeInfo[];
  /** What the user who asked may do with it in the Content Manager (GET /content-types). */
  access?: ContentTypeAccess;
}

/**
 * A user's Content Manager permissions on a content type, as the center applies them: the admin offers only what
 * they allow (exports need `read`; imports `create` or `update`; `status: published` needs `publish`).
 */
export interface ContentTypeAccess {
  read: boolean;
  create: boolean;
  update: boolean;
  publish: boolean;
  /** The attributes the user may read (in whole, or some fields of a component). */
  readable: string[];
  /** The attributes the user may create or update (in whole, or some fields of a component). */
  writable: string[];
}

/** One failed item of a task's error report (GET /tasks/:id/error-report). */
export type ErrorReportStage = 'read' | 'map' | 'validate' | 'resolve' | 'write';

export interface ErrorReportRow {
  /** A bundle import's rows: the content type of the item (its `content/<uid>.jsonl`). */
  contentType?: string;
  /**
   * The item's position in the file counting from 1: the same number as "item N" in the admin and the messages.
   * (Reports written before it existed carried `itemIndex`, counting from 0: the server reads them with
   * `itemNumber` = `itemIndex` + 1.)
   */
  itemNumber: number;
  /** 1-based line (JSONL, CSV), when known. */
  line: number | null;
  /** The matchBy value, if any. */
  key: string | number | null;
  /**
   * The stage that found the problem (read, map, validate, resolve, write). Absent in reports written before the
   * column existed (a resumed task continues such a report).
   */
  stage?: ErrorReportStage;
  /** The attribute (or dot path) at fault, when one is; absent in older reports. */
  field?: string | null;
  /** What was wrong, naming the field. */
  message: string;
  /** The item as read (or its raw text when it did not parse). */
  item: unknown;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}

/* ------------------------------------------------------------------------------------------------------------
 * Endpoints
 * ---------------------------------------------------------------------------------------------------------- */

export interface ErrorBody {
  error: { status: number; name: string; message: string; details?: unknown };
}

/** GET /data-migration-center/content-types */
/** What an instance's center is (GET /api/data-migration-center/info): what push and pull check first. */
export interface CenterInfo {
  plugin: 'data-migration-center';
  /** The plugin's version. */
  version: string;
  /** The newest bundle format it writes and reads (older ones it reads too). */
  bundleFormat: number;
  /** The newest file format version of JSON, JSONL, JSONT and CSV exports. */
  formatVersion: number;
}

export declare namespace GetInfo {
  interface Request {
    query: Record<string, never>;
  }
  interface Response {
    data: CenterInfo;
  }
}

export declare namespace GetContentTypes {
  interface Request {
    query: Record<string, never>;
  }
  interface Response {
    data: ContentTypeInfo[];
  }
}

/** GET /data-migration-center/tasks */
export declare namespace ListTasks {
  interface Request {
    /** Dry runs (import previews) are left out unless `dryRun=true`, which lists them alone. */
    query: { kind?: TaskKind; status?: TaskStatus; dryRun?: boolean; page?: number; pageSize?: number };
  }
  interface Response {
    data: Task[];
    meta: { pagination: Pagination };
  }
}

/** GET /data-migration-center/tasks/:id */
export declare namespace GetTask {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Task;
  }
}

/** DELETE /data-migration-center/tasks/:id */
export declare namespace DeleteTask {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Task;
  }
}

/**
 * GET /data-migration-center/tasks/:id/error-report?format=csv|json[&limit=N]: an attachment; in JSON, an array of
 * rows (the first `limit` when given).
 */
export declare namespace GetErrorReport {
  interface Request {
    params: { id: string };
    query: { format?: 'csv' | 'json'; limit?: string };
  }
  type Response = ErrorReportRow[];
}

/** POST /data-migration-center/tasks/:id/cancel */
export declare namespace CancelTask {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Task;
  }
}

/**
 * POST /data-migration-center/tasks/:id/resume: an interrupted or cancelled `continue` import is queued again and
 * goes on from its checkpoint (the items its committed batches handled are skipped; its counts and error report
 * continue). 409 for any other task.
 */
export declare namespace ResumeTask {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Task;
  }
}

/** POST /data-migration-center/import-tasks (multipart: `file`, `options` as a JSON string) */
export declare namespace CreateImportTask {
  interface Request {
    query: { wait?: 'true' | 'false' };
    body: { options?: string };
  }
  interface Response {
    data: Task;
  }
}

/**
 * What is wrong with the start of a file: empty, no format recognised, unreadable (`invalid`: the reader's error in
 * `message`), or an item that will fail (`item`: the fields of the others are still read).
 */
export type FileHeadError = 'empty' | 'unknown-format' | 'invalid' | 'item';

/** The server's reading of the start of a file chosen for import (the import wizard's mapping and preset). */
export interface FileHead {
  format: Format | null;
  /** Field names of the first items (a CSV's header first), in order of first appearance. */
  fields: string[];
  /** One example value per field (the first non-empty one), as text. */
  samples: Record<string, string>;
  /** How many items the head held (at most 20). */
  itemCount: number;
  /** A JSONT file's configuration. */
  configuration: Record<string, unknown> | null;
  /** JSON and JSONT files with encrypted private attributes: which (the import needs the export's password). */
  encrypted?: string[];
  error: FileHeadError | null;
  /** The reader's message, naming the line and column, when `error` is `invalid` or `item`. */
  message?: string;
}

/**
 * POST /data-migration-center/file-heads: the first 64 KB of a file, read as the import would read them. An XLSX
 * workbook (a zip, whose directory is at its end) is sent whole instead, as the multipart field `file` (within the
 * plugin's maxFileSize), and read from its first worksheet.
 */
export declare namespace ReadFileHead {
  interface Request {
    body: {
      fileName: string;
      /** The file's first bytes as text (at most 65,536 characters). */
      head: string;
      /** Whether `head` is the whole file (else its last item may be cut, and is left out). */
      complete: boolean;
    };
  }
  interface Response {
    data: FileHead;
  }
}

/** One item of an import preview: as read, as it would be written, and what the import would say of it. */
export interface ImportPreviewItem {
  /** 0-based position in the file. */
  index: number;
  line: number | null;
  /** The item as read (CSV/XLSX: as the reader decoded it), or its raw text when it did not parse. */
  source: Record<string, unknown> | string | null;
  /** After the field mapping, the transforms and the checks (references unresolved); null when it failed. */
  transformed: Record<string, unknown> | null;
  /** Empty when the item passes; else what failed, per field. */
  errors: Array<{ stage: ErrorReportStage; field: string | null; message: string }>;
}

/**
 * POST /import-previews (multipart: `file`, `options` as for an import, `count`: 1-50, default 10): the first items
 * of the file through the mapping, the transforms and the checks, without writing anything (the `import` action).
 */
export declare namespace PreviewImport {
  interface Response {
    data: { format: Format; items: ImportPreviewItem[] };
  }
}

/** A bundle export's options as its task keeps them: each type's single-type options resolved. */
export interface ResolvedBundleExportOptions {
  types: Array<Required<Pick<ExportOptions, 'contentType' | 'fields' | 'relationsAs'>> & Pick<ExportOptions, 'filters' | 'locale' | 'status'>>;
  withDependencies: boolean;
  media: boolean;
  definitions: boolean;
  source: string;
  name: string;
}

/** POST /data-migration-center/bundle-exports: a task of kind `bundle-export`; its file downloads as `<name>.zip`. */
export declare namespace CreateBundleExport {
  interface Request {
    query: { wait?: 'true' | 'false' };
    body: BundleExportOptions;
  }
  interface Response {
    data: Task;
  }
}

/** How one type of a bundle is imported (defaults: upsert, patch, documentId, the status it was exported with). */
export interface BundleImportTypeOptions {
  importStrategy?: ImportStrategy;
  updateStrategy?: UpdateStrategy;
  matchBy?: string;
  status?: EntryStatus;
  /** `run`: this type's entries through the Document Service (default: the bundle's `lifecycles`, else `skip`). */
  lifecycles?: Lifecycles;
}

/** The `options` field of POST /bundle-imports (multipart, with the zip as `file`). */
export interface BundleImportOptions {
  /** `stop` (default): the whole bundle in one transaction; `continue`: batch by batch, failures reported. */
  onError?: OnError;
  /** Run everything, then roll it all back: counts per type and the first failures. */
  dryRun?: boolean;
  /** Every type's `lifecycles` (a type's own under `types` wins): `skip` (default) or `run`. */
  lifecycles?: Lifecycles;
  /** Per content type uid of the bundle. */
  types?: Record<string, BundleImportTypeOptions>;
  /**
   * A bundle template: its onError and per-type settings for the types the bundle holds (others are left out); the
   * request's own apply over them (per type, key by key).
   */
  templateId?: TemplateId;
  name?: string;
}

/**
 * A bundle template's options (the Power Apps schema file): the types with what to export of each and how to
 * import it, for bundle exports (types, fields, filters, locale, status, relationsAs, withDependencies, media,
 * definitions) and bundle imports (onError; per type importStrategy, updateStrategy, matchBy, status).
 */
export interface BundleTemplateOptions {
  types: Array<BundleTypeOptions & BundleImportTypeOptions> | 'all';
  withDependencies?: boolean;
  media?: boolean;
  definitions?: boolean;
  onError?: OnError;
  /** Bundle imports: every type's `lifecycles` (a type's own wins). */
  lifecycles?: Lifecycles;
}

/** One type of a bundle import, as its task keeps it, with its counts once run. */
export interface ResolvedBundleImportType {
  contentType: string;
  importStrategy: ImportStrategy;
  updateStrategy: UpdateStrategy;
  matchBy: string;
  status: EntryStatus | null;
  /** `run`: the type's entries go through the Document Service (lifecycle hooks, entry webhooks); absent: `skip`. */
  lifecycles?: Lifecycles;
  /** The items the bundle holds for the type in the file of `status` (its manifest). */
  count: number;
  /**
   * A type with draft & publish carried with both versions and no status asked: its published versions, imported
   * (with status `published`) before its drafts; their count. Null otherwise.
   */
  published: number | null;
}

/** A bundle import's options as its task keeps them: the types in import order. */
export interface ResolvedBundleImportOptions {
  onError: OnError;
  dryRun: boolean;
  types: ResolvedBundleImportType[];
  /** The manifest's source and creation time. */
  source: string;
  createdAt: string;
  name: string;
}

/** What a bundle import did per type (`data.types` of its task once finished; counts rolled back say so). */
export interface BundleImportTypeCounts {
  contentType: string;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

/** POST /data-migration-center/bundle-imports (multipart: `file`, the zip; `options`, JSON): a `bundle-import` task. */
export declare namespace CreateBundleImport {
  interface Request {
    query: { wait?: 'true' | 'false' };
    body: { options?: string | BundleImportOptions };
  }
  interface Response {
    data: Task;
  }
}

/** What applying a bundle's definitions does to one content type or component (docs/bundles.md, *Definitions*). */
export interface DefinitionChange {
  uid: string;
  modelType: 'contentType' | 'component';
  /** `same`: nothing to change; `skipped`: a plugin's content type, never changed from a bundle (see `reason`). */
  action: 'create' | 'update' | 'same' | 'skipped';
  /** Attributes the app lacks (every attribute of a new type). */
  added: string[];
  /** Attributes the app has in another form: replaced by the bundle's. */
  changed: string[];
  /** Attributes the app has and the bundle does not: kept as they are. */
  kept: string[];
  /** The type's options or plugin options (draft & publish, i18n) differ: the bundle's apply. */
  settingsChanged: boolean;
  reason?: string;
}

export interface DefinitionsResult {
  changes: DefinitionChange[];
  /** True when the Content-Type Builder wrote the definitions; the app then restarts (development mode). */
  applied: boolean;
}

/**
 * POST /data-migration-center/bundle-definitions (multipart: `file`, the zip; `options`, JSON `{ "dryRun": true }`):
 * what the bundle's definitions would change, or (development mode, no dry run) their application through the
 * Content-Type Builder, followed by the restart the builder does. Elsewhere a 403 lists the changes.
 */
export declare namespace ApplyDefinitions {
  interface Request {
    body: { options?: string | { dryRun?: boolean } };
  }
  interface Response {
    data: DefinitionsResult;
  }
}

/** POST /data-migration-center/migration-tasks */
export declare namespace CreateMigrationTask {
  interface Request {
    query: { wait?: 'true' | 'false' };
    body: MigrationOptions;
  }
  interface Response {
    data: Task;
  }
}

/** POST /data-migration-center/export-tasks */
export declare namespace CreateExportTask {
  interface Request {
    query: { wait?: 'true' | 'false' };
    body: ExportOptions;
  }
  interface Response {
    data: Task;
  }
}

export interface TemplateInput {
  name: string;
  kind: TemplateKind;
  /** Required for import and export templates; absent or '' for a bundle template. */
  contentType?: string;
  options?: ImportOptions | ExportOptions | BundleTemplateOptions;
  description?: string | null;
  /** Export and bundle templates: runs it by itself (`timezone` defaults to UTC, `keep` to null); null removes it. */
  schedule?: TemplateScheduleInput | null;
}

export interface TemplateScheduleInput {
  cron: string;
  timezone?: string;
  keep?: number | null;
  push?: { environmentId: number; options?: Record<string, unknown> } | null;
}

/** GET /data-migration-center/templates */
export declare namespace ListTemplates {
  interface Request {
    query: { kind?: TemplateKind };
  }
  interface Response {
    data: Template[];
  }
}

/** GET /data-migration-center/templates/:id */
export declare namespace GetTemplate {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Template;
  }
}

/** POST /data-migration-center/templates (a template, or `{ name, fromTaskId }` to save a finished task's settings) */
export declare namespace CreateTemplate {
  interface Request {
    body: TemplateInput | { name: string; fromTaskId: number; description?: string | null };
  }
  interface Response {
    data: Template;
  }
}

/** PUT /data-migration-center/templates/:id */
export declare namespace UpdateTemplate {
  interface Request {
    params: { id: string };
    body: Partial<TemplateInput>;
  }
  interface Response {
    data: Template;
  }
}

/** DELETE /data-migration-center/templates/:id */
export declare namespace DeleteTemplate {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Template;
  }
}

/**
 * Another instance saved in the admin (issue 19): bundles are sent to it and fetched from it with an API token it
 * issued. The token is stored encrypted with the app's `admin.secrets.encryptionKey` and never returned.
 */
export interface Environment {
  id: number;
  name: string;
  /** The server's root URL, without a trailing slash. */
  url: string;
  /** Always true: a token is required, and it is never sent back. */
  hasToken: true;
  createdAt: string;
  updatedAt: string;
}

export interface EnvironmentInput {
  name: string;
  url: string;
  token: string;
}

/** GET /data-migration-center/environments */
export declare namespace ListEnvironments {
  interface Response {
    data: Environment[];
  }
}

/** POST /data-migration-center/environments */
export declare namespace CreateEnvironment {
  interface Request {
    body: EnvironmentInput;
  }
  interface Response {
    data: Environment;
  }
}

/** PUT /data-migration-center/environments/:id (an absent or empty token keeps the stored one) */
export declare namespace UpdateEnvironment {
  interface Request {
    params: { id: string };
    body: Partial<EnvironmentInput>;
  }
  interface Response {
    data: Environment;
  }
}

/** DELETE /data-migration-center/environments/:id */
export declare namespace DeleteEnvironment {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: Environment;
  }
}

/** POST /data-migration-center/environments/:id/check: the other center's version and bundle format (400/502 with the reason). */
export declare namespace CheckEnvironment {
  interface Request {
    params: { id: string };
  }
  interface Response {
    data: { ok: true; version: string; bundleFormat: number };
  }
}

/** POST /data-migration-center/tasks/:id/send: a completed bundle export of this instance imported there (202). */
export declare namespace SendToEnvironment {
  interface Request {
    params: { id: string };
    /** `options`: the bundle import's options there (onError, dryRun, types...). */
    body: { environmentId: number; options?: Record<string, unknown> };
  }
  interface Response {
    data: { environmentId: number; remoteTask: Task };
  }
}

/** GET /data-migration-center/environments/:id/tasks/:taskId: a task of the other instance, as it answers. */
export declare namespace GetEnvironmentTask {
  interface Request {
    params: { id: string; taskId: string };
  }
  interface Response {
    data: Task;
  }
}

/**
 * POST /data-migration-center/environments/:id/fetch: a bundle exported there (the request waits for that export, up
 * to a timeout: 504 past it), downloaded and imported here: 202 with the local bundle import task.
 */
export declare namespace FetchFromEnvironment {
  interface Request {
    params: { id: string };
    /** `bundle`: a bundle export's options (contentTypes, withDependencies, media...); `options`: the import's here. */
    body: { bundle: Record<string, unknown>; options?: Record<string, unknown> };
  }
  interface Response {
    data: Task;
  }
}
