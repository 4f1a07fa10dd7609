import { createRequire } from 'node:module';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import type { AttributeMeta, ModelMeta } from '../../schema/model-metadata';

/**
 * A model's attribute values → its columns, converted as Strapi's query layer converts them (its `processData`: its
 * own field classes, the attribute defaults of a new row), so that rows written as SQL store what
 * `strapi.db.query(uid).createMany()` and `.update()` store. Strapi does not export its field classes; they are
 * loaded from the app's `@strapi/database`. Where they cannot be (another layout), `createColumnConverter` answers
 * null and the callers go through Strapi's query layer.
 */

interface Field {
  toDB(value: unknown): unknown;
  validate?: (value: unknown) => void;
}

interface Internals {
  createField(attribute: AttributeMeta): Field;
  isScalarAttribute(attribute: AttributeMeta): boolean;
}

/** The relations to admin users every content type stores in its own row (`created_by_id`, `updated_by_id`). */
const CREATOR_ATTRIBUTES = ['createdBy', 'updatedBy'];

const loadInternals = (strapi: Core.Strapi): Internals | null => {
  try {
    const load = createRequire(path.join(strapi.dirs.app.root, 'package.json'));
    const { createField } = load('@strapi/database/dist/fields/index.js') as Partial<Internals>;
    const { isScalarAttribute } = load('@strapi/database/dist/utils/types.js') as Partial<Internals>;
    if (typeof createField !== 'function' || typeof isScalarAttribute !== 'function') return null;
    return { createField, isScalarAttribute };
  } catch {
    return null;
  }
};

export type ColumnConverter = (meta: ModelMeta, values: Record<string, unknown>, withDefaults: boolean) => Record<string, unknown>;

export const createColumnConverter = (strapi: Core.Strapi): ColumnConverter | null => {
  const internals = loadInternals(strapi);
  if (!internals) return null;
  /** Per model, its scalar attributes with their column, field class and default (read once). */
  const scalarsOf = new Map<ModelMeta, Array<{ name: string; column: string; field: Field; default: unknown }>>();
  const scalars = (meta: ModelMeta, { createField, isScalarAttribute }: Internals) => {
    let list = scalarsOf.get(meta);
    if (!list) {
      list = Object.entries(meta.attributes)
        .filter(([, attribute]) => isScalarAttribute(attribute))
        .map(([name, attribute]) => ({
          name,
          column: attribute.columnName ?? name,
          field: createField(attribute),
          default: attribute.default,
        }));
      scalarsOf.set(meta, list);
    }
    return list;
  };

  /** A model's attribute values → its columns, as Strapi's query layer writes them (`processData`). */
  return (meta: ModelMeta, values: Record<string, unknown>, withDefaults: boolean) => {
    const row: Record<string, unknown> = {};
    for (const { name, column, field, default: fallback } of scalars(meta, internals)) {
      const value = values[name];
      if (value === undefined) {
        if (withDefaults && fallback !== undefined)
          row[column] = typeof fallback === 'function' ? (fallback as () => unknown)() : fallback;
        continue;
      }
      if (value !== null && typeof field.validate === 'function') field.validate(value);
      row[column] = value === null ? null : field.toDB(value);
    }
    // As Strapi's query layer writes an owner to-one relation given by id: into its join column.
    for (const name of CREATOR_ATTRIBUTES) {
      const attribute = meta.attributes[name];
      if (values[name] !== undefined && attribute?.joinColumn && attribute.owner) row[attribute.joinColumn.name] = values[name];
    }
    return row;
  };
};
