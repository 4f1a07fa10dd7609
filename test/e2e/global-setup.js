/**
 * The browser tests' set-up, once per jest run of the `e2e` project:
 * 1. finds Chromium (CHROMIUM_PATH, else /usr/bin/chromium). Without it the project is skipped with a warning,
 *    unless CI or DMC_E2E_REQUIRED is set: then the run fails;
 * 2. builds the plugin and the playground's admin panel when they are out of date (cached by hash stamps);
 * 3. starts the playground (`strapi start`, NODE_ENV=production) as a child process in its own process group,
 *    on a free port of 127.0.0.1, on a fresh temporary SQLite database with demo content and its own storage
 *    folder, and waits for `GET /_health`.
 * The tests read the server's address from DMC_E2E_URL (or DMC_E2E_SKIP when skipped); global-teardown.js stops
 * the process group and removes the temporary files.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { buildPlugin } = require('../../scripts/build-if-needed');
const { appDir, strapiBin, buildAdminIfNeeded } = require('../../scripts/playground');
const teardown = require('./global-teardown');

const HEALTH_TIMEOUT_MS = 120_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const isExecutable = (file) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Resolves once GET /_health answers 204; rejects when the server exits or the time is up. */
const waitForHealth = async (url, child, logFile) => {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/_health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '';
  throw new Error(
    `[e2e] the playground did not answer GET ${url}/_health ` +
      (exited ? `(it exited with ${exited.signal ?? exited.code})` : `within ${HEALTH_TIMEOUT_MS / 1000}s`) +
      `. Its last output:\n${log}`
  );
};

module.exports = async () => {
  const started = Date.now();
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!isExecutable(chromium)) {
    const reason = `Chromium was not found at ${chromium} (set CHROMIUM_PATH, or install it: apt-get install chromium)`;
    if (process.env.CI || process.env.DMC_E2E_REQUIRED) {
      throw new Error(`[e2e] ${reason}; the browser tests are required here (CI or DMC_E2E_REQUIRED is set).`);
    }
    console.warn(`\n[e2e] WARNING: ${reason}. The browser tests are SKIPPED.\n`);
    process.env.DMC_E2E_SKIP = reason;
    return;
  }

  buildPlugin();
  await buildAdminIfNeeded();

  // Screenshots of this run go to test/artifacts (git-ignored); those of an earlier run's failures would mislead.
  const artifacts = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  for (const name of fs.readdirSync(artifacts)) {
    if (/^failed-.*\.png$/.test(name)) fs.rmSync(path.join(artifacts, name));
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-e2e-'));
  const storageDir = path.join(tmp, 'files');
  fs.mkdirSync(storageDir);
  const logFile = path.join(tmp, 'strapi.log');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: path.join(tmp, 'data.db'),
    DMC_STORAGE_DIR: storageDir,
    DMC_SECRETS_FILE: path.join(tmp, 'secrets.json'),
    DMC_SEED: 'true',
    // Short polls: a task started from the UI is claimed at once.
    DMC_POLL_INTERVAL: '500',
    STRAPI_LOG_LEVEL: 'warn',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'none',
  };

  const out = fs.openSync(logFile, 'a');
  // detached: its own process group, so that teardown stops Strapi and anything it started, all at once.
  const child = spawn(process.execPath, [strapiBin, 'start'], { cwd: appDir, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const state = { pid: child.pid, tmp, url, logFile };
  const stateFile = path.join(tmp, 'state.json');
  fs.writeFileSync(stateFile, JSON.stringify(state));
  process.env.DMC_E2E_STATE = stateFile;
  child.unref();
  teardown.killOnExit(child.pid);

  try {
    await waitForHealth(url, child, logFile);
  } catch (error) {
    await teardown();
    throw error;
  }
  process.env.DMC_E2E_URL = url;
  process.env.DMC_E2E_ARTIFACTS = artifacts;
  console.log(`\n[e2e] playground on ${url} (set up in ${((Date.now() - started) / 1000).toFixed(1)}s, log: ${logFile})`);
};
