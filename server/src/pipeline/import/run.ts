import type { Knex } from 'knex';
import { pipeline } from 'node:stream/promises';
import type { SourceItem } from '../formats';
import { ItemError, type ItemProblem, type Problem } from '../problems';
import type { PreparedItem } from './prepare/prepare';
import type { ItemReport } from './report';
import { DeferredFile, linkDeferredReferences, rebatched, type DeferredDocuments } from './second-pass';
import { writeBatch } from './write/batch';
import { keyOf, type BatchEntry, type EntryResult, type WritePaths, type WriterContext } from './write/entries';

/**
 * The import path's loop, top to bottom:
 *
 *   items (a format module's reader) → prepare: map and coerce (prepare/) → batches → write (write/batch.ts:
 *   lookups and references, route, bulk or Document Service) → second pass (second-pass.ts) → report rows
 *
 * The task handler (services/tasks/import-task.ts) gives it its collaborators: the items, the writer's context,
 * the transaction, the report, the checkpoint and the pause between batches. `commits` says who commits:
 * - `task`: the caller runs the whole loop in one transaction (stop, dry run): nothing is ever half-imported;
 * - `batch`: each batch is written in its own transaction (continue), with its report rows and its checkpoint, so
 *   a killed server leaves whole batches and a resume starts after them. Such a batch holds the database for as
 *   long as it writes: its size adapts so that one batch takes about BATCH_TARGET_MS.
 * Items flow in bounded batches: memory does not grow with the file.
 */

export interface ImportCounts {
  processed: number;
  created: number;
  updated: number;
  /** `skip-existing`: items whose entry exists, left as it is. */
  skipped: number;
  failed: number;
}

export interface ImportRun {
  /** The file's items in chunks, in file order, as its format module reads them (`readChunks`). */
  items: AsyncIterable<SourceItem[]>;
  /**
   * Map and coerce one item (after a format upgrade); throws (or rejects) with an ItemError naming its stage. A
   * promise when the task has transforms (JSONata evaluates asynchronously); else synchronous, with no await.
   */
  prepare: (value: Record<string, unknown>) => PreparedItem | Promise<PreparedItem>;
  /** The attribute items are matched by (the key of a report row for an item that could not be prepared). */
  matchBy: string;
  /** Items before this index were handled by committed batches (a resume). */
  skip: number;
  /** The task's counts, updated as batches are written (a resume starts from the committed ones). */
  counts: ImportCounts;
  writer: Omit<WriterContext, 'trx'>;
  /** Which write path ran, counted. */
  paths: WritePaths;
  commits: 'task' | 'batch';
  /** The largest batch (a `batch` run adapts below it). */
  batchSize: number;
  inTransaction: <T>(fn: (trx: Knex.Transaction) => Promise<T>) => Promise<T>;
  signal: AbortSignal;
  report: ItemReport;
  /** `batch` runs: commits the batch's counts and checkpoint in the batch's transaction. */
  checkpoint: (state: { counts: ImportCounts; items: number; reportItems: number; preImageBytes: number | null }) => Promise<void>;
  /** Self references to later items, kept for the second pass. */
  deferred: DeferredFile;
  /** The Document Service of the type, for the second pass. */
  documents: DeferredDocuments;
  /**
   * Leave the second pass to the caller (`linkLater`): a bundle links every type's deferred relations once every
   * type is imported.
   */
  linkLater?: boolean;
  /** Runs between batches: lets other requests use the database. */
  pause: () => Promise<void>;
  /** Called after each batch, with the counts updated. */
  progress: () => void;
}

const BATCH_TARGET_MS = 250;
const MIN_BATCH = 10;
const FIRST_ADAPTIVE_BATCH = 50;

/** An item's problem where it is in the file. */
export const itemProblem = (
  entry: Pick<BatchEntry, 'index' | 'line'> & { key: string | number | null },
  problem: Problem
): ItemProblem => ({ ...problem, index: entry.index, line: entry.line, key: entry.key });

/** Records a failed item: counted, and a row of the error report. */
export const recordFailure = async (
  run: Pick<ImportRun, 'counts' | 'report'>,
  entry: BatchEntry,
  problem: Problem
): Promise<void> => {
  run.counts.failed += 1;
  await run.report.addProblem(itemProblem({ ...entry, key: keyOf(entry) }, problem), entry.raw);
};

/**
 * prepare: each item read becomes a batch entry (failures travel with it, in file order), a chunk at a time: no
 * await per item unless the task has transforms (JSONata evaluates asynchronously).
 */
async function* prepared(run: ImportRun, source: AsyncIterable<SourceItem[]>): AsyncGenerator<BatchEntry[]> {
  for await (const chunk of source) {
    const entries: BatchEntry[] = [];
    for (const item of chunk) {
      if (item.index < run.skip) continue; // handled by a committed batch before the interruption
      run.counts.processed += 1;
      const raw = item.value ?? item.raw ?? null;
      try {
        if (item.error || !item.value) throw new ItemError(item.error ?? 'the item could not be read', undefined, 'read');
        const result = run.prepare(item.value);
        entries.push({ index: item.index, line: item.line, raw, prepared: result instanceof Promise ? await result : result });
      } catch (error) {
        const value = item.value?.[run.matchBy];
        const key = typeof value === 'string' || typeof value === 'number' ? value : null;
        // A thrown ItemError names its stage; anything else escaped a stage's checks while mapping.
        const problem: Problem =
          error instanceof ItemError ? error.problem : { stage: 'map', field: null, message: (error as Error).message };
        entries.push({ index: item.index, line: item.line, raw, prepared: { error: problem, key } });
      }
    }
    if (entries.length > 0) yield entries;
  }
}

