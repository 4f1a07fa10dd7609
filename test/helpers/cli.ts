import { spawn } from 'node:child_process';
import path from 'node:path';
import { APP_DIR } from './strapi';
import type { TestDatabase } from './database';

export const BIN = path.resolve(__dirname, '../../bin/data-migration-center.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `data-migration-center` command line as a real process in the playground's directory, on `database`,
 * with `storageDir` as its task file storage. Killed (SIGKILL) after `timeout` ms.
 */
export const runCli = (
  args: string[],
  { database, storageDir, timeout = 110_000 }: { database: TestDatabase; storageDir: string; timeout?: number }
): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: APP_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DMC_SEED: 'false',
        DMC_STORAGE_DIR: storageDir,
        STRAPI_TELEMETRY_DISABLED: 'true',
        BROWSER: 'none',
        ...database.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
