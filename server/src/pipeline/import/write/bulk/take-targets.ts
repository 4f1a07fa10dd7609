import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import type { RelationPlan } from './plan';
import type { BulkContext } from './context';

/** A version's targets as it links them once written, in the order the Document Service writes the versions. */
export interface Claim {
  documentId: string;
  versionId: number;
  targets: number[];
}

/**
 * A two-sided one-to-one or one-to-many relation (`takesTarget`): each version written takes its targets from the
 * other documents that link them, as Strapi's `deletePreviousOneToAnyRelations` does after each write (every version
 * of those documents loses its link, the document's own versions keep theirs). Worked out for the whole group at once
 * as the writes one after another leave it: a target's links are kept only by the last document to claim it, and of
 * that document's versions, by those that claimed it after another document last did (a version it did not write
 * again lost its link to that claim). No order is closed up: such a relation has no target-side order, and Strapi
 * leaves the other documents' own order with its gap. `beforeTaking` learns which documents lose links first
 * (undo records them).
 */
export const takeTargets = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: RelationPlan,
  claims: Claim[],
  beforeTaking: TakingHook | null
) => {
  const { knexOf, metadata } = ctx;
  if (!plan.takesTarget) return;
  /** Target → the last document to claim it, and the versions of it that claimed it after another document did. */
  const holders = new Map<number, { documentId: string; keep: Set<number> }>();
  for (const { documentId, versionId, targets } of claims) {
    for (const target of targets) {
      const holder = holders.get(target);
      if (holder && holder.documentId === documentId) holder.keep.add(versionId);
      else holders.set(target, { documentId, keep: new Set([versionId]) });
    }
  }
  if (holders.size === 0) return;
  const table = knexOf(trx);
  const links: Array<{ id: number; owner: number; target: number }> = [];
  for (const part of chunks([...holders.keys()], IN_LIST)) {
    for (const row of (await table(plan.table)
      .select('id', plan.joinColumn, plan.inverseJoinColumn)
      .whereIn(plan.inverseJoinColumn, part)) as Array<Record<string, unknown>>) {
      links.push({ id: Number(row.id), owner: Number(row[plan.joinColumn]), target: Number(row[plan.inverseJoinColumn]) });
    }
  }
  /** The documents of the versions linking these targets (not claimed by the holder's versions). */
  const others = links.filter((l) => !holders.get(l.target)!.keep.has(l.owner));
  const documentOf = new Map<number, string>();
  for (const part of chunks([...new Set(others.map((l) => l.owner))], IN_LIST)) {
    for (const row of (await table(metadata.tableName).select('id', 'document_id').whereIn('id', part)) as Array<
      Record<string, unknown>
    >)
      documentOf.set(Number(row.id), String(row.document_id));
  }
  // A version of the holder that did not claim the target after another document: it lost its link only if another
  // document claimed the target in this group (otherwise nothing took it from its own document).
  const claimedByOthers = new Set<number>();
  const firstClaimer = new Map<number, string>();
  for (const { documentId, targets } of claims) {
    for (const target of targets) {
      if (!firstClaimer.has(target)) firstClaimer.set(target, documentId);
      else if (firstClaimer.get(target) !== documentId) claimedByOthers.add(target);
    }
  }
  const taken = others.filter((l) => {
    const document = documentOf.get(l.owner);
    return document !== holders.get(l.target)!.documentId || claimedByOthers.has(l.target);
  });
  if (taken.length === 0) return;
  const losers = [...new Set(taken.map((l) => documentOf.get(l.owner)!))];
  if (beforeTaking) await beforeTaking(trx, losers);
  for (const part of chunks(
    taken.map((l) => l.id),
    IN_LIST
  ))
    await table(plan.table).whereIn('id', part).delete();
};

/** Called before links are taken from other documents (`takeTargets`), with those documents. */
export type TakingHook = (trx: Knex.Transaction, documentIds: string[]) => Promise<void>;
