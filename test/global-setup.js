/**
 * Once per jest run: build the plugin if its sources changed, and compile the playground's TypeScript
 * (config and src) into test/app/dist. Each API test file then boots Strapi from that dist on its own database.
 */
const path = require('node:path');
const { buildPlugin } = require('../scripts/build-if-needed');

module.exports = async () => {
  buildPlugin();
  const { compileStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir: path.resolve(__dirname, 'app'), ignoreDiagnostics: false });
};
