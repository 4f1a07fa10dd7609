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
