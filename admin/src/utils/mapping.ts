import jsonata from 'jsonata';
import { mappingTargetOf, type AttributeInfo, type ContentTypeInfo, type FieldMappingTarget } from '../../../shared/contracts';

/**
 * Field mapping: which attribute of the content type each field of the file goes to.
 *
 * Pure functions, no DOM: the import form and the template form use them, and they are tested on their own.
 */

/** One row of the mapping table: a field found in the file and the attribute it goes to (`null`: ignored). */
export interface MappingRow {
  source: string;
  target: string | null;
  /** A JSONata expression whose result goes to the target (the field's value is `$`, the item `$item`); '' or absent: none. */
  transform?: string;
}

/** A computed field: an attribute and the JSONata expression computing it from the whole item. */
export interface ComputedRow {
  attribute: string;
  expression: string;
}

/** JSONata's complaint about an expression (with the character where it is), or null when it compiles. */
export const transformError = (text: string): string | null => {
  if (text.trim() === '') return null;
  try {
    jsonata(text);
    return null;
  } catch (error) {
    const { message, position } = (error ?? {}) as { message?: string; position?: number };
    const what = typeof message === 'string' ? message : String(error);
    return typeof position === 'number' && position > 0 ? `${what} (at character ${position})` : what;
  }
};

/** The transform of a saved mapping entry, if it has one. */
const transformOf = (target: FieldMappingTarget | undefined): string | undefined =>
  target !== null && typeof target === 'object' ? target.transform : undefined;

/** An attribute a source field can be mapped to. */
export interface MappingTarget {
  /** What goes into `fieldMapping`: an attribute name, or a dot path into a single component (`seo.metaTitle`). */
  path: string;
  type: AttributeInfo['type'] | 'system';
  required: boolean;
}

/** Keys Strapi gives every entry that a file may carry and the importer reads (README, *Items*). */
const systemTargets = (contentType: ContentTypeInfo): MappingTarget[] => [
  { path: 'documentId', type: 'system', required: false },
  ...(contentType.localized ? [{ path: 'locale', type: 'system' as const, required: false }] : []),
];

const attributeTargets = (attributes: AttributeInfo[], prefix: string): MappingTarget[] =>
  attributes.flatMap((attribute) => {
    const path = `${prefix}${attribute.name}`;
    const own: MappingTarget = { path, type: attribute.type, required: attribute.required };
    // A single component's own attributes can be filled one by one (`seo.metaTitle`, a CSV column);
    // repeatable components and dynamic zones are arrays: only the whole attribute.
    if (attribute.type === 'component' && !attribute.multiple && attribute.attributes) {
      return [own, ...attributeTargets(attribute.attributes, `${path}.`)];
    }
    return [own];
  });

/** Every target a source field can map to, in the content type's attribute order, then the system keys. */
export const mappingTargets = (contentType: ContentTypeInfo): MappingTarget[] => [
  ...attributeTargets(contentType.attributes, ''),
  ...systemTargets(contentType),
];

const lower = (value: string) => value.toLowerCase();
/** `First_Name`, `first-name`, `first name` and `firstName` are the same field; dots (component paths) stay. */
const loose = (value: string) =>
  value
    .split('.')
    .map((segment) => segment.replace(/[-_\s]+/g, '').toLowerCase())
    .join('.');

/**
 * Matches each source field to a target: first every exact match, then case-insensitive matches among the
 * targets still free, then matches ignoring `-`, `_` and spaces. A target is given to one source field at most;
 * a source field that matches nothing maps to `null` (ignored).
 */
export const autoMatch = (sourceFields: readonly string[], targets: readonly string[]): MappingRow[] => {
  const matched = new Map<string, string>();
  const taken = new Set<string>();
  const passes: Array<(value: string) => string> = [(value) => value, lower, loose];

  for (const normalise of passes) {
    const free = targets.filter((target) => !taken.has(target));
    for (const source of sourceFields) {
      if (matched.has(source)) continue;
      const key = normalise(source);
      const target = free.find((candidate) => !taken.has(candidate) && normalise(candidate) === key);
      if (target !== undefined) {
        matched.set(source, target);
        taken.add(target);
      }
    }
  }

  return sourceFields.map((source) => ({ source, target: matched.get(source) ?? null }));
};

/**
 * The mapping rows for a file's fields: the saved mapping (a template's, or the file's JSONT configuration)
 * wins for the fields it names, when its target still exists; the others are auto-matched.
 */
