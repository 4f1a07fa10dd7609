import { newDocumentId } from './document-id';
import { route } from './route';
import { IN_LIST } from '../../sql/in-lists';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { AttributeSchema, ModelSchema } from '../../../schema/model-schema';
import type { ResolvedImportOptions } from '../../task-options';
import type { BulkWriter, NewDocument, UpdatedDocument } from './bulk/index';
import { ItemError, type PreparedItem } from '../prepare/prepare';
import { describeDatabaseError, withoutSql } from '../../sql/database-errors';
import { resolveReferences, type ResolveContext } from '../resolve/references';
import { modelMeta } from '../../../schema/model-metadata';

/**
 * The write stage: one batch of prepared items into the database. Per batch: one lookup query per locale for
 * the entries that already exist (by `matchBy`, bounded IN lists), one set of reference lookups, then the writes,
 * in file order:
 * - the bulk path (bulk-writer.ts), for new entries and for updates of existing drafts (or entries of types without
 *   draft & publish): each entry checked against Strapi's rules (rules.ts, else Strapi's own entity validator),
 *   then a few multi-row statements per group of consecutive entries, writing the rows the Document Service would;
 * - the Document Service, item by item, for everything the bulk path does not write the same way (see
 *   bulk-writer.ts: updates that publish, self references, a new locale of an existing document, some attributes).
 * In `continue` mode each write runs in a savepoint: a failing item (or group) rolls back alone and is reported.
 */

export interface BatchEntry {
  index: number;
  line: number | null;
  /** The item as read, for the error report. */
  raw: unknown;
  /** The mapped and validated item, or why it could not be (reported in file order with the batch). */
  prepared: PreparedItem | { error: string; key: string | number | null };
}

type ReadyEntry = BatchEntry & { prepared: PreparedItem };

export const keyOf = (entry: BatchEntry) => entry.prepared.key;

export type EntryResult =
  | {
      entry: BatchEntry;
      outcome: 'created' | 'updated';
      documentId: string;
      locale: string | null;
      deferred: DeferredLinks | null;
    }
  | { entry: BatchEntry; outcome: 'failed'; message: string };

/** Self references to items later in the file: written in a second pass, once every item exists. */
export interface DeferredLinks {
  index: number;
  line: number | null;
  key: string | number | null;
  raw: unknown;
  /** How the first pass counted the entry (it stays counted so if its links fail: the entry is kept). */
  outcome: 'created' | 'updated';
  documentId: string;
  locale: string | null;
  /** The attributes to link, as written in the file (resolved again in the second pass). */
  data: Record<string, unknown>;
}

export interface WriterContext {
  strapi: Core.Strapi;
  uid: string;
  schema: ModelSchema;
  options: ResolvedImportOptions;
  localized: boolean;
  draftAndPublish: boolean;
  defaultLocale: string | null;
  /** Attributes reset by `overwrite` when the file leaves them out. */
  resetValues: Record<string, unknown>;
  resolve: ResolveContext;
  /** The task's transaction (set by the import): savepoints isolate failing items in `continue` mode. */
  trx: Knex.Transaction;
  /** The bulk path for new entries of this type (null: every item goes through the Document Service). */
  bulk: BulkWriter | null;
  /**
   * The Content Manager permissions of the user who runs the import (null: the system or a super admin, who may
   * write everything): asked once per batch which entries that user may not write.
   */
  gate: WriteGate | null;
  /** The admin user the entries are written by (`createdBy`/`updatedBy`), or null (the system). */
  userId: number | null;
}

/** One entry as the permission check sees it. */
export interface WriteCheck {
  /** Creates an entry (or a new locale of a document), or updates the existing `documentId`. */
  documentId: string | null;
  /** A key that repeats an earlier item of the batch: created by the first, updated by this one. */
  repeated: boolean;
  locale: string | null;
  data: Record<string, unknown>;
  publish: boolean;
}

/** Decides which writes the importing user's permissions refuse: the message of each refused check. */
export interface WriteGate {
  refusals(checks: WriteCheck[]): Promise<Map<WriteCheck, string>>;
}

/** Which write path ran, counted per task. */
export interface WritePaths {
  bulk: number;
  documentService: number;
}

interface EntityValidator {
  validateEntityCreation(
    model: unknown,
    data: Record<string, unknown>,
    options: { isDraft: boolean; locale?: string }
  ): Promise<Record<string, unknown>>;
  validateEntityUpdate(
    model: unknown,
    data: Record<string, unknown>,
    options: { isDraft: boolean; locale?: string },
    entity: { id: number }
  ): Promise<Record<string, unknown>>;
}

