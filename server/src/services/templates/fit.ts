import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ExportOptions, ImportOptions } from '../../../../shared/contracts';
import { resolveBundleExportOptions } from '../../validation/bundle-export-options';
import { checkBundleTemplateOptions, exportSideOf } from '../../validation/bundle-template-options';
import { resolveExportOptions } from '../../validation/export-options';
import { resolveImportOptions } from '../../validation/import-options';
import { getService } from '../../utils';
import type { TemplateBase } from './rows';

/**
 * Whether a template still fits the app: its content type, and every attribute its options name, checked with the
 * same rules as a task's options (a template that no longer fits is listed as `broken` and refused when run).
 */

/** Keys of a filter object that are not operators (`$and`, `$eq`...), at its top level and inside `$and`/`$or`/`$not`. */
export const filterAttributes = (filters: unknown): string[] => {
  if (Array.isArray(filters)) return filters.flatMap(filterAttributes);
  if (typeof filters !== 'object' || filters === null) return [];
  return Object.entries(filters).flatMap(([key, value]) =>
    ['$and', '$or', '$not'].includes(key) ? filterAttributes(value) : key.startsWith('$') ? [] : [key]
  );
};

const FILTERABLE_SYSTEM_FIELDS = ['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale'];

const gone = (uid: string) => `its content type ${uid} does not exist (or is not offered for migration)`;

/** The ValidationError's message, or null when `check` passes; any other error is thrown. */
const refusal = async (check: () => Promise<string | null> | string | null): Promise<string | null> => {
  try {
    return await check();
  } catch (error) {
    if (error instanceof errors.ValidationError) return error.message;
    throw error;
  }
};

export const createTemplateFit = (strapi: Core.Strapi) => {
  const contentTypes = () => getService(strapi, 'content-types');
  // Whoever runs it: private attributes in its filters are refused for everyone (the runner's own permissions
  // apply when it runs).
  const readPermissions = (uid: string) => getService(strapi, 'permissions').readPermissions(null, uid);

  /** An import or export template: its options resolved as a task's would be. */
  const typeBrokenReason = async (
    template: TemplateBase,
    locales: string[],
    checkFilters: boolean
  ): Promise<string | null> => {
    const types = contentTypes();
    if (!types.isOffered(template.contentType)) return gone(template.contentType);
    const { templateId: _templateId, name: _name, ...options } = template.options as ImportOptions & ExportOptions;
    const layer = { ...options, contentType: template.contentType };
    return refusal(async () => {
      if (template.kind === 'import') {
        // The template's layer below an empty request, as when it runs (its CSV settings then fit any file).
        resolveImportOptions({
          layers: [null, layer],
          format: layer.format ?? 'json',
          fileName: '',
          describe: types.get,
          locales,
        });
        return null;
      }
      const permissions = readPermissions(template.contentType);
      await resolveExportOptions({ strapi, layers: [layer], describe: types.get, locales, checkFilters, permissions });
      if (checkFilters || !layer.filters) return null;
      const type = types.get(template.contentType);
      const known = new Set([...FILTERABLE_SYSTEM_FIELDS, ...type.attributes.map((attribute) => attribute.name)]);
      const unknown = filterAttributes(layer.filters).find((name) => !known.has(name));
      return unknown ? `filters name "${unknown}", which is not an attribute of ${template.contentType}` : null;
    });
  };

  /**
   * A bundle template: a type it names is gone, or the options of a type no longer fit it (as a bundle export and a
   * bundle import would check them). The filters are checked by Strapi (a query each).
   */
  const bundleBrokenReason = (template: TemplateBase, locales: string[]): Promise<string | null> =>
    refusal(async () => {
      const types = contentTypes();
      const options = checkBundleTemplateOptions(template.options);
      // "all": whatever types the app has, each with its defaults.
      if (options.types === 'all') return null;
      const missing = options.types.find((type) => !types.isOffered(type.contentType));
      if (missing) return gone(missing.contentType);
      await resolveBundleExportOptions(exportSideOf(options), {
        strapi,
        describe: types.get,
        list: types.list,
        locales,
        permissionsFor: readPermissions,
        canRead: () => true,
        appName: '',
      });
      for (const { contentType, importStrategy, updateStrategy, matchBy, status } of options.types) {
        const layers = [{ contentType, importStrategy, updateStrategy, matchBy, status }];
        const reason = await refusal(() => {
          resolveImportOptions({ layers, format: 'jsonl', fileName: '', describe: types.get, locales });
          return null;
        });
        if (reason) return `${contentType}: ${reason}`;
      }
      return null;
    });

  return {
    /**
     * Why a template cannot run in this app (its content type, or an attribute its options name, is gone or no
     * longer fits), or null. `checkFilters` lets Strapi validate an export's filters (a query), else their attribute
     * names are checked.
     */
    brokenReason(
      template: TemplateBase,
      { locales, checkFilters }: { locales: string[]; checkFilters: boolean }
    ): Promise<string | null> {
      return template.kind === 'bundle'
        ? bundleBrokenReason(template, locales)
        : typeBrokenReason(template, locales, checkFilters);
    },
  };
};
