import {
  FINISHED_STATUSES,
  isExportKind,
  isImportKind,
  type ExportOptions,
  type Format,
  type ImportOptions,
  type BundleImportTypeCounts,
  type ResolvedBundleExportOptions,
  type ResolvedBundleImportOptions,
  type RevertOptions,
  type Task,
  type TaskCounts,
  type TaskKind,
  type TaskStatus,
} from '../../../../shared/contracts';

/**
 * A task as stored, and what can be said of one without the database: its API shape, whether it has finished,
 * commits by batch, can be resumed, and what its stop left behind. Read by the tasks service, the runner, the task
 * handlers and retention (none of which need each other for it).
 */

/** A task as stored (`dmc_tasks`). The API shape is {@link Task}: see `toTask`. */
export interface TaskRow {
  id: number;
  kind: TaskKind;
  name: string;
  contentType: string;
  format: Format | null;
  state: TaskStatus;
  options: ImportOptions | ExportOptions | null;
  total: number | null;
  processed: number | null;
  created: number | null;
  updated: number | null;
  skipped: number | null;
  failed: number | null;
  /** Progress by bytes read, while the item total is unknown (0..1). */
  fraction: number | null;
  dryRun: boolean | null;
  error: string | null;
  fileName: string | null;
  fileKey: string | null;
  errorReportKey: string | null;
  writePath: string | null;
  /** Imports of JSON and JSONT files: the format version the file declares (null: none, read as the current one). */
  formatVersion: number | null;
  startedAt: string | Date | null;
  finishedAt: string | Date | null;
  heartbeatAt: string | Date | null;
  instanceId: string | null;
  /**
   * The storage that holds the task's files (the storage service's `id`): set when an import's upload is stored
   * and when an instance claims an export. Another storage (the local folder of another instance) cannot serve them.
   */
  storageId: string | null;
  /** An import undone by a revert task: its id (set in the revert's transaction). */
  revertedBy?: number | null;
  /** When the retention sweep removed the task's files (see retention.ts). */
  filesRemovedAt: string | Date | null;
  /** When the retention sweep removed the upload of a failed, cancelled or interrupted import. */
  uploadRemovedAt: string | Date | null;
  cancelRequested: boolean | null;
  /** The write lock this task holds (see locks.ts), while it runs. */
  writeLock: string | null;
  /** The task whose write lock this one waits for. */
  waitingFor: number | null;
  /** Continue-mode imports: how far the committed batches went (see the import handler), for resuming. */
  checkpoint: ImportCheckpoint | null;
  /** Bundle imports: what each type did (`created` and `updated` rolled back with the task's transaction say so). */
  typeCounts: BundleImportTypeCounts[] | null;
  creatorId: number | null;
  /** The API token that created it (then creatorId is null). */
  tokenId: number | null;
  /** The admin user's name, or the API token's. */
  creatorName: string | null;
  /** A scheduled run: its template (scheduler.ts) and the slot it ran for. */
  scheduleTemplateId: number | null;
  scheduleSlot: string | Date | null;
  createdAt: string | Date;
  updatedAt: string | Date;
}

/** What a continue-mode import has committed, written in each batch's own transaction. */
export interface ImportCheckpoint {
  /** Items read and handled (written or failed) by the committed batches: a resume skips them. */
  items: number;
  /** The error report parts written so far (their items failed in committed batches). */
  reportItems: number;
  /** The length of the pre-image file (undo) once the committed batches wrote their lines. */
  preImageBytes?: number | null;
}

export interface NewTask {
  kind: TaskKind;
  name: string;
  contentType: string;
  format: Format | null;
  options: ImportOptions | ExportOptions | ResolvedBundleExportOptions | ResolvedBundleImportOptions | RevertOptions;
  fileName?: string | null;
  fileKey?: string | null;
  total?: number | null;
  dryRun?: boolean;
  formatVersion?: number | null;
  /** Records a task that failed before it could run (a batch file refused at start-up): created `failed` with this error. */
  failure?: string;
  creator?: { id: number; firstname?: string | null; lastname?: string | null; username?: string | null; email?: string } | null;
  /** The API token that creates it (a request on the content-API routes); then `creator` is null. */
  token?: { id: number; name: string } | null;
  /** A scheduled run: its template and slot (scheduler.ts). */
  scheduled?: { templateId: number; slot: Date };
}

export interface ListQuery {
  kind?: TaskKind;
  status?: TaskStatus;
  /** Dry runs (import previews) are listed only when asked: `true` lists them alone. */
  dryRun?: boolean;
  page?: number;
  pageSize?: number;
}

