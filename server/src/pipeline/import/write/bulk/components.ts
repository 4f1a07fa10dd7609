import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { modelMeta } from '../../../../schema/model-metadata';
import { relationTargetLocale } from '../../../../schema/relation-locale';
import { COMPONENT_TYPE_COLUMN, isEmptyValue, type ComponentPlan, type MediaPlan, type RelationPlan } from './plan';
import { renumberOrders } from './relations';
import { append, type Version } from './types';
import type { BulkContext } from './context';

/**
 * Component copies, written as the Document Service's `createComponent` writes them (its `createComponents`,
 * recursively): for each entry, the components inside it first, then its row, its `_cmps` links to those (`order`
 * 1..n for a repeatable component or a dynamic zone, null for a single one), its relation links (the relation's
 * order 1..n as listed; components' relations are one-sided: no target-side order) and its media links
 * (`related_type` the component's uid, `order` 1..n); then the owner's `_cmps` links to the entries. Deleting
 * (an update replaces, as `deleteOldComponents` does) removes the rows, with what is inside them and their links.
 */

/** One component entry to write: its scalars, its relations' target row ids, its files, the entries inside it. */
interface ComponentNode {
  uid: string;
  scalars: Record<string, unknown>;
  relations: Map<string, number[]>;
  media: Map<string, number[]>;
  children: Map<string, ComponentNode[]>;
}

/** A field's entries of one owner row (a version, or a component row for components inside components). */
interface OwnerEntries {
  ownerId: number;
  nodes: ComponentNode[];
}

/** The entries a field's value lists, in order (a single component: one or none). */
const entriesOf = (value: unknown): Array<Record<string, unknown>> => {
  if (isEmptyValue(value)) return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null
  );
};

const componentUidOf = (plan: ComponentPlan, entry: Record<string, unknown>, single: string) =>
  plan.zone ? String(entry.__component) : single;

/**
 * The nodes of the versions' field as the file sets it (relations as documentIds, resolved to the target's rows in
 * the version's locale, one query per target table; media as file ids).
 */
const nodesFromData = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: ComponentPlan,
  versions: Version[]
): Promise<OwnerEntries[]> => {
  const { schema, localized, knexOf, appDefaultLocale } = ctx;
  /** Relation values waiting for their target rows: the node, the relation, its plan, documentIds, locale. */
  const pending: Array<{
    node: ComponentNode;
    name: string;
    plan: RelationPlan;
    documentIds: string[];
    locale: string | null;
  }> = [];
  let defaultLocale: string | null | undefined;
  const build = async (
    componentUid: string,
    entry: Record<string, unknown>,
    locale: string | null
  ): Promise<ComponentNode> => {
    const node: ComponentNode = {
      uid: componentUid,
      scalars: {},
      relations: new Map(),
      media: new Map(),
      children: new Map(),
    };
    const plans = plan.models.get(componentUid);
    if (!plans) throw new Error(`${name}: the component ${componentUid} is not one the field holds`);
    for (const [attribute, value] of Object.entries(entry)) {
      if (attribute === 'id' || attribute === '__component') continue;
      const inner = plans.get(attribute);
      if (!inner) throw new Error(`${name}: ${componentUid} has no attribute ${attribute}`);
      if (inner.kind === 'scalar') node.scalars[attribute] = value;
      else if (inner.kind === 'media')
        node.media.set(
          attribute,
          isEmptyValue(value) ? [] : [...new Set((Array.isArray(value) ? value : [value]).map(Number))]
        );
      else if (inner.kind === 'relation') {
        const documentIds = isEmptyValue(value)
          ? []
          : [...new Set((Array.isArray(value) ? value : [value]).map(String))];
        if (inner.targetLocalized && !localized && defaultLocale === undefined)
          defaultLocale = await appDefaultLocale();
        const targetLocale = relationTargetLocale({
          sourceLocalized: localized,
          targetLocalized: inner.targetLocalized,
          sourceLocale: locale,
          defaultLocale: defaultLocale ?? null,
        });
        pending.push({ node, name: attribute, plan: inner, documentIds, locale: targetLocale });
      } else if (inner.kind === 'components') {
        const single = String(inner.zone ? '' : schemaOfComponentAttribute(ctx, componentUid, attribute));
        const children: ComponentNode[] = [];
        for (const child of entriesOf(value))
          children.push(await build(componentUidOf(inner, child, single), child, locale));
        node.children.set(attribute, children);
      }
    }
    return node;
  };
  const owners: OwnerEntries[] = [];
  const single = String(schema.attributes[name].component ?? '');
  for (const version of versions) {
    const nodes: ComponentNode[] = [];
    for (const entry of entriesOf(version.doc.data[name]))
      nodes.push(await build(componentUidOf(plan, entry, single), entry, version.doc.locale));
    if (nodes.length > 0) owners.push({ ownerId: version.id, nodes });
  }
  // The target rows: one query per target table (documentIds in bounded IN lists).
  const byTable = new Map<string, typeof pending>();
  for (const item of pending) append(byTable, item.plan.targetTable, item);
  for (const [table, items] of byTable) {
    const localizedTarget = items[0].plan.targetLocalized;
    const ids = new Map<string, number>();
    const columns = ['id', 'document_id', ...(localizedTarget ? ['locale'] : [])];
    for (const part of chunks([...new Set(items.flatMap((i) => i.documentIds))], IN_LIST)) {
      for (const row of (await knexOf(trx)(table).select(columns).whereIn('document_id', part)) as Array<
        Record<string, unknown>
      >)
        ids.set(`${row.document_id}|${localizedTarget ? row.locale : ''}`, Number(row.id));
    }
    for (const item of items) {
      item.node.relations.set(
        item.name,
        item.documentIds.map((documentId) => {
          const id = ids.get(`${documentId}|${item.locale ?? ''}`);
          if (id === undefined) {
            const where = item.locale ? ` in locale ${item.locale}` : '';
            throw new Error(`${name}: no ${item.plan.target} matches "${documentId}"${where}`);
          }
          return id;
        })
      );
    }
  }
  return owners;
};

