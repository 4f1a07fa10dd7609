import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { getConfig, getService } from '../../utils';
import type { ContentTypesService } from '../content-types';
import type { TaskOwner } from '../permissions';
import { planUpgrade } from '../../pipeline/formats/format-version';
import { decryptValue } from '../../pipeline/secrets';
import { ItemError } from '../../pipeline/problems';
import { keyGone } from './secret-keys';
import { FORMATS } from '../../pipeline/formats';
import type { ResolvedImportOptions } from '../../pipeline/task-options';
import { prepareItem, type PrepareContext } from '../../pipeline/import/prepare/prepare';
import { compileTransforms, DEFAULT_TRANSFORM_LIMITS, type TransformLimits } from '../../pipeline/import/prepare/transforms';
import { createBulkWriter } from '../../pipeline/import/write/bulk/index';
import { resetValueOf } from '../../pipeline/import/write/batch';
import { ItemFailure, keyOf, type WritePaths, type WriterContext } from '../../pipeline/import/write/entries';
import { withoutSql } from '../../pipeline/sql/database-errors';
import type { TaskOutcome } from './task-context';
import { createLookupIndex } from '../../pipeline/sql/lookup-index';
import { columnOf, modelMeta } from '../../schema/model-metadata';

/**
 * What an import task hands the import path (pipeline/import/run.ts), for a single-type import (import-task.ts) and
 * for each type of a bundle (bundle-import-task.ts): the writer's context with the creator's permissions, the
 * item preparer, the transaction, the pause between batches, and how a stop is described.
 */

/** Remembers a function's answer per argument. */
const once = <T>(fn: (key: string) => T) => {
  const answers = new Map<string, T>();
  return (key: string): T => {
    if (!answers.has(key)) answers.set(key, fn(key));
    return answers.get(key)!;
  };
};

/** Which write path ran (recorded in the task): `bulk`, `document-service`, both, or null when nothing was written. */
export const describePaths = ({ bulk, documentService }: WritePaths) =>
  bulk && documentService ? 'bulk+document-service' : bulk ? 'bulk' : documentService ? 'document-service' : null;

/** How long a pause between batches lets another request have SQLite's one connection. */
const BATCH_PAUSE_MS = 20;

/** What the write stage needs to write the type for the task's creator, with their permissions as they are now. */
export const writerContextFor = async (
  strapi: Core.Strapi,
  options: ResolvedImportOptions,
  owner: TaskOwner
): Promise<Omit<WriterContext, 'trx'>> => {
  const contentTypes = getService(strapi, 'content-types');
  const uid = options.contentType;
  const schema = contentTypes.schemaOf(uid)!;
  const type = contentTypes.get(uid);
  const i18n = strapi.plugin('i18n')?.service('locales') as { getDefaultLocale(): Promise<string> } | undefined;
  // The Content Manager permissions of the user (or API token) who started it, as they are now (null: unrestricted).
  const permissions = getService(strapi, 'permissions');
  const actor = await permissions.actorOfOwner(owner);
  if (actor) permissions.assertImportAllowed(actor, options);
  const access = permissions.access(actor, uid);
  const userId = actor?.id ?? null;
  const appDefaultLocale = i18n ? await i18n.getDefaultLocale() : null;
  return {
    strapi,
    // New entries go through the bulk path when the item sets only what it writes as the Document Service does;
    // `lifecycles: run` sends every entry through the Document Service (hooks, middlewares and entry webhooks fire).
    bulk: getConfig(strapi).bulkWrites && options.lifecycles !== 'run' ? createBulkWriter(strapi, uid, { userId }) : null,
    gate: permissions.writeGate(actor, uid, { draftAndPublish: type.draftAndPublish, localized: type.localized }),
    userId,
    uid,
    schema,
    options,
    localized: type.localized,
    draftAndPublish: type.draftAndPublish,
    defaultLocale: type.localized ? appDefaultLocale : null,
    // overwrite resets what the file leaves out: only the fields the user may update.
    resetValues: Object.fromEntries(
      Object.entries(schema.attributes)
        .filter(([name, attribute]) => contentTypes.isOfferedAttribute(attribute, name))
        .filter(([name]) => !access || access.allowsField('update', name))
        .map(([name, attribute]) => [name, resetValueOf(attribute)])
    ),
    resolve: {
      strapi,
      sourceLocalized: type.localized,
      defaultLocale: appDefaultLocale,
      // Asked for every reference: worked out once per target.
      // A reference by a natural key reads it: only keys the user may read (documentId always).
      keysOf: once((target) =>
        contentTypes.isOffered(target)
          ? contentTypes
              .get(target)
              .matchKeys.filter((key) => key === 'documentId' || (permissions.access(actor, target)?.allowsField('read', key) ?? true))
          : ['documentId']
      ),
      isLocalized: once(
        (target) =>
          (contentTypes.schemaOf(target)?.pluginOptions as { i18n?: { localized?: boolean } } | undefined)?.i18n
            ?.localized === true
      ),
    },
  };
};

