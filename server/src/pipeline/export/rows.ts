import type { Knex } from 'knex';
import type { EntryStatus } from '../../../../shared/contracts';
import { chunks } from '../sql/in-lists';
import type { ColumnPlan, ComponentPlan, Entry, MediaPlan, ModelPlan, RelationPlan } from './plan';

/**
 * Running the lean reader's plan on one page: one query per joined attribute (relations, media, components and
 * dynamic zones, recursively), IN lists of at most 500 values, rows grouped by owner in the link's order.
 */


const BIG_INTEGER = /^[+-]?\d+$/;

/**
 * A value of a joined column, as `@strapi/database`'s field types read it (`fromDB`): the key columns a reference
 * can be written by are strings, integers or bigintegers (uid, email, string, integer, biginteger), ids integers.
 */
export const fromDatabase = (type: string, value: unknown): unknown => {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'float':
    case 'decimal':
      return Number(value);
    case 'biginteger': {
      if (typeof value === 'bigint') return value.toString();
      const text = String(value).trim();
      return BIG_INTEGER.test(text) ? BigInt(text).toString() : String(value);
    }
    case 'increments':
      return value;
    default:
      return String(value);
  }
};

/** The owners' values of an attribute with no rows: what Strapi's populate gives (null, or an empty list). */
const emptyValue = (many: boolean) => (many ? [] : null);

type Row = Record<string, unknown>;
/** A row id as the driver returns it. */
type Id = number | string;

/** A row grouped by owner, in query order: to-one attributes keep the first. */
const assign = (owners: Map<unknown, Entry>, name: string, many: boolean, owner: unknown, value: unknown) => {
  const entry = owners.get(owner);
  if (!entry) return;
  if (many) (entry[name] as unknown[]).push(value);
  else if (entry[name] === null) entry[name] = value;
};

const pick = (row: Row, columns: ColumnPlan[]): Entry => {
  const value: Entry = {};
  for (const c of columns) value[c.attribute] = fromDatabase(c.type, row[c.attribute]);
  return value;
};

export interface QueryBuilderLike {
  init(params: Record<string, unknown>): QueryBuilderLike;
  execute<T>(): Promise<T>;
}

export interface LeanContext {
  knex: (table: string) => Knex.QueryBuilder;
  /** Rows of a component table by id, converted by Strapi's query layer (as its populate reads them). */
  componentRows: (uid: string, select: string[], ids: unknown[]) => Promise<Entry[]>;
  /** The target version a relation populates: draft (publishedAt null) or published. */
  status: EntryStatus;
}

const OWNER = '__dmc_owner';
const CHILD = '__dmc_child';
const TYPE = '__dmc_type';

const applyOn = (query: Knex.QueryBuilder, alias: string, on: Record<string, string | number>) => {
  for (const [column, value] of Object.entries(on)) query.where(`${alias}.${column}`, value);
  return query;
};

const readRelation = async (context: LeanContext, plan: RelationPlan, ids: unknown[], owners: Map<unknown, Entry>) => {
  for (const part of chunks(ids)) {
    const query = context
      .knex(`${plan.link} as l`)
      .join(`${plan.targetTable} as t`, `t.${plan.targetKey}`, `l.${plan.inverse}`)
      .select([`l.${plan.owner} as ${OWNER}`, ...plan.columns.map((c) => `t.${c.column} as ${c.attribute}`)])
      .whereIn(`l.${plan.owner}`, part as Id[]);
    applyOn(query, 'l', plan.on);
    if (plan.publishedAt) {
      if (context.status === 'published') query.whereNotNull(`t.${plan.publishedAt}`);
      else query.whereNull(`t.${plan.publishedAt}`);
    }
    if (plan.order) query.orderBy(`l.${plan.order}`, 'asc');
    query.orderBy('l.id', 'asc');
    for (const row of (await query) as Row[]) assign(owners, plan.name, plan.many, row[OWNER], pick(row, plan.columns));
  }
};

const readMedia = async (context: LeanContext, plan: MediaPlan, ids: unknown[], owners: Map<unknown, Entry>) => {
  for (const part of chunks(ids)) {
    const query = context
      .knex(`${plan.link} as m`)
      .join(`${plan.filesTable} as f`, `f.${plan.fileKey}`, `m.${plan.file}`)
      .select([`m.${plan.owner} as ${OWNER}`, ...plan.columns.map((c) => `f.${c.column} as ${c.attribute}`)])
      .whereIn(`m.${plan.owner}`, part as Id[])
      .where(`m.${plan.ownerType}`, plan.ownerUid);
    applyOn(query, 'm', plan.on);
    if (plan.order) query.orderBy(`m.${plan.order}`, 'asc');
    query.orderBy('m.id', 'asc');
    for (const row of (await query) as Row[]) assign(owners, plan.name, plan.many, row[OWNER], pick(row, plan.columns));
  }
};

