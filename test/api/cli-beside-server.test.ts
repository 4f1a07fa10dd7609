import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerSuperAdmin } from '../helpers/admin';
import { runCli } from '../helpers/cli';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, jsonl, postImport, runningUntil } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * The command line run beside a running server, on the same database (SQLite above all: one writer for the whole
 * file). While the server runs a stop-mode import that holds the writer, a command-line import of the same content
 * type waits its turn (it says what it waits for: the database on SQLite, where even Strapi's start-up writes, the
 * server's task elsewhere), then runs: no item fails on `database is locked`, both imports
 * land whole, and the server answers meanwhile.
 */

let app: TestApp;
let token: string;
let work: string;

const SERVER_ROWS = 400_000;
const CLI_ROWS = 3_000;
const CONTACT = 'api::contact.contact';

beforeAll(async () => {
  app = await startApp({ env: { DMC_BATCH_SIZE: '500' } });
  token = await registerSuperAdmin(app);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-cli-beside-'));
});

afterAll(async () => {
  await app?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const count = (prefix: string) => app.strapi.db.query(CONTACT).count({ where: { firstName: { $startsWith: prefix } } });

test('a command-line import beside a server that is importing waits its turn and loses nothing', async () => {
  const runner = app.strapi.plugin('data-migration-center').service('runner') as {
    snapshot(id: number): { processed: number | null } | null;
    waitFor(id: number): Promise<{ state: string; created: number | null }>;
  };
  const res = await postImport(app, token, {
    fileName: 'server.jsonl',
    content: jsonl(Array.from({ length: SERVER_ROWS }, (_, i) => ({ firstName: `server${i}`, lastName: 'S' }))),
    options: { contentType: CONTACT, onError: 'stop' },
    wait: false,
  });
  expect(res.status).toBe(202);
  const serverTask = res.body.data.id as number;
  await runningUntil(app.strapi, serverTask, (row) => row.processed >= 1_000);

  const file = path.join(work, 'cli.jsonl');
  fs.writeFileSync(file, jsonl(Array.from({ length: CLI_ROWS }, (_, i) => ({ firstName: `cli${i}`, lastName: 'C' }))));
  const cli = runCli(['import', file, '--type', CONTACT, '--on-error', 'continue', '--no-compile', '--json'], {
    database: app.database,
    storageDir: app.storageDir,
    timeout: 240_000,
  });

  // Started while the server's import runs (else SERVER_ROWS is too small for this machine).
  expect(runner.snapshot(serverTask)).not.toBeNull();

  // The server answers while both run (its status comes from memory, its reads from SQLite's second connection).
  const status = await app.http().get(`${BASE}/tasks/${serverTask}`).set('Authorization', `Bearer ${token}`);
  expect(status.status).toBe(200);

  const run = await cli;
  const server = await runner.waitFor(serverTask);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const { task } = JSON.parse(run.stdout) as { task: Task };
  expect(task.status).toBe('completed');
  expect(task.counts).toMatchObject({ created: CLI_ROWS, failed: 0 });
  expect(run.stderr + run.stdout).not.toMatch(/database is locked|SQLITE_BUSY/);
  expect(server.state).toBe('completed');
  expect(await count('server')).toBe(SERVER_ROWS);
  expect(await count('cli')).toBe(CLI_ROWS);
  // It said what it waited for: on SQLite the database itself (Strapi's own start-up writes wait for the server's
  // transaction), elsewhere the server's task (the content type's write lock).
  expect(run.stderr).toMatch(
    new RegExp(`Waiting for the database: another process|waiting for task #${serverTask}, which writes ${CONTACT.replace(/\./g, '\\.')}`)
  );
}, 300_000);
