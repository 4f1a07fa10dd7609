import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import type { ColumnMeta, JoinTableMeta, ModelMeta } from '../../schema/model-metadata';

/**
 * The export's plan, worked out once per task: which attributes a page populates (the Document Service reader) and,
 * for the lean reader, which tables, columns and link tables each attribute is read from (from Strapi's database
 * metadata, never from naming conventions). read.ts says how the plan is run.
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
export interface ColumnPlan {
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
