import { SYSTEM_ATTRIBUTES, type AttributeSchema, type ModelSchema } from '../../../../schema/model-schema';
import type { ModelMeta } from '../../../../schema/model-metadata';

/**
 * The bulk writer's plan of a content type, worked out once per task from Strapi's definitions and database
 * metadata: for each attribute, how the bulk path writes it (a column, a relation's join table, media links,
 * component copies) or why it cannot ("unsupported", with the reason `route` reports); what stops every item or
 * every update of the type from the bulk path; and which attributes an update that publishes must set for its
 * validity to be certain. Pure: the caller passes the lookups (no Strapi instance), so it is unit-tested on
 * hand-written models.
 */

/** The column Strapi names the component type in a `_cmps` join table (its own constant, not in the metadata). */
export const COMPONENT_TYPE_COLUMN = 'component_type';

export type RelationPlan = {
  kind: 'relation';
  target: string;
  table: string;
  joinColumn: string;
  inverseJoinColumn: string;
  orderColumn: string | null;
  inverseOrderColumn: string | null;
  targetTable: string;
  targetLocalized: boolean;
  /**
   * The target has draft & publish: a draft links to the target's draft, a published version to the target's
   * published version, or to nothing when the target has none (as the Document Service links them).
   */
  targetDraftAndPublish: boolean;
  /**
   * A many-to-many relation owning a two-sided relation to a draft & publish type: a version published for the first
   * time keeps its draft's order of each target (the Document Service's publish puts the draft's numbers back, with
   * a gap where a target has no published version); otherwise the published version's targets are numbered 1..n.
   */
  keepsDraftOrder: boolean;
  /**
   * A two-sided one-to-one or one-to-many relation: linking a target takes it from the documents that held it (their
   * links to it deleted, every version's), as Strapi's `deletePreviousOneToAnyRelations` does (see `takeTargets`).
   */
  takesTarget: boolean;
  /**
   * A relation of a draft & publish type to itself: written in bulk for drafts only. A publish re-links it in ways
   * of its own (Strapi's `self-referential-relations`: links other documents' drafts hold to the document published
   * are copied to their published versions), so an item that publishes one, or publishes a document holding or
   * targeted by one, goes through the Document Service.
   */
  draftsOnly: boolean;
};
export type MediaPlan = { kind: 'media'; table: string; fileColumn: string; idColumn: string; typeColumn: string };
export type ComponentPlan = {
  kind: 'components';
  /** A dynamic zone (ordered, `__component` per entry) or a single component. */
  zone: boolean;
  table: string;
  joinColumn: string;
  idColumn: string;
  field: string;
  orderColumn: string;
  /** A repeatable component: its entries are linked in order (1..n), as a dynamic zone's. */
  repeatable: boolean;
  /**
   * How each component this field (or a component inside it) can hold is written, by component uid: scalars in
   * its row, relations (to types without draft & publish) in its link tables, media in `files_related_mph`,
   * components inside it through its own `_cmps` table.
   */
  models: Map<string, Map<string, AttributePlan>>;
};
export type AttributePlan =
  | { kind: 'scalar' }
  | RelationPlan
  | MediaPlan
  | ComponentPlan
  | { kind: 'unsupported'; reason: string };

export interface BulkPlanInput {
  uid: string;
  /** Content types and components by uid. */
  schemaOf: (uid: string) => ModelSchema | undefined;
  /** Database metadata (tables, columns, join tables) by uid. */
  metaOf: (uid: string) => ModelMeta | undefined;
  /** i18n's non-localized attributes of the type: an update copies them to every locale (the Document Service's job). */
  nonLocalizedAttributes: string[];
}

export const isEmptyValue = (value: unknown) =>
  value === undefined || value === null || (Array.isArray(value) && value.length === 0);

const hasDraftAndPublish = (schema: { options?: { draftAndPublish?: boolean } } | undefined) =>
  schema?.options?.draftAndPublish === true;

