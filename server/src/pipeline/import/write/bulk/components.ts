import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { modelMeta } from '../../../../schema/model-metadata';
import { COMPONENT_TYPE_COLUMN, isEmptyValue, type ComponentPlan } from './plan';
import { type Version } from './types';
import type { BulkContext } from './context';

export const insertComponents = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: ComponentPlan,
  versions: Version[]
) => {
  const { schema, rows } = ctx;
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

/** Deletes the component rows of updated versions' field, and their `_cmps` links (new copies are written after). */
export const removeComponents = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  plan: ComponentPlan,
  versions: Version[]
) => {
  const { strapi, knexOf, componentLinks } = ctx;
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