const schemaOfComponentAttribute = (ctx: BulkContext, componentUid: string, attribute: string) =>
  ctx.schemaOf(componentUid)?.attributes[attribute]?.component ?? '';

/** Writes the entries of owners' field (see the top of this file), the entries inside them first. */
const writeNodes = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  owners: OwnerEntries[]
): Promise<void> => {
  const { rows } = ctx;
  if (owners.length === 0) return;
  // 1. The rows, per component type.
  const byType = new Map<string, ComponentNode[]>();
  for (const { nodes } of owners) for (const node of nodes) append(byType, node.uid, node);
  const idOf = new Map<ComponentNode, number>();
  for (const [componentUid, nodes] of byType) {
    // A row needs a column: an entry that sets no scalar gets its first scalar's default, as Strapi's create does.
    const [first, attribute] =
      Object.entries(ctx.schemaOf(componentUid)?.attributes ?? {}).find(
        ([inner]) => plan.models.get(componentUid)?.get(inner)?.kind === 'scalar'
      ) ?? [];
    for (const node of nodes)
      if (first && Object.keys(node.scalars).length === 0) node.scalars[first] = attribute?.default ?? null;
    const ids = await rows.createMany(
      trx,
      componentUid,
      nodes.map((n) => n.scalars)
    );
    nodes.forEach((node, i) => idOf.set(node, ids[i]));
  }
  // 2. What each entry holds: the components inside it, its relations, its media.
  for (const [componentUid, nodes] of byType) {
    const plans = plan.models.get(componentUid)!;
    for (const [attribute, inner] of plans) {
      if (inner.kind === 'components') {
        await writeNodes(
          ctx,
          trx,
          inner,
          nodes.flatMap((node) => {
            const children = node.children.get(attribute) ?? [];
            return children.length > 0 ? [{ ownerId: idOf.get(node)!, nodes: children }] : [];
          })
        );
      } else if (inner.kind === 'relation') {
        await writeRelationLinks(ctx, trx, inner, nodes, attribute, idOf);
      } else if (inner.kind === 'media') {
        await writeMediaLinks(ctx, trx, inner, componentUid, nodes, attribute, idOf);
      }
    }
  }
  // 3. The owners' `_cmps` links, each owner's in order.
  const ordered = plan.zone || plan.repeatable;
  const links = owners.flatMap(({ ownerId, nodes }) =>
    nodes.map((node, i) => ({
      [plan.joinColumn]: ownerId,
      [plan.idColumn]: idOf.get(node),
      [COMPONENT_TYPE_COLUMN]: node.uid,
      field: plan.field,
      [plan.orderColumn]: ordered ? i + 1 : null,
    }))
  );
  await rows.insertLinks(trx, plan.table, links);
};

