import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { AttributeInfo } from '../../../../shared/contracts';
import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import type { TaskContext, TaskHandler, TaskOutcome } from './runner';
import type { TaskRow } from './task-row';
import { forbidden } from '../permissions';
import { getConfig, getService } from '../../utils';
import type { ResolvedExportOptions } from '../../pipeline/task-options';
import { createPageReader } from '../../pipeline/export/read';
import { componentFields, type ExportShape } from '../../pipeline/export/plan';
import { FORMAT_VERSION } from '../../pipeline/formats/format-version';
import { FORMATS, type WriteOptions } from '../../pipeline/formats';

/**
 * The export path, top to bottom:
 *
 *   pages of entries (export-reader.ts: the lean reader, or the Document Service) → items in the file's shape →
 *   format writer → file
 *
 * Deterministic and diff-friendly: entries ordered by documentId then locale, keys in schema order, references
 * as keys (never populated recursively), no volatile fields unless asked. Two exports of unchanged data are
 * byte-identical, and the file re-imports as it is.
 */

interface DocumentsCounter {
  count(params: Record<string, unknown>): Promise<number>;
}

const TO_MANY = /ToMany$|^manyWay$/;
const TIMESTAMPS = ['createdAt', 'updatedAt', 'publishedAt'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

type Entry = Record<string, unknown>;
/** Writes one attribute's value as the file carries it. */
export type ValueWriter = (value: unknown) => unknown;

/**
 * The writer of one attribute's values as the file writes them (and as the importer reads them back), worked out
 * once per attribute: the attribute's type, its reference key and its component's fields are looked at once per
 * task, not once per value.
 */
export const compileExportValue = (shape: ExportShape, attribute: AttributeSchema, path?: string): ValueWriter => {
  switch (attribute.type) {
    case 'relation': {
      const key = shape.keyFor(attribute.target as string);
      const ref = key === 'documentId' ? (entry: Entry) => entry.documentId : (entry: Entry) => ({ [key]: entry[key] });
      if (TO_MANY.test(attribute.relation ?? ''))
        return (value) => ((value as Entry[] | null | undefined) ?? []).map(ref);
      return (value) => (value ? ref(value as Entry) : null);
    }
    case 'media': {
      const file = (entry: Entry) => ({ url: entry.url, id: entry.id, hash: entry.hash });
      if (attribute.multiple) return (value) => ((value as Entry[] | null | undefined) ?? []).map(file);
      return (value) => (value ? file(value as Entry) : null);
    }
    case 'component': {
      const one = componentWriter(shape, attribute.component as string, path);
      if (attribute.repeatable) return (value) => ((value as Entry[] | null | undefined) ?? []).map(one);
      return (value) => (value ? one(value as Entry) : null);
    }
    case 'dynamiczone': {
      const writers = new Map<string, (entry: Entry) => Entry>();
      return (value) =>
        ((value as Entry[] | null | undefined) ?? []).map((entry) => {
          const uid = entry.__component as string;
          let one = writers.get(uid);
          if (!one) {
            one = componentWriter(shape, uid);
            writers.set(uid, one);
          }
          return { __component: uid, ...one(entry) };
        });
    }
    case 'biginteger':
      return (value) => (value === null || value === undefined ? null : String(value));
    case 'integer':
    case 'float':
    case 'decimal':
      return (value) => (value === null || value === undefined ? null : Number(value));
    case 'boolean':
      return (value) => (value === null || value === undefined ? null : Boolean(value));
    case 'date':
      return (value) => {
        if (value instanceof Date)
          return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
        return value === undefined ? null : value;
      };
    case 'datetime':
    case 'timestamp':
      return (value) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
    default:
      return (value) => (value === undefined ? null : value);
  }
};

/**
 * A component entry as the file writes it: its exported fields, in schema order. `path` (the component's field
 * path, absent inside dynamic zones, which permissions treat as a whole) leaves out the fields the user may not read.
 */
const componentWriter = (shape: ExportShape, uid: string, path?: string): ((entry: Entry) => Entry) => {
  const schema = shape.schemaOf(uid);
  if (!schema) throw new Error(`Unknown component ${uid}`);
  const fields = componentFields(schema)
    .filter(([name]) => !path || !shape.permits || shape.permits(`${path}.${name}`))
    .map(([name, attribute]) => [name, compileExportValue(shape, attribute, path && `${path}.${name}`)] as const);
  return (entry) => {
    const result: Entry = {};
    for (const [name, write] of fields) result[name] = write(entry[name]);
    return result;
  };
};

/** One value as the file writes it (and as the importer reads it back). */
export const exportValue = (shape: ExportShape, attribute: AttributeSchema, value: unknown): unknown =>
  compileExportValue(shape, attribute)(value);

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
    const contentTypes = getService(strapi, 'content-types');
    const storage = getService(strapi, 'storage');
    const uid = options.contentType;
    const schema = contentTypes.schemaOf(uid);
    if (!schema || !task.fileKey) throw new Error(`The content type ${uid} no longer exists`);
    const type = contentTypes.get(uid);
    const { batchSize, leanExports } = getConfig(strapi);

    // The Content Manager permissions of the user who asked for it, as they are now (null: unrestricted).
    const permissions = getService(strapi, 'permissions');
    const actor = await permissions.actorById(task.creatorId);
    const access = permissions.access(actor, uid);
    if (access && !access.can('read')) throw forbidden(`Its creator may no longer read ${uid} (Content Manager permissions)`);
    const unreadable = access ? options.fields.filter((name) => !access.permits('read', name)) : [];
    if (unreadable.length > 0) {
      throw forbidden(`Its creator may no longer read ${unreadable.join(', ')} of ${uid} (Content Manager permissions)`);
    }
    await permissions.validateReadQuery(actor, uid, { filters: options.filters, sort: options.sort });
    // Only the entries the permission's conditions allow (locales, "is creator", custom conditions).
    const conditions = access?.conditionFilters('read') ?? null;
    const filters = conditions ? (options.filters ? { $and: [options.filters, conditions] } : conditions) : options.filters;

    // Schemas and reference keys worked out once per task, not per value: the registry builds its map on every
    // `strapi.contentTypes` read.
    const schemas = new Map<string, ModelSchema | undefined>();
    const keys = new Map<string, string>();
    const shape: ExportShape = {
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
    const fields = options.fields
      .map((name) => [name, schema.attributes[name]] as [string, AttributeSchema])
      .filter(([, a]) => a);

    const base: Record<string, unknown> = {};
    if (type.localized) base.locale = options.locale === 'all' ? '*' : options.locale ?? undefined;
    if (type.draftAndPublish) base.status = options.status ?? 'draft';
    const documents = strapi.documents(uid as never) as unknown as DocumentsCounter;
    const total = await documents.count({ ...base, ...(filters ? { filters } : {}) });
    context.progress({ total, processed: 0 });

    const reader = await createPageReader(
      strapi,
      {
        uid,
        fields,
        localized: type.localized,
        draftAndPublish: type.draftAndPublish,
        status: options.status,
        locale: options.locale,
        filters,
        sort: options.sort,
        includeTimestamps: options.includeTimestamps,
        pageSize: batchSize,
      },
      shape,
      { lean: leanExports }
    );
    // Said when the lean reader does not cover the type (not when the setting turns it off).
    if (reader.reason && leanExports)
      strapi.log.info(
        `[data-migration-center] export task ${task.id}: read through the Document Service (${reader.reason})`
      );

    const attributes: AttributeInfo[] = options.fields
      .map((name) => type.attributes.find((a) => a.name === name))
      .filter((a): a is AttributeInfo => Boolean(a));
    const writeOptions: WriteOptions = {
      attributes,
      leadingKeys: type.localized ? ['documentId', 'locale'] : ['documentId'],
      trailingKeys: options.includeTimestamps
        ? TIMESTAMPS.filter((t) => t !== 'publishedAt' || type.draftAndPublish)
        : [],
      formatVersion: FORMAT_VERSION,
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

    const values = fields.map(([name, attribute]) => [name, compileExportValue(shape, attribute, name)] as const);
    let processed = 0;
    async function* pages(): AsyncGenerator<Array<Record<string, unknown>>> {
      for await (const page of reader.pages(context.signal)) {
        const items = page.map((entry) => {
          const item: Record<string, unknown> = { documentId: entry.documentId };
          if (type.localized) item.locale = entry.locale;
          for (const [name, write] of values) item[name] = write(entry[name]);
          if (options.includeTimestamps) {
            for (const key of TIMESTAMPS)
              if (key !== 'publishedAt' || type.draftAndPublish)
                item[key] = entry[key] ? new Date(entry[key] as string).toISOString() : null;
          }
          return item;
        });
        processed += page.length;
        context.progress({ processed });
        yield items;
      }
    }

    await pipeline(FORMATS[options.format].write(pages(), writeOptions), storage.createWriteStream(task.fileKey), { signal: context.signal });
    return { status: 'completed', counts: { total: processed, processed }, data: { writePath: reader.path } };
  };
