import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import type { Core } from '@strapi/strapi';
import { getConfig } from '../../utils';
import { assertKey } from './keys';
import { createS3Storage } from './s3';

export { assertKey, folderOf } from './keys';

/**
 * Where task files live (uploads being imported, exports, error reports): one small interface, so that every
 * instance behind a load balancer can serve a download (README, *Several Strapi instances on one database*). Two implementations:
 * - `local` (default): a folder of the app (`storageDir`), never served publicly. Its files are reachable only by
 *   the instances that share that folder: a task's files are recorded with the storage's `id`, a task runs only
 *   where its upload is, and another instance answers 409 for its files;
 * - `s3` (storage-s3.ts): any S3-compatible service through the AWS SDK v3, private, never the media library.
 *
 * Every write is atomic: the file appears under its key only once its stream has finished; a stream that fails or
 * is destroyed (a cancelled or crashed export) leaves no file under the key.
 */
export interface TaskFileStorage {
  /** `local` or `s3`. */
  readonly provider: 'local' | 's3';
  /**
   * Which storage holds the files: equal on every instance that can read them (`local:<the folder's id>`,
   * `s3:<bucket>/<prefix>`). Recorded on a task as `storageId`.
   */
  readonly id: string;
  /** A stream that writes the file under `key`, replacing it once the stream finishes (never before). */
  createWriteStream(key: string): Writable;
  /** The file's bytes, or those from `start` to `end` (inclusive, as `fs.createReadStream` counts). */
  createReadStream(key: string, range?: { start?: number; end?: number }): Readable;
  /**
   * A local path for a scratch file of a task (`tasks/<folder>/deferred.jsonl`): in the folder with local storage;
   * with s3, a file of the system's temporary folder (removed by its user, and by the retention sweep once old).
   */
  localPath(key: string): string;
  /** Throws, naming the setting, when the storage cannot be used (checked at start-up, to say so in the log). */
  verify(): Promise<void>;
  size(key: string): Promise<number | null>;
  remove(key: string): Promise<void>;
  /** Removes every file under the folder `prefix` (`tasks/<folder>`): uploads, exports, error reports, temporary files. */
  removeFolder(prefix: string): Promise<void>;
  /**
   * The task folders (`tasks/<uuid>`) of the storage, each with the time of its latest change, in pages: for the
   * retention sweep's search for folders no task refers to.
   */
  listTaskFolders(): AsyncGenerator<Array<{ folder: string; modifiedAt: Date }>>;
  /** Removes scratch files (see `localPath`) older than `maxAgeMs`. */
  removeOldScratchFiles(maxAgeMs: number): Promise<number>;
}

/** Marks a temporary file of an atomic write: `<name>.<random>.partial`. */
const PARTIAL_SUFFIX = '.partial';

/**
 * A stream that writes `file` atomically: into a temporary file beside it, renamed over `file` when the stream
 * finishes; a failed or destroyed stream removes the temporary file and leaves `file` as it was.
 */
export const atomicFileWriteStream = (file: string): Writable => {
  const temp = `${file}.${randomUUID().slice(0, 8)}${PARTIAL_SUFFIX}`;
  let handle: fsp.FileHandle | null = null;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const close = async () => {
    const open = handle;
    handle = null;
    await open?.close();
  };
  return new Writable({
    construct(callback) {
      fsp.open(temp, 'w').then((opened) => {
        handle = opened;
        callback();
      }, callback);
    },
    write(chunk: Buffer, _encoding, callback) {
      (handle as fsp.FileHandle).write(chunk).then(() => callback(), callback);
    },
    writev(chunks, callback) {
      (handle as fsp.FileHandle).writev(chunks.map(({ chunk }) => chunk as Buffer)).then(() => callback(), callback);
    },
    final(callback) {
      close()
        .then(() => fsp.rename(temp, file))
        .then(() => callback(), callback);
    },
    destroy(error, callback) {
      // After a rename the temporary file no longer exists: removing it is then a no-op.
      close()
        .catch(() => undefined)
        .then(() => fsp.rm(temp, { force: true }))
        .then(
          () => callback(error),
          () => callback(error)
        );
    },
  });
};

const createLocalStorage = (strapi: Core.Strapi): TaskFileStorage => {
  const root = () => path.resolve(strapi.dirs.app.root, getConfig(strapi).storageDir);
  const resolve = (key: string): string => path.join(root(), assertKey(key));

  let id: string | null = null;
  /** The folder's id, kept in the folder (`.storage-id`): the same for every instance that shares the folder, and across restarts. */
  const folderId = (): string => {
    if (id) return id;
    const file = path.join(root(), '.storage-id');
    fs.mkdirSync(root(), { recursive: true });
    try {
      fs.writeFileSync(file, randomUUID(), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    id = `local:${fs.readFileSync(file, 'utf8').trim()}`;
    return id;
  };

  return {
    provider: 'local',
    get id() {
      return folderId();
    },
    createWriteStream: (key) => atomicFileWriteStream(resolve(key)),
    createReadStream: (key, range) => fs.createReadStream(resolve(key), range),
    localPath: resolve,
    async verify() {
      await fsp.mkdir(root(), { recursive: true });
      await fsp.access(root(), fs.constants.W_OK).catch((error: NodeJS.ErrnoException) => {
        throw new Error(`The task file folder ${root()} (the plugin's storageDir setting) is not writable: ${error.code ?? error.message}`);
      });
    },
    async size(key) {
      try {
        return (await fsp.stat(resolve(key))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await fsp.rm(resolve(key), { force: true });
      // Drop the task's folder once it is empty.
      await fsp.rmdir(path.dirname(resolve(key))).catch(() => undefined);
    },
    async removeFolder(prefix) {
      if (!prefix.includes('/')) throw new Error(`Refusing to remove the top-level storage folder "${prefix}"`);
      await fsp.rm(resolve(prefix), { recursive: true, force: true });
    },
    async *listTaskFolders() {
      const tasks = path.join(root(), 'tasks');
      let names: string[];
      try {
        names = await fsp.readdir(tasks);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (let i = 0; i < names.length; i += 100) {
        const page: Array<{ folder: string; modifiedAt: Date }> = [];
        for (const name of names.slice(i, i + 100)) {
          const stat = await fsp.stat(path.join(tasks, name)).catch(() => null);
          if (stat?.isDirectory()) page.push({ folder: `tasks/${name}`, modifiedAt: stat.mtime });
        }
        yield page;
      }
    },
    // Local scratch files live in the task's folder, removed with it.
    removeOldScratchFiles: async () => 0,
  };
};

export const createStorageService = ({ strapi }: { strapi: Core.Strapi }): TaskFileStorage => {
  const { storage } = getConfig(strapi);
  if (storage.provider === 's3') {
    if (!storage.s3) throw new Error('data-migration-center: storage.provider is "s3" but storage.s3 is not set');
    return createS3Storage(storage.s3);
  }
  return createLocalStorage(strapi);
};

export type StorageService = ReturnType<typeof createStorageService>;
