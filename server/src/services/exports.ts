import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { ExportOptions } from '../../../shared/contracts';
import { parseExportOptions, resolveExportOptions } from '../pipeline/export-options';
import { FORMATS } from '../pipeline/formats';
import { fieldError } from '../pipeline/options';
import { getService } from '../utils';
import type { NewTask, TaskRow } from './tasks';

/** Starting an export: options validated and resolved (400s before any task), then the task is queued. */
export const createExportsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create({ body, creator }: { body: unknown; creator: NewTask['creator'] }): Promise<TaskRow> {
    const options = await parseExportOptions(body);

    let template: ExportOptions | null = null;
    if (options.templateId) {
      const row = await getService(strapi, 'templates')
        .getRow(options.templateId)
        .catch(() => null);
      if (!row || row.kind !== 'export') throw fieldError('templateId', `Export template ${options.templateId} not found`);
      template = { ...((row.options ?? {}) as ExportOptions), contentType: row.contentType };
    }

    const contentTypes = getService(strapi, 'content-types');
    const locales = ((await strapi.plugin('i18n')?.service('locales').find()) as Array<{ code: string }> | undefined) ?? [];
    const resolved = await resolveExportOptions({
      strapi,
      layers: [options, template],
      describe: (uid) => {
        try {
          return contentTypes.get(uid);
        } catch {
          throw fieldError('contentType', `Unknown content type "${uid}": it does not exist or is not offered for migration`);
        }
      },
      locales: locales.map((l) => l.code),
    });

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
    });
    getService(strapi, 'runner').kick();
    return task;
  },
});

export type ExportsService = ReturnType<typeof createExportsService>;
