import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { freePort, startPair, type ChildInstance, type InstancePair } from '../helpers/instance';
import type { TestApp } from '../helpers/strapi';
import { BASE, jsonl, type Server } from '../helpers/tasks';
import type { TransferRequest, TransferResult } from '../../server/src/services/transfer';
import type { Task } from '../../shared/contracts';

/**
 * Push and pull between two instances (issue 19): A (in this process, the playground's demo content) and B (a child
 * process on a database of its own), each with its own storage. A bundle goes from A into B through B's content-API
 * bundle import, authorised by an API token B issued, and back; upserts twice leave no duplicate; a dry run writes
 * nothing; a wrong token, an unreachable host, a certificate that is not trusted, a server without the center and a
 * bundle format one side cannot read are refused before anything is written. The command line does the same.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';
const DMC = 'plugin::data-migration-center';

let a: TestApp;
let b: ChildInstance;
let pair: InstancePair;
let tokenA: string;
let tokenB: string;
let bKey: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-transfer-'));

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const createApiToken = async (server: Server, adminToken: string, type: 'full-access' | 'custom', permissions: string[] = []) => {
  const res = await server
    .http()
    .post('/admin/api-tokens')
    .set(bearer(adminToken))
    .send({ name: `transfer ${type} ${Date.now()} ${Math.random()}`, type, lifespan: null, ...(type === 'custom' ? { permissions } : {}) });
  expect(res.status).toBe(201);
  return res.body.data.accessKey as string;
};

beforeAll(async () => {
  pair = await startPair();
  ({ a, b, tokenA, tokenB } = pair);
  bKey = await createApiToken(b, tokenB, 'full-access');
}, 240_000);

afterAll(async () => {
  await pair?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const transfer = () =>
  a.strapi.plugin('data-migration-center').service('transfer') as {
    push(request: TransferRequest): Promise<TransferResult>;
    pull(request: TransferRequest): Promise<TransferResult>;
  };

const request = (bundle: Record<string, unknown>, options: Record<string, unknown> = {}, remote = { url: b.url, token: bKey }): TransferRequest => ({
  remote,
  bundle: { format: 'bundle', ...bundle },
  import: options,
  creator: null,
  actor: null,
});

const count = async (server: Server, token: string, uid: string) => {
  const res = await server.http().get(`/content-manager/collection-types/${uid}?page=1&pageSize=1`).set(bearer(token));
  expect(res.status).toBe(200);
  return res.body.pagination.total as number;
};

const taskCount = async (server: Server, token: string) => {
  const res = await server.http().get(`${BASE}/tasks?pageSize=1`).set(bearer(token));
  const dry = await server.http().get(`${BASE}/tasks?pageSize=1&dryRun=true`).set(bearer(token));
  return (res.body.meta.pagination.total as number) + (dry.body.meta.pagination.total as number);
};

/** An HTTP(S) server that answers GET /api/data-migration-center/info with `info` (404 when null): another "instance". */
const fakeInstance = async (info: Record<string, unknown> | null, tls?: { key: string; cert: string }) => {
  const handler: http.RequestListener = (req, res) => {
    if (req.url === '/api/data-migration-center/info' && info) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: info }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: null, error: { status: 404, name: 'NotFoundError', message: 'Not Found' } }));
    }
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
};

