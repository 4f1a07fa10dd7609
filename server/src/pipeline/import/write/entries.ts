import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { modelMeta } from '../../../schema/model-metadata';
import { stopOrContinue, type Problem } from '../../problems';
import type { ResolvedImportOptions } from '../../task-options';
import type { PreparedItem } from '../prepare/prepare';
import type { ResolveContext } from '../resolve/references';
import type { BulkWriter } from './bulk/index';
import type { ModelSchema } from '../../../schema/model-schema';
import type { PreImageRecorder } from '../../undo/pre-images';
import type { BoundRow, UpdatedRow } from '../../undo/rows';

/**
 * What the write stage works on and answers: a batch's entries, each entry's result, the writer's context, and the
 * failure of an entry (stop or continue decided in `failure`).
 */

export interface BatchEntry {
  index: number;
  line: number | null;
  /** The item as read, for the error report. */
  raw: unknown;
  /** The mapped and validated item, or why it could not be (reported in file order with the batch). */
  prepared: PreparedItem | { error: Problem; key: string | number | null };
}

export type ReadyEntry = BatchEntry & { prepared: PreparedItem };

export const keyOf = (entry: BatchEntry) => entry.prepared.key;

export type EntryResult =
  | {
      entry: BatchEntry;
      outcome: 'created' | 'updated';
      documentId: string;
      locale: string | null;
      deferred: DeferredLinks | null;
      /** A bulk create: the values it bound to the document's main rows (undo fingerprints them without a read). */
      bound?: BoundRow[];
      /** A bulk update that changed one row of the type's table (undo works out what it left from its pre-image). */
      updatedRow?: UpdatedRow;
    }
  | { entry: BatchEntry; outcome: 'failed'; problem: Problem }
  /** `skip-existing`: the entry exists and is left as it is. */
  | { entry: BatchEntry; outcome: 'skipped'; documentId: string };

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
  /**
   * Other types whose entries come later in the same import (a bundle: the types imported after this one): a
   * relation to one of them that finds nothing is linked in the second pass, as a self reference is.
   */
  later?: ReadonlySet<string>;
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
  /** Keeps the state of the documents a batch updates before it writes (undo; null: a dry run). */
  preImages?: PreImageRecorder | null;
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

/** A write the importing user's permissions refuse: the field they may not set, when it is one field. */
export interface Refusal {
  field: string | null;
  message: string;
}

/** Decides which writes the importing user's permissions refuse. */
export interface WriteGate {
  refusals(checks: WriteCheck[]): Promise<Map<WriteCheck, Refusal>>;
}

/** Which write path ran, counted per task. */
export interface WritePaths {
  bulk: number;
  documentService: number;
}

/** The first failing item of a `stop` task: the import rolls everything back and reports it. */
export class ItemFailure extends Error {
  constructor(readonly entry: BatchEntry, readonly problem: Problem) {
    super(problem.message);
  }
}

/** A column of the type's table → the attribute it holds (for database errors naming a column; read when one does). */
export const fieldOfColumn =
  (ctx: WriterContext) =>
  (column: string): string => {
    const { attributes } = modelMeta(ctx.strapi, ctx.uid);
    return Object.entries(attributes).find(([name, a]) => (a.columnName ?? name) === column)?.[0] ?? column;
  };

/**
 * Records an entry that failed, after stop or continue is decided (`stop` throws its ItemFailure).
 */
export const failure = (ctx: WriterContext, entry: BatchEntry, problem: Problem): EntryResult => ({
  entry,
  outcome: 'failed',
  problem: stopOrContinue(ctx.options.onError, problem, (f) => new ItemFailure(entry, f)),
});