interface DocumentsApi {
  create(params: { data: Record<string, unknown>; locale?: string; status?: string }): Promise<{ documentId: string }>;
  update(params: {
    documentId: string;
    data: Record<string, unknown>;
    locale?: string;
    status?: string;
  }): Promise<{ documentId: string } | null>;
}

/** What `overwrite` sets an attribute to when the file does not mention it: its default, or empty. */
export const resetValueOf = (attribute: AttributeSchema): unknown => {
  if (attribute.default !== undefined) return attribute.default;
  switch (attribute.type) {
    case 'relation':
      return /ToMany$|^manyWay$/.test(attribute.relation ?? '') ? [] : null;
    case 'media':
      return attribute.multiple ? [] : null;
    case 'component':
      return attribute.repeatable ? [] : null;
    case 'dynamiczone':
      return [];
    default:
      return null;
  }
};

/** Turns what Strapi or the database threw into a message naming the field. */
export const describeWriteError = (error: unknown, fieldOf?: (column: string) => string): string => {
  const e = error as { message?: string; details?: { errors?: Array<{ path?: string[]; message?: string }> } };
  const details = e.details?.errors;
  if (details?.length) {
    return details.map((d) => (d.path?.length ? `${d.path.join('.')}: ${d.message}` : d.message ?? '')).join('; ');
  }
  // A driver's error: its own sentence and the field, never the SQL text (database-errors.ts).
  const message =
    describeDatabaseError(error, fieldOf) ?? withoutSql((e.message ?? String(error)).split('\n')[0], error);
  if (/unique|duplicate/i.test(message)) return `a value that must be unique is already used (${message})`;
  return message;
};

/** A column of the type's table → the attribute it holds (for database errors naming a column). */
const fieldOfColumn = (ctx: WriterContext) => {
  const { attributes } = modelMeta(ctx.strapi, ctx.uid);
  const byColumn = new Map(Object.entries(attributes).map(([name, a]) => [a.columnName ?? name, name]));
  return (column: string) => byColumn.get(column) ?? column;
};

/**
 * Validates a new entry for the bulk path as the Document Service does: a draft as a draft; a published entry of a
 * draft & publish type first as a draft (its create), then as read back by its publish, so that the first rule
 * broken and its message are the ones the Document Service reports.
 */
const validateNew = async (
  ctx: WriterContext,
  values: Record<string, unknown>,
  published: boolean,
  locale: string | null
) => {
  const validator = ctx.strapi.entityValidator as unknown as EntityValidator;
  const model = ctx.strapi.contentType(ctx.uid as never);
  const options = { locale: locale ?? undefined };
  if (!ctx.draftAndPublish || !published)
    return validator.validateEntityCreation(model, values, { ...options, isDraft: !published });
  try {
    // A valid published entry is a valid draft too: the draft rules run again only to name the first failure.
    return await validator.validateEntityCreation(model, ctx.bulk!.asReadBack(values), { ...options, isDraft: false });
  } catch (error) {
    await validator.validateEntityCreation(model, values, { ...options, isDraft: true });
    throw error;
  }
};

let savepointCounter = 0;

