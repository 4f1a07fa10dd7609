import { createHash } from 'node:crypto';
import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';

/**
 * A bundle's `manifest.json`: what the bundle holds and how it was made, read first on import. Written as canonical
 * JSON (keys sorted, two-space indents, a final newline), so that the same bundle gives the same bytes.
 *
 * Per type it records the attributes its file holds and their kinds (`string`, `relation:api::tag.tag`,
 * `component:shared.seo`...): the schema check compares those with the target app before anything is written, so
 * that a bundle is refused (listing each missing type and attribute) instead of failing half-way. Attributes the
 * target has and the bundle does not are fine. `schemaHash` fingerprints the type's whole definition, nested
 * components included: equal hashes mean equal schemas, so the check can say "same schema" without comparing.
 */

export const BUNDLE_FORMAT_VERSION = 1;

export interface BundleTypeManifest {
  uid: string;
  /** Items in `content/<uid>.jsonl` (for a type with draft & publish carried with both versions: the drafts). */
  count: number;
  /**
   * Items in `content/<uid>.published.jsonl`: a type with draft & publish exported without a status carries both
   * versions, the drafts (every document has one) in `content/<uid>.jsonl` and the published versions here.
   * Absent when the type carries one version.
   */
  published?: number;
  schemaHash: string;
  /** The attributes the type's items hold, by name: their kind as `attributeKind` writes it. */
  attributes: Record<string, string>;
  /** The options the type was exported with (fields, filters, locale, status, relationsAs...). */
  options: Record<string, unknown>;
}

export interface BundleManifest {
  bundleFormat: number;
  plugin: { name: string; version: string };
  strapi: { version: string };
  /** Where the bundle comes from (the app's name, or what the user gave). */
  source: string;
  createdAt: string;
  /** In import order (bundle/graph.ts). */
  types: BundleTypeManifest[];
  /** `media.jsonl` and `media/`, when the bundle carries its files. */
  media: { count: number } | null;
  /** `schemas/`, when the bundle carries content-type and component definitions. */
  definitions: boolean;
}

/** Why a bundle cannot be read: a 400 naming the field of the manifest. */
export class BundleError extends Error {}

/** JSON with object keys sorted at every level: the same value gives the same text. */
export const canonicalJson = (value: unknown): string => {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((key) => [key, sorted((v as Record<string, unknown>)[key])])
      );
    }
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
};

/** An attribute's kind as the manifest records it: its type, with the target or component it needs. */
export const attributeKind = (attribute: AttributeSchema): string => {
  switch (attribute.type) {
    case 'relation':
      return attribute.target ? `relation:${attribute.target}` : `relation:${attribute.relation ?? 'morph'}`;
    case 'component':
      return `component:${attribute.component ?? ''}${attribute.repeatable ? '[]' : ''}`;
    case 'dynamiczone':
      return `dynamiczone:${[...(attribute.components ?? [])].sort().join(',')}`;
    case 'media':
      return attribute.multiple ? 'media[]' : 'media';
    default:
      return attribute.type;
  }
};

