import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isExportKind, isImportKind, type Pagination, type Task } from '../../../../shared/contracts';
import type { Readable } from 'node:stream';
import { TASK_UID } from '../../constants';
import { BUNDLE_REPORT_COLUMNS, renderErrorReport } from '../../pipeline/import/report';
import { getConfig, getService } from '../../utils';
import { conflict } from '../../utils/errors';
import { forbidden, type Actor } from '../permissions';
import { folderOf } from '../storage/keys';
import { commitsByBatch, isFinished, isResumable, iso, toTask, whyNotRevertable, type ListQuery, type NewTask, type TaskRow } from './task-row';
import type { ResolvedBundleImportOptions, RevertOptions } from '../../../../shared/contracts';
import { preImagesKeyOf } from './revert-task';

/**
 * 409 when the task's files are held by another storage than this instance's (the local folder of another
 * instance): naming the setting that lets every instance serve every file.
 */
export const assertStoredHere = (row: TaskRow, storageId: string) => {
  if (row.storageId && row.storageId !== storageId) {
    throw conflict(
      `Task ${row.id}'s files are in the storage of another instance (${row.storageId}); this instance uses ${storageId} and cannot reach them. ` +
        'Ask again through the instance that ran the task, or, to run several instances, set the plugin\'s storage setting to a shared one (storage.provider: "s3")'
    );
  }
};

/** 404 with the reason when the retention sweep removed the files asked for. */
const assertFilesRemain = (row: TaskRow, what: 'file' | 'upload' | 'error report') => {
  const removedAt = row.filesRemovedAt ?? (what === 'upload' ? row.uploadRemovedAt : null);
  if (removedAt) {
    throw new errors.NotFoundError(
      `Task ${row.id}'s ${what} was removed on ${iso(removedAt)} by the plugin's retention setting (files of finished tasks are kept retention.days days, uploads of failed, cancelled and interrupted imports retention.failedUploadDays days)`
    );
  }
};

/** The tasks of one admin user, or of one API token (each its own quota); null: the system, which has none. */
const ownerWhere = (creator: NewTask['creator'], token: NewTask['token']) =>
  creator ? { creatorId: creator.id } : token ? { tokenId: token.id } : null;

