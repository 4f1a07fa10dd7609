import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from './database';

export const APP_DIR = path.resolve(__dirname, '../app');
export const DIST_DIR = path.join(APP_DIR, 'dist');
export const PLUGIN_ID = 'data-migration-center';

export interface TestApp {
  strapi: Core.Strapi;
  database: TestDatabase;
  storageDir: string;
  /** supertest on the running server. */
  http(): ReturnType<typeof request>;
  stop(): Promise<void>;
}

/**
 * Boots the playground (compiled once by the global setup) on a fresh database, without the admin panel.
 * `env` adds environment variables for this boot (plugin settings read by test/app/config/plugins.ts).
 * `database`: boot on this database instead (it is kept by stop(): its creator drops it).
 */
export const startApp = async ({ env = {}, database: given }: { env?: Record<string, string>; database?: TestDatabase } = {}): Promise<TestApp> => {
  const database = given ?? (await createTestDatabase());
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-files-'));
  const settings: Record<string, string> = {
    NODE_ENV: 'test',
    DMC_SEED: 'false',
    DMC_STORAGE_DIR: storageDir,
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL || 'warn',
    BROWSER: 'none',
    ...database.env,
    ...env,
  };
  // Restored by stop(): the next app of the same test file starts from the same environment (DATABASE_CLIENT...).
  const previous = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  Object.assign(process.env, settings);

  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR, autoReload: false, serveAdminPanel: false }).load();
  await strapi.server.mount();

  if (!strapi.plugin(PLUGIN_ID)) {
    throw new Error('The data-migration-center plugin did not load: is it built (npm run build)?');
  }

  return {
    strapi,
    database,
    storageDir,
    http: () => request(strapi.server.httpServer),
    async stop() {
      await strapi.destroy();
      if (!given) await database.drop();
      fs.rmSync(storageDir, { recursive: true, force: true });
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    },
  };
};