/**
 * The components and dynamic zones of the owners: ONE query over their `_cmps` join table for every such attribute
 * (split by its `field` here: filtered by `field` in SQL, SQLite picks the join table's low-selectivity `field`
 * index over `entity_id` and scans), in order; then each component table once (bounded IN lists).
 */
const readComponents = async (
  context: LeanContext,
  plans: ComponentPlan[],
  ids: unknown[],
  owners: Map<unknown, Entry>
) => {
  const [{ link, owner, child }] = plans;
  const conditions = [...new Set(plans.flatMap((p) => Object.keys(p.on)))];
  const typeColumn = plans.find((p) => p.typeColumn)?.typeColumn ?? null;
  const order = plans.find((p) => p.order)?.order ?? null;
  /** The plan a `_cmps` row belongs to: the one whose conditions (`field`) it meets. */
  const planOf = (row: Row) =>
    plans.find((p) => Object.entries(p.on).every(([column, value]) => row[column] === value));
  const links: Array<{ plan: ComponentPlan; row: Row; type: string }> = [];
  for (const part of chunks(ids)) {
    const query = context
      .knex(`${link} as c`)
      .select([
        `c.${owner} as ${OWNER}`,
        `c.${child} as ${CHILD}`,
        ...(typeColumn ? [`c.${typeColumn} as ${TYPE}`] : []),
        ...conditions.map((column) => `c.${column}`),
      ])
      .whereIn(`c.${owner}`, part as Id[]);
    if (order) query.orderBy(`c.${order}`, 'asc');
    query.orderBy('c.id', 'asc');
    for (const row of (await query) as Row[]) {
      const plan = planOf(row);
      const type = plan && (plan.zone ? (row[TYPE] as string) : Object.keys(plan.components)[0]);
      // A dynamic zone entry of a component the zone no longer lists is not populated (Strapi's `on`), nor is a
      // link without its component.
      if (plan && type && row[CHILD] && plan.components[type]) links.push({ plan, row, type });
    }
  }
  const byType = new Map<string, { plan: ModelPlan; ids: Set<unknown> }>();
  for (const { plan, row, type } of links) {
    const key = `${plan.name}\0${type}`;
    if (!byType.has(key)) byType.set(key, { plan: plan.components[type], ids: new Set() });
    byType.get(key)?.ids.add(row[CHILD]);
  }
  const found = new Map<string, Map<unknown, Entry>>();
  for (const [key, { plan, ids: childIds }] of byType) {
    const rows = await readModel(context, plan, [...childIds]);
    found.set(key, new Map(rows.map((row) => [row.id, row])));
  }
  for (const { plan, row, type } of links) {
    const component = found.get(`${plan.name}\0${type}`)?.get(row[CHILD]);
    if (component)
      assign(owners, plan.name, plan.many, row[OWNER], plan.zone ? { ...component, __component: type } : component);
  }
};

/** Populates the joined attributes of rows (the exported type's page, or component rows), in place. */
export const populateRows = async (context: LeanContext, plan: ModelPlan, rows: Entry[]): Promise<void> => {
  if (rows.length === 0 || plan.joined.length === 0) return;
  const owners = new Map<unknown, Entry>(rows.map((row) => [row.id, row]));
  const ids = [...owners.keys()];
  const components = new Map<string, ComponentPlan[]>();
  for (const attribute of plan.joined) {
    for (const row of rows) row[attribute.name] = emptyValue(attribute.many);
    if (attribute.kind === 'relation') await readRelation(context, attribute, ids, owners);
    else if (attribute.kind === 'media') await readMedia(context, attribute, ids, owners);
    else {
      const key = `${attribute.link}\0${attribute.owner}\0${attribute.child}`;
      components.set(key, [...(components.get(key) ?? []), attribute]);
    }
  }
  for (const plans of components.values()) await readComponents(context, plans, ids, owners);
};

/** Component rows by id, with their own joined attributes. */
const readModel = async (context: LeanContext, plan: ModelPlan, ids: unknown[]): Promise<Entry[]> => {
  const rows: Entry[] = [];
  for (const part of chunks(ids)) rows.push(...(await context.componentRows(plan.uid, ['id', ...plan.scalars], part)));
  await populateRows(context, plan, rows);
  return rows;
};

/* ------------------------------------------------------------------------------------------------------------
 * The two readers
 * ---------------------------------------------------------------------------------------------------------- */
