import type { AttributeInfo, AttributeType, ContentTypeInfo } from '../../../shared/contracts';

/**
 * The export filter builder's model: rows of (attribute, operator, value), and Strapi's filter syntax they stand
 * for (`{ "$and": [ { "views": { "$gt": 100 } }, { "category": { "slug": { "$eq": "news" } } } ] }`).
 * Pure functions: the builder holds the rows in state and calls these.
 */

export const FILTER_OPERATORS = [
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$contains',
  '$notContains',
  '$containsi',
  '$startsWith',
  '$endsWith',
  '$null',
  '$notNull',
  '$in',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/**
 * How a value is typed and compared: text (strings, texts, emails, uids), numbers (integer, float, decimal),
 * big integers (numbers while they are safe integers, else their digits as a string), dates (date, datetime,
 * time, timestamp: their text, compared), booleans, and enumerations (one of the allowed values).
 */
export type FilterKind = 'text' | 'number' | 'bigint' | 'date' | 'boolean' | 'enumeration';

/** The operators of each kind, as the Content Manager offers them. */
export const OPERATORS_BY_KIND: Record<FilterKind, readonly FilterOperator[]> = {
  text: ['$eq', '$ne', '$contains', '$containsi', '$notContains', '$startsWith', '$endsWith', '$null', '$notNull', '$in'],
  number: ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$null', '$notNull', '$in'],
  bigint: ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$null', '$notNull', '$in'],
  date: ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$null', '$notNull'],
  boolean: ['$eq', '$null', '$notNull'],
  enumeration: ['$eq', '$ne', '$in', '$null', '$notNull'],
};

const KIND_OF_TYPE: Partial<Record<AttributeType, FilterKind>> = {
  string: 'text',
  text: 'text',
  richtext: 'text',
  email: 'text',
  uid: 'text',
  integer: 'number',
  float: 'number',
  decimal: 'number',
  biginteger: 'bigint',
  date: 'date',
  datetime: 'date',
  time: 'date',
  timestamp: 'date',
  boolean: 'boolean',
  enumeration: 'enumeration',
};

/** The kind of a scalar attribute type; undefined for what a row cannot filter (JSON, blocks, media, password...). */
export const filterKindOf = (type: AttributeType): FilterKind | undefined => KIND_OF_TYPE[type];

/** An attribute a row can filter on. */
export interface FilterField {
  /** `views`; `category.slug` for a key of a relation's target; `seo.metaTitle` for a component's attribute. */
  path: string;
  kind: FilterKind;
  /** The attribute's own type (`datetime`, `uid`...), for the value's placeholder. */
  type: AttributeType;
  /** Enumerations: the allowed values. */
  enum?: string[];
}

/**
 * The attributes rows can filter on: the scalar ones, each relation's target keys (`<relation>.<key>`, the
 * target's `matchKeys`, documentId included; a relation whose target is not in `contentTypes` has none), and the
 * same within components (`<component>.<attribute>`). Dynamic zones, media, JSON, blocks and passwords are left out.
 */
export const filterFields = (
  attributes: readonly AttributeInfo[],
  contentTypes: readonly ContentTypeInfo[],
  prefix = ''
): FilterField[] =>
  attributes.flatMap((attribute): FilterField[] => {
    const path = `${prefix}${attribute.name}`;
    const kind = filterKindOf(attribute.type);
    if (kind) return [{ path, kind, type: attribute.type, ...(attribute.enum ? { enum: attribute.enum } : {}) }];
    if (attribute.type === 'relation' && attribute.target) {
      const target = contentTypes.find((contentType) => contentType.uid === attribute.target);
      return (target?.matchKeys ?? []).map((key) => {
        const keyAttribute = target?.attributes.find((candidate) => candidate.name === key);
        const keyKind = keyAttribute ? filterKindOf(keyAttribute.type) : undefined;
        return keyAttribute && keyKind
          ? { path: `${path}.${key}`, kind: keyKind, type: keyAttribute.type, ...(keyAttribute.enum ? { enum: keyAttribute.enum } : {}) }
          : { path: `${path}.${key}`, kind: 'text', type: 'string' };
      });
    }
    if (attribute.type === 'component' && attribute.attributes) return filterFields(attribute.attributes, contentTypes, `${path}.`);
    return [];
  });

/** One condition of the builder. */
export interface FilterRow {
  /** A field's path; '' until one is chosen. */
  path: string;
  /** How the value is converted (the field's kind). */
  kind: FilterKind;
  operator: FilterOperator;
  /** The value as typed or chosen; `$in`: the values separated by commas; unused by `$null` and `$notNull`. */
  value: string;
}

export const emptyRow = (): FilterRow => ({ path: '', kind: 'text', operator: '$eq', value: '' });

/** Whether the operator compares with a value (`$null` and `$notNull` do not: their value is `true`). */
export const takesValue = (operator: FilterOperator) => operator !== '$null' && operator !== '$notNull';

/** Why a row's value cannot be used: nothing yet, or not a number (`number`), not a whole number (`bigint`). */
export type FilterValueError = 'empty' | 'notANumber' | 'notAnInteger';

type Converted = { value: unknown; error?: undefined } | { value?: undefined; error: FilterValueError };

const convertOne = (text: string, kind: FilterKind): Converted => {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'empty' };
  switch (kind) {
    case 'number': {
      const number = Number(trimmed);
      return Number.isFinite(number) ? { value: number } : { error: 'notANumber' };
    }
    case 'bigint': {
      if (!/^[-+]?\d+$/.test(trimmed)) return { error: 'notAnInteger' };
      const number = Number(trimmed);
      return { value: Number.isSafeInteger(number) ? number : trimmed.replace(/^\+/, '') };
    }
    case 'boolean':
      return trimmed === 'true' ? { value: true } : trimmed === 'false' ? { value: false } : { error: 'empty' };
    case 'date':
    case 'enumeration':
      return { value: trimmed };
    default:
      return { value: text };
  }
};