const creatorName = (creator: NonNullable<NewTask['creator']>) =>
  [creator.firstname, creator.lastname].filter(Boolean).join(' ') || creator.username || creator.email || `#${creator.id}`;

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
export const createTasksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(TASK_UID);

  const findRow = async (id: number): Promise<TaskRow | null> => (await query().findOne({ where: { id } })) as TaskRow | null;

  const getRow = async (id: number): Promise<TaskRow> => {
    // A task this server runs is read from memory: its transaction may hold the database (SQLite has a single
    // connection), and its progress there is the live one.
    const live = getService(strapi, 'runner').snapshot(id);
    if (live) return live;
    const row = await findRow(id);
    if (!row) throw new errors.NotFoundError(`Task ${id} not found`);
    return row;
  };

  return {
    findRow,
    getRow,

    async list(
      { kind, status, dryRun = false, page = 1, pageSize = 20 }: ListQuery,
      actor: Actor | null = null
    ): Promise<{ data: Task[]; pagination: Pagination }> {
      const where: Record<string, unknown> = dryRun ? { dryRun: true } : { $or: [{ dryRun: false }, { dryRun: { $null: true } }] };
      if (kind) where.kind = kind;
      if (status) where.state = status;
      const { results, pagination } = (await query().findPage({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        page,
        pageSize,
      })) as { results: TaskRow[]; pagination: Pagination };
      const permissions = getService(strapi, 'permissions');
      return { data: await Promise.all(results.map(async (row) => toTask(row, await permissions.canDownload(actor, row)))), pagination };
    },

    async findOne(id: number, actor: Actor | null = null): Promise<Task> {
      const row = await getRow(id);
      return toTask(row, await getService(strapi, 'permissions').canDownload(actor, row));
    },

    /** 403 unless the user may download the task's files (the permissions service says who may). */
    async assertCanDownload(row: TaskRow, actor: Actor | null) {
      if (!(await getService(strapi, 'permissions').canDownload(actor, row))) {
        throw forbidden(
          `Task ${row.id} belongs to another user: its files hold ${row.kind === 'bundle-export' ? 'content of several types' : `${row.contentType} content`}, which you may download only with the Content Manager permission to read all of it`
        );
      }
    },

    /**
     * The exported file (or, for an import, the uploaded file) of a task: 409 while an export runs and when another
     * instance's local storage holds it; 404 with the reason when there is none (an export that did not complete,
     * files removed by the retention setting).
     */
    async file(id: number, actor: Actor | null = null): Promise<{ task: TaskRow; content: Readable }> {
      const row = await getRow(id);
      await this.assertCanDownload(row, actor);
      if (isExportKind(row.kind) && !isFinished(row.state)) throw conflict(`Task ${row.id} is ${row.state}: its file is not ready yet`);
      if (isExportKind(row.kind) && row.state !== 'completed') {
        throw new errors.NotFoundError(
          `Task ${row.id} has no file: the export ended ${row.state}${row.error ? ` (${row.error})` : ''}, and an export's file is kept only when it completes`
        );
      }
      assertFilesRemain(row, isImportKind(row.kind) ? 'upload' : 'file');
      const storage = getService(strapi, 'storage');
      assertStoredHere(row, storage.id);
      if (!row.fileKey || (await storage.size(row.fileKey)) === null) throw new errors.NotFoundError(`Task ${row.id} has no file`);
      return { task: row, content: storage.createReadStream(row.fileKey) };
    },

    /** The failed items of a finished task as CSV or JSON text, streamed (the first `limit`): 404 when none failed. */
    async errorReport(
      id: number,
      { format, limit = Infinity }: { format: 'csv' | 'json'; limit?: number },
      actor: Actor | null = null
    ): Promise<{ task: TaskRow; content: AsyncGenerator<string> }> {
      const row = await getRow(id);
      await this.assertCanDownload(row, actor);
      if (!isFinished(row.state)) throw conflict(`Task ${row.id} is ${row.state}: its error report is not ready yet`);
      if (!row.errorReportKey) throw new errors.NotFoundError(`Task ${row.id} has no error report: no item failed`);
      assertFilesRemain(row, 'error report');
      const storage = getService(strapi, 'storage');
      assertStoredHere(row, storage.id);
      const source = storage.createReadStream(row.errorReportKey);
      return { task: row, content: renderErrorReport(source, format, limit, row.kind === 'bundle-import' ? BUNDLE_REPORT_COLUMNS : undefined) };
    },

    /**
     * 429 when the user already has `maxQueuedPerUser` tasks queued or running. Called before an import's upload is
     * stored; tasks of the system (batch files, the command line) have no creator and no quota.
     */
    async assertQueueRoom(creator: NewTask['creator'], token: NewTask['token'] = null) {
      const { maxQueuedPerUser } = getConfig(strapi);
      const owner = ownerWhere(creator, token);
      if (!owner || maxQueuedPerUser === 0) return;
      const count = await query().count({ where: { ...owner, state: { $in: ['queued', 'running'] } } });
      if (count >= maxQueuedPerUser) {
        throw new errors.RateLimitError(
          `You have ${count} import and export tasks queued or running; one user may have at most ${maxQueuedPerUser} (the plugin's maxQueuedPerUser setting). Wait for some to finish, or cancel some, then try again`,
          { limit: maxQueuedPerUser, queued: count }
        );
      }
    },

    async create(input: NewTask): Promise<TaskRow> {
      const now = new Date();
      const row = (await query().create({
        data: {
          kind: input.kind,
          name: input.name,
          contentType: input.contentType,
          format: input.format,
          options: input.options,
          state: input.failure === undefined ? 'queued' : 'failed',
          ...(input.failure === undefined ? {} : { error: input.failure, startedAt: now, finishedAt: now }),
          fileName: input.fileName ?? null,
          fileKey: input.fileKey ?? null,
          // An import's upload is stored by this instance (an export's file, by the instance that claims it).
          storageId: isImportKind(input.kind) && input.fileKey ? getService(strapi, 'storage').id : null,
          total: input.total ?? null,
          dryRun: input.dryRun ?? false,
          formatVersion: input.formatVersion ?? null,
          processed: 0,
          created: 0,
          updated: 0,
          failed: 0,
          cancelRequested: false,
          creatorId: input.creator?.id ?? null,
          tokenId: input.creator ? null : input.token?.id ?? null,
          creatorName: input.creator ? creatorName(input.creator) : input.token?.name ?? null,
          scheduleTemplateId: input.scheduled?.templateId ?? null,
          scheduleSlot: input.scheduled?.slot ?? null,
        },
      })) as TaskRow;
      if (row.state === 'queued') await this.withdrawBeyondQuota(row, input.creator, input.token);
      if (row.state === 'queued') getService(strapi, 'runner').created(row.id);
      return row;
    },

    /**
     * The quota again, once the task exists: requests sent at the same moment all passed `assertQueueRoom` before
     * any of their tasks existed. The user's queued and running tasks up to this one (by id) are counted; beyond the
     * limit this task is withdrawn (removed with its upload, unless an instance claimed it meanwhile) and the
     * request answers 429.
     */
    async withdrawBeyondQuota(row: TaskRow, creator: NewTask['creator'], token: NewTask['token'] = null) {
      const { maxQueuedPerUser } = getConfig(strapi);
      const owner = ownerWhere(creator, token);
      if (!owner || maxQueuedPerUser === 0) return;
      const count = await query().count({ where: { ...owner, state: { $in: ['queued', 'running'] }, id: { $lte: row.id } } });
      if (count <= maxQueuedPerUser) return;
      const { count: withdrawn } = await query().deleteMany({ where: { id: row.id, state: 'queued' } });
      if (withdrawn === 0) return; // already claimed: it runs
      if (row.fileKey && isImportKind(row.kind)) await getService(strapi, 'storage').removeFolder(folderOf(row.fileKey));
      throw new errors.RateLimitError(
        `You have ${count - 1} import and export tasks queued or running; one user may have at most ${maxQueuedPerUser} (the plugin's maxQueuedPerUser setting). Wait for some to finish, or cancel some, then try again`,
        { limit: maxQueuedPerUser, queued: count - 1 }
      );
    },

    async update(id: number, data: Partial<Omit<TaskRow, 'id'>>): Promise<void> {
      await query().update({ where: { id }, data });
    },

    /** Stops a queued task at once; asks the worker running a task to stop (its transaction rolls back). */
    async cancel(id: number): Promise<Task> {
      const row = await getRow(id);
      if (isFinished(row.state)) {
        throw conflict(`Task ${id} has already finished (${row.state})`);
      }
      const runner = getService(strapi, 'runner');
      if (runner.snapshot(id)) {
        // Running here: abort it now; the runner rolls it back and marks it cancelled.
        runner.requestCancel(id);
        const final = await runner.waitFor(id);
        if (final.state !== 'cancelled') throw conflict(`Task ${id} finished (${final.state}) before it could be cancelled`);
        return toTask(final);
      }
      const { count } = await query().updateMany({
        where: { id, state: 'queued' },
        data: { state: 'cancelled', finishedAt: new Date(), error: 'Cancelled before it started' },
      });
      // A key of secrets held for it (secret-keys.ts) is no longer needed.
      if (count === 1) getService(strapi, 'secret-keys').release(id);
      if (count === 0) {
        // Running on another server: it sees the request at its next heartbeat.
        await query().updateMany({ where: { id, state: 'running' }, data: { cancelRequested: true } });
      }
      return toTask(await getRow(id));
    },

    /**
     * Queues an interrupted or cancelled `continue` import again, to go on from its checkpoint: it runs with its
     * creator's permissions, like any task (whoever asks to resume it, as for a cancel, needs the import action).
     */
    async resume(id: number, actor: Actor | null = null): Promise<Task> {
      const row = await getRow(id);
      if (!isResumable(row)) {
        throw conflict(
          row.kind === 'import' && !commitsByBatch(row)
            ? `Task ${id} rolled back entirely (onError: stop, or a dry run): import its file again instead`
            : `Task ${id} is ${row.state}: only an interrupted or cancelled continue-mode import with a checkpoint can be resumed`
        );
      }
      // README, *Secrets*: the password was kept in memory for the task's run only.
      if ((row.options as { secrets?: unknown } | null)?.secrets) {
        throw conflict(`Task ${id} imported encrypted private fields, and their password is not kept after the task ran: import the file again with the password (with upsert, what is there is updated)`);
      }
      const storage = getService(strapi, 'storage');
      assertStoredHere(row, storage.id);
      if (!(await storage.size(row.fileKey as string))) throw conflict(`Task ${id} can no longer be resumed: its uploaded file was removed`);
      const { count } = await query().updateMany({
        where: { id, state: row.state },
        data: { state: 'queued', error: null, finishedAt: null, startedAt: null, instanceId: null, heartbeatAt: null, cancelRequested: false, writeLock: null, waitingFor: null },
      });
      if (count === 0) throw conflict(`Task ${id} changed while it was being resumed`);
      // The answer is the task as this call queued it, read before the runner is woken: read after, it is whatever
      // the runner has made of it meanwhile (queued or already running, depending on the machine's speed).
      const resumed = await getRow(id);
      getService(strapi, 'runner').kick();
      return toTask(resumed, await getService(strapi, 'permissions').canDownload(actor, resumed));
    },

    /**
     * A revert task for a finished import (README, *Undo*): 409 naming why when it cannot be reverted (see
     * `whyNotRevertable`; no pre-images: an import from before undo, or one whose file is elsewhere), 403 without the
     * Content Manager rights to write back what it wrote. The revert runs through the runner like any task.
     */
    async revert(
      id: number,
      { force, creator = null, actor = null }: { force: boolean; creator?: NewTask['creator']; actor?: Actor | null }
    ): Promise<TaskRow> {
      const row = await getRow(id);
      const why = whyNotRevertable(row);
      if (why) throw conflict(why);
      const storage = getService(strapi, 'storage');
      assertStoredHere(row, storage.id);
      const key = preImagesKeyOf(row);
      if (!key || (await storage.size(key)) === null) {
        throw conflict(`Task ${id} has no pre-images (an import from before undo existed): it cannot be reverted`);
      }
      const types =
        row.kind === 'bundle-import'
          ? [...new Set((row.options as unknown as ResolvedBundleImportOptions).types.map((type) => type.contentType))]
          : [row.contentType];
      getService(strapi, 'permissions').assertRevertAllowed(
        actor,
        types.map((uid) => ({ uid, draftAndPublish: Boolean((strapi.getModel(uid as never) as { options?: { draftAndPublish?: boolean } } | undefined)?.options?.draftAndPublish) }))
      );
      const running = (await query().findMany({ where: { kind: 'revert', state: { $in: ['queued', 'running'] } } })) as TaskRow[];
      if (running.some((task) => (task.options as unknown as RevertOptions | null)?.taskId === id)) {
        throw conflict(`Task ${id} is being reverted already`);
      }
      const token = creator ? null : actor?.token ?? null;
      await this.assertQueueRoom(creator, token);
      const options: RevertOptions = { taskId: id, force, types };
      return this.create({
        kind: 'revert',
        name: `Revert of task ${id}${row.name ? ` (${row.name})` : ''}`,
        contentType: row.contentType,
        format: null,
        options,
        creator,
        token,
      });
    },

    /**
     * Removes a finished task with its files: the whole folder of the task in the storage (upload, exported file,
     * error report, temporary files). 409 when another instance's local storage holds them.
     */
    async delete(id: number): Promise<Task> {
      const row = await getRow(id);
      if (!isFinished(row.state)) {
        throw conflict(`Task ${id} is ${row.state}: cancel it before deleting it`);
      }
      const storage = getService(strapi, 'storage');
      assertStoredHere(row, storage.id);
      for (const folder of new Set([row.fileKey, row.errorReportKey].filter((key): key is string => Boolean(key)).map(folderOf))) {
        if (folder) await storage.removeFolder(folder);
      }
      await query().delete({ where: { id } });
      return toTask(row);
    },
  };
};

export type TasksService = ReturnType<typeof createTasksService>;
