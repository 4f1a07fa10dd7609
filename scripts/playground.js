/**
 * The playground's build steps, shared by `npm start` (scripts/start.js) and the browser tests
 * (test/e2e/global-setup.js):
 * - `buildAdminIfNeeded()` builds the admin panel (`strapi build`) when the plugin's admin bundle, the app or the
 *   installed packages changed since the last build (a hash stamp in test/app/dist/build), and otherwise only
 *   compiles the app's TypeScript;
 * - `strapiBin` is Strapi's command line, to run `strapi start` in `appDir`.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { hashTree } = require('./hash-tree');

const root = path.resolve(__dirname, '..');
const appDir = path.join(root, 'test', 'app');
const strapiBin = path.join(path.dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
const stamp = path.join(appDir, 'dist', 'build', '.dmc-build-hash');

// What the admin bundle is made of: the plugin's admin build, the app's admin customisations and settings,
// and the installed packages. A change elsewhere in the app only needs its TypeScript compiled.
const ADMIN_INPUTS = [
  'dist/admin',
  'dist/_chunks',
  'test/app/src/admin',
  'test/app/config/admin.ts',
  'test/app/config/server.ts',
  'test/app/package.json',
  'package-lock.json',
];

const adminBuildHash = () => hashTree(root, ADMIN_INPUTS);

/** Is test/app/dist/build the admin panel of the current sources? */
const isAdminBuildCurrent = () =>
  fs.existsSync(stamp) &&
  fs.existsSync(path.join(appDir, 'dist', 'build', 'index.html')) &&
  fs.readFileSync(stamp, 'utf8') === adminBuildHash();

/**
 * Builds the admin panel when out of date (it also compiles the app), else compiles the app's TypeScript only.
 * Expects the plugin to be built already (scripts/build-if-needed.js). `stdio` is passed to `strapi build`.
 * Returns true when it built the admin panel.
 */
const buildAdminIfNeeded = async ({ stdio = 'inherit', log = console.log } = {}) => {
  if (isAdminBuildCurrent()) {
    log('[playground] admin panel build is current');
    const { compileStrapi } = require('@strapi/strapi');
    await compileStrapi({ appDir });
    return false;
  }
  log('[playground] building the admin panel (strapi build), about a minute...');
  const hash = adminBuildHash();
  execFileSync(process.execPath, [strapiBin, 'build'], {
    cwd: appDir,
    stdio,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  fs.writeFileSync(stamp, hash);
  return true;
};

module.exports = { root, appDir, strapiBin, buildAdminIfNeeded, isAdminBuildCurrent };