const RELATIONS_WRITTEN = ['manyToOne', 'manyToMany', 'oneWay', 'manyWay'];
/**
 * One-to-one and one-to-many relations: one-sided ones are written as `oneWay` and `manyWay` are (Strapi takes no
 * target from another entry); two-sided ones take their targets from the documents that held them, to a type
 * without draft & publish only (to one with it, the Document Service's publish re-links the target's versions).
 */
const RELATIONS_TAKING = ['oneToOne', 'oneToMany'];

/**
 * Attribute types whose stored draft value certainly passes the rules of a published entry, unless the attribute
 * has one of the rules Strapi checks for published entries only (required, minLength, min, regex, unique, email and
 * uid formats, the bounds of repeatable components and dynamic zones), in components too.
 */
const STORED_TYPES = new Set([
  'string',
  'text',
  'richtext',
  'enumeration',
  'integer',
  'float',
  'decimal',
  'biginteger',
  'boolean',
  'date',
  'time',
  'datetime',
  'timestamp',
  'json',
  'blocks',
  'password',
  'relation',
  'media',
  'component',
  'dynamiczone',
]);

const planRelation = (
  input: BulkPlanInput,
  owner: { draftAndPublish: boolean },
  attribute: AttributeSchema,
  meta: ModelMeta['attributes'][string] | undefined
): AttributePlan => {
  const join = meta?.joinTable;
  const target = attribute.target ?? '';
  if (!join?.inverseJoinColumn)
    return { kind: 'unsupported', reason: 'a relation kept in a column or a morph relation' };
  const twoSided = Boolean(attribute.inversedBy || attribute.mappedBy);
  const takesTarget = RELATIONS_TAKING.includes(attribute.relation ?? '') && twoSided;
  if (!RELATIONS_WRITTEN.includes(attribute.relation ?? '') && !RELATIONS_TAKING.includes(attribute.relation ?? '')) {
    return { kind: 'unsupported', reason: `a ${attribute.relation} relation` };
  }
  const targetSchema = input.schemaOf(target);
  const targetMeta = input.metaOf(target);
  if (!targetSchema || !targetMeta) return { kind: 'unsupported', reason: `an unknown target ${target}` };
  const targetDraftAndPublish = hasDraftAndPublish(targetSchema);
  if (takesTarget && targetDraftAndPublish)
    return { kind: 'unsupported', reason: `a ${attribute.relation} relation to a draft & publish type takes its target from another entry` };
  // To a draft & publish type: between two draft & publish types; to itself for drafts only (`draftsOnly`).
  if (targetDraftAndPublish && !owner.draftAndPublish)
    return { kind: 'unsupported', reason: 'a relation to a draft & publish type' };
  return {
    kind: 'relation',
    target,
    table: join.name,
    joinColumn: join.joinColumn.name,
    inverseJoinColumn: join.inverseJoinColumn.name,
    orderColumn: join.orderColumnName ?? null,
    inverseOrderColumn: join.inverseOrderColumnName ?? null,
    targetTable: targetMeta.tableName,
    targetLocalized: targetSchema.pluginOptions?.i18n?.localized === true,
    targetDraftAndPublish,
    keepsDraftOrder: targetDraftAndPublish && attribute.relation === 'manyToMany' && Boolean(attribute.inversedBy),
    takesTarget,
    draftsOnly: targetDraftAndPublish && target === input.uid,
  };
};

const planMedia = (input: BulkPlanInput): AttributePlan => {
  const join = input.metaOf('plugin::upload.file')?.attributes.related?.joinTable;
  if (!join?.morphColumn) return { kind: 'unsupported', reason: 'media' };
  return {
    kind: 'media',
    table: join.name,
    fileColumn: join.joinColumn.name,
    idColumn: join.morphColumn.idColumn.name,
    typeColumn: join.morphColumn.typeColumn.name,
  };
};

