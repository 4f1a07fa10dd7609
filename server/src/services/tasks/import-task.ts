import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { TaskContext, TaskHandler, TaskOutcome } from './task-context';
import { commitsByBatch, type TaskRow } from './task-row';
import type { StorageService } from '../storage/index';
import { getConfig, getService } from '../../utils';
import { ErrorReportWriter } from '../../pipeline/import/report';
import { FORMATS } from '../../pipeline/formats';
import { csvColumnsFor } from '../../pipeline/formats/columns';
import { hasTransforms } from '../../pipeline/import/prepare/transforms';
import type { ResolvedImportOptions } from '../../pipeline/task-options';
import { DeferredFile, type DeferredDocuments } from '../../pipeline/import/second-pass';
import { recordFailure, runImport, type ImportRun } from '../../pipeline/import/run';
import { ItemFailure, type WritePaths } from '../../pipeline/import/write/entries';
import { writeMigrationSource } from './migration-source';
import { PreImageRecorder, PRE_IMAGES_FILE } from '../../pipeline/undo/pre-images';
import { allModelMetas, findModelMeta } from '../../schema/model-metadata';
import { DryRunRollback, describePaths, lookupIndexFor, pauseBetweenBatches, preparerFor, secretsOf, stoppedImport, transactionOf, writerContextFor } from './import-context';

/**
 * The import task's handler: it gathers what the import path needs (the stored file, the type's schema, the
 * user's permissions, the error report, resume state) and runs it (pipeline/import/run.ts):
 *
 *   file (storage) → read (pipeline/formats) → upgrade (format-version.ts, older files only) → prepare: map and
 *   coerce (pipeline/import/prepare) → batches → write (pipeline/import/write/batch.ts: lookups and references,
 *   route, bulk or Document Service) → second pass (pipeline/import/second-pass.ts) → report
 *
 * `stop` runs the whole task in ONE database transaction, rolled back at the first failing item (or a cancel,
 * a syntax error, a server stop): nothing is ever half-imported. A dry run is one transaction rolled back at
 * the end. `continue` writes each batch in its own transaction and rolls a failing item back to its savepoint,
 * reports it, and goes on. Items flow in bounded batches (`batchSize`): memory does not grow with the file.
 */

/**
 * The error report of the run before a resume: under its key, or else (s3) the scratch file where a server that was
 * killed on this machine wrote it (see `durableReport` in the handler); null when neither holds it.
 */
const openPreviousReport = async (storage: StorageService, key: string): Promise<Readable | null> => {
  if ((await storage.size(key)) !== null) return storage.createReadStream(key);
  if (storage.provider === 'local') return null;
  const scratch = storage.localPath(key);
  return fs.existsSync(scratch) ? fs.createReadStream(scratch) : null;
};

type Checkpoint = NonNullable<TaskRow['checkpoint']>;

/**
 * The task's error report. A resumed task (continue mode, after an interruption or a cancel) continues the report of
 * the runs before (copied into a report of its own). continue: the rows of committed batches must outlive a killed
 * server (kill -9: no shutdown hook runs), since a resume continues the report from them. The report is then a plain
 * file, each batch's rows written out before its checkpoint commits: with `local` storage the file under its key,
 * with `s3` a scratch file of this machine, uploaded under the key when the task ends (a killed server's is found
 * only by a resume on the same machine). stop and dry runs: written atomically under its key when the task ends.
 */
const openTaskReport = async (
  storage: StorageService,
  task: TaskRow,
  { folder, durable, resume }: { folder: string; durable: boolean; resume: Checkpoint | null }
) => {
  const key = resume ? `${folder}/errors-${Date.now()}.jsonl` : `${folder}/errors.jsonl`;
  const scratch = durable ? storage.localPath(key) : null;
  const report = new ErrorReportWriter(scratch ? fs.createWriteStream(scratch) : storage.createWriteStream(key));
  let closed: Promise<void> | null = null;
  /** Closes the report; a durable report's scratch file (s3) is then uploaded under its key. */
  const close = () =>
    (closed ??= (async () => {
      await report.close();
      if (!scratch || storage.provider === 'local') return;
      if (report.count > 0) await pipeline(fs.createReadStream(scratch), storage.createWriteStream(key));
      fs.rmSync(scratch, { force: true });
    })());
  const previous = resume && task.errorReportKey && task.errorReportKey !== key ? task.errorReportKey : null;
  /** Failed items of the runs before whose report rows were not found (see `openPreviousReport`). */
  let lost = 0;
  if (previous) {
    const source = await openPreviousReport(storage, previous);
    const copied = source ? await report.copy(source, resume?.reportItems ?? Infinity) : 0;
    report.count += copied;
    lost = Math.max(0, (resume?.reportItems ?? copied) - copied);
  }
  /** After a task that ended: the report kept only when it has rows, the report of the runs before removed. */
  const finish = async () => {
    await close();
    if (report.count === 0) await storage.remove(key);
    if (previous) {
      await storage.remove(previous).catch(() => undefined);
      if (storage.provider !== 'local') fs.rmSync(storage.localPath(previous), { force: true });
    }
  };
  const lostMessage =
    lost > 0
      ? `The error report lacks the ${lost} failed item(s) of the run before the interruption: their rows (${previous}) were not found. With s3 storage, the rows of a server that was killed are kept only on its machine, until its task ends (a resume there continues them)`
      : null;
  return { report, key, close, finish, lostMessage };
};

