import type { AttributeSchema } from '../../schema/model-schema';
import { componentFields, type Entry, type ExportShape } from './plan';

/**
 * The shape stage of an export: each entry read (read.ts) becomes an item as the file writes it and as the importer
 * reads it back: references as keys (`documentId` or the relationsAs key), media as `{ url, id, hash }`,
 * components and dynamic zones as objects, numbers, dates and big integers in one canonical form, keys in schema
 * order. The writers are worked out once per attribute and task, not per value.
 */

const TO_MANY = /ToMany$|^manyWay$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Writes one attribute's value as the file carries it. */
export type ValueWriter = (value: unknown) => unknown;

/**
 * The writer of one attribute's values as the file writes them (and as the importer reads them back), worked out
 * once per attribute: the attribute's type, its reference key and its component's fields are looked at once per
 * task, not once per value.
 */
export const compileExportValue = (shape: ExportShape, attribute: AttributeSchema, path?: string): ValueWriter => {
  switch (attribute.type) {
    case 'relation': {
      const key = shape.keyFor(attribute.target as string);
      const ref = key === 'documentId' ? (entry: Entry) => entry.documentId : (entry: Entry) => ({ [key]: entry[key] });
      if (TO_MANY.test(attribute.relation ?? ''))
        return (value) => ((value as Entry[] | null | undefined) ?? []).map(ref);
      return (value) => (value ? ref(value as Entry) : null);
    }
    case 'media': {
      const file = (entry: Entry) => ({ url: entry.url, id: entry.id, hash: entry.hash });
      if (attribute.multiple) return (value) => ((value as Entry[] | null | undefined) ?? []).map(file);
      return (value) => (value ? file(value as Entry) : null);
    }
    case 'component': {
      const one = componentWriter(shape, attribute.component as string, path);
      if (attribute.repeatable) return (value) => ((value as Entry[] | null | undefined) ?? []).map(one);
      return (value) => (value ? one(value as Entry) : null);
    }
    case 'dynamiczone': {
      const writers = new Map<string, (entry: Entry) => Entry>();
      return (value) =>
        ((value as Entry[] | null | undefined) ?? []).map((entry) => {
          const uid = entry.__component as string;
          let one = writers.get(uid);
          if (!one) {
            one = componentWriter(shape, uid);
            writers.set(uid, one);
          }
          return { __component: uid, ...one(entry) };
        });
    }
    case 'biginteger':
      return (value) => (value === null || value === undefined ? null : String(value));
    case 'integer':
    case 'float':
    case 'decimal':
      return (value) => (value === null || value === undefined ? null : Number(value));
    case 'boolean':
      return (value) => (value === null || value === undefined ? null : Boolean(value));
    case 'date':
      return (value) => {
        if (value instanceof Date)
          return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
        return value === undefined ? null : value;
      };
    case 'datetime':
    case 'timestamp':
      return (value) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
    default:
      return (value) => (value === undefined ? null : value);
  }
};

/**
 * A component entry as the file writes it: its exported fields, in schema order. `path` (the component's field
 * path, absent inside dynamic zones, which permissions treat as a whole) leaves out the fields the user may not read.
 */
const componentWriter = (shape: ExportShape, uid: string, path?: string): ((entry: Entry) => Entry) => {
  const schema = shape.schemaOf(uid);
  if (!schema) throw new Error(`Unknown component ${uid}`);
  const fields = componentFields(schema)
    .filter(([name]) => !path || !shape.permits || shape.permits(`${path}.${name}`))
    .map(([name, attribute]) => [name, compileExportValue(shape, attribute, path && `${path}.${name}`)] as const);
  return (entry) => {
    const result: Entry = {};
    for (const [name, write] of fields) result[name] = write(entry[name]);
    return result;
  };
};

/** One value as the file writes it (and as the importer reads it back). */
export const exportValue = (shape: ExportShape, attribute: AttributeSchema, value: unknown): unknown =>
  compileExportValue(shape, attribute)(value);


export const TIMESTAMPS = ['createdAt', 'updatedAt', 'publishedAt'] as const;

export interface ItemShape {
  shape: ExportShape;
  /** The exported attributes, in schema order. */
  fields: Array<[string, AttributeSchema]>;
  localized: boolean;
  draftAndPublish: boolean;
  includeTimestamps: boolean;
}

/** The function that turns an entry read into the file's item: documentId, locale, the fields, the timestamps. */
export const itemShaper = ({ shape, fields, localized, draftAndPublish, includeTimestamps }: ItemShape) => {
  const values = fields.map(([name, attribute]) => [name, compileExportValue(shape, attribute, name)] as const);
  const timestamps = includeTimestamps ? TIMESTAMPS.filter((key) => key !== 'publishedAt' || draftAndPublish) : [];
  return (entry: Entry): Record<string, unknown> => {
    const item: Record<string, unknown> = { documentId: entry.documentId };
    if (localized) item.locale = entry.locale;
    for (const [name, write] of values) item[name] = write(entry[name]);
    for (const key of timestamps) item[key] = entry[key] ? new Date(entry[key] as string).toISOString() : null;
    return item;
  };
};
