import type { AttributeType } from '../../../shared/contracts';

/**
 * Strapi's content-type and component definitions as the pipeline reads them (`strapi.getModel(uid)`): the schema
 * side; model-metadata.ts is the database side (tables and columns).
 */

/** The part of a Strapi attribute definition the center reads. */
export interface AttributeSchema {
  type: AttributeType;
  required?: boolean;
  unique?: boolean;
  private?: boolean;
  relation?: string;
  target?: string;
  component?: string;
  components?: string[];
  repeatable?: boolean;
  multiple?: boolean;
  enum?: string[];
  default?: unknown;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  regex?: string;
  targetField?: string;
  mappedBy?: string;
  inversedBy?: string;
  pluginOptions?: { i18n?: { localized?: boolean } };
}

export interface ModelSchema {
  uid: string;
  kind?: 'collectionType' | 'singleType';
  modelType: 'contentType' | 'component';
  info: { displayName: string; singularName?: string; pluralName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } };
  attributes: Record<string, AttributeSchema>;
}

/** Attributes Strapi manages itself: never read from a file, never written as data. */
export const SYSTEM_ATTRIBUTES = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

/** Anything that holds Strapi's models (the Strapi instance). */
interface ModelRegistry {
  getModel(uid: never): unknown;
}

/**
 * A content type's or component's definition, typed as the center reads it: the one place Strapi's model is cast
 * (its own type is a union over the app's generated uids, which a plugin cannot name).
 */
export const modelSchema = (strapi: ModelRegistry, uid: string): ModelSchema | undefined =>
  (strapi.getModel(uid as never) ?? undefined) as ModelSchema | undefined;
