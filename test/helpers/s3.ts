import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real S3-compatible server for the tests: s3rver (its own child process, so that the memory of the process
 * under test is its own), on a free port of 127.0.0.1, with one bucket, storing in a temporary folder.
 * `env` is the playground's settings for it (test/app/config/plugins.ts).
 */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  directory: string;
  env: Record<string, string>;
  /** Every object key in the bucket (as s3rver stores them on disk), for assertions. */
  keys(): string[];
  stop(): Promise<void>;
}

export const startS3Server = async ({ bucket = 'dmc-tasks', prefix = 'strapi/' } = {}): Promise<TestS3> => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-s3-'));
  const s3rverModule = require.resolve('s3rver');
  const script = `
    const S3rver = require(${JSON.stringify(s3rverModule)});
    new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(directory)}, configureBuckets: [{ name: ${JSON.stringify(bucket)} }] })
      .run()
      .then((address) => console.log('LISTENING ' + address.port))
      .catch((error) => { console.error(error); process.exit(1); });
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 20 s: ${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${output}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;

  const keys = () => {
    // s3rver keeps each object as <directory>/<bucket>/<key>._S3rver_object (plus metadata files).
    const root = path.join(directory, bucket);
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('._S3rver_object')) found.push(path.relative(root, full).replace(/\._S3rver_object$/, '').split(path.sep).join('/'));
      }
    };
    walk(root);
    return found.sort();
  };

  return {
    endpoint,
    bucket,
    directory,
    env: {
      DMC_STORAGE_PROVIDER: 's3',
      DMC_S3_BUCKET: bucket,
      DMC_S3_ENDPOINT: endpoint,
      DMC_S3_FORCE_PATH_STYLE: 'true',
      DMC_S3_PREFIX: prefix,
      DMC_S3_ACCESS_KEY_ID: 'S3RVER',
      DMC_S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    keys,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
};
