import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { Task, TaskCounts } from '../../../shared/contracts';
import { APPLIED_BATCH_FILE_UID } from '../constants';
import { formatOfFileName } from '../pipeline/formats';
import { getService } from '../utils';
import { toTask } from './tasks/task-row';

/**
 * Batch files: the `*.jsont`, `*.batch-engine-data.json` and `*.zip` (bundle) files of a folder, applied like
 * migrations. Each file is run as a normal import task (its settings come from its JSONT configuration; a bundle is
 * imported with its defaults: upsert by documentId, in one transaction; it shows in the task list with its error report), in file-name order, once: its path and SHA-256 are recorded in `dmc_applied_batch_files`,
 * and a file already applied with the same checksum is skipped. A changed file is applied again; a failed one is
 * tried again at the next run.
 */

export const BATCH_FILE_PATTERN = /\.(?:jsont|batch-engine-data\.json|zip)$/i;

export interface BatchFileResult {
  /** The file's path relative to the app's root (`data-migration/01-categories.jsont`), or absolute outside it. */
  path: string;
  /** SHA-256 of the file's bytes, hex. */
  checksum: string;
  state: 'applied' | 'failed' | 'skipped';
  /** The import task that ran it (for `skipped`: the one that applied it). */
  taskId: number | null;
  /** Why the file failed; null otherwise. */
  error: string | null;
  counts?: TaskCounts;
}

export interface ApplyFolderOptions {
  /** Apply every file, even those already applied with the same checksum. */
  force?: boolean;
  /** Stop at the first failing file: the files after it are not applied, and a {@link BatchFileError} is thrown. */
  failOnError?: boolean;
  /** Called with each file's task when it is created, and again once it has finished (once for a file refused before it could run). */
  onTask?: (task: Task) => void;
}

/** A row of `dmc_applied_batch_files`. */
export interface AppliedBatchFileRow {
  id: number;
  path: string;
  checksum: string;
  state: 'applied' | 'failed';
  taskId: number | null;
  /** The error of a failed file; for an applied one, a note on items that failed (onError: continue). */
  message: string | null;
  /** When the file was last run. */
  appliedAt: string | Date | null;
}

/** Thrown by `applyFolder` with `failOnError` when a file fails: names the file; carries the results so far. */
export class BatchFileError extends Error {
  constructor(readonly result: BatchFileResult, readonly results: BatchFileResult[]) {
    super(`Batch file ${result.path} failed${result.taskId ? ` (task ${result.taskId})` : ''}: ${result.error}`);
    this.name = 'BatchFileError';
  }
}

