import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { relationTargetLocale } from '../../../../schema/relation-locale';
import { isEmptyValue, type RelationPlan } from './plan';
import { type PublishedCopy, type Version } from './types';
import type { BulkContext } from './context';
import { takeTargets, type TakingHook } from './take-targets';

/** The relation's targets of a version, as listed (documentIds, each once). */
export const targetsOf = (name: string, version: Version) => {
  const value = version.doc.data[name];
  if (isEmptyValue(value)) return [];
  return [...new Set((Array.isArray(value) ? value : [value]).map(String))];
};

/** The version of a target a version links to: its draft or published row, for a draft & publish target. */
export const targetVersion = (plan: RelationPlan, published: unknown) =>
  plan.targetDraftAndPublish ? (published ? 'published' : 'draft') : '';

/**
 * documentId (and locale) → the target's row id, for every target the versions list; undefined for a published
 * version whose draft & publish target has no published version (the Document Service links nothing).
 */
export const targetIdsFor = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: RelationPlan,
  versions: Version[]
) => {
  const { localized, knexOf, appDefaultLocale } = ctx;
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
export const publishedTargets = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: RelationPlan,
  draftIds: number[]
) => {
  const { selectIn, publishedIdsOf } = ctx;
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
export const inverseOrders = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: RelationPlan,
  targetIds: number[]
) => {
  const { knexOf, lastOrders } = ctx;
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

export const insertRelations = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: RelationPlan,
  versions: Version[],
  beforeTaking: TakingHook | null = null
) => {
  const { rows } = ctx;
  if (!versions.some((v) => targetsOf(name, v).length > 0)) return;
  const targetId = await targetIdsFor(ctx, trx, name, plan, versions);
  /** Per version, its targets' documentIds and row ids (a published version's missing targets left out). */
  const linked = versions.map((version) => ({
    version,
    targets: targetsOf(name, version).flatMap((documentId, listed) => {
      const id = targetId(version, documentId);
      return id === undefined ? [] : [{ documentId, id, listed }];
    }),
  }));
  const nextInverse = await inverseOrders(
    ctx,
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
  await takeTargets(
    ctx,
    trx,
    plan,
    linked.map(({ version, targets }) => ({
      documentId: version.doc.documentId,
      versionId: version.id,
      targets: targets.map((t) => t.id),
    })),
    beforeTaking
  );
};

/**
 * Closes up the target side's order of these targets after links to them were deleted (1..n in the order they
 * had), with the statement Strapi's `cleanOrderColumns` runs, once for all of a batch's targets.
 */
export const closeUpInverseOrders = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: RelationPlan,
  targetIds: number[]
) => {
  const { lastOrders } = ctx;
  const column = plan.inverseOrderColumn;
  if (!column || targetIds.length === 0) return;
  await renumberOrders(ctx, trx, { table: plan.table, orderColumn: column, groupColumn: plan.inverseJoinColumn }, targetIds);
  const last = lastOrders.get(name);
  for (const id of targetIds) last?.delete(id);
};

/**
 * Numbers the rows of each group 1..n by their current order (`orderColumn` within `groupColumn`, for the groups
 * `keys`), with the statement Strapi's `cleanOrderColumns` runs (ROW_NUMBER in a subquery; MySQL's UPDATE ... JOIN
 * form): the target side of a relation's links, the `_cmps` links of a component's owners.
 */
export const renumberOrders = async (
  { strapi }: BulkContext,
  trx: Knex.Transaction,
  { table: name, orderColumn, groupColumn }: { table: string; orderColumn: string; groupColumn: string },
  keys: number[]
) => {
  const schemaName = strapi.db.getSchemaName();
  const table = schemaName ? `${schemaName}.${name}` : name;
  for (const part of chunks(keys, IN_LIST)) {
    const select = strapi.db
      .connection(table)
      .select('id')
      .rowNumber('row_order', orderColumn, groupColumn)
      .whereIn(groupColumn, part)
      .toSQL();
    const statement =
      strapi.db.dialect.client === 'mysql'
        ? strapi.db.connection.raw(`UPDATE ?? as a, ( ${select.sql} ) AS b SET ?? = b.row_order WHERE b.id = a.id`, [
            table,
            ...select.bindings,
            orderColumn,
          ])
        : strapi.db.connection.raw(
            `UPDATE ?? as a SET ?? = b.row_order FROM ( ${select.sql} ) AS b WHERE b.id = a.id`,
            [table, orderColumn, ...select.bindings]
          );
    await statement.transacting(trx);
  }
};

