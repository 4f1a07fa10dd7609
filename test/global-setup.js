/**
 * Once per jest run: build the plugin if its sources changed, and compile the playground's TypeScript
 * (config and src) into test/app/dist. Each API test file then boots Strapi from that dist on its own database.
 * On PostgreSQL and MariaDB, first prints the database-independent files left out (test/database-independent.js).
 */
const path = require('node:path');
const { buildPlugin } = require('../scripts/build-if-needed');

module.exports = async () => {
  // On PostgreSQL and MariaDB: which files are left out, and why (one line).
  const databaseIndependent = require('./database-independent');
  if (databaseIndependent.leftOut) console.log(`\n${databaseIndependent.summary()}`);
  buildPlugin();
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir: path.resolve(__dirname, 'app'), ignoreDiagnostics: false });
};
