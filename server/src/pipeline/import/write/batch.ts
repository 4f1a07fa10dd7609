import { newDocumentId } from './document-id';
import { localeOf, lookupBatch } from './lookup';
import { route, type WriteRoute } from './route';
import { inSavepoint, validCreate, validUpdate, withoutLaterLinks, writeThroughDocumentService } from './entry-writes';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AttributeSchema, ModelSchema } from '../../../schema/model-schema';
import type { ResolvedImportOptions } from '../../task-options';
import type { BulkWriter, NewDocument, UpdatedDocument } from './bulk/index';
import type { PreparedItem } from '../prepare/prepare';
import { ItemError, stopOrContinue, writeProblem, type Problem } from '../../problems';
import { describeDatabaseError, withoutSql } from '../../sql/database-errors';
import type { ResolveContext } from '../resolve/references';
import { modelMeta } from '../../../schema/model-metadata';

/**
 * The write stage: one batch of prepared items into the database. Per batch: one lookup query per locale for
 * the entries that already exist (by `matchBy`, bounded IN lists), one set of reference lookups, then the writes,
 * in file order:
 * - the bulk path (bulk-writer.ts), for new entries and for updates of existing drafts (or entries of types without
 *   draft & publish): each entry checked against Strapi's rules (rules.ts, else Strapi's own entity validator),
 *   then a few multi-row statements per group of consecutive entries, writing the rows the Document Service would;
 * - the Document Service, item by item, for everything the bulk path does not write the same way (see
 *   bulk-writer.ts: updates that publish, self references, a new locale of an existing document, some attributes).
 * In `continue` mode each write runs in a savepoint: a failing item (or group) rolls back alone and is reported.
 */

export interface BatchEntry {
  index: number;
  line: number | null;
  /** The item as read, for the error report. */
  raw: unknown;
  /** The mapped and validated item, or why it could not be (reported in file order with the batch). */
  prepared: PreparedItem | { error: Problem; key: string | number | null };
}

export type ReadyEntry = BatchEntry & { prepared: PreparedItem };

export const keyOf = (entry: BatchEntry) => entry.prepared.key;

export type EntryResult =
  | {
      entry: BatchEntry;
      outcome: 'created' | 'updated';
      documentId: string;
      locale: string | null;
      deferred: DeferredLinks | null;
    }
  | { entry: BatchEntry; outcome: 'failed'; problem: Problem };

/** Self references to items later in the file: written in a second pass, once every item exists. */
export interface DeferredLinks {
  index: number;
  line: number | null;
  key: string | number | null;
  raw: unknown;
  /** How the first pass counted the entry (it stays counted so if its links fail: the entry is kept). */
  outcome: 'created' | 'updated';
  documentId: string;
  locale: string | null;
  /** The attributes to link, as written in the file (resolved again in the second pass). */
  data: Record<string, unknown>;
}

export interface WriterContext {
  strapi: Core.Strapi;
  uid: string;
  schema: ModelSchema;
  options: ResolvedImportOptions;
  localized: boolean;
  draftAndPublish: boolean;
  defaultLocale: string | null;
  /** Attributes reset by `overwrite` when the file leaves them out. */
  resetValues: Record<string, unknown>;
  resolve: ResolveContext;
  /** The task's transaction (set by the import): savepoints isolate failing items in `continue` mode. */
  trx: Knex.Transaction;
  /** The bulk path for new entries of this type (null: every item goes through the Document Service). */
  bulk: BulkWriter | null;
  /**
   * The Content Manager permissions of the user who runs the import (null: the system or a super admin, who may
   * write everything): asked once per batch which entries that user may not write.
   */
  gate: WriteGate | null;
  /** The admin user the entries are written by (`createdBy`/`updatedBy`), or null (the system). */
  userId: number | null;
}

/** One entry as the permission check sees it. */
export interface WriteCheck {
  /** Creates an entry (or a new locale of a document), or updates the existing `documentId`. */
  documentId: string | null;
  /** A key that repeats an earlier item of the batch: created by the first, updated by this one. */
  repeated: boolean;
  locale: string | null;
  data: Record<string, unknown>;
  publish: boolean;
}

/** Decides which writes the importing user's permissions refuse: the message of each refused check. */
export interface WriteGate {
  refusals(checks: WriteCheck[]): Promise<Map<WriteCheck, string>>;
}

/** Which write path ran, counted per task. */
export interface WritePaths {
  bulk: number;
  documentService: number;
}

