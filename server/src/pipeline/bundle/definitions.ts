import { BundleError, canonicalJson } from './manifest';

/**
 * Definitions carried by a bundle (`schemas/<uid>.json`, written by the export's `bundleDefinitions`): read them
 * safely, compare them with the app's, and turn the differences into the Content-Type Builder's `update-schema`
 * input (the body its own admin sends). Pure: the app's definitions come in as a function.
 *
 * Applying is additive (docs/bundles.md, *Definitions*): types and components the app lacks are created; for those it
 * has, the bundle's attributes are added or changed and the app's other attributes are kept, like the entries'
 * import, which never wipes the target.
 */

type Attribute = Record<string, unknown> & { type: string };

export interface BundleDefinition {
  uid: string;
  modelType: 'contentType' | 'component';
  kind?: 'collectionType' | 'singleType';
  category?: string;
  schema: {
    collectionName?: string;
    info: { singularName?: string; pluralName?: string; displayName: string; description?: string; icon?: string };
    options?: Record<string, unknown>;
    pluginOptions?: Record<string, unknown>;
    attributes: Record<string, Attribute>;
  };
}

export type DefinitionAction = 'create' | 'update' | 'same' | 'skipped';

export interface DefinitionChange {
  uid: string;
  modelType: BundleDefinition['modelType'];
  action: DefinitionAction;
  /** Attributes the app lacks (all of them for a new type). */
  added: string[];
  /** Attributes the app has in another form (type, relation, rules). */
  changed: string[];
  /** Attributes the app has and the bundle does not: kept. */
  kept: string[];
  /** The type's options or plugin options (draft & publish, i18n) differ. */
  settingsChanged: boolean;
  /** Why a definition is skipped. */
  reason?: string;
}

export interface DefinitionsPlan {
  changes: DefinitionChange[];
  /** What makes the definitions impossible to apply here (a relation to a type neither the app nor the bundle has). */
  problems: string[];
}

