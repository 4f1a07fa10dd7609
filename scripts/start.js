#!/usr/bin/env node
/**
 * `npm start`: the playground Strapi on SQLite with demo content.
 * 1. builds the plugin when its sources changed (scripts/build-if-needed.js);
 * 2. builds the admin panel (`strapi build`) when the plugin's admin bundle, the app or the installed packages
 *    changed since the last build, and otherwise only compiles the app's TypeScript;
 * 3. starts Strapi (`strapi start`) on HOST/PORT (default 127.0.0.1:1337). The app seeds demo content into an
 *    empty database (DMC_SEED=false skips it).
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { buildPlugin } = require('./build-if-needed');
const { hashTree } = require('./hash-tree');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'test', 'app');
const strapiBin = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
const stamp = path.join(appDir, 'dist', 'build', '.dmc-build-hash');

const main = async () => {
  buildPlugin();

  // What the admin bundle is made of: the plugin's admin build, the app's admin customisations and settings,
  // and the installed packages. A change elsewhere in the app only needs its TypeScript compiled.
  const hash = hashTree(root, [
    'dist/admin',
    'dist/_chunks',
    'test/app/src/admin',
    'test/app/config/admin.ts',
    'test/app/config/server.ts',
    'test/app/package.json',
    'package-lock.json',
  ]);
  const current = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash;
  if (current) {
    console.log('[playground] admin panel build is current');
    const { compileStrapi } = require('@strapi/strapi');
    await compileStrapi({ appDir });
  } else {
    console.log('[playground] building the admin panel (strapi build), about a minute...');
    execFileSync(process.execPath, [strapiBin, 'build'], { cwd: appDir, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    fs.writeFileSync(stamp, hash);
  }

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
