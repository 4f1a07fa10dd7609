import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AttributeInfo } from '../../../../shared/contracts';
import type { TaskContext, TaskHandler, TaskOutcome } from './runner';
import { commitsByBatch, type TaskRow } from './task-row';
import type { StorageService } from '../storage/local';
import { getConfig, getService } from '../../utils';
import { ErrorReportWriter } from '../../pipeline/import/report';
import { planUpgrade } from '../../pipeline/formats/format-version';
import { FORMATS, type CsvColumn, type SourceItem } from '../../pipeline/formats';
import type { ResolvedImportOptions } from '../../pipeline/task-options';
import { prepareItem, type PrepareContext } from '../../pipeline/import/prepare/prepare';
import { ItemError, type Problem } from '../../pipeline/problems';
import { DeferredFile, inBatches, linkDeferredReferences, type DeferredDocuments } from '../../pipeline/import/second-pass';
import { createBulkWriter } from '../../pipeline/import/write/bulk/index';
import { createLookupIndex } from '../../pipeline/sql/lookup-index';
import {
  ItemFailure,
  keyOf,
  resetValueOf,
  writeBatch,
  type BatchEntry,
  type WritePaths,
  type WriterContext,
} from '../../pipeline/import/write/batch';
import { withoutSql } from '../../pipeline/sql/database-errors';
import { columnOf, modelMeta } from '../../schema/model-metadata';

/**
 * The import task's handler. The import path, top to bottom:
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

class DryRunRollback extends Error {}

/** Remembers a function's answer per argument. */
const once = <T>(fn: (key: string) => T) => {
  const answers = new Map<string, T>();
  return (key: string): T => {
    if (!answers.has(key)) answers.set(key, fn(key));
    return answers.get(key)!;
  };
};

/** Which write path ran (recorded in the task): `bulk`, `document-service`, both, or null when nothing was written. */
const describePaths = ({ bulk, documentService }: WritePaths) =>
  bulk && documentService ? 'bulk+document-service' : bulk ? 'bulk' : documentService ? 'document-service' : null;

const BATCH_TARGET_MS = 250;
const MIN_BATCH = 10;
const BATCH_PAUSE_MS = 20;

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

/** CSV headers → item paths and attributes, after the field mapping (`seo.metaTitle` → the component's field). */
export const csvColumnsFor =
  (attributes: AttributeInfo[], mapping: Record<string, string | null>) =>
  (headers: string[]): CsvColumn[] =>
    headers.map((header) => {
      const target = Object.prototype.hasOwnProperty.call(mapping, header) ? mapping[header] : header;
      if (target === null) return { header, path: null };
      const [name, ...rest] = target.split('.');
      const attribute = attributes.find((a) => a.name === name);
      if (attribute && rest.length > 0 && attribute.type === 'component' && !attribute.multiple) {
        const leaf = attribute.attributes?.find((a) => a.name === rest.join('.'));
        return { header, path: [name, rest.join('.')], attribute: leaf };
      }
      if (['documentId', 'locale'].includes(target)) {
        return {
          header,
          path: [target],
          attribute: { name: target, type: 'string', required: false, unique: false, private: false },
        };
      }
      return { header, path: [target], attribute };
    });

