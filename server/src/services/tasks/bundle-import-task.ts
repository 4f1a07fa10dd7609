import fs from 'node:fs';
import { openPreImages } from './import-task';
import type { PreImageRecorder } from '../../pipeline/undo/pre-images';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { BundleImportTypeCounts, EntryStatus, ResolvedBundleImportOptions } from '../../../../shared/contracts';
import { contentEntryName, type BundleVersion } from '../../pipeline/bundle/write';
import { openBundle, type BundleReader } from '../../pipeline/bundle/read';
import { FORMATS } from '../../pipeline/formats';
import { ErrorReportWriter, typeReport } from '../../pipeline/import/report';
import { linkLater, recordFailure, runImport, type ImportCounts, type ImportRun } from '../../pipeline/import/run';
import { DeferredFile, type DeferredDocuments } from '../../pipeline/import/second-pass';
import { ItemFailure, type WritePaths } from '../../pipeline/import/write/entries';
import { getConfig, getService } from '../../utils';
import { typeImportOptions } from '../../validation/bundle-import-options';
import type { StorageService } from '../storage/index';
import { storeBundleFiles } from './bundle-media';
import { DryRunRollback, describePaths, lookupIndexFor, pauseBetweenBatches, preparerFor, stoppedImport, transactionOf, writerContextFor } from './import-context';
import type { TaskContext, TaskHandler, TaskOutcome } from './task-context';
import type { TaskRow } from './task-row';

/**
 * The bundle import task (docs/bundles.md): the bundle's types in its import order (what an entry refers to lands
 * first), each through the same import path as a single-type import of its JSONL lines (pipeline/import/run.ts,
 * with the creator's permissions on that type), then one second pass for the relations to types imported later (types
 * that refer to each other) and self references, once every entry exists.
 *
 * `stop` (and a dry run) runs the whole bundle in ONE transaction: the first failing item of any type rolls every
 * type back. `continue` commits batch by batch; failing items are reported (the error report's rows name their
 * content type). An interrupted `continue` bundle keeps its committed batches and is not resumed: import the
 * bundle again with `upsert` (the default), which updates what is there.
 */

const zeroCounts = (): ImportCounts => ({ processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 });

/** yauzl reads a zip by random access: the stored file itself (local storage) or a scratch copy of it (s3). */
const localZip = async (storage: StorageService, key: string): Promise<{ path: string; remove: () => void }> => {
  if (storage.provider === 'local') return { path: storage.localPath(key), remove: () => undefined };
  const path = storage.localPath(`${key}.scratch`);
  await pipeline(storage.createReadStream(key), fs.createWriteStream(path));
  return { path, remove: () => fs.rmSync(path, { force: true }) };
};

/** A type's lines as a stream that opens when read (the zip entry is opened asynchronously). */
const contentOf = (bundle: BundleReader, uid: string, version: BundleVersion) => (): Readable => {
  const out = new PassThrough();
  bundle
    .content(uid, version)
    .then((source) => pipeline(source, out))
    .catch((error: Error) => out.destroy(error));
  return out;
};

/** What each type of the bundle did, and their sum (the task's counts). */
const bundleCounts = (options: ResolvedBundleImportOptions) => {
  const typeCounts: BundleImportTypeCounts[] = options.types.map((type) => ({ contentType: type.contentType, ...zeroCounts() }));
  const totals = (): ImportCounts => {
    const sum = zeroCounts();
    for (const counts of typeCounts) for (const key of Object.keys(sum) as Array<keyof ImportCounts>) sum[key] += counts[key];
    return sum;
  };
  return { typeCounts, totals };
};

/** What every type's import of one bundle import shares. */
interface BundleRunShared {
  strapi: Core.Strapi;
  task: TaskRow;
  options: ResolvedBundleImportOptions;
  context: TaskContext;
  bundle: BundleReader;
  /** The bundle's files → their hash here (filled before any entry is imported). */
  bundleFiles: Map<string, string>;
  counts: ReturnType<typeof bundleCounts>;
  report: ErrorReportWriter;
  perBatch: boolean;
  inTransaction: ImportRun['inTransaction'];
  paths: WritePaths;
  /** The task's folder in the storage (its deferred links' scratch files). */
  folder: string;
  /** Undo: the pre-images of every type (null: a dry run). */
  preImages: PreImageRecorder | null;
}

