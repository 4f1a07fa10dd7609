import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { EntryStatus } from '../../../../shared/contracts';
import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import { chunks } from '../sql/in-lists';
import { modelMeta, type ColumnMeta, type JoinTableMeta, type ModelMeta } from '../../schema/model-metadata';

/**
 * The export's read path: pages of entries (one page in memory), each entry shaped as the Document Service returns
 * it with the export's populate (relations as objects with `documentId` and the relationsAs key, media as
 * `{ id, url, hash }`, components as objects, dynamic zones as arrays with `__component`), so that the export's
 * value writers write the same file from either reader. Two readers:
 *
 * - **lean** (the default): per page, the main rows through `strapi.db.query(uid).findMany` with only the columns
 *   the file needs and the where the Document Service builds (its status and locale lookups, then the filters,
 *   status and sort through Strapi's own `query-params` transformation), so that Strapi's field types convert the
 *   values and the main rows' database lifecycles run as they do for the Document Service. Then ONE query per
 *   relation attribute (its link table joined to the target, in the link's order), ONE over the `_cmps` table for
 *   all the components and dynamic zones plus one per component table (recursively for nested components), ONE
 *   per media attribute (`files_related_mph` joined to `files`). Never a query per entry; IN lists of at most 500
 *   values. The rows, the order and the target versions are those of `@strapi/database`'s populate
 *   (query/helpers/populate/apply.js): the target's draft rows for a draft export of a draft & publish target,
 *   its published rows for a published one (types without draft & publish export as drafts, as the Document
 *   Service defaults to), whatever rows the link table names otherwise; a localized entry's links name its own
 *   locale's versions (Strapi adds no locale condition either). Ties in a link's order are broken by the link's id.
 * - **document service**: `strapi.documents(uid).findMany({ populate })` per page, for types with something the
 *   lean reader does not cover (morph relations, relations kept in a column, media signed by a private upload
 *   provider...), or for every type when the `leanExports` setting is false.
 *
 * Table and column names come from `strapi.db.metadata` (join tables: name, joinColumn, inverseJoinColumn,
 * orderBy, on, morphColumn), never from naming conventions.
 */

export type Entry = Record<string, unknown>;
export type ReadPath = 'lean' | 'document-service';

export interface ExportShape {
  schemaOf: (uid: string) => ModelSchema | undefined;
  isOffered: (attribute: AttributeSchema, name: string) => boolean;
  /** The key written for a reference to `target`: relationsAs when the target has it as a unique key. */
  keyFor: (target: string) => string;
  /**
   * Whether a field path (`seo.metaTitle`) may be written, for a user whose read permission lists fields (absent:
   * every field). Component fields the user may not read are left out of each component.
   */
  permits?: (path: string) => boolean;
}

/** What is read: the same for both readers. */
export interface ReadRequest {
  uid: string;
  /** The exported attributes, in schema order. */
  fields: Array<[string, AttributeSchema]>;
  localized: boolean;
  draftAndPublish: boolean;
  /** The export's status option (null: the Document Service's default, draft). */
  status: EntryStatus | null;
  /** A locale code, `all`, or null (the default locale). */
  locale: string | null;
  filters: Record<string, unknown> | null;
  sort: string[] | null;
  includeTimestamps: boolean;
  pageSize: number;
}

export interface PageReader {
  path: ReadPath;
  /** Why the Document Service reads this export, when it does. */
  reason: string | null;
  pages(signal: AbortSignal): AsyncGenerator<Entry[]>;
}

const TO_MANY = /ToMany$|^manyWay$/;
const FILE_UID = 'plugin::upload.file';

/* ------------------------------------------------------------------------------------------------------------
 * What a page populates (the Document Service reader) and which attributes of a component are written
 * ---------------------------------------------------------------------------------------------------------- */

/** Attributes of a component written in an export: every non-private one, in schema order. */
export const componentFields = (schema: ModelSchema): Array<[string, AttributeSchema]> =>
  Object.entries(schema.attributes).filter(([, a]) => !a.private && a.type !== 'password');