/** Runs `fn` in a savepoint when `isolate` is set: a failure rolls back that item only. */
const inSavepoint = async <T>(trx: Knex.Transaction, isolate: boolean, fn: () => Promise<T>): Promise<T> => {
  if (!isolate) return fn();
  const name = `dmc_sp_${(savepointCounter = (savepointCounter + 1) % 1_000_000)}`;
  await trx.raw(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await trx.raw(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await trx.raw(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
};

const localeOf = (ctx: WriterContext, prepared: PreparedItem) =>
  ctx.localized ? prepared.locale ?? ctx.options.locale ?? ctx.defaultLocale : null;

/** The entries of this batch that exist already: `${locale}|${key}` → documentId (and documentIds in other locales). */
const lookupExisting = async (ctx: WriterContext, entries: ReadyEntry[]) => {
  const { matchBy } = ctx.options;
  const byLocale = new Map<string, Set<string | number>>();
  for (const { prepared } of entries) {
    if (prepared.key === null) continue;
    const locale = localeOf(ctx, prepared) ?? '';
    if (!byLocale.has(locale)) byLocale.set(locale, new Set());
    byLocale.get(locale)!.add(prepared.key);
  }
  const existing = new Map<string, string>();
  /** `${locale}|${key}` → the row id of the version an update writes (the draft, or the only row), when it matched. */
  const rowIds = new Map<string, number>();
  /** The matchBy values published entries hold (`${matchBy}|${locale}|${value}` → their documentId): a unique matchBy needs no second lookup. */
  const held: Held = new Map();
  /** documentIds that exist in some locale (matchBy documentId: a new locale version of an existing document). */
  const documents = new Set<string>();
  for (const [locale, keys] of byLocale) {
    const list = [...keys];
    for (let i = 0; i < list.length; i += IN_LIST) {
      const where: Record<string, unknown> = { [matchBy]: { $in: list.slice(i, i + IN_LIST) } };
      if (ctx.localized && matchBy !== 'documentId') where.locale = locale;
      const rows = (await ctx.strapi.db.query(ctx.uid as never).findMany({
        select: [...new Set(['id', 'documentId', matchBy, 'publishedAt', ...(ctx.localized ? ['locale'] : [])])],
        where,
      })) as Array<Record<string, string>>;
      for (const row of rows) {
        documents.add(row.documentId);
        if (!ctx.localized || row.locale === locale) {
          existing.set(`${locale}|${row[matchBy]}`, row.documentId);
          if (row.publishedAt !== null) held.set(`${matchBy}|${locale}|${String(row[matchBy])}`, row.documentId);
          if (!ctx.draftAndPublish || row.publishedAt === null) rowIds.set(`${locale}|${row[matchBy]}`, Number(row.id));
        }
      }
    }
  }
  return { existing, rowIds, documents, held };
};

/** Unique values published entries hold: `${attribute}|${locale}|${value}` → the holder's documentId. */
type Held = Map<string, string>;

/** The unique values this batch's entries carry that published entries already hold (added to `held`). */
const lookupHeldValues = async (ctx: WriterContext, entries: ReadyEntry[], attributes: string[], held: Held) => {
  // Drafts are not checked for unique values: a draft import needs no lookup.
  if (ctx.draftAndPublish && ctx.options.status !== 'published') return held;
  for (const name of attributes) {
    if (name === ctx.options.matchBy) continue; // known from the lookup of existing entries
    const byLocale = new Map<string, Set<unknown>>();
    for (const { prepared } of entries) {
      const value = prepared.data[name];
      if (value === undefined || value === null || value === '') continue;
      const locale = localeOf(ctx, prepared) ?? '';
      if (!byLocale.has(locale)) byLocale.set(locale, new Set());
      byLocale.get(locale)!.add(value);
    }
    for (const [locale, values] of byLocale) {
      const list = [...values];
      for (let i = 0; i < list.length; i += IN_LIST) {
        const where: Record<string, unknown> = {
          [name]: { $in: list.slice(i, i + IN_LIST) },
          publishedAt: { $notNull: true },
        };
        if (ctx.localized) where.locale = locale;
        const rows = (await ctx.strapi.db
          .query(ctx.uid as never)
          .findMany({ select: [name, 'documentId'], where })) as Array<Record<string, unknown>>;
        for (const row of rows) held.set(`${name}|${locale}|${String(row[name])}`, String(row.documentId));
      }
    }
  }
  return held;
};

/** Resolves the batch's references at once; self references to later items are deferred to the second pass. */
const resolveBatchReferences = async (ctx: WriterContext, entries: ReadyEntry[], failed: Map<ReadyEntry, string>) => {
  const requests = entries.flatMap((entry) =>
    entry.prepared.refs.map((slot) => ({ slot, locale: localeOf(ctx, entry.prepared), entry }))
  );
  const { missing, invalid } = await resolveReferences(requests, ctx.resolve);
  const deferredSlots = new Map<ReadyEntry, Set<string>>();
  for (const { request, error } of invalid) failed.set((request as (typeof requests)[number]).entry, error.message);
  for (const { request, error } of missing) {
    const { entry, slot } = request as (typeof requests)[number];
    if (slot.target === ctx.uid && !failed.has(entry)) {
      // A self reference may point to an item further on in the file: link it in the second pass.
      const attribute = slot.path.split(/[.[]/)[0];
      if (!deferredSlots.has(entry)) deferredSlots.set(entry, new Set());
      deferredSlots.get(entry)!.add(attribute);
    } else if (!failed.has(entry)) {
      failed.set(entry, error.message);
    }
  }
  return deferredSlots;
};

/**
 * The importing user's permissions: entries they may not create, update or publish (or whose fields they may not
 * set) fail here, before anything is written.
 */
const refuseByPermissions = async (
  ctx: WriterContext,
  gate: WriteGate,
  entries: ReadyEntry[],
  existing: Map<string, string>,
  failed: Map<ReadyEntry, string>
) => {
  const { options } = ctx;
  const seen = new Set<string>();
  const checks = new Map<WriteCheck, ReadyEntry>();
  for (const entry of entries) {
    if (failed.has(entry)) continue;
    const locale = localeOf(ctx, entry.prepared);
    const lookupKey = entry.prepared.key === null ? null : `${locale ?? ''}|${entry.prepared.key}`;
    const repeated = lookupKey !== null && seen.has(lookupKey);
    if (lookupKey !== null) seen.add(lookupKey);
    const check: WriteCheck = {
      documentId: (lookupKey && existing.get(lookupKey)) || null,
      repeated,
      locale,
      data: entry.prepared.data,
      publish: ctx.draftAndPublish && options.status === 'published',
    };
    checks.set(check, entry);
  }
  for (const [check, message] of await gate.refusals([...checks.keys()])) failed.set(checks.get(check)!, message);
};

/** Unique values held (by published entries, and by those this batch writes), keyed by attribute and locale. */
const uniqueValues = (uniqueAttributes: string[], held: Held) => {
  /** A unique value held by another document (or, for a new entry, by any). */
  const clashes = (values: Record<string, unknown>, locale: string | null, documentId: string | null) =>
    uniqueAttributes.some((name) => {
      const value = values[name];
      if (value === undefined || value === null || value === '') return false;
      const holder = held.get(`${name}|${locale ?? ''}|${String(value)}`);
      return holder !== undefined && holder !== documentId;
    });
  const hold = (values: Record<string, unknown>, locale: string | null, documentId: string) => {
    for (const name of uniqueAttributes) {
      const value = values[name];
      if (value !== undefined && value !== null && value !== '')
        held.set(`${name}|${locale ?? ''}|${String(value)}`, documentId);
    }
  };
  return { clashes, hold };
};

type Pending =
  | { entry: BatchEntry; kind: 'create'; doc: NewDocument }
  | { entry: BatchEntry; kind: 'update'; doc: UpdatedDocument };

/**
 * The bulk path: consecutive new entries (or consecutive updates) validated one by one, then written together.
 * `written`: keys written in this batch (a create the database refuses is taken out of it).
 */
const bulkQueue = (
  ctx: WriterContext,
  paths: WritePaths,
  results: EntryResult[],
  written: Map<string, string>,
  isolate: boolean
) => {
  const pending: Pending[] = [];
  /** Row ids of the pending updates: a row updated twice is written in two groups, in file order. */
  const pendingRows = new Set<number>();
  const write = (bulk: BulkWriter, group: Pending[]) =>
    group[0].kind === 'create'
      ? bulk.insert(
          group.map((p) => p.doc as NewDocument),
          ctx.trx
        )
      : bulk.update(
          group.map((p) => p.doc as UpdatedDocument),
          ctx.trx
        );
  const done = (p: Pending): EntryResult => ({
    entry: p.entry,
    outcome: p.kind === 'create' ? 'created' : 'updated',
    documentId: p.doc.documentId,
    locale: p.doc.locale,
    deferred: null,
  });
  const flush = async () => {
    const bulk = ctx.bulk;
    if (pending.length === 0 || !bulk) return;
    const group = pending.splice(0);
    pendingRows.clear();
    try {
      // Always in a savepoint: after a refused statement, PostgreSQL accepts nothing else in the transaction.
      await inSavepoint(ctx.trx, true, () => write(bulk, group));
      paths.bulk += group.length;
      for (const p of group) results.push(done(p));
    } catch {
      // The database refused the group: write its items one by one to find (and report) the one it refuses.
      for (const p of group) {
        try {
          await inSavepoint(ctx.trx, true, () => write(bulk, [p]));
          paths.bulk += 1;
          results.push(done(p));
        } catch (error) {
          // Not written: a later item with the same key must not take it for an existing entry.
          if (p.kind === 'create') for (const [key, id] of written) if (id === p.doc.documentId) written.delete(key);
          const message = describeWriteError(error, fieldOfColumn(ctx));
          if (!isolate) throw new ItemFailure(p.entry, message);
          results.push({ entry: p.entry, outcome: 'failed', message });
        }
      }
    }
  };
  const queue = async (next: Pending) => {
    if (
      pending.length > 0 &&
      (pending[0].kind !== next.kind || (next.kind === 'update' && pendingRows.has(next.doc.id)))
    )
      await flush();
    pending.push(next);
    if (next.kind === 'update') pendingRows.add(next.doc.id);
    if (pending.length >= BULK_INSERT_ROWS) await flush();
  };
  return { flush, queue };
};

/** The item's data as written, without the self references deferred to the second pass (copied only then). */
const withoutLaterLinks = (
  entry: BatchEntry,
  prepared: PreparedItem,
  locale: string | null,
  later: Set<string> | undefined
): { data: Record<string, unknown>; deferred: DeferredLinks | null } => {
  let data = prepared.data;
  let deferred: DeferredLinks | null = null;
  if (later) {
    data = { ...prepared.data };
    const links: Record<string, unknown> = {};
    for (const attribute of later) {
      links[attribute] = prepared.data[attribute];
      delete data[attribute];
    }
    deferred = {
      index: entry.index,
      line: entry.line,
      key: prepared.key,
      raw: entry.raw,
      outcome: 'created',
      documentId: '',
      locale,
      data: links,
    };
  }
  return { data, deferred };
};

/** One entry through the Document Service (in a savepoint when the task continues past failures). */
const writeThroughDocumentService = async (
  ctx: WriterContext,
  isolate: boolean,
  given: Record<string, unknown>,
  {
    documentId,
    targetDocumentId,
    newLocaleVersion,
    locale,
    status,
  }: {
    documentId: string | null;
    targetDocumentId: string | undefined;
    newLocaleVersion: boolean;
    locale: string | null;
    status: 'draft' | 'published' | undefined;
  }
) => {
  const documentsApi = ctx.strapi.documents(ctx.uid as never) as unknown as DocumentsApi;
  let data = given;
  data = { ...data }; // the Document Service's own copy
  // Written by the importing user, as the Content Manager writes (an "is creator" condition then applies).
  if (ctx.userId !== null) data.updatedBy = ctx.userId;
  return inSavepoint(ctx.trx, isolate, async () => {
    if (documentId) {
      // The Document Service answers null when there was nothing to update: never counted as updated.
      const updated = await documentsApi.update({ documentId, locale: locale ?? undefined, data, status });
      if (!updated) throw new ItemError(`the entry to update (documentId ${documentId}) does not exist`);
      return { outcome: 'updated' as const, documentId };
    }
    // matchBy documentId and the document exists in another locale: this creates its locale version.
    if (targetDocumentId && newLocaleVersion) {
      if (ctx.userId !== null) data.createdBy = ctx.userId;
      await documentsApi.update({ documentId: targetDocumentId, locale: locale ?? undefined, data, status });
      return { outcome: 'created' as const, documentId: targetDocumentId };
    }
    if (ctx.userId !== null) data.createdBy = ctx.userId;
    const created = await documentsApi.create({
      data: targetDocumentId ? { ...data, documentId: targetDocumentId } : data,
      locale: locale ?? undefined,
      status,
    });
    return { outcome: 'created' as const, documentId: created.documentId };
  });
};

/**
 * Everything read before the batch's writes: the entries that exist, the references (failing or deferred), the
 * permission refusals, the unique values held and which updates that publish are certain.
 */
const lookupBatch = async (ctx: WriterContext, entries: ReadyEntry[]) => {
  const { options } = ctx;
  const failed = new Map<ReadyEntry, string>();

  const { existing, rowIds, documents, held: heldKeys } = await lookupExisting(ctx, entries);

  const deferredSlots = await resolveBatchReferences(ctx, entries, failed);

  if (ctx.gate) await refuseByPermissions(ctx, ctx.gate, entries, existing, failed);

  // Unique values already held by published entries (one query per unique attribute and locale), and those this
  // batch writes: a new entry that repeats one is validated by Strapi, which names the clash.
  const uniqueAttributes = ctx.bulk?.rules.uniqueAttributes ?? [];
  const held = ctx.bulk ? await lookupHeldValues(ctx, entries, uniqueAttributes, heldKeys) : heldKeys;
  // Updates that publish: which certainly pass Strapi's rules (stored values read once for the batch).
  const publishable =
    ctx.bulk && ctx.draftAndPublish && options.status === 'published' && rowIds.size > 0
      ? await ctx.bulk.preparePublishing(
          ctx.trx,
          [...rowIds].map(([key, id]) => ({ id, documentId: existing.get(key)! }))
        )
      : () => false;
  const { clashes, hold } = uniqueValues(uniqueAttributes, held);

  return { failed, existing, rowIds, documents, deferredSlots, publishable, clashes, hold };
};

/**
 * A new entry's values as Strapi accepts them: as they are when certainly valid by Strapi's rules (rules.ts), else
 * as Strapi's own validator returns them, with the entries before it written (a unique value they hold is seen).
 */
const validCreate = async (
  ctx: WriterContext,
  bulk: BulkWriter,
  values: Record<string, unknown>,
  { published, locale, clash }: { published: boolean; locale: string | null; clash: boolean },
  flush: () => Promise<void>
) => {
  let valid = values;
  if (!(published && clash) && bulk.rules.passes(values, published)) {
    // Certainly valid by Strapi's rules (see rules.ts): written as it is.
  } else {
    // Strapi's own validator decides, with the entries before it written (a unique value they hold is seen).
    await flush();
    valid = await validateNew(ctx, values, published, locale);
  }
  return valid;
};

/** An update of the draft (or of the only row), validated as the Document Service validates an update. */
const validUpdate = async (
  ctx: WriterContext,
  bulk: BulkWriter,
  values: Record<string, unknown>,
  {
    published,
    publishes,
    locale,
    rowId,
    clash,
  }: { published: boolean; publishes: boolean; locale: string | null; rowId: number; clash: boolean },
  flush: () => Promise<void>
) => {
  let valid = values;
  if (publishes || (!(published && clash) && bulk.rules.passes(values, published, { update: true }))) {
    // Certainly valid by Strapi's rules: written as it is.
  } else {
    await flush();
    const validator = ctx.strapi.entityValidator as unknown as EntityValidator;
    const model = ctx.strapi.contentType(ctx.uid as never);
    valid = await validator.validateEntityUpdate(
      model,
      values,
      { isDraft: !published, locale: locale ?? undefined },
      { id: rowId }
    );
  }
  return valid;
};

export const writeBatch = async (
  batch: BatchEntry[],
  ctx: WriterContext,
  paths: WritePaths
): Promise<EntryResult[]> => {
  const { options } = ctx;
  const entries = batch.filter((entry): entry is ReadyEntry => !('error' in entry.prepared));
  const isolate = options.onError === 'continue';
  const results: EntryResult[] = [];
  const { failed, existing, rowIds, documents, deferredSlots, publishable, clashes, hold } = await lookupBatch(
    ctx,
    entries
  );

  /** Keys written in this batch: a key seen twice is created once, then updated. */
  const written = new Map<string, string>();

  const { flush, queue } = bulkQueue(ctx, paths, results, written, isolate);

  for (const entry of batch) {
    if ('error' in entry.prepared) {
      if (!isolate) throw new ItemFailure(entry, entry.prepared.error);
      results.push({ entry, outcome: 'failed', message: entry.prepared.error });
      continue;
    }
    const prepared = entry.prepared;
    const locale = localeOf(ctx, prepared);
    const lookupKey = prepared.key === null ? null : `${locale ?? ''}|${prepared.key}`;
    const reason = failed.get(entry as ReadyEntry);
    if (reason) {
      if (!isolate) throw new ItemFailure(entry, reason);
      results.push({ entry, outcome: 'failed', message: reason });
      continue;
    }

    const { data: given0, deferred } = withoutLaterLinks(
      entry,
      prepared,
      locale,
      deferredSlots.get(entry as ReadyEntry)
    );
    let data = given0;

    const documentId = (lookupKey && (written.get(lookupKey) ?? existing.get(lookupKey))) || null;
    try {
      if (documentId && options.importStrategy === 'add-only') {
        throw new ItemError(
          `an entry with ${options.matchBy} ${JSON.stringify(prepared.key)} already exists (importStrategy add-only)`,
          options.matchBy
        );
      }
      if (options.updateStrategy === 'overwrite' && documentId) data = { ...ctx.resetValues, ...data };
      const status = ctx.draftAndPublish ? options.status ?? 'draft' : undefined;

      const targetDocumentId = prepared.documentId ?? undefined;
      const newLocaleVersion = Boolean(targetDocumentId && ctx.localized && documents.has(targetDocumentId));
      const published = !ctx.draftAndPublish || status === 'published';
      // The row an update writes, when the entry existed before this batch (one created in it goes through the Document Service).
      const rowId =
        documentId && lookupKey && existing.get(lookupKey) === documentId ? rowIds.get(lookupKey) : undefined;
      const publishes = ctx.draftAndPublish && published;
      const writer = ctx.bulk;
      // The attributes Strapi's validator checks, and the links (relations and media) resolved above.
      const { values, links } = writer ? writer.splitData(data) : { values: data, links: {} };
      const { route: path } = route({
        bulkWriter: writer !== null,
        deferred: deferred !== null,
        blocker: writer && !deferred ? writer.blockerOf(data) : null,
        exists: Boolean(documentId),
        newLocaleVersion,
        rowKnown: rowId !== undefined,
        updateBlocker: writer?.updateBlocker ?? null,
        publishes,
        // Asked only of updates the bulk path could write: `publishable` reads the row read before the batch.
        publishCertain:
          publishes &&
          writer !== null &&
          documentId !== null &&
          rowId !== undefined &&
          publishable(data, values, { id: rowId, documentId }) &&
          !clashes(values, locale, documentId),
      });
      const bulk = path === 'document-service' ? null : writer;
      if (bulk && path === 'bulk-create') {
        // Validated as the Document Service validates (its relations and media were resolved above), then written
        // with the batch's other new entries.
        const newId = targetDocumentId ?? newDocumentId();
        const valid = await validCreate(
          ctx,
          bulk,
          values,
          { published, locale, clash: clashes(values, locale, newId) },
          flush
        );
        if (published) hold(values, locale, newId);
        if (lookupKey) written.set(lookupKey, newId);
        await queue({
          entry,
          kind: 'create',
          doc: { documentId: newId, locale, published, data: valid === values ? data : { ...valid, ...links } },
        });
        continue;
      }
      // An update that publishes is written in bulk only when it certainly passes Strapi's rules, as its draft and
      // then as the published entry the whole draft becomes (the Document Service validates and names any failure).
      if (bulk && documentId && rowId !== undefined && (path === 'bulk-update' || path === 'bulk-publish')) {
        // An update of the draft (or of the only row), validated as the Document Service validates an update.
        const valid = await validUpdate(
          ctx,
          bulk,
          values,
          { published, publishes, locale, rowId, clash: clashes(values, locale, documentId) },
          flush
        );
        if (published) hold(values, locale, documentId);
        if (lookupKey) written.set(lookupKey, documentId);
        const merged = valid === values ? data : { ...valid, ...links };
        await queue({
          entry,
          kind: 'update',
          doc: { id: rowId, documentId, locale, data: merged, publish: publishes },
        });
        continue;
      }

      // Writes happen in file order: the new entries waiting for the bulk insert go first (relation order columns
      // count links in the order they are written).
      await flush();
      const given = data;
      const outcome = await writeThroughDocumentService(ctx, isolate, data, {
        documentId,
        targetDocumentId,
        newLocaleVersion,
        locale,
        status,
      });
      paths.documentService += 1;
      ctx.bulk?.forgetOrders();
      if (published) hold(given, locale, outcome.documentId);
      if (lookupKey) written.set(lookupKey, outcome.documentId);
      if (deferred) Object.assign(deferred, { documentId: outcome.documentId, outcome: outcome.outcome });
      results.push({ entry, ...outcome, locale, deferred });
    } catch (error) {
      const message = error instanceof ItemError ? error.message : describeWriteError(error, fieldOfColumn(ctx));
      if (!isolate) throw new ItemFailure(entry, message);
      results.push({ entry, outcome: 'failed', message });
    }
  }
  await flush();
  // Results in file order (bulk entries were recorded when their rows were inserted).
  const order = new Map(batch.map((entry, i) => [entry, i]));
  return results.sort((a, b) => (order.get(a.entry) ?? 0) - (order.get(b.entry) ?? 0));
};

/** New entries per bulk write (each table's rows are split further to fit the dialect's statement limits). */
const BULK_INSERT_ROWS = 500;

/** The first failing item of a `stop` task: the import rolls everything back and reports it. */
export class ItemFailure extends Error {
  constructor(readonly entry: BatchEntry, readonly reason: string) {
    super(reason);
  }
}