/**
 * One batch written in a `batch` run's own transaction: its failed items are in the report's file before its
 * checkpoint commits, so a server killed after the commit leaves them there for a resume (which copies the first
 * `reportItems` rows: those of a batch that then rolled back are not copied).
 */
const writeCommitted = (run: ImportRun, batch: BatchEntry[]) =>
  run.inTransaction(async (trx) => {
    const written = await writeBatch(batch, { ...run.writer, trx }, run.paths);
    await recordWritten(run, trx, written);
    const next = { ...run.counts };
    for (const result of written) {
      if (result.outcome !== 'failed') continue;
      const { entry, problem } = result;
      await run.report.addProblem(itemProblem({ ...entry, key: keyOf(entry) }, problem), entry.raw);
    }
    await run.report.flush();
    for (const result of written) next[result.outcome === 'failed' ? 'failed' : result.outcome] += 1;
    const preImageBytes = run.writer.preImages?.bytes ?? null;
    await run.checkpoint({ counts: next, items: batch[batch.length - 1].index + 1, reportItems: run.report.count, preImageBytes });
    return written;
  });

/** Undo: the documents a batch created, and what it left of those it wrote, in the file before the batch commits. */
const recordWritten = async (run: ImportRun, trx: Knex.Transaction, results: EntryResult[]) => {
  const preImages = run.writer.preImages;
  if (!preImages) return;
  const written = results.flatMap((result) =>
    result.outcome === 'created' || result.outcome === 'updated'
      ? [{ documentId: result.documentId, bound: result.bound, updatedRow: result.updatedRow }]
      : []
  );
  // One transaction for the whole run: what it left is read once, at the end (finishPreImages).
  await preImages.after(trx, run.writer.uid, written, { fingerprint: run.commits === 'batch' });
  await preImages.flush();
};

/** Undo, once the import (and its second pass) ended: what it left of every document it touched. */
export const finishPreImages = async (run: Pick<ImportRun, 'writer' | 'inTransaction'>): Promise<void> => {
  const preImages = run.writer.preImages;
  if (preImages) await run.inTransaction((trx) => preImages.finish(trx));
};

/** Counts a written batch (and reports its failures, unless its own transaction did). */
const tally = async (run: ImportRun, results: EntryResult[]) => {
  for (const result of results) {
    if (result.outcome === 'failed') {
      if (run.commits === 'batch') run.counts.failed += 1; // reported in the batch's transaction
      else await recordFailure(run, result.entry, result.problem);
    } else {
      run.counts[result.outcome] += 1;
      if (result.outcome !== 'skipped' && result.deferred) await run.deferred.add(result.deferred);
    }
  }
};

/**
 * Runs the import's items through prepare, write and the second pass; answers how many entries were written
 * without one of their deferred self references (continue mode). A `stop` run throws the ItemFailure of its first
 * failing item (the caller rolls the transaction back and reports it).
 */
export const runImport = async (run: ImportRun): Promise<{ unlinked: number }> => {
  const { batchSize, commits, signal } = run;
  let adaptiveSize = Math.min(batchSize, FIRST_ADAPTIVE_BATCH);
  const nextBatchSize = () => (commits === 'batch' ? adaptiveSize : batchSize);

  async function write(source: AsyncIterable<BatchEntry[]>) {
    for await (const batch of source) {
      signal.throwIfAborted();
      const started = Date.now();
      const results =
        commits === 'batch'
          ? await writeCommitted(run, batch)
          : await run.inTransaction(async (trx) => {
              const written = await writeBatch(batch, { ...run.writer, trx }, run.paths);
              await recordWritten(run, trx, written);
              return written;
            });
      const perItem = (Date.now() - started) / batch.length;
      // Never above batchSize (a batchSize under MIN_BATCH is kept as it is).
      adaptiveSize = Math.min(batchSize, Math.max(MIN_BATCH, Math.round(BATCH_TARGET_MS / Math.max(perItem, 0.01))));
      await run.pause();
      await tally(run, results);
      run.progress();
    }
  }

  await pipeline(
    run.items,
    (source: AsyncIterable<SourceItem[]>) => prepared(run, source),
    (source: AsyncIterable<BatchEntry[]>) => rebatched(source, nextBatchSize),
    write,
    { signal }
  );

  if (run.linkLater) return { unlinked: 0 };
  const unlinked = await linkLater(run);
  await finishPreImages(run);
  return { unlinked };
};

/**
 * The second pass: relations to items that came later (self references; in a bundle, relations to types imported
 * later); answers how many entries were left without one of them (continue mode).
 */
export const linkLater = (run: ImportRun): Promise<number> => {
  const { writer, batchSize, signal } = run;
  const attributes = writer.schema.attributes;
  return linkDeferredReferences(run.deferred.read(), {
    targetOf: (attribute) => attributes[attribute]?.target ?? writer.uid,
    batchSize,
    signal,
    resolve: writer.resolve,
    documents: {
      update: (params) => {
        // Undo: the document changed after its batch's fingerprint; finishPreImages reads it again.
        writer.preImages?.changed(writer.uid, params.documentId);
        return run.documents.update(params);
      },
    },
    inTransaction: (fn) => run.inTransaction(() => fn()),
    onError: writer.options.onError,
    status: writer.draftAndPublish ? writer.options.status ?? 'draft' : undefined,
    report: (problem, item) => run.report.addProblem(problem, item),
  });
};
