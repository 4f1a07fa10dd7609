import type { Knex } from 'knex';
import type { PreparedItem } from '../prepare/prepare';
import { ItemError } from '../../problems';
import type { BulkWriter } from './bulk/index';
import type { BatchEntry, DeferredLinks, WriterContext } from './entries';

/** The write stage's steps for one entry (see batch.ts): validation, savepoints, the Document Service write. */

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
export const inSavepoint = async <T>(trx: Knex.Transaction, isolate: boolean, fn: () => Promise<T>): Promise<T> => {
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

/** The item's data as written, without the self references deferred to the second pass (copied only then). */
export const withoutLaterLinks = (
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
export const writeThroughDocumentService = async (
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
      if (!updated) throw new ItemError(`the entry to update (documentId ${documentId}) does not exist`, undefined, 'write');
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
 * A new entry's values as Strapi accepts them: as they are when certainly valid by Strapi's rules (rules.ts), else
 * as Strapi's own validator returns them, with the entries before it written (a unique value they hold is seen).
 */
export const validCreate = async (
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
export const validUpdate = async (
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
