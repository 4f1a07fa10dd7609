import { isSharedAcrossLocales, localeOf, lookupBatch } from './lookup';
import { route, type WriteRoute } from './route';
import { withoutLaterLinks, writeThroughDocumentService } from './entry-writes';
import type { AttributeSchema } from '../../../schema/model-schema';
import type { BulkWriter } from './bulk/index';
import { ItemError, writeProblem } from '../../problems';
import { bulkQueue, queueBulk } from './bulk-queue';
import {
  failure,
  fieldOfColumn,
  type BatchEntry,
  type DeferredLinks,
  type EntryResult,
  type ReadyEntry,
  type WritePaths,
  type WriterContext,
} from './entries';

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
    /** The document's locales hold different non-localized values (see the bulk writer's `unsyncedOf`). */
    unsynced: boolean;
  },
  certain: (
    values: Record<string, unknown>,
    data: Record<string, unknown>,
    draft: { id: number; documentId: string },
    locale: string | null
  ) => boolean
): WriteRoute => {
  const { data, values, deferred, documentId, newLocaleVersion, rowId, publishes, locale, unsynced } = entry;
  return route({
    bulkWriter: writer !== null,
    deferred: deferred !== null,
    blocker: writer && !deferred ? writer.blockerOf(data, publishes) : null,
    exists: Boolean(documentId),
    newLocaleVersion,
    rowKnown: rowId !== undefined,
    updateBlocker: writer?.updateBlocker ?? null,
    unsynced,
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
  const { failed, existing, rowIds, documents, siblings, deferredSlots, publishable, clashes, hold } = lookups;
  // Undo: the documents this batch may update (or add a locale to), as they are before it writes.
  await ctx.preImages?.before(ctx.trx, ctx.uid, [...documents, ...existing.values(), ...siblings.values()]);
  // Updates the bulk path syncs to the other locales (non-localized scalars): documents it cannot sync as i18n does.
  const unsynced = ctx.bulk ? await ctx.bulk.unsyncedOf(ctx.trx, [...new Set(existing.values())]) : new Set<string>();
  /** Matched by a key shared by every locale of a document (not localized): key → the document written in this batch. */
  const sharedKey = ctx.localized && options.matchBy !== 'documentId' && isSharedAcrossLocales(ctx, options.matchBy);
  const writtenDocuments = new Map<string, string>();
  const rememberDocument = (lookupKey: string | null, key: unknown) => {
    const id = lookupKey ? written.get(lookupKey) : undefined;
    if (sharedKey && id && key !== null && key !== undefined) writtenDocuments.set(String(key), id);
  };

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
      results.push(failure(ctx, entry, entry.prepared.error));
      continue;
    }
    const prepared = entry.prepared;
    const locale = localeOf(ctx, prepared);
    const lookupKey = prepared.key === null ? null : `${locale ?? ''}|${prepared.key}`;
    const reason = failed.get(entry as ReadyEntry);
    if (reason) {
      results.push(failure(ctx, entry, reason));
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
    if (documentId && options.importStrategy === 'skip-existing') {
      results.push({ entry, outcome: 'skipped', documentId });
      continue;
    }
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

      // A translation matched by a key all locales share: the locale version of the document holding the key.
      const sibling =
        !documentId && sharedKey && lookupKey && prepared.key !== null
          ? writtenDocuments.get(String(prepared.key)) ?? siblings.get(lookupKey)
          : undefined;
      if (sibling) documents.add(sibling);
      const targetDocumentId = prepared.documentId ?? sibling ?? undefined;
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
        {
          ...{ data, values, deferred, documentId, newLocaleVersion, rowId, publishes, locale },
          unsynced: Boolean(documentId && unsynced.has(documentId)),
        },
        certain
      );
      const bulk = path === 'document-service' ? null : writer;
      if (bulk) {
        const plan = { entry, data, values, links, locale, lookupKey, documentId, rowId, published, publishes, targetDocumentId };
        if (await queueBulk(ctx, bulk, path, plan, { lookups, written, flush, queue })) {
          rememberDocument(lookupKey, prepared.key);
          continue;
        }
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
      rememberDocument(lookupKey, prepared.key);
      if (deferred) Object.assign(deferred, { documentId: outcome.documentId, outcome: outcome.outcome });
      results.push({ entry, ...outcome, locale, deferred });
    } catch (error) {
      results.push(failure(ctx, entry, writeProblem(error, fieldOfColumn(ctx))));
    }
  }
  await flush();
  // Results in file order (bulk entries were recorded when their rows were inserted).
  const order = new Map(batch.map((entry, i) => [entry, i]));
  return results.sort((a, b) => (order.get(a.entry) ?? 0) - (order.get(b.entry) ?? 0));
};

