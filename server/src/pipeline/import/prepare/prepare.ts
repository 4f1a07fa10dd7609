import type { AttributeSchema, ModelSchema } from '../../../schema/model-schema';
import { columnLimitProblem } from './column-limits';
import { ItemError } from '../../problems';


/**
 * Map and validate one item (the "map → validate" stages): apply the field mapping, refuse hostile and unknown
 * keys, check each value against its attribute's type, and collect the references (relations, media) that the
 * batch then resolves in one query per target. Strapi's own validation (required, min/max, regex...) runs when
 * the entry is written; this stage catches what Strapi would silently drop or coerce.
 */


/** A reference to resolve: `holder[key]` receives the target's documentId (relations) or file id (media). */
export interface RefSlot {
  /** `media` for files, else the target content type's uid. */
  target: string;
  /** Where the reference sits, for messages: `tags[1]`, `seo.image`. */
  path: string;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  /** As written in the file: a documentId, a natural-key object, a file id, url or hash. */
  value: unknown;
}

export interface PreparedItem {
  documentId: string | null;
  locale: string | null;
  /** The matchBy value, when the item has one. */
  key: string | number | null;
  /** Attributes by name, references still unresolved (see `refs`). */
  data: Record<string, unknown>;
  refs: RefSlot[];
}

export interface PrepareContext {
  schema: ModelSchema;
  schemaOf: (uid: string) => ModelSchema | undefined;
  isOffered: (attribute: AttributeSchema, name: string) => boolean;
  fieldMapping: Record<string, string | null>;
  matchBy: string;
  localized: boolean;
  /** The app's locale codes (i18n): an item's locale must be one of them (unset: not checked). */
  locales?: readonly string[];
}

