#!/usr/bin/env node
/**
 * `npm run bench`: how fast and how lean the import and export paths are, against the physical limit (raw knex on
 * the same rows) and the naive baseline (one `strapi.documents().create` per item) (docs/benchmarks.md).
 *
 *   npm run bench -- [--items 10000] [--formats json,jsonl,jsont,csv,xlsx,bundle] [--phases raw-insert,raw-engine,baseline,import,upsert,raw-select,raw-engine-select,export]
 *                    [--status draft|published] [--on-error continue|stop] [--baseline-items 1000]
 *                    [--type article|contact|tag|author|city|region]
 *   npm run bench -- --memory [--items 1000000] [--reference-items 10000]
 *
 * One run boots the playground in this process on a fresh database (a temporary SQLite file, or a new PostgreSQL or
 * MariaDB/MySQL database created and dropped here when DATABASE_CLIENT says so), writes N deterministic articles
 * (each with a category, two tags and the `seo` component) to disk in each format, then measures, one phase at a
 * time, with RSS sampled every 50 ms:
 * - raw-insert: the rows our import writes for those N articles (article rows, category and tag link rows with their
 *   order columns, seo component rows and their `articles_cmps` rows), inserted by batched knex inserts in one
 *   transaction; only the inserts are timed. The rows are first checked against the ones the product writes for a
 *   sample of the same items: a difference stops the bench.
 * - baseline: `strapi.documents('api::article.article').create` item by item, relations by documentId, on a sample.
 * - import / upsert, per format: the file through the admin API (`POST /import-tasks?wait=true`), add-only into an
 *   empty article table, then upsert (matchBy slug) over the entries it wrote.
 * - raw-select: keyset pages (id > last, 1000 rows) of the article rows with their link and component rows, each item
 *   JSON.stringify'd to a file.
 * - export, per format: `POST /export-tasks?wait=true` of every article.
 * A task that does not finish `completed` with every item counted stops the bench (exit code 1).
 * It prints a table, then, as its last line, one JSON object with every figure and the machine.
 *
 * `--memory`: the 1,000,000-item JSONL import and export (the bar: peak RSS within idle + 200 MB), after the same
 * phases at `--reference-items` (10,000), so that the cost per item at both sizes can be compared (±20%).
 * `--type T`: the same phases on another shape (test/bench/shapes/: contact, tag, author, city, region).
 * raw-engine / raw-engine-select: the same rows through the engine's own fastest loader and reader (engine.js).
 * README, section Benchmark, says what each row means.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { engineInsert, withEngineQuery } = require('./engine');
const { DATASETS, seedTargets } = require('./shapes');

const root = path.resolve(__dirname, '../..');
const appDir = path.join(root, 'test/app');

const FORMATS = ['json', 'jsonl', 'jsont', 'csv', 'xlsx', 'bundle'];
/**
 * `xlsx`: a workbook written with exceljs's streaming writer, one worksheet, the CSV's header row and cells (numbers
 * and booleans typed, text as text, relations by key as the JSON text the CSV holds); read by the product's XLSX reader.
 */
const XLSX = 'xlsx';
/**
 * `bundle`: the zip of POST /bundle-exports (the type, with dependencies: the articles' categories and tags ride
 * along), imported by POST /bundle-imports. Its file is made by a bundle export of the raw-inserted rows (untimed).
 */
const BUNDLE = 'bundle';
const PHASES = ['raw-insert', 'raw-engine', 'baseline', 'import', 'upsert', 'raw-select', 'raw-engine-select', 'export'];
/**
 * Asked by name only (not in the default run): the import and upsert phases again with the import option
 * `lifecycles: "run"` (every entry through the Document Service: lifecycle hooks and entry webhooks fire).
 */
const EXTRA_PHASES = ['import-lifecycles', 'upsert-lifecycles'];
const MEMORY_LIMIT_MB = 200;
/** Items imported through the product, then written raw, to check that the raw insert writes the same rows. */
const SAMPLE_ITEMS = 24;
const PAGE = 1000;

/**
 * `--sql`: every statement knex runs from now until `stop()`, by kind and table (`insert into articles`), with the
 * time from knex's `query` event to its `query-response` (SQLite: the statement's preparation and run).
 */
const tallyStatements = (knex) => {
  const started = new Map();
  const byShape = new Map();
  const shapeOf = (sql) => {
    const kind = (
      /^\s*(insert into|delete from|release savepoint|rollback to savepoint|\w+)/i.exec(sql)?.[1] ?? ''
    ).toLowerCase();
    const table =
      kind === 'insert into' || kind === 'update'
        ? /^\s*(?:insert into|update)\s+[`"]?(\w+)/i.exec(sql)?.[1]
        : /\bfrom\s+[`"]?(\w+)/i.exec(sql)?.[1];
    return `${kind} ${table ?? ''}`.trim();
  };
  const onQuery = (q) => started.set(q.__knexQueryUid, process.hrtime.bigint());
  const onDone = (_response, q) => {
    const begun = started.get(q.__knexQueryUid);
    if (begun === undefined) return;
    started.delete(q.__knexQueryUid);
    const shape = shapeOf(q.sql ?? '');
    const entry = byShape.get(shape) ?? { statement: shape, count: 0, ms: 0 };
    entry.count += 1;
    const ms = Number(process.hrtime.bigint() - begun) / 1e6;
    if (process.env.DMC_BENCH_SLOW_SQL && ms > Number(process.env.DMC_BENCH_SLOW_SQL))
      console.log(`  slow ${ms.toFixed(1)} ms: ${(q.sql ?? '').slice(0, 160)} [${(q.bindings ?? []).length} values]`);
    entry.ms += ms;
    byShape.set(shape, entry);
  };
  knex.on('query', onQuery);
  knex.on('query-response', onDone);
  knex.on('query-error', onDone);
  return {
    stop: () => {
      knex.off('query', onQuery);
      knex.off('query-response', onDone);
      knex.off('query-error', onDone);
      return [...byShape.values()].map((e) => ({ ...e, ms: Math.round(e.ms * 10) / 10 })).sort((a, b) => b.ms - a.ms);
    },
  };
};

/* ------------------------------------------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------------------------------------------- */

const USAGE = `Usage: npm run bench -- [options]
  --items N             items of the --type (default 10000; 1000000 with --memory)
  --formats LIST        ${FORMATS.join(',')} (default all; jsonl with --memory; bundle: a bundle of the
                        type with its dependencies, through /bundle-exports and /bundle-imports)
  --phases LIST         ${PHASES.join(',')} (default all; import,export with --memory); also, only when
                        named: ${EXTRA_PHASES.join(',')} (import and upsert with lifecycles: "run")
  --status S            draft (one row per article, the default) or published (a draft and a published row)
  --on-error M          the imports' onError: continue (default) or stop
  --type T              the shape (test/bench/shapes/): article (default), contact (plain rows), tag, author
                        (no avatar), city (relations to a localized type, a component with relations), region
                        (localized, a non-localized code, a localized component with relations)
  --baseline-items N    articles created one by one by the baseline (default min(items, 1000))
  --memory              the 1,000,000-item JSONL import and export memory check
  --reference-items N   with --memory: the same phases at N items first, to compare the cost per item (default 10000)
  --warmup N            items imported (add-only, then upsert) and exported in each format before the measured
                        phases, untimed, so that every phase runs warm code (default 1000; 0: no warm-up)
  --runs N              run every measured phase N times and report the run of median seconds (default 1; with
                        --memory, 3 for the reference runs and 1 for the large one)
  --sql                 per phase, the SQL statements run (by kind and table): count and milliseconds, to see what bounds it`;

const parseOptions = (argv) => {
  const values = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--memory' || arg === '--sql') {
      values[arg.slice(2)] = true;
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (
      !name ||
      ![
        'type',
        'items',
        'formats',
        'phases',
        'status',
        'on-error',
        'baseline-items',
        'reference-items',
        'warmup',
        'runs',
      ].includes(name)
    ) {
      throw new Error(`Unknown option ${arg}\n${USAGE}`);
    }
    if (i + 1 >= argv.length) throw new Error(`--${name} needs a value`);
    values[name] = argv[(i += 1)];
  }
  const count = (name, fallback) => {
    if (values[name] === undefined) return fallback;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${values[name]}"`);
    return n;
  };
  const list = (name, allowed, fallback) => {
    if (values[name] === undefined) return fallback;
    const items = values[name]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length || items.length === 0)
      throw new Error(`--${name}: ${unknown.join(', ') || 'empty'} (allowed: ${allowed.join(', ')})`);
    return allowed.filter((item) => items.includes(item));
  };
  const oneOf = (name, allowed) => {
    const value = values[name] ?? allowed[0];
    if (!allowed.includes(value)) throw new Error(`--${name} must be ${allowed.join(' or ')}, not "${value}"`);
    return value;
  };
  const memory = Boolean(values.memory);
  const type = oneOf('type', Object.keys(DATASETS));
  const items = count('items', memory ? 1_000_000 : 10_000);
  return {
    type,
    dataset: DATASETS[type],
    memory,
    items,
    formats: list('formats', FORMATS, memory ? ['jsonl'] : FORMATS),
    phases: list('phases', [...PHASES, ...EXTRA_PHASES], memory ? ['import', 'export'] : PHASES),
    status: oneOf('status', ['draft', 'published']),
    onError: oneOf('on-error', ['continue', 'stop']),
    baselineItems: Math.min(items, count('baseline-items', 1000)),
    referenceItems: memory ? count('reference-items', 10_000) : null,
    warmup: values.warmup === '0' ? 0 : count('warmup', 1000),
    runs: count('runs', memory ? 3 : 1),
    sql: Boolean(values.sql),
  };
};