/** A link row of a relation's join table: its id, its order, its target-side order. */
interface Link {
  id: number;
  order: number | null;
  inverse: number | null;
}

/** The links the versions hold now: version id → target id → the link row. */
const currentLinks = async (table: ReturnType<BulkContext['knexOf']>, plan: RelationPlan, owners: Version[]) => {
  const columns = [
    'id',
    plan.joinColumn,
    plan.inverseJoinColumn,
    ...(plan.orderColumn ? [plan.orderColumn] : []),
    ...(plan.inverseOrderColumn ? [plan.inverseOrderColumn] : []),
  ];
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
  return current;
};

/**
 * A relation of updated versions, written as the Document Service writes a `set`: links to targets no longer
 * listed are deleted (the target side's order closed up), the links kept get the listed order and keep their
 * target-side order, new links get the listed order and continue after the target's last link. A published copy
 * lists its draft's targets (as the file set them, or as the draft had them) right after its draft; a new one
 * shares its draft's target-side order, as the Document Service's publish leaves it.
 */
export const replaceRelations = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: RelationPlan,
  drafts: Version[],
  touched: Version[],
  copies: PublishedCopy[],
  beforeTaking: TakingHook | null = null
) => {
  const { rows, knexOf } = ctx;
  const table = knexOf(trx);
  const targetId = touched.length > 0 ? await targetIdsFor(ctx, trx, name, plan, touched) : null;
  const copyOf = new Map(copies.map((c) => [c.draft, c]));
  const owners = [...touched, ...copies.flatMap((c) => (c.fresh ? [c.draft] : [c.draft, c.published]))];
  const current = await currentLinks(table, plan, owners);
  /** A draft's targets as it holds them (by its order of them). */
  const held = (version: Version) =>
    [...(current.get(version.id) ?? [])]
      .sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0) || a.id - b.id)
      .map(([target]) => target);

  // The versions written, in the Document Service's order (each draft, then its published copy), and their targets.
  const wanted = new Map<Version, number[]>();
  const isTouched = new Set(touched);
  /** A relation that takes its targets: target → the last document to claim it so far in this group. */
  const claimedBy = new Map<number, string>();
  /** A draft's targets as held when its copy is written: less those another document took before (`takeTargets`). */
  const stillHeld = (draft: Version) =>
    held(draft).filter((t) => !plan.takesTarget || (claimedBy.get(t) ?? draft.doc.documentId) === draft.doc.documentId);
  for (const draft of drafts) {
    if (isTouched.has(draft))
      wanted.set(
        draft,
        targetsOf(name, draft).map((d) => targetId!(draft, d)!)
      );
    const copy = copyOf.get(draft);
    if (copy) wanted.set(copy.published, wanted.get(draft) ?? stillHeld(draft));
    for (const t of [...(wanted.get(draft) ?? []), ...(copy ? wanted.get(copy.published)! : [])])
      claimedBy.set(t, draft.doc.documentId);
  }
  // A published copy links to its draft's targets' published versions (a draft & publish target without one: no
  // link); `draftTarget` gives back the draft's target of each.
  const draftTarget = new Map<number, number>();
  if (plan.targetDraftAndPublish && copies.length > 0) {
    const published = await publishedTargets(
      ctx,
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
  await closeUpInverseOrders(ctx, trx, name, plan, [...released]);

  // 2. Links kept: the listed order. New links: after the target's last link (a new published copy: its draft's).
  const firstPublished = new Set(copies.filter((c) => c.fresh).map((c) => c.published));
  const sharesDraftOrder = (version: Version) => firstPublished.has(version);
  const fresh = [...wanted]
    .filter(([version]) => !sharesDraftOrder(version))
    .flatMap(([version, targets]) => targets.filter((t) => !current.get(version.id)?.has(t)));
  const nextInverse = await inverseOrders(ctx, trx, name, plan, fresh);
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
  await takeTargets(
    ctx,
    trx,
    plan,
    [...wanted].map(([version, targets]) => ({ documentId: version.doc.documentId, versionId: version.id, targets })),
    beforeTaking
  );
};

