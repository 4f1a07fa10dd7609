#!/usr/bin/env node
/**
 * Builds the plugin (`strapi-plugin build`) when its sources changed since the last build, and skips it
 * otherwise. Strapi silently skips a plugin that was never built, so every entry point (npm start, npm test,
 * the CLI) goes through here first.
 */
const { execFileSync } = require('node:child_process');
const { hashTree } = require('./hash-tree');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-hash');

const inputs = ['server/src', 'admin/src', 'shared', 'package.json', 'server/tsconfig.json', 'server/tsconfig.build.json', 'admin/tsconfig.json', 'admin/tsconfig.build.json'];

const buildPlugin = ({ force = false } = {}) => {
  const hash = hashTree(root, inputs, (file) => !/\.test\.tsx?$/.test(file));
  const previous = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : null;
  if (!force && previous === hash && fs.existsSync(path.join(root, 'dist/server/index.js'))) {
    console.log('[data-migration-center] plugin build is current');
    return false;
  }
  console.log('[data-migration-center] building the plugin (strapi-plugin build)...');
  execFileSync(process.execPath, [path.join(path.dirname(require.resolve('@strapi/sdk-plugin/package.json')), 'bin', 'strapi-plugin.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  fs.writeFileSync(stamp, hash);
  return true;
};

module.exports = { buildPlugin };

if (require.main === module) {
  buildPlugin({ force: process.argv.includes('--force') });
}
