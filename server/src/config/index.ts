import { yup } from '@strapi/utils';

/**
 * The plugin's configuration, set in the app's `config/plugins.ts` under `data-migration-center.config`.
 * Every key is optional; these are the defaults.
 */
export interface PluginConfig {
  /** Where task files (uploads, exports, error reports) are kept; relative to the app's root. Never served publicly. */
  storageDir: string;
  /** The largest upload accepted, in bytes (413 past it). */
  maxFileSize: number;
  /** How many tasks one server runs at a time. */
  concurrency: number;
  /** How often a running task's worker writes its heartbeat, in ms. */
  heartbeatInterval: number;
  /** A running task whose heartbeat is older than this (ms) is marked `interrupted`. */
  heartbeatTimeout: number;
  /** How often each server looks for stale tasks and queued work, in ms. */
  pollInterval: number;
  /** Items written per batch (one lookup query and one set of bulk writes per batch). */
  batchSize: number;
  /** Write new entries with multi-row inserts (the bulk path); false: always the Document Service. */
  bulkWrites: boolean;
  /** Read exports with the lean per-page reader (export-reader.ts); false: always through the Document Service. */
  leanExports: boolean;
  /** Offer private attributes for import (they are never exported). */
  allowPrivateFields: boolean;
  /** Content types beyond `api::` that the center may offer, such as `plugin::users-permissions.user`. */
  extraContentTypes: string[];
  batchFiles: {
    /** Apply batch files at start-up. */
    enabled: boolean;
    /** The folder, relative to the app's root, whose `*.jsont` and `*.batch-engine-data.json` files are applied. */
    folder: string;
    /** A failing batch file stops start-up. */
    failOnError: boolean;
  };
}

export const defaultConfig: PluginConfig = {
  storageDir: '.data-migration-center',
  maxFileSize: 1024 * 1024 * 1024,
  concurrency: 1,
  heartbeatInterval: 5_000,
  heartbeatTimeout: 60_000,
  pollInterval: 2_000,
  batchSize: 500,
  bulkWrites: true,
  leanExports: true,
  allowPrivateFields: false,
  extraContentTypes: [],
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
    concurrency: yup.number().integer().min(1),
    heartbeatInterval: yup.number().integer().positive(),
    heartbeatTimeout: yup.number().integer().positive(),
    pollInterval: yup.number().integer().positive(),
    batchSize: yup.number().integer().min(1).max(10_000),
    bulkWrites: yup.boolean(),
    leanExports: yup.boolean(),
    allowPrivateFields: yup.boolean(),
    extraContentTypes: yup.array(yup.string().matches(/^(plugin|api)::[\w-]+\.[\w-]+$/)),
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
    const { heartbeatInterval, heartbeatTimeout } = { ...defaultConfig, ...(config as Partial<PluginConfig>) };
    if (heartbeatInterval * 2 > heartbeatTimeout) {
      throw new Error(
        `data-migration-center: heartbeatTimeout (${heartbeatTimeout} ms) must be at least twice heartbeatInterval (${heartbeatInterval} ms)`
      );
    }
  },
};
