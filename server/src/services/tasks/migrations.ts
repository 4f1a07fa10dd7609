import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { ImportOptions, MigrationSource } from '../../../../shared/contracts';
import { resolveExportOptions } from '../../validation/export-options';
import { resolveImportOptions } from '../../validation/import-options';
import { parseMigrationOptions, underSource } from '../../validation/migration-options';
import type { ResolvedExportOptions } from '../../pipeline/task-options';
import { getService } from '../../utils';
import type { Actor } from '../permissions';
import type { NewTask, TaskRow } from './task-row';

/**
 * Migrating entries in place (issue 20): an import task whose items are the entries of a content type (with filters)
 * instead of a file. The task takes a snapshot of those entries when it starts (a JSONL file in its storage folder,
 * written by the export path: migration-source.ts), then imports it into the target type like any file: mapping,
 * transforms, strategies, stop or continue, dry run (the preview), progress, error report, resume (from the
 * snapshot, never from entries the migration itself changed) and undo.
 *
 * Defaults: the target is the source type itself, matched by documentId and updated with `patch`. Into another type,
 * the source's fields that the target lacks (and documentId, locale where they do not apply) are ignored unless the
 * mapping says where they go.
 */

/** The export options of a migration's snapshot: every version the source asks for, relations by documentId. */
export const snapshotOptionsOf = (source: MigrationSource, name: string): Partial<ResolvedExportOptions> => ({
  ...source,
  format: 'jsonl',
  relationsAs: 'documentId',
  includeTimestamps: false,
  name,
});

export const createMigrationsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create({ body, creator, actor = null }: { body: unknown; creator: NewTask['creator']; actor?: Actor | null }): Promise<TaskRow> {
    const { source: requested, options } = await parseMigrationOptions(body);
    await getService(strapi, 'tasks').assertQueueRoom(creator, actor?.token ?? null);
    const contentTypes = getService(strapi, 'content-types');
    const permissions = getService(strapi, 'permissions');
    const locales = await contentTypes.localeCodes();

    // The source, checked as an export of it is: the type, the fields and filters its reader may read.
    let sourceType;
    let resolvedSource: ResolvedExportOptions;
    try {
      sourceType = contentTypes.get(requested.contentType);
      const locale = requested.locale ?? (sourceType.localized ? 'all' : undefined);
      resolvedSource = await resolveExportOptions({
        strapi,
        permissions: permissions.readPermissions(actor, requested.contentType),
        layers: [{ ...requested, locale, format: 'jsonl' }],
        describe: contentTypes.get,
        locales,
      });
    } catch (error) {
      throw underSource(error);
    }
    const source: MigrationSource = {
      contentType: resolvedSource.contentType,
      fields: resolvedSource.fields,
      ...(resolvedSource.filters ? { filters: resolvedSource.filters } : {}),
      ...(resolvedSource.locale ? { locale: resolvedSource.locale } : {}),
      ...(resolvedSource.status ? { status: resolvedSource.status } : {}),
    };

    const template = options.templateId ? await getService(strapi, 'templates').settingsFor(options.templateId, 'import') : null;
    const targetUid = options.contentType ?? template?.contentType ?? source.contentType;
    const target = contentTypes.get(targetUid);
    const sameType = targetUid === source.contentType;
    // Into another type: what the target cannot take is left out, unless mapped (a migration's items are the
    // source's entries, whole: an unknown field would fail every item).
    const mapping: NonNullable<ImportOptions['fieldMapping']> = { ...(template?.fieldMapping ?? {}), ...(options.fieldMapping ?? {}) };
    if (!sameType) {
      const targetNames = new Set(target.attributes.map((attribute) => attribute.name));
      for (const field of [...(source.fields ?? []), 'documentId', 'locale']) {
        if (Object.prototype.hasOwnProperty.call(mapping, field)) continue;
        const applies = field === 'locale' ? target.localized : field !== 'documentId' && targetNames.has(field);
        if (!applies) mapping[field] = null;
      }
    }
    const resolved = resolveImportOptions({
      layers: [{ ...options, contentType: targetUid, fieldMapping: mapping }, template, { name: `Migrate ${sourceType.displayName} to ${target.displayName}` }],
      format: 'jsonl',
      fileName: `${sourceType.singularName}-entries.jsonl`,
      describe: contentTypes.get,
      locales,
    });
    permissions.assertImportAllowed(actor, resolved);

    const task = await getService(strapi, 'tasks').create({
      kind: 'import',
      name: resolved.name,
      contentType: resolved.contentType,
      format: 'jsonl',
      options: { ...(Object.fromEntries(Object.entries(resolved).filter(([, value]) => value !== null)) as ImportOptions), source },
      fileName: `${sourceType.singularName}-entries.jsonl`,
      // Written when the task starts (migration-source.ts): the snapshot of the source's entries.
      fileKey: `tasks/${randomUUID()}/source.jsonl`,
      dryRun: resolved.dryRun,
      formatVersion: null,
      creator,
      token: actor?.token ?? null,
    });
    getService(strapi, 'runner').kick();
    return task;
  },
});

export type MigrationsService = ReturnType<typeof createMigrationsService>;
