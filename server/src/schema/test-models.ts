import type { AttributeSchema, ModelSchema } from './model-schema';

/** Hand-written models for unit tests (no Strapi boot): a content type or component, and a lookup over several. */
export const testModel = (
  uid: string,
  attributes: Record<string, AttributeSchema>,
  modelType: ModelSchema['modelType'] = 'contentType'
): ModelSchema => ({ uid, modelType, info: { displayName: uid }, attributes });

export const testSchemaLookup = (...models: ModelSchema[]) => {
  const byUid = new Map(models.map((m) => [m.uid, m]));
  return (uid: string) => byUid.get(uid);
};