const writeRelationLinks = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: RelationPlan,
  nodes: ComponentNode[],
  attribute: string,
  idOf: Map<ComponentNode, number>
) => {
  const links: Array<Record<string, unknown>> = [];
  for (const node of nodes) {
    (node.relations.get(attribute) ?? []).forEach((target, i) => {
      const row: Record<string, unknown> = { [plan.joinColumn]: idOf.get(node), [plan.inverseJoinColumn]: target };
      if (plan.orderColumn) row[plan.orderColumn] = i + 1;
      links.push(row);
    });
  }
  await ctx.rows.insertLinks(trx, plan.table, links);
};

const writeMediaLinks = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: MediaPlan,
  componentUid: string,
  nodes: ComponentNode[],
  attribute: string,
  idOf: Map<ComponentNode, number>
) => {
  const links: Array<Record<string, unknown>> = [];
  for (const node of nodes) {
    (node.media.get(attribute) ?? []).forEach((fileId, i) =>
      links.push({
        [plan.fileColumn]: fileId,
        [plan.idColumn]: idOf.get(node),
        [plan.typeColumn]: componentUid,
        field: attribute,
        order: i + 1,
      })
    );
  }
  await ctx.rows.insertLinks(trx, plan.table, links);
};

export const insertComponents = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: ComponentPlan,
  versions: Version[]
) => {
  await writeNodes(ctx, trx, plan, await nodesFromData(ctx, trx, name, plan, versions));
};

/**
 * The entries of owners' field as stored (each owner's in order), read as the Document Service's publish reads a
 * draft: scalars through the query layer (Strapi's conversions), relations and files in their order, the
 * components inside them likewise.
 */
const nodesFromDatabase = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  ownerIds: number[]
): Promise<Map<number, ComponentNode[]>> => {
  const { strapi, componentLinks, selectIn } = ctx;
  const result = new Map<number, ComponentNode[]>();
  if (ownerIds.length === 0) return result;
  const { links } = await componentLinks(trx, plan, ownerIds, [
    'id',
    plan.joinColumn,
    plan.idColumn,
    COMPONENT_TYPE_COLUMN,
    plan.orderColumn,
  ]);
  const nodes = new Map<string, ComponentNode>();
  const idsByType = new Map<string, number[]>();
  for (const link of links) {
    const key = `${link[COMPONENT_TYPE_COLUMN]}|${link[plan.idColumn]}`;
    if (nodes.has(key)) continue;
    nodes.set(key, {
      uid: String(link[COMPONENT_TYPE_COLUMN]),
      scalars: {},
      relations: new Map(),
      media: new Map(),
      children: new Map(),
    });
    append(idsByType, String(link[COMPONENT_TYPE_COLUMN]), Number(link[plan.idColumn]));
  }
  for (const [componentUid, ids] of idsByType) {
    const plans = plan.models.get(componentUid);
    if (!plans) throw new Error(`${plan.field}: the component ${componentUid} is not one the field holds`);
    const nodeOf = (id: unknown) => nodes.get(`${componentUid}|${id}`);
    const scalarNames = [...plans].filter(([, p]) => p.kind === 'scalar').map(([n]) => n);
    for (const part of chunks(ids, IN_LIST)) {
      const found = (await strapi.db
        .query(componentUid as never)
        .findMany({ select: ['id', ...scalarNames], where: { id: { $in: part } } } as never)) as Array<
        Record<string, unknown>
      >;
      for (const row of found) {
        const node = nodeOf(row.id);
        if (!node) continue;
        for (const scalar of scalarNames) if (scalar !== 'id' && scalar in row) node.scalars[scalar] = row[scalar];
      }
    }
    for (const [attribute, inner] of plans) {
      if (inner.kind === 'relation') {
        const found = await selectIn(trx, inner.table, inner.joinColumn, ids, (q) =>
          q
            .select('id', inner.joinColumn, inner.inverseJoinColumn, ...(inner.orderColumn ? [inner.orderColumn] : []))
            .orderBy([...(inner.orderColumn ? [inner.orderColumn] : []), 'id'])
        );
        found.sort(
          (a, b) =>
            Number(a[inner.orderColumn ?? 'id'] ?? 0) - Number(b[inner.orderColumn ?? 'id'] ?? 0) ||
            Number(a.id) - Number(b.id)
        );
        for (const row of found) {
          const node = nodeOf(row[inner.joinColumn]);
          if (!node) continue;
          if (!node.relations.has(attribute)) node.relations.set(attribute, []);
          node.relations.get(attribute)!.push(Number(row[inner.inverseJoinColumn]));
        }
      } else if (inner.kind === 'media') {
        const found = await selectIn(trx, inner.table, inner.idColumn, ids, (q) =>
          q
            .select('id', inner.idColumn, inner.fileColumn, 'order')
            .where({ [inner.typeColumn]: componentUid, field: attribute })
        );
        found.sort((a, b) => Number(a.order ?? 0) - Number(b.order ?? 0) || Number(a.id) - Number(b.id));
        for (const row of found) {
          const node = nodeOf(row[inner.idColumn]);
          if (!node) continue;
          if (!node.media.has(attribute)) node.media.set(attribute, []);
          node.media.get(attribute)!.push(Number(row[inner.fileColumn]));
        }
      } else if (inner.kind === 'components') {
        const children = await nodesFromDatabase(ctx, trx, inner, ids);
        for (const [id, list] of children) nodeOf(id)?.children.set(attribute, list);
      }
    }
  }
  const sorted = [...links].sort(
    (a, b) => Number(a[plan.orderColumn] ?? 0) - Number(b[plan.orderColumn] ?? 0) || Number(a.id) - Number(b.id)
  );
  for (const link of sorted) {
    const node = nodes.get(`${link[COMPONENT_TYPE_COLUMN]}|${link[plan.idColumn]}`);
    if (node) append(result, Number(link[plan.joinColumn]), node);
  }
  return result;
};

