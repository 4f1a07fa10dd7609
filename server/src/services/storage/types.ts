import type { Readable, Writable } from 'node:stream';

/**
 * Where task files live (uploads being imported, exports, error reports): one small interface, so that every
 * instance behind a load balancer can serve a download (README, *Several Strapi instances on one database*). Two implementations:
 * - `local` (default): a folder of the app (`storageDir`), never served publicly. Its files are reachable only by
 *   the instances that share that folder: a task's files are recorded with the storage's `id`, a task runs only
 *   where its upload is, and another instance answers 409 for its files;
 * - `s3` (s3.ts): any S3-compatible service through the AWS SDK v3, private, never the media library.
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
