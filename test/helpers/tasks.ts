import type { Core } from '@strapi/strapi';
import type request from 'supertest';
import type { Task } from '../../shared/contracts';

export const BASE = '/data-migration-center';

/**
 * Any server the helpers can ask: the in-process playground (TestApp) or a second instance in a child process
 * (ChildInstance).
 */
export interface Server {
  http(): ReturnType<typeof request>;
}

export interface ImportRequest {
  content: string | Buffer;
  fileName: string;
  options?: Record<string, unknown>;
  wait?: boolean;
}

/** POST /import-tasks (multipart), by default with ?wait=true. Returns the raw response. */
export const postImport = (app: Server, token: string, { content, fileName, options, wait = true }: ImportRequest) => {
  const req = app
    .http()
    .post(`${BASE}/import-tasks${wait ? '?wait=true' : ''}`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), fileName);
  return options === undefined ? req : req.field('options', JSON.stringify(options));
};

/** Imports and expects the request to be accepted; returns the finished task. */
export const importFile = async (app: Server, token: string, request: ImportRequest): Promise<Task> => {
  const res = await postImport(app, token, request);
  if (res.status !== 200 && res.status !== 202) {
    throw new Error(`import answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.data as Task;
};

export const errorReport = (app: Server, token: string, taskId: number, format: 'json' | 'csv' = 'json') =>
  download(app, token, `${BASE}/tasks/${taskId}/error-report?format=${format}`);

export const jsonl = (items: unknown[]) => items.map((item) => JSON.stringify(item)).join('\n') + '\n';

/** POST /export-tasks?wait=true and the exported file's text. */
export const exportFile = async (app: Server, token: string, options: Record<string, unknown>) => {
  const res = await app.http().post(`${BASE}/export-tasks?wait=true`).set('Authorization', `Bearer ${token}`).send(options);
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${JSON.stringify(res.body)}`);
  const task = res.body.data as Task;
  if (task.status !== 'completed') throw new Error(`export ${task.status}: ${task.error}`);
  const file = await download(app, token, `${BASE}/tasks/${task.id}/file`);
  return { task, text: file.text, headers: file.headers };
};

/** A bundle export (POST /bundle-exports, expected to complete) and its zip's bytes. */
export const bundleFile = async (app: Server, token: string, options: Record<string, unknown>) => {
  const res = await app.http().post(`${BASE}/bundle-exports?wait=true`).set('Authorization', `Bearer ${token}`).send(options);
  if (res.status !== 200) throw new Error(`bundle export answered ${res.status}: ${JSON.stringify(res.body)}`);
  const task = res.body.data as Task;
  if (task.status !== 'completed') throw new Error(`bundle export ${task.status}: ${task.error}`);
  const file = await downloadBytes(app, token, `${BASE}/tasks/${task.id}/file`);
  if (file.status !== 200) throw new Error(`bundle download answered ${file.status}`);
  return { task, bytes: file.bytes };
};

/** GET `path` as bytes (a zip...), with its status and headers. */
export const downloadBytes = async (app: Server, token: string, path: string) => {
  const res = await app
    .http()
    .get(path)
    .set('Authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((response, callback) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(parts)));
    });
  return { status: res.status, bytes: res.body as Buffer, headers: res.headers };
};

/** GET `path` as text (any status: the body of an error answer is its JSON text). */
export const download = async (app: Server, token: string, path: string) => {
  const res = await app
    .http()
    .get(path)
    .set('Authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((response, callback) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => callback(null, text));
    });
  return { status: res.status, text: res.body as string, headers: res.headers };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls GET /tasks/:id until the task has ended (`context()` adds to the timeout's message: a child's output...). */
export const untilEnded = async (
  server: Server,
  token: string,
  id: number,
  { timeout = 60_000, context = (): string => '' }: { timeout?: number; context?: () => string } = {}
): Promise<Task> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const res = await server.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`);
    const task = res.body.data as Task;
    if (!['queued', 'running'].includes(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`Task ${id} is still ${task.status} after ${timeout / 1000} s${context()}`);
    await sleep(200);
  }
};

export interface TaskRowProgress {
  state: string;
  processed: number;
  created: number;
  fileKey: string;
}

/**
 * Polls the task's row in the database until the task runs and `ready(row)` holds: a point mid-run where the test
 * stops it (kill -9...). Throws when the task ends first, or after `timeout` ms.
 */
/** The plugin's tasks service: a task's row, from memory when this process runs it (as the status route reads it). */
const tasksService = (strapi: Core.Strapi) =>
  strapi.plugin('data-migration-center').service('tasks') as { getRow(id: number): Promise<unknown> };

export const runningUntil = async (
  strapi: Core.Strapi,
  id: number,
  ready: (row: TaskRowProgress) => boolean,
  { timeout = 60_000, context = (): string => '' }: { timeout?: number; context?: () => string } = {}
): Promise<TaskRowProgress> => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const row = (await tasksService(strapi).getRow(id)) as TaskRowProgress;
    if (row.state === 'running' && ready(row)) return row;
    if (row.state !== 'queued' && row.state !== 'running') throw new Error(`Task ${id} ended ${row.state} before the test could stop it mid-run`);
    if (Date.now() > deadline) throw new Error(`Task ${id} did not get there within ${timeout / 1000} s (${row.state}, ${row.processed} items)${context()}`);
    await sleep(20);
  }
};
