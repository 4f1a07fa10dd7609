import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { AttributeInfo } from '../../../../shared/contracts';
import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import type { TaskContext, TaskHandler, TaskOutcome } from './task-context';
import type { TaskRow } from './task-row';
import { forbidden, type TaskOwner } from '../permissions';
import { getConfig, getService } from '../../utils';
import type { ResolvedExportOptions } from '../../pipeline/task-options';
import { createPageReader } from '../../pipeline/export/read';
import type { ExportShape, ReadPath } from '../../pipeline/export/plan';
import { itemShaper, TIMESTAMPS } from '../../pipeline/export/shape';
import { FORMAT_VERSION } from '../../pipeline/formats/format-version';
import { FORMATS, type WriteOptions } from '../../pipeline/formats';
import { encryptValue } from '../../pipeline/secrets';
import { keyGone } from './secret-keys';

/**
 * The export task's handler. The export path, top to bottom:
 *
 *   the creator's access (the filters its permission's conditions add) → pages of entries (pipeline/export/read.ts:
 *   the lean reader, or the Document Service) → items in the file's shape (pipeline/export/shape.ts) → the format's
 *   writer (pipeline/formats) → the task's file
 *
 * Deterministic and diff-friendly: entries ordered by documentId then locale, keys in schema order, references
 * as keys (never populated recursively), no volatile fields unless asked. Two exports of unchanged data are
 * byte-identical, and the file re-imports as it is.
 */

interface DocumentsCounter {
  count(params: Record<string, unknown>): Promise<number>;
}

/** One type's export, ready to run: what it reads, how many entries, and how its items are written. */
export interface TypeExport {
  total: number;
  path: ReadPath;
  writeOptions: WriteOptions;
  /**
   * The items in the file's shape, page by page; `onPage` hears each page's size, `onEntries` (bundles: their
   * references and files) each page's entries as read, before they are shaped.
   */
  pages(
    signal: AbortSignal,
    onPage: (count: number) => void,
    onEntries?: (entries: Array<Record<string, unknown>>) => void
  ): AsyncGenerator<Array<Record<string, unknown>>>;
}

/**
 * The access an export's creator has now (null: unrestricted), checked against what it asks for: the type, the
 * fields, the filters and sort; and the filters the permission's conditions add (locales, "is creator"...).
 */
const exportAccess = async (strapi: Core.Strapi, options: ResolvedExportOptions, owner: TaskOwner) => {
  const uid = options.contentType;
  const permissions = getService(strapi, 'permissions');
  const actor = await permissions.actorOfOwner(owner);
  const access = permissions.access(actor, uid);
  if (access && !access.can('read')) throw forbidden(`Its creator may no longer read ${uid} (Content Manager permissions)`);
  const unreadable = access ? options.fields.filter((name) => !access.permits('read', name)) : [];
  if (unreadable.length > 0) {
    throw forbidden(`Its creator may no longer read ${unreadable.join(', ')} of ${uid} (Content Manager permissions)`);
  }
  await permissions.validateReadQuery(actor, uid, { filters: options.filters, sort: options.sort });
  const conditions = access?.conditionFilters('read') ?? null;
  const filters = conditions ? (options.filters ? { $and: [options.filters, conditions] } : conditions) : options.filters;
  return { actor, access, filters };
};

/**
 * What the shape stage needs to know of the app (pipeline/export/plan.ts ExportShape): schemas and reference keys,
 * worked out once per task (the registry builds its map on every `strapi.contentTypes` read), and the fields the
 * creator may read.
 */
const exportShapeFor = (strapi: Core.Strapi, options: ResolvedExportOptions, { actor, access }: Awaited<ReturnType<typeof exportAccess>>): ExportShape => {
  const contentTypes = getService(strapi, 'content-types');
  const permissions = getService(strapi, 'permissions');
  const schemas = new Map<string, ModelSchema | undefined>();
  const keys = new Map<string, string>();
  return {
    schemaOf: (target) => {
      if (!schemas.has(target)) schemas.set(target, contentTypes.schemaOf(target));
      return schemas.get(target);
    },
    isOffered: contentTypes.isOfferedAttribute,
    permits: access ? (path) => access.permits('read', path) : undefined,
    keyFor: (target) => {
      let key = keys.get(target);
      if (key === undefined) {
        key =
          options.relationsAs !== 'documentId' &&
          contentTypes.isOffered(target) &&
          contentTypes.get(target).matchKeys.includes(options.relationsAs) &&
          (permissions.access(actor, target)?.allowsField('read', options.relationsAs) ?? true)
            ? options.relationsAs
            : 'documentId';
        keys.set(target, key);
      }
      return key;
    },
  };
};

