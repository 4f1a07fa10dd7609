import type { Knex } from 'knex';
import { SYSTEM_ATTRIBUTES } from '../../../../schema/model-schema';
import { type UpdatedDocument, type Version } from './types';
import type { BulkContext } from './context';
import { insertComponents, removeComponents } from './components';
import { insertMedia, removeMedia } from './media';
import { copyComponents, copyMedia, publishedCopies } from './publish';
import { replaceRelations } from './relations';
import type { TakingHook } from './take-targets';

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
): Promise<void> => {
  const { uid, userId, draftAndPublish, plans, rows } = ctx;
  const now = new Date();
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
};