/** What `overwrite` sets an attribute to when the file does not mention it: its default, or empty. */
export const resetValueOf = (attribute: AttributeSchema): unknown => {
  if (attribute.default !== undefined) return attribute.default;
  switch (attribute.type) {
    case 'relation':
      return /ToMany$|^manyWay$/.test(attribute.relation ?? '') ? [] : null;
    case 'media':
      return attribute.multiple ? [] : null;
    case 'component':
      return attribute.repeatable ? [] : null;
    case 'dynamiczone':
      return [];
    default:
      return null;
  }
};

/** Turns what Strapi or the database threw into a message naming the field. */
export const describeWriteError = (error: unknown, fieldOf?: (column: string) => string): string => {
  const e = error as { message?: string; details?: { errors?: Array<{ path?: string[]; message?: string }> } };
  const details = e.details?.errors;
  if (details?.length) {
    return details.map((d) => (d.path?.length ? `${d.path.join('.')}: ${d.message}` : d.message ?? '')).join('; ');
  }
  // A driver's error: its own sentence and the field, never the SQL text (database-errors.ts).
  const message =
    describeDatabaseError(error, fieldOf) ?? withoutSql((e.message ?? String(error)).split('\n')[0], error);
  if (/unique|duplicate/i.test(message)) return `a value that must be unique is already used (${message})`;
  return message;
};

/** A column of the type's table → the attribute it holds (for database errors naming a column). */
const fieldOfColumn = (ctx: WriterContext) => {
  const { attributes } = modelMeta(ctx.strapi, ctx.uid);
  const byColumn = new Map(Object.entries(attributes).map(([name, a]) => [a.columnName ?? name, name]));
  return (column: string) => byColumn.get(column) ?? column;
};

type Pending =
  | { entry: BatchEntry; kind: 'create'; doc: NewDocument }
  | { entry: BatchEntry; kind: 'update'; doc: UpdatedDocument };

/**
 * The bulk path: consecutive new entries (or consecutive updates) validated one by one, then written together.
 * `written`: keys written in this batch (a create the database refuses is taken out of it).
 */
const bulkQueue = (
  ctx: WriterContext,
  paths: WritePaths,
  results: EntryResult[],
  written: Map<string, string>
) => {
  const pending: Pending[] = [];
  /** Row ids of the pending updates: a row updated twice is written in two groups, in file order. */
  const pendingRows = new Set<number>();
  const write = (bulk: BulkWriter, group: Pending[]) =>
    group[0].kind === 'create'
      ? bulk.insert(
          group.map((p) => p.doc as NewDocument),
          ctx.trx
        )
      : bulk.update(
          group.map((p) => p.doc as UpdatedDocument),
          ctx.trx
        );
  const done = (p: Pending): EntryResult => ({
    entry: p.entry,
    outcome: p.kind === 'create' ? 'created' : 'updated',
    documentId: p.doc.documentId,
    locale: p.doc.locale,
    deferred: null,
  });
  const flush = async () => {
    const bulk = ctx.bulk;
    if (pending.length === 0 || !bulk) return;
    const group = pending.splice(0);
    pendingRows.clear();
    try {
      // Always in a savepoint: after a refused statement, PostgreSQL accepts nothing else in the transaction.
      await inSavepoint(ctx.trx, true, () => write(bulk, group));
      paths.bulk += group.length;
      for (const p of group) results.push(done(p));
    } catch {
      // The database refused the group: write its items one by one to find (and report) the one it refuses.
      for (const p of group) {
        try {
          await inSavepoint(ctx.trx, true, () => write(bulk, [p]));
          paths.bulk += 1;
          results.push(done(p));
        } catch (error) {
          // Not written: a later item with the same key must not take it for an existing entry.
          if (p.kind === 'create') for (const [key, id] of written) if (id === p.doc.documentId) written.delete(key);
          const problem = writeProblem(error, describeWriteError(error, fieldOfColumn(ctx)));
          results.push({ entry: p.entry, outcome: 'failed', problem: stopOrContinue(ctx.options.onError, problem, (f) => new ItemFailure(p.entry, f)) });
        }
      }
    }
  };
  const queue = async (next: Pending) => {
    if (
      pending.length > 0 &&
      (pending[0].kind !== next.kind || (next.kind === 'update' && pendingRows.has(next.doc.id)))
    )
      await flush();
    pending.push(next);
    if (next.kind === 'update') pendingRows.add(next.doc.id);
    if (pending.length >= BULK_INSERT_ROWS) await flush();
  };
  return { flush, queue };
};