const CONTENT_TYPE_UID = /^api::[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
const PLUGIN_TYPE_UID = /^(plugin|admin)::[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;
const COMPONENT_UID = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The bundle's `schemas/` entries, checked for the shape the export writes; anything else names its file and field. */
export const parseDefinitions = (raw: Record<string, unknown>): BundleDefinition[] =>
  Object.entries(raw)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([uid, value]) => {
      const where = `schemas/${uid}.json`;
      const fail = (message: string): never => {
        throw new BundleError(`${where}: ${message}`);
      };
      if (!isObject(value)) return fail('not a JSON object');
      if (value.uid !== uid) fail(`"uid" must be "${uid}"`);
      const modelType = value.modelType;
      if (modelType !== 'contentType' && modelType !== 'component') fail('"modelType" must be "contentType" or "component"');
      if (modelType === 'contentType' && !CONTENT_TYPE_UID.test(uid) && !PLUGIN_TYPE_UID.test(uid)) {
        fail('a content type uid is api::<name>.<name> (lower case letters, digits and -)');
      }
      if (modelType === 'component' && !COMPONENT_UID.test(uid)) fail('a component uid is <category>.<name> (lower case letters, digits and -)');
      if (modelType === 'contentType' && value.kind !== 'collectionType' && value.kind !== 'singleType') {
        fail('"kind" must be "collectionType" or "singleType"');
      }
      const schema = value.schema;
      if (!isObject(schema)) return fail('"schema" must be an object');
      if (!isObject(schema.info) || typeof schema.info.displayName !== 'string') fail('"schema.info.displayName" must be a string');
      for (const key of ['options', 'pluginOptions'] as const) {
        if (schema[key] !== undefined && !isObject(schema[key])) fail(`"schema.${key}" must be an object`);
      }
      if (!isObject(schema.attributes)) return fail('"schema.attributes" must be an object');
      for (const [name, attribute] of Object.entries(schema.attributes)) {
        if (!isObject(attribute) || typeof attribute.type !== 'string') fail(`attribute "${name}" must be an object with a "type"`);
      }
      return {
        uid,
        modelType: modelType as BundleDefinition['modelType'],
        ...(modelType === 'contentType' ? { kind: value.kind as BundleDefinition['kind'] } : {}),
        ...(modelType === 'component' ? { category: uid.split('.')[0] } : {}),
        schema: schema as unknown as BundleDefinition['schema'],
      };
    });

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

const settingsOf = (definition: BundleDefinition) => ({
  draftAndPublish: definition.schema.options?.draftAndPublish === true,
  pluginOptions: definition.schema.pluginOptions ?? {},
});

/** What applying the definitions would do, type by type, and what makes it impossible. */
export const planDefinitions = (
  definitions: BundleDefinition[],
  current: (uid: string) => BundleDefinition | undefined
): DefinitionsPlan => {
  const defined = new Set(definitions.map((definition) => definition.uid));
  const problems: string[] = [];
  const changes = definitions.map((definition): DefinitionChange => {
    const base = { uid: definition.uid, modelType: definition.modelType, added: [], changed: [], kept: [], settingsChanged: false };
    if (definition.modelType === 'contentType' && !CONTENT_TYPE_UID.test(definition.uid)) {
      return { ...base, action: 'skipped', reason: 'a plugin defines this content type; it is not created or changed from a bundle' };
    }
    for (const [name, attribute] of Object.entries(definition.schema.attributes)) {
      const targets = [
        ...(typeof attribute.target === 'string' ? [attribute.target] : []),
        ...(typeof attribute.component === 'string' ? [attribute.component] : []),
        ...(Array.isArray(attribute.components) ? attribute.components.filter((c): c is string => typeof c === 'string') : []),
      ];
      for (const target of targets) {
        if (!defined.has(target) && !current(target)) {
          problems.push(`${definition.uid}.${name}: refers to ${target}, which this app lacks and the bundle does not define`);
        }
      }
    }
    const existing = current(definition.uid);
    const names = Object.keys(definition.schema.attributes);
    if (!existing) return { ...base, action: 'create', added: names };
    const added = names.filter((name) => !(name in existing.schema.attributes));
    const changed = names.filter((name) => name in existing.schema.attributes && !same(definition.schema.attributes[name], existing.schema.attributes[name]));
    const kept = Object.keys(existing.schema.attributes).filter((name) => !(name in definition.schema.attributes));
    const settingsChanged = definition.modelType === 'contentType' && !same(settingsOf(definition), settingsOf(existing));
    const action = added.length > 0 || changed.length > 0 || settingsChanged ? 'update' : 'same';
    return { ...base, action, added, changed, kept, settingsChanged };
  });
  return { changes, problems };
};

/** One line per change, for messages: "creates api::a.a; updates api::b.b (adds x, changes y)". */
export const describePlan = (plan: DefinitionsPlan): string =>
  plan.changes
    .filter((change) => change.action === 'create' || change.action === 'update')
    .map((change) => {
      if (change.action === 'create') return `creates ${change.uid}`;
      const parts = [
        ...(change.added.length > 0 ? [`adds ${change.added.join(', ')}`] : []),
        ...(change.changed.length > 0 ? [`changes ${change.changed.join(', ')}`] : []),
        ...(change.settingsChanged ? ['changes its options'] : []),
      ];
      return `updates ${change.uid} (${parts.join('; ')})`;
    })
    .join('; ');

/** An attribute as the Content-Type Builder's input has it: a relation names its other side as `targetAttribute`. */
const builderProperties = (attribute: Attribute): Record<string, unknown> => {
  if (attribute.type !== 'relation') return { ...attribute };
  const { inversedBy, mappedBy, ...rest } = attribute;
  return { ...rest, targetAttribute: (inversedBy ?? mappedBy ?? null) as string | null };
};

interface BuilderAttribute {
  action: 'create' | 'update';
  name: string;
  properties: Record<string, unknown>;
}

export interface UpdateSchemaData {
  contentTypes: Array<Record<string, unknown> & { action: 'create' | 'update'; uid: string; attributes: BuilderAttribute[] }>;
  components: Array<Record<string, unknown> & { action: 'create' | 'update'; uid: string; attributes: BuilderAttribute[] }>;
}

/**
 * The Content-Type Builder's `update-schema` input for the planned creates and updates. An update lists the app's
 * own attributes as they are (the builder removes what an update leaves out), with the bundle's added or changed.
 *
 * Order: the builder makes the side of a many-to-many or one-to-one relation it writes last the owning side (the
 * one with `inversedBy`). Types whose owning sides point at others come after those others, so that the source's
 * owning sides stay owning where no cycle prevents it.
 */
export const updateSchemaData = (
  definitions: BundleDefinition[],
  plan: DefinitionsPlan,
  current: (uid: string) => BundleDefinition | undefined
): UpdateSchemaData => {
  const actionOf = new Map(plan.changes.map((change) => [change.uid, change.action]));
  const attributesOf = (definition: BundleDefinition, action: 'create' | 'update'): BuilderAttribute[] => {
    const ours = Object.entries(definition.schema.attributes).map(([name, attribute]) => ({ name, attribute }));
    if (action === 'create') return ours.map(({ name, attribute }) => ({ action: 'create', name, properties: builderProperties(attribute) }));
    const existing = current(definition.uid)!.schema.attributes;
    const kept = Object.entries(existing)
      .filter(([name]) => !(name in definition.schema.attributes))
      .map(([name, attribute]): BuilderAttribute => ({ action: 'update', name, properties: builderProperties(attribute) }));
    return [
      ...ours.map(({ name, attribute }): BuilderAttribute => ({
        action: name in existing ? 'update' : 'create',
        name,
        properties: builderProperties(attribute),
      })),
      ...kept,
    ];
  };

  const planned = definitions.filter((definition) => {
    const action = actionOf.get(definition.uid);
    return action === 'create' || action === 'update';
  });
  const contentTypes = ownersLast(planned.filter((definition) => definition.modelType === 'contentType')).map((definition) => {
    const action = actionOf.get(definition.uid) as 'create' | 'update';
    const { info, options = {}, pluginOptions = {}, collectionName } = definition.schema;
    const { draftAndPublish, ...otherOptions } = options;
    return {
      action,
      uid: definition.uid,
      kind: definition.kind,
      displayName: info.displayName,
      ...(info.description ? { description: info.description } : {}),
      draftAndPublish: draftAndPublish === true,
      options: otherOptions,
      pluginOptions,
      ...(action === 'create' ? { singularName: info.singularName, pluralName: info.pluralName, ...(collectionName ? { collectionName } : {}) } : {}),
      attributes: attributesOf(definition, action),
    };
  });
  const components = planned
    .filter((definition) => definition.modelType === 'component')
    .map((definition) => {
      const action = actionOf.get(definition.uid) as 'create' | 'update';
      const { info, pluginOptions } = definition.schema;
      return {
        action,
        uid: definition.uid,
        category: definition.category,
        displayName: info.displayName,
        ...(info.icon ? { icon: info.icon } : {}),
        ...(info.description ? { description: info.description } : {}),
        ...(pluginOptions ? { pluginOptions } : {}),
        attributes: attributesOf(definition, action),
      };
    });
  return { contentTypes, components };
};

/** Types ordered so that a type holding the owning side (`inversedBy`) of a relation comes after its target. */
const ownersLast = (definitions: BundleDefinition[]): BundleDefinition[] => {
  const byUid = new Map(definitions.map((definition) => [definition.uid, definition]));
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const out: BundleDefinition[] = [];
  const visit = (definition: BundleDefinition) => {
    if (placed.has(definition.uid) || visiting.has(definition.uid)) return;
    visiting.add(definition.uid);
    for (const attribute of Object.values(definition.schema.attributes)) {
      const target = typeof attribute.target === 'string' ? byUid.get(attribute.target) : undefined;
      if (target && target.uid !== definition.uid && typeof attribute.inversedBy === 'string') visit(target);
    }
    visiting.delete(definition.uid);
    placed.add(definition.uid);
    out.push(definition);
  };
  definitions.forEach(visit);
  return out;
};