/**
 * Between batches of a task that commits per batch. SQLite has one connection: when another request took it as the
 * batch ended (or waits for it), pause briefly so that it runs its queries back to back instead of one per batch.
 * Otherwise a batch's writes ran back to back without giving the event loop a turn (better-sqlite3 is synchronous,
 * the rest are promise continuations): let waiting requests (status, cancel, any admin page) take one now.
 */
export const pauseBetweenBatches = (strapi: Core.Strapi, perBatch: boolean) => {
  const sqlite = perBatch && strapi.db.dialect.client === 'sqlite';
  /** Whether another request holds or waits for a connection (knex's pool; unknown counts as wanted). */
  const connectionWanted = () => {
    const pool = (strapi.db.connection.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
    return !pool || pool.numUsed() + pool.numPendingAcquires() > 0;
  };
  return () =>
    new Promise<void>((resolve) => (sqlite && connectionWanted() ? setTimeout(resolve, BATCH_PAUSE_MS) : setImmediate(resolve)));
};

/**
 * Where a stop task stopped, numbered as the admin numbers items (1-based, the line beside it):
 * `item 3 (line 5), key "news"`. The error report's `itemNumber` is the same number (3).
 */
export const whereItem = (failure: ItemFailure) => {
  const { entry } = failure;
  const key = keyOf(entry);
  return [`item ${entry.index + 1}${entry.line ? ` (line ${entry.line})` : ''}`, key !== null ? `key ${JSON.stringify(key)}` : null]
    .filter(Boolean)
    .join(', ');
};

/** A reader's message without the line (or sheet row) it starts with when `whereItem` says it already. */
const withoutLine = (message: string, line: number | null) =>
  line ? message.replace(new RegExp(`^(?:Line|Row) ${line}(?:, |: )`), '') : message;

/**
 * What an import that stopped on an error answers (the single-type and bundle import tasks alike), once its report
 * is closed and its counts say what landed: a failing item in stop mode is the task's failure (`at` names where,
 * `data` what the task keeps); any other error is thrown again with what was kept (`kept`, continue mode: the batches
 * before) or that nothing was imported, its SQL left out. A stop-mode task's partial error report is removed then.
 */
export const stoppedImport = async (
  error: unknown,
  {
    perBatch,
    at,
    kept,
    counts,
    data,
    removeReport,
  }: { perBatch: boolean; at: string; kept: string; counts: TaskOutcome['counts']; data: TaskOutcome['data']; removeReport: () => Promise<void> }
): Promise<TaskOutcome> => {
  if (error instanceof ItemFailure) {
    const message = withoutLine(error.problem.message, error.entry.line);
    return { status: 'failed', error: `Stopped at ${at}${whereItem(error)}: ${message}. Nothing was imported (onError: stop).`, counts, data };
  }
  if (!perBatch) await removeReport().catch(() => undefined);
  const reason = withoutSql(String((error as Error)?.message ?? error).split('\n')[0], error);
  throw Object.assign(new Error(`${reason}. ${perBatch ? `The batches before were kept: ${kept}` : 'Nothing was imported'}.`), { cause: error });
};

/** Map and coerce one item of the file (pipeline/import/prepare), upgraded first when the file's format is older. */
export const preparerFor = async (
  contentTypes: ContentTypesService,
  options: ResolvedImportOptions,
  formatVersion: number | null,
  /** The plugin's `transforms` limits (time and depth per expression and item). */
  transformLimits: TransformLimits = DEFAULT_TRANSFORM_LIMITS,
  /** A file with encrypted private attributes: the key (secret-keys.ts), the attributes. */
  secrets: { key: Buffer; encrypted: string[] } | null = null
) => {
  const type = contentTypes.get(options.contentType);
  const transforms = compileTransforms(options.fieldMapping, options.computed, transformLimits, FORMATS[options.format].tabular);
  const encrypted = new Set(secrets?.encrypted ?? []);
  const context: PrepareContext = {
    schema: contentTypes.schemaOf(options.contentType)!,
    schemaOf: contentTypes.schemaOf,
    // The file's encrypted private attributes are imported (the write gate still checks the user may write them).
    isOffered: (attribute, name) =>
      contentTypes.isOfferedAttribute(attribute, name) || (attribute.private === true && attribute.type !== 'password' && encrypted.has(name)),
    fieldMapping: FORMATS[options.format].tabular ? {} : transforms.mapping, // tabular formats map columns in the reader
    matchBy: options.matchBy,
    localized: type.localized,
    locales: type.localized ? await contentTypes.localeCodes() : undefined,
  };
  const upgrade = planUpgrade(formatVersion ?? undefined);
  const decrypt = secrets ? decrypter(secrets.key, [...encrypted]) : null;
  // Decrypted first (the file's values), then upgraded (an older file), then transformed.
  const read =
    decrypt && upgrade.steps.length > 0
      ? (value: Record<string, unknown>) => upgrade.item(decrypt(value))
      : decrypt ?? (upgrade.steps.length > 0 ? upgrade.item : null);
  // No transform: synchronous, as before (no promise per item).
  if (!transforms.any) {
    if (!read) return (value: Record<string, unknown>) => prepareItem(value, context);
    return (value: Record<string, unknown>) => prepareItem(read(value), context);
  }
  return async (value: Record<string, unknown>) => {
    const { item, placed } = await transforms.apply(read ? read(value) : value);
    return prepareItem(item, context, placed);
  };
};

/** The key of a task's file secrets, held in this server's memory (secret-keys.ts); null for a file without them. */
export const secretsOf = (strapi: Core.Strapi, taskId: number, options: Pick<ResolvedImportOptions, 'secrets'>) => {
  if (!options.secrets) return null;
  const held = getService(strapi, 'secret-keys').get(taskId);
  if (!held) throw keyGone(taskId);
  return { key: held.key, encrypted: options.secrets.encrypted };
};

/**
 * Decrypts an item's encrypted private attributes (pipeline/secrets.ts): a value that is not encrypted, or does not
 * decrypt (changed after the export), is that item's failure, stage `read`, naming the field.
 */
const decrypter = (key: Buffer, fields: string[]) => (value: Record<string, unknown>) => {
  const item = { ...value };
  for (const name of fields) {
    if (!Object.prototype.hasOwnProperty.call(item, name)) continue;
    try {
      item[name] = decryptValue(key, item[name]);
    } catch (error) {
      throw new ItemError((error as Error).message, name, 'read');
    }
  }
  return item;
};

/** Thrown at the end of a dry run: its transaction rolls everything back. */
export class DryRunRollback extends Error {}

/**
 * A temporary index on the matchBy column (and locale) while a task imports a type (lookup-index.ts), made outside
 * its transaction; answers how to drop it, or null (documentId is indexed by Strapi).
 */
export const lookupIndexFor = (strapi: Core.Strapi, options: Pick<ResolvedImportOptions, 'contentType' | 'matchBy'>, localized: boolean) => {
  if (options.matchBy === 'documentId') return Promise.resolve(null);
  const metadata = modelMeta(strapi, options.contentType);
  return createLookupIndex(strapi, metadata.tableName, [columnOf(metadata, options.matchBy), ...(localized ? ['locale'] : [])]);
};

/** A transaction: the task's own when the whole task is one (Strapi's nested calls reuse it), else a batch's. */
export const transactionOf =
  (strapi: Core.Strapi) =>
  <T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> =>
    strapi.db.transaction(({ trx }) => fn(trx as Knex.Transaction)) as Promise<T>;
