import type { Core } from '@strapi/strapi';

/**
 * The parts of Strapi's model metadata (`strapi.db.metadata`: tables, columns, join tables of each content type and
 * component) that the plugin reads, declared once. Strapi does not export these types from @strapi/database's
 * public entry, so they are written here from what its metadata holds (packages/core/database/src/types).
 */
export interface ColumnMeta {
  name: string;
  referencedColumn?: string;
}

export interface JoinTableMeta {
  name: string;
  joinColumn: ColumnMeta;
  inverseJoinColumn?: ColumnMeta;
  morphColumn?: { idColumn: ColumnMeta; typeColumn: { name: string } };
  orderColumnName?: string;
  inverseOrderColumnName?: string;
  orderBy?: Record<string, string>;
  on?: Record<string, unknown>;
}

export interface AttributeMeta {
  type: string;
  columnName?: string;
  default?: unknown;
  relation?: string;
  target?: string;
  morphBy?: string;
  /** A relation kept in a link table. */
  joinTable?: JoinTableMeta;
  /** A to-one relation stored in a column of the row (the owner side: `createdBy` → `created_by_id`). */
  joinColumn?: ColumnMeta;
  morphColumn?: unknown;
  owner?: boolean;
  component?: string;
  components?: string[];
  repeatable?: boolean;
}

export interface ModelMeta {
  uid: string;
  tableName: string;
  attributes: Record<string, AttributeMeta>;
}

/** The metadata of a content type or component, or undefined when the app has no such model. */
export const findModelMeta = (strapi: Core.Strapi, uid: string): ModelMeta | undefined =>
  strapi.db.metadata.get(uid as never) as unknown as ModelMeta | undefined;

/** The metadata of a model the app has (a missing one is a programming error, named). */
export const modelMeta = (strapi: Core.Strapi, uid: string): ModelMeta => {
  const meta = findModelMeta(strapi, uid);
  if (!meta) throw new Error(`No database metadata for ${uid}`);
  return meta;
};

/** The column of an attribute (its own name when Strapi keeps no other). */
export const columnOf = (meta: ModelMeta, attribute: string): string => meta.attributes[attribute]?.columnName ?? attribute;

/** Every model of the app (content types and components), for the undo's search of the join tables naming a row. */
export const allModelMetas = (strapi: Core.Strapi): ModelMeta[] =>
  [...(strapi.db.metadata as unknown as Map<string, ModelMeta>).values()];
