import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { RevertOptions } from '../../../../shared/contracts';
import type { TaskContext, TaskHandler, TaskOutcome } from './task-context';
import type { TaskRow } from './task-row';
import { getService } from '../../utils';
import { ErrorReportWriter, typeReport } from '../../pipeline/import/report';
import { PRE_IMAGES_FILE, readPreImages } from '../../pipeline/undo/pre-images';
import { deleteState, fingerprints, insertTables, readDocuments, type FingerprintVersion, type UndoModels } from '../../pipeline/undo/rows';
import { allModelMetas, findModelMeta } from '../../schema/model-metadata';
import { folderOf } from '../storage/keys';
import { transactionOf } from './import-context';

/**
 * The revert task (issue 20, *Undo*): puts back what an import changed, from its pre-images (pipeline/undo), in ONE
 * transaction:
 *
 * 1. reads the pre-image file once: the documents the import touched, and what it left of each (fingerprints);
 * 2. conflicts: a document whose rows differ from what the import left was changed by someone else since: it is
 *    listed in the revert's error report and left as it is, unless `force`;
 * 3. removes the current rows of every other document (link rows, then components and entity rows);
 * 4. inserts the rows of the pre-images back with their ids: entity rows first (every type, for a bundle), then link
 *    rows (a relation between two types needs both rows): the file is read again for each;
 * 5. records on the import that it was reverted (`revertedBy`), in the same transaction.
 *
 * Created documents are deleted (their rows removed); updated ones are restored exactly (same rows, ids, order
 * columns and timestamps): an export taken after is byte-identical to one taken before the import. The rows are
 * written with knex, below Strapi's query layer: no lifecycle hook, no webhook, no Document Service middleware runs.
 */

const keyOf = (uid: string, documentId: string) => `${uid}|${documentId}`;

/** The pre-image file of an import, as a local path to read (s3: downloaded into a scratch file). */
export const preImagesKeyOf = (task: Pick<TaskRow, 'fileKey'>): string | null =>
  task.fileKey ? `${folderOf(task.fileKey)}/${PRE_IMAGES_FILE}` : null;