export const iso = (value: string | Date | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export const isFinished = (status: TaskStatus) => FINISHED_STATUSES.includes(status);

/** Continue-mode imports (single types and bundles) that write commit batch by batch: what they committed stays. */
export const commitsByBatch = (task: Pick<TaskRow, 'kind' | 'options' | 'dryRun'>): boolean =>
  isImportKind(task.kind) && !task.dryRun && (task.options as { onError?: string } | null)?.onError === 'continue';

/** What a task that was cancelled or interrupted leaves behind, in words (its counts are the committed ones). */
export const describeStop = (task: TaskRow, status: 'cancelled' | 'interrupted', what = status === 'cancelled' ? 'Cancelled' : 'The server stopped while this task ran') => {
  if (isExportKind(task.kind)) return `${what}; the export has no file`;
  if (!commitsByBatch(task)) return `${what}; its changes were rolled back: nothing of this task was kept`;
  const kept = (task.created ?? 0) + (task.updated ?? 0);
  if (task.kind === 'bundle-import') {
    return `${what}; the batches written before were kept: ${kept} ${kept === 1 ? 'entry' : 'entries'} (${task.created ?? 0} created, ${task.updated ?? 0} updated, ${task.failed ?? 0} failed), the batch in progress was rolled back. A bundle import is not resumed: import the bundle again (with upsert, what is there is updated)`;
  }
  return `${what}; the batches written before were kept: ${kept} ${kept === 1 ? 'entry' : 'entries'} (${task.created ?? 0} created, ${task.updated ?? 0} updated, ${task.failed ?? 0} failed) of ${task.processed ?? 0} items read, the batch in progress was rolled back. Resume it to import the rest`;
};
/** An interrupted or cancelled `continue` import with a checkpoint and its upload: it can go on (resume). */
export const isResumable = (row: TaskRow) => mayResume(row) && Boolean(row.checkpoint) && Boolean(row.fileKey);

/** An ended single-type import whose committed batches stay (interrupted or cancelled, continue mode): its upload is kept. */
export const mayResume = (row: Pick<TaskRow, 'kind' | 'state' | 'options' | 'dryRun'>) =>
  row.kind === 'import' && (row.state === 'interrupted' || row.state === 'cancelled') && commitsByBatch(row);

/**
 * Why an import cannot be reverted (null: it can, if its pre-images are there). Reverts undo what an import kept:
 * a finished import that wrote (every ending of a continue import; only a completed whole-run import).
 */
export const whyNotRevertable = (row: TaskRow): string | null => {
  if (row.kind !== 'import' && row.kind !== 'bundle-import') return `Task ${row.id} is ${row.kind === 'revert' ? 'a revert' : 'an export'}: only imports can be reverted`;
  if (row.dryRun) return `Task ${row.id} is a dry run: it wrote nothing to revert`;
  if (!isFinished(row.state)) return `Task ${row.id} is ${row.state}: wait until it has finished, then revert it`;
  if (row.revertedBy) return `Task ${row.id} was already reverted (by task ${row.revertedBy})`;
  if (row.filesRemovedAt) return `Task ${row.id} can no longer be reverted: its pre-images were removed with its files by the retention setting`;
  const kept = row.state === 'completed' || row.state === 'completed-with-errors' || commitsByBatch(row);
  if (!kept || (row.created ?? 0) + (row.updated ?? 0) === 0) return `Task ${row.id} kept no change (${row.state}${kept ? ', nothing created or updated' : ', rolled back'}): there is nothing to revert`;
  return null;
};

/** `canDownload`: whether the user who asks may download the task's files (see the permissions service). */
export const toTask = (row: TaskRow, canDownload = true): Task => {
  const counts: TaskCounts = {
    total: row.total ?? null,
    processed: row.processed ?? 0,
    created: row.created ?? 0,
    updated: row.updated ?? 0,
    skipped: row.skipped ?? 0,
    failed: row.failed ?? 0,
  };
  const finished = isFinished(row.state);
  let progress: number | null = null;
  if (row.state === 'completed' || row.state === 'completed-with-errors') progress = 1;
  else if (counts.total !== null && counts.total > 0) progress = Math.min(1, counts.processed / counts.total);
  else if (counts.total === 0) progress = finished ? 1 : 0;
  else if (row.state === 'queued') progress = 0;
  else if (row.fraction !== null && row.fraction !== undefined) progress = Math.min(1, row.fraction);

  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    contentType: row.contentType,
    format: row.format ?? null,
    status: row.state,
    options: row.options ?? {},
    counts,
    progress,
    error: row.error ?? null,
    fileName: row.fileName ?? null,
    hasErrorReport: Boolean(row.errorReportKey) && !row.filesRemovedAt,
    canDownload,
    resumable: isResumable(row),
    waitingFor: row.waitingFor ?? null,
    writePath: row.writePath ?? null,
    typeCounts: row.typeCounts ?? null,
    createdAt: iso(row.createdAt) as string,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    createdBy: row.creatorId
      ? { kind: 'admin-user', id: row.creatorId, name: row.creatorName ?? '' }
      : row.tokenId
        ? { kind: 'api-token', id: row.tokenId, name: row.creatorName ?? '' }
        : null,
    scheduled: row.scheduleTemplateId && row.scheduleSlot ? { templateId: row.scheduleTemplateId, slot: iso(row.scheduleSlot) as string } : null,
    revertedBy: row.revertedBy ?? null,
    revertable: whyNotRevertable(row) === null,
  };
};
