import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { createBulkContext } from './context';
import { insertDocuments } from './insert';
import { preparePublishing } from './publish';
import { updateDocuments } from './update';

import type { NewDocument, UpdatedDocument } from './types';
import type { TakingHook } from './take-targets';
import type { BoundRow, UpdatedRow } from '../../../undo/rows';

export type { NewDocument, UpdatedDocument, TakingHook };

/**
 * The bulk path: new documents written with a few multi-row inserts per batch, and existing documents updated with
 * a few statements per batch, instead of one Document Service call each, producing the rows the Document Service
 * writes (a test compares both paths row by row).
 *
 * New documents:
 * - the main table: a draft row (publishedAt null) and, when published, a published row with the same values; one
 *   row with publishedAt for types without draft & publish; documentId and locale on each;
 * - components and dynamic zones: one set of component rows per version (draft and published), linked through
 *   the type's `_cmps` join table (`field`, `component_type`, `order` 1..n for a dynamic zone or a repeatable
 *   component, null for a single component), with what each holds (components.ts: components inside it, its
 *   relations to types without draft & publish, its media);
 * - relations with a join table to types without draft & publish: one link row per version and target, the
 *   relation's order (1..n, as listed) and the target side's order (after the target's last link, counted in
 *   file order; the published row shares its draft's);
 * - media: `files_related_mph` rows per version (`field`, `order` 1..n).
 *
 * Updates (the draft version of a draft & publish type, or the only row of a type without it), as the Document
 * Service's update does for each attribute the item sets:
 * - scalars (and `updatedAt`): a few multi-row UPDATE statements (rows.ts);
 * - components and dynamic zones: the old component rows (with what they hold) and their `_cmps` links deleted,
 *   new copies written (a repeatable component renumbers the entry's other `_cmps` rows, as Strapi's `set` does);
 * - relations, as a `set`: links to targets no longer listed deleted (and the target side's order closed up, as
 *   Strapi's `cleanOrderColumns` does), links kept keep their target-side order and get the listed order, new
 *   links continue after the target's last link;
 * - media: the `files_related_mph` rows of the field replaced.
 * Updates that publish: the draft updated as above, then its published version made a copy of the whole draft, as
 * the Document Service's publish makes it: scalars copied row to row in SQL, components copied, relation links set
 * to the draft's targets (as a `set`), media links to the draft's files. The published row is kept (the Document
 * Service deletes it, writes a new one and re-points the links other entries hold to it: the same links, in the
 * same places); a draft never published gets a new one, sharing its draft's target-side orders. Only updates that
 * certainly pass Strapi's rules as published entries take this path (`preparePublishing`).
 * Updates of a localized type without draft & publish whose non-localized attributes are all scalars: when the
 * updated row's non-localized values changed, they are copied to every other locale row of the document (with
 * `updatedAt`), as i18n's document middleware does (`updateSyncingLocales`); two locales of one document in a group
 * are written in turn. Still on the Document Service: updates of localized types with non-localized components,
 * dynamic zones or media (i18n replaces them on every other locale), of localized draft & publish types with
 * non-localized attributes (a draft update syncs the other drafts, one that publishes only the other published
 * versions), and of documents whose locales hold different non-localized values (`unsyncedOf`: whether i18n syncs
 * depends on the row the database returns first).
 *
 * Relations from a draft & publish type to another one: a draft links to the target's draft, a published version
 * to the target's published version (none while the target has none), sharing its draft's target-side order, as
 * the Document Service's publish leaves it (see `keepsDraftOrder` for the source side's).
 *
 * Two-sided one-to-one and one-to-many relations to types without draft & publish: a target linked is taken from
 * the documents that held it (every version of them loses its link), as Strapi does after each write (`takeTargets`).
 *
 * A relation of a draft & publish type to itself: written on drafts only (`draftsOnly`); an item that publishes one,
 * or an update that publishes a document holding or targeted by one, goes through the Document Service.
 *
 * What it does not write the same way (other relations to draft & publish types, two-sided one-to-one and
 * one-to-many relations to draft & publish types, components holding a relation to a draft & publish type or a
 * two-sided relation, morph relations, relations kept in a column) is "unsupported": an item that sets such an
 * attribute goes through the Document Service (the writer decides per item; an item that leaves it empty still
 * goes bulk).
 */

/**
 * The bulk writer of a content type for one task. `userId`: the admin user who imports (null: the system), written
 * as `createdBy`/`updatedBy` as the Content Manager writes them.
 */
export const createBulkWriter = (
  strapi: Core.Strapi,
  uid: string,
  { userId = null }: { userId?: number | null } = {}
) => {
  const ctx = createBulkContext(strapi, uid, userId);

  /** A write whose failure is rolled back (to a savepoint): the last orders counted for it are forgotten. */
  const forgettingOrdersOnFailure =
    <T, R>(write: (docs: T[], trx: Knex.Transaction, beforeTaking: TakingHook | null) => Promise<R>) =>
    async (docs: T[], trx: Knex.Transaction, beforeTaking: TakingHook | null = null): Promise<R> => {
      try {
        return await write(docs, trx, beforeTaking);
      } catch (error) {
        ctx.forgetOrders();
        throw error;
      }
    };

  return {
    blockerOf: ctx.blockerOf,
    updateBlocker: ctx.updateBlocker,
    /** The non-localized scalars an update copies to the document's other locales. */
    syncedScalars: ctx.syncedScalars,
    /** Documents whose locales hold different non-localized values: their updates go through the Document Service. */
    unsyncedOf: ctx.unsyncedOf,
    preparePublishing: (trx: Knex.Transaction, drafts: Array<{ id: number; documentId: string }>) =>
      preparePublishing(ctx, trx, drafts),
    splitData: ctx.splitData,
    asReadBack: ctx.asReadBack,
    /** `beforeTaking`: told which documents lose links to the targets written (see `takeTargets`), before they do. */
    /** Returns the main rows' values as bound, per document (for undo). */
    insert: forgettingOrdersOnFailure<NewDocument, BoundRow[][]>((docs, trx, beforeTaking) =>
      insertDocuments(ctx, docs, trx, beforeTaking)
    ),
    /** Returns, per document, the one row of the type's table it changed (null: more changed), for undo. */
    update: forgettingOrdersOnFailure<UpdatedDocument, Array<UpdatedRow | null>>((docs, trx, beforeTaking) =>
      updateDocuments(ctx, docs, trx, beforeTaking)
    ),
    forgetOrders: ctx.forgetOrders,
    rules: ctx.rules,
  };
};

export type BulkWriter = ReturnType<typeof createBulkWriter>;
