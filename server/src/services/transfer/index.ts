import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { Task } from '../../../../shared/contracts';
import { getService } from '../../utils';
import { bundleExportBodyOf } from '../../validation/bundle-export-options';
import type { Actor } from '../permissions';
import type { NewTask, TaskRow } from '../tasks/task-row';
import { parseBundleImportOptions } from '../../validation/bundle-import-options';
import { fieldError } from '../../validation/import-options';
import { createRemote, type Remote } from './remote';

export { RemoteError, serverUrl } from './remote';

/**
 * Moving content between two instances without wiping either (issue 19): a bundle exported here is streamed into the
 * other instance's bundle import (push), or one exported there is imported here (pull). Each side runs its own task
 * with its own rules (strategies, matchBy per type, dry run, permissions: an admin user's here, the API token's
 * there), so nothing is deleted: entries are added or updated as an import of that bundle would.
 *
 * Before anything is written, the other instance is asked what it is (`GET /api/data-migration-center/info`): an
 * unreachable host, a refused token, a missing plugin or a bundle format one side cannot read ends the transfer
 * there. The bundle never sits whole in memory: a push streams the export's file from the task storage into the
 * request; a pull streams the download into a temporary file that the local import takes (and that is removed).
 */

export interface TransferProgress {
  /** `local`: the task of this instance; `remote`: the other's. */
  side: 'local' | 'remote';
  task: Task;
}

export interface TransferRequest {
  /** The other instance: its root URL and an API token it issued. */
  remote: { url: string; token: string };
  /**
   * The bundle export's options as POST /export-tasks takes a bundle (`contentTypes: [uid…] | "all"`, `types: { uid:
   * { fields, filters, locale, status } }`, withDependencies, media, name; or a bundle `templateId` here).
   */
  bundle: Record<string, unknown>;
  /** The bundle import's options (POST /bundle-imports: onError, dryRun, types with importStrategy and matchBy). */
  import: Record<string, unknown>;
  /** Who asks here (null: the command line, as the system). */
  creator: NewTask['creator'];
  actor: Actor | null;
  onProgress?: (progress: TransferProgress) => void;
  /** Called with the local task's id as soon as it exists (the command line cancels it on Ctrl-C). */
  onLocalTask?: (id: number) => void;
}

export interface TransferResult {
  /** Push: the export here; pull: the import here (null when the transfer stopped before it). */
  local: Task | null;
  /** Push: the import there; pull: the export there. */
  remote: Task | null;
  /** The other instance (to download its task's error report). */
  other: Remote;
}

const PROGRESS_INTERVAL_MS = 500;

export const createTransferService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Waits for a local task, telling `onProgress` what it sees every half second. */
  const waitHere = async (id: number, onProgress: TransferRequest['onProgress']): Promise<Task> => {
    const tasks = getService(strapi, 'tasks');
    const timer = onProgress
      ? setInterval(() => {
          tasks
            .findOne(id)
            .then((task) => onProgress({ side: 'local', task }))
            .catch(() => undefined);
        }, PROGRESS_INTERVAL_MS)
      : null;
    try {
      await getService(strapi, 'runner').waitFor(id);
    } finally {
      if (timer) clearInterval(timer);
    }
    const task = await tasks.findOne(id);
    onProgress?.({ side: 'local', task });
    return task;
  };

  const remoteOf = (request: TransferRequest) =>
    createRemote({ url: request.remote.url, token: request.remote.token, pollInterval: PROGRESS_INTERVAL_MS });

  /**
   * Streams the file of a completed bundle export of this instance into the other's bundle import, once the other
   * has said it reads this bundle format: its import task, as it answers (queued). The task's file is checked here
   * first (it exists, the actor may download it).
   */
  const send = async (taskId: number, other: Remote, importOptions: Record<string, unknown>, actor: Actor | null): Promise<Task> => {
    const tasks = getService(strapi, 'tasks');
    const { task, content } = await tasks.file(taskId, actor);
    try {
      if (task.kind !== 'bundle-export') throw fieldError('id', `Task ${task.id} is a ${task.kind} task: only a bundle export can be sent to another instance`);
      await other.assertReads('push');
    } catch (error) {
      content.destroy();
      throw error;
    }
    return other.startBundleImport(content, task.fileName ?? `bundle-${task.id}.zip`, importOptions);
  };

  /**
   * Exports a bundle there, waits for it (`signal`: stop waiting, the export there is cancelled), downloads it into a
   * temporary file and creates the bundle import here (which copies the file into the task storage): the import's
   * task row, queued. The import options are checked here before anything is asked of the other instance.
   */
  const fetchInto = async ({
    other,
    bundle,
    importOptions,
    creator,
    actor,
    onProgress,
    signal,
  }: {
    other: Remote;
    bundle: Record<string, unknown>;
    importOptions: Record<string, unknown>;
    creator: NewTask['creator'];
    actor: Actor | null;
    onProgress?: TransferRequest['onProgress'];
    signal?: AbortSignal;
  }): Promise<{ remote: Task; row: TaskRow | null }> => {
    const body = bundleExportBodyOf(bundle);
    await parseBundleImportOptions(importOptions);
    await other.assertReads('pull');
    const started = await other.startBundleExport(body);
    let remote: Task;
    try {
      remote = await other.waitFor(started.id, (t) => onProgress?.({ side: 'remote', task: t }), signal);
    } catch (error) {
      if (signal?.aborted) await other.cancel(started.id).catch(() => undefined);
      throw error;
    }
    if (remote.status !== 'completed') return { remote, row: null };

    const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dmc-pull-'));
    const fileName = remote.fileName ?? `bundle-${remote.id}.zip`;
    const filepath = path.join(folder, 'bundle.zip');
    try {
      await pipeline(await other.download(remote.id), fs.createWriteStream(filepath));
      const { size } = await fs.promises.stat(filepath);
      const row = await getService(strapi, 'bundle-imports').create({
        file: { filepath, originalFilename: fileName, size },
        rawOptions: importOptions,
        creator,
        actor,
      });
      return { remote, row };
    } finally {
      await fs.promises.rm(folder, { recursive: true, force: true });
    }
  };

  return {
    send,
    fetchInto,

    /** Exports a bundle here and imports it there. */
    async push(request: TransferRequest): Promise<TransferResult> {
      const body = bundleExportBodyOf(request.bundle);
      const other = remoteOf(request);
      await other.assertReads('push');
      const row = await getService(strapi, 'bundle-exports').create({ body, creator: request.creator, actor: request.actor });
      request.onLocalTask?.(row.id);
      const local = await waitHere(row.id, request.onProgress);
      if (local.status !== 'completed') return { local, remote: null, other };
      const started = await send(local.id, other, request.import, request.actor);
      const remote = await other.waitFor(started.id, (t) => request.onProgress?.({ side: 'remote', task: t }));
      return { local, remote, other };
    },

    /** Exports a bundle there and imports it here. */
    async pull(request: TransferRequest): Promise<TransferResult> {
      const other = remoteOf(request);
      const { remote, row } = await fetchInto({
        other,
        bundle: request.bundle,
        importOptions: request.import,
        creator: request.creator,
        actor: request.actor,
        onProgress: request.onProgress,
      });
      if (!row) return { local: null, remote, other };
      request.onLocalTask?.(row.id);
      const local = await waitHere(row.id, request.onProgress);
      return { local, remote, other };
    },
  };
};

export type TransferService = ReturnType<typeof createTransferService>;