/** The value a row puts in the filters (converted to its kind), or why it has none yet. */
export const rowValue = (row: FilterRow): Converted => {
  if (!takesValue(row.operator)) return { value: true };
  if (row.operator !== '$in') return convertOne(row.value, row.kind);
  const parts = row.value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) return { error: 'empty' };
  const values: unknown[] = [];
  for (const part of parts) {
    const converted = convertOne(part, row.kind);
    if (converted.error) return converted;
    values.push(converted.value);
  }
  return { value: values };
};

const nest = (path: string[], leaf: unknown): Record<string, unknown> =>
  path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), leaf as Record<string, unknown>);

/**
 * Strapi's filters of the rows: one row as it is (`{ "views": { "$gt": 100 } }`), several combined with `$and`,
 * none as `{}`. Rows without a field, or whose value is missing or not of their kind, are left out.
 */
export const rowsToFilters = (rows: readonly FilterRow[]): Record<string, unknown> => {
  const conditions = rows.flatMap((row) => {
    if (!row.path) return [];
    const converted = rowValue(row);
    return converted.error ? [] : [nest(row.path.split('.'), { [row.operator]: converted.value })];
  });
  if (conditions.length === 0) return {};
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
};

/* ------------------------------------------------------------------------------------------------------------
 * Filters to rows
 * ---------------------------------------------------------------------------------------------------------- */

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isOperator = (key: string): key is FilterOperator => (FILTER_OPERATORS as readonly string[]).includes(key);

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

interface Leaf {
  path: string;
  operator: FilterOperator;
  raw: unknown;
}

/**
 * The conditions of filters as (path, operator, value), or null when they hold more than rows show: `$or`, `$not`,
 * operators of no row, empty conditions, `$and` below an attribute. Conditions side by side, in `$and` (nested or
 * not) or in one object, are rows in turn; a value without operator (`{ "title": "A" }`) is `$eq`.
 */
