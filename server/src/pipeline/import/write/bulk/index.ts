import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { SYSTEM_ATTRIBUTES, modelSchema } from '../../../../schema/model-schema';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { relationTargetLocale } from '../../../../schema/relation-locale';
import { compileRules } from '../rules';
import { createRowWriter } from '../../../sql/rows';
import { findModelMeta, modelMeta } from '../../../../schema/model-metadata';
import { COMPONENT_TYPE_COLUMN, isEmptyValue, planBulkWrites, type ComponentPlan, type MediaPlan, type RelationPlan } from './plan';

/**
 * The bulk path: new documents written with a few multi-row inserts per batch, and existing documents updated with
 * a few statements per batch, instead of one Document Service call each, producing the rows the Document Service
 * writes (a test compares both paths row by row).
 *
 * New documents:
 * - the main table: a draft row (publishedAt null) and, when published, a published row with the same values; one
 *   row with publishedAt for types without draft & publish; documentId and locale on each;
 * - components and dynamic zones: one set of component rows per version (draft and published), linked through
 *   the type's `_cmps` join table (`field`, `component_type`, `order` 1..n for a dynamic zone, null for a single
 *   component);
 * - relations with a join table to types without draft & publish: one link row per version and target, the
 *   relation's order (1..n, as listed) and the target side's order (after the target's last link, counted in
 *   file order; the published row shares its draft's);
 * - media: `files_related_mph` rows per version (`field`, `order` 1..n).
 *
 * Updates (the draft version of a draft & publish type, or the only row of a type without it), as the Document
 * Service's update does for each attribute the item sets:
 * - scalars (and `updatedAt`): a few multi-row UPDATE statements (rows.ts);
 * - components and dynamic zones: the old component rows and their `_cmps` links deleted, new copies written;
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
 * Updates of localized types with non-localized attributes (synced to every locale) go through the Document
 * Service.
 *
 * Relations from a draft & publish type to another one: a draft links to the target's draft, a published version
 * to the target's published version (none while the target has none), sharing its draft's target-side order, as
 * the Document Service's publish leaves it (see `keepsDraftOrder` for the source side's).
 *
 * What it does not write the same way (other relations to draft & publish types, one-to-one and one-to-many relations
 * that take the target from another entry, repeatable or nested components, components with relations or media,
 * morph relations, relations kept in a column) is "unsupported": an item that sets such an attribute goes
 * through the Document Service (the writer decides per item; an item that leaves it empty still goes bulk).
 */

/** A new document for the bulk path: data validated, relations as documentIds, media as file ids. */
export interface NewDocument {
  documentId: string;
  locale: string | null;
  /** Draft & publish types: also write the published version. */
  published: boolean;
  data: Record<string, unknown>;
}

/** An existing document's version to update (the draft, or the only row): data validated, as for NewDocument. */
export interface UpdatedDocument {
  /** The row's id. */
  id: number;
  documentId: string;
  locale: string | null;
  data: Record<string, unknown>;
  /** Draft & publish types: publish the updated draft (its published version becomes a copy of it). */
  publish: boolean;
}

/** A published version written as a copy of its draft: the existing published row, or a new one (`fresh`). */
interface PublishedCopy {
  draft: Version;
  published: Version;
  fresh: boolean;
}

interface Version {
  doc: Pick<NewDocument, 'documentId' | 'locale' | 'data'>;
  id: number;
  published: boolean;
}

