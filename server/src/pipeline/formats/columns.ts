import { mappingTargetOf, type AttributeInfo, type FieldMappingTarget } from '../../../../shared/contracts';
import type { CsvColumn } from './types';

/**
 * What a tabular file's attribute path names (a header, or a fieldMapping target), read against the content type's
 * attributes (a single component's carry its fields): the tabular reader's columns (`csvColumnsFor`) and the
 * validation of fieldMapping targets (validation/import-options.ts) read paths through this one function.
 */
export type ColumnPath =
  /** `documentId`, `locale`. */
  | { kind: 'key'; name: string }
  /** `title`: an attribute. */
  | { kind: 'attribute'; attribute: AttributeInfo }
  /** `seo.metaTitle`: a field of a single component; `field` undefined when the component has none of that name. */
  | { kind: 'field'; component: AttributeInfo; name: string; field: AttributeInfo | undefined }
  /** `category.slug`, or in a single component `seo.category.slug`: a relation given by a key of its target. */
  | { kind: 'reference'; relation: AttributeInfo; key: string; component?: AttributeInfo }
  /** Anything else (`attribute` when the path's first name is one: `title.x`). */
  | { kind: 'unknown'; attribute: AttributeInfo | undefined };

const KEYS = ['documentId', 'locale'];

/** What `path` names among `attributes` (see `ColumnPath`). */
export const parseColumnPath = (attributes: AttributeInfo[], path: string): ColumnPath => {
  const [name, ...rest] = path.split('.');
  const attribute = attributes.find((a) => a.name === name);
  if (attribute?.type === 'relation' && rest.length === 1) return { kind: 'reference', relation: attribute, key: rest[0] };
  if (attribute && rest.length > 0 && attribute.type === 'component' && !attribute.multiple) {
    const field = attribute.attributes?.find((a) => a.name === rest.join('.'));
    if (!field && rest.length === 2) {
      const relation = attribute.attributes?.find((a) => a.name === rest[0] && a.type === 'relation');
      if (relation) return { kind: 'reference', relation, key: rest[1], component: attribute };
    }
    return { kind: 'field', component: attribute, name: rest.join('.'), field };
  }
  if (KEYS.includes(path)) return { kind: 'key', name: path };
  if (attribute && rest.length === 0) return { kind: 'attribute', attribute };
  return { kind: 'unknown', attribute };
};

/**
 * Tabular headers → item paths and attributes, after the field mapping: `seo.metaTitle` is a component's field,
 * `category.slug` (or `seo.category.slug`) a relation given by a key of its target (the key is checked when the
 * references are resolved). An unknown header keeps its name as its path, undecoded.
 */
export const csvColumnsFor =
  (
    attributes: AttributeInfo[],
    mapping: Record<string, FieldMappingTarget>,
    /**
     * The task has transforms (prepare/transforms.ts): a column with a transform, or ignored (null), is kept as its
     * cell text under its header, for the expressions (`$`, `$item`), which then drop it.
     */
    transforms = false
  ) =>
  (headers: string[]): CsvColumn[] =>
    headers.map((header) => {
      const entry = Object.prototype.hasOwnProperty.call(mapping, header) ? mapping[header] : header;
      if (transforms && (entry === null || typeof entry === 'object')) return { header, path: [header] };
      const target = mappingTargetOf(entry);
      if (target === null) return { header, path: null };
      const column = parseColumnPath(attributes, target);
      switch (column.kind) {
        case 'reference':
          return column.component
            ? { header, path: [column.component.name, column.relation.name], attribute: column.relation, referenceKey: column.key }
            : { header, path: [column.relation.name], attribute: column.relation, referenceKey: column.key };
        case 'field':
          return { header, path: [column.component.name, column.name], attribute: column.field };
        case 'key':
          return { header, path: [target], attribute: { name: target, type: 'string', required: false, unique: false, private: false } };
        default:
          return { header, path: [target], attribute: column.attribute };
      }
    });