const leavesOf = (node: Record<string, unknown>, path: string[], leaves: Leaf[]): boolean => {
  for (const [key, child] of Object.entries(node)) {
    if (key === '$and' && path.length === 0) {
      if (!Array.isArray(child) || child.length === 0) return false;
      for (const part of child) {
        if (!isPlainObject(part) || Object.keys(part).length === 0 || !leavesOf(part, [], leaves)) return false;
      }
    } else if (key.startsWith('$')) {
      if (path.length === 0 || !isOperator(key)) return false;
      leaves.push({ path: path.join('.'), operator: key, raw: child });
    } else if (isPlainObject(child)) {
      if (Object.keys(child).length === 0 || !leavesOf(child, [...path, key], leaves)) return false;
    } else if (isScalar(child)) {
      leaves.push({ path: [...path, key].join('.'), operator: '$eq', raw: child });
    } else {
      return false;
    }
  }
  return true;
};

/** The kind a value suggests, when no field says it. */
const kindOfValue = (raw: unknown): FilterKind => {
  const first = Array.isArray(raw) ? raw[0] : raw;
  return typeof first === 'number' ? 'number' : typeof first === 'boolean' ? 'boolean' : 'text';
};

/** The text a row shows for a value, or null when it shows none of it (objects, null, a value with a comma in `$in`). */
const valueText = (operator: FilterOperator, raw: unknown): string | null => {
  if (!takesValue(operator)) return raw === true || raw === 'true' ? '' : null;
  if (operator === '$in') {
    if (!Array.isArray(raw) || raw.length === 0) return null;
    const parts = raw.map((item) =>
      (typeof item === 'string' && item.trim() === item && item !== '' && !item.includes(',')) ||
      (typeof item === 'number' && Number.isFinite(item))
        ? String(item)
        : null
    );
    return parts.every((part) => part !== null) ? parts.join(', ') : null;
  }
  return isScalar(raw) ? String(raw) : null;
};

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const leafToRow = (leaf: Leaf, fields: readonly FilterField[] | undefined): FilterRow | null => {
  const field = fields?.find((candidate) => candidate.path === leaf.path);
  if (fields && !field) return null;
  const kind = field?.kind ?? kindOfValue(leaf.raw);
  if (field && !OPERATORS_BY_KIND[kind].includes(leaf.operator)) return null;
  const value = valueText(leaf.operator, leaf.raw);
  if (value === null) return null;
  const row: FilterRow = { path: leaf.path, kind, operator: leaf.operator, value };
  const converted = rowValue(row);
  if (converted.error) return null;
  const chosen = Array.isArray(converted.value) ? converted.value : [converted.value];
  if (kind === 'enumeration' && takesValue(leaf.operator) && !chosen.every((value) => field?.enum?.includes(value as string))) return null;
  // The builder writes the value again when a row changes: only as the same value, or as the typed version of a
  // string (the Content Manager's links give every value as a string; Strapi casts them the same way).
  const strings = Array.isArray(leaf.raw) ? leaf.raw.every((item) => typeof item === 'string') : typeof leaf.raw === 'string';
  return strings || sameJson(converted.value, leaf.raw) ? row : null;
};

/**
 * The rows of filters (the inverse of `rowsToFilters`, for the filters rows can show), or null when they cannot be
 * shown as rows. With `fields` (see `filterFields`), each row must also be of one of them, with an operator of its
 * kind and a value of its type (an enumeration's value one of its values); the rows take the fields' kinds.
 */
export const filtersToRows = (filters: unknown, fields?: readonly FilterField[]): FilterRow[] | null => {
  if (!isPlainObject(filters)) return null;
  const leaves: Leaf[] = [];
  if (!leavesOf(filters, [], leaves)) return null;
  const rows: FilterRow[] = [];
  for (const leaf of leaves) {
    const row = leafToRow(leaf, fields);
    if (!row) return null;
    rows.push(row);
  }
  return rows;
};
