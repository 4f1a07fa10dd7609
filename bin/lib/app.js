// @ts-check
'use strict';

/**
 * Loading the Strapi app the command line works on, the way Strapi's own `strapi import` does: compile the
 * project's TypeScript, `createStrapi({ appDir, distDir })`, quiet logs, load. The HTTP server is never started.
 * Between the register and bootstrap phases (the two halves of `load()`), the plugin's task runner is told to run
 * only the tasks this process creates: a command line must not pick up work queued by the project's servers.
 */

const fs = require('node:fs');
const path = require('node:path');
const { UsageError } = require('./usage');

const PLUGIN_ID = 'data-migration-center';

/** @typedef {import('@strapi/strapi').Core.Strapi} Strapi */
/** @typedef {import('../../server/src/services').Services} Services */

/**
 * One of the plugin's services, typed.
 * @template {keyof Services} N
 * @param {Strapi} strapi @param {N} name
 * @returns {Services[N]}
 */
const service = (strapi, name) => /** @type {Services[N]} */ (strapi.plugin(PLUGIN_ID).service(name));

/**
 * A package as the app resolves it (the app's own @strapi/strapi, not a copy beside this plugin).
 * @param {string} appDir @param {string} name
 * @returns {string}
 */
const resolveFromApp = (appDir, name) => {
  try {
    return require.resolve(name, { paths: [appDir] });
  } catch {
    throw new UsageError(
      `No Strapi project in ${appDir} (${name} is not installed there): run the command in your Strapi project's directory, or pass --app-dir`
    );
  }
};

/**
 * The folder Strapi reads the compiled app from, without compiling (as `strapi start` finds it).
 * @param {string} appDir @param {string} strapiEntry
 */
const builtDistDir = async (appDir, strapiEntry) => {
  if (!fs.existsSync(path.join(appDir, 'tsconfig.json'))) return appDir;
  const tsUtils = /** @type {{ resolveOutDir(dir: string): Promise<string> }} */ (
    require(require.resolve('@strapi/typescript-utils', { paths: [path.dirname(strapiEntry), appDir] }))
  );
  const outDir = await tsUtils.resolveOutDir(appDir);
  if (!fs.existsSync(outDir)) {
    throw new UsageError(`${outDir} does not exist: build the project (npm run build) or leave out --no-compile`);
  }
  return outDir;
};

/**
 * Strapi's log, quiet (errors only, as `strapi import` sets it) and on stderr, so that stdout carries only the
 * command's output (an export written to `--out -`, JSON).
 * @param {Strapi['log']} log
 */
const quietLogs = (log) => {
  log.level = 'error';
  for (const transport of log.transports) {
    transport.level = 'error';
    const console = /** @type {{ stderrLevels?: Record<string, string> }} */ (/** @type {unknown} */ (transport));
    if (console.stderrLevels)
      console.stderrLevels = Object.fromEntries(Object.keys(log.levels).map((level) => [level, level]));
  }
};

/**
 * Loads the app in `appDir`. `onSignal` replaces Strapi's own SIGINT/SIGTERM handling (which would destroy the
 * app under a running task and exit 0): the command cancels its task and exits with 128 + the signal's number.
 * @param {{ appDir: string, compile: boolean, onSignal: (signal: NodeJS.Signals) => void }} options
 * @returns {Promise<Strapi>}
 */
const loadApp = async ({ appDir, compile, onSignal }) => {
  // What the app and its libraries print with console.log (TypeScript diagnostics, knex notices on MySQL DDL...)
  // goes to stderr too: stdout carries only the command's own output.
  console.log = console.info = console.debug = console.error;
  if (!fs.existsSync(path.join(appDir, 'package.json'))) {
    throw new UsageError(
      `No Strapi project in ${appDir} (no package.json): run the command in your Strapi project's directory, or pass --app-dir`
    );
  }
  const strapiEntry = resolveFromApp(appDir, '@strapi/strapi');
  const { compileStrapi, createStrapi } = /** @type {typeof import('@strapi/strapi')} */ (require(strapiEntry));

  const dirs = compile ? await compileStrapi({ appDir }) : { appDir, distDir: await builtDistDir(appDir, strapiEntry) };
  const app = createStrapi({ ...dirs, autoReload: false, serveAdminPanel: false });
  for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM'])) {
    process.removeAllListeners(signal);
    process.on(signal, () => onSignal(signal));
  }
  quietLogs(app.log);

  await app.register();
  if (!app.plugin(PLUGIN_ID)) {
    await app.destroy().catch(() => undefined);
    throw new UsageError(`The ${PLUGIN_ID} plugin is not enabled in ${appDir}: enable it in config/plugins`);
  }
  service(app, 'runner').runOwnTasksOnly();
  // SQLite beside a running server: this process waits for the server's writes as long as they last, and says so.
  service(app, 'sqlite').waitForOtherWriters(() =>
    process.stderr.write('Waiting for the database: another process (a running server?) is writing to it...\n')
  );
  await app.bootstrap();
  return app;
};

module.exports = { PLUGIN_ID, loadApp, service };
