import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { ExportOptions } from '../../../../shared/contracts';
import { parseExportOptions, resolveExportOptions } from '../../validation/export-options';
import { bundleExportBodyOf, isBundleExportBody } from '../../validation/bundle-export-options';
import { FORMATS, formatOfFileName } from '../../pipeline/formats';
import { getService } from '../../utils';
import { createSecrets } from '../../pipeline/secrets';
import type { Actor } from '../permissions';
import type { NewTask, TaskRow } from './task-row';

/** Starting an export: options validated and resolved (400s before any task), then the task is queued. */
export const createExportsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * `outFileName` (the command line's `--out`) suggests the format by its ending when the options do not name one:
   * it ranks below the options and above a template.
   */
  async create({
    body,
    creator,
    actor = null,
    outFileName,
    scheduled,
  }: {
    body: unknown;
    creator: NewTask['creator'];
    /** Whose Content Manager permissions apply (null: the system, as batch files and the command line run). */
    actor?: Actor | null;
    outFileName?: string;
    /** A scheduled run of a template (scheduler.ts). */
    scheduled?: NewTask['scheduled'];
  }): Promise<TaskRow> {
    // `format: "bundle"`: several types in one zip (docs/bundles.md).
    if (isBundleExportBody(body)) {
      return getService(strapi, 'bundle-exports').create({ body: bundleExportBodyOf(body as Record<string, unknown>), creator, actor, scheduled });
    }
    const options = await parseExportOptions(body);
    await getService(strapi, 'tasks').assertQueueRoom(creator, actor?.token ?? null);
    const formatOfOut = outFileName ? formatOfFileName(outFileName) : null;

    const template = options.templateId ? await getService(strapi, 'templates').settingsFor(options.templateId, 'export') : null;
    const contentTypes = getService(strapi, 'content-types');
    const contentType = options.contentType ?? template?.contentType;
    const resolved = await resolveExportOptions({
      strapi,
      permissions: contentType ? getService(strapi, 'permissions').readPermissions(actor, contentType) : undefined,
      layers: [options, formatOfOut ? { format: formatOfOut } : null, template],
      describe: contentTypes.get,
      locales: await contentTypes.localeCodes(),
    });

    // Secrets: the key derived (and the file's header made) before the task exists; kept in memory only.
    const secrets = resolved.secrets && options.secrets?.password ? await createSecrets(options.secrets.password, resolved.secrets.encrypted) : null;

    const type = contentTypes.get(resolved.contentType);
    const date = new Date().toISOString().slice(0, 10);
    const fileName = `${type.singularName || 'export'}-${date}.${FORMATS[resolved.format].extensions[0]}`;
    const task = await getService(strapi, 'tasks').create({
      kind: 'export',
      name: resolved.name,
      contentType: resolved.contentType,
      format: resolved.format,
      options: Object.fromEntries(Object.entries(resolved).filter(([, value]) => value !== null)) as ExportOptions,
      fileName,
      fileKey: `tasks/${randomUUID()}/${fileName}`,
      creator,
      token: actor?.token ?? null,
      scheduled,
    });
    if (secrets) getService(strapi, 'secret-keys').hold(task.id, secrets);
    getService(strapi, 'runner').kick();
    return task;
  },
});

export type ExportsService = ReturnType<typeof createExportsService>;
