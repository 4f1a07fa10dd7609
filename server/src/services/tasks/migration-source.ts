import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { MigrationSource } from '../../../../shared/contracts';
import type { ResolvedExportOptions } from '../../pipeline/task-options';
import { FORMATS } from '../../pipeline/formats';
import { getService } from '../../utils';
import type { TaskContext } from './task-context';
import { prepareTypeExport } from './export-task';
import type { TaskRow } from './task-row';

/**
 * The snapshot a migration imports (migrations.ts): the source's entries, written by the export path as a JSONL file
 * under the task's file key before the import reads it. Taken once: a resumed migration reads the same snapshot (so it
 * never reads entries it changed itself). The file is written atomically (storage), so a server killed while writing
 * it leaves none, and the next run takes it again. Read with the task creator's permissions as they are now.
 */
export const writeMigrationSource = async (strapi: Core.Strapi, task: TaskRow, source: MigrationSource, context: TaskContext): Promise<void> => {
  const storage = getService(strapi, 'storage');
  const fileKey = task.fileKey as string;
  if ((await storage.size(fileKey)) !== null) return;
  const options: ResolvedExportOptions = {
    contentType: source.contentType,
    format: 'jsonl',
    fields: source.fields ?? [],
    filters: source.filters ?? null,
    locale: source.locale ?? null,
    status: source.status ?? null,
    sort: null,
    relationsAs: 'documentId',
    includeTimestamps: false,
    csvDelimiter: ',',
    csvBom: false,
    templateId: null,
    name: task.name,
  };
  const typeExport = await prepareTypeExport(strapi, options, { owner: task, taskId: task.id });
  context.progress({ total: typeExport.total, processed: 0 });
  const pages = typeExport.pages(context.signal, () => undefined);
  await pipeline(FORMATS.jsonl.write(pages, typeExport.writeOptions), storage.createWriteStream(fileKey), { signal: context.signal });
};
