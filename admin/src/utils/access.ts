import type { ContentTypeAccess, ContentTypeInfo } from '../../../shared/contracts';
import type { ExportFormValues, ImportFormValues } from './forms';
import { relationKeys } from './forms';
import { mappingTargets } from './mapping';

/**
 * What the current admin may do with each content type in the Content Manager, as GET /content-types tells
 * (`access`), turned into what the forms offer. The server checks it again on every request: this only keeps
 * the admin from offering an action the user cannot use.
 *
 * Pure functions: the pages pass the restricted types on to the same fields they always used.
 */

/** The user's access to a type; a type without `access` (an older server, the system) is unrestricted. */
export const accessOf = (contentType: ContentTypeInfo): ContentTypeAccess => {
  if (contentType.access) return contentType.access;
  const names = contentType.attributes.map((attribute) => attribute.name);
  return {
    read: true,
    create: true,
    update: true,
    publish: contentType.draftAndPublish,
    readable: names,
    writable: names,
  };
};

/** An export needs Read on the type, and at least one field it may read. */
export const canExportType = (contentType: ContentTypeInfo): boolean => {
  const access = accessOf(contentType);
  return access.read && access.readable.length > 0;
};

/** An import needs Create or Update on the type (creating new entries, or updating existing ones). */
export const canImportType = (contentType: ContentTypeInfo): boolean => {
  const access = accessOf(contentType);
  return access.create || access.update;
};

/** The keys usable as `matchBy` (or written as `relationsAs` by the type's referrers): readable ones, and documentId. */
const readableKeys = (contentType: ContentTypeInfo, readable: readonly string[]) =>
  contentType.matchKeys.filter((key) => key === 'documentId' || readable.includes(key));

/** The type as an export may use it: the attributes the user may read; match keys among them. */
export const forExport = (contentType: ContentTypeInfo): ContentTypeInfo => {
  const { readable } = accessOf(contentType);
  return {
    ...contentType,
    attributes: contentType.attributes.filter((attribute) => readable.includes(attribute.name)),
    matchKeys: readableKeys(contentType, readable),
  };
};

/**
 * The type as an import may use it: the attributes the user may create or update (the mapping's targets), and
 * the match keys the user may read (documentId always).
 */
export const forImport = (contentType: ContentTypeInfo): ContentTypeInfo => {
  const { readable, writable } = accessOf(contentType);
  return {
    ...contentType,
    attributes: contentType.attributes.filter((attribute) => writable.includes(attribute.name)),
    matchKeys: readableKeys(contentType, readable),
  };
};

/** The types the export forms offer, each limited to what the user may read. */
export const exportableTypes = (contentTypes: readonly ContentTypeInfo[]): ContentTypeInfo[] =>
  contentTypes.filter(canExportType).map(forExport);

/** The types the import forms offer, each limited to what the user may write. */
export const importableTypes = (contentTypes: readonly ContentTypeInfo[]): ContentTypeInfo[] =>
  contentTypes.filter(canImportType).map(forImport);

/**
 * The export form's values kept within what the user may use (a template saved by someone else may name more):
 * a type not offered is cleared, fields beyond the readable ones dropped, a relation key the user may not
 * read falls back to documentId. `contentTypes` are the offered types (`exportableTypes`).
 */
export const allowedExportValues = (
  values: ExportFormValues,
  contentTypes: readonly ContentTypeInfo[]
): ExportFormValues => {
  const contentType = contentTypes.find((candidate) => candidate.uid === values.contentType);
  if (!contentType) return values.contentType ? { ...values, contentType: '', fields: null, relationsAs: 'documentId' } : values;
  const names = contentType.attributes.map((attribute) => attribute.name);
  const fields = values.fields === null ? null : values.fields.filter((field) => names.includes(field));
  const relationsAs = relationKeys(contentType, contentTypes).includes(values.relationsAs) ? values.relationsAs : 'documentId';
  const same = fields?.length === values.fields?.length && relationsAs === values.relationsAs;
  return same ? values : { ...values, fields, relationsAs };
};

/**
 * The import form's values kept within what the user may use: a type not offered is cleared; `published` needs
 * Publish, `add-only` needs Create; a match key must be readable; a mapping row onto an attribute the user may not
 * write is ignored instead. `contentTypes` are the offered types (`importableTypes`).
 */
export const allowedImportValues = (
  values: ImportFormValues,
  contentTypes: readonly ContentTypeInfo[]
): ImportFormValues => {
  const contentType = contentTypes.find((candidate) => candidate.uid === values.contentType);
  if (!contentType) {
    return values.contentType ? { ...values, contentType: '', matchBy: 'documentId' } : values;
  }
  const access = accessOf(contentType);
  const targets = new Set(mappingTargets(contentType).map((target) => target.path));
  const next: ImportFormValues = {
    ...values,
    status: values.status === 'published' && !access.publish ? 'draft' : values.status,
    importStrategy: values.importStrategy !== 'upsert' && !access.create ? 'upsert' : values.importStrategy,
    matchBy: contentType.matchKeys.includes(values.matchBy) ? values.matchBy : 'documentId',
    mapping: values.mapping.some((row) => row.target !== null && !targets.has(row.target))
      ? values.mapping.map((row) => (row.target !== null && !targets.has(row.target) ? { ...row, target: null } : row))
      : values.mapping,
    computed: (values.computed ?? []).some((row) => row.attribute !== '' && !targets.has(row.attribute))
      ? values.computed.filter((row) => row.attribute === '' || targets.has(row.attribute))
      : values.computed,
  };
  const same = (Object.keys(next) as Array<keyof ImportFormValues>).every((key) => next[key] === values[key]);
  return same ? values : next;
};