/** Copies of the drafts' entries of a field for their published versions (`pairs`: draft id → published id). */
export const copyComponentEntries = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  pairs: Array<{ from: number; to: number }>
) => {
  const stored = await nodesFromDatabase(
    ctx,
    trx,
    plan,
    pairs.map((p) => p.from)
  );
  await writeNodes(
    ctx,
    trx,
    plan,
    pairs.flatMap(({ from, to }) => {
      const nodes = stored.get(from) ?? [];
      return nodes.length > 0 ? [{ ownerId: to, nodes }] : [];
    })
  );
};

/**
 * Deletes the entries of owners' field (rows of type `ownerUid`), with what is inside them (components, relation
 * links, media links), and the owners' `_cmps` links to them.
 */
const removeEntries = async (ctx: BulkContext, trx: Knex.Transaction, plan: ComponentPlan, owners: number[]) => {
  const { strapi, knexOf, componentLinks } = ctx;
  const table = knexOf(trx);
  if (owners.length === 0) return;
  const { links, idsByType } = await componentLinks(trx, plan, owners, ['id', plan.idColumn, COMPONENT_TYPE_COLUMN]);
  for (const [componentUid, ids] of idsByType) {
    for (const [attribute, inner] of plan.models.get(componentUid) ?? []) {
      if (inner.kind === 'components') await removeEntries(ctx, trx, inner, ids);
      else if (inner.kind === 'relation') {
        for (const part of chunks(ids, IN_LIST)) await table(inner.table).whereIn(inner.joinColumn, part).delete();
      } else if (inner.kind === 'media') {
        for (const part of chunks(ids, IN_LIST))
          await table(inner.table)
            .whereIn(inner.idColumn, part)
            .where({ [inner.typeColumn]: componentUid, field: attribute })
            .delete();
      }
    }
    const componentTable = modelMeta(strapi, componentUid).tableName;
    for (const part of chunks(ids, IN_LIST)) await table(componentTable).whereIn('id', part).delete();
  }
  for (const part of chunks(
    links.map((l) => Number(l.id)),
    IN_LIST
  ))
    await table(plan.table).whereIn('id', part).delete();
};

/**
 * After an update deletes the `_cmps` links of a repeatable component, Strapi's `set` of the field (its
 * `deleteRelations`, then `cleanOrderColumns`) numbers every `_cmps` row the owner still holds 1..n by their order,
 * whatever their field (a single component's null order included, where the database sorts nulls), with this
 * statement; the field's new links are written after, 1..n.
 */
const closeUpOwnerOrders = (ctx: BulkContext, trx: Knex.Transaction, plan: ComponentPlan, owners: number[]) =>
  renumberOrders(ctx, trx, { table: plan.table, orderColumn: plan.orderColumn, groupColumn: plan.joinColumn }, owners);

/**
 * Deletes the component entries of updated versions' field, and their `_cmps` links (new copies are written after),
 * as the Document Service's update does (a repeatable component's `set` renumbers the owner's other links).
 */
export const removeComponents = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  versions: Version[]
) => {
  const owners = versions.map((v) => v.id);
  await removeEntries(ctx, trx, plan, owners);
  if (plan.repeatable) await closeUpOwnerOrders(ctx, trx, plan, owners);
};

/** Deletes the component entries of published versions' field before copies of their drafts' are written. */
export const removeComponentEntries = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  versions: Version[]
) => {
  await removeEntries(
    ctx,
    trx,
    plan,
    versions.map((v) => v.id)
  );
};
