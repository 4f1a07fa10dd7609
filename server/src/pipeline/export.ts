import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { AttributeInfo } from '../../../shared/contracts';
import type { AttributeSchema, ModelSchema } from '../services/content-types';
import type { TaskContext, TaskHandler, TaskOutcome } from '../services/runner';
import type { TaskRow } from '../services/tasks';
import { getConfig, getService } from '../utils';
import type { ResolvedExportOptions } from './export-options';
import { FORMAT_VERSION } from './format-version';
import { FORMATS } from './formats';

/**
 * The export path, top to bottom:
 *
 *   keyset-paged reads (Document Service, one page = one batch) → items in the file's shape → format writer → file
 *
 * Deterministic and diff-friendly: entries ordered by documentId then locale, keys in schema order, references
 * as keys (never populated recursively), no volatile fields unless asked. Two exports of unchanged data are
 * byte-identical, and the file re-imports as it is.
 */

interface DocumentsReader {
  findMany(params: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  count(params: Record<string, unknown>): Promise<number>;
}

const TO_MANY = /ToMany$|^manyWay$/;
const TIMESTAMPS = ['createdAt', 'updatedAt', 'publishedAt'];

export interface ExportShape {
  schemaOf: (uid: string) => ModelSchema | undefined;
  isOffered: (attribute: AttributeSchema, name: string) => boolean;
  /** The key written for a reference to `target`: relationsAs when the target has it as a unique key. */
  keyFor: (target: string) => string;
}

/** Attributes of a component written in an export: every non-private one, in schema order. */
const componentFields = (schema: ModelSchema) =>
  Object.entries(schema.attributes).filter(([, a]) => !a.private && a.type !== 'password');

/** The populate a page needs: keys of relations, url/hash of media, components and dynamic zones deep. */
export const populateFor = (shape: ExportShape, fields: Array<[string, AttributeSchema]>): Record<string, unknown> => {
  const populate: Record<string, unknown> = {};
  for (const [name, attribute] of fields) {
    switch (attribute.type) {
      case 'relation':
        populate[name] = { fields: [...new Set(['documentId', shape.keyFor(attribute.target as string)])] };
        break;
      case 'media':
        populate[name] = { fields: ['url', 'hash'] };
        break;
      case 'component': {
        const nested = populateFor(shape, componentFields(shape.schemaOf(attribute.component as string) as ModelSchema));
        populate[name] = Object.keys(nested).length ? { populate: nested } : true;
        break;
      }
      case 'dynamiczone': {
        const on: Record<string, unknown> = {};
        for (const uid of attribute.components ?? []) {
          const nested = populateFor(shape, componentFields(shape.schemaOf(uid) as ModelSchema));
          on[uid] = Object.keys(nested).length ? { populate: nested } : true;
        }
        populate[name] = { on };
        break;
      }
      default:
    }
  }
  return populate;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One value as the file writes it (and as the importer reads it back). */
export const exportValue = (shape: ExportShape, attribute: AttributeSchema, value: unknown): unknown => {
  if (value === undefined) value = null;
  switch (attribute.type) {
    case 'relation': {
      const target = attribute.target as string;
      const key = shape.keyFor(target);
      const ref = (entry: Record<string, unknown>) => (key === 'documentId' ? entry.documentId : { [key]: entry[key] });
      if (TO_MANY.test(attribute.relation ?? '')) return ((value as Array<Record<string, unknown>> | null) ?? []).map(ref);
      return value ? ref(value as Record<string, unknown>) : null;
    }
    case 'media': {
      const file = (entry: Record<string, unknown>) => ({ url: entry.url, id: entry.id, hash: entry.hash });
      if (attribute.multiple) return ((value as Array<Record<string, unknown>> | null) ?? []).map(file);
      return value ? file(value as Record<string, unknown>) : null;
    }
    case 'component': {
      const schema = shape.schemaOf(attribute.component as string) as ModelSchema;
      const one = (entry: Record<string, unknown>) =>
        Object.fromEntries(componentFields(schema).map(([name, a]) => [name, exportValue(shape, a, entry[name])]));
      if (attribute.repeatable) return ((value as Array<Record<string, unknown>> | null) ?? []).map(one);
      return value ? one(value as Record<string, unknown>) : null;
    }
    case 'dynamiczone':
      return ((value as Array<Record<string, unknown>> | null) ?? []).map((entry) => {
        const uid = entry.__component as string;
        const schema = shape.schemaOf(uid) as ModelSchema;
        return { __component: uid, ...Object.fromEntries(componentFields(schema).map(([name, a]) => [name, exportValue(shape, a, entry[name])])) };
      });
    case 'biginteger':
      return value === null ? null : String(value);
    case 'integer':
    case 'float':
    case 'decimal':
      return value === null ? null : Number(value);
    case 'boolean':
      return value === null ? null : Boolean(value);
    case 'date':
      if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
      return value;
    case 'datetime':
    case 'timestamp':
      return value === null ? null : new Date(value as string).toISOString();
    default:
      return value;
  }
};

export const createExportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const options = { locale: null, status: null, sort: null, filters: null, ...(task.options as Partial<ResolvedExportOptions>) } as ResolvedExportOptions;
    const contentTypes = getService(strapi, 'content-types');
    const storage = getService(strapi, 'storage');
    const uid = options.contentType;
    const schema = contentTypes.schemaOf(uid);
    if (!schema || !task.fileKey) throw new Error(`The content type ${uid} no longer exists`);
    const type = contentTypes.get(uid);
    const { batchSize } = getConfig(strapi);

    const shape: ExportShape = {
      schemaOf: contentTypes.schemaOf,
      isOffered: contentTypes.isOfferedAttribute,
      keyFor: (target) =>
        options.relationsAs !== 'documentId' && contentTypes.isOffered(target) && contentTypes.get(target).matchKeys.includes(options.relationsAs)
          ? options.relationsAs
          : 'documentId',
    };
    const fields = options.fields.map((name) => [name, schema.attributes[name]] as [string, AttributeSchema]).filter(([, a]) => a);
    const populate = populateFor(shape, fields);

    const documents = strapi.documents(uid as never) as unknown as DocumentsReader;
    const base: Record<string, unknown> = {};
    if (type.localized) base.locale = options.locale === 'all' ? '*' : (options.locale ?? undefined);
    if (type.draftAndPublish) base.status = options.status ?? 'draft';
    const total = await documents.count({ ...base, ...(options.filters ? { filters: options.filters } : {}) });
    context.progress({ total, processed: 0 });

    /** Pages of entries: keyset on (documentId, locale) by default, offsets when a custom sort is asked. */
    async function* pages(): AsyncGenerator<Array<Record<string, unknown>>> {
      const tiebreak = type.localized ? ['documentId:asc', 'locale:asc'] : ['documentId:asc'];
      let last: Record<string, unknown> | null = null;
      for (let start = 0; ; start += batchSize) {
        context.signal.throwIfAborted();
        const filters: unknown[] = [];
        if (options.filters) filters.push(options.filters);
        if (!options.sort && last) {
          filters.push(
            type.localized
              ? { $or: [{ documentId: { $gt: last.documentId } }, { documentId: last.documentId, locale: { $gt: last.locale } }] }
              : { documentId: { $gt: last.documentId } }
          );
        }
        const page = await documents.findMany({
          ...base,
          filters: filters.length ? { $and: filters } : undefined,
          sort: options.sort ? [...options.sort, ...tiebreak] : tiebreak,
          populate,
          ...(options.sort ? { start, limit: batchSize } : { limit: batchSize }),
        });
        if (page.length === 0) return;
        yield page;
        last = page[page.length - 1];
        if (page.length < batchSize) return;
      }
    }

    const attributes: AttributeInfo[] = options.fields
      .map((name) => type.attributes.find((a) => a.name === name))
      .filter((a): a is AttributeInfo => Boolean(a));
    const writer = FORMATS[options.format].createWriter({
      attributes,
      leadingKeys: type.localized ? ['documentId', 'locale'] : ['documentId'],
      trailingKeys: options.includeTimestamps ? TIMESTAMPS.filter((t) => t !== 'publishedAt' || type.draftAndPublish) : [],
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
    });

    let processed = 0;
    async function* render(): AsyncGenerator<string> {
      yield writer.begin();
      for await (const page of pages()) {
        let chunk = '';
        for (const entry of page) {
          const item: Record<string, unknown> = { documentId: entry.documentId };
          if (type.localized) item.locale = entry.locale;
          for (const [name, attribute] of fields) item[name] = exportValue(shape, attribute, entry[name]);
          if (options.includeTimestamps) {
            for (const key of TIMESTAMPS) if (key !== 'publishedAt' || type.draftAndPublish) item[key] = entry[key] ? new Date(entry[key] as string).toISOString() : null;
          }
          chunk += writer.item(item);
        }
        processed += page.length;
        context.progress({ processed });
        yield chunk;
      }
      yield writer.end();
    }

    await pipeline(render(), storage.createWriteStream(task.fileKey), { signal: context.signal });
    return { status: 'completed', counts: { total: processed, processed } };
  };
