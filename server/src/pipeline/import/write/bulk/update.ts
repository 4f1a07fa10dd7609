import type { Knex } from 'knex';
import { SYSTEM_ATTRIBUTES } from '../../../../schema/model-schema';
import { type UpdatedDocument, type Version } from './types';
import type { BulkContext } from './context';
import { insertComponents, removeComponents } from './components';
import { insertMedia, removeMedia } from './media';
import { copyComponents, copyMedia, publishedCopies } from './publish';
import { replaceRelations } from './relations';
import type { TakingHook } from './take-targets';
import type { UpdatedRow } from '../../../undo/rows';

/**
 * Updates existing versions: their scalars, then each component, relation and media attribute the data sets.
 * Drafts to publish then get their published version as the Document Service's publish writes it: a copy of the
 * whole draft (what the file set and what it left as it was), in the published row the document has (kept, with
 * its id: links from other entries to it stay as they are, where the Document Service deletes it and re-points
 * them to a new one) or in a new one.
 */
export const updateDocuments = async (
  ctx: BulkContext,
  docs: UpdatedDocument[],
  trx: Knex.Transaction,
  beforeTaking: TakingHook | null = null
): Promise<Array<UpdatedRow | null>> => {
  const now = new Date();
  if (ctx.syncedScalars.length === 0) return updateVersions(ctx, docs, trx, beforeTaking, now);
  const left: Array<UpdatedRow | null> = [];
  // Two locales of one document in a group: each update syncs the other's row, so they are written in turn (file
  // order kept: the group is cut before a document it holds already).
  let part: UpdatedDocument[] = [];
  const seen = new Set<string>();
  for (const doc of docs) {
    if (seen.has(doc.documentId)) {
      left.push(...(await updateSyncingLocales(ctx, part, trx, beforeTaking, now)));
      part = [];
      seen.clear();
    }
    part.push(doc);
    seen.add(doc.documentId);
  }
  if (part.length > 0) left.push(...(await updateSyncingLocales(ctx, part, trx, beforeTaking, now)));
  return left;
};

/**
 * Updates of a localized type without draft & publish whose non-localized attributes are scalars, then what i18n's
 * document middleware (`syncNonLocalizedAttributes`) does after each: when the updated row's non-localized values
 * changed, every other locale row of the document gets them (with `updatedAt`; not `updatedBy`), by the query
 * layer's update. Only documents whose rows all held the same values take this path (`unsyncedOf`): the other
 * rows then hold the values the item left out already, so the values the item sets are the ones to copy.
 */
const updateSyncingLocales = async (
  ctx: BulkContext,
  docs: UpdatedDocument[],
  trx: Knex.Transaction,
  beforeTaking: TakingHook | null,
  now: Date
): Promise<Array<UpdatedRow | null>> => {
  const ids = docs.map((doc) => doc.id);
  const before = await ctx.syncedKeysOf(trx, ids);
  const left = await updateVersions(ctx, docs, trx, beforeTaking, now);
  const after = await ctx.syncedKeysOf(trx, ids);
  const changed = new Map(
    docs.filter((doc) => before.get(doc.id) !== after.get(doc.id)).map((doc) => [doc.documentId, doc])
  );
  if (changed.size === 0) return left;
  const rowsOfDocuments = await ctx.selectIn(trx, ctx.metadata.tableName, 'document_id', [...changed.keys()], (q) =>
    q.select(['id', 'document_id'])
  );
  const updates: Array<{ id: number; values: Record<string, unknown> }> = [];
  for (const row of rowsOfDocuments) {
    const doc = changed.get(String(row.document_id));
    if (!doc || Number(row.id) === doc.id) continue;
    const values: Record<string, unknown> = { updatedAt: now };
    for (const name of ctx.syncedScalars) {
      if (Object.prototype.hasOwnProperty.call(doc.data, name)) values[name] = doc.data[name];
    }
    updates.push({ id: Number(row.id), values });
  }
  await ctx.rows.updateMany(trx, ctx.uid, updates);
  // The synced documents' other rows changed too: undo reads what they left.
  return docs.map((doc, i) => (changed.has(doc.documentId) ? null : left[i]));
};

const updateVersions = async (
  ctx: BulkContext,
  docs: UpdatedDocument[],
  trx: Knex.Transaction,
  beforeTaking: TakingHook | null,
  now: Date
): Promise<Array<UpdatedRow | null>> => {
  const { uid, userId, draftAndPublish, plans, rows } = ctx;
  await rows.updateMany(
    trx,
    uid,
    docs.map((doc) => {
      const values: Record<string, unknown> = { updatedAt: now };
      if (userId !== null) values.updatedBy = userId;
      for (const name in doc.data) {
        if (plans.get(name)?.kind === 'scalar' && !SYSTEM_ATTRIBUTES.has(name)) values[name] = doc.data[name];
      }
      return { id: doc.id, values };
    })
  );
  const versions: Version[] = docs.map((doc) => ({ doc, id: doc.id, published: !draftAndPublish }));
  const copies = draftAndPublish
    ? await publishedCopies(
        ctx,
        trx,
        versions.filter((_, i) => docs[i].publish),
        now
      )
    : [];
  for (const [name, plan] of plans) {
    const touched = versions.filter((v) => Object.prototype.hasOwnProperty.call(v.doc.data, name));
    if (touched.length === 0 && copies.length === 0) continue;
    if (plan.kind === 'components') {
      if (touched.length > 0) {
        await removeComponents(ctx, trx, plan, touched);
        await insertComponents(ctx, trx, name, plan, touched);
      }
      if (copies.length > 0) await copyComponents(ctx, trx, name, plan, copies);
    }
    if (plan.kind === 'relation') await replaceRelations(ctx, trx, name, plan, versions, touched, copies, beforeTaking);
    if (plan.kind === 'media') {
      if (touched.length > 0) {
        await removeMedia(ctx, trx, name, plan, touched);
        await insertMedia(ctx, trx, name, plan, touched);
      }
      if (copies.length > 0) await copyMedia(ctx, trx, name, plan, copies);
    }
  }
  // Per document, the one row of its type's table that changed (with the updatedAt bound), for undo; null when a
  // publish rewrote its published row too.
  return docs.map((doc) => (doc.publish ? null : { id: doc.id, updatedAt: now }));
};
