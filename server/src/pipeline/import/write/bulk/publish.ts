import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { type ComponentPlan, type MediaPlan } from './plan';
import { append, type PublishedCopy, type Version } from './types';
import type { BulkContext } from './context';
import { copyComponentEntries, removeComponentEntries } from './components';
import { insertMedia, removeMedia } from './media';

/**
 * For a batch's updates that publish: whether each certainly passes Strapi's rules, as its draft and then as the
 * published entry the whole draft becomes (the Document Service validates the update as a draft, then the draft
 * read back as published). The values it sets are checked as a published entry's; an attribute it leaves out is
 * certain when its stored value is: any value of an attribute without published-only rules, the stored scalar
 * checked by the same rules, an empty component or dynamic zone that may be empty. What is not certain (and a
 * document holding what the bulk path does not copy) goes through the Document Service, which names any failure.
 */
export const preparePublishing = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  drafts: Array<{ id: number; documentId: string }>
) => {
  const { strapi, uid, schema, plans, leftOutMustBeSet, rules, selectIn } = ctx;
  const blocked = await publishBlocked(ctx, trx, [...new Set(drafts.map((d) => d.documentId))]);
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
        .findMany({ select: ['id', ...scalarNames], where: { id: { $in: part } } })) as Array<Record<string, unknown>>;
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
      return !holding.get(id)?.has(name) && !attribute.required && !(attribute.min !== undefined && attribute.min > 0);
    return false;
  };
  return (data: Record<string, unknown>, values: Record<string, unknown>, draft: { id: number; documentId: string }) =>
    !blocked.has(draft.documentId) &&
    rules.passes(values, true, { update: true }) &&
    leftOutMustBeSet.every(
      (name) => Object.prototype.hasOwnProperty.call(data, name) || storedIsCertain(name, draft.id)
    );
};

/**
 * The documents (of these) whose draft or published version holds a value in an attribute the bulk path does not
 * write (a component with a relation to a draft & publish type...), or holds or is the target of a self relation of a
 * draft & publish type (written in bulk for drafts only): publishing them is copying that value, which is the
 * Document Service's job.
 */
export const publishBlocked = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  documentIds: string[]
): Promise<Set<string>> => {
  const { schema, metadata, plans, knexOf } = ctx;
  // A self relation written in bulk for drafts only (`draftsOnly`): a document holding one or targeted by one.
  const selfRelations = [...plans].filter(([, plan]) => plan.kind === 'relation' && plan.draftsOnly).map(([name]) => name);
  const unsupported = [
    ...[...plans].filter(([, plan]) => plan.kind === 'unsupported').map(([name]) => name),
    ...selfRelations,
  ];
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
      const columns = [join.joinColumn.name, ...(selfRelations.includes(name) ? [join.inverseJoinColumn!.name] : [])];
      for (const column of columns) {
        for (const idsPart of chunks(ids, IN_LIST)) {
          const query = table(join.name).distinct(column).whereIn(column, idsPart);
          if (attribute.type !== 'relation') query.where('field', String(join.on?.field ?? name));
          for (const row of (await query) as Array<Record<string, unknown>>)
            blocked.add(documentOf.get(Number(row[column]))!);
        }
      }
    }
  }
  return blocked;
};

/** The published rows of these drafts' documents (`${documentId}|${locale}` → id). */
export const publishedRows = async (ctx: BulkContext, trx: Knex.Transaction, drafts: Version[]) => {
  const { metadata, localized, publishedIdsOf } = ctx;
  const found = await publishedIdsOf(
    trx,
    metadata.tableName,
    localized,
    drafts.map((d) => d.doc.documentId)
  );
  return (draft: Version) => found.get(`${draft.doc.documentId}|${localized ? draft.doc.locale : ''}`);
};

/** The drafts' scalars copied to their published rows (new ones for drafts never published), published now. */
export const publishedCopies = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  drafts: Version[],
  now: Date
): Promise<PublishedCopy[]> => {
  const { uid, rows } = ctx;
  if (drafts.length === 0) return [];
  const before = await publishedRows(ctx, trx, drafts);
  const pairs = drafts.flatMap((d) => (before(d) === undefined ? [] : [{ from: d.id, to: before(d)! }]));
  await rows.copyRows(trx, uid, pairs, { publishedAt: now });
  const fresh = drafts.filter((d) => before(d) === undefined);
  await rows.cloneRows(
    trx,
    uid,
    fresh.map((d) => d.id),
    { publishedAt: now }
  );
  const after = fresh.length > 0 ? await publishedRows(ctx, trx, fresh) : before;
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
export const copyComponents = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  _name: string,
  plan: ComponentPlan,
  copies: PublishedCopy[]
) => {
  await removeComponentEntries(
    ctx,
    trx,
    plan,
    copies.filter((c) => !c.fresh).map((c) => c.published)
  );
  await copyComponentEntries(
    ctx,
    trx,
    plan,
    copies.map((c) => ({ from: c.draft.id, to: c.published.id }))
  );
};

/** The published versions' media of a field: replaced by their drafts' files, in the drafts' order. */
export const copyMedia = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: MediaPlan,
  copies: PublishedCopy[]
) => {
  const { uid, selectIn } = ctx;
  await removeMedia(
    ctx,
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
    ctx,
    trx,
    name,
    plan,
    copies.map((c) => c.published)
  );
};