export const createRevertHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const { taskId, force } = task.options as unknown as RevertOptions;
    const tasks = getService(strapi, 'tasks');
    const storage = getService(strapi, 'storage');
    const original = await tasks.getRow(taskId);
    if (original.revertedBy) throw new Error(`Task ${taskId} was already reverted (by task ${original.revertedBy})`);
    const key = preImagesKeyOf(original);
    if (!key || (await storage.size(key)) === null) throw new Error(`Task ${taskId} has no pre-images: it cannot be reverted`);

    let file = storage.localPath(key);
    let scratch: string | null = null;
    if (storage.provider !== 'local') {
      scratch = path.join(os.tmpdir(), `dmc-revert-${randomUUID()}.jsonl`);
      await pipeline(storage.createReadStream(key), fs.createWriteStream(scratch));
      file = scratch;
    }
    const models: UndoModels = { metadataOf: (uid) => findModelMeta(strapi, uid), all: () => allModelMetas(strapi) };
    const reportKey = `tasks/${randomUUID()}/errors.jsonl`;
    const report = new ErrorReportWriter(storage.createWriteStream(reportKey));
    try {
      // 1. The documents and what the import left of each.
      const documents = new Map<string, { uid: string; documentId: string; created: boolean }>();
      const left = new Map<string, { hash: string; v: FingerprintVersion }>();
      for await (const line of readPreImages(file)) {
        const k = keyOf(line.uid, line.documentId);
        if (line.t !== 'after') documents.set(k, { uid: line.uid, documentId: line.documentId, created: line.t === 'created' });
        if (line.t !== 'before' && line.hash !== undefined) left.set(k, { hash: line.hash, v: line.v ?? 1 });
      }
      const byType = new Map<string, string[]>();
      for (const { uid, documentId } of documents.values()) {
        if (!byType.has(uid)) byType.set(uid, []);
        byType.get(uid)!.push(documentId);
      }
      const counts = { restored: 0, deleted: 0, conflicts: 0, gone: 0 };
      context.progress({ total: documents.size, processed: 0 });

      await transactionOf(strapi)(async (trx) => {
        // 2. Conflicts, 3. the current rows removed.
        const skip = new Set<string>();
        let index = 0;
        for (const [uid, ids] of byType) {
          const meta = findModelMeta(strapi, uid);
          if (!meta) throw new Error(`The content type ${uid} no longer exists: task ${taskId} cannot be reverted`);
          for (let i = 0; i < ids.length; i += 500) {
            context.signal.throwIfAborted();
            const part = ids.slice(i, i + 500);
            // What each document holds now, fingerprinted as the import's line was (files of the first release: v1).
            const firstRelease = part.filter((documentId) => left.get(keyOf(uid, documentId))?.v === 1);
            const rest = part.filter((documentId) => left.get(keyOf(uid, documentId))?.v !== 1);
            const now = new Map([
              ...(rest.length > 0 ? await fingerprints(trx, meta, rest) : []),
              ...(firstRelease.length > 0 ? await fingerprints(trx, meta, firstRelease, 1) : []),
            ]);
            const removable: string[] = [];
            for (const documentId of part) {
              const k = keyOf(uid, documentId);
              const { created } = documents.get(k)!;
              const expected = left.get(k)?.hash;
              const current = now.get(documentId) ?? '';
              index += 1;
              if (created && current === '') {
                counts.gone += 1; // deleted since: nothing to delete
                skip.add(k);
                continue;
              }
              if (expected !== undefined && current !== expected) {
                counts.conflicts += 1;
                const what = current === '' ? 'was deleted' : 'was changed';
                await typeReport(report, uid).addProblem(
                  {
                    stage: 'write',
                    field: null,
                    message: force
                      ? `${documentId} ${what} after the import: restored anyway (force)`
                      : `${documentId} ${what} after the import: left as it is (revert with force to ${created ? 'delete' : 'restore'} it)`,
                    index: index - 1,
                    line: null,
                    key: documentId,
                  },
                  null
                );
                if (!force) {
                  skip.add(k);
                  continue;
                }
              }
              if (created) counts.deleted += 1;
              else counts.restored += 1;
              removable.push(documentId);
            }
            for (const state of (await readDocuments(trx, models, uid, removable)).values()) await deleteState(trx, state);
            context.progress({ processed: index });
          }
        }
        // 4. The rows of the pre-images back: entity rows of every type, then link rows.
        for (const part of ['entities', 'links'] as const) {
          for await (const line of readPreImages(file)) {
            context.signal.throwIfAborted();
            if (line.t !== 'before' || skip.has(keyOf(line.uid, line.documentId))) continue;
            await insertTables(trx, line.state[part]);
          }
        }
        // 5. The import says it was reverted, with the data.
        await tasks.update(taskId, { revertedBy: task.id });
        await context.checkpoint({ updated: counts.restored, failed: force ? 0 : counts.conflicts, processed: documents.size, total: documents.size });
      });

      await report.close();
      if (report.count === 0) await storage.remove(reportKey);
      const conflicts = force ? 0 : counts.conflicts;
      return {
        status: conflicts > 0 ? 'completed-with-errors' : 'completed',
        error: conflicts > 0 ? `${conflicts} ${conflicts === 1 ? 'entry was' : 'entries were'} changed after the import and left as they are: see the error report` : null,
        counts: { processed: documents.size, total: documents.size, updated: counts.restored, failed: conflicts },
        data: {
          errorReportKey: report.count > 0 ? reportKey : null,
          writePath: `revert: ${counts.restored} restored, ${counts.deleted} deleted, ${counts.conflicts} ${force ? 'changed since (forced)' : 'conflicts left as they are'}${counts.gone ? `, ${counts.gone} already deleted` : ''}`,
        },
      };
    } catch (error) {
      await report.close().catch(() => undefined);
      await storage.remove(reportKey).catch(() => undefined);
      throw error;
    } finally {
      if (scratch) fs.rmSync(scratch, { force: true });
    }
  };
