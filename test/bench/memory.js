#!/usr/bin/env node
/**
 * Memory check of the import and export paths (DESIGN.md section 6: peak RSS within idle + 200 MB).
 *
 *   node test/bench/memory.js [--items 100000] [--format jsonl] [--phases import,upsert,export] [--seed raw]
 *
 * Boots the playground in this process on a fresh SQLite database (or DATABASE_CLIENT's), generates N articles
 * (each with a category, two tags and the SEO component) as a file on disk, then through the real admin API:
 * an upsert import of the file into the empty database, an upsert over the existing entries, and an export.
 * RSS is sampled every 50 ms; it prints idle RSS, each phase's peak and items/s, and a last line of JSON.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ITEMS = Number(arg('items', '100000'));
const FORMAT = arg('format', 'jsonl');
const PHASES = arg('phases', 'import,upsert,export').split(',');
/** `--seed raw`: write the N articles with a raw batched knex insert (draft rows, as Strapi stores them) instead of importing them. */
const SEED = arg('seed', 'import');
/** `--type contact`: plain spreadsheet rows (the bulk write path) instead of articles with relations. */
const TYPE = arg('type', 'article');
const UID = `api::${TYPE}.${TYPE}`;

const root = path.resolve(__dirname, '../..');
const appDir = path.join(root, 'test/app');

const mb = (bytes) => Math.round(bytes / 1024 / 1024);

const main = async () => {
  require(path.join(root, 'scripts/build-if-needed.js')).buildPlugin();
  const { compileStrapi, createStrapi } = require('@strapi/strapi');
  await compileStrapi({ appDir });

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bench-'));
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DMC_SEED: 'false',
    DMC_STORAGE_DIR: path.join(work, 'files'),
    STRAPI_LOG_LEVEL: 'warn',
    STRAPI_TELEMETRY_DISABLED: 'true',
    DATABASE_FILENAME: process.env.DATABASE_FILENAME || path.join(work, 'bench.db'),
  });
  const strapi = await createStrapi({ appDir, distDir: path.join(appDir, 'dist'), autoReload: false, serveAdminPanel: false }).load();
  await strapi.server.mount();
  const request = require('supertest')(strapi.server.httpServer);
  const credentials = { email: 'bench@example.com', password: 'Bench1234!' };
  await request.post('/admin/register-admin').send({ firstname: 'B', lastname: 'B', ...credentials });
  // Admin access tokens are short-lived and a 100k-item phase can outlast one: log in again before each phase.
  const auth = {};
  const login = async () => {
    auth.Authorization = `Bearer ${(await request.post('/admin/login').send(credentials)).body.data.token}`;
  };

  // Targets of the relations, written once.
  for (const slug of ['news', 'tech', 'life']) await strapi.documents('api::category.category').create({ data: { name: slug, slug } });
  for (let t = 0; t < 10; t++) await strapi.documents('api::tag.tag').create({ data: { name: `tag-${t}` } });

  // The file: generated straight to disk, never held in memory.
  const file = path.join(work, `articles.${FORMAT}`);
  const out = fs.createWriteStream(file);
  for (let i = 0; i < ITEMS; i++) {
    const item = TYPE === 'contact' ? { firstName: `First ${i}`, lastName: `Last ${i}`, company: `Company ${i % 100}`, city: 'Barcelona', zip: String(i).padStart(5, '0'), phone: `+34 600 ${i}` } : {
      title: `Article ${i}`,
      slug: `article-${i}`,
      views: i,
      featured: i % 2 === 0,
      category: { slug: ['news', 'tech', 'life'][i % 3] },
      tags: [{ name: `tag-${i % 10}` }, { name: `tag-${(i + 3) % 10}` }],
      seo: { metaTitle: `Article ${i}` },
    };
    if (!out.write(`${JSON.stringify(item)}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));

  global.gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const idle = process.memoryUsage().rss;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);

  const results = { items: ITEMS, type: UID, format: FORMAT, database: strapi.db.dialect.client, idleRssMb: mb(idle), phases: {} };
  const phase = async (name, run) => {
    await login();
    peak = process.memoryUsage().rss;
    const started = Date.now();
    const task = await run();
    const seconds = (Date.now() - started) / 1000;
    global.gc?.();
    const heapAfterGcMb = mb(process.memoryUsage().heapUsed);
    results.phases[name] = { status: task.status, counts: task.counts, seconds, itemsPerSecond: Math.round(ITEMS / seconds), peakRssMb: mb(peak), aboveIdleMb: mb(peak - idle), heapAfterGcMb };
    console.log(`${name.padEnd(24)} ${task.status.padEnd(12)} ${String(results.phases[name].itemsPerSecond).padStart(7)} items/s  peak RSS ${mb(peak)} MB (idle + ${mb(peak - idle)} MB), heap after GC ${heapAfterGcMb} MB`);
  };
  const importFile = (options) =>
    request.post('/data-migration-center/import-tasks?wait=true').set(auth).attach('file', file).field('options', JSON.stringify(options)).then((r) => r.body.data);

  console.log(`${ITEMS} ${TYPE} items, ${FORMAT}, ${results.database}; idle RSS ${mb(idle)} MB`);
  const matchBy = TYPE === 'contact' ? 'documentId' : 'slug';
  if (SEED === 'raw') {
    const started = Date.now();
    const knex = strapi.db.connection;
    const now = new Date();
    for (let i = 0; i < ITEMS; i += 1000) {
      const rows = [];
      for (let j = i; j < Math.min(ITEMS, i + 1000); j++) {
        rows.push({ document_id: `bench${String(j).padStart(19, '0')}`, title: `Article ${j}`, slug: `article-${j}`, views: j, featured: j % 2 === 0, kind: 'news', locale: 'en', published_at: null, created_at: now, updated_at: now });
      }
      // SQLite refuses more than 500 terms in one compound insert (and ~32k bound values): 200 rows a statement.
      await knex.batchInsert('articles', rows, 200);
    }
    const seconds = (Date.now() - started) / 1000;
    results.phases['raw knex insert'] = { seconds, itemsPerSecond: Math.round(ITEMS / seconds) };
    console.log(`${'raw knex insert'.padEnd(24)} ${''.padEnd(12)} ${String(Math.round(ITEMS / seconds)).padStart(7)} items/s`);
  }
  if (PHASES.includes('import')) await phase('import (into empty)', () => importFile({ contentType: UID, matchBy, onError: 'continue' }));
  if (PHASES.includes('upsert')) await phase('import (upsert existing)', () => importFile({ contentType: UID, matchBy, onError: 'continue' }));
  if (PHASES.includes('export')) await phase('export', () =>
    request.post('/data-migration-center/export-tasks?wait=true').set(auth).send({ contentType: UID, format: FORMAT }).then((r) => r.body.data)
  );

  clearInterval(sampler);
  console.log(JSON.stringify(results));
  await strapi.destroy();
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(0);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