/** Adds `value` to the list `map` holds for `key`. */
const append = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export const createBulkWriter = (strapi: Core.Strapi, uid: string, { userId = null }: { userId?: number | null } = {}) => {
  const creator: Record<string, number> = userId === null ? {} : { createdBy: userId, updatedBy: userId };
  const schemaOf = (target: string) => modelSchema(strapi, target);
  /** i18n copies the non-localized attributes of an updated entry to its other locales: the Document Service's job. */
  const i18n = strapi.plugin('i18n')?.service('content-types') as
    | { getNonLocalizedAttributes(model: unknown): string[] }
    | undefined;
  const model = schemaOf(uid);
  const plan = planBulkWrites({
    uid,
    schemaOf,
    metaOf: (target) => findModelMeta(strapi, target),
    nonLocalizedAttributes: model?.pluginOptions?.i18n?.localized ? (i18n?.getNonLocalizedAttributes(model) ?? []) : [],
  });
  const { schema, metadata, draftAndPublish, localized, plans, updateBlocker, leftOutMustBeSet, blockerOf, splitData } = plan;

  /**
   * For a batch's updates that publish: whether each certainly passes Strapi's rules, as its draft and then as the
   * published entry the whole draft becomes (the Document Service validates the update as a draft, then the draft
   * read back as published). The values it sets are checked as a published entry's; an attribute it leaves out is
   * certain when its stored value is: any value of an attribute without published-only rules, the stored scalar
   * checked by the same rules, an empty component or dynamic zone that may be empty. What is not certain (and a
   * document holding what the bulk path does not copy) goes through the Document Service, which names any failure.
   */
  const preparePublishing = async (trx: Knex.Transaction, drafts: Array<{ id: number; documentId: string }>) => {
    const blocked = await publishBlocked(trx, [...new Set(drafts.map((d) => d.documentId))]);
    const ids = [...new Set(drafts.map((d) => d.id))];
    const scalarNames = leftOutMustBeSet.filter(
      (name) =>
        plans.get(name)?.kind === 'scalar' && !schema.attributes[name].unique && schema.attributes[name].type !== 'uid'
    );
    const stored = new Map<number, Record<string, unknown>>();
    if (scalarNames.length > 0) {
      for (const part of chunks(ids, IN_LIST)) {
        const found = (await strapi.db
          .query(uid as never)
          .findMany({ select: ['id', ...scalarNames], where: { id: { $in: part } } })) as Array<
          Record<string, unknown>
        >;
        for (const row of found) stored.set(Number(row.id), row);
      }
    }
    /** Draft id → the component fields (left out, with published-only rules) it holds entries in. */
    const holding = new Map<number, Set<string>>();
    for (const name of leftOutMustBeSet) {
      const plan = plans.get(name);
      if (plan?.kind !== 'components') continue;
      for (const row of await selectIn(trx, plan.table, plan.joinColumn, ids, (q) =>
        q.distinct(plan.joinColumn).where('field', plan.field)
      )) {
        const owner = Number(row[plan.joinColumn]);
        if (!holding.has(owner)) holding.set(owner, new Set());
        holding.get(owner)!.add(name);
      }
    }
    const storedIsCertain = (name: string, id: number) => {
      const attribute = schema.attributes[name];
      const plan = plans.get(name);
      if (plan?.kind === 'scalar' && scalarNames.includes(name))
        return stored.has(id) && rules.passes({ [name]: stored.get(id)![name] }, true, { update: true });
      if (plan?.kind === 'components')
        return (
          !holding.get(id)?.has(name) && !attribute.required && !(attribute.min !== undefined && attribute.min > 0)
        );
      return false;
    };
    return (
      data: Record<string, unknown>,
      values: Record<string, unknown>,
      draft: { id: number; documentId: string }
    ) =>
      !blocked.has(draft.documentId) &&
      rules.passes(values, true, { update: true }) &&
      leftOutMustBeSet.every(
        (name) => Object.prototype.hasOwnProperty.call(data, name) || storedIsCertain(name, draft.id)
      );
  };

  /**
   * The documents (of these) whose draft or published version holds a value in an attribute the bulk path does not
   * write (a self relation, a repeatable or nested component...): publishing them is copying
   * that value, which is the Document Service's job.
   */
  const publishBlocked = async (trx: Knex.Transaction, documentIds: string[]): Promise<Set<string>> => {
    const unsupported = [...plans].filter(([, plan]) => plan.kind === 'unsupported').map(([name]) => name);
    const blocked = new Set<string>();
    if (unsupported.length === 0 || documentIds.length === 0) return blocked;
    const table = knexOf(trx);
    for (const part of chunks(documentIds, IN_LIST)) {
      const versions = (await table(metadata.tableName)
        .select('id', 'document_id')
        .whereIn('document_id', part)) as Array<{
        id: number;
        document_id: string;
      }>;
      const documentOf = new Map(versions.map((v) => [Number(v.id), v.document_id]));
      const ids = [...documentOf.keys()];
      for (const name of unsupported) {
        const attribute = schema.attributes[name];
        const meta = metadata.attributes[name];
        const join = meta?.joinTable;
        if (attribute.type === 'password') continue; // a column: copied as it is
        if (!join || join.morphColumn || !['relation', 'component', 'dynamiczone'].includes(attribute.type)) {
          // Kept where this path does not look (a column, a morph relation): every document goes to the Document Service.
          for (const id of documentIds) blocked.add(id);
          return blocked;
        }
        for (const idsPart of chunks(ids, IN_LIST)) {
          const query = table(join.name).distinct(join.joinColumn.name).whereIn(join.joinColumn.name, idsPart);
          if (attribute.type !== 'relation') query.where('field', String(join.on?.field ?? name));
          for (const row of (await query) as Array<Record<string, unknown>>)
            blocked.add(documentOf.get(Number(row[join.joinColumn.name]))!);
        }
      }
    }
    return blocked;
  };

  const rows = createRowWriter(strapi);

  const knexOf = (trx: Knex.Transaction) => (table: string) => strapi.db.connection(table).transacting(trx);

  /** The rows of `table` whose `column` is one of `values`, read in bounded IN lists; `narrow` selects and filters. */
  const selectIn = async (
    trx: Knex.Transaction,
    table: string,
    column: string,
    values: unknown[],
    narrow: (query: Knex.QueryBuilder) => Knex.QueryBuilder
  ) => {
    const found: Array<Record<string, unknown>> = [];
    for (const part of chunks([...new Set(values)], IN_LIST))
      found.push(...((await narrow(knexOf(trx)(table).whereIn(column, part as Knex.Value[]))) as typeof found));
    return found;
  };

  /** The published rows of these documents in a table: `${documentId}|${locale}` (locale if localized) → id. */
  const publishedIdsOf = async (
    trx: Knex.Transaction,
    table: string,
    byLocale: boolean,
    documentIds: unknown[]
  ): Promise<Map<string, number>> => {
    const columns = ['id', 'document_id', ...(byLocale ? ['locale'] : [])];
    const found = await selectIn(trx, table, 'document_id', documentIds, (q) =>
      q.select(columns).whereNotNull('published_at')
    );
    return new Map(found.map((row) => [`${row.document_id}|${byLocale ? row.locale : ''}`, Number(row.id)]));
  };

  /** The `_cmps` links of a component field for these owners, with `columns`; and their component ids by type. */
  const componentLinks = async (trx: Knex.Transaction, plan: ComponentPlan, owners: number[], columns: string[]) => {
    const links = await selectIn(trx, plan.table, plan.joinColumn, owners, (q) =>
      q.select(columns).where('field', plan.field)
    );
    const idsByType = new Map<string, number[]>();
    for (const link of links) append(idsByType, String(link[COMPONENT_TYPE_COLUMN]), Number(link[plan.idColumn]));
    return { links, idsByType };
  };

  /** Per relation: target id → the last target-side order this task wrote or read. */
  const lastOrders = new Map<string, Map<number, number>>();
  /** Others wrote links (the Document Service, or a write rolled back): read the last orders again. */
  const forgetOrders = () => lastOrders.clear();

  /** A write whose failure is rolled back (to a savepoint): the last orders counted for it are forgotten. */
  const forgettingOrdersOnFailure =
    <T>(write: (docs: T[], trx: Knex.Transaction) => Promise<void>) =>
    async (docs: T[], trx: Knex.Transaction): Promise<void> => {
      try {
        await write(docs, trx);
      } catch (error) {
        forgetOrders();
        throw error;
      }
    };

  /** Writes new documents: main rows, then components, relation links and media links, for every version. */
  const insertDocuments = async (docs: NewDocument[], trx: Knex.Transaction): Promise<void> => {
    if (docs.length === 0) return;
    const now = new Date();

    // 1. The main rows (by document as listed, draft before published), and their ids.
    const mainRows: Array<Record<string, unknown>> = [];
    const versions: Version[] = [];
    for (const doc of docs) {
      const row: Record<string, unknown> = { documentId: doc.documentId, createdAt: now, updatedAt: now, ...creator };
      if (localized) row.locale = doc.locale;
      for (const name in doc.data) if (plans.get(name)?.kind === 'scalar') row[name] = doc.data[name];
      if (!draftAndPublish) {
        mainRows.push({ ...row, publishedAt: now });
        versions.push({ doc, id: 0, published: true });
      } else {
        mainRows.push({ ...row, publishedAt: null });
        versions.push({ doc, id: 0, published: false });
        if (doc.published) {
          mainRows.push({ ...row, publishedAt: now });
          versions.push({ doc, id: 0, published: true });
        }
      }
    }
    const ids = await rows.createMany(trx, uid, mainRows);
    versions.forEach((version, i) => (version.id = ids[i]));

    for (const [name, plan] of plans) {
      if (plan.kind === 'components') await insertComponents(trx, name, plan, versions);
      if (plan.kind === 'relation') await insertRelations(trx, name, plan, versions);
      if (plan.kind === 'media') await insertMedia(trx, name, plan, versions);
    }
  };

  /**
   * Updates existing versions: their scalars, then each component, relation and media attribute the data sets.
   * Drafts to publish then get their published version as the Document Service's publish writes it: a copy of the
   * whole draft (what the file set and what it left as it was), in the published row the document has (kept, with
   * its id: links from other entries to it stay as they are, where the Document Service deletes it and re-points
   * them to a new one) or in a new one.
   */
  const updateDocuments = async (docs: UpdatedDocument[], trx: Knex.Transaction): Promise<void> => {
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
          await removeComponents(trx, plan, touched);
          await insertComponents(trx, name, plan, touched);
        }
        if (copies.length > 0) await copyComponents(trx, name, plan, copies);
      }
      if (plan.kind === 'relation') await replaceRelations(trx, name, plan, versions, touched, copies);
      if (plan.kind === 'media') {
        if (touched.length > 0) {
          await removeMedia(trx, name, plan, touched);
          await insertMedia(trx, name, plan, touched);
        }
        if (copies.length > 0) await copyMedia(trx, name, plan, copies);
      }
    }
  };

  /** The published rows of these drafts' documents (`${documentId}|${locale}` → id). */
  const publishedRows = async (trx: Knex.Transaction, drafts: Version[]) => {
    const found = await publishedIdsOf(
      trx,
      metadata.tableName,
      localized,
      drafts.map((d) => d.doc.documentId)
    );
    return (draft: Version) => found.get(`${draft.doc.documentId}|${localized ? draft.doc.locale : ''}`);
  };

  /** The drafts' scalars copied to their published rows (new ones for drafts never published), published now. */
  const publishedCopies = async (trx: Knex.Transaction, drafts: Version[], now: Date): Promise<PublishedCopy[]> => {
    if (drafts.length === 0) return [];
    const before = await publishedRows(trx, drafts);
    const pairs = drafts.flatMap((d) => (before(d) === undefined ? [] : [{ from: d.id, to: before(d)! }]));
    await rows.copyRows(trx, uid, pairs, { publishedAt: now });
    const fresh = drafts.filter((d) => before(d) === undefined);
    await rows.cloneRows(
      trx,
      uid,
      fresh.map((d) => d.id),
      { publishedAt: now }
    );
    const after = fresh.length > 0 ? await publishedRows(trx, fresh) : before;
    return drafts.map((draft) => {
      const id = before(draft) ?? after(draft);
      if (id === undefined) throw new Error(`no published version of ${draft.doc.documentId} was written`);
      return {
        draft,
        published: {
          doc: { documentId: draft.doc.documentId, locale: draft.doc.locale, data: {} },
          id,
          published: true,
        },
        fresh: before(draft) === undefined,
      };
    });
  };

  /** The published versions' components of a field: the old ones deleted, copies of their drafts' written. */
  const copyComponents = async (trx: Knex.Transaction, name: string, plan: ComponentPlan, copies: PublishedCopy[]) => {
    await removeComponents(
      trx,
      plan,
      copies.filter((c) => !c.fresh).map((c) => c.published)
    );
    const { links, idsByType } = await componentLinks(
      trx,
      plan,
      copies.map((c) => c.draft.id),
      [plan.joinColumn, plan.idColumn, COMPONENT_TYPE_COLUMN, plan.orderColumn]
    );
    // The drafts' component values, read as the Document Service reads them (its publish copies a populated draft).
    const values = new Map<string, Record<string, unknown>>();
    for (const [componentUid, ids] of idsByType) {
      for (const part of chunks(ids, IN_LIST)) {
        const found = (await strapi.db
          .query(componentUid as never)
          .findMany({ where: { id: { $in: part } } })) as Array<Record<string, unknown>>;
        for (const row of found) values.set(`${componentUid}|${row.id}`, row);
      }
    }
    const ofDraft = new Map<number, Array<Record<string, unknown>>>();
    for (const link of [...links].sort((a, b) => Number(a[plan.orderColumn] ?? 0) - Number(b[plan.orderColumn] ?? 0))) {
      const type = String(link[COMPONENT_TYPE_COLUMN]);
      const value = values.get(`${type}|${link[plan.idColumn]}`);
      if (!value) continue;
      append(ofDraft, Number(link[plan.joinColumn]), plan.zone ? { ...value, __component: type } : value);
    }
    for (const { draft, published } of copies) {
      const entries = ofDraft.get(draft.id) ?? [];
      published.doc.data[name] = plan.zone ? entries : entries[0] ?? null;
    }
    await insertComponents(
      trx,
      name,
      plan,
      copies.map((c) => c.published)
    );
  };

  /** The published versions' media of a field: replaced by their drafts' files, in the drafts' order. */
  const copyMedia = async (trx: Knex.Transaction, name: string, plan: MediaPlan, copies: PublishedCopy[]) => {
    await removeMedia(
      trx,
      name,
      plan,
      copies.filter((c) => !c.fresh).map((c) => c.published)
    );
    const files = new Map<number, number[]>();
    const links = await selectIn(
      trx,
      plan.table,
      plan.idColumn,
      copies.map((c) => c.draft.id),
      (q) =>
        q
          .select(plan.fileColumn, plan.idColumn)
          .where({ [plan.typeColumn]: uid, field: name })
          .orderBy([plan.idColumn, 'order', 'id'])
    );
    for (const row of links) append(files, Number(row[plan.idColumn]), Number(row[plan.fileColumn]));
    for (const { draft, published } of copies) published.doc.data[name] = files.get(draft.id) ?? [];
    await insertMedia(
      trx,
      name,
      plan,
      copies.map((c) => c.published)
    );
  };

  const insertComponents = async (trx: Knex.Transaction, name: string, plan: ComponentPlan, versions: Version[]) => {
    // Component rows per component type, each version its own copy.
    const pending = new Map<string, Array<{ version: Version; order: number | null; data: Record<string, unknown> }>>();
    for (const version of versions) {
      const value = version.doc.data[name];
      if (isEmptyValue(value)) continue;
      const entries = (plan.zone ? (value as Array<Record<string, unknown>>) : [value as Record<string, unknown>]).map(
        (entry, i) => ({
          componentUid: plan.zone ? String(entry.__component) : String(schema.attributes[name].component),
          order: plan.zone ? i + 1 : null,
          entry,
        })
      );
      for (const { componentUid, order, entry } of entries) {
        const { __component: _type, id: _id, ...data } = entry;
        if (!pending.has(componentUid)) pending.set(componentUid, []);
        pending.get(componentUid)!.push({ version, order, data });
      }
    }
    const links: Array<Record<string, unknown>> = [];
    for (const [componentUid, items] of pending) {
      const ids = await rows.createMany(
        trx,
        componentUid,
        items.map((i) => i.data)
      );
      items.forEach((item, i) =>
        links.push({
          [plan.joinColumn]: item.version.id,
          [plan.idColumn]: ids[i],
          [COMPONENT_TYPE_COLUMN]: componentUid,
          field: plan.field,
          [plan.orderColumn]: item.order,
        })
      );
    }
    // The Document Service links a version's components in the zone's order.
    const position = new Map(versions.map((v, i) => [v.id, i]));
    links.sort(
      (a, b) =>
        position.get(a[plan.joinColumn] as number)! - position.get(b[plan.joinColumn] as number)! ||
        Number(a[plan.orderColumn] ?? 0) - Number(b[plan.orderColumn] ?? 0)
    );
    await rows.insertLinks(trx, plan.table, links);
  };

  /** The relation's targets of a version, as listed (documentIds, each once). */
  const targetsOf = (name: string, version: Version) => {
    const value = version.doc.data[name];
    if (isEmptyValue(value)) return [];
    return [...new Set((Array.isArray(value) ? value : [value]).map(String))];
  };

  /** The app's default locale (a non-localized type links a localized target's entry in it), read once. */
  let defaultLocaleRead: Promise<string | null> | null = null;
  const appDefaultLocale = () => {
    const locales = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale(): Promise<string> } | undefined;
    defaultLocaleRead ??= locales ? locales.getDefaultLocale() : Promise.resolve(null);
    return defaultLocaleRead;
  };

  /** The version of a target a version links to: its draft or published row, for a draft & publish target. */
  const targetVersion = (plan: RelationPlan, published: unknown) =>
    plan.targetDraftAndPublish ? (published ? 'published' : 'draft') : '';

  /**
   * documentId (and locale) → the target's row id, for every target the versions list; undefined for a published
   * version whose draft & publish target has no published version (the Document Service links nothing).
   */
  const targetIdsFor = async (trx: Knex.Transaction, name: string, plan: RelationPlan, versions: Version[]) => {
    const documentIds = [...new Set(versions.flatMap((v) => targetsOf(name, v)))];
    const targetIds = new Map<string, number>();
    const columns = [
      'id',
      'document_id',
      ...(plan.targetLocalized ? ['locale'] : []),
      ...(plan.targetDraftAndPublish ? ['published_at'] : []),
    ];
    for (const part of chunks(documentIds, IN_LIST)) {
      for (const row of (await knexOf(trx)(plan.targetTable).select(columns).whereIn('document_id', part)) as Array<
        Record<string, unknown>
      >) {
        const version = targetVersion(plan, row.published_at !== null && row.published_at !== undefined);
        targetIds.set(`${row.document_id}|${plan.targetLocalized ? row.locale : ''}|${version}`, Number(row.id));
      }
    }
    const defaultLocale = plan.targetLocalized && !localized ? await appDefaultLocale() : null;
    return (version: Version, documentId: string): number | undefined => {
      const status = targetVersion(plan, version.published);
      const locale = relationTargetLocale({
        sourceLocalized: localized,
        targetLocalized: plan.targetLocalized,
        sourceLocale: version.doc.locale,
        defaultLocale,
      });
      const id = targetIds.get(`${documentId}|${locale ?? ''}|${status}`);
      if (id === undefined && status !== 'published')
        throw new Error(`${name}: no ${plan.target} matches "${documentId}"${locale ? ` in locale ${locale}` : ''}`);
      return id;
    };
  };

  /** A draft & publish target's draft row id → its published row id (when it has one). */
  const publishedTargets = async (trx: Knex.Transaction, plan: RelationPlan, draftIds: number[]) => {
    const published = new Map<number, number>();
    if (!plan.targetDraftAndPublish || draftIds.length === 0) return published;
    const columns = ['id', 'document_id', ...(plan.targetLocalized ? ['locale'] : [])];
    const drafts = await selectIn(trx, plan.targetTable, 'id', draftIds, (q) => q.select(columns));
    const publishedIds = await publishedIdsOf(
      trx,
      plan.targetTable,
      plan.targetLocalized,
      drafts.map((row) => row.document_id)
    );
    for (const row of drafts) {
      const id = publishedIds.get(`${row.document_id}|${plan.targetLocalized ? row.locale : ''}`);
      if (id !== undefined) published.set(Number(row.id), id);
    }
    return published;
  };

  /**
   * The target side's order of new links: after the target's last link. The last order of each target is read
   * once per task, then counted here (a popular target has many links to scan). Returns the next order of a target.
   */
  const inverseOrders = async (trx: Knex.Transaction, name: string, plan: RelationPlan, targetIds: number[]) => {
    if (!lastOrders.has(name)) lastOrders.set(name, new Map());
    const last = lastOrders.get(name)!;
    if (plan.inverseOrderColumn) {
      const unknown = [...new Set(targetIds)].filter((id) => !last.has(id));
      for (const id of unknown) last.set(id, 0);
      for (const part of chunks(unknown, IN_LIST)) {
        const maxima = (await knexOf(trx)(plan.table)
          .select(plan.inverseJoinColumn)
          .max(plan.inverseOrderColumn, { as: 'max' })
          .whereIn(plan.inverseJoinColumn, part)
          .groupBy(plan.inverseJoinColumn)) as Array<Record<string, unknown>>;
        for (const row of maxima) last.set(Number(row[plan.inverseJoinColumn]), Number(row.max ?? 0));
      }
    }
    return (targetId: number) => {
      const next = (last.get(targetId) ?? 0) + 1;
      last.set(targetId, next);
      return next;
    };
  };

  const insertRelations = async (trx: Knex.Transaction, name: string, plan: RelationPlan, versions: Version[]) => {
    if (!versions.some((v) => targetsOf(name, v).length > 0)) return;
    const targetId = await targetIdsFor(trx, name, plan, versions);
    /** Per version, its targets' documentIds and row ids (a published version's missing targets left out). */
    const linked = versions.map((version) => ({
      version,
      targets: targetsOf(name, version).flatMap((documentId, listed) => {
        const id = targetId(version, documentId);
        return id === undefined ? [] : [{ documentId, id, listed }];
      }),
    }));
    const nextInverse = await inverseOrders(
      trx,
      name,
      plan,
      linked.flatMap(({ targets }) => targets.map((t) => t.id))
    );
    // A published version shares its draft's target-side order (the Document Service's publish copies it, to the
    // target's published version too).
    const inverseOf = new Map<string, number>();
    const links: Array<Record<string, unknown>> = [];
    for (const { version, targets } of linked) {
      targets.forEach(({ documentId, id, listed }, i) => {
        const row: Record<string, unknown> = { [plan.joinColumn]: version.id, [plan.inverseJoinColumn]: id };
        if (plan.orderColumn) row[plan.orderColumn] = plan.keepsDraftOrder && version.published ? listed + 1 : i + 1;
        if (plan.inverseOrderColumn) {
          const key = `${version.doc.documentId}|${version.doc.locale ?? ''}|${documentId}`;
          if (!inverseOf.has(key)) inverseOf.set(key, nextInverse(id));
          row[plan.inverseOrderColumn] = inverseOf.get(key);
        }
        links.push(row);
      });
    }
    await rows.insertLinks(trx, plan.table, links);
  };

  /**
   * Closes up the target side's order of these targets after links to them were deleted (1..n in the order they
   * had), with the statement Strapi's `cleanOrderColumns` runs, once for all of a batch's targets.
   */
  const closeUpInverseOrders = async (trx: Knex.Transaction, name: string, plan: RelationPlan, targetIds: number[]) => {
    const column = plan.inverseOrderColumn;
    if (!column || targetIds.length === 0) return;
    const schemaName = strapi.db.getSchemaName();
    const table = schemaName ? `${schemaName}.${plan.table}` : plan.table;
    for (const part of chunks(targetIds, IN_LIST)) {
      const select = strapi.db
        .connection(table)
        .select('id')
        .rowNumber('inv_order', column, plan.inverseJoinColumn)
        .whereIn(plan.inverseJoinColumn, part)
        .toSQL();
      const statement =
        strapi.db.dialect.client === 'mysql'
          ? strapi.db.connection.raw(`UPDATE ?? as a, ( ${select.sql} ) AS b SET ?? = b.inv_order WHERE b.id = a.id`, [
              table,
              ...select.bindings,
              column,
            ])
          : strapi.db.connection.raw(
              `UPDATE ?? as a SET ?? = b.inv_order FROM ( ${select.sql} ) AS b WHERE b.id = a.id`,
              [table, column, ...select.bindings]
            );
      await statement.transacting(trx);
    }
    const last = lastOrders.get(name);
    for (const id of targetIds) last?.delete(id);
  };

  /**
   * A relation of updated versions, written as the Document Service writes a `set`: links to targets no longer
   * listed are deleted (the target side's order closed up), the links kept get the listed order and keep their
   * target-side order, new links get the listed order and continue after the target's last link. A published copy
   * lists its draft's targets (as the file set them, or as the draft had them) right after its draft; a new one
   * shares its draft's target-side order, as the Document Service's publish leaves it.
   */
  const replaceRelations = async (
    trx: Knex.Transaction,
    name: string,
    plan: RelationPlan,
    drafts: Version[],
    touched: Version[],
    copies: PublishedCopy[]
  ) => {
    const table = knexOf(trx);
    const targetId = touched.length > 0 ? await targetIdsFor(trx, name, plan, touched) : null;
    const copyOf = new Map(copies.map((c) => [c.draft, c]));
    const owners = [...touched, ...copies.flatMap((c) => (c.fresh ? [c.draft] : [c.draft, c.published]))];
    const columns = [
      'id',
      plan.joinColumn,
      plan.inverseJoinColumn,
      ...(plan.orderColumn ? [plan.orderColumn] : []),
      ...(plan.inverseOrderColumn ? [plan.inverseOrderColumn] : []),
    ];
    type Link = { id: number; order: number | null; inverse: number | null };
    /** version id → target id → the link row (id, order, target-side order). */
    const current = new Map<number, Map<number, Link>>();
    for (const part of chunks([...new Set(owners.map((v) => v.id))], IN_LIST)) {
      for (const row of (await table(plan.table).select(columns).whereIn(plan.joinColumn, part).orderBy('id')) as Array<
        Record<string, unknown>
      >) {
        const owner = Number(row[plan.joinColumn]);
        if (!current.has(owner)) current.set(owner, new Map());
        current.get(owner)!.set(Number(row[plan.inverseJoinColumn]), {
          id: Number(row.id),
          order: plan.orderColumn ? Number(row[plan.orderColumn]) : null,
          inverse: plan.inverseOrderColumn ? Number(row[plan.inverseOrderColumn]) : null,
        });
      }
    }
    /** A draft's targets as it holds them (by its order of them). */
    const held = (version: Version) =>
      [...(current.get(version.id) ?? [])]
        .sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0) || a.id - b.id)
        .map(([target]) => target);

    // The versions written, in the Document Service's order (each draft, then its published copy), and their targets.
    const wanted = new Map<Version, number[]>();
    const isTouched = new Set(touched);
    for (const draft of drafts) {
      if (isTouched.has(draft))
        wanted.set(
          draft,
          targetsOf(name, draft).map((d) => targetId!(draft, d)!)
        );
      const copy = copyOf.get(draft);
      if (copy) wanted.set(copy.published, wanted.get(draft) ?? held(draft));
    }
    // A published copy links to its draft's targets' published versions (a draft & publish target without one: no
    // link); `draftTarget` gives back the draft's target of each.
    const draftTarget = new Map<number, number>();
    if (plan.targetDraftAndPublish && copies.length > 0) {
      const published = await publishedTargets(
        trx,
        plan,
        copies.flatMap((c) => wanted.get(c.published) ?? [])
      );
      for (const [draftId, publishedId] of published) draftTarget.set(publishedId, draftId);
      for (const { published: version } of copies) {
        wanted.set(
          version,
          (wanted.get(version) ?? []).flatMap((t) => (published.has(t) ? [published.get(t)!] : []))
        );
      }
    }

    // 1. Links to targets no longer listed.
    const deleted: number[] = [];
    const released = new Set<number>();
    for (const [version, targets] of wanted) {
      for (const [target, link] of current.get(version.id) ?? []) {
        if (!targets.includes(target)) {
          deleted.push(link.id);
          released.add(target);
        }
      }
    }
    for (const part of chunks(deleted, IN_LIST)) await table(plan.table).whereIn('id', part).delete();
    await closeUpInverseOrders(trx, name, plan, [...released]);

    // 2. Links kept: the listed order. New links: after the target's last link (a new published copy: its draft's).
    const firstPublished = new Set(copies.filter((c) => c.fresh).map((c) => c.published));
    const sharesDraftOrder = (version: Version) => firstPublished.has(version);
    const fresh = [...wanted]
      .filter(([version]) => !sharesDraftOrder(version))
      .flatMap(([version, targets]) => targets.filter((t) => !current.get(version.id)?.has(t)));
    const nextInverse = await inverseOrders(trx, name, plan, fresh);
    /** `${draft id}|${target}` → the draft's target-side order once written (a new published copy shares it). */
    const draftInverse = new Map<string, number | null>();
    /** `${draft id}|${target}` → the draft's own order of the target once written (see `keepsDraftOrder`). */
    const draftOrder = new Map<string, number | null>();
    const links: Array<Record<string, unknown>> = [];
    const draftOf = new Map(copies.map((c) => [c.published, c.draft]));
    for (const [version, targets] of wanted) {
      for (const [i, target] of targets.entries()) {
        const link = current.get(version.id)?.get(target);
        draftOrder.set(`${version.id}|${target}`, i + 1);
        if (link) {
          if (plan.orderColumn && link.order !== i + 1)
            await table(plan.table)
              .where('id', link.id)
              .update({ [plan.orderColumn]: i + 1 });
          draftInverse.set(`${version.id}|${target}`, link.inverse);
          continue;
        }
        const row: Record<string, unknown> = { [plan.joinColumn]: version.id, [plan.inverseJoinColumn]: target };
        const draft = draftOf.get(version);
        const ofDraft = draftTarget.get(target) ?? target;
        if (plan.orderColumn) {
          row[plan.orderColumn] =
            plan.keepsDraftOrder && sharesDraftOrder(version)
              ? draftOrder.get(`${draft!.id}|${ofDraft}`) ?? current.get(draft!.id)?.get(ofDraft)?.order ?? i + 1
              : i + 1;
        }
        if (plan.inverseOrderColumn) {
          const inverse = sharesDraftOrder(version)
            ? draftInverse.get(`${draft!.id}|${ofDraft}`) ?? current.get(draft!.id)?.get(ofDraft)?.inverse
            : nextInverse(target);
          row[plan.inverseOrderColumn] = inverse ?? nextInverse(target);
          draftInverse.set(`${version.id}|${target}`, row[plan.inverseOrderColumn] as number);
        }
        links.push(row);
      }
    }
    await rows.insertLinks(trx, plan.table, links);
  };

  /** Deletes the component rows of updated versions' field, and their `_cmps` links (new copies are written after). */
  const removeComponents = async (trx: Knex.Transaction, plan: ComponentPlan, versions: Version[]) => {
    const table = knexOf(trx);
    const { links, idsByType } = await componentLinks(
      trx,
      plan,
      versions.map((v) => v.id),
      ['id', plan.idColumn, COMPONENT_TYPE_COLUMN]
    );
    for (const [componentUid, ids] of idsByType) {
      const componentTable = modelMeta(strapi, componentUid).tableName;
      for (const part of chunks(ids, IN_LIST)) await table(componentTable).whereIn('id', part).delete();
    }
    for (const part of chunks(
      links.map((l) => Number(l.id)),
      IN_LIST
    ))
      await table(plan.table).whereIn('id', part).delete();
  };

  /** Deletes the media links of updated versions' field (new ones are written after). */
  const removeMedia = async (trx: Knex.Transaction, name: string, plan: MediaPlan, versions: Version[]) => {
    for (const part of chunks(
      versions.map((v) => v.id),
      IN_LIST
    )) {
      await knexOf(trx)(plan.table)
        .whereIn(plan.idColumn, part)
        .where({ [plan.typeColumn]: uid, field: name })
        .delete();
    }
  };

  const insertMedia = async (trx: Knex.Transaction, name: string, plan: MediaPlan, versions: Version[]) => {
    const links: Array<Record<string, unknown>> = [];
    for (const version of versions) {
      const value = version.doc.data[name];
      if (isEmptyValue(value)) continue;
      const files = [...new Set((Array.isArray(value) ? value : [value]).map(Number))];
      files.forEach((fileId, i) =>
        links.push({
          [plan.fileColumn]: fileId,
          [plan.idColumn]: version.id,
          [plan.typeColumn]: uid,
          field: name,
          order: i + 1,
        })
      );
    }
    await rows.insertLinks(trx, plan.table, links);
  };

  /**
   * The Document Service publishes a document by validating its draft as read back from the database: every
   * scalar attribute the file left out is there, as its default or null. The bulk path validates the same shape.
   */
  const readBackDefaults: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (plans.get(name)?.kind === 'scalar' && !SYSTEM_ATTRIBUTES.has(name))
      readBackDefaults[name] = attribute.default ?? null;
  }
  const asReadBack = (values: Record<string, unknown>) => ({ ...readBackDefaults, ...values });

  const rules = compileRules(schema, schemaOf);

  const insert = forgettingOrdersOnFailure(insertDocuments);
  const update = forgettingOrdersOnFailure(updateDocuments);

  return {
    blockerOf,
    updateBlocker,
    preparePublishing,
    splitData,
    asReadBack,
    insert,
    update,
    forgetOrders,
    rules,
  };
};

export type BulkWriter = ReturnType<typeof createBulkWriter>;