const planComponents = (
  input: BulkPlanInput,
  name: string,
  attribute: AttributeSchema,
  meta: ModelMeta['attributes'][string] | undefined,
  models: Map<string, Map<string, AttributePlan>> = new Map(),
  depth = 0
): AttributePlan => {
  const join = meta?.joinTable;
  const zone = attribute.type === 'dynamiczone';
  const components = zone ? attribute.components ?? [] : [attribute.component ?? ''];
  if (depth > 8) return { kind: 'unsupported', reason: 'components nested too deep' };
  /**
   * A component the bulk path can write as the Document Service's `createComponent` writes it: scalars, relations
   * to types without draft & publish (a component's relation to a draft & publish type is re-linked by the Document
   * Service's publish in ways of its own) without a target-side order, media, and components inside it that are
   * writable too. Returns why not, or null.
   */
  const blockerOfComponent = (componentUid: string): string | null => {
    if (models.has(componentUid)) return null;
    const component = input.schemaOf(componentUid);
    const componentMeta = input.metaOf(componentUid);
    if (!component || !componentMeta) return `an unknown component ${componentUid}`;
    const plans = new Map<string, AttributePlan>();
    models.set(componentUid, plans);
    for (const [inner, innerAttribute] of Object.entries(component.attributes)) {
      const innerMeta = componentMeta.attributes[inner];
      let plan: AttributePlan;
      if (innerAttribute.type === 'relation') {
        plan = planRelation(input, { draftAndPublish: false }, innerAttribute, innerMeta);
        if (plan.kind === 'relation' && plan.inverseOrderColumn)
          plan = { kind: 'unsupported', reason: 'a two-sided relation' };
      } else if (innerAttribute.type === 'media') plan = planMedia(input);
      else if (innerAttribute.type === 'component' || innerAttribute.type === 'dynamiczone')
        plan = planComponents(input, inner, innerAttribute, innerMeta, models, depth + 1);
      else plan = { kind: 'scalar' };
      if (plan.kind === 'unsupported') {
        models.delete(componentUid);
        return plan.reason.startsWith('a component') ? plan.reason : `a component with ${plan.reason}`;
      }
      plans.set(inner, plan);
    }
    if (![...plans.values()].some((plan) => plan.kind === 'scalar')) {
      models.delete(componentUid);
      return 'a component without scalar attributes';
    }
    return null;
  };
  for (const componentUid of components) {
    const reason = blockerOfComponent(componentUid);
    if (reason) return { kind: 'unsupported', reason };
  }
  const idColumn = zone ? join?.morphColumn?.idColumn.name : join?.inverseJoinColumn?.name;
  if (!join || !idColumn) return { kind: 'unsupported', reason: 'a component without a join table' };
  return {
    kind: 'components',
    zone,
    table: join.name,
    joinColumn: join.joinColumn.name,
    idColumn,
    field: String(join.on?.field ?? name),
    orderColumn: join.orderColumnName ?? 'order',
    repeatable: !zone && attribute.repeatable === true,
    models,
  };
};

/** How the bulk path writes one attribute of the type, or why it cannot. */
const planAttribute = (
  input: BulkPlanInput,
  owner: { draftAndPublish: boolean; metadata: ModelMeta },
  name: string,
  attribute: AttributeSchema
): AttributePlan => {
  if (SYSTEM_ATTRIBUTES.has(name)) return { kind: 'scalar' };
  const meta = owner.metadata.attributes[name];
  switch (attribute.type) {
    case 'relation':
      return planRelation(input, owner, attribute, meta);
    case 'media':
      return planMedia(input);
    case 'component':
    case 'dynamiczone':
      return planComponents(input, name, attribute, meta);
    case 'password':
      return { kind: 'unsupported', reason: 'a password' };
    default:
      return { kind: 'scalar' };
  }
};

/** Whether an attribute's stored value certainly passes the rules of a published entry (see STORED_TYPES). */
export const publishableAsStored = (
  attribute: AttributeSchema,
  schemaOf: (uid: string) => ModelSchema | undefined,
  depth = 0
): boolean => {
  if (depth > 8 || !STORED_TYPES.has(attribute.type)) return false;
  if (attribute.required || attribute.unique || attribute.minLength !== undefined || attribute.regex !== undefined)
    return false;
  if (attribute.min !== undefined) return false;
  if (attribute.type === 'component' || attribute.type === 'dynamiczone') {
    if (attribute.max !== undefined) return false;
    const uids = attribute.type === 'component' ? [attribute.component ?? ''] : attribute.components ?? [];
    return uids.every((componentUid) => {
      const component = schemaOf(componentUid);
      return (
        Boolean(component) &&
        Object.values(component!.attributes).every((inner) => publishableAsStored(inner, schemaOf, depth + 1))
      );
    });
  }
  return true;
};