describe('push and pull between two instances', () => {
  let firstPush: TransferResult;

  test('push: articles with their dependencies and files land on B; both tasks reported', async () => {
    const seen: Array<'local' | 'remote'> = [];
    firstPush = await transfer().push({ ...request({ contentTypes: [ARTICLE], withDependencies: true, media: true }), onProgress: ({ side }) => seen.push(side) });
    expect(firstPush.local).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    expect(firstPush.remote).toMatchObject({ kind: 'bundle-import', status: 'completed', error: null });
    expect(firstPush.remote!.counts.created).toBeGreaterThan(0);
    expect(firstPush.remote!.counts.failed).toBe(0);
    expect(seen).toContain('local');
    expect(seen).toContain('remote');
    expect(await count(b, tokenB, ARTICLE)).toBe(await count(a, tokenA, ARTICLE));
    expect(await count(b, tokenB, CATEGORY)).toBeGreaterThan(0);
    // B's task was created by the API token.
    expect(firstPush.remote!.createdBy).toMatchObject({ kind: 'api-token' });
  });

  test('push again (upsert): every item updates, nothing is duplicated', async () => {
    const before = { articles: await count(b, tokenB, ARTICLE), categories: await count(b, tokenB, CATEGORY) };
    const again = await transfer().push(request({ contentTypes: [ARTICLE], withDependencies: true, media: true }));
    expect(again.remote).toMatchObject({ status: 'completed', counts: { created: 0, failed: 0 } });
    expect(again.remote!.counts.updated).toBe(firstPush.remote!.counts.processed);
    expect({ articles: await count(b, tokenB, ARTICLE), categories: await count(b, tokenB, CATEGORY) }).toEqual(before);
  });

  test('a dry run counts on B and writes nothing there', async () => {
    const made = await a
      .http()
      .post(`${BASE}/import-tasks?wait=true`)
      .set(bearer(tokenA))
      .attach('file', Buffer.from(jsonl([{ name: 'only-on-a-1' }, { name: 'only-on-a-2' }])), 'tags.jsonl')
      .field('options', JSON.stringify({ contentType: TAG }));
    expect(made.body.data.counts.created).toBe(2);
    const before = await count(b, tokenB, TAG);
    const dry = await transfer().push(request({ contentTypes: [TAG] }, { dryRun: true }));
    expect(dry.remote).toMatchObject({ status: 'completed', counts: { failed: 0 } });
    expect(dry.remote!.counts.created).toBe(2);
    expect(await count(b, tokenB, TAG)).toBe(before);
  });

  test('pull: an entry changed on B comes back to A, matched by slug, with no duplicate', async () => {
    const categories = await b.http().get(`/content-manager/collection-types/${CATEGORY}?page=1&pageSize=1&sort=id:asc`).set(bearer(tokenB));
    const one = categories.body.results[0] as { documentId: string; slug: string };
    const changed = await b
      .http()
      .put(`/content-manager/collection-types/${CATEGORY}/${one.documentId}`)
      .set(bearer(tokenB))
      .send({ description: 'Changed on B' });
    expect(changed.status).toBe(200);
    const before = await count(a, tokenA, CATEGORY);
    const pulled = await transfer().pull(request({ contentTypes: [CATEGORY] }, { types: { [CATEGORY]: { matchBy: 'slug' } } }));
    expect(pulled.remote).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    expect(pulled.local).toMatchObject({ kind: 'bundle-import', status: 'completed', counts: { created: 0, failed: 0 } });
    expect(await count(a, tokenA, CATEGORY)).toBe(before);
    const here = (await a.strapi.db.query(CATEGORY as never).findOne({ where: { slug: one.slug } })) as { description: string };
    expect(here.description).toBe('Changed on B');
  });
});

