import { yup } from '@strapi/utils';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../pipeline/formats/limits';

/**
 * The most a read limit may be set to. `maxDepth`: code downstream of the readers (validation, the error report,
 * JSON.stringify) recurses over items, and past ~1,000 levels a file could exhaust the stack. `maxItemLength`: one
 * item is held as one string, and V8's longest string is ~512 M characters. `maxColumns`: every row becomes an
 * object of this many keys.
 */
export const READ_LIMIT_MAXIMA: ReadLimits = {
  maxDepth: 1000,
  maxItemLength: 256 * 1024 * 1024,
  maxColumns: 100_000,
};

/** A bundle's zip entries by default (`limits.maxZipEntries`): content, media files, schemas and the manifest. */
export const DEFAULT_MAX_ZIP_ENTRIES = 200_000;
/** The most it may be raised to: yauzl keeps each entry of the directory in memory (about 1 KB each). */
export const MAX_ZIP_ENTRIES_MAXIMUM = 10_000_000;

/**
 * The plugin's configuration, set in the app's `config/plugins.ts` under `data-migration-center.config`.
 * Every key is optional; these are the defaults.
 */
export interface PluginConfig {
  /** Where task files (uploads, exports, error reports) are kept; relative to the app's root. Never served publicly. */
  storageDir: string;
  /** The largest upload accepted, in bytes (413 past it). */
  maxFileSize: number;
  /**
   * Where task files live: `local` (the `storageDir` folder; one instance, or several sharing that folder) or `s3`
   * (any S3-compatible service: every instance serves every file). See {@link StorageConfig}.
   */
  storage: StorageConfig;
  /** How long task files are kept (see {@link RetentionConfig}). */
  retention: RetentionConfig;
  /** The most import and export tasks one user may have queued or running at once (429 beyond); 0: no limit. */
  maxQueuedPerUser: number;
  /** How many tasks one server runs at a time; 0: this server runs none (it serves the API; others run them). */
  concurrency: number;
  /** How often a running task's worker writes its heartbeat, in ms. */
  heartbeatInterval: number;
  /** A running task whose heartbeat is older than this (ms) is marked `interrupted`. */
  heartbeatTimeout: number;
  /** How often each server looks for stale tasks and queued work, in ms. */
  pollInterval: number;
  /** How often each server looks for scheduled exports that are due, in ms (README, *Scheduled exports*). */
  scheduleInterval: number;
  /** Items written per batch (one lookup query and one set of bulk writes per batch). */
  batchSize: number;
  /** Write new entries with multi-row inserts (the bulk path); false: always the Document Service. */
  bulkWrites: boolean;
  /** Read exports with the lean per-page reader (export-reader.ts); false: always through the Document Service. */
  leanExports: boolean;
  /**
   * Undo (README, *Undo*): every import that writes keeps pre-images so that it can be reverted. false: imports keep
   * none and cannot be reverted (saves their cost on very large upserts: docs/benchmarks.md).
   */
  preImages: boolean;
  /**
   * SQLite only: switch the database to WAL journal mode and let the server open a second connection, so that the
   * admin (status, list, cancel, any read) answers while an import holds SQLite's single writer. false: the journal
   * mode is left as it is, and requests wait for a stop-mode import to end.
   */
  sqliteConcurrentReads: boolean;
  /** Offer private attributes for import (they are never exported). */
  allowPrivateFields: boolean;
  /** Content types beyond `api::` that the center may offer, such as `plugin::users-permissions.user`. */
  extraContentTypes: string[];
  /**
   * What one file may hold, checked by every reader as it reads (imports, previews, batch files, the command line):
   * `maxDepth` (nesting of arrays and objects inside one item), `maxItemLength` (the characters of one item: a JSON
   * element, a JSONL line, a CSV record), `maxColumns` (CSV). Past one, the item (or the file) fails with a message
   * naming the limit, the item, line and column. Each may be lowered; raised only up to {@link READ_LIMIT_MAXIMA}.
   * `maxZipEntries`: the most entries a bundle's zip may hold (its directory is read whole; docs/bundles.md).
   */
  limits: ReadLimits & { maxZipEntries: number };
  /**
   * Import transforms (JSONata, README *Transforms*): `timeout`, the milliseconds one expression may run for one item
   * (default 1000: wall-clock time, which other work on the event loop counts in); `maxDepth`, how deep its evaluation may nest (recursion; default 500). Past either, the item fails.
   */
  transforms: { timeout: number; maxDepth: number };
  batchFiles: {
    /** Apply batch files at start-up. */
    enabled: boolean;
    /** The folder, relative to the app's root, whose `*.jsont` and `*.batch-engine-data.json` files are applied. */
    folder: string;
    /** A failing batch file stops start-up. */
    failOnError: boolean;
  };
}

export interface S3StorageConfig {
  bucket: string;
  /** The bucket's region (`auto` for Cloudflare R2); default `us-east-1`. */
  region?: string;
  /** The service's URL for S3-compatible services (MinIO, R2...); unset for AWS. */
  endpoint?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), as MinIO needs. */
  forcePathStyle?: boolean;
  /** A folder in the bucket for the plugin's files, such as `strapi/tasks-files/`. */
  prefix?: string;
  /** Unset: the AWS SDK's default chain (environment variables, shared files, the machine's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bytes per part of a multipart upload (at least 5 MiB; default 8 MiB); an upload holds about 2 × partSize × queueSize. */
  partSize?: number;
  /** Parts uploaded at once, per upload (default 2). */
  queueSize?: number;
}

