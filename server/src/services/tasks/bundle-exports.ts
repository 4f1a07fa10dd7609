import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { parseBundleExportOptions, resolveBundleExportOptions } from '../../validation/bundle-export-options';
import { bundleExportWithTemplate } from '../../validation/bundle-template-options';
import { templateIdOf } from '../../validation/templates';
import { getService } from '../../utils';
import type { Actor } from '../permissions';
import { dependencyTypes } from './bundle-export-task';
import type { NewTask, TaskRow } from './task-row';

/**
 * Starting a bundle export: the request validated and each type resolved as a single-type export (400s), every type
 * read with the user's Content Manager permissions, those "with dependencies" may pull in included (403 naming the
 * type), all before any task exists; then the task is queued.
 */
export const createBundleExportsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create({
    body,
    creator,
    actor = null,
    scheduled,
  }: {
    body: unknown;
    creator: NewTask['creator'];
    actor?: Actor | null;
    /** A scheduled run of a bundle template (scheduler.ts). */
    scheduled?: NewTask['scheduled'];
  }): Promise<TaskRow> {
    // With a bundle template: its options, the body's own over them.
    const templateId = await templateIdOf(body);
    const requested =
      templateId === undefined ? body : bundleExportWithTemplate(await getService(strapi, 'templates').bundleSettingsFor(templateId), body as Record<string, unknown>);
    const options = await parseBundleExportOptions(requested);
    await getService(strapi, 'tasks').assertQueueRoom(creator, actor?.token ?? null);
    const contentTypes = getService(strapi, 'content-types');
    const permissions = getService(strapi, 'permissions');
    const resolved = await resolveBundleExportOptions(options, {
      strapi,
      describe: contentTypes.get,
      list: contentTypes.list,
      locales: await contentTypes.localeCodes(),
      permissionsFor: (uid) => permissions.readPermissions(actor, uid),
      canRead: (uid) => permissions.access(actor, uid)?.can('read') ?? true,
      appName: String(strapi.config.get('info.name') ?? 'strapi'),
    });
    if (resolved.withDependencies) dependencyTypes(strapi, actor, resolved.types);

    const fileName = `${resolved.name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '-')}.zip`;
    const task = await getService(strapi, 'tasks').create({
      kind: 'bundle-export',
      name: resolved.name,
      // One type: its uid (the task list names it); several: none (the options list them).
      contentType: resolved.types.length === 1 ? resolved.types[0].contentType : '',
      format: null,
      options: resolved,
      fileName,
      // The download's name is the task's; the storage key keeps to safe characters.
      fileKey: `tasks/${randomUUID()}/bundle.zip`,
      creator,
      token: actor?.token ?? null,
      scheduled,
    });
    getService(strapi, 'runner').kick();
    return task;
  },
});

export type BundleExportsService = ReturnType<typeof createBundleExportsService>;