/** The facts `route` decides on, for one entry (`certain`: whether an update that publishes certainly passes). */
const routeOf = (
  writer: BulkWriter | null,
  entry: {
    data: Record<string, unknown>;
    values: Record<string, unknown>;
    deferred: DeferredLinks | null;
    documentId: string | null;
    newLocaleVersion: boolean;
    rowId: number | undefined;
    publishes: boolean;
    locale: string | null;
  },
  certain: (
    values: Record<string, unknown>,
    data: Record<string, unknown>,
    draft: { id: number; documentId: string },
    locale: string | null
  ) => boolean
): WriteRoute => {
  const { data, values, deferred, documentId, newLocaleVersion, rowId, publishes, locale } = entry;
  return route({
    bulkWriter: writer !== null,
    deferred: deferred !== null,
    blocker: writer && !deferred ? writer.blockerOf(data) : null,
    exists: Boolean(documentId),
    newLocaleVersion,
    rowKnown: rowId !== undefined,
    updateBlocker: writer?.updateBlocker ?? null,
    publishes,
    // Asked only of updates the bulk path could write: `publishable` reads the row read before the batch.
    publishCertain:
      publishes &&
      writer !== null &&
      documentId !== null &&
      rowId !== undefined &&
      certain(values, data, { id: rowId, documentId }, locale),
  }).route;
};

/** One entry the bulk path may write, with what writeBatch worked out for it. */
interface BulkPlan {
  entry: BatchEntry;
  data: Record<string, unknown>;
  /** The attributes Strapi's validator checks, and the links (relations and media) resolved before. */
  values: Record<string, unknown>;
  links: Record<string, unknown>;
  locale: string | null;
  lookupKey: string | null;
  documentId: string | null;
  rowId: number | undefined;
  published: boolean;
  publishes: boolean;
  targetDocumentId: string | undefined;
}

/**
 * Validates an entry routed to the bulk path as the Document Service validates it, then queues it with the batch's
 * other new entries (or updates). Answers false when the route needs what the entry lacks (an update without the
 * row read before the batch): the entry then goes through the Document Service.
 */
const queueBulk = async (
  ctx: WriterContext,
  bulk: BulkWriter,
  path: WriteRoute,
  plan: BulkPlan,
  batch: {
    lookups: Awaited<ReturnType<typeof lookupBatch>>;
    written: Map<string, string>;
    flush: () => Promise<void>;
    queue: (next: Pending) => Promise<void>;
  }
): Promise<boolean> => {
  const { entry, data, values, links, locale, lookupKey, documentId, rowId, published, publishes, targetDocumentId } = plan;
  const { lookups, written, flush, queue } = batch;
  if (path === 'bulk-create') {
    // Validated as the Document Service validates (its relations and media were resolved before), then written
    // with the batch's other new entries.
    const newId = targetDocumentId ?? newDocumentId();
    const valid = await validCreate(ctx, bulk, values, { published, locale, clash: lookups.clashes(values, locale, newId) }, flush);
    if (published) lookups.hold(values, locale, newId);
    if (lookupKey) written.set(lookupKey, newId);
    await queue({ entry, kind: 'create', doc: { documentId: newId, locale, published, data: valid === values ? data : { ...valid, ...links } } });
    return true;
  }
  // An update that publishes is written in bulk only when it certainly passes Strapi's rules, as its draft and then
  // as the published entry the whole draft becomes (the Document Service validates and names any failure).
  if (documentId && rowId !== undefined && (path === 'bulk-update' || path === 'bulk-publish')) {
    // An update of the draft (or of the only row), validated as the Document Service validates an update.
    const clash = lookups.clashes(values, locale, documentId);
    const valid = await validUpdate(ctx, bulk, values, { published, publishes, locale, rowId, clash }, flush);
    if (published) lookups.hold(values, locale, documentId);
    if (lookupKey) written.set(lookupKey, documentId);
    const merged = valid === values ? data : { ...valid, ...links };
    await queue({ entry, kind: 'update', doc: { id: rowId, documentId, locale, data: merged, publish: publishes } });
    return true;
  }
  return false;
};