/**
 * The pre-images of an import (pipeline/undo): a plain file written as batches write (with s3, a scratch file of
 * this machine, uploaded under its key when the task ends, as the error report is).
 */
export const openPreImages = async (strapi: Core.Strapi, storage: StorageService, folder: string, resume: Checkpoint | null) => {
  const key = `${folder}/${PRE_IMAGES_FILE}`;
  const path = storage.localPath(key);
  if (resume && storage.provider !== 'local' && !fs.existsSync(path) && (await storage.size(key)) !== null) {
    await pipeline(storage.createReadStream(key), fs.createWriteStream(path));
  }
  const models = { metadataOf: (uid: string) => findModelMeta(strapi, uid), all: () => allModelMetas(strapi) };
  const recorder = await PreImageRecorder.open(path, models, resume ? resume.preImageBytes ?? 0 : null);
  return {
    recorder,
    /** The task ended: the file under its key (s3: uploaded). */
    store: async () => {
      await recorder.flush();
      if (storage.provider === 'local') return;
      await pipeline(fs.createReadStream(path), storage.createWriteStream(key));
      fs.rmSync(path, { force: true });
    },
    /** Nothing was kept: no pre-image either. */
    remove: async () => {
      fs.rmSync(path, { force: true });
      if (storage.provider !== 'local') await storage.remove(key).catch(() => undefined);
    },
  };
};

/** A stored file, read as many times as asked, counting the bytes read (progress while the total is unknown). */
const storedFile = async (storage: StorageService, key: string) => {
  const size = (await storage.size(key)) ?? 0;
  let bytesRead = 0;
  return {
    open: (): Readable => {
      const counter = new PassThrough();
      counter.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
      });
      pipeline(storage.createReadStream(key), counter).catch((error) => counter.destroy(error));
      return counter;
    },
    fraction: () => (size > 0 ? Math.min(1, bytesRead / size) : null),
  };
};

/**
 * The import task. About 140 lines on purpose: it gathers the run's collaborators (helpers above), then decides how
 * the task ends (committed; a dry run rolled back; stopped at an item; failed, with what was kept), and those endings
 * share the run's state (counts, report, transaction mode). The import itself is pipeline/import/run.ts.
 */