/** Whether the bundle carries the type's drafts and published versions in two files. */
const bothVersions = ({ bundle, options }: BundleRunShared, index: number) =>
  bundle.manifest.types.find((type) => type.uid === options.types[index].contentType)?.published !== undefined;

/**
 * The import of one file of a type: the import path over its lines, its second pass left for when every type is
 * imported (`linkLater`). A type carried with both versions runs twice: its published versions, then its drafts.
 */
const versionRun = async (shared: BundleRunShared, index: number, version: BundleVersion, status: EntryStatus | null): Promise<ImportRun> => {
  const { strapi, task, options, context, bundle, counts: bundleTotals, perBatch } = shared;
  const uid = options.types[index].contentType;
  const { batchSize, limits } = getConfig(strapi);
  const typeOptions = { ...typeImportOptions(options, index), status };
  const counts = bundleTotals.typeCounts[index];
  const writer = await writerContextFor(strapi, typeOptions, task);
  return {
    items: FORMATS.jsonl.readChunks(contentOf(bundle, uid, version), { signal: context.signal, invalidUtf8: 'refuse', limits }),
    prepare: await preparerFor(getService(strapi, 'content-types'), typeOptions, null),
    matchBy: typeOptions.matchBy,
    skip: 0,
    counts,
    writer: {
      ...writer,
      later: new Set(options.types.slice(index + 1).map((type) => type.contentType)),
      resolve: { ...writer.resolve, bundleFiles: shared.bundleFiles },
      preImages: shared.preImages,
    },
    paths: shared.paths,
    commits: perBatch ? 'batch' : 'task',
    batchSize,
    inTransaction: shared.inTransaction,
    signal: context.signal,
    report: typeReport(shared.report, uid, version === 'published' && bothVersions(shared, index) ? contentEntryName(uid, 'published') : undefined),
    // continue: the task's counts committed with each batch (the types before, and this type's batches).
    checkpoint: async ({ counts: committed }) => {
      const sum = bundleTotals.totals();
      for (const key of Object.keys(sum) as Array<keyof ImportCounts>) sum[key] += committed[key] - counts[key];
      await context.checkpoint({ ...sum, typeCounts: bundleTotals.typeCounts.map((c, i) => (i === index ? { ...c, ...committed } : c)) });
    },
    deferred: new DeferredFile(getService(strapi, 'storage').localPath(`${shared.folder}/deferred-${index}-${version}.jsonl`)),
    documents: strapi.documents(uid as never) as unknown as DeferredDocuments,
    linkLater: true,
    pause: pauseBetweenBatches(strapi, perBatch),
    progress: () => context.progress({ ...bundleTotals.totals() }),
  };
};

/**
 * The bundle import task: its files first, then each type (versionRun), one second pass, and how it ended. About 125
 * lines: the endings (committed, dry run rolled back, stopped at an item, failed with what was kept) share the run's
 * state (counts, report, transaction mode), as the single-type import's handler does.
 */
