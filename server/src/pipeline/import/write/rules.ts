import type { AttributeSchema, ModelSchema } from '../../../schema/model-schema';

/**
 * A fast check of Strapi's own validation rules for the bulk path. Strapi's entity validator builds a yup schema
 * for every entry it validates; at thousands of entries a second that is most of an import's time. These rules are
 * compiled once per type and answer one question: does the entry certainly pass Strapi's rules? `true` means the
 * entry is written as it is; `false` means "not certain", and the writer runs Strapi's own validator, which either
 * accepts the entry or gives the exact error the Document Service would. So a rule here may be stricter than
 * Strapi's (it only costs time), never looser: what this file does not know (blocks, unusual emails, custom regexes on
 * uids, unique values inside components...) answers `false` whenever a value is present.
 *
 * Uniqueness of top-level unique attributes is the writer's: one query per batch (see `uniqueAttributes`).
 */

type Rule = (value: unknown, published: boolean) => boolean;

const isBlank = (value: unknown) => value === undefined || value === null;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Strapi's own rule for uid values. */
const UID_VALUE = /^[A-Za-z0-9-_.~]*$/;
/**
 * Addresses that yup 0.32's `email()` (Strapi's email rule for published entries) certainly accepts: a subset of its
 * pattern (ASCII dot-atoms, domain labels of letters, digits and inner hyphens, a top-level label starting and
 * ending with a letter). Anything else (quoted local parts, Unicode, `_` in a domain) goes to Strapi's validator.
 */
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]*[A-Za-z])?$/;

const isRealDate = (value: string) => {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

interface LengthRules {
  minLength?: number;
  maxLength?: number;
  min?: number | string;
  max?: number | string;
  regex?: string;
  options?: { regex?: string };
}

const withinLength = (attribute: LengthRules, value: string) =>
  (attribute.minLength === undefined || value.length >= attribute.minLength) &&
  (attribute.maxLength === undefined || value.length <= attribute.maxLength);

const withinRange = (attribute: LengthRules, value: number) =>
  (attribute.min === undefined || value >= Number(attribute.min)) &&
  (attribute.max === undefined || value <= Number(attribute.max));

const scalarRule = (attribute: AttributeSchema & LengthRules): Rule | null => {
  const regex = attribute.regex ? new RegExp(attribute.regex) : null;
  switch (attribute.type) {
    case 'string':
    case 'text':
    case 'richtext':
      return (v) => typeof v === 'string' && withinLength(attribute, v) && (!regex || regex.test(v));
    case 'email':
      // A string (length, regex) as a draft; an address too once published (min(1) and yup's email()).
      return (v, published) =>
        typeof v === 'string' &&
        withinLength(attribute, v) &&
        (!regex || regex.test(v)) &&
        (!published || (v.length >= 1 && EMAIL.test(v)));
    case 'uid':
      return attribute.options?.regex
        ? null
        : (v) => typeof v === 'string' && withinLength(attribute, v) && UID_VALUE.test(v);
    case 'enumeration':
      return (v) => typeof v === 'string' && (attribute.enum ?? []).includes(v);
    case 'integer':
      return (v) => typeof v === 'number' && Number.isSafeInteger(v) && withinRange(attribute, v);
    case 'float':
    case 'decimal':
      return (v) => typeof v === 'number' && Number.isFinite(v) && withinRange(attribute, v);
    case 'biginteger':
      return attribute.min !== undefined || attribute.max !== undefined
        ? null
        : (v) => typeof v === 'string' && /^-?\d+$/.test(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'date':
      return (v) => typeof v === 'string' && isRealDate(v);
    case 'time':
      return (v) => typeof v === 'string' && ISO_TIME.test(v);
    case 'datetime':
    case 'timestamp':
      return (v) => typeof v === 'string' && ISO_DATETIME.test(v) && isRealDate(v.slice(0, 10));
    case 'json':
      return () => true;
    default:
      // blocks, password, anything newer: Strapi's validator decides.
      return null;
  }
};

export interface CompiledRules {
  /**
   * True when the values certainly pass Strapi's rules (as a draft, or as published). For an update, an attribute
   * the values leave out is left as it is (Strapi checks only what an update sets).
   */
  passes(values: Record<string, unknown>, published: boolean, options?: { update?: boolean }): boolean;
  /** Top-level attributes whose values must be unique among published entries (checked per batch by the writer). */
  uniqueAttributes: string[];
}

export const compileRules = (
  schema: ModelSchema,
  componentOf: (uid: string) => ModelSchema | undefined
): CompiledRules => {
  type Check = (data: Record<string, unknown>, published: boolean, isSet?: (name: string) => boolean) => boolean;
  const compileModel = (model: ModelSchema, nested: boolean): Check => {
    const checks: Array<[string, Rule]> = [];
    for (const [name, attribute] of Object.entries(model.attributes) as Array<
      [string, AttributeSchema & LengthRules]
    >) {
      if (['relation', 'media'].includes(attribute.type)) continue; // resolved by the importer, not validated by Strapi
      let rule: Rule | null;
      if (attribute.type === 'component') {
        const component = componentOf(attribute.component ?? '');
        const inner = component ? compileModel(component, true) : null;
        const isEntry = (v: unknown): v is Record<string, unknown> =>
          typeof v === 'object' && v !== null && !Array.isArray(v);
        const bounded = (attribute as LengthRules).min !== undefined || (attribute as LengthRules).max !== undefined;
        rule = !inner
          ? null
          : attribute.repeatable
          ? bounded
            ? null
            : (v, published) => Array.isArray(v) && v.every((entry) => isEntry(entry) && inner(entry, published))
          : (v, published) => isEntry(v) && inner(v, published);
      } else if (attribute.type === 'dynamiczone') {
        const inners = new Map<string, Check>();
        for (const uid of attribute.components ?? []) {
          const component = componentOf(uid);
          if (component) inners.set(uid, compileModel(component, true));
        }
        const bounded = (attribute as LengthRules).min !== undefined || (attribute as LengthRules).max !== undefined;
        rule = bounded
          ? null
          : (v, published) =>
              Array.isArray(v) &&
              v.every((entry) => {
                const inner =
                  typeof entry === 'object' && entry !== null
                    ? inners.get(String((entry as Record<string, unknown>).__component))
                    : undefined;
                return Boolean(inner) && inner!(entry as Record<string, unknown>, published);
              });
      } else {
        rule = scalarRule(attribute);
        // A unique value inside a component is checked against the other entries' components: Strapi decides.
        if (rule && nested && (attribute.unique || attribute.type === 'uid')) rule = null;
      }
      const required = attribute.required === true;
      checks.push([
        name,
        (value, published) => {
          if (isBlank(value)) return !(required && published);
          if (required && published && value === '') return false;
          return rule !== null && rule(value, published);
        },
      ]);
    }
    return (data, published, isSet = () => true) => {
      for (const [name, check] of checks) if (isSet(name) && !check(data[name], published)) return false;
      return true;
    };
  };
  const checkEntry = compileModel(schema, false);
  const passes = (values: Record<string, unknown>, published: boolean, options?: { update?: boolean }) => {
    if (!options?.update) return checkEntry(values, published);
    // An update checks the attributes it sets: those left out stand for themselves (their stored values).
    return checkEntry(values, published, (name) => Object.prototype.hasOwnProperty.call(values, name));
  };
  const uniqueAttributes = Object.entries(schema.attributes)
    .filter(([, a]) => a.unique === true || a.type === 'uid')
    .map(([name]) => name);
  return { passes, uniqueAttributes };
};