/** The populate a page needs: keys of relations, url/hash of media, components and dynamic zones deep. */
export const populateFor = (shape: ExportShape, fields: Array<[string, AttributeSchema]>): Record<string, unknown> => {
  const populate: Record<string, unknown> = {};
  for (const [name, attribute] of fields) {
    switch (attribute.type) {
      case 'relation':
        populate[name] = { fields: [...new Set(['documentId', shape.keyFor(attribute.target as string)])] };
        break;
      case 'media':
        populate[name] = { fields: ['url', 'hash'] };
        break;
      case 'component': {
        const nested = populateFor(
          shape,
          componentFields(shape.schemaOf(attribute.component as string) as ModelSchema)
        );
        populate[name] = Object.keys(nested).length ? { populate: nested } : true;
        break;
      }
      case 'dynamiczone': {
        const on: Record<string, unknown> = {};
        for (const uid of attribute.components ?? []) {
          const nested = populateFor(shape, componentFields(shape.schemaOf(uid) as ModelSchema));
          on[uid] = Object.keys(nested).length ? { populate: nested } : true;
        }
        populate[name] = { on };
        break;
      }
      default:
    }
  }
  return populate;
};

/* ------------------------------------------------------------------------------------------------------------
 * The lean reader's plan: worked out once per task from Strapi's database metadata
 * ---------------------------------------------------------------------------------------------------------- */

/** A column read from a joined table, and the attribute (and type) it is read as. */
interface ColumnPlan {
  attribute: string;
  column: string;
  type: string;
}

/** A relation: its link table joined to the target table, in the link's order. */
export interface RelationPlan {
  kind: 'relation';
  name: string;
  many: boolean;
  link: string;
  /** The link's column naming the owner (its `id`), and the one naming the target. */
  owner: string;
  inverse: string;
  targetTable: string;
  /** The target's column the inverse column names (`id`). */
  targetKey: string;
  /** Extra equality conditions on the link rows (`joinTable.on`). */
  on: Record<string, string | number>;
  /** The link's order column (to-many relations), then its id. */
  order: string | null;
  /** `documentId` and the relationsAs key, when it is another attribute: what `exportValue` writes of a target. */
  columns: ColumnPlan[];
  /** The target's publishedAt column when the target has draft & publish: the export's status picks the version. */
  publishedAt: string | null;
}

/** A media attribute: `files_related_mph` joined to `files`, in order. */
export interface MediaPlan {
  kind: 'media';
  name: string;
  many: boolean;
  link: string;
  /** The morph columns: the owner's id and type (`related_id`, `related_type`), and the file's (`file_id`). */
  owner: string;
  ownerType: string;
  /** The owner's uid, as the morph type column holds it. */
  ownerUid: string;
  file: string;
  filesTable: string;
  fileKey: string;
  on: Record<string, string | number>;
  order: string | null;
  columns: ColumnPlan[];
}

/** A component or a dynamic zone: the owner's `_cmps` rows for the attribute, then each component table. */
export interface ComponentPlan {
  kind: 'component';
  name: string;
  /** A repeatable component or a dynamic zone: a list. */
  many: boolean;
  /** A dynamic zone: each entry says its component (`component_type`). */
  zone: boolean;
  link: string;
  owner: string;
  child: string;
  /** The dynamic zone's column naming each entry's component. */
  typeColumn: string | null;
  on: Record<string, string | number>;
  order: string | null;
  /** The components that can appear (one for a component attribute), and how each is read. */
  components: Record<string, ModelPlan>;
}

export type AttributePlan = RelationPlan | MediaPlan | ComponentPlan;

/** How the rows of one model (the exported type, or a component) are read. */
export interface ModelPlan {
  uid: string;
  /** The attributes selected from the model's own table (scalars; `id` and system fields added by the reader). */
  scalars: string[];
  /** The attributes read with their own query per page. */
  joined: AttributePlan[];
}