/** The fingerprint of a type's definition: its attributes' kinds and rules, nested components included. */
export const schemaHash = (uid: string, schemaOf: (uid: string) => ModelSchema | undefined): string => {
  const components = new Map<string, unknown>();
  const describe = (schema: ModelSchema) =>
    Object.fromEntries(
      Object.entries(schema.attributes).map(([name, attribute]) => {
        for (const component of [attribute.component, ...(attribute.components ?? [])]) {
          if (component && !components.has(component)) {
            components.set(component, null);
            const nested = schemaOf(component);
            if (nested) components.set(component, describe(nested));
          }
        }
        const { pluginOptions, ...rules } = attribute;
        return [name, { ...rules, kind: attributeKind(attribute), localized: pluginOptions?.i18n?.localized === true }];
      })
    );
  const schema = schemaOf(uid);
  if (!schema) throw new BundleError(`${uid} is not a content type of this app`);
  const definition = {
    uid,
    draftAndPublish: schema.options?.draftAndPublish === true,
    localized: schema.pluginOptions?.i18n?.localized === true,
    attributes: describe(schema),
    components: Object.fromEntries(components),
  };
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Reads `manifest.json`: every field checked, each problem named (`types[2].count: expected a whole number`). */
export const parseManifest = (text: string): BundleManifest => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleError(`manifest.json is not JSON: ${(error as Error).message}`);
  }
  const fail = (field: string, expected: string): never => {
    throw new BundleError(`manifest.json, ${field}: expected ${expected}`);
  };
  if (!isObject(value)) return fail('(top level)', 'an object');
  const text_ = (field: string, v: unknown) => (typeof v === 'string' ? v : fail(field, 'text'));
  const count = (field: string, v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail(field, 'a whole number'));

  const format = count('bundleFormat', value.bundleFormat);
  if (format > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      `the bundle was written in bundle format ${format}; this version of the plugin reads bundle formats up to ${BUNDLE_FORMAT_VERSION}: update the plugin to import it`
    );
  }
  if (format < 1) fail('bundleFormat', `a version from 1 to ${BUNDLE_FORMAT_VERSION}`);
  const plugin = isObject(value.plugin) ? value.plugin : fail('plugin', 'an object with name and version');
  const strapi = isObject(value.strapi) ? value.strapi : fail('strapi', 'an object with version');
  if (!Array.isArray(value.types) || value.types.length === 0) fail('types', 'a list of one or more types');
  const seen = new Set<string>();
  const types = (value.types as unknown[]).map((type, i): BundleTypeManifest => {
    const at = `types[${i}]`;
    if (!isObject(type)) return fail(at, 'an object');
    const uid = text_(`${at}.uid`, type.uid);
    if (!/^[a-z0-9-]+::[a-z0-9-]+\.[a-z0-9-]+$/.test(uid)) fail(`${at}.uid`, 'a content type uid such as api::article.article');
    if (seen.has(uid)) throw new BundleError(`manifest.json, ${at}.uid: ${uid} is listed twice`);
    seen.add(uid);
    const attributes = isObject(type.attributes) ? type.attributes : fail(`${at}.attributes`, 'an object');
    for (const [name, kind] of Object.entries(attributes)) text_(`${at}.attributes.${name}`, kind);
    return {
      uid,
      count: count(`${at}.count`, type.count),
      ...(type.published === undefined ? {} : { published: count(`${at}.published`, type.published) }),
      schemaHash: text_(`${at}.schemaHash`, type.schemaHash),
      attributes: attributes as Record<string, string>,
      options: isObject(type.options) ? type.options : fail(`${at}.options`, 'an object'),
    };
  });
  const media = value.media === null || value.media === undefined ? null : isObject(value.media) ? value.media : fail('media', 'an object or null');
  return {
    bundleFormat: format,
    plugin: { name: text_('plugin.name', plugin.name), version: text_('plugin.version', plugin.version) },
    strapi: { version: text_('strapi.version', strapi.version) },
    source: text_('source', value.source),
    createdAt: text_('createdAt', value.createdAt),
    types,
    media: media ? { count: count('media.count', media.count) } : null,
    definitions: value.definitions === true,
  };
};

/** One thing the target app lacks for a bundle. */
export interface SchemaProblem {
  uid: string;
  attribute: string | null;
  message: string;
}

/**
 * What the target app lacks for the bundle's types: a type it does not have, an attribute it does not have, or one
 * of another kind. Empty: the bundle fits. Equal schema hashes skip the comparison.
 */
export const schemaProblems = (
  manifest: BundleManifest,
  schemaOf: (uid: string) => ModelSchema | undefined
): SchemaProblem[] => {
  const problems: SchemaProblem[] = [];
  for (const type of manifest.types) {
    const schema = schemaOf(type.uid);
    if (!schema || schema.modelType !== 'contentType') {
      problems.push({ uid: type.uid, attribute: null, message: `${type.uid}: this app has no such content type` });
      continue;
    }
    if (schemaHash(type.uid, schemaOf) === type.schemaHash) continue;
    for (const [name, kind] of Object.entries(type.attributes)) {
      const attribute = schema.attributes[name];
      if (!attribute) {
        problems.push({ uid: type.uid, attribute: name, message: `${type.uid}.${name}: this app's ${type.uid} has no attribute ${name} (${kind})` });
      } else if (attributeKind(attribute) !== kind) {
        problems.push({
          uid: type.uid,
          attribute: name,
          message: `${type.uid}.${name}: the bundle holds ${kind}, this app's attribute is ${attributeKind(attribute)}`,
        });
      }
    }
  }
  return problems;
};