/* ------------------------------------------------------------------------------------------------------------
 * A fresh database (the JS twin of test/helpers/database.ts)
 * ---------------------------------------------------------------------------------------------------------- */

const createDatabase = async (work) => {
  const client = process.env.DATABASE_CLIENT || 'sqlite';
  if (client === 'sqlite') {
    return { env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(work, 'bench.db') }, drop: async () => {} };
  }
  const name = `dmc_bench_${process.pid}_${Date.now().toString(36)}`;
  const host = process.env.DATABASE_HOST || '127.0.0.1';
  if (client === 'postgres') {
    const { Client } = require('pg');
    const settings = {
      host,
      port: Number(process.env.DATABASE_PORT || 5432),
      user: process.env.DATABASE_USERNAME || 'postgres',
      password: process.env.DATABASE_PASSWORD || undefined,
      database: 'postgres',
    };
    const run = async (sql) => {
      const c = new Client(settings);
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await run(`CREATE DATABASE "${name}"`);
    return {
      env: {
        DATABASE_CLIENT: client,
        DATABASE_HOST: host,
        DATABASE_PORT: String(settings.port),
        DATABASE_USERNAME: settings.user,
        DATABASE_PASSWORD: settings.password ?? '',
        DATABASE_NAME: name,
      },
      drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  if (client === 'mysql') {
    const mysql = require('mysql2/promise');
    const settings = {
      host,
      port: Number(process.env.DATABASE_PORT || 3306),
      user: process.env.DATABASE_USERNAME || 'root',
      password: process.env.DATABASE_PASSWORD || '',
    };
    const run = async (sql) => {
      const c = await mysql.createConnection(settings);
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return {
      env: {
        DATABASE_CLIENT: client,
        DATABASE_HOST: host,
        DATABASE_PORT: String(settings.port),
        DATABASE_USERNAME: settings.user,
        DATABASE_PASSWORD: settings.password,
        DATABASE_NAME: name,
      },
      drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``),
    };
  }
  throw new Error(`Unsupported DATABASE_CLIENT "${client}" (sqlite, postgres or mysql)`);
};

/* ------------------------------------------------------------------------------------------------------------
 * The data: deterministic articles, and the files of each format
 * ---------------------------------------------------------------------------------------------------------- */

const csvCell = (value) => {
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",;\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** How each format starts, separates and ends items. */
const layouts = (dataset, importConfiguration) => ({
  json: { begin: '[\n', item: (item) => JSON.stringify(item), separator: ',\n', end: '\n]\n' },
  jsonl: { begin: '', item: (item) => JSON.stringify(item), separator: '\n', end: '\n' },
  jsont: {
    begin: `{"configuration":${JSON.stringify(importConfiguration)},"items":[\n`,
    item: (item) => JSON.stringify(item),
    separator: ',\n',
    end: '\n]}\n',
  },
  csv: {
    begin: `${dataset.csvColumns.join(',')}\r\n`,
    item: (item) =>
      dataset.csvColumns.map((column) => csvCell(column.split('.').reduce((value, key) => value[key], item))).join(','),
    separator: '\r\n',
    end: '\r\n',
  },
});

/**
 * Writes items [from, to) to `file` as a workbook: exceljs's streaming writer, one worksheet, the header row of the
 * CSV layout (`dataset.csvColumns`) and one row per item with the CSV's values (an object cell, a relation by key,
 * as the JSON text the CSV writes). Rows are committed as they are made; the writer is let run every page.
 */
const writeXlsxFile = async (file, dataset, from, to) => {
  const ExcelJS = require('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(dataset.uid.split('.').pop());
  sheet.addRow(dataset.csvColumns).commit();
  const cell = (value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value);
  for (let i = from; i < to; i += 1) {
    const item = dataset.item(i);
    sheet
      .addRow(dataset.csvColumns.map((column) => cell(column.split('.').reduce((value, key) => value[key], item))))
      .commit();
    if ((i - from + 1) % PAGE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
};

/**
 * An exported workbook (`file`) holds `n` items: a zip whose first worksheet has a header row and `n` rows below it
 * (read back with exceljs's streaming reader, untimed).
 */
const checkWorkbook = async (file, n) => {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (!head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])))
    throw new Error(`export xlsx: ${file} is not a zip (${fs.statSync(file).size} bytes)`);
  const ExcelJS = require('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(file), {
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let rows = 0;
  let headerCells = 0;
  let sheets = 0;
  for await (const sheet of reader) {
    sheets += 1;
    for await (const row of sheet) {
      if (sheets > 1) continue;
      if (rows === 0) headerCells = (Array.isArray(row.values) ? row.values : []).filter((v) => v != null).length;
      rows += 1;
    }
  }
  if (headerCells === 0 || rows !== n + 1)
    throw new Error(
      `export xlsx: the workbook's first sheet has ${rows} rows (${headerCells} header cells), expected a header and ${n} items`
    );
  return { bytes: fs.statSync(file).size, rows, headerCells };
};

/** Writes items [from, to) to `file` as a stream (never held in memory). */
const writeFile = async (file, layout, item, from, to) => {
  const out = fs.createWriteStream(file);
  const write = async (text) => {
    if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
  };
  await write(layout.begin);
  for (let i = from; i < to; i += 1) await write((i > from ? layout.separator : '') + layout.item(item(i)));
  await write(layout.end);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
};

/* ------------------------------------------------------------------------------------------------------------
 * The rows of an article, from Strapi's database metadata
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * What the raw phases need to know about the article's tables, read from `strapi.db.metadata`: its table and
 * scalar columns, its link tables (relations) and its component tables (single components).
 */
const describeTables = (strapi, dataset, defaultLocale) => {
  const md = strapi.db.metadata.get(dataset.uid);
  const schema = strapi.contentType(dataset.uid);
  const scalars = Object.entries(schema.attributes)
    .filter(
      ([name, a]) =>
        md.attributes[name]?.columnName && !['relation', 'component', 'dynamiczone', 'media'].includes(a.type)
    )
    .map(([name, a]) => ({
      name,
      column: md.attributes[name].columnName,
      type: a.type,
      default: a.default,
      private: Boolean(a.private),
    }));
  const links = [];
  const components = [];
  const linkOf = (name, a) => ({
    name,
    target: a.target,
    targetTable: strapi.db.metadata.get(a.target).tableName,
    joinTable: a.joinTable,
    many: /ToMany$|^manyWay$/.test(a.relation),
  });
  for (const [name, a] of Object.entries(md.attributes)) {
    const jt = a.joinTable;
    if (!jt || jt.morphColumn) continue;
    if (jt.on?.field) {
      const cmd = strapi.db.metadata.get(a.target);
      const fields = Object.entries(strapi.getModel(a.target).attributes)
        .filter(([field, c]) => cmd.attributes[field]?.columnName && !['relation', 'component', 'dynamiczone', 'media'].includes(c.type))
        .map(([field, c]) => ({
          name: field,
          column: cmd.attributes[field].columnName,
          type: c.type,
          default: c.default,
        }));
      // The component's own relations (places.country-link's country and countries): link rows from the component row.
      const componentLinks = Object.entries(cmd.attributes)
        .filter(([, c]) => c.joinTable && !c.joinTable.morphColumn && !c.joinTable.on?.field)
        .map(([field, c]) => linkOf(field, c));
      components.push({ name, uid: a.target, table: cmd.tableName, joinTable: jt, fields, links: componentLinks });
    } else {
      links.push(linkOf(name, a));
    }
  }
  return {
    uid: dataset.uid,
    item: dataset.item,
    matchColumn: md.attributes[dataset.matchBy].columnName,
    table: md.tableName,
    /** The columns of createdBy / updatedBy: an import writes the importing user there, so does the raw insert. */
    creatorColumns: ['createdBy', 'updatedBy'].map((name) => md.attributes[name]?.joinColumn?.name).filter(Boolean),
    /** The importing administrator's id (set once the bench's admin exists). */
    creatorId: null,
    scalars,
    links,
    components,
    draftAndPublish: Boolean(schema.options?.draftAndPublish),
    localized: Boolean(schema.pluginOptions?.i18n?.localized),
    defaultLocale,
  };
};

const columnValue = (type, value) => {
  if (value === undefined || value === null) return null;
  if (type === 'json') return JSON.stringify(value);
  return value;
};

/**
 * Generates, for articles, the rows our import writes: per article a draft row (and a published row when the
 * import publishes), each with its component rows, `*_cmps` rows and link rows. Ids are given explicitly
 * (continuing from the tables' largest), so that link rows can name them.
 */
const createRowGenerator = (tables, targets, { status, nextId }) => {
  /** Inverse order columns count, per target and per draft/published, the entries linked to it so far. */
  const inverseCounters = new Map();
  let documentNumber = 0;
  return (items) => {
    const rows = { [tables.table]: [] };
    const add = (table, row) => (rows[table] ??= []).push(row);
    const now = new Date();
    for (const item of items) {
      documentNumber += 1;
      const documentId = `bench${process.pid.toString(36)}${String(documentNumber).padStart(12, '0')}`
        .padEnd(24, '0')
        .slice(0, 24);
      for (const published of tables.draftAndPublish && status === 'published' ? [false, true] : [false]) {
        const id = nextId(tables.table);
        const row = { id, document_id: item.documentId ?? documentId };
        for (const scalar of tables.scalars) {
          if (['documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale'].includes(scalar.name)) continue;
          row[scalar.column] = columnValue(scalar.type, item[scalar.name] ?? scalar.default);
        }
        Object.assign(row, {
          created_at: now,
          updated_at: now,
          published_at: tables.draftAndPublish && !published ? null : now,
        });
        if (tables.localized) row.locale = tables.defaultLocale;
        for (const column of tables.creatorColumns) row[column] = tables.creatorId;
        add(tables.table, row);
        for (const component of tables.components) {
          const value = item[component.name];
          if (!value) continue;
          const cmpId = nextId(component.table);
          const cmpRow = { id: cmpId };
          for (const field of component.fields)
            cmpRow[field.column] = columnValue(field.type, value[field.name] ?? field.default);
          add(component.table, cmpRow);
          const jt = component.joinTable;
          add(jt.name, {
            [jt.joinColumn.name]: id,
            [jt.inverseJoinColumn.name]: cmpId,
            component_type: component.uid,
            field: component.name,
            [jt.orderColumnName]: null,
          });
          for (const link of component.links) addLinks(link, value, cmpId, published);
        }
        for (const link of tables.links) addLinks(link, item, id, published);
      }
    }
    return rows;

    /** The link rows of `link` from `owner` (an entry's row or a component's) to the targets `holder` names. */
    function addLinks(link, holder, owner, published) {
      const value = holder[link.name];
      if (!value) return;
      const refs = Array.isArray(value) ? value : [value];
      const jt = link.joinTable;
      refs.forEach((ref, position) => {
        const targetId = targets.idOf(link.target, ref);
        const linkRow = { [jt.joinColumn.name]: owner, [jt.inverseJoinColumn.name]: targetId };
        if (jt.orderColumnName) linkRow[jt.orderColumnName] = position + 1;
        if (jt.inverseOrderColumnName) {
          const key = `${jt.name}|${targetId}|${published}`;
          const order = (inverseCounters.get(key) ?? 0) + 1;
          inverseCounters.set(key, order);
          linkRow[jt.inverseOrderColumnName] = order;
        }
        add(jt.name, linkRow);
      });
    }
  };
};

/** Every table the article's rows live in, children first (the order to delete in). */
const tablesOf = (tables) => [
  ...new Set([
    ...tables.components.flatMap((c) => c.links.map((l) => l.joinTable.name)),
    ...tables.components.map((c) => c.table),
    ...tables.components.map((c) => c.joinTable.name),
    ...tables.links.map((l) => l.joinTable.name),
    tables.table,
  ]),
];

/** Deletes every article and its link and component rows (between phases). */
const clearArticles = async (knex, tables) => {
  for (const component of tables.components) {
    for (const link of component.links) await knex(link.joinTable.name).del();
    const jt = component.joinTable;
    await knex(component.table)
      .whereIn('id', knex(jt.name).select(jt.inverseJoinColumn.name).where('component_type', component.uid))
      .del();
  }
  for (const table of tablesOf(tables).filter((t) => !tables.components.some((c) => c.table === t)))
    await knex(table).del();
  // Every phase starts from the same database state, whatever ran before it: deleted rows leave free pages that make
  // SQLite's next inserts slower the more phases came first.
  const dialect = String(knex.client.dialect ?? knex.client.config.client);
  if (/sqlite/.test(dialect)) await knex.raw('VACUUM');
};

/** Rows per insert statement: within SQLite's 500 compound terms and every database's bound-value limit. */
const chunkSize = (client, row) =>
  Math.max(1, Math.min(client === 'sqlite' ? 100 : 2000, Math.floor(30000 / Object.keys(row).length)));

/**
 * Inserts N articles' rows with batched knex inserts in one transaction, generated page by page; returns the
 * seconds spent in the inserts alone.
 */
const rawInsert = async (strapi, tables, targets, { from, to, status }) => {
  const knex = strapi.db.connection;
  const client = strapi.db.dialect.client;
  let seconds = 0;
  await knex.transaction(async (trx) => {
    const next = {};
    for (const table of idTables(tables)) next[table] = Number((await trx(table).max({ max: 'id' }))[0].max ?? 0);
    const generate = createRowGenerator(tables, targets, { status, nextId: (table) => (next[table] += 1) });
    for (let i = from; i < to; i += PAGE) {
      const items = [];
      for (let j = i; j < Math.min(to, i + PAGE); j += 1) items.push(tables.item(j));
      const rows = generate(items);
      const started = process.hrtime.bigint();
      for (const table of tablesOf(tables).reverse()) {
        const list = rows[table];
        if (!list?.length) continue;
        const size = chunkSize(client, list[0]);
        for (let k = 0; k < list.length; k += size) await trx(table).insert(list.slice(k, k + size));
      }
      seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
    if (client === 'postgres') await moveSequences(trx, tables);
  });
  return seconds;
};

/** The tables whose ids the raw inserts give: the type's and its components'. */
const idTables = (tables) => [tables.table, ...tables.components.map((c) => c.table)];

/** Explicit ids leave PostgreSQL's sequences behind: move them past the rows written. */
const moveSequences = async (knex, tables) => {
  for (const table of idTables(tables))
    await knex.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), GREATEST((SELECT MAX(id) FROM ??), 1))`, [
      table,
      table,
    ]);
};

/**
 * `raw-engine`: the rows of the raw insert (same generator, same tables, same explicit ids), written by the engine's
 * fastest loader in one transaction (test/bench/engine.js); returns the seconds spent in the inserts alone.
 */
const rawEngineInsert = async (strapi, tables, targets, { from, to, status }) => {
  const knex = strapi.db.connection;
  const client = strapi.db.dialect.client;
  const next = {};
  for (const table of idTables(tables)) next[table] = Number((await knex(table).max({ max: 'id' }))[0].max ?? 0);
  const generate = createRowGenerator(tables, targets, { status, nextId: (table) => (next[table] += 1) });
  const pages = function* pages() {
    for (let i = from; i < to; i += PAGE) {
      const items = [];
      for (let j = i; j < Math.min(to, i + PAGE); j += 1) items.push(tables.item(j));
      yield items;
    }
  };
  const seconds = await engineInsert({ knex, client, tableOrder: tablesOf(tables).reverse(), pages, generate });
  if (client === 'postgres') await moveSequences(knex, tables);
  return seconds;
};

/* ------------------------------------------------------------------------------------------------------------
 * The raw rows are the product's rows: checked on a sample
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * The rows of every article table, with what differs between two identical imports taken out: ids become the
 * entry they belong to (slug, locale, draft/published), documentIds the group of rows sharing one, timestamps
 * set or null.
 */
const snapshot = async (knex, tables) => {
  const articleKey = new Map();
  const documentGroups = new Map();
  const match = tables.matchColumn;
  const articles = (await knex(tables.table).select('*')).sort(
    (a, b) => String(a[match]).localeCompare(String(b[match])) || (a.published_at === null ? -1 : 1)
  );
  for (const row of articles) {
    articleKey.set(row.id, `${row[match]}|${row.locale ?? ''}|${row.published_at === null ? 'draft' : 'published'}`);
    if (!documentGroups.has(row.document_id))
      documentGroups.set(row.document_id, `document ${documentGroups.size + 1}`);
  }
  const stamp = (value) => (value === null || value === undefined ? null : 'set');
  const result = {
    [tables.table]: articles.map(({ id, document_id, created_at, updated_at, published_at, ...rest }) => ({
      id: articleKey.get(id),
      document_id: documentGroups.get(document_id),
      created_at: stamp(created_at),
      updated_at: stamp(updated_at),
      published_at: stamp(published_at),
      ...rest,
    })),
  };
  for (const component of tables.components) {
    const jt = component.joinTable;
    const owners = await knex(jt.name).select('*');
    const componentKey = new Map();
    result[jt.name] = owners.map(({ id, ...row }) => {
      const owner = articleKey.get(row[jt.joinColumn.name]);
      const key = `${row.field} of ${owner}`;
      if (row.component_type === component.uid) componentKey.set(row[jt.inverseJoinColumn.name], key);
      return { ...row, [jt.joinColumn.name]: owner, [jt.inverseJoinColumn.name]: key };
    });
    result[component.table] = (await knex(component.table).select('*')).map((row) => ({
      ...row,
      id: componentKey.get(row.id) ?? `orphan ${row.id}`,
    }));
    for (const link of component.links) {
      const ljt = link.joinTable;
      result[ljt.name] = (await knex(ljt.name).select('*')).map(({ id, ...row }) => ({
        ...row,
        [ljt.joinColumn.name]: componentKey.get(row[ljt.joinColumn.name]) ?? `orphan ${row[ljt.joinColumn.name]}`,
      }));
    }
  }
  for (const link of tables.links) {
    const jt = link.joinTable;
    result[jt.name] = (await knex(jt.name).select('*')).map(({ id, ...row }) => ({
      ...row,
      [jt.joinColumn.name]: articleKey.get(row[jt.joinColumn.name]),
      ...(link.target === tables.uid
        ? { [jt.inverseJoinColumn.name]: articleKey.get(row[jt.inverseJoinColumn.name]) }
        : {}),
    }));
  }
  for (const table of Object.keys(result)) result[table] = result[table].map((row) => JSON.stringify(row)).sort();
  return result;
};

/** Row counts of every table Strapi knows, to see which ones an import touched. */
const countRows = async (strapi) => {
  const knex = strapi.db.connection;
  const names = new Set();
  for (const md of strapi.db.metadata.values()) {
    names.add(md.tableName);
    for (const a of Object.values(md.attributes)) if (a.joinTable) names.add(a.joinTable.name);
  }
  const counts = {};
  for (const name of names)
    if (await knex.schema.hasTable(name)) counts[name] = Number((await knex(name).count({ c: '*' }))[0].c);
  return counts;
};

/**
 * Imports a sample of the articles through the product, reads every table it touched, writes the same items
 * with the raw generator, and compares. Any difference stops the bench: the raw phases would not measure the
 * same work.
 */
const checkRawRows = async ({ strapi, api, tables, targets, options, work }) => {
  const knex = strapi.db.connection;
  const count = Math.min(SAMPLE_ITEMS, options.items);
  const file = path.join(work, `sample.jsonl`);
  await writeFile(file, layouts(options.dataset).jsonl, tables.item, 0, count);
  await clearArticles(knex, tables);
  await api.login();
  const before = await countRows(strapi);
  const task = await api.importFile(file, { ...api.importOptions('add-only'), format: 'jsonl' });
  expectTask(task, 'sample import', { created: count });
  const after = await countRows(strapi);
  const touched = Object.keys(after).filter((t) => after[t] !== before[t] && !t.startsWith('dmc_'));
  const known = tablesOf(tables);
  const unknown = touched.filter((t) => !known.includes(t));
  if (unknown.length)
    throw new Error(`The import wrote to tables the raw insert does not write: ${unknown.join(', ')}`);
  const product = await snapshot(knex, tables);
  await clearArticles(knex, tables);
  await rawInsert(strapi, tables, targets, { from: 0, to: count, status: options.status });
  const raw = await snapshot(knex, tables);
  await clearArticles(knex, tables);
  const compare = (other, label) => {
    const differences = [];
    for (const table of known) {
      const a = product[table] ?? [];
      const b = other[table] ?? [];
      if (a.length !== b.length) differences.push(`${table}: the import wrote ${a.length} rows, the ${label} ${b.length}`);
      else {
        const i = a.findIndex((row, k) => row !== b[k]);
        if (i >= 0) differences.push(`${table}: import ${a[i]}\n${' '.repeat(table.length + 2)}${label.padEnd(6)} ${b[i]}`);
      }
    }
    if (differences.length) {
      throw new Error(
        `The ${label} does not write the rows the import writes (${count} sample items):\n${differences.join('\n')}`
      );
    }
  };
  compare(raw, 'raw insert');
  if (options.phases.includes('raw-engine')) {
    // The engine's loader writes the same rows again: compared with the product's too.
    await rawEngineInsert(strapi, tables, targets, { from: 0, to: count, status: options.status });
    const engine = await snapshot(knex, tables);
    await clearArticles(knex, tables);
    compare(engine, 'engine insert');
  }
  return { sampleItems: count, tables: known, engineChecked: options.phases.includes('raw-engine') };
};

/* ------------------------------------------------------------------------------------------------------------
 * The raw select: keyset pages of the article rows, their links and components, serialised
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * `query(builder)` runs a query: knex itself (`raw-select`), or the driver with statements prepared once
 * (`raw-engine-select`, test/bench/engine.js).
 */
const rawSelect = async (strapi, tables, file, query = (builder) => builder) => {
  const knex = strapi.db.connection;
  const out = fs.createWriteStream(file);
  const scalars = tables.scalars.filter(
    (s) => !s.private && !['documentId', 'locale', 'createdAt', 'updatedAt', 'publishedAt'].includes(s.name)
  );
  let last = 0;
  let count = 0;
  for (;;) {
    let page = knex(tables.table).select('*').where('id', '>', last).orderBy('id').limit(PAGE);
    if (tables.draftAndPublish) page = page.whereNull('published_at');
    if (tables.localized) page = page.where('locale', tables.defaultLocale);
    const rows = await query(page);
    if (rows.length === 0) break;
    const ids = rows.map((row) => row.id);
    const items = new Map();
    for (const row of rows) {
      const item = { documentId: row.document_id };
      if (tables.localized) item.locale = row.locale;
      for (const s of scalars) item[s.name] = row[s.column];
      items.set(row.id, item);
    }
    for (const link of tables.links) {
      const jt = link.joinTable;
      // Ordered here, not in SQL: an ORDER BY on the order column can make the database walk that column's index.
      const found = await query(knex(jt.name)
        .join(link.targetTable, `${link.targetTable}.id`, `${jt.name}.${jt.inverseJoinColumn.name}`)
        .whereIn(`${jt.name}.${jt.joinColumn.name}`, ids)
        .select(
          `${jt.name}.${jt.joinColumn.name} as owner`,
          `${link.targetTable}.document_id as documentId`,
          ...(jt.orderColumnName ? [`${jt.name}.${jt.orderColumnName} as position`] : [])
        ));
      if (jt.orderColumnName) found.sort((a, b) => a.position - b.position);
      for (const item of items.values()) item[link.name] = link.many ? [] : null;
      for (const { owner, documentId } of found) {
        const item = items.get(owner);
        if (link.many) item[link.name].push(documentId);
        else item[link.name] = documentId;
      }
    }
    for (const component of tables.components) {
      const jt = component.joinTable;
      // The field is compared here, not in SQL: a WHERE on it makes SQLite walk the low-selectivity `field` index
      // (every component of every entry) instead of the owner's.
      const found = await query(
        knex(jt.name)
          .join(component.table, `${component.table}.id`, `${jt.name}.${jt.inverseJoinColumn.name}`)
          .whereIn(`${jt.name}.${jt.joinColumn.name}`, ids)
          .select(`${jt.name}.${jt.joinColumn.name} as owner`, `${jt.name}.field as field`, `${component.table}.*`)
      );
      for (const item of items.values()) item[component.name] = null;
      const values = new Map();
      for (const row of found) {
        if (row.field !== component.name) continue;
        const value = Object.fromEntries(component.fields.map((f) => [f.name, row[f.column]]));
        items.get(row.owner)[component.name] = value;
        values.set(row.id, value);
      }
      // The component's own relations: one query per link table for the page's components.
      for (const link of component.links) {
        const ljt = link.joinTable;
        const linked = values.size
          ? await query(
              knex(ljt.name)
                .join(link.targetTable, `${link.targetTable}.id`, `${ljt.name}.${ljt.inverseJoinColumn.name}`)
                .whereIn(`${ljt.name}.${ljt.joinColumn.name}`, [...values.keys()])
                .select(
                  `${ljt.name}.${ljt.joinColumn.name} as owner`,
                  `${link.targetTable}.document_id as documentId`,
                  ...(ljt.orderColumnName ? [`${ljt.name}.${ljt.orderColumnName} as position`] : [])
                )
            )
          : [];
        if (ljt.orderColumnName) linked.sort((a, b) => a.position - b.position);
        for (const value of values.values()) value[link.name] = link.many ? [] : null;
        for (const { owner, documentId } of linked) {
          const value = values.get(owner);
          if (link.many) value[link.name].push(documentId);
          else value[link.name] = documentId;
        }
      }
    }
    let chunk = '';
    for (const item of items.values()) chunk += `${JSON.stringify(item)}\n`;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    count += rows.length;
    last = ids[ids.length - 1];
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  return count;
};

/* ------------------------------------------------------------------------------------------------------------
 * Running and measuring
 * ---------------------------------------------------------------------------------------------------------- */

const mb = (bytes) => Math.round(bytes / 1024 / 1024);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects garbage until the heap settles, so that RSS starts from what the process really holds. */
const settle = async () => {
  for (let i = 0; i < 3; i += 1) {
    global.gc?.();
    await sleep(300);
  }
};

/** A task must finish `completed` with every item counted, else the figures mean nothing: stop loudly. */
const expectTask = (task, label, expected) => {
  const counts = task?.counts ?? {};
  const wrong = Object.entries(expected).filter(([key, value]) => counts[key] !== value);
  if (task?.status !== 'completed' || counts.failed || wrong.length) {
    throw new Error(
      `${label}: expected status completed with ${JSON.stringify(expected)}, got ${task?.status} ${JSON.stringify(
        counts
      )}${task?.error ? `: ${task.error}` : ''}`
    );
  }
};

/** The admin API through supertest, as an administrator. Admin tokens expire: log in again before each phase. */
const createApi = async (strapi, options) => {
  const { dataset } = options;
  const draftAndPublish = Boolean(strapi.contentType(dataset.uid).options?.draftAndPublish);
  const request = require('supertest')(strapi.server.httpServer);
  const credentials = { email: 'bench@example.com', password: 'Bench1234!' };
  const registered = await request
    .post('/admin/register-admin')
    .send({ firstname: 'Bench', lastname: 'Mark', ...credentials });
  if (registered.status !== 200 && registered.status !== 201)
    throw new Error(`register-admin answered ${registered.status}`);
  const userId = registered.body.data.user.id;
  const auth = {};
  let loggedInAt = 0;
  const answer = (res, what) => {
    if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  return {
    /** The administrator the imports run as (their entries' createdBy / updatedBy). */
    userId,
    /** A new token when the last one is 10 minutes old (they last about 30; logins are rate-limited). */
    login: async () => {
      if (Date.now() - loggedInAt < 10 * 60 * 1000) return;
      auth.Authorization = `Bearer ${answer(await request.post('/admin/login').send(credentials), 'login').token}`;
      loggedInAt = Date.now();
    },
    importOptions: (importStrategy) => ({
      contentType: dataset.uid,
      importStrategy,
      matchBy: dataset.matchBy,
      onError: options.onError,
      ...(draftAndPublish ? { status: options.status } : {}),
    }),
    importFile: async (file, importOptions) =>
      answer(
        await request
          .post('/data-migration-center/import-tasks?wait=true')
          .set(auth)
          .attach('file', file)
          .field('options', JSON.stringify(importOptions)),
        'import'
      ),
    exportAll: async (format) =>
      format === BUNDLE
        ? answer(
            await request
              .post('/data-migration-center/bundle-exports?wait=true')
              .set(auth)
              .send({
                types: [{ contentType: dataset.uid, ...(draftAndPublish ? { status: options.status } : {}) }],
                withDependencies: true,
              }),
            'bundle export'
          )
        : answer(
            await request
              .post('/data-migration-center/export-tasks?wait=true')
              .set(auth)
              .send({ contentType: dataset.uid, format }),
            'export'
          ),
    /** A bundle: the type with `importStrategy` and its matchBy; the dependencies by default (upsert, documentId). */
    importBundle: async (file, importStrategy, extra = {}) =>
      answer(
        await request
          .post('/data-migration-center/bundle-imports?wait=true')
          .set(auth)
          .attach('file', file)
          .field(
            'options',
            JSON.stringify({
              onError: options.onError,
              ...extra,
              types: { [dataset.uid]: { importStrategy, matchBy: dataset.matchBy } },
            })
          ),
        'bundle import'
      ),
    /** A task's file, written to `file`. */
    download: async (taskId, file) => {
      const res = await request
        .get(`/data-migration-center/tasks/${taskId}/file`)
        .set(auth)
        .buffer(true)
        .parse((response, callback) => {
          const out = fs.createWriteStream(file);
          response.pipe(out);
          out.on('finish', () => callback(null, null));
          out.on('error', callback);
        });
      if (res.status !== 200) throw new Error(`GET /tasks/${taskId}/file answered ${res.status}`);
    },
  };
};

const gitCommit = () => {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return null;
  }
};

const databaseVersion = async (strapi) => {
  const knex = strapi.db.connection;
  const client = strapi.db.dialect.client;
  if (client === 'sqlite') return `SQLite ${(await knex.raw('select sqlite_version() as v'))[0].v}`;
  if (client === 'postgres') return `PostgreSQL ${(await knex.raw('show server_version')).rows[0].server_version}`;
  const version = (await knex.raw('select version() as v'))[0][0].v;
  return `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version}`;
};

const machine = () => {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? null,
    totalMemoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
};

/** The signal that stopped the run, if one did (Strapi's own handler destroys it and exits). */
let stopSignal = null;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    stopSignal = signal;
    console.error(`bench: ${signal} received, Strapi is stopping`);
  });
}

/** The figures so far: printed as the last line even when a phase fails. */
let partial = null;

const main = async () => {
  const options = parseOptions(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bench-'));
  const database = await createDatabase(work);
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DMC_SEED: 'false',
    DMC_STORAGE_DIR: path.join(work, 'files'),
    STRAPI_LOG_LEVEL: 'warn',
    STRAPI_TELEMETRY_DISABLED: 'true',
    ...database.env,
  });
  let strapi = null;
  try {
    require(path.join(root, 'scripts/build-if-needed.js')).buildPlugin();
    const { compileStrapi, createStrapi } = require('@strapi/strapi');
    await compileStrapi({ appDir });
    strapi = await createStrapi({
      appDir,
      distDir: path.join(appDir, 'dist'),
      autoReload: false,
      serveAdminPanel: false,
    }).load();
    await strapi.server.mount();
    await run(strapi, options, work);
  } finally {
    // Strapi destroys itself on SIGTERM / SIGINT: a second destroy would hide why the run stopped.
    if (strapi && !stopSignal) await strapi.destroy();
    await database.drop();
    fs.rmSync(work, { recursive: true, force: true });
  }
};

const run = async (strapi, options, work) => {
  const knex = strapi.db.connection;
  const client = strapi.db.dialect.client;
  const api = await createApi(strapi, options);
  const targets = await seedTargets(strapi, options.dataset.targets);
  const defaultLocale = await strapi.plugin('i18n').service('locales').getDefaultLocale();
  const { dataset } = options;
  const tables = describeTables(strapi, dataset, defaultLocale);
  tables.creatorId = api.userId;
  const rowsPerItem = tables.draftAndPublish && options.status === 'published' ? 2 : 1;
  const { phases, formats } = options;
  const sizes = options.memory ? [options.referenceItems, options.items] : [options.items];

  const started = new Date();
  const results = {
    bench: 'strapi-plugin-data-migration-center',
    date: started.toISOString(),
    commit: gitCommit(),
    machine: machine(),
    database: { client, version: await databaseVersion(strapi) },
    options: {
      ...options,
      dataset: undefined,
      contentType: dataset.uid,
      matchBy: dataset.matchBy,
      rowsPerItem,
    },
    rawRowsCheck: null,
    idleRssMb: null,
    phases: [],
    targets: [],
  };
  partial = results;
  const { what } = dataset;
  console.log(
    `Data Migration Center bench: ${sizes.join(' then ')} ${what}, ${results.database.version}, ${
      results.machine.cpus
    } CPUs, node ${process.version}`
  );
  console.log(
    `Imports write ${tables.draftAndPublish ? `${options.status} entries` : 'entries'} (${rowsPerItem} row${
      rowsPerItem > 1 ? 's' : ''
    } of ${tables.table} each), onError ${options.onError}, matchBy ${dataset.matchBy}; formats ${formats.join(', ')}`
  );

  if (phases.includes('raw-insert') || phases.includes('raw-engine')) {
    results.rawRowsCheck = await checkRawRows({ strapi, api, tables, targets, options, work });
    console.log(
      `Raw rows checked: the raw insert${results.rawRowsCheck.engineChecked ? ' and the engine insert write' : ' writes'} the rows the import writes for ${
        results.rawRowsCheck.sampleItems
      } sample items (${results.rawRowsCheck.tables.join(', ')})`
    );
  }

  // The files: written before idle RSS is measured, straight to disk.
  const layout = layouts(dataset, {
    formatVersion: 1,
    contentType: dataset.uid,
    matchBy: dataset.matchBy,
    onError: options.onError,
  });
  const files = {};
  /** Items [from, to) to `file` in `format` (not a bundle): a workbook, or a text layout. */
  const writeItems = (file, format, from, to) =>
    format === XLSX ? writeXlsxFile(file, dataset, from, to) : writeFile(file, layout[format], dataset.item, from, to);
  /** A bundle of the first n items: raw-inserted, exported as a bundle, downloaded to `file`; the table emptied. */
  const writeBundleFile = async (file, n) => {
    await api.login();
    await clearArticles(knex, tables);
    await rawInsert(strapi, tables, targets, { from: 0, to: n, status: options.status });
    const task = await api.exportAll(BUNDLE);
    expectTask(task, `bundle of ${n} items`, {});
    await api.download(task.id, file);
    await clearArticles(knex, tables);
  };
  for (const n of sizes) {
    for (const format of phases.some((p) => ['import', 'upsert', ...EXTRA_PHASES].includes(p)) ? formats : []) {
      files[`${n}.${format}`] = path.join(work, `${options.type}s-${n}.${format === BUNDLE ? 'zip' : format}`);
      if (format === BUNDLE) await writeBundleFile(files[`${n}.${format}`], n);
      else await writeItems(files[`${n}.${format}`], format, 0, n);
    }
  }
  /** An import of `file` in `format` (a bundle through /bundle-imports). */
  const importAs = (format, file, importStrategy, extra = {}) =>
    format === BUNDLE
      ? api.importBundle(file, importStrategy, extra)
      : api.importFile(file, { ...api.importOptions(importStrategy), format, ...extra });
  /** A bundle import's task counts its dependencies too: the type's own counts are in its typeCounts. */
  const countsOf = (task) =>
    task?.kind === 'bundle-import'
      ? { ...task, counts: { ...task.counts, ...(task.typeCounts?.find((type) => type.contentType === dataset.uid) ?? {}) } }
      : task;
  /** The items a task of `format` must count: a bundle's dependencies are more than the n items of the type. */
  const expectedTotal = (format, n) => (format === BUNDLE ? {} : { total: n });

  // Warm-up: each format's import, upsert and export on a few items, so that no measured phase pays for compiling
  // the code it runs (the first of them would, and the others not).
  const warmupItems = Math.min(options.warmup, options.items);
  if (warmupItems > 0) {
    await api.login();
    for (const format of formats) {
      const file = path.join(work, `warmup.${format}`);
      if (format === BUNDLE) await writeBundleFile(file, warmupItems);
      else await writeItems(file, format, 0, warmupItems);
      await clearArticles(knex, tables);
      if (phases.some((p) => ['import', 'upsert', ...EXTRA_PHASES].includes(p))) {
        expectTask(countsOf(await importAs(format, file, 'add-only')), `warm-up import ${format}`, {
          created: warmupItems,
        });
        expectTask(countsOf(await importAs(format, file, 'upsert')), `warm-up upsert ${format}`, {
          updated: warmupItems,
        });
      } else {
        await rawInsert(strapi, tables, targets, { from: 0, to: warmupItems, status: options.status });
      }
      if (phases.includes('export')) {
        const task = await api.exportAll(format);
        if (task.status !== 'completed')
          throw new Error(`warm-up export ${format}: ${task.status} ${task.error ?? ''}`);
      }
      fs.rmSync(file, { force: true });
    }
    await clearArticles(knex, tables);
    console.log(`Warm-up: ${warmupItems} items imported, upserted and exported in each format (not measured)`);
  }

  await settle();
  const idle = process.memoryUsage().rss;
  results.idleRssMb = mb(idle);
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  console.log(`Idle RSS ${mb(idle)} MB${global.gc ? '' : ' (run with node --expose-gc for heap after GC)'}\n`);

  const header = [
    'phase',
    'format',
    'items',
    'seconds',
    'items/s',
    'µs/item',
    'peak RSS',
    'above idle',
    'heap',
    'ours/raw',
    'ours/engine',
    'ours/baseline',
  ];
  const widths = [20, 6, 8, 8, 8, 8, 9, 10, 7, 9, 11, 13];
  const line = (cells) =>
    cells.map((cell, i) => (i < 2 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join(' ');
  console.log(line(header));
  console.log(line(header.map((_, i) => '-'.repeat(widths[i]))));

  /** One run of a phase: its seconds (the wall time, or what `fn` says it timed), CPU time, peak RSS. */
  const runOnce = async (fn) => {
    await api.login();
    await settle();
    peak = process.memoryUsage().rss;
    const statements = options.sql ? tallyStatements(knex) : null;
    const cpu = process.cpuUsage();
    const begun = process.hrtime.bigint();
    const outcome = (await fn()) ?? {};
    const ended = process.hrtime.bigint();
    const cpuUsed = process.cpuUsage(cpu);
    const sql = statements?.stop() ?? null;
    peak = Math.max(peak, process.memoryUsage().rss);
    return {
      outcome,
      begun,
      ended,
      cpuUsed,
      sql,
      peakRss: peak,
      seconds: outcome.seconds ?? Number(ended - begun) / 1e9,
    };
  };

  /**
   * Runs one phase `--runs` times (`before` readies the database before each run) and reports the run of median
   * seconds, with every run's seconds: items/s, peak RSS (the highest of the runs), heap after GC, ratios.
   */
  const measure = async (phase, format, items, fn, before = async () => {}) => {
    const runs = [];
    // With --memory, the large run is made once: --runs repeats the reference runs, whose cost per item it is held to.
    const repeat = options.memory && items === options.items ? 1 : options.runs;
    for (let r = 0; r < repeat; r += 1) {
      await before();
      runs.push(await runOnce(fn));
    }
    const { outcome, begun, ended, cpuUsed, sql, seconds } = [...runs].sort((a, b) => a.seconds - b.seconds)[
      Math.floor((runs.length - 1) / 2)
    ];
    const peakRss = Math.max(...runs.map((run) => run.peakRss));
    global.gc?.();
    const result = {
      phase,
      format,
      items,
      seconds: Math.round(seconds * 1000) / 1000,
      itemsPerSecond: Math.round(items / seconds),
      microsecondsPerItem: Math.round((seconds * 1e6) / items),
      peakRssMb: mb(peakRss),
      peakAboveIdleMb: mb(peakRss - idle),
      heapAfterGcMb: mb(process.memoryUsage().heapUsed),
      ratioToRaw: null,
      ratioToEngine: null,
      ratioToBaseline: null,
      // CPU time of the whole process during the phase (user + system): less sensitive than seconds to other work.
      cpuSeconds: Math.round((cpuUsed.user + cpuUsed.system) / 1000) / 1000,
      // The phase on the monotonic clock (µs) that `node --cpu-prof` profiles are stamped with: to cut a profile.
      monotonicUs: [Number(begun / 1000n), Number(ended / 1000n)],
      ...(runs.length > 1
        ? {
            runs: runs.map((run) => Math.round(run.seconds * 1000) / 1000),
            // Every run's window (µs, as monotonicUs): a profile of all of them (profile-window.js start:end,...).
            runsMonotonicUs: runs.map((run) => [Number(run.begun / 1000n), Number(run.ended / 1000n)]),
          }
        : {}),
      ...(outcome.task
        ? { status: outcome.task.status, counts: outcome.task.counts, writePath: outcome.task.writePath ?? null }
        : {}),
    };
    const raw = results.phases.find(
      (p) => p.items === items && p.phase === (phase === 'export' ? 'raw-select' : 'raw-insert')
    );
    const engine = results.phases.find(
      (p) => p.items === items && p.phase === (phase === 'export' ? 'raw-engine-select' : 'raw-engine')
    );
    const baseline = results.phases.find((p) => p.phase === 'baseline');
    if (['import', 'upsert', 'export', ...EXTRA_PHASES].includes(phase)) {
      if (raw) result.ratioToRaw = Math.round((result.itemsPerSecond / raw.itemsPerSecond) * 1000) / 1000;
      if (engine) result.ratioToEngine = Math.round((result.itemsPerSecond / engine.itemsPerSecond) * 1000) / 1000;
      if (baseline && phase !== 'export')
        result.ratioToBaseline = Math.round((result.itemsPerSecond / baseline.itemsPerSecond) * 10) / 10;
    }
    if (sql) result.sql = sql;
    results.phases.push(result);
    const ratio = (value, suffix) => (value === null ? '' : `${value}${suffix}`);
    console.log(
      line([
        phase,
        format ?? '',
        items,
        result.seconds,
        result.itemsPerSecond,
        result.microsecondsPerItem,
        `${result.peakRssMb} MB`,
        `${result.peakAboveIdleMb >= 0 ? '+' : ''}${result.peakAboveIdleMb} MB`,
        `${result.heapAfterGcMb} MB`,
        ratio(result.ratioToRaw, ''),
        ratio(result.ratioToEngine, ''),
        ratio(result.ratioToBaseline, '×'),
      ])
    );
    if (sql) {
      const total = sql.reduce((sum, s) => sum + s.ms, 0);
      console.log(
        `  SQL: ${sql.reduce((n, s) => n + s.count, 0)} statements, ${Math.round(total)} ms (${Math.round(
          total / 10 / result.seconds
        )}% of the phase)`
      );
      for (const s of sql.slice(0, 12))
        console.log(`    ${String(s.count).padStart(7)} × ${String(Math.round(s.ms)).padStart(6)} ms  ${s.statement}`);
    }
    return result;
  };

  /** How many articles the database holds now (draft rows of the default locale), to know when to reseed. */
  let loaded = 0;
  const load = async (n) => {
    if (loaded === n) return;
    await clearArticles(knex, tables);
    await rawInsert(strapi, tables, targets, { from: 0, to: n, status: options.status });
    loaded = n;
  };

  for (const n of sizes) {
    /** Before a run that starts from an empty article table. */
    const empty = async () => {
      await clearArticles(knex, tables);
      loaded = 0;
    };
    if (phases.includes('raw-insert')) {
      await measure(
        'raw-insert',
        null,
        n,
        async () => ({ seconds: await rawInsert(strapi, tables, targets, { from: 0, to: n, status: options.status }) }),
        empty
      );
      loaded = n;
    }
    if (phases.includes('raw-engine')) {
      await measure(
        'raw-engine',
        null,
        n,
        async () => ({
          seconds: await rawEngineInsert(strapi, tables, targets, { from: 0, to: n, status: options.status }),
        }),
        empty
      );
      loaded = n;
    }
    if (phases.includes('baseline') && n === sizes[0]) {
      const documents = strapi.documents(dataset.uid);
      await measure(
        'baseline',
        null,
        options.baselineItems,
        async () => {
          for (let i = 0; i < options.baselineItems; i += 1) {
            await documents.create({
              data: dataset.documentData(dataset.item(i), targets),
              ...(tables.draftAndPublish ? { status: options.status } : {}),
            });
          }
        },
        empty
      );
      await empty();
    }
    for (const format of formats) {
      if (phases.includes('import')) {
        await measure(
          'import',
          format,
          n,
          async () => {
            const task = countsOf(await importAs(format, files[`${n}.${format}`], 'add-only'));
            expectTask(task, `import ${format} (add-only into empty)`, { ...expectedTotal(format, n), processed: n, created: n });
            loaded = n;
            return { task };
          },
          empty
        );
      }
      if (phases.includes('import-lifecycles')) {
        await measure(
          'import-lifecycles',
          format,
          n,
          async () => {
            const task = countsOf(await importAs(format, files[`${n}.${format}`], 'add-only', { lifecycles: 'run' }));
            expectTask(task, `import ${format} (add-only into empty, lifecycles run)`, { ...expectedTotal(format, n), processed: n, created: n });
            if (task.writePath !== 'document-service') throw new Error(`import-lifecycles ${format}: write path ${task.writePath}`);
            loaded = n;
            return { task };
          },
          empty
        );
      }
      if (phases.includes('upsert')) {
        await measure(
          'upsert',
          format,
          n,
          async () => {
            const task = countsOf(await importAs(format, files[`${n}.${format}`], 'upsert'));
            expectTask(task, `import ${format} (upsert over existing)`, { ...expectedTotal(format, n), processed: n, updated: n });
            return { task };
          },
          () => load(n)
        );
      }
      if (phases.includes('upsert-lifecycles')) {
        await measure(
          'upsert-lifecycles',
          format,
          n,
          async () => {
            const task = countsOf(await importAs(format, files[`${n}.${format}`], 'upsert', { lifecycles: 'run' }));
            expectTask(task, `import ${format} (upsert over existing, lifecycles run)`, { ...expectedTotal(format, n), processed: n, updated: n });
            return { task };
          },
          () => load(n)
        );
      }
    }
    if (phases.includes('raw-select')) {
      await measure(
        'raw-select',
        null,
        n,
        async () => {
          const count = await rawSelect(strapi, tables, path.join(work, `raw-select-${n}.jsonl`));
          if (count !== n) throw new Error(`raw-select: read ${count} articles, expected ${n}`);
        },
        () => load(n)
      );
    }
    if (phases.includes('raw-engine-select')) {
      await measure(
        'raw-engine-select',
        null,
        n,
        async () => {
          const count = await withEngineQuery({ knex, client }, (query) =>
            rawSelect(strapi, tables, path.join(work, `raw-engine-select-${n}.jsonl`), query)
          );
          if (count !== n) throw new Error(`raw-engine-select: read ${count} items, expected ${n}`);
        },
        () => load(n)
      );
      // The two readers wrote the same items (untimed): else the engine's limit reads something else.
      const knexFile = path.join(work, `raw-select-${n}.jsonl`);
      const engineFile = path.join(work, `raw-engine-select-${n}.jsonl`);
      if (fs.existsSync(knexFile)) {
        const digest = async (file) => {
          const hash = require('node:crypto').createHash('sha256');
          for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
          return hash.digest('hex');
        };
        const same = (await digest(knexFile)) === (await digest(engineFile));
        results.engineSelectSameItems = same;
        if (!same) console.log(`  (raw-engine-select wrote other items than raw-select: ${knexFile}, ${engineFile})`);
      }
    }
    for (const format of phases.includes('export') ? formats : []) {
      let exported = null;
      const result = await measure(
        'export',
        format,
        n,
        async () => {
          const task = await api.exportAll(format);
          expectTask(task, `export ${format}`, format === BUNDLE ? {} : { total: n, processed: n });
          if (format === BUNDLE && !(task.counts.processed >= n))
            throw new Error(`export bundle: ${task.counts.processed} items, expected ${n} and their dependencies`);
          exported = task;
          return { task };
        },
        () => load(n)
      );
      if (format === XLSX) {
        // Untimed: the exported file is a workbook of n rows (the task's counts say what was read, not what was written).
        const file = path.join(work, `export-${n}.xlsx`);
        await api.login();
        await api.download(exported.id, file);
        result.workbook = await checkWorkbook(file, n);
        fs.rmSync(file, { force: true });
        console.log(
          `  (the exported workbook: ${result.workbook.bytes} bytes, ${result.workbook.headerCells} columns, ${
            result.workbook.rows - 1
          } item rows)`
        );
      }
    }
  }
  clearInterval(sampler);

  // Targets: ratios on the same data and database, and the memory bar.
  const target = (name, value, ok) => results.targets.push({ name, value, met: ok });
  for (const p of results.phases) {
    if ((p.phase === 'import' || p.phase === 'upsert') && p.ratioToRaw !== null)
      target(`${p.phase} ${p.format} ≥ 0.5 × raw-insert (${p.items} items)`, p.ratioToRaw, p.ratioToRaw >= 0.5);
    if ((p.phase === 'import' || p.phase === 'upsert') && p.ratioToBaseline !== null)
      target(`${p.phase} ${p.format} ≥ 30 × baseline (${p.items} items)`, p.ratioToBaseline, p.ratioToBaseline >= 30);
    if (p.phase === 'export' && p.ratioToRaw !== null)
      target(`export ${p.format} ≥ 0.5 × raw-select (${p.items} items)`, p.ratioToRaw, p.ratioToRaw >= 0.5);
  }
  // The engine's limit has no bar of its own (issue 21): its ratios are reported beside the targets, not judged.
  results.engineRatios = results.phases
    .filter((p) => p.ratioToEngine !== null)
    .map((p) => ({
      name: `${p.phase} ${p.format} / ${p.phase === 'export' ? 'raw-engine-select' : 'raw-engine'} (${p.items} items)`,
      value: p.ratioToEngine,
    }));
  if (options.memory) {
    for (const p of results.phases.filter(
      (q) => q.items === options.items && (q.phase === 'import' || q.phase === 'export')
    )) {
      target(
        `${p.phase} ${p.format} peak RSS ≤ idle + ${MEMORY_LIMIT_MB} MB (${p.items} items)`,
        p.peakAboveIdleMb,
        p.peakAboveIdleMb <= MEMORY_LIMIT_MB
      );
      const reference = results.phases.find(
        (q) => q.items === options.referenceItems && q.phase === p.phase && q.format === p.format
      );
      if (reference) {
        const ratio = Math.round((p.microsecondsPerItem / reference.microsecondsPerItem) * 100) / 100;
        target(
          `${p.phase} ${p.format} µs/item at ${p.items} within ±20% of ${reference.items}`,
          ratio,
          ratio >= 0.8 && ratio <= 1.2
        );
      }
    }
  }
  if (results.targets.length) {
    console.log('\nTargets:');
    for (const t of results.targets) console.log(`  ${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.value}`);
  }
  if (results.engineRatios.length) {
    console.log(`\nRatios to the engine's limit (${results.database.version}; no bar):`);
    for (const r of results.engineRatios) console.log(`         ${r.name}: ${r.value}`);
  }
  results.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  results.seconds = Math.round((Date.now() - started.getTime()) / 1000);
  console.log(JSON.stringify(results));
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    if (partial)
      console.log(JSON.stringify({ ...partial, error: error instanceof Error ? error.message : String(error) }));
    process.exit(1);
  }
);
