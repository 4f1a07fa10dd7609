import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { registerSuperAdmin } from './admin';
import { createTestDatabase, type TestDatabase } from './database';
import { APP_DIR, DIST_DIR, startApp, type TestApp } from './strapi';

/**
 * A SECOND playground instance, in a child process, on the same database as the in-process one (test/helpers/
 * strapi.ts): two Strapi servers sharing one database, as behind a load balancer. It boots from the compiled
 * playground (test/app/dist) with `createStrapi({ appDir, distDir }).start()`, on its own port and its own storage
 * folder. The playground's secrets (admin JWT secret...) come from test/app/.tmp/secrets.json (or the environment),
 * which both processes read: a token from one instance works on the other.
 */
export interface ChildInstance {
  url: string;
  port: number;
  storageDir: string;
  pid: number;
  /** supertest on the child's address. */
  http(): ReturnType<typeof request>;
  /** The last part of its output (stdout and stderr), for failure messages. */
  output(): string;
  /** kill -9: no shutdown hook runs (its tasks stay `running` until another instance finds their heartbeat stale). */
  kill(): Promise<void>;
  /** SIGTERM: Strapi's shutdown (running tasks are rolled back and marked interrupted). */
  stop(): Promise<void>;
  /** Stops it if it still runs, and removes its storage folder (unless it was given one: see `storageDir`). */
  dispose(): Promise<void>;
}

const BOOT_TIMEOUT_MS = 120_000;

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const startChildInstance = async ({
  database,
  env = {},
  storageDir: sharedStorageDir,
  soleServer = false,
}: {
  database: TestDatabase;
  /** Plugin settings for this instance (DMC_*), on top of the defaults below. */
  env?: Record<string, string>;
  /**
   * The `local` storage folder of another instance (one that was killed: this one takes its place, with its
   * files). Left in place by `dispose`: its owner removes it. By default the instance has a folder of its own.
   */
  storageDir?: string;
  /**
   * No other server uses the database while this one runs (the test starts one on it only after this one has
   * ended): allowed on SQLite, which two servers cannot share.
   */
  soleServer?: boolean;
}): Promise<ChildInstance> => {
  if (database.client === 'sqlite' && !soleServer) throw new Error('Two instances cannot share a SQLite database');
  const port = await freePort();
  const storageDir = sharedStorageDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-files-b-'));
  const strapiModule = require.resolve('@strapi/strapi');
  const script = `
    const { createStrapi } = require(${JSON.stringify(strapiModule)});
    createStrapi({ appDir: ${JSON.stringify(APP_DIR)}, distDir: ${JSON.stringify(DIST_DIR)}, autoReload: false, serveAdminPanel: false })
      .start()
      .catch((error) => { console.error(error); process.exit(1); });
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script], {
    cwd: APP_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DMC_SEED: 'false',
      DMC_STORAGE_DIR: storageDir,
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL || 'warn',
      BROWSER: 'none',
      ...database.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // DMC_CHILD_LOG=<file>: the whole output of every child instance appended to a file, to debug one.
  const log = process.env.DMC_CHILD_LOG;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
    if (log) fs.appendFileSync(log, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    })
  );

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`The second instance exited while starting (${JSON.stringify(exited)}). Its output:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The second instance did not answer ${url}/_health within ${BOOT_TIMEOUT_MS / 1000} s. Its output:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/_health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }

  const end = async (signal: NodeJS.Signals) => {
    if (!exited) {
      child.kill(signal);
      await Promise.race([exit, sleep(20_000)]);
      if (!exited) {
        child.kill('SIGKILL');
        await exit;
      }
    }
  };

  return {
    url,
    port,
    storageDir,
    pid: child.pid as number,
    http: () => request(url),
    output: () => output,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async dispose() {
      await end('SIGTERM');
      if (!sharedStorageDir) fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
};

/**
 * Two instances, each on its own database, as two environments are: A in this process with the playground's demo
 * content, B a child process (the only server of its database) that starts empty. Each has its super admin; `stop`
 * stops both and drops B's database.
 */
export interface InstancePair {
  a: TestApp;
  b: ChildInstance;
  /** A's and B's super admin tokens. */
  tokenA: string;
  tokenB: string;
  stop(): Promise<void>;
}

export const startPair = async (): Promise<InstancePair> => {
  const a = await startApp({ env: { DMC_SEED: 'true' } });
  const tokenA = await registerSuperAdmin(a);
  const database = await createTestDatabase();
  const b = await startChildInstance({ database, soleServer: true });
  const tokenB = await registerSuperAdmin(b);
  return {
    a,
    b,
    tokenA,
    tokenB,
    async stop() {
      await b.dispose();
      await database.drop();
      await a.stop();
    },
  };
};