export interface StorageConfig {
  provider: 'local' | 's3';
  s3?: S3StorageConfig;
}

export interface RetentionConfig {
  /** Files of finished tasks (uploads, exported files, error reports) are removed this many days after they finished; 0: kept. */
  days: number;
  /**
   * Uploads of failed, cancelled and interrupted imports are removed this many days after they ended (kept as
   * long as `days` for an interrupted or cancelled continue-mode import, which can be resumed); 0: kept.
   */
  failedUploadDays: number;
  /** How often each server looks for files to remove, in ms. */
  checkInterval: number;
}

export const defaultConfig: PluginConfig = {
  storageDir: '.data-migration-center',
  storage: { provider: 'local' },
  retention: { days: 30, failedUploadDays: 1, checkInterval: 60 * 60 * 1000 },
  maxQueuedPerUser: 10,
  maxFileSize: 1024 * 1024 * 1024,
  concurrency: 1,
  heartbeatInterval: 5_000,
  heartbeatTimeout: 60_000,
  pollInterval: 2_000,
  scheduleInterval: 30_000,
  batchSize: 500,
  bulkWrites: true,
  leanExports: true,
  preImages: true,
  allowPrivateFields: false,
  sqliteConcurrentReads: true,
  extraContentTypes: [],
  limits: { ...DEFAULT_READ_LIMITS, maxZipEntries: DEFAULT_MAX_ZIP_ENTRIES },
  transforms: { timeout: 1000, maxDepth: 500 },
  batchFiles: {
    enabled: true,
    folder: 'data-migration',
    failOnError: false,
  },
};

const configSchema = yup
  .object({
    storageDir: yup.string().min(1),
    maxFileSize: yup.number().integer().positive(),
    storage: yup
      .object({
        provider: yup.string().oneOf(['local', 's3']),
        s3: yup
          .object({
            bucket: yup.string().min(1),
            region: yup.string().min(1),
            endpoint: yup.string().url(),
            forcePathStyle: yup.boolean(),
            prefix: yup.string().matches(/^([A-Za-z0-9._-]+\/)*$/, 'storage.s3.prefix must be folder names each ending with "/"'),
            credentials: yup
              .object({
                accessKeyId: yup.string().min(1).required(),
                secretAccessKey: yup.string().min(1).required(),
                sessionToken: yup.string(),
              })
              .noUnknown()
              .default(undefined),
            partSize: yup.number().integer().min(5 * 1024 * 1024),
            queueSize: yup.number().integer().min(1).max(16),
          })
          .noUnknown()
          .default(undefined),
      })
      .noUnknown(),
    retention: yup
      .object({
        days: yup.number().min(0),
        failedUploadDays: yup.number().min(0),
        checkInterval: yup.number().integer().min(100),
      })
      .noUnknown(),
    maxQueuedPerUser: yup.number().integer().min(0),
    concurrency: yup.number().integer().min(0),
    heartbeatInterval: yup.number().integer().positive(),
    heartbeatTimeout: yup.number().integer().positive(),
    pollInterval: yup.number().integer().positive(),
    // At most a minute: the finest cron slot is a minute, and each one is looked for at least once.
    scheduleInterval: yup.number().integer().min(100).max(60_000),
    batchSize: yup.number().integer().min(1).max(10_000),
    bulkWrites: yup.boolean(),
    leanExports: yup.boolean(),
    preImages: yup.boolean(),
    allowPrivateFields: yup.boolean(),
    sqliteConcurrentReads: yup.boolean(),
    extraContentTypes: yup.array(yup.string().matches(/^(plugin|api)::[\w-]+\.[\w-]+$/)),
    limits: yup
      .object({
        maxDepth: yup.number().integer().min(1).max(READ_LIMIT_MAXIMA.maxDepth),
        maxItemLength: yup.number().integer().min(1).max(READ_LIMIT_MAXIMA.maxItemLength),
        maxColumns: yup.number().integer().min(1).max(READ_LIMIT_MAXIMA.maxColumns),
        maxZipEntries: yup.number().integer().min(1).max(MAX_ZIP_ENTRIES_MAXIMUM),
      })
      .noUnknown(),
    transforms: yup
      .object({
        timeout: yup.number().integer().min(1).max(60_000),
        maxDepth: yup.number().integer().min(10).max(10_000),
      })
      .noUnknown(),
    batchFiles: yup
      .object({
        enabled: yup.boolean(),
        folder: yup.string().min(1),
        failOnError: yup.boolean(),
      })
      .noUnknown(),
  })
  .noUnknown();

export default {
  default: defaultConfig,
  validator(config: unknown) {
    configSchema.validateSync(config, { strict: true, abortEarly: false });
    const { heartbeatInterval, heartbeatTimeout, storage } = { ...defaultConfig, ...(config as Partial<PluginConfig>) };
    if (storage.provider === 's3' && !storage.s3?.bucket) {
      throw new Error('data-migration-center: storage.provider is "s3" but storage.s3.bucket is not set');
    }
    if (heartbeatInterval * 2 > heartbeatTimeout) {
      throw new Error(
        `data-migration-center: heartbeatTimeout (${heartbeatTimeout} ms) must be at least twice heartbeatInterval (${heartbeatInterval} ms)`
      );
    }
  },
};
