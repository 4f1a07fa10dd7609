/**
 * Which path writes one entry: the bulk writer (bulk/) or the Document Service. Kept pure and in one place so that
 * every reason an entry leaves the bulk path can be read (and tested) together; writeBatch gathers the facts.
 */

export type WriteRoute = 'bulk-create' | 'bulk-update' | 'bulk-publish' | 'document-service';

export interface RouteFacts {
  /** The type has a bulk writer (false: everything goes through the Document Service). */
  bulkWriter: boolean;
  /** Self references to later items are left to the second pass. */
  deferred: boolean;
  /** Why the bulk writer cannot write what this item sets (bulk writer's `blockerOf`), or null. */
  blocker: string | null;
  /** The entry exists already (before this batch or created earlier in it). */
  exists: boolean;
  /** `matchBy documentId` names a document that exists in another locale: this creates its locale version. */
  newLocaleVersion: boolean;
  /** The existing entry's row was read before this batch (false: it was created in this batch). */
  rowKnown: boolean;
  /** Why updates of this type cannot take the bulk path (bulk writer's `updateBlocker`), or null. */
  updateBlocker: string | null;
  /**
   * The document's locales hold different non-localized values that i18n copies on update: whether it copies them
   * depends on which row the database returns first, so the update goes through the Document Service.
   */
  unsynced: boolean;
  /** The update publishes (draft & publish type, status published). */
  publishes: boolean;
  /**
   * For an update that publishes: it certainly passes Strapi's rules as the published entry and holds no unique
   * value another document holds. Ignored otherwise.
   */
  publishCertain: boolean;
}

export interface RouteDecision {
  route: WriteRoute;
  reason: string;
}

const viaDocumentService = (reason: string): RouteDecision => ({ route: 'document-service', reason });

export const route = (facts: RouteFacts): RouteDecision => {
  if (!facts.bulkWriter) return viaDocumentService('the type has no bulk writer');
  if (facts.deferred)
    return viaDocumentService('self references to later items are written through the Document Service');
  if (facts.blocker !== null) return viaDocumentService(`the bulk path does not write ${facts.blocker}`);
  if (!facts.exists) {
    if (facts.newLocaleVersion)
      return viaDocumentService('a new locale of an existing document goes through the Document Service');
    return { route: 'bulk-create', reason: 'new entries are inserted in bulk' };
  }
  if (!facts.rowKnown)
    return viaDocumentService('an entry created earlier in the batch is updated through the Document Service');
  if (facts.updateBlocker !== null)
    return viaDocumentService(`updates of this type go through the Document Service: ${facts.updateBlocker}`);
  if (facts.unsynced)
    return viaDocumentService(
      'a document whose locales hold different non-localized values is updated through the Document Service'
    );
  if (facts.publishes) {
    if (!facts.publishCertain)
      return viaDocumentService('updates that publish go through the Document Service unless certainly valid');
    return { route: 'bulk-publish', reason: 'an update that certainly passes the published rules is written in bulk' };
  }
  return { route: 'bulk-update', reason: 'updates of stored rows are written in bulk' };
};