export const createImportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const options = {
      locale: null,
      status: null,
      templateId: null,
      fieldMapping: {},
      ...(task.options as Partial<ResolvedImportOptions>),
    } as ResolvedImportOptions;
    const storage = getService(strapi, 'storage');
    const contentTypes = getService(strapi, 'content-types');
    const { batchSize, limits } = getConfig(strapi);
    const uid = options.contentType;
    const schema = contentTypes.schemaOf(uid);
    if (!schema || !task.fileKey) throw new Error(`The content type ${uid} no longer exists`);
    const fileKey = task.fileKey;
    const type = contentTypes.get(uid);
    const writer = await writerContextFor(strapi, options, task);

    const folder = fileKey.slice(0, fileKey.lastIndexOf('/'));
    // A migration (migrations.ts) first takes the snapshot of the entries it imports: the task's file.
    if (options.source) await writeMigrationSource(strapi, task, options.source, context);
    // stop and dry run: the whole task is one transaction (rolled back at the first failure, or at the end of a
    // dry run). continue: one transaction per batch, failing items rolled back to their savepoints.
    const perBatch = options.onError === 'continue' && !options.dryRun;
    // A resumed task skips the items its committed batches handled and starts from their counts.
    const resume = commitsByBatch(task) && task.checkpoint ? task.checkpoint : null;
    const { report, key: errorReportKey, close: closeReport, finish, lostMessage } = await openTaskReport(storage, task, {
      folder,
      durable: perBatch,
      resume,
    });
    const deferred = new DeferredFile(storage.localPath(`${folder}/deferred.jsonl`));
    // Undo: what the import changes is kept before it writes (never for a dry run, which writes nothing).
    const preImages = options.dryRun || !getConfig(strapi).preImages ? null : await openPreImages(strapi, storage, folder, resume);
    writer.preImages = preImages?.recorder ?? null;

    const source = await storedFile(storage, fileKey);
    const counts = resume
      ? { processed: resume.items, created: task.created ?? 0, updated: task.updated ?? 0, skipped: task.skipped ?? 0, failed: task.failed ?? 0 }
      : { processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
    const progress = () => context.progress({ ...counts, fraction: source.fraction() });
    const format = FORMATS[options.format];
    const inTransaction = transactionOf(strapi);
    const paths: WritePaths = { bulk: 0, documentService: 0 };

    const importRun: ImportRun = {
      items: format.readChunks(source.open, {
        signal: context.signal,
        invalidUtf8: options.invalidUtf8,
        limits,
        resolveColumns: format.tabular ? csvColumnsFor(type.attributes, options.fieldMapping, hasTransforms(options.fieldMapping, options.computed)) : undefined,
        csvDelimiter: options.csvDelimiter,
        decimalComma: options.decimalComma,
      }),
      prepare: await preparerFor(contentTypes, options, task.formatVersion, getConfig(strapi).transforms, secretsOf(strapi, task.id, options)),
      matchBy: options.matchBy,
      skip: resume?.items ?? 0,
      counts,
      writer,
      paths,
      commits: perBatch ? 'batch' : 'task',
      batchSize,
      inTransaction,
      signal: context.signal,
      report,
      checkpoint: ({ counts: committed, items, reportItems, preImageBytes }) =>
        context.checkpoint({
          ...committed,
          checkpoint: { items, reportItems, preImageBytes },
          errorReportKey: reportItems > 0 ? errorReportKey : null,
        }),
      deferred,
      documents: strapi.documents(uid as never) as unknown as DeferredDocuments,
      pause: pauseBetweenBatches(strapi, perBatch),
      progress,
    };

    /** Entries written whose deferred self references failed in the second pass (continue mode). */
    let unlinked = 0;
    const state = () => (counts.failed > 0 || unlinked > 0 ? 'completed-with-errors' : 'completed');
    const run = async () => {
      ({ unlinked } = await runImport(importRun));
      context.signal.throwIfAborted();
      if (options.dryRun) throw new DryRunRollback();
      if (perBatch) return;
      // stop: the task's final state and counts are committed in its transaction, with its data.
      await closeReport();
      await context.checkpoint({
        ...counts,
        total: counts.processed,
        state: state(),
        error: null,
        errorReportKey: report.count > 0 ? errorReportKey : null,
        writePath: describePaths(paths),
        finishedAt: new Date(),
      });
    };

    const dropLookupIndex = await lookupIndexFor(strapi, options, type.localized);
    try {
      if (perBatch) await run();
      else await inTransaction(run);
    } catch (error) {
      if (!(error instanceof DryRunRollback)) {
        if (error instanceof ItemFailure) await recordFailure(importRun, error.entry, error.problem);
        await closeReport();
        deferred.remove();
        const errorReport = report.count > 0 ? errorReportKey : null;
        // What landed: nothing when the task was one transaction (rolled back); in continue mode, the batches
        // committed before the error (counted as they committed), with their error report (a resume continues it).
        if (!perBatch) Object.assign(counts, { created: 0, updated: 0 });
        // Pre-images: nothing of a whole-run task was kept; a continue task keeps those of its committed batches.
        await (perBatch ? preImages?.store() : preImages?.remove());
        progress();
        // Awaited here: the finally below awaits too, and a promise returned unawaited would reject with no handler meanwhile.
        return await stoppedImport(error, {
          perBatch,
          at: '',
          kept: `${counts.created} created, ${counts.updated} updated, ${counts.failed} failed of ${counts.processed} items read`,
          counts,
          data: { errorReportKey: errorReport },
          removeReport: async () => {
            if (errorReport) await storage.remove(errorReportKey);
          },
        });
      }
    } finally {
      await dropLookupIndex?.();
    }

    await finish();
    deferred.remove();
    await (options.dryRun ? undefined : preImages?.store());
    return {
      status: state(),
      error: lostMessage,
      counts: { ...counts, total: counts.processed },
      data: { errorReportKey: report.count > 0 ? errorReportKey : null, writePath: describePaths(paths) },
    };
  };