/** Prepares one type's export for its creator (the single-type export task; bundles export each type so). */
export const prepareTypeExport = async (
  strapi: Core.Strapi,
  options: ResolvedExportOptions,
  { owner, taskId }: { owner: TaskOwner; taskId: number }
): Promise<TypeExport> => {
  const contentTypes = getService(strapi, 'content-types');
  const uid = options.contentType;
  const schema = contentTypes.schemaOf(uid);
  if (!schema) throw new Error(`The content type ${uid} no longer exists`);
  const type = contentTypes.get(uid);
  const { batchSize, leanExports } = getConfig(strapi);
  const access = await exportAccess(strapi, options, owner);
  const shape = exportShapeFor(strapi, options, access);
  const fields = options.fields
    .map((name) => [name, schema.attributes[name]] as [string, AttributeSchema])
    .filter(([, a]) => a);

  const base: Record<string, unknown> = {};
  if (type.localized) base.locale = options.locale === 'all' ? '*' : options.locale ?? undefined;
  if (type.draftAndPublish) base.status = options.status ?? 'draft';
  const documents = strapi.documents(uid as never) as unknown as DocumentsCounter;
  const total = await documents.count({ ...base, ...(access.filters ? { filters: access.filters } : {}) });

  const { localized, draftAndPublish } = type;
  const reader = await createPageReader(
    strapi,
    { uid, fields, localized, draftAndPublish, status: options.status, locale: options.locale, filters: access.filters, sort: options.sort, includeTimestamps: options.includeTimestamps, pageSize: batchSize },
    shape,
    { lean: leanExports }
  );
  // Said when the lean reader does not cover the type (not when the setting turns it off).
  if (reader.reason && leanExports) {
    strapi.log.info(`[data-migration-center] export task ${taskId}: read through the Document Service (${reader.reason})`);
  }

  const attributes: AttributeInfo[] = options.fields
    .map((name) => type.attributes.find((a) => a.name === name))
    .filter((a): a is AttributeInfo => Boolean(a));
  const writeOptions: WriteOptions = {
    attributes,
    leadingKeys: localized ? ['documentId', 'locale'] : ['documentId'],
    trailingKeys: options.includeTimestamps ? TIMESTAMPS.filter((t) => t !== 'publishedAt' || draftAndPublish) : [],
    formatVersion: FORMAT_VERSION,
    referenceKey: shape.keyFor,
    csvDelimiter: options.csvDelimiter ?? ',',
    csvBom: options.csvBom ?? false,
    configuration: {
      formatVersion: FORMAT_VERSION,
      contentType: uid,
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'stop',
      matchBy: 'documentId',
      ...(options.status ? { status: options.status } : {}),
    },
  };
  const shaped = itemShaper({ shape, fields, localized, draftAndPublish, includeTimestamps: options.includeTimestamps });
  // Secrets: each private value encrypted (pipeline/secrets.ts), under the key held in memory for this task.
  let toItem = shaped;
  if (options.secrets) {
    const held = getService(strapi, 'secret-keys').get(taskId);
    if (!held?.header) throw keyGone(taskId);
    const { key, header } = held;
    writeOptions.secrets = header as unknown as Record<string, unknown>;
    const encrypted = options.secrets.encrypted.filter((name) => options.fields.includes(name));
    toItem = (entry) => {
      const item = shaped(entry);
      for (const name of encrypted) item[name] = encryptValue(key, item[name]);
      return item;
    };
  }
  return {
    total,
    path: reader.path,
    writeOptions,
    async *pages(signal, onPage, onEntries) {
      for await (const page of reader.pages(signal)) {
        onEntries?.(page);
        const items = page.map(toItem);
        onPage(page.length);
        yield items;
      }
    },
  };
};

export const createExportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const options = {
      locale: null,
      status: null,
      sort: null,
      filters: null,
      ...(task.options as Partial<ResolvedExportOptions>),
    } as ResolvedExportOptions;
    if (!task.fileKey) throw new Error(`Export task ${task.id} has no file to write`);
    const typeExport = await prepareTypeExport(strapi, options, { owner: task, taskId: task.id });
    context.progress({ total: typeExport.total, processed: 0 });
    let processed = 0;
    const pages = typeExport.pages(context.signal, (count) => {
      processed += count;
      context.progress({ processed });
    });
    const file = getService(strapi, 'storage').createWriteStream(task.fileKey);
    await pipeline(FORMATS[options.format].write(pages, typeExport.writeOptions), file, { signal: context.signal });
    return { status: 'completed', counts: { total: processed, processed }, data: { writePath: typeExport.path } };
  };
