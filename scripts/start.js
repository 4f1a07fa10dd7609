#!/usr/bin/env node
/**
 * `npm start`: the playground Strapi on SQLite with demo content.
 * 1. builds the plugin when its sources changed (scripts/build-if-needed.js);
 * 2. builds the admin panel (`strapi build`) when the plugin's admin bundle, the app or the installed packages
 *    changed since the last build, and otherwise only compiles the app's TypeScript;
 * 3. starts Strapi (`strapi start`) on HOST/PORT (default 127.0.0.1:1337). The app seeds demo content into an
 *    empty database (DMC_SEED=false skips it).
 */
const { spawn } = require('node:child_process');
const { buildPlugin } = require('./build-if-needed');
const { appDir, strapiBin, buildAdminIfNeeded } = require('./playground');

const main = async () => {
  buildPlugin();
  await buildAdminIfNeeded();

  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT || '1337';
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/admin`;
  console.log(
    [
      '',
      `[playground] Starting Strapi on ${host}:${port} (database: ${process.env.DATABASE_CLIENT || 'sqlite'})`,
      `[playground] Admin panel: ${url}`,
      '[playground] First visit: the admin panel asks you to create the first administrator (any name, email and',
      '[playground] password); then open "Data Migration Center" in the main menu.',
      '',
    ].join('\n')
  );

  const child = spawn(process.execPath, [strapiBin, 'start'], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...process.env, HOST: host, PORT: port, NODE_ENV: process.env.NODE_ENV || 'production' },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
