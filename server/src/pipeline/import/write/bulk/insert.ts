import type { Knex } from 'knex';
import { type NewDocument, type Version } from './types';
import type { BulkContext } from './context';
import { insertComponents } from './components';
import { insertMedia } from './media';
import { insertRelations } from './relations';
import type { TakingHook } from './take-targets';
import type { BoundRow } from '../../../undo/rows';

/**
 * Writes new documents: main rows, then components, relation links and media links, for every version. Returns the
 * main rows' values as bound, per document in `docs` order (undo fingerprints the new documents from them instead of
 * reading them back).
 */
export const insertDocuments = async (
  ctx: BulkContext,
  docs: NewDocument[],
  trx: Knex.Transaction,
  beforeTaking: TakingHook | null = null
): Promise<BoundRow[][]> => {
  const { uid, creator, draftAndPublish, localized, plans, rows } = ctx;
  if (docs.length === 0) return [];
  const now = new Date();

  // 1. The main rows (by document as listed, draft before published), and their ids.
  const mainRows: Array<Record<string, unknown>> = [];
  const versions: Version[] = [];
  /** The index in `docs` of each version's document. */
  const docOf: number[] = [];
  for (const [index, doc] of docs.entries()) {
    const row: Record<string, unknown> = { documentId: doc.documentId, createdAt: now, updatedAt: now, ...creator };
    if (localized) row.locale = doc.locale;
    for (const name in doc.data) if (plans.get(name)?.kind === 'scalar') row[name] = doc.data[name];
    if (!draftAndPublish) {
      mainRows.push({ ...row, publishedAt: now });
      versions.push({ doc, id: 0, published: true });
      docOf.push(index);
    } else {
      mainRows.push({ ...row, publishedAt: null });
      versions.push({ doc, id: 0, published: false });
      docOf.push(index);
      if (doc.published) {
        mainRows.push({ ...row, publishedAt: now });
        versions.push({ doc, id: 0, published: true });
        docOf.push(index);
      }
    }
  }
  const ids = await rows.createMany(trx, uid, mainRows);
  versions.forEach((version, i) => (version.id = ids[i]));

  for (const [name, plan] of plans) {
    if (plan.kind === 'components') await insertComponents(ctx, trx, name, plan, versions);
    if (plan.kind === 'relation') await insertRelations(ctx, trx, name, plan, versions, beforeTaking);
    if (plan.kind === 'media') await insertMedia(ctx, trx, name, plan, versions);
  }
  const bound: BoundRow[][] = docs.map(() => []);
  versions.forEach(({ doc, id }, i) =>
    bound[docOf[i]].push({
      id,
      documentId: doc.documentId,
      locale: doc.locale ?? null,
      publishedAt: mainRows[i].publishedAt as Date | null,
      updatedAt: now,
    })
  );
  return bound;
};
