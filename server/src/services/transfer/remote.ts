import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CenterInfo, Task } from '../../../../shared/contracts';
import { BUNDLE_FORMAT_VERSION } from '../../pipeline/bundle/manifest';
import { createMultipart } from './multipart';

/**
 * Another instance's center, reached through its content-API routes (`/api/data-migration-center/...`) with an API
 * token: what push and pull send to and read from. Node's fetch and https verify TLS certificates (a private CA is
 * added with NODE_EXTRA_CA_CERTS); nothing here turns that off. A bundle is uploaded with node:http(s), not fetch:
 * measured on Node 20 with a 512 MB file, fetch held the whole body in memory (+546 MB RSS, streamed or not) while
 * a piped request stayed at +24 MB (docs/internals.md). Every failure is a RemoteError that says what went wrong
 * in the user's terms: the host cannot be reached, the token was refused, the token lacks an action, the other side
 * has no center or a center that cannot read what this one writes.
 */

export class RemoteError extends Error {
  /** The HTTP status the other instance answered (null: it could not be reached). */
  readonly status: number | null;
  constructor(message: string, status: number | null = null) {
    super(message);
    this.name = 'RemoteError';
    this.status = status;
  }
}

export interface RemoteOptions {
  url: string;
  token: string;
  /** For tests: a fetch of their own. */
  fetch?: typeof fetch;
  /** How often a task is polled while it runs (ms). */
  pollInterval?: number;
}

const API = '/api/data-migration-center';

/** The URL of a Strapi server (its root: `https://cms.example.com`), checked and without a trailing slash. */
export const serverUrl = (raw: string): string => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RemoteError(`"${raw}" is not a URL: give the Strapi server's address, such as https://staging.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RemoteError(`"${raw}": only http:// and https:// addresses are supported`);
  if (url.search || url.hash) throw new RemoteError(`"${raw}": give the server's address without a query or fragment`);
  return url.toString().replace(/\/+$/, '').replace(/\/api$/, '');
};

/** Why a request could not be sent, from fetch's cause or http's error (ECONNREFUSED, ENOTFOUND, a certificate...). */
const unreachable = (url: string, error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause ?? (error as { code?: string; message?: string });
  // Node's messages often hold the code already ("connect ECONNREFUSED 127.0.0.1:1337"); a certificate error's does not.
  const reason = cause?.code && !cause.message?.includes(cause.code) ? `${cause.code}${cause.message ? `: ${cause.message}` : ''}` : cause?.message ?? (error as Error).message;
  return new RemoteError(`Cannot reach ${url} (${reason})`);
};

