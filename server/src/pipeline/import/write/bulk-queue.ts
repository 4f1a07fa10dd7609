import { newDocumentId } from './document-id';
import type { lookupBatch } from './lookup';
import type { WriteRoute } from './route';
import { inSavepoint, validCreate, validUpdate } from './entry-writes';
import { writeProblem } from '../../problems';
import type { NewDocument, UpdatedDocument, BulkWriter } from './bulk/index';
import type { BoundRow, UpdatedRow } from '../../undo/rows';
import { failure, fieldOfColumn, type BatchEntry, type EntryResult, type WritePaths, type WriterContext } from './entries';

/**
 * The bulk path's queue: consecutive new entries (or consecutive updates) of a batch, validated one by one as the
 * Document Service validates them, then written together by the bulk writer; a group the database refuses is
 * written again one entry at a time, to find (and report) the entry it refuses.
 */

/** New entries per bulk write (each table's rows are split further to fit the dialect's statement limits). */
const BULK_INSERT_ROWS = 500;

type Pending =
  | { entry: BatchEntry; kind: 'create'; doc: NewDocument }
  | { entry: BatchEntry; kind: 'update'; doc: UpdatedDocument };

/**
 * The bulk path: consecutive new entries (or consecutive updates) validated one by one, then written together.
 * `written`: keys written in this batch (a create the database refuses is taken out of it).
 */
export const bulkQueue = (
  ctx: WriterContext,
  paths: WritePaths,
  results: EntryResult[],
  written: Map<string, string>
) => {
  const pending: Pending[] = [];
  /** Row ids of the pending updates: a row updated twice is written in two groups, in file order. */
  const pendingRows = new Set<number>();
  // Undo: documents that lose links to targets these entries take (one-to-one, one-to-many) are recorded first.
  const recorder = ctx.preImages;
  const beforeTaking = recorder
    ? (trx: typeof ctx.trx, documentIds: string[]) => recorder.before(trx, ctx.uid, documentIds)
    : null;
  /** Per document, for undo: the main rows a create bound, or the one row an update changed. */
  const write = async (bulk: BulkWriter, group: Pending[]): Promise<Array<BoundRow[] | UpdatedRow | null>> => {
    if (group[0].kind === 'create')
      return bulk.insert(
        group.map((p) => p.doc as NewDocument),
        ctx.trx,
        beforeTaking
      );
    return bulk.update(
      group.map((p) => p.doc as UpdatedDocument),
      ctx.trx,
      beforeTaking
    );
  };
  const done = (p: Pending, left: BoundRow[] | UpdatedRow | null | undefined): EntryResult => ({
    entry: p.entry,
    outcome: p.kind === 'create' ? 'created' : 'updated',
    documentId: p.doc.documentId,
    locale: p.doc.locale,
    deferred: null,
    ...(Array.isArray(left) ? { bound: left } : left ? { updatedRow: left } : {}),
  });
  const flush = async () => {
    const bulk = ctx.bulk;
    if (pending.length === 0 || !bulk) return;
    const group = pending.splice(0);
    pendingRows.clear();
    try {
      // Always in a savepoint: after a refused statement, PostgreSQL accepts nothing else in the transaction.
      const left = await inSavepoint(ctx.trx, true, () => write(bulk, group));
      paths.bulk += group.length;
      group.forEach((p, i) => results.push(done(p, left[i])));
    } catch {
      // The database refused the group: write its items one by one to find (and report) the one it refuses.
      for (const p of group) {
        try {
          const left = await inSavepoint(ctx.trx, true, () => write(bulk, [p]));
          paths.bulk += 1;
          results.push(done(p, left[0]));
        } catch (error) {
          // Not written: a later item with the same key must not take it for an existing entry.
          if (p.kind === 'create') for (const [key, id] of written) if (id === p.doc.documentId) written.delete(key);
          results.push(failure(ctx, p.entry, writeProblem(error, fieldOfColumn(ctx))));
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

/** One entry the bulk path may write, with what writeBatch worked out for it. */
export interface BulkPlan {
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
export const queueBulk = async (
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