export const createImportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const stored = task.options as Partial<ResolvedImportOptions>;
    const options = {
      locale: null,
      status: null,
      templateId: null,
      fieldMapping: {},
      ...stored,
    } as ResolvedImportOptions;
    const storage = getService(strapi, 'storage');
    const contentTypes = getService(strapi, 'content-types');
    const { batchSize, limits } = getConfig(strapi);
    const uid = options.contentType;
    const schema = contentTypes.schemaOf(uid);
    if (!schema || !task.fileKey) throw new Error(`The content type ${uid} no longer exists`);
    const type = contentTypes.get(uid);
    const metadata = modelMeta(strapi, uid);
    const lookupColumns = [
      columnOf(metadata, options.matchBy),
      ...(type.localized ? ['locale'] : []),
    ];

    const folder = task.fileKey.slice(0, task.fileKey.lastIndexOf('/'));
    // A resumed task (continue mode, after an interruption or a cancel) skips the items its committed batches
    // handled, starts from their counts, and continues their error report (copied into a report of its own).
    const resume = commitsByBatch(task) && task.checkpoint ? task.checkpoint : null;
    const errorReportKey = resume ? `${folder}/errors-${Date.now()}.jsonl` : `${folder}/errors.jsonl`;
    // continue: the rows of committed batches must outlive a killed server (kill -9: no shutdown hook runs), since a
    // resume continues the report from them. The report is then a plain file, each batch's rows written out before
    // its checkpoint commits: with `local` storage the file under its key, with `s3` a scratch file of this machine,
    // uploaded under the key when the task ends (a killed server's is found only by a resume on the same machine).
    // stop and dry runs: written atomically under its key when the task ends.
    const durableReport = options.onError === 'continue' && !options.dryRun;
    const reportFile = durableReport ? storage.localPath(errorReportKey) : null;
    const report = new ErrorReportWriter(reportFile ? fs.createWriteStream(reportFile) : storage.createWriteStream(errorReportKey));
    let reportClosed: Promise<void> | null = null;
    /** Closes the report; a durable report's scratch file (s3) is then uploaded under its key. */
    const closeReport = () =>
      (reportClosed ??= (async () => {
        await report.close();
        if (!reportFile || storage.provider === 'local') return;
        if (report.count > 0) await pipeline(fs.createReadStream(reportFile), storage.createWriteStream(errorReportKey));
        fs.rmSync(reportFile, { force: true });
      })());
    const previousReport = resume && task.errorReportKey && task.errorReportKey !== errorReportKey ? task.errorReportKey : null;
    /** Failed items of the runs before whose report rows were not found (see `openPreviousReport`). */
    let lostReportRows = 0;
    if (previousReport) {
      const source = await openPreviousReport(storage, previousReport);
      const copied = source ? await report.copy(source, resume?.reportItems ?? Infinity) : 0;
      report.count += copied;
      lostReportRows = Math.max(0, (resume?.reportItems ?? copied) - copied);
    }
    const deferred = new DeferredFile(storage.localPath(`${folder}/deferred.jsonl`));

    const size = (await storage.size(task.fileKey)) ?? 0;
    let bytesRead = 0;
    const counts = resume
      ? { processed: resume.items, created: task.created ?? 0, updated: task.updated ?? 0, failed: task.failed ?? 0 }
      : { processed: 0, created: 0, updated: 0, failed: 0 };
    const progress = () => context.progress({ ...counts, fraction: size > 0 ? Math.min(1, bytesRead / size) : null });

    /** A fresh stream of the uploaded file, counting the bytes read (progress while the total is unknown). */
    const open = (): Readable => {
      const counter = new PassThrough();
      counter.on('data', (chunk: Buffer) => {
        bytesRead += chunk.length;
      });
      pipeline(storage.createReadStream(task.fileKey as string), counter).catch((error) => counter.destroy(error));
      return counter;
    };

    const prepareContext: PrepareContext = {
      schema,
      schemaOf: contentTypes.schemaOf,
      isOffered: contentTypes.isOfferedAttribute,
      fieldMapping: FORMATS[options.format].tabular ? {} : options.fieldMapping, // tabular formats map columns in the reader
      matchBy: options.matchBy,
      localized: type.localized,
      locales: type.localized ? await contentTypes.localeCodes() : undefined,
    };
    const i18n = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale(): Promise<string> } | undefined;
    const paths: WritePaths = { bulk: 0, documentService: 0 };
    // The Content Manager permissions of the user who started it, as they are now (null: unrestricted).
    const permissions = getService(strapi, 'permissions');
    const actor = await permissions.actorById(task.creatorId);
    if (actor) permissions.assertImportAllowed(actor, options);
    const access = permissions.access(actor, uid);
    const userId = actor?.id ?? null;
    const appDefaultLocale = i18n ? await i18n.getDefaultLocale() : null;
    const writer: Omit<WriterContext, 'trx'> = {
      strapi,
      // New entries go through the bulk path when the item sets only what it writes as the Document Service does.
      bulk: getConfig(strapi).bulkWrites ? createBulkWriter(strapi, uid, { userId }) : null,
      gate: permissions.writeGate(actor, uid, { draftAndPublish: type.draftAndPublish, localized: type.localized }),
      userId,
      uid,
      schema,
      options,
      localized: type.localized,
      draftAndPublish: type.draftAndPublish,
      defaultLocale: type.localized ? appDefaultLocale : null,
      // overwrite resets what the file leaves out: only the fields the user may update.
      resetValues: Object.fromEntries(
        Object.entries(schema.attributes)
          .filter(([name, attribute]) => contentTypes.isOfferedAttribute(attribute, name))
          .filter(([name]) => !access || access.allowsField('update', name))
          .map(([name, attribute]) => [name, resetValueOf(attribute)])
      ),
      resolve: {
        strapi,
        sourceLocalized: type.localized,
        defaultLocale: appDefaultLocale,
        // Asked for every reference: worked out once per target.
        // A reference by a natural key reads it: only keys the user may read (documentId always).
        keysOf: once((target) =>
          contentTypes.isOffered(target)
            ? contentTypes
                .get(target)
                .matchKeys.filter((key) => key === 'documentId' || (permissions.access(actor, target)?.allowsField('read', key) ?? true))
            : ['documentId']
        ),
        isLocalized: once(
          (target) =>
            (contentTypes.schemaOf(target)?.pluginOptions as { i18n?: { localized?: boolean } } | undefined)?.i18n
              ?.localized === true
        ),
      },
    };

    const fail = async (
      entry: { index: number; line: number | null; key: string | number | null; raw: unknown },
      problem: Problem
    ) => {
      counts.failed += 1;
      const { stage, field, message } = problem;
      await report.add({ itemIndex: entry.index, line: entry.line, key: entry.key, stage, field, message, item: entry.raw });
    };

    // A file from an older format version: each item is upgraded to the current shape as it is read.
    const upgrade = planUpgrade(task.formatVersion ?? undefined);
    const upgradeItem = upgrade.steps.length > 0 ? upgrade.item : (value: Record<string, unknown>) => value;

    /** parse → (upgrade) → map + validate: each item read becomes a batch entry (failures travel with it, in file order). */
    async function* prepare(source: AsyncIterable<SourceItem>): AsyncGenerator<BatchEntry> {
      for await (const item of source) {
        if (resume && item.index < resume.items) continue; // handled by a committed batch before the interruption
        counts.processed += 1;
        const raw = item.value ?? item.raw ?? null;
        try {
          if (item.error || !item.value) throw new ItemError(item.error ?? 'the item could not be read', undefined, 'read');
          yield {
            index: item.index,
            line: item.line,
            raw,
            prepared: prepareItem(upgradeItem(item.value), prepareContext),
          };
        } catch (error) {
          const value = item.value?.[options.matchBy === 'documentId' ? 'documentId' : options.matchBy];
          const key = typeof value === 'string' || typeof value === 'number' ? value : null;
          // A thrown ItemError names its stage; anything else escaped a stage's checks while mapping.
          const problem: Problem =
            error instanceof ItemError ? error.problem : { stage: 'map', field: null, message: (error as Error).message };
          yield { index: item.index, line: item.line, raw, prepared: { error: problem, key } };
        }
      }
    }

    /**
     * Each batch is written in a transaction: the task's own when the whole task is one (stop, dry run), else
     * its own (continue), which lets other requests use the database between batches (SQLite has one writer).
     */
    const inTransaction = <T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
      strapi.db.transaction(({ trx }) => fn(trx as Knex.Transaction)) as Promise<T>;

    /**
     * In `continue` mode a batch holds the database for as long as it writes: its size adapts so that one batch
     * takes about BATCH_TARGET_MS, and other requests get the database between batches.
     */
    let adaptiveSize = Math.min(batchSize, 50);
    const perBatchTransactions = options.onError === 'continue' && !options.dryRun;
    const nextBatchSize = () => (perBatchTransactions ? adaptiveSize : batchSize);
    const yieldBetweenBatches = perBatchTransactions && strapi.db.dialect.client === 'sqlite';
    /** Whether another request holds or waits for a connection (knex's pool; unknown counts as wanted). */
    const connectionWanted = () => {
      const pool = (strapi.db.connection.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
      return !pool || pool.numUsed() + pool.numPendingAcquires() > 0;
    };

    /** write: one batch at a time. */
    const write = () =>
      async function (source: AsyncIterable<BatchEntry[]>) {
        for await (const batch of source) {
          context.signal.throwIfAborted();
          const started = Date.now();
          const results = await inTransaction(async (trx) => {
            const written = await writeBatch(batch, { ...writer, trx }, paths);
            if (perBatchTransactions) {
              // The batch's failed items are in the report's file before its checkpoint commits: a server killed
              // after the commit leaves them there for a resume (which copies the first `reportItems` rows: those
              // of a batch that then rolled back are not copied).
              for (const result of written) {
                if (result.outcome !== 'failed') continue;
                const { entry, problem } = result;
                const { stage, field, message } = problem;
                await report.add({ itemIndex: entry.index, line: entry.line, key: keyOf(entry), stage, field, message, item: entry.raw });
              }
              await report.flush();
              // The batch's counts and the checkpoint, committed with its rows (or rolled back with them).
              const next = { ...counts };
              for (const result of written) next[result.outcome === 'failed' ? 'failed' : result.outcome] += 1;
              const reportItems = report.count;
              await context.checkpoint({
                ...next,
                checkpoint: { items: batch[batch.length - 1].index + 1, reportItems },
                errorReportKey: reportItems > 0 ? errorReportKey : null,
              });
            }
            return written;
          });
          const perItem = (Date.now() - started) / batch.length;
          adaptiveSize = Math.max(
            MIN_BATCH,
            Math.min(batchSize, Math.round(BATCH_TARGET_MS / Math.max(perItem, 0.01)))
          );
          // SQLite has one connection: when another request took it as the batch ended (or waits for it), pause
          // briefly so that it runs its queries back to back instead of one per batch.
          if (yieldBetweenBatches && connectionWanted())
            await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS));
          // A batch's writes run back to back without giving the event loop a turn (better-sqlite3 is synchronous,
          // the rest are promise continuations): let waiting requests (status, cancel, any admin page) take one now.
          else await new Promise((resolve) => setImmediate(resolve));
          for (const result of results) {
            if (result.outcome === 'failed') {
              // continue: reported in the batch's transaction, above.
              if (perBatchTransactions) counts.failed += 1;
              else
                await fail(
                  { index: result.entry.index, line: result.entry.line, key: keyOf(result.entry), raw: result.entry.raw },
                  result.problem
                );
            } else {
              counts[result.outcome] += 1;
              if (result.deferred) await deferred.add(result.deferred);
            }
          }
          progress();
        }
      };

    /** Entries written whose deferred self references failed in the second pass (continue mode). */
    let unlinked = 0;
    /** The second pass: self references to items that came later in the file (pipeline/import/second-pass.ts). */
    const linkDeferred = async () => {
      unlinked = await linkDeferredReferences(deferred.read(), {
        uid,
        batchSize,
        signal: context.signal,
        resolve: writer.resolve,
        documents: strapi.documents(uid as never) as unknown as DeferredDocuments,
        inTransaction: (fn) => inTransaction(() => fn()),
        onError: options.onError,
        status: writer.draftAndPublish ? options.status ?? 'draft' : undefined,
        report: (row) => report.add(row),
      });
    };

    const format = FORMATS[options.format];
    const readOptions = {
      signal: context.signal,
      invalidUtf8: options.invalidUtf8,
      limits,
      resolveColumns: format.tabular ? csvColumnsFor(type.attributes, options.fieldMapping) : undefined,
    };

    const run = async () => {
      await pipeline(
        format.read(open, readOptions),
        prepare,
        (source: AsyncIterable<BatchEntry>) => inBatches(source, nextBatchSize),
        write(),
        { signal: context.signal }
      );
      await linkDeferred();
      context.signal.throwIfAborted();
      if (options.dryRun) throw new DryRunRollback();
      if (!perBatchTransactions) {
        // stop: the task's final state and counts are committed in its transaction, with its data.
        await closeReport();
        await context.checkpoint({
          ...counts,
          total: counts.processed,
          state: counts.failed > 0 || unlinked > 0 ? 'completed-with-errors' : 'completed',
          error: null,
          errorReportKey: report.count > 0 ? errorReportKey : null,
          writePath: describePaths(paths),
          finishedAt: new Date(),
        });
      }
    };

    // A temporary index on the matchBy column while the task runs (lookup-index.ts), made outside its transaction.
    const dropLookupIndex =
      options.matchBy === 'documentId' ? null : await createLookupIndex(strapi, metadata.tableName, lookupColumns);
    try {
      // stop and dry run: the whole task is one transaction (rolled back at the first failure, or at the end of a
      // dry run). continue: one transaction per batch, failing items rolled back to their savepoints.
      if (options.onError === 'stop' || options.dryRun) await inTransaction(run);
      else await run();
    } catch (error) {
      if (!(error instanceof DryRunRollback)) {
        if (error instanceof ItemFailure) {
          const { entry } = error;
          await fail({ index: entry.index, line: entry.line, key: keyOf(entry), raw: entry.raw }, error.problem);
        }
        await closeReport();
        deferred.remove();
        progress();
        const hasReport = report.count > 0;
        if (error instanceof ItemFailure) {
          const { entry } = error;
          const key = keyOf(entry);
          const where = [
            `item ${entry.index}`,
            entry.line ? `line ${entry.line}` : null,
            key !== null ? `key ${JSON.stringify(key)}` : null,
          ]
            .filter(Boolean)
            .join(', ');
          return {
            status: 'failed',
            error: `Stopped at ${where}: ${error.problem.message}. Nothing was imported (onError: stop).`,
            counts: { ...counts, created: 0, updated: 0 },
            data: { errorReportKey: hasReport ? errorReportKey : null },
          };
        }
        // continue: the committed batches stay, with their error report (a resume continues it).
        if (hasReport && !perBatchTransactions) await storage.remove(errorReportKey).catch(() => undefined);
        // What landed: nothing when the task was one transaction (rolled back); in continue mode, the batches
        // committed before the error (counted as they committed).
        if (!perBatchTransactions) Object.assign(counts, { created: 0, updated: 0 });
        progress();
        const kept = perBatchTransactions
          ? `The batches before were kept: ${counts.created} created, ${counts.updated} updated, ${counts.failed} failed of ${counts.processed} items read`
          : 'Nothing was imported';
        const reason = withoutSql(String((error as Error)?.message ?? error).split('\n')[0], error);
        throw Object.assign(new Error(`${reason}. ${kept}.`), { cause: error });
      }
    } finally {
      await dropLookupIndex?.();
    }

    await closeReport();
    deferred.remove();
    const hasReport = report.count > 0;
    if (!hasReport) await storage.remove(errorReportKey);
    if (previousReport) {
      await storage.remove(previousReport).catch(() => undefined);
      if (storage.provider !== 'local') fs.rmSync(storage.localPath(previousReport), { force: true });
    }
    return {
      status: counts.failed > 0 || unlinked > 0 ? 'completed-with-errors' : 'completed',
      error:
        lostReportRows > 0
          ? `The error report lacks the ${lostReportRows} failed item(s) of the run before the interruption: their rows (${previousReport}) were not found. With s3 storage, the rows of a server that was killed are kept only on its machine, until its task ends (a resume there continues them)`
          : null,
      counts: { ...counts, total: counts.processed },
      data: { errorReportKey: hasReport ? errorReportKey : null, writePath: describePaths(paths) },
    };
  };
