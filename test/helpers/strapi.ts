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
  /** Stops Strapi and drops its database (kept with `keepDatabase`, for a restart on it). */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

/**
 * Boots the playground (compiled once by the global setup) on a fresh database, without the admin panel.
 * `env` adds environment variables for this boot (plugin settings read by test/app/config/plugins.ts).
 * `database` boots on an existing database instead (a restart): `stop({ keepDatabase: true })` leaves it for the
 * next boot, whose `stop()` drops it.
 */
export const startApp = async ({
  env = {},
  database: existing,
  appDir = APP_DIR,
  autoReload = false,
}: {
  env?: Record<string, string>;
  database?: TestDatabase;
  /** Another app than the playground (compiled into its own dist/), e.g. a copy the test changes. */
  appDir?: string;
  /** Development mode (`strapi develop`): what the Content-Type Builder needs to write definitions. */
  autoReload?: boolean;
} = {}): Promise<TestApp> => {
  const database = existing ?? (await createTestDatabase());
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

  const restore = () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };

  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const instance = createStrapi({ appDir, distDir: path.join(appDir, 'dist'), autoReload, serveAdminPanel: false });
  let strapi: Core.Strapi;
  try {
    strapi = await instance.load();
  } catch (error) {
    // Start-up failed (what some tests expect): release what the half-started instance holds. The database is
    // kept when it was given (the test looks at it afterwards), dropped otherwise.
    await instance.destroy().catch(() => undefined);
    if (!existing) await database.drop();
    fs.rmSync(storageDir, { recursive: true, force: true });
    restore();
    throw error;
  }
  await strapi.server.mount();

  if (!strapi.plugin(PLUGIN_ID)) {
    throw new Error('The data-migration-center plugin did not load: is it built (npm run build)?');
  }

  return {
    strapi,
    database,
    storageDir,
    http: () => request(strapi.server.httpServer),
    async stop({ keepDatabase = false } = {}) {
      await strapi.destroy();
      if (!keepDatabase) await database.drop();
      fs.rmSync(storageDir, { recursive: true, force: true });
      restore();
    },
  };
};
