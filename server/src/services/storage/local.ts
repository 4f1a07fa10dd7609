import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Core } from '@strapi/strapi';
import { getConfig } from '../../utils';
import { assertKey } from './keys';
import type { TaskFileStorage } from './types';

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

/** `local` storage: a folder of the app (`storageDir`), never served publicly. */
export const createLocalStorage = (strapi: Core.Strapi): TaskFileStorage => {
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