/** How long an upload cut short waits for the server's answer that explains it. */
const EARLY_ANSWER_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const createRemote = ({ url: rawUrl, token, fetch: fetchImpl = fetch, pollInterval = 1000 }: RemoteOptions) => {
  const url = serverUrl(rawUrl);
  const authorization = `Bearer ${token}`;

  /** The answer's error in words (Strapi's `{ error: { message } }`), with what the status means here. */
  const refusal = async (response: Response, what: string, action: string): Promise<RemoteError> => {
    let message = '';
    try {
      const body = (await response.json()) as { error?: { message?: string; details?: { errors?: Array<{ path?: string[]; message: string }> } } };
      const details = body.error?.details?.errors ?? [];
      message = details.length > 0 ? details.map((d) => (d.path?.length ? `${d.path.join('.')}: ${d.message}` : d.message)).join('; ') : body.error?.message ?? '';
    } catch {
      // not JSON: the status says enough
    }
    const { status } = response;
    if (status === 401) return new RemoteError(`${url} refused the API token (401): check the token (Settings → API Tokens on that instance)`, status);
    if (status === 403) {
      return new RemoteError(
        `${url} refused to ${what} (403)${message && message !== 'Forbidden' ? `: ${message}` : ''}: the API token needs the Data Migration Center's ${action} action (a custom token) and the content permissions it uses`,
        status
      );
    }
    if (status === 404 && action === 'info.find') {
      return new RemoteError(`${url} has no Data Migration Center (404 on ${API}/info): is the plugin installed and up to date, and is this the server's root address?`, status);
    }
    return new RemoteError(`${url} could not ${what} (${status})${message ? `: ${message}` : ''}`, status);
  };

  const send = async (path: string, init: RequestInit, what: string, action: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchImpl(`${url}${API}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization } });
    } catch (error) {
      throw unreachable(url, error);
    }
    if (!response.ok) throw await refusal(response, what, action);
    return response;
  };

  /**
   * A POST whose body is streamed with backpressure (node:http(s) and a pipeline): the file is read only as fast as
   * the socket takes it. The answer (a small JSON document) is returned as a fetch Response.
   */
  const upload = async (path: string, contentType: string, body: AsyncIterable<Buffer>, what: string, action: string): Promise<Response> => {
    const target = new URL(`${url}${API}${path}`);
    const client = target.protocol === 'https:' ? https : http;
    let answer: Response;
    try {
      const req = client.request(target, { method: 'POST', headers: { 'content-type': contentType, authorization } });
      const responded = new Promise<Response>((resolve, reject) => {
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502 })));
          res.on('error', reject);
        });
        req.on('error', reject);
      });
      responded.catch(() => undefined);
      try {
        await pipeline(Readable.from(body), req);
      } catch (error) {
        // The server may answer (413, 400, 401) and close before it has read the whole body: its answer says why.
        const early = await Promise.race([responded.catch(() => null), sleep(EARLY_ANSWER_MS).then(() => null)]);
        if (!early) throw error;
      }
      answer = await responded;
    } catch (error) {
      throw unreachable(url, error);
    }
    if (!answer.ok) throw await refusal(answer, what, action);
    return answer;
  };

  /** The `{ data }` of a center's answer. */
  const dataOf = async <T>(answer: Response): Promise<T> => ((await answer.json()) as { data: T }).data;

  const json = async <T>(path: string, init: RequestInit, what: string, action: string): Promise<T> =>
    dataOf<T>(await send(path, init, what, action));

  const stream = (response: Response): Readable => {
    if (!response.body) return Readable.from([]);
    return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  };

  const remote = {
    url,

    /** Its center, checked: reachable, the token accepted, a bundle format both sides read. */
    async info(): Promise<CenterInfo> {
      const info = await json<CenterInfo>('/info', { method: 'GET' }, 'describe its Data Migration Center', 'info.find');
      if (info?.plugin !== 'data-migration-center' || typeof info.bundleFormat !== 'number') {
        throw new RemoteError(`${url} answered ${API}/info with something that is not a Data Migration Center`);
      }
      return info;
    },

    /** Refuses a transfer whose bundle one side cannot read, before anything is written. */
    async assertReads(direction: 'push' | 'pull'): Promise<CenterInfo> {
      const info = await remote.info();
      if (direction === 'push' && info.bundleFormat < BUNDLE_FORMAT_VERSION) {
        throw new RemoteError(
          `${url} reads bundle formats up to ${info.bundleFormat} (plugin ${info.version}); this instance writes format ${BUNDLE_FORMAT_VERSION}: update the plugin there first`
        );
      }
      if (direction === 'pull' && info.bundleFormat > BUNDLE_FORMAT_VERSION) {
        throw new RemoteError(
          `${url} writes bundle format ${info.bundleFormat} (plugin ${info.version}); this instance reads formats up to ${BUNDLE_FORMAT_VERSION}: update the plugin here first`
        );
      }
      return info;
    },

    /** Starts a bundle import there, the bundle streamed from `content` as it is sent. */
    async startBundleImport(content: Readable, fileName: string, options: Record<string, unknown>): Promise<Task> {
      const { contentType, body } = createMultipart([
        { name: 'options', value: JSON.stringify(options) },
        { name: 'file', fileName, contentType: 'application/zip', content },
      ]);
      return dataOf<Task>(await upload('/bundle-imports', contentType, body(), 'start a bundle import', 'tasks.createBundleImport'));
    },

    async startBundleExport(options: Record<string, unknown>): Promise<Task> {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options) };
      return json<Task>('/bundle-exports', init, 'start a bundle export', 'tasks.createBundleExport');
    },

    task: (id: number) => json<Task>(`/tasks/${id}`, { method: 'GET' }, `read task #${id}`, 'tasks.findOne'),

    /** Polls a task until it has ended, telling `onProgress` each state it sees. */
    async waitFor(id: number, onProgress: (task: Task) => void = () => undefined, signal?: AbortSignal): Promise<Task> {
      for (;;) {
        const task = await remote.task(id);
        onProgress(task);
        if (task.status !== 'queued' && task.status !== 'running') return task;
        if (signal?.aborted) throw new RemoteError(`Stopped waiting for task #${id} on ${url}`);
        await sleep(pollInterval);
      }
    },

    async cancel(id: number): Promise<void> {
      await send(`/tasks/${id}/cancel`, { method: 'POST' }, `cancel task #${id}`, 'tasks.cancel');
    },

    /** A finished export's file, as a stream. */
    download: async (id: number): Promise<Readable> => stream(await send(`/tasks/${id}/file`, { method: 'GET' }, `send the file of task #${id}`, 'tasks.downloadFile')),

    /** A task's error report (CSV), as a stream. */
    errorReport: async (id: number): Promise<Readable> =>
      stream(await send(`/tasks/${id}/error-report?format=csv`, { method: 'GET' }, `send the error report of task #${id}`, 'tasks.downloadErrorReport')),
  };
  return remote;
};

export type Remote = ReturnType<typeof createRemote>;