describe('refused before anything is written', () => {
  const refusedPush = async (remote: { url: string; token: string }, message: RegExp) => {
    const [tasksA, tasksB] = [await taskCount(a, tokenA), await taskCount(b, tokenB)];
    await expect(transfer().push(request({ contentTypes: [TAG] }, {}, remote))).rejects.toThrow(message);
    expect([await taskCount(a, tokenA), await taskCount(b, tokenB)]).toEqual([tasksA, tasksB]);
  };

  test('a wrong token (401), on push and pull', async () => {
    await refusedPush({ url: b.url, token: 'not-a-token' }, /refused the API token \(401\)/);
    const tasksB = await taskCount(b, tokenB);
    await expect(transfer().pull(request({ contentTypes: [TAG] }, {}, { url: b.url, token: 'not-a-token' }))).rejects.toThrow(/refused the API token/);
    expect(await taskCount(b, tokenB)).toBe(tasksB);
  });

  test('a token without the needed actions names the action (403)', async () => {
    const limited = await createApiToken(b, tokenB, 'custom', [`${DMC}.tasks.findOne`]);
    await refusedPush({ url: b.url, token: limited }, /403.*info\.find/);
  });

  test('an unreachable host, an address that is not a URL', async () => {
    const port = await freePort();
    await refusedPush({ url: `http://127.0.0.1:${port}`, token: bKey }, /Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
    await refusedPush({ url: 'staging.example.com', token: bKey }, /is not a URL/);
    await refusedPush({ url: 'ftp://staging.example.com', token: bKey }, /only http:\/\/ and https:\/\//);
  });

  test('a server whose certificate is not trusted (TLS is verified)', async () => {
    const key = path.join(work, 'key.pem');
    const cert = path.join(work, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const fake = await fakeInstance({ plugin: 'data-migration-center', version: '9', bundleFormat: 1, formatVersion: 1 }, { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') });
    try {
      await refusedPush({ url: fake.url, token: bKey }, /Cannot reach https:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)/);
    } finally {
      await fake.close();
    }
  });

  test('a server without the center, and bundle formats one side cannot read', async () => {
    const none = await fakeInstance(null);
    const older = await fakeInstance({ plugin: 'data-migration-center', version: '0.0.1', bundleFormat: 0, formatVersion: 1 });
    const newer = await fakeInstance({ plugin: 'data-migration-center', version: '9.0.0', bundleFormat: 99, formatVersion: 1 });
    try {
      await refusedPush({ url: none.url, token: bKey }, /has no Data Migration Center \(404/);
      await refusedPush({ url: older.url, token: bKey }, /reads bundle formats up to 0 \(plugin 0\.0\.1\); this instance writes format 1: update the plugin there first/);
      await expect(transfer().pull(request({ contentTypes: [TAG] }, {}, { url: newer.url, token: bKey }))).rejects.toThrow(
        /writes bundle format 99 \(plugin 9\.0\.0\); this instance reads formats up to 1: update the plugin here first/
      );
    } finally {
      await Promise.all([none.close(), older.close(), newer.close()]);
    }
  });
});

describe('the command line', () => {
  const cli = (args: string[]) => runCli([...args, '--no-compile'], { database: a.database, storageDir: a.storageDir, timeout: 180_000 });

  test('push --to --token --json: both tasks, the exit code of the import', async () => {
    const run = await cli(['push', '--to', b.url, '--token', bKey, '--type', TAG, '--import-types', JSON.stringify({ [TAG]: { matchBy: 'name' } }), '--json']);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(run.stdout) as { export: Task; import: Task; errorReport: string | null };
    expect(out.export).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    expect(out.import).toMatchObject({ kind: 'bundle-import', status: 'completed', counts: { failed: 0 } });
    expect(await count(b, tokenB, TAG)).toBe(await count(a, tokenA, TAG));
  }, 200_000);

  test('pull --from with a failing item: exit code 2 and the error report written here', async () => {
    const report = path.join(work, 'pull-errors.csv');
    // Every tag of B is on A already (the push before): add-only refuses each as an item error.
    const run = await cli(['pull', '--from', b.url, '--token', bKey, '--type', TAG, '--on-error', 'continue', '--import-types', JSON.stringify({ [TAG]: { matchBy: 'name', importStrategy: 'add-only' } }), '--error-report', report]);
    expect(run.stdout).toMatch(/Pull from http:\/\/127\.0\.0\.1:\d+: completed-with-errors/);
    expect(run.code).toBe(2);
    expect(fs.readFileSync(report, 'utf8')).toMatch(/itemNumber/);
  }, 200_000);

  test('a wrong token: exit code 64, the reason on stderr, nothing started', async () => {
    const tasksA = await taskCount(a, tokenA);
    const run = await cli(['push', '--to', b.url, '--token', 'wrong', '--type', TAG]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/push: .*refused the API token \(401\)/);
    expect(await taskCount(a, tokenA)).toBe(tasksA);
  }, 200_000);
});
