import { createRemote, RemoteError, serverUrl } from './remote';

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const remoteAnswering = (respond: (url: string, init?: RequestInit) => Response | Promise<Response>) => {
  const calls: Array<{ url: string; authorization: string | undefined }> = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), authorization: (init?.headers as Record<string, string> | undefined)?.authorization });
    return respond(String(url), init);
  }) as typeof fetch;
  return { remote: createRemote({ url: 'https://cms.example.com/', token: 'secret', fetch: fetchImpl, pollInterval: 1 }), calls };
};

const INFO = { plugin: 'data-migration-center', version: '1.0.0', bundleFormat: 1, formatVersion: 1 };

describe('serverUrl', () => {
  it("keeps a server's root, without a trailing slash or /api", () => {
    expect(serverUrl('https://cms.example.com/')).toBe('https://cms.example.com');
    expect(serverUrl('http://127.0.0.1:1337/api/')).toBe('http://127.0.0.1:1337');
    expect(serverUrl('https://example.com/strapi')).toBe('https://example.com/strapi');
  });
  it('refuses what is not an http(s) address', () => {
    expect(() => serverUrl('cms.example.com')).toThrow(/is not a URL/);
    expect(() => serverUrl('file:///etc/passwd')).toThrow(/only http/);
    expect(() => serverUrl('https://cms.example.com/?a=1')).toThrow(/without a query/);
  });
});

describe('createRemote', () => {
  it('sends the token and reads the info', async () => {
    const { remote, calls } = remoteAnswering(() => answer(200, { data: INFO }));
    await expect(remote.assertReads('push')).resolves.toEqual(INFO);
    expect(calls).toEqual([{ url: 'https://cms.example.com/api/data-migration-center/info', authorization: 'Bearer secret' }]);
  });

  it('says what each refusal means', async () => {
    const statuses: Array<[number, RegExp]> = [
      [401, /refused the API token \(401\)/],
      [403, /refused to describe its Data Migration Center \(403\).*info\.find/],
      [404, /has no Data Migration Center \(404/],
      [500, /could not describe its Data Migration Center \(500\): boom/],
    ];
    for (const [status, message] of statuses) {
      const { remote } = remoteAnswering(() => answer(status, { error: { message: 'boom' } }));
      const error = await remote.info().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).message).toMatch(message);
      expect((error as RemoteError).status).toBe(status);
    }
  });

  it('lists a 400 field by field', async () => {
    const { remote } = remoteAnswering(() =>
      answer(400, { error: { message: 'Invalid', details: { errors: [{ path: ['types', '0'], message: 'unknown type' }] } } })
    );
    await expect(remote.startBundleExport({ types: 'x' })).rejects.toThrow(/could not start a bundle export \(400\): types\.0: unknown type/);
  });

  it('names the cause of a connection failure', async () => {
    const tls = remoteAnswering(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' } });
    });
    await expect(tls.remote.info()).rejects.toThrow('Cannot reach https://cms.example.com (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)');
    const { remote } = remoteAnswering(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND cms.example.com' } });
    });
    await expect(remote.info()).rejects.toThrow('Cannot reach https://cms.example.com (getaddrinfo ENOTFOUND cms.example.com)');
  });

  it('refuses an answer that is not a center, and bundle formats one side cannot read', async () => {
    await expect(remoteAnswering(() => answer(200, { data: { hello: 1 } })).remote.info()).rejects.toThrow(/not a Data Migration Center/);
    const older = remoteAnswering(() => answer(200, { data: { ...INFO, bundleFormat: 0 } })).remote;
    await expect(older.assertReads('push')).rejects.toThrow(/update the plugin there first/);
    await expect(older.assertReads('pull')).resolves.toMatchObject({ bundleFormat: 0 });
    const newer = remoteAnswering(() => answer(200, { data: { ...INFO, bundleFormat: 2 } })).remote;
    await expect(newer.assertReads('pull')).rejects.toThrow(/update the plugin here first/);
  });

  it('polls a task until it has ended', async () => {
    const states = ['queued', 'running', 'completed'];
    const { remote } = remoteAnswering(() => answer(200, { data: { id: 7, status: states.shift() } }));
    const seen: string[] = [];
    const task = await remote.waitFor(7, (t) => seen.push(t.status));
    expect(task.status).toBe('completed');
    expect(seen).toEqual(['queued', 'running', 'completed']);
  });
});

describe('startBundleImport (uploads over node:http)', () => {
  const serve = async (handler: import('node:http').RequestListener) => {
    const http = await import('node:http');
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  };
  const bytes = (megabytes: number) => {
    const { Readable } = require('node:stream') as typeof import('node:stream');
    let left = megabytes;
    return new Readable({
      read() {
        left -= 1;
        this.push(left >= 0 ? Buffer.alloc(1024 * 1024, 7) : null);
      },
    });
  };

  it('streams the whole file as multipart, with the token, and reads the answer', async () => {
    let received = 0;
    let headers: import('node:http').IncomingHttpHeaders = {};
    const server = await serve((req, res) => {
      headers = req.headers;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { id: 9, status: 'queued' } }));
      });
    });
    try {
      const task = await createRemote({ url: server.url, token: 'secret' }).startBundleImport(bytes(20), 'b.zip', { dryRun: true });
      expect(task).toEqual({ id: 9, status: 'queued' });
      expect(received).toBeGreaterThan(20 * 1024 * 1024);
      expect(headers.authorization).toBe('Bearer secret');
      expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    } finally {
      await server.close();
    }
  });

  it("reports the server's answer when it refuses before reading the body (413)", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: { message: 'The file is larger than maxFileSize' } }));
    });
    try {
      await expect(createRemote({ url: server.url, token: 't' }).startBundleImport(bytes(64), 'b.zip', {})).rejects.toThrow(
        /could not start a bundle import \(413\): The file is larger than maxFileSize/
      );
    } finally {
      await server.close();
    }
  });

  it('says so when nothing answers', async () => {
    const server = await serve(() => undefined);
    const { url } = server;
    await server.close();
    await expect(createRemote({ url, token: 't' }).startBundleImport(bytes(1), 'b.zip', {})).rejects.toThrow(/Cannot reach http:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
  });
});