export const createBundleImportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const options = task.options as unknown as ResolvedBundleImportOptions;
    if (!task.fileKey) throw new Error(`Bundle import task ${task.id} has no bundle`);
    const storage = getService(strapi, 'storage');
    const contentTypes = getService(strapi, 'content-types');
    const folder = task.fileKey.slice(0, task.fileKey.lastIndexOf('/'));
    const zip = await localZip(storage, task.fileKey);
    const bundle = await openBundle(zip.path, { maxEntries: getConfig(strapi).limits.maxZipEntries });
    const errorReportKey = `${folder}/errors.jsonl`;
    const report = new ErrorReportWriter(storage.createWriteStream(errorReportKey));
    const perBatch = options.onError === 'continue' && !options.dryRun;
    const counts = bundleCounts(options);
    const { typeCounts, totals } = counts;
    // Undo: the pre-images of every type in one file (a bundle import is never resumed: a fresh file).
    const preImages = options.dryRun || !getConfig(strapi).preImages ? null : await openPreImages(strapi, storage, folder, null);
    const shared: BundleRunShared = {
      strapi,
      task,
      options,
      context,
      bundle,
      bundleFiles: new Map(),
      counts,
      report,
      perBatch,
      inTransaction: transactionOf(strapi),
      paths: { bulk: 0, documentService: 0 },
      folder,
      preImages: preImages?.recorder ?? null,
    };
    const { paths } = shared;

    const runs: ImportRun[] = [];
    /** The run a failure comes from (a type's import, or its second pass). */
    let current: ImportRun | null = null;
    const importVersion = async (index: number, version: BundleVersion, status: EntryStatus | null) => {
      // A type exported without entries: nothing to read (the item reader refuses an empty file).
      if (!bundle.hasContent(options.types[index].contentType, version)) return;
      const run = await versionRun(shared, index, version, status);
      runs.push(run);
      current = run;
      await runImport(run);
    };

    let unlinked = 0;
    const state = () => (totals().failed > 0 || unlinked > 0 ? 'completed-with-errors' : 'completed');
    const run = async () => {
      for (const [index, type] of options.types.entries()) {
        if (type.published) await importVersion(index, 'published', 'published');
        await importVersion(index, type.status === 'published' && bothVersions(shared, index) ? 'published' : 'draft', type.status);
      }
      // Relations to types imported later, and self references: every entry of the bundle exists now.
      for (const typeRun of runs) {
        current = typeRun;
        unlinked += await linkLater(typeRun);
      }
      const recorder = preImages?.recorder;
      if (recorder) await shared.inTransaction((trx) => recorder.finish(trx));
      context.signal.throwIfAborted();
      if (options.dryRun) throw new DryRunRollback();
      if (perBatch) return;
      // stop: the task's final state and counts are committed in its transaction, with its data.
      await report.close();
      await context.checkpoint({
        ...totals(),
        total: totals().processed,
        state: state(),
        error: null,
        errorReportKey: report.count > 0 ? errorReportKey : null,
        writePath: describePaths(paths),
        typeCounts,
        finishedAt: new Date(),
      });
    };

    // Temporary indexes on the matchBy columns while the task runs (lookup-index.ts), made outside its transaction.
    const dropIndexes: Array<() => Promise<void>> = [];
    const cleanUp = () => {
      for (const typeRun of runs) typeRun.deferred.remove();
      bundle.close();
      zip.remove();
    };
    try {
      // The files first (outside the transaction: a provider's upload cannot be rolled back).
      const actor = await getService(strapi, 'permissions').actorOfOwner(task);
      shared.bundleFiles = await storeBundleFiles(strapi, bundle, { userId: actor?.id ?? null, signal: context.signal, dryRun: options.dryRun });
      for (const type of options.types) {
        const drop = await lookupIndexFor(strapi, type, contentTypes.get(type.contentType).localized);
        if (drop) dropIndexes.push(drop);
      }
      if (perBatch) await run();
      else await shared.inTransaction(run);
    } catch (error) {
      if (!(error instanceof DryRunRollback)) {
        // Set by the type runs (closures): read as such.
        const failedRun = current as ImportRun | null;
        if (error instanceof ItemFailure && failedRun) await recordFailure(failedRun, error.entry, error.problem);
        await report.close().catch(() => undefined);
        cleanUp();
        const errorReport = report.count > 0 ? errorReportKey : null;
        // What landed: nothing when the bundle was one transaction (rolled back); in continue mode, the batches
        // committed before the error.
        if (!perBatch) for (const counts of typeCounts) Object.assign(counts, { created: 0, updated: 0 });
        await (perBatch ? preImages?.store() : preImages?.remove());
        context.progress({ ...totals() });
        // Awaited here: the finally below awaits too, and a promise returned unawaited would reject with no handler meanwhile.
        return await stoppedImport(error, {
          perBatch,
          at: `${failedRun?.writer.uid ?? ''}, `,
          kept: `${totals().created} created, ${totals().updated} updated, ${totals().failed} failed`,
          counts: totals(),
          data: { errorReportKey: errorReport, typeCounts },
          removeReport: async () => {
            if (errorReport) await storage.remove(errorReportKey);
          },
        });
      }
    } finally {
      for (const drop of dropIndexes) await drop();
    }

    await report.close();
    cleanUp();
    if (report.count === 0) await storage.remove(errorReportKey);
    await (options.dryRun ? undefined : preImages?.store());
    return {
      status: state(),
      error: null,
      counts: { ...totals(), total: totals().processed },
      data: { errorReportKey: report.count > 0 ? errorReportKey : null, writePath: describePaths(paths), typeCounts },
    };
  };