export const initialMapping = (
  sourceFields: readonly string[],
  targets: readonly string[],
  saved: Record<string, FieldMappingTarget> | undefined
): MappingRow[] => {
  const known = new Set(targets);
  const savedFor = (source: string): string | null | undefined => {
    if (!saved || !Object.prototype.hasOwnProperty.call(saved, source)) return undefined;
    const target = mappingTargetOf(saved[source]);
    return target === null || known.has(target) ? target : undefined;
  };
  const fromSaved = new Map<string, string | null>();
  for (const source of sourceFields) {
    const target = savedFor(source);
    if (target !== undefined) fromSaved.set(source, target);
  }
  const claimed = new Set([...fromSaved.values()].filter((target): target is string => target !== null));
  const rest = sourceFields.filter((source) => !fromSaved.has(source));
  const auto = new Map(
    autoMatch(
      rest,
      targets.filter((target) => !claimed.has(target))
    ).map((row) => [row.source, row.target])
  );
  return sourceFields.map((source) => {
    const transform = fromSaved.has(source) && fromSaved.get(source) !== null ? transformOf(saved?.[source]) : undefined;
    return {
      source,
      target: fromSaved.has(source) ? (fromSaved.get(source) as string | null) : (auto.get(source) ?? null),
      ...(transform !== undefined ? { transform } : {}),
    };
  });
};

/**
 * The `fieldMapping` option for the rows: only what differs from the importer's default (a field goes to the
 * attribute of the same name), so renames and ignored fields. Undefined when there is nothing to say.
 */
export const toFieldMapping = (rows: readonly MappingRow[]): Record<string, FieldMappingTarget> | undefined => {
  const entries = rows
    .filter((row) => row.target !== row.source || hasTransform(row))
    .map((row): [string, FieldMappingTarget] =>
      row.target !== null && hasTransform(row) ? [row.source, { to: row.target, transform: (row.transform as string).trim() }] : [row.source, row.target]
    );
  // Object.fromEntries defines own properties: a field named `__proto__` stays a plain key.
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};

/** Whether a row has a transform (a non-empty expression). */
export const hasTransform = (row: MappingRow): boolean => typeof row.transform === 'string' && row.transform.trim() !== '';

/** The mapping rows of a saved `fieldMapping` (the template form edits these without a file). */
export const fromFieldMapping = (fieldMapping: Record<string, FieldMappingTarget> | undefined): MappingRow[] =>
  Object.entries(fieldMapping ?? {}).map(([source, target]) => {
    const transform = transformOf(target);
    return { source, target: mappingTargetOf(target), ...(transform !== undefined ? { transform } : {}) };
  });

/** The `computed` option of the rows (rows without an attribute or an expression left out). */
export const toComputed = (rows: readonly ComputedRow[]): Record<string, string> | undefined => {
  const entries = rows.filter((row) => row.attribute !== '' && row.expression.trim() !== '').map((row) => [row.attribute, row.expression.trim()] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
};

/** The rows of a saved `computed` option. */
export const fromComputed = (computed: unknown): ComputedRow[] =>
  typeof computed === 'object' && computed !== null && !Array.isArray(computed)
    ? Object.entries(computed as Record<string, unknown>)
        .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
        .map(([attribute, expression]) => ({ attribute, expression }))
    : [];

/** Whether an expression of the rows does not compile. */
export const hasTransformErrors = (mapping: readonly MappingRow[], computed: readonly ComputedRow[]): boolean =>
  mapping.some((row) => row.target !== null && hasTransform(row) && transformError(row.transform as string) !== null) ||
  computed.some((row) => transformError(row.expression) !== null);

/** Targets chosen by more than one source field: the importer would write one over the other. */
export const duplicateTargets = (rows: readonly MappingRow[]): Set<string> => {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { target } of rows) {
    if (target === null) continue;
    if (seen.has(target)) duplicates.add(target);
    seen.add(target);
  }
  return duplicates;
};

/** Required attributes no source field maps to: a warning for upserts, an error for every new entry. */
export const missingRequired = (rows: readonly MappingRow[], targets: readonly MappingTarget[]): string[] => {
  const mapped = new Set(rows.map((row) => row.target));
  return targets
    .filter((target) => target.required && !target.path.includes('.') && !mapped.has(target.path))
    .map((target) => target.path);
};