export const writeBatch = async (
  batch: BatchEntry[],
  ctx: WriterContext,
  paths: WritePaths
): Promise<EntryResult[]> => {
  const { options } = ctx;
  const entries = batch.filter((entry): entry is ReadyEntry => !('error' in entry.prepared));
  const isolate = options.onError === 'continue';
  const results: EntryResult[] = [];
  const lookups = await lookupBatch(ctx, entries);
  const { failed, existing, rowIds, documents, deferredSlots, publishable, clashes, hold } = lookups;

  /** An update that publishes certainly passes Strapi's rules and holds no unique value another document holds. */
  const certain = (
    values: Record<string, unknown>,
    data: Record<string, unknown>,
    draft: { id: number; documentId: string },
    locale: string | null
  ) => publishable(data, values, draft) && !clashes(values, locale, draft.documentId);

  /** Keys written in this batch: a key seen twice is created once, then updated. */
  const written = new Map<string, string>();

  const { flush, queue } = bulkQueue(ctx, paths, results, written);

  for (const entry of batch) {
    if ('error' in entry.prepared) {
      const problem = stopOrContinue(options.onError, entry.prepared.error, (f) => new ItemFailure(entry, f));
      results.push({ entry, outcome: 'failed', problem });
      continue;
    }
    const prepared = entry.prepared;
    const locale = localeOf(ctx, prepared);
    const lookupKey = prepared.key === null ? null : `${locale ?? ''}|${prepared.key}`;
    const reason = failed.get(entry as ReadyEntry);
    if (reason) {
      results.push({ entry, outcome: 'failed', problem: stopOrContinue(options.onError, reason, (f) => new ItemFailure(entry, f)) });
      continue;
    }

    const { data: given0, deferred } = withoutLaterLinks(
      entry,
      prepared,
      locale,
      deferredSlots.get(entry as ReadyEntry)
    );
    let data = given0;

    const documentId = (lookupKey && (written.get(lookupKey) ?? existing.get(lookupKey))) || null;
    try {
      if (documentId && options.importStrategy === 'add-only') {
        throw new ItemError(
          `an entry with ${options.matchBy} ${JSON.stringify(prepared.key)} already exists (importStrategy add-only)`,
          options.matchBy,
          'write'
        );
      }
      if (options.updateStrategy === 'overwrite' && documentId) data = { ...ctx.resetValues, ...data };
      const status = ctx.draftAndPublish ? options.status ?? 'draft' : undefined;

      const targetDocumentId = prepared.documentId ?? undefined;
      const newLocaleVersion = Boolean(targetDocumentId && ctx.localized && documents.has(targetDocumentId));
      const published = !ctx.draftAndPublish || status === 'published';
      // The row an update writes, when the entry existed before this batch (one created in it goes through the Document Service).
      const rowId =
        documentId && lookupKey && existing.get(lookupKey) === documentId ? rowIds.get(lookupKey) : undefined;
      const publishes = ctx.draftAndPublish && published;
      const writer = ctx.bulk;
      // The attributes Strapi's validator checks, and the links (relations and media) resolved above.
      const { values, links } = writer ? writer.splitData(data) : { values: data, links: {} };
      const path = routeOf(
        writer,
        { data, values, deferred, documentId, newLocaleVersion, rowId, publishes, locale },
        certain
      );
      const bulk = path === 'document-service' ? null : writer;
      if (bulk) {
        const plan = { entry, data, values, links, locale, lookupKey, documentId, rowId, published, publishes, targetDocumentId };
        if (await queueBulk(ctx, bulk, path, plan, { lookups, written, flush, queue })) continue;
      }

      // Writes happen in file order: the new entries waiting for the bulk insert go first (relation order columns
      // count links in the order they are written).
      await flush();
      const given = data;
      const outcome = await writeThroughDocumentService(ctx, isolate, data, {
        documentId,
        targetDocumentId,
        newLocaleVersion,
        locale,
        status,
      });
      paths.documentService += 1;
      ctx.bulk?.forgetOrders();
      if (published) hold(given, locale, outcome.documentId);
      if (lookupKey) written.set(lookupKey, outcome.documentId);
      if (deferred) Object.assign(deferred, { documentId: outcome.documentId, outcome: outcome.outcome });
      results.push({ entry, ...outcome, locale, deferred });
    } catch (error) {
      const problem = error instanceof ItemError ? error.problem : writeProblem(error, describeWriteError(error, fieldOfColumn(ctx)));
      results.push({ entry, outcome: 'failed', problem: stopOrContinue(options.onError, problem, (f) => new ItemFailure(entry, f)) });
    }
  }
  await flush();
  // Results in file order (bulk entries were recorded when their rows were inserted).
  const order = new Map(batch.map((entry, i) => [entry, i]));
  return results.sort((a, b) => (order.get(a.entry) ?? 0) - (order.get(b.entry) ?? 0));
};

/** New entries per bulk write (each table's rows are split further to fit the dialect's statement limits). */
const BULK_INSERT_ROWS = 500;

/** The first failing item of a `stop` task: the import rolls everything back and reports it. */
export class ItemFailure extends Error {
  constructor(readonly entry: BatchEntry, readonly problem: Problem) {
    super(problem.message);
  }
}