const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Written by exports when asked (`includeTimestamps`); managed by Strapi, so ignored on import. */
const IGNORED_KEYS = new Set(['createdAt', 'updatedAt', 'publishedAt']);
const SYSTEM_KEYS = new Set(['id', 'createdBy', 'updatedBy', 'localizations']);

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Refuses `__proto__`, `constructor` and `prototype` keys anywhere in the item, and objects with a foreign prototype. */
export const assertNoHostileKeys = (value: unknown, path = ''): void => {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoHostileKeys(v, `${path}[${i}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (!isPlainObject(value)) throw new ItemError('a key sets the object prototype (__proto__), which is refused', path || undefined);
  for (const key of Object.keys(value)) {
    const where = path ? `${path}.${key}` : key;
    if (HOSTILE_KEYS.has(key)) throw new ItemError(`the key "${key}" is refused (prototype pollution)`, where);
    assertNoHostileKeys(value[key], where);
  }
};

/** Writes `value` at a mapping target: `title`, or `seo.metaTitle` (a field of the `seo` object). */
const placeAt = (out: Record<string, unknown>, target: string, value: unknown) => {
  const [head, ...rest] = target.split('.');
  if (rest.length === 0) {
    out[head] = value;
  } else {
    const nested = isPlainObject(out[head]) ? { ...(out[head] as Record<string, unknown>) } : {};
    nested[rest.join('.')] = value;
    out[head] = nested;
  }
};

/**
 * Applies the field mapping: `{ "Title": "title", "meta": "seo.metaTitle", "junk": null }`; then `placed`, the
 * transforms' results by target (transforms.ts), which win over a field of the same name.
 */
export const applyFieldMapping = (
  item: Record<string, unknown>,
  mapping: Record<string, string | null>,
  placed: ReadonlyArray<[string, unknown]> = []
) => {
  if (Object.keys(mapping).length === 0 && placed.length === 0) return item;
  const out: Record<string, unknown> = {};
  for (const [source, value] of Object.entries(item)) {
    const target = Object.prototype.hasOwnProperty.call(mapping, source) ? mapping[source] : source;
    if (target === null) continue;
    placeAt(out, target, value);
  }
  for (const [target, value] of placed) placeAt(out, target, value);
  return out;
};

const RELATION_TO_MANY = /ToMany$|^manyWay$/;

/** A scalar of the attribute's type that fits its column (column-limits.ts). */
const checkScalar = (attribute: AttributeSchema, value: unknown, path: string): unknown => {
  const checked = checkScalarType(attribute, value, path);
  const problem = checked === null ? null : columnLimitProblem(attribute.type, checked);
  if (problem) throw new ItemError(problem, path);
  return checked;
};

const checkScalarType = (attribute: AttributeSchema, value: unknown, path: string): unknown => {
  if (value === null) return null;
  switch (attribute.type) {
    case 'string':
    case 'text':
    case 'richtext':
    case 'email':
    case 'uid':
    case 'password':
      if (typeof value !== 'string') throw new ItemError(`expected text, got ${describe(value)}`, path);
      return value;
    case 'enumeration':
      if (typeof value !== 'string' || !(attribute.enum ?? []).includes(value)) {
        throw new ItemError(`expected one of ${(attribute.enum ?? []).join(', ')}, got ${describe(value)}`, path);
      }
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ItemError(`expected an integer, got ${describe(value)}`, path);
      return value;
    case 'float':
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (attribute.type === 'decimal' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
      throw new ItemError(`expected a number, got ${describe(value)}`, path);
    case 'biginteger':
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      throw new ItemError(`expected an integer (as a string for values beyond 2^53), got ${describe(value)}`, path);
    case 'boolean':
      if (typeof value !== 'boolean') throw new ItemError(`expected true or false, got ${describe(value)}`, path);
      return value;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new ItemError(`expected a date YYYY-MM-DD, got ${describe(value)}`, path);
      return value;
    case 'time':
      if (typeof value !== 'string' || !/^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) {
        throw new ItemError(`expected a time HH:mm:ss.SSS, got ${describe(value)}`, path);
      }
      return value;
    case 'datetime':
    case 'timestamp':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new ItemError(`expected an ISO 8601 date-time, got ${describe(value)}`, path);
      return value;
    case 'json':
      return value;
    case 'blocks':
      if (!Array.isArray(value)) throw new ItemError(`expected an array of blocks, got ${describe(value)}`, path);
      return value;
    default:
      return value;
  }
};

const isRefValue = (value: unknown) =>
  (typeof value === 'string' && value.length > 0) ||
  (typeof value === 'number' && Number.isSafeInteger(value)) ||
  isPlainObject(value);

/**
 * Checks `source` against a model's attributes and writes the converted values to a new object. Unknown
 * attributes are an error: nothing is silently dropped.
 */
const prepareAttributes = (
  source: Record<string, unknown>,
  schema: ModelSchema,
  ctx: PrepareContext,
  refs: RefSlot[],
  prefix: string,
  topLevel: boolean
): Record<string, unknown> => {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (topLevel && (name === 'documentId' || name === 'locale' || IGNORED_KEYS.has(name))) continue;
    if (!topLevel && name === '__component') continue;
    const attribute = schema.attributes[name];
    if (!attribute || (topLevel && (SYSTEM_KEYS.has(name) || !ctx.isOffered(attribute, name)))) {
      if (topLevel && SYSTEM_KEYS.has(name)) throw new ItemError(`"${name}" is a system field and cannot be imported`, path);
      if (attribute?.private) throw new ItemError(`"${name}" is a private attribute and cannot be imported (allowPrivateFields is off)`, path);
      throw new ItemError(`unknown field: ${schema.uid} has no attribute "${name}"`, path);
    }
    data[name] = prepareValue(attribute, value, ctx, refs, path, data, name);
  }
  return data;
};

const prepareValue = (
  attribute: AttributeSchema,
  value: unknown,
  ctx: PrepareContext,
  refs: RefSlot[],
  path: string,
  holder: Record<string, unknown>,
  key: string
): unknown => {
  switch (attribute.type) {
    case 'relation': {
      const many = RELATION_TO_MANY.test(attribute.relation ?? '');
      const target = attribute.target as string;
      if (value === null) return many ? [] : null;
      if (many) {
        if (!Array.isArray(value)) throw new ItemError(`expected an array of references, got ${describe(value)}`, path);
        const list = [...value];
        list.forEach((v, i) => {
          if (!isRefValue(v)) throw new ItemError(`expected a documentId or a key object, got ${describe(v)}`, `${path}[${i}]`);
          refs.push({ target, path: `${path}[${i}]`, holder: list, key: i, value: v });
        });
        return list;
      }
      if (!isRefValue(value)) throw new ItemError(`expected a documentId or a key object, got ${describe(value)}`, path);
      refs.push({ target, path, holder, key, value });
      return value;
    }
    case 'media': {
      if (value === null) return attribute.multiple ? [] : null;
      if (attribute.multiple) {
        if (!Array.isArray(value)) throw new ItemError(`expected an array of files, got ${describe(value)}`, path);
        const list = [...value];
        list.forEach((v, i) => {
          if (!isRefValue(v)) throw new ItemError(`expected a file id, url or hash, got ${describe(v)}`, `${path}[${i}]`);
          refs.push({ target: 'media', path: `${path}[${i}]`, holder: list, key: i, value: v });
        });
        return list;
      }
      if (!isRefValue(value)) throw new ItemError(`expected a file id, url or hash, got ${describe(value)}`, path);
      refs.push({ target: 'media', path, holder, key, value });
      return value;
    }
    case 'component': {
      const component = ctx.schemaOf(attribute.component as string);
      if (!component) throw new ItemError(`unknown component ${attribute.component}`, path);
      if (value === null) return attribute.repeatable ? [] : null;
      if (attribute.repeatable) {
        if (!Array.isArray(value)) throw new ItemError(`expected an array of ${attribute.component} components, got ${describe(value)}`, path);
        return value.map((v, i) => {
          if (!isPlainObject(v)) throw new ItemError(`expected an object, got ${describe(v)}`, `${path}[${i}]`);
          return prepareAttributes(v, component, ctx, refs, `${path}[${i}]`, false);
        });
      }
      if (!isPlainObject(value)) throw new ItemError(`expected a ${attribute.component} object, got ${describe(value)}`, path);
      return prepareAttributes(value, component, ctx, refs, path, false);
    }
    case 'dynamiczone': {
      if (value === null) return [];
      if (!Array.isArray(value)) throw new ItemError(`expected an array of components, got ${describe(value)}`, path);
      return value.map((v, i) => {
        const where = `${path}[${i}]`;
        if (!isPlainObject(v)) throw new ItemError(`expected an object, got ${describe(v)}`, where);
        const uid = v.__component;
        if (typeof uid !== 'string' || !(attribute.components ?? []).includes(uid)) {
          throw new ItemError(
            `__component must be one of ${(attribute.components ?? []).join(', ')}, got ${describe(uid ?? null)}`,
            where
          );
        }
        const component = ctx.schemaOf(uid) as ModelSchema;
        // The prepared object itself (not a copy): its to-one references are resolved in place (RefSlot.holder).
        return Object.assign(prepareAttributes(v, component, ctx, refs, where, false), { __component: uid });
      });
    }
    default:
      return checkScalar(attribute, value, path);
  }
};

/** Map → validate one item read from the file. Throws an ItemError naming the field. */
export const prepareItem = (
  raw: Record<string, unknown>,
  ctx: PrepareContext,
  /** The transforms' results by target path (transforms.ts). */
  placed?: ReadonlyArray<[string, unknown]>
): PreparedItem => {
  assertNoHostileKeys(raw);
  if (placed) for (const [target, value] of placed) assertNoHostileKeys(value, target);
  const item = applyFieldMapping(raw, ctx.fieldMapping, placed);

  const documentId = item.documentId ?? null;
  if (documentId !== null && (typeof documentId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(documentId))) {
    throw new ItemError(`expected a documentId (letters, digits, - and _), got ${describe(documentId)}`, 'documentId');
  }
  const locale = item.locale ?? null;
  if (locale !== null && (typeof locale !== 'string' || !ctx.localized)) {
    throw new ItemError(ctx.localized ? `expected a locale code, got ${describe(locale)}` : `${ctx.schema.uid} is not localized`, 'locale');
  }
  if (locale !== null && ctx.locales && !ctx.locales.includes(locale as string)) {
    throw new ItemError(`unknown locale ${describe(locale)}: the app has ${ctx.locales.join(', ') || 'no locales'}`, 'locale');
  }

  const refs: RefSlot[] = [];
  const data = prepareAttributes(item, ctx.schema, ctx, refs, '', true);

  let key: string | number | null = null;
  if (ctx.matchBy === 'documentId') key = documentId as string | null;
  else {
    const value = data[ctx.matchBy];
    if (value === undefined || value === null || value === '') {
      throw new ItemError(`the item has no ${ctx.matchBy}, which matchBy needs to find existing entries`, ctx.matchBy);
    }
    key = value as string | number;
  }
  return { documentId: documentId as string | null, locale: locale as string | null, key, data, refs };
};
