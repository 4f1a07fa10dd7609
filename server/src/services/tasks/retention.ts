import type { Core } from '@strapi/strapi';
import { FINISHED_STATUSES, type TaskStatus } from '../../../../shared/contracts';
import { TASK_UID } from '../../constants';
import { getConfig, getService } from '../../utils';
import { folderOf } from '../storage/keys';
import { mayResume, type TaskRow } from './task-row';

/**
 * The retention sweep (the `retention` setting), run by every instance's runner every `retention.checkInterval`:
 * - files of tasks finished more than `retention.days` days ago are removed (the task's whole storage folder:
 *   upload, exported file, error report, temporary files); the task stays listed, with `filesRemovedAt`, and a
 *   download answers 404 naming the setting;
 * - uploads of failed, cancelled and interrupted imports are removed after `retention.failedUploadDays` days, except
 *   those of interrupted or cancelled continue-mode imports (they can be resumed from their checkpoint), which are
 *   kept like finished files; so is what a failed, cancelled or interrupted export left (a temporary file of a
 *   killed server: such an export has no file);
 * - task folders that no task refers to and that have not changed for a day are removed (an upload stored just
 *   before its server stopped, before its task existed);
 * - scratch files of the s3 storage (the system's temporary folder) older than a day are removed.
 *
 * Each instance sweeps only the tasks its storage holds (`storageId`: with `local`, its own folder; with `s3`, the
 * shared bucket). Files are removed first, then the task is marked: two instances sweeping the same bucket at once
 * both remove (a no-op for the second) and one marks; a crash in between is repaired by the next sweep.
 */

const DAY = 24 * 60 * 60 * 1000;
/** Tasks looked at per query; a sweep goes on until none is left. */
const PAGE = 100;
const ENDED_WITHOUT_SUCCESS: TaskStatus[] = ['failed', 'cancelled', 'interrupted'];

export interface RetentionResult {
  /** Tasks whose files were removed. */
  tasks: number;
  /** Uploads of failed, cancelled or interrupted imports removed. */
  uploads: number;
  /** Task folders no task refers to. */
  orphanFolders: number;
  scratchFiles: number;
}

export const sweepRetention = async (strapi: Core.Strapi, now = new Date()): Promise<RetentionResult> => {
  const { retention } = getConfig(strapi);
  const storage = getService(strapi, 'storage');
  const query = () => strapi.db.query(TASK_UID);
  // Tasks whose files this instance's storage holds (null: recorded before storageId existed).
  const here = { $or: [{ storageId: storage.id }, { storageId: { $null: true } }] };
  const result: RetentionResult = { tasks: 0, uploads: 0, orphanFolders: 0, scratchFiles: 0 };

  /** Rows matching `where`, page by page (by id), handed to `each`. */
  const forEachRow = async (where: Record<string, unknown>, each: (row: TaskRow) => Promise<void>) => {
    let after = 0;
    for (;;) {
      const rows = (await query().findMany({
        where: { $and: [where, here, { id: { $gt: after } }] },
        orderBy: { id: 'asc' },
        limit: PAGE,
      })) as TaskRow[];
      for (const row of rows) await each(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  };

  if (retention.days > 0) {
    const cutoff = new Date(now.getTime() - retention.days * DAY);
    await forEachRow({ state: { $in: FINISHED_STATUSES }, finishedAt: { $lt: cutoff }, filesRemovedAt: { $null: true } }, async (row) => {
      const folders = new Set([row.fileKey, row.errorReportKey].filter((key): key is string => Boolean(key)).map(folderOf));
      for (const folder of folders) if (folder) await storage.removeFolder(folder);
      await query().update({ where: { id: row.id }, data: { filesRemovedAt: now } });
      result.tasks += 1;
    });
  }

  if (retention.failedUploadDays > 0) {
    const cutoff = new Date(now.getTime() - retention.failedUploadDays * DAY);
    await forEachRow(
      {
        kind: { $in: ['import', 'bundle-import'] },
        state: { $in: ENDED_WITHOUT_SUCCESS },
        finishedAt: { $lt: cutoff },
        fileKey: { $notNull: true },
        uploadRemovedAt: { $null: true },
        filesRemovedAt: { $null: true },
      },
      async (row) => {
        if (mayResume(row)) return;
        await storage.remove(row.fileKey as string);
        await query().update({ where: { id: row.id }, data: { uploadRemovedAt: now } });
        result.uploads += 1;
      }
    );
    // An export that did not complete has no file, only what a killed server left of it (a temporary file).
    await forEachRow(
      { kind: { $in: ['export', 'bundle-export'] }, state: { $in: ENDED_WITHOUT_SUCCESS }, finishedAt: { $lt: cutoff }, fileKey: { $notNull: true }, filesRemovedAt: { $null: true } },
      async (row) => {
        await storage.removeFolder(folderOf(row.fileKey as string));
        await query().update({ where: { id: row.id }, data: { filesRemovedAt: now } });
        result.tasks += 1;
      }
    );
  }

  // Folders no task refers to (an upload stored just before its server stopped, a task row removed by hand), once
  // a day old: a folder being uploaded now has no task yet.
  const orphanCutoff = now.getTime() - DAY;
  for await (const page of storage.listTaskFolders()) {
    const old = page.filter(({ modifiedAt }) => modifiedAt.getTime() < orphanCutoff).map(({ folder }) => folder);
    if (old.length === 0) continue;
    const referenced = (await query().findMany({
      select: ['fileKey', 'errorReportKey'],
      where: { $or: old.flatMap((folder) => [{ fileKey: { $startsWith: `${folder}/` } }, { errorReportKey: { $startsWith: `${folder}/` } }]) },
    })) as Array<Pick<TaskRow, 'fileKey' | 'errorReportKey'>>;
    const inUse = new Set(referenced.flatMap((row) => [row.fileKey, row.errorReportKey]).filter((key): key is string => Boolean(key)).map(folderOf));
    for (const folder of old) {
      if (inUse.has(folder)) continue;
      await storage.removeFolder(folder);
      result.orphanFolders += 1;
    }
  }

  result.scratchFiles = await storage.removeOldScratchFiles(DAY);
  if (result.tasks + result.uploads + result.orphanFolders + result.scratchFiles > 0) {
    strapi.log.info(
      `[data-migration-center] retention: removed the files of ${result.tasks} task(s), ${result.uploads} upload(s) of failed imports, ${result.orphanFolders} folder(s) of no task, ${result.scratchFiles} scratch file(s)`
    );
  }
  return result;
};