export interface PlanContext {
  metadataOf: (uid: string) => ModelMeta | undefined;
  schemaOf: (uid: string) => ModelSchema | undefined;
  keyFor: (target: string) => string;
}

/** Thrown while planning: what the lean reader does not cover, so the Document Service reads the type. */
class Unsupported extends Error {}

const unsupported = (message: string): never => {
  throw new Unsupported(message);
};

const columnOf = (meta: ModelMeta, attribute: string): string => {
  const found = meta.attributes[attribute];
  if (!found) return unsupported(`${meta.uid} has no column for "${attribute}"`);
  return found.columnName ?? attribute;
};

/** `joinTable.on`, as equality conditions: anything else is not something the lean reader knows how to apply. */
const equalities = (on: Record<string, unknown> | undefined, where: string): Record<string, string | number> => {
  const result: Record<string, string | number> = {};
  for (const [column, value] of Object.entries(on ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number')
      unsupported(`${where}: a join condition on "${column}" that is not a value`);
    result[column] = value as string | number;
  }
  return result;
};

/** The join table's order column: `orderBy` names it (one ascending column), as Strapi's populate orders by it. */
const orderOf = (joinTable: JoinTableMeta, where: string): string | null => {
  const entries = Object.entries(joinTable.orderBy ?? {});
  if (entries.length === 0) return null;
  if (entries.length > 1 || entries[0][1] !== 'asc')
    unsupported(`${where}: a join table ordered otherwise than by one ascending column`);
  return entries[0][0];
};

const planRelation = (
  context: PlanContext,
  owner: ModelMeta,
  name: string,
  attribute: AttributeSchema
): RelationPlan => {
  const where = `${owner.uid}.${name}`;
  const meta = owner.attributes[name];
  const target = attribute.target as string;
  const relation = meta?.relation ?? '';
  if (!['oneToOne', 'manyToOne', 'oneToMany', 'manyToMany'].includes(relation))
    unsupported(`${where} is a ${relation || 'polymorphic'} relation`);
  const joinTable = meta.joinTable;
  if (!joinTable || meta.joinColumn || meta.morphColumn) unsupported(`${where} is kept in a column, not a link table`);
  const { joinColumn, inverseJoinColumn } = joinTable as JoinTableMeta;
  if (!inverseJoinColumn || joinTable?.morphColumn)
    unsupported(`${where}: a link table without an inverse join column`);
  if ((joinColumn.referencedColumn ?? 'id') !== 'id')
    unsupported(`${where}: a link table that does not name the owner's id`);
  const many = /^(oneToMany|manyToMany)$/.test(relation);
  if (many !== TO_MANY.test(attribute.relation ?? ''))
    unsupported(`${where}: the schema and the database disagree on to-one / to-many`);
  const targetMeta = context.metadataOf(target);
  const targetSchema = context.schemaOf(target);
  if (!targetMeta || !targetSchema) return unsupported(`${where}: unknown target ${target}`);
  const key = context.keyFor(target);
  const columns: ColumnPlan[] = [...new Set(['documentId', key])].map((a) => ({
    attribute: a,
    column: columnOf(targetMeta, a),
    type: a === 'documentId' ? 'string' : targetSchema.attributes[a]?.type ?? 'string',
  }));
  return {
    kind: 'relation',
    name,
    many,
    link: (joinTable as JoinTableMeta).name,
    owner: joinColumn.name,
    inverse: (inverseJoinColumn as ColumnMeta).name,
    targetTable: targetMeta.tableName,
    targetKey: (inverseJoinColumn as ColumnMeta).referencedColumn ?? 'id',
    on: equalities(joinTable?.on, where),
    order: orderOf(joinTable as JoinTableMeta, where),
    columns,
    publishedAt: targetSchema.options?.draftAndPublish ? columnOf(targetMeta, 'publishedAt') : null,
  };
};

const planMedia = (context: PlanContext, owner: ModelMeta, name: string, attribute: AttributeSchema): MediaPlan => {
  const where = `${owner.uid}.${name}`;
  const meta = owner.attributes[name];
  if (meta?.relation !== (attribute.multiple ? 'morphMany' : 'morphOne') || meta.target !== FILE_UID || !meta.morphBy) {
    unsupported(`${where}: a media attribute not kept as Strapi keeps media`);
  }
  const files = context.metadataOf(FILE_UID);
  const related = files?.attributes[meta.morphBy as string];
  const joinTable = related?.joinTable;
  if (!files || related?.relation !== 'morphToMany' || !joinTable?.morphColumn)
    return unsupported(`${where}: the media library's links are not a morph join table`);
  const { idColumn, typeColumn } = joinTable.morphColumn;
  if ((idColumn.referencedColumn ?? 'id') !== 'id')
    unsupported(`${where}: media links that do not name the owner's id`);
  return {
    kind: 'media',
    name,
    many: attribute.multiple === true,
    link: joinTable.name,
    owner: idColumn.name,
    ownerType: typeColumn.name,
    ownerUid: owner.uid,
    file: joinTable.joinColumn.name,
    filesTable: files.tableName,
    fileKey: joinTable.joinColumn.referencedColumn ?? 'id',
    // Strapi's populate adds the attribute's name as `field` to the join table's own conditions.
    on: { ...equalities(joinTable.on, where), field: name },
    order: orderOf(joinTable, where),
    columns: [
      { attribute: 'id', column: columnOf(files, 'id'), type: 'increments' },
      { attribute: 'url', column: columnOf(files, 'url'), type: 'string' },
      { attribute: 'hash', column: columnOf(files, 'hash'), type: 'string' },
    ],
  };
};

const MAX_DEPTH = 10;

const planComponents = (
  context: PlanContext,
  owner: ModelMeta,
  name: string,
  attribute: AttributeSchema,
  depth: number
): ComponentPlan => {
  const where = `${owner.uid}.${name}`;
  const meta = owner.attributes[name];
  const joinTable = meta?.joinTable;
  const zone = attribute.type === 'dynamiczone';
  const uids = zone ? attribute.components ?? [] : [attribute.component as string];
  const expected = zone ? 'morphToMany' : attribute.repeatable ? 'oneToMany' : 'oneToOne';
  if (meta?.relation !== expected || !joinTable)
    return unsupported(`${where}: a ${attribute.type} not kept in a _cmps join table`);
  const child = zone ? joinTable.morphColumn?.idColumn : joinTable.inverseJoinColumn;
  if (!child || (joinTable.joinColumn.referencedColumn ?? 'id') !== 'id' || (child.referencedColumn ?? 'id') !== 'id') {
    unsupported(`${where}: a _cmps join table that does not name ids`);
  }
  const components: Record<string, ModelPlan> = {};
  for (const uid of uids)
    components[uid] = planModel(
      context,
      uid,
      componentFields(context.schemaOf(uid) ?? unsupported(`${where}: unknown component ${uid}`)),
      depth + 1
    );
  return {
    kind: 'component',
    name,
    many: zone || attribute.repeatable === true,
    zone,
    link: joinTable.name,
    owner: joinTable.joinColumn.name,
    child: (child as ColumnMeta).name,
    typeColumn: zone ? (joinTable.morphColumn as { typeColumn: { name: string } }).typeColumn.name : null,
    on: equalities(joinTable.on, where),
    order: orderOf(joinTable, where),
    components,
  };
};

const planModel = (
  context: PlanContext,
  uid: string,
  fields: Array<[string, AttributeSchema]>,
  depth: number
): ModelPlan => {
  if (depth > MAX_DEPTH) unsupported(`components nested deeper than ${MAX_DEPTH} levels`);
  const meta = context.metadataOf(uid) ?? unsupported(`${uid} has no database metadata`);
  const plan: ModelPlan = { uid, scalars: [], joined: [] };
  for (const [name, attribute] of fields) {
    switch (attribute.type) {
      case 'relation':
        plan.joined.push(planRelation(context, meta, name, attribute));
        break;
      case 'media':
        plan.joined.push(planMedia(context, meta, name, attribute));
        break;
      case 'component':
      case 'dynamiczone':
        plan.joined.push(planComponents(context, meta, name, attribute, depth));
        break;
      default:
        columnOf(meta, name);
        plan.scalars.push(name);
    }
  }
  return plan;
};

/** The lean reader's plan for the exported attributes of `uid`, or why the Document Service must read them. */
export const planExport = (
  context: PlanContext,
  uid: string,
  fields: Array<[string, AttributeSchema]>
): { plan: ModelPlan } | { reason: string } => {
  try {
    return { plan: planModel(context, uid, fields, 0) };
  } catch (error) {
    if (error instanceof Unsupported) return { reason: error.message };
    throw error;
  }
};

/** Whether a plan reads media (a private upload provider signs media urls in the Document Service's answers). */
export const readsMedia = (plan: ModelPlan): boolean =>
  plan.joined.some(
    (a) => a.kind === 'media' || (a.kind === 'component' && Object.values(a.components).some(readsMedia))
  );

/* ------------------------------------------------------------------------------------------------------------
 * Running the plan: per page, one query per joined attribute (bounded IN lists)
 * ---------------------------------------------------------------------------------------------------------- */

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

interface QueryBuilderLike {
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

interface DocumentsReader {
  findMany(params: Record<string, unknown>): Promise<Entry[]>;
}

interface QueryParamsService {
  transform(
    uid: string,
    params: Record<string, unknown>
  ): { where?: Record<string, unknown>; filters?: unknown; orderBy?: unknown };
}

interface DbQuery {
  findMany(params: Record<string, unknown>): Promise<Entry[]>;
}

const tiebreakOf = (request: ReadRequest) =>
  request.localized ? ['documentId:asc', 'locale:asc'] : ['documentId:asc'];

/**
 * After the last entry of a page (keyset on documentId, then locale). `documentId >= last` first, so that the
 * database walks its documentId index from there (written as one `$or`, SQLite scanned the index from the start
 * on every page).
 */
export const after = (localized: boolean, last: Entry): Record<string, unknown> =>
  localized
    ? {
        $and: [
          { documentId: { $gte: last.documentId } },
          { $or: [{ documentId: { $gt: last.documentId } }, { locale: { $gt: last.locale } }] },
        ],
      }
    : { documentId: { $gt: last.documentId } };

/**
 * Pages of entries, keyset on (documentId, locale) by default, offsets when a custom sort is asked: `read` gets
 * the extra filter (after the last entry) or the offset, and returns a page.
 */
async function* paginate(
  request: ReadRequest,
  signal: AbortSignal,
  read: (page: { keyset: Record<string, unknown> | null; start: number }) => Promise<Entry[]>
): AsyncGenerator<Entry[]> {
  let last: Entry | null = null;
  for (let start = 0; ; start += request.pageSize) {
    signal.throwIfAborted();
    const page = await read({ keyset: !request.sort && last ? after(request.localized, last) : null, start });
    if (page.length === 0) return;
    yield page;
    last = page[page.length - 1];
    if (page.length < request.pageSize) return;
  }
}

/** Today's read: the Document Service with the export's populate, one page at a time. */
export const createDocumentServiceReader = (
  strapi: Core.Strapi,
  request: ReadRequest,
  shape: ExportShape,
  reason: string
): PageReader => {
  const documents = strapi.documents(request.uid as never) as unknown as DocumentsReader;
  const populate = populateFor(shape, request.fields);
  const base: Record<string, unknown> = {};
  if (request.localized) base.locale = request.locale === 'all' ? '*' : request.locale ?? undefined;
  if (request.draftAndPublish) base.status = request.status ?? 'draft';
  const tiebreak = tiebreakOf(request);
  return {
    path: 'document-service',
    reason,
    pages: (signal) =>
      paginate(request, signal, ({ keyset, start }) => {
        const filters = [request.filters, keyset].filter(Boolean);
        return documents.findMany({
          ...base,
          filters: filters.length ? { $and: filters } : undefined,
          sort: request.sort ? [...request.sort, ...tiebreak] : tiebreak,
          populate,
          ...(request.sort ? { start, limit: request.pageSize } : { limit: request.pageSize }),
        });
      }),
  };
};

/**
 * The lean reader: the main rows with the where the Document Service would build (its lookups for status and
 * locale, then `query-params`' transformation of the filters, status and sort, as `transformParamsToQuery` does),
 * then the plan's queries for the page.
 */
export const createLeanReader = async (
  strapi: Core.Strapi,
  request: ReadRequest,
  plan: ModelPlan
): Promise<PageReader> => {
  const status: EntryStatus = request.status ?? 'draft';
  const lookup: Record<string, unknown> = {};
  if (request.draftAndPublish) lookup.publishedAt = status === 'published' ? { $notNull: true } : { $null: true };
  if (request.localized && request.locale !== 'all') {
    lookup.locale = request.locale ?? ((await strapi.plugin('i18n').service('locales').getDefaultLocale()) as string);
  }
  const tiebreak = tiebreakOf(request);
  const query = (strapi.get('query-params') as QueryParamsService).transform(request.uid, {
    status,
    sort: request.sort ? [...request.sort, ...tiebreak] : tiebreak,
    ...(request.filters ? { filters: request.filters } : {}),
  });
  const where = { ...lookup, ...query.where };
  const select = [
    ...new Set([
      'id',
      'documentId',
      ...(request.localized ? ['locale'] : []),
      ...plan.scalars,
      ...(request.includeTimestamps
        ? ['createdAt', 'updatedAt', ...(request.draftAndPublish ? ['publishedAt'] : [])]
        : []),
    ]),
  ];
  const rows = strapi.db.query(request.uid as never) as unknown as DbQuery;
  const db = strapi.db as unknown as { entityManager: { createQueryBuilder(uid: string): QueryBuilderLike } };
  const context: LeanContext = {
    knex: (table) => strapi.db.getConnection(table),
    componentRows: (uid, columns, ids) =>
      db.entityManager
        .createQueryBuilder(uid)
        .init({ select: columns, where: { id: { $in: ids } } })
        .execute<Entry[]>(),
    status,
  };
  return {
    path: 'lean',
    reason: null,
    pages: async function* (signal) {
      const pages = paginate(request, signal, ({ keyset, start }) =>
        rows.findMany({
          select,
          where: keyset ? { $and: [where, keyset] } : where,
          filters: query.filters,
          orderBy: query.orderBy,
          limit: request.pageSize,
          ...(request.sort ? { offset: start } : {}),
        })
      );
      for await (const page of pages) {
        await populateRows(context, plan, page);
        yield page;
      }
    },
  };
};

/** The lean reader when it covers the type and `leanExports` is on; the Document Service otherwise. */
export const createPageReader = async (
  strapi: Core.Strapi,
  request: ReadRequest,
  shape: ExportShape,
  { lean }: { lean: boolean }
): Promise<PageReader> => {
  if (!lean) return createDocumentServiceReader(strapi, request, shape, 'leanExports is off');
  const planned = planExport(
    {
      metadataOf: (uid) =>
        strapi.db.metadata.has(uid as never)
          ? modelMeta(strapi, uid)
          : undefined,
      schemaOf: shape.schemaOf,
      keyFor: shape.keyFor,
    },
    request.uid,
    request.fields
  );
  if ('reason' in planned) return createDocumentServiceReader(strapi, request, shape, planned.reason);
  if (readsMedia(planned.plan)) {
    const provider = strapi.plugin('upload')?.provider as { isPrivate?: () => boolean | Promise<boolean> } | undefined;
    if (await provider?.isPrivate?.()) {
      return createDocumentServiceReader(
        strapi,
        request,
        shape,
        'the upload provider is private: the Document Service signs media urls'
      );
    }
  }
  return createLeanReader(strapi, request, planned.plan);
};