/** The bulk writer's plan of `input.uid` (see the top of this file). */
export const planBulkWrites = (input: BulkPlanInput) => {
  const schema = input.schemaOf(input.uid);
  const metadata = input.metaOf(input.uid);
  if (!schema || !metadata) throw new Error(`${input.uid} is not a content type of this app`);
  const draftAndPublish = hasDraftAndPublish(schema);
  const localized = schema.pluginOptions?.i18n?.localized === true;
  const owner = { draftAndPublish, metadata };
  const plans = new Map(
    Object.entries(schema.attributes).map(([name, attribute]) => [name, planAttribute(input, owner, name, attribute)])
  );

  /** Strapi features the bulk path does not reproduce for any item of this type. */
  const typeBlocker =
    'firstPublishedAt' in schema.attributes ? 'firstPublishedAt' : !metadata.tableName ? 'no table' : null;
  /**
   * i18n's non-localized attributes: an update copies them to the document's other locales (its document middleware,
   * `syncNonLocalizedAttributes`). The bulk path reproduces it for scalars of types without draft & publish
   * (`syncLocales`); components, dynamic zones and media (replaced on every other locale) and draft & publish types
   * (a draft update syncs the other drafts, one that publishes the other published versions only) stay on the
   * Document Service.
   */
  const nonLocalized = localized ? input.nonLocalizedAttributes.filter((name) => name in schema.attributes) : [];
  const notScalar = nonLocalized.filter((name) => plans.get(name)?.kind !== 'scalar');
  const syncBlocker =
    notScalar.length > 0
      ? `non-localized ${notScalar.map((name) => schema.attributes[name].type).join(', ')} attributes` +
        ' (synced to every locale)'
      : nonLocalized.length > 0 && draftAndPublish
        ? 'non-localized attributes of a draft & publish type (synced to every locale)'
        : null;
  /** Why updates of this type cannot take the bulk path, or null. */
  const updateBlocker: string | null = typeBlocker ?? syncBlocker;
  /** The non-localized scalars the bulk path copies to the document's other locales, as i18n does (see above). */
  const syncedScalars = updateBlocker === null ? nonLocalized : [];
  /** Attributes an update that publishes must set (or hold a certain stored value in) for its validity to be certain. */
  const leftOutMustBeSet = Object.entries(schema.attributes)
    .filter(([name, attribute]) => !SYSTEM_ATTRIBUTES.has(name) && !publishableAsStored(attribute, input.schemaOf))
    .map(([name]) => name);

  return {
    schema,
    metadata,
    draftAndPublish,
    localized,
    plans,
    typeBlocker,
    updateBlocker,
    syncedScalars,
    leftOutMustBeSet,
    /**
     * Why this item cannot take the bulk path (an attribute it sets is unsupported), or null. `publishes`: the item
     * writes a published version (a self relation of a draft & publish type is written in bulk for drafts only).
     */
    blockerOf(data: Record<string, unknown>, publishes = false): string | null {
      if (typeBlocker) return typeBlocker;
      for (const [name, value] of Object.entries(data)) {
        const plan = plans.get(name);
        if (!plan) return `unknown attribute ${name}`;
        if (plan.kind === 'unsupported' && !isEmptyValue(value)) return plan.reason;
        if (plan.kind === 'relation' && plan.draftsOnly && publishes && !isEmptyValue(value))
          return 'a self relation of a draft & publish type, published';
      }
      return null;
    },
    /** The item's attributes the Document Service's validator checks (scalars and components); the rest is links. */
    splitData(data: Record<string, unknown>) {
      const values: Record<string, unknown> = {};
      const links: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(data)) {
        const kind = plans.get(name)?.kind;
        if (kind === 'relation' || kind === 'media') links[name] = value;
        else values[name] = value;
      }
      return { values, links };
    },
  };
};

export type BulkPlan = ReturnType<typeof planBulkWrites>;