/** The SHA-256 of a file, hex, read as a stream. */
export const sha256File = async (file: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/** The batch files of a folder (not its sub-folders), in file-name order. */
export const listBatchFiles = async (folder: string): Promise<string[]> =>
  (await fs.promises.readdir(folder, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && BATCH_FILE_PATTERN.test(entry.name))
    .map((entry) => entry.name)
    .sort();

const MAX_NAME = 255;

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
export const createBatchFilesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(APPLIED_BATCH_FILE_UID);
  const log = (level: 'info' | 'warn' | 'error', message: string) =>
    strapi.log[level](`[data-migration-center] ${message}`);

  /** How a file is recorded: relative to the app's root, with `/` separators (absolute when outside the app). */
  const recordedPath = (file: string): string => {
    const relative = path.relative(strapi.dirs.app.root, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
  };

  const record = async (existing: AppliedBatchFileRow | null, data: Omit<AppliedBatchFileRow, 'id'>) => {
    if (existing) await query().update({ where: { id: existing.id }, data });
    else await query().create({ data });
  };

  /** Runs one file as an import task and waits for it; records the outcome. */
  const applyFile = async (file: string, { force = false, onTask }: ApplyFolderOptions): Promise<BatchFileResult> => {
    const where = recordedPath(file);
    const checksum = await sha256File(file);
    const existing = (await query().findOne({ where: { path: where } })) as AppliedBatchFileRow | null;
    if (!force && existing?.state === 'applied' && existing.checksum === checksum) {
      return { path: where, checksum, state: 'skipped', taskId: existing.taskId ?? null, error: null };
    }

    const name = `Batch file ${where}`.slice(0, MAX_NAME);
    const fileName = path.basename(file);
    let result: BatchFileResult;
    try {
      const { size } = await fs.promises.stat(file);
      const created = await getService(strapi, 'imports').create({
        file: { filepath: file, originalFilename: fileName, size },
        rawOptions: { name },
        creator: null,
      });
      onTask?.(toTask(created));
      const finished = toTask(await getService(strapi, 'runner').waitFor(created.id));
      onTask?.(finished);
      // completed-with-errors: the file asked for onError: continue, and its failed items are in the error report.
      const applied = finished.status === 'completed' || finished.status === 'completed-with-errors';
      result = {
        path: where,
        checksum,
        state: applied ? 'applied' : 'failed',
        taskId: finished.id,
        error: applied ? null : finished.error ?? `its task ended ${finished.status}`,
        counts: finished.counts,
      };
    } catch (error) {
      // Refused before a task could run (a 400: unknown content type, a bad configuration, a newer format
      // version...): recorded as a failed task all the same, so that the task list shows it.
      const message = (error as Error).message;
      const failed = await getService(strapi, 'tasks').create({
        kind: /\.zip$/i.test(fileName) ? 'bundle-import' : 'import',
        name,
        contentType: '',
        format: formatOfFileName(fileName),
        options: {},
        fileName,
        failure: message,
        creator: null,
      });
      onTask?.(toTask(failed));
      result = { path: where, checksum, state: 'failed', taskId: failed.id, error: message };
    }

    const failedItems = result.counts?.failed ?? 0;
    await record(existing, {
      path: where,
      checksum,
      state: result.state === 'applied' ? 'applied' : 'failed',
      taskId: result.taskId,
      message:
        result.error ??
        (failedItems > 0
          ? `${failedItems} item(s) failed (onError: continue): see the error report of task ${result.taskId}`
          : null),
      appliedAt: new Date(),
    });
    return result;
  };

  return {
    /**
     * Applies the batch files of `folder` (relative to the app's root, or absolute) in file-name order: each file
     * not yet applied with its current checksum (every file with `force`) runs as an import task, one after the
     * other. Needs the task runner, which starts with Strapi's bootstrap.
     */
    async applyFolder(folder: string, options: ApplyFolderOptions = {}): Promise<BatchFileResult[]> {
      const runner = getService(strapi, 'runner');
      if (!runner.isStarted()) {
        throw new Error('The task runner is not running: batch files can be applied once Strapi has bootstrapped');
      }
      const dir = path.resolve(strapi.dirs.app.root, folder);
      const stat = await fs.promises.stat(dir).catch(() => null);
      if (!stat?.isDirectory()) throw new Error(`The batch files folder ${dir} does not exist (or is not a folder)`);

      const results: BatchFileResult[] = [];
      for (const file of await listBatchFiles(dir)) {
        const result = await applyFile(path.join(dir, file), options);
        results.push(result);
        const task = result.taskId ? `task ${result.taskId}` : 'no task';
        if (result.state === 'applied') {
          const counts = result.counts as TaskCounts;
          log(
            counts.failed > 0 ? 'warn' : 'info',
            `batch file ${result.path} applied (${task}): ${counts.created} created, ${counts.updated} updated` +
              (counts.failed > 0 ? `, ${counts.failed} failed (see the task's error report)` : '')
          );
        } else if (result.state === 'failed') {
          log('error', `batch file ${result.path} failed (${task}): ${result.error}`);
          if (options.failOnError) throw new BatchFileError(result, results);
        }
      }
      const count = (state: BatchFileResult['state']) => results.filter((result) => result.state === state).length;
      log(
        'info',
        `batch files in ${dir}: ${count('applied')} applied, ${count('skipped')} already applied, ${count(
          'failed'
        )} failed`
      );
      return results;
    },

    /** What `dmc_applied_batch_files` records, by path. */
    async listApplied(): Promise<AppliedBatchFileRow[]> {
      return (await query().findMany({ orderBy: [{ path: 'asc' }] })) as AppliedBatchFileRow[];
    },
  };
};

export type BatchFilesService = ReturnType<typeof createBatchFilesService>;
