import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { AttributeInfo, ContentTypeInfo } from '../../../shared/contracts';
import { SYSTEM_ATTRIBUTES, modelSchema, type AttributeSchema, type ModelSchema } from '../schema/model-schema';
import { getConfig } from '../utils';

export type { AttributeSchema, ModelSchema } from '../schema/model-schema';

/** Attribute types whose values are secrets: never offered, never exported, whatever the configuration. */
const SECRET_TYPES = new Set<string>(['password']);

const SCALAR_KEY_TYPES = new Set<string>(['string', 'uid', 'email', 'integer', 'biginteger']);

export const createContentTypesService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Schemas by uid, remembered: `strapi.contentTypes` and `strapi.components` build a new object at every read. */
  const schemas = new Map<string, ModelSchema>();
  const schemaOf = (uid: string): ModelSchema | undefined => {
    let schema = schemas.get(uid);
    if (!schema) {
      schema = modelSchema(strapi, uid);
      if (schema) schemas.set(uid, schema);
    }
    return schema;
  };

  const isOfferedUid = (uid: string): boolean => {
    const schema = schemaOf(uid);
    if (!schema || schema.modelType !== 'contentType') return false;
    return uid.startsWith('api::') || getConfig(strapi).extraContentTypes.includes(uid);
  };

  /** Whether the center offers this attribute: not a system field, not a secret, not private (unless allowed). */
  const isOfferedAttribute = (attribute: AttributeSchema, name: string): boolean => {
    if (SYSTEM_ATTRIBUTES.has(name) || SECRET_TYPES.has(attribute.type)) return false;
    if (attribute.private) return getConfig(strapi).allowPrivateFields;
    // The far side of a bidirectional relation is written from its owner (articles → category, not the reverse).
    if (attribute.type === 'relation' && attribute.mappedBy) return false;
    return true;
  };

  const isUniqueKey = (attribute: AttributeSchema): boolean =>
    SCALAR_KEY_TYPES.has(attribute.type) && (attribute.unique === true || attribute.type === 'uid');

  const describeAttributes = (schema: ModelSchema, localizedType: boolean, depth = 0): AttributeInfo[] =>
    Object.entries(schema.attributes)
      .filter(([name, attribute]) => isOfferedAttribute(attribute, name))
      .map(([name, attribute]) => {
        const info: AttributeInfo = {
          name,
          type: attribute.type,
          required: attribute.required === true,
          unique: isUniqueKey(attribute),
          private: attribute.private === true,
        };
        if (attribute.type === 'relation') {
          info.relation = attribute.relation;
          info.target = attribute.target;
          info.multiple = /ToMany$|^manyWay$/.test(attribute.relation ?? '');
        }
        if (attribute.type === 'media') info.multiple = attribute.multiple === true;
        if (attribute.type === 'enumeration') info.enum = attribute.enum;
        if (attribute.type === 'component' && attribute.component) {
          info.component = attribute.component;
          info.multiple = attribute.repeatable === true;
          const component = schemaOf(attribute.component);
          if (component && depth < 5) info.attributes = describeAttributes(component, false, depth + 1);
        }
        if (attribute.type === 'dynamiczone') info.components = attribute.components ?? [];
        if (localizedType) info.localized = attribute.pluginOptions?.i18n?.localized !== false;
        return info;
      });

  const describe = (schema: ModelSchema): ContentTypeInfo => {
    const localized = schema.pluginOptions?.i18n?.localized === true;
    const attributes = describeAttributes(schema, localized);
    return {
      uid: schema.uid,
      kind: schema.kind ?? 'collectionType',
      displayName: schema.info.displayName,
      singularName: schema.info.singularName ?? '',
      pluralName: schema.info.pluralName ?? '',
      draftAndPublish: schema.options?.draftAndPublish === true,
      localized,
      matchKeys: ['documentId', ...attributes.filter((a) => a.unique).map((a) => a.name)],
      attributes,
    };
  };

  return {
    schemaOf,
    isOfferedAttribute,

    /** Every content type the center offers, sorted by display name. */
    list(): ContentTypeInfo[] {
      return Object.keys(strapi.contentTypes)
        .filter(isOfferedUid)
        .map((uid) => describe(schemaOf(uid) as ModelSchema))
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
    },

    /** One offered content type, or a 400 naming it. */
    get(uid: string): ContentTypeInfo {
      if (!isOfferedUid(uid)) {
        throw new errors.ValidationError(
          `Unknown content type "${uid}": it does not exist or is not offered for migration`,
          {
            errors: [{ path: ['contentType'], message: `Unknown content type "${uid}"`, name: 'ValidationError' }],
          }
        );
      }
      return describe(schemaOf(uid) as ModelSchema);
    },

    isOffered: isOfferedUid,

    /** The app's locale codes (i18n), for validating `locale` options. */
    async localeCodes(): Promise<string[]> {
      const locales = (await strapi.plugin('i18n')?.service('locales').find()) as Array<{ code: string }> | undefined;
      return (locales ?? []).map((locale) => locale.code);
    },
  };
};

export type ContentTypesService = ReturnType<typeof createContentTypesService>;
