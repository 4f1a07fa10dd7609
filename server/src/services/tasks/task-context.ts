import type { TaskCounts, TaskStatus } from '../../../../shared/contracts';
import type { TaskRow } from './task-row';

/**
 * What a task handler is given and returns (the runner, runner.ts, calls handlers), and the context's own state: the
 * progress a task reports, throttled, and the checkpoints it writes in its own transaction.
 */

export interface ProgressUpdate extends Partial<Omit<TaskCounts, 'total'>> {
  total?: number | null;
  /** Progress by bytes read, while the item total is unknown (0..1). */
  fraction?: number | null;
}

/** The task row's columns a checkpoint may write. */
export type CheckpointData = Partial<
  Pick<
    TaskRow,
    | 'processed'
    | 'created'
    | 'updated'
    | 'skipped'
    | 'failed'
    | 'checkpoint'
    | 'state'
    | 'error'
    | 'errorReportKey'
    | 'writePath'
    | 'total'
    | 'finishedAt'
    | 'typeCounts'
  >
>;

export interface TaskContext {
  /** Aborted when the task is cancelled or the server stops: stop reading, roll back, return. */
  signal: AbortSignal;
  /** Records counts; written to the database at most every `progressInterval` ms, and at the end. */
  progress(update: ProgressUpdate): void;
  /**
   * Writes columns of the task row in the CALLER'S transaction (the one holding the data they describe): committed
   * with that data or not at all, so that after a crash the row says what the database holds. Later progress
   * writes do not carry these columns.
   */
  checkpoint(data: CheckpointData): Promise<void>;
}

export interface TaskOutcome {
  status: Extract<TaskStatus, 'completed' | 'completed-with-errors' | 'failed'>;
  error?: string | null;
  counts?: ProgressUpdate;
  /** Extra columns to store with the finished task (error report key, exported file...). */
  data?: Partial<Pick<TaskRow, 'fileKey' | 'fileName' | 'errorReportKey' | 'writePath' | 'format' | 'typeCounts'>>;
}

export type TaskHandler = (task: TaskRow, context: TaskContext) => Promise<TaskOutcome>;

export const PROGRESS_INTERVAL = 500;

export interface TaskContextDeps {
  /** The live state of the tasks this instance runs (served by the status endpoint between writes). */
  live: Map<number, TaskRow>;
  /** Writes progress columns through the bare connection, never inside the task's own transaction. */
  writeProgress(id: number, data: ProgressUpdate): Promise<void>;
  /** Writes checkpoint columns in the current transaction. */
  writeCheckpoint(id: number, data: CheckpointData): Promise<void>;
  /**
   * Whether a progress write now would wait behind the task's own transaction (SQLite has one connection, held by
   * that transaction): progress is then served from `live` until the task ends.
   */
  progressWaits(): boolean;
  warn(message: string): void;
  now?: () => number;
  interval?: number;
}

/**
 * A running task's context. `flush(true)` writes what progress is pending (at the end, whatever the transaction);
 * `settled()` resolves once every progress write so far is done (or logged as failed).
 */
export const createTaskContext = (task: TaskRow, signal: AbortSignal, deps: TaskContextDeps) => {
  const { live, now = Date.now, interval = PROGRESS_INTERVAL } = deps;
  let pending: ProgressUpdate = {};
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  /** Columns written by checkpoints: progress writes no longer carry them (they would be older). */
  const committedColumns = new Set<string>();
  const merge = (data: object) => live.set(task.id, { ...(live.get(task.id) ?? task), ...data } as TaskRow);
  live.set(task.id, { ...task });

  const flush = (final = false) => {
    if (Object.keys(pending).length === 0) return;
    merge(pending);
    // The task's own transaction must not carry its progress (a rollback would erase it).
    if (!final && deps.progressWaits()) return;
    const data = pending;
    pending = {};
    lastWrite = now();
    writing = writing
      .then(() => deps.writeProgress(task.id, data))
      .catch((e) => deps.warn(`task ${task.id}: progress not saved: ${(e as Error).message}`));
  };

  const context: TaskContext = {
    signal,
    progress(update) {
      const fresh = Object.fromEntries(Object.entries(update).filter(([key]) => !committedColumns.has(key)));
      pending = { ...pending, ...fresh };
      if (now() - lastWrite >= interval) flush();
      else merge(update);
    },
    async checkpoint(data) {
      for (const key of Object.keys(data)) {
        committedColumns.add(key);
        delete (pending as Record<string, unknown>)[key];
      }
      await deps.writeCheckpoint(task.id, data);
      merge(data);
    },
  };

  return { context, flush, settled: () => writing };
};
