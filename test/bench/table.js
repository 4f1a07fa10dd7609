#!/usr/bin/env node
/**
 * `npm run bench:table`: runs the bench (test/bench/bench.js) once per shape and database, and regenerates the table of
 * ratios in docs/performance.md (between its markers; the table it replaces moves to the history below).
 *
 *   npm run bench:table -- [--items 2000] [--formats jsonl] [--types article,contact,tag,author,city,region]
 *                          [--databases sqlite,postgres,mysql] [--runs 1] [--warmup 500] [--doc docs/performance.md]
 *
 * PostgreSQL and MariaDB/MySQL are reached as the bench reaches them: DATABASE_HOST, DATABASE_PORT, DATABASE_USERNAME
 * and DATABASE_PASSWORD (defaults 127.0.0.1, 5432 / 3306, postgres / root, no password); each run creates and drops
 * its own database. Runs one bench at a time (figures from concurrent runs would measure each other). A run that fails
 * leaves its row with the error and does not stop the others; the exit code is 1 then.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { DATASETS } = require('./shapes');

const root = path.resolve(__dirname, '../..');
const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';
const HISTORY = '## History';
const DATABASES = {
  sqlite: { DATABASE_CLIENT: 'sqlite' },
  postgres: { DATABASE_CLIENT: 'postgres', port: '5432', user: 'postgres' },
  mysql: { DATABASE_CLIENT: 'mysql', port: '3306', user: 'root' },
};
const PHASES = 'raw-insert,raw-engine,import,upsert,raw-select,raw-engine-select,export';

const USAGE = `Usage: npm run bench:table -- [options]
  --items N          items per run (default 2000)
  --formats LIST     formats imported and exported (default jsonl)
  --types LIST       shapes (default ${Object.keys(DATASETS).join(',')})
  --databases LIST   sqlite,postgres,mysql (default sqlite)
  --runs N           the bench's --runs (default 1)
  --warmup N         the bench's --warmup (default 500)
  --doc FILE         the document to regenerate (default docs/performance.md)`;

const parse = (argv) => {
  const values = {
    items: '2000',
    formats: 'jsonl',
    types: Object.keys(DATASETS).join(','),
    databases: 'sqlite',
    runs: '1',
    warmup: '500',
    doc: path.join(root, 'docs/performance.md'),
  };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (!name || !(name in values) || i + 1 >= argv.length) throw new Error(`Bad option ${argv[i]}\n${USAGE}`);
    values[name] = argv[(i += 1)];
  }
  const list = (name, allowed) => {
    const items = values[name].split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length || !items.length) throw new Error(`--${name}: ${unknown.join(', ') || 'empty'} (allowed: ${allowed.join(', ')})`);
    return items;
  };
  for (const name of ['items', 'runs', 'warmup'])
    if (!/^\d+$/.test(values[name])) throw new Error(`--${name} must be an integer, not "${values[name]}"`);
  return {
    items: Number(values.items),
    formats: values.formats,
    types: list('types', Object.keys(DATASETS)),
    databases: list('databases', Object.keys(DATABASES)),
    runs: Number(values.runs),
    warmup: Number(values.warmup),
    doc: path.resolve(values.doc),
  };
};

/** The bench's environment for `database`: the DATABASE_* settings given to this command, with defaults. */
const environment = (database) => {
  const spec = DATABASES[database];
  const env = { ...process.env, DATABASE_CLIENT: spec.DATABASE_CLIENT };
  if (database === 'sqlite') return env;
  const sameClient = process.env.DATABASE_CLIENT === spec.DATABASE_CLIENT;
  return {
    ...env,
    DATABASE_HOST: process.env.DATABASE_HOST || '127.0.0.1',
    // A port or user given for another client is not this one's.
    DATABASE_PORT: (sameClient && process.env.DATABASE_PORT) || spec.port,
    DATABASE_USERNAME: (sameClient && process.env.DATABASE_USERNAME) || spec.user,
    DATABASE_PASSWORD: (sameClient && process.env.DATABASE_PASSWORD) || '',
  };
};

/** One bench run; resolves with its last JSON line (figures, or the error and the figures so far). */
const runBench = (options, type, database) =>
  new Promise((resolve) => {
    const args = [
      '--expose-gc',
      path.join(__dirname, 'bench.js'),
      '--type',
      type,
      '--items',
      String(options.items),
      '--formats',
      options.formats,
      '--phases',
      PHASES,
      '--runs',
      String(options.runs),
      '--warmup',
      String(options.warmup),
    ];
    const log = path.join(os.tmpdir(), `dmc-bench-table-${type}-${database}.log`);
    const out = fs.createWriteStream(log);
    const child = spawn(process.execPath, args, { cwd: root, env: environment(database) });
    let last = '';
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      out.write(chunk);
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const l of lines) if (l.startsWith('{')) last = l;
    });
    child.stderr.on('data', (chunk) => out.write(chunk));
    child.on('close', (code) => {
      out.end();
      if (buffer.startsWith('{')) last = buffer;
      let result = null;
      try {
        result = last ? JSON.parse(last) : null;
      } catch {
        result = null;
      }
      if (code !== 0 || !result || result.error)
        resolve({ ...(result ?? {}), error: result?.error ?? `exit code ${code} (log: ${log})`, log });
      else resolve({ ...result, log });
    });
  });

const fmt = (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const ratio = (r) => (r === null || r === undefined ? '–' : r.toFixed(2));

/** One row per shape × database × format: items/s of the limits and of ours, with ours/raw · ours/engine. */
const tableOf = (runs, options) => {
  const rows = [
    '| shape | database | format | write path | raw insert | engine insert | import (ours/raw · ours/engine) | upsert (ours/raw · ours/engine) | raw select | engine select | export (ours/raw · ours/engine) |',
    '| --- | --- | --- | --- | ---: | ---: | --- | --- | ---: | ---: | --- |',
  ];
  for (const run of runs) {
    const phase = (name, format = null) => run.result.phases?.find((p) => p.phase === name && p.format === format);
    const ours = (p) => (p ? `${fmt(p.itemsPerSecond)} (${ratio(p.ratioToRaw)} · ${ratio(p.ratioToEngine)})` : '–');
    const database = run.result.database?.version ?? run.database;
    for (const format of options.formats.split(',')) {
      const imported = phase('import', format);
      const paths = [...new Set([imported, phase('upsert', format)].map((p) => p?.writePath).filter(Boolean))];
      rows.push(
        `| ${run.type} | ${database} | ${format} | ${paths.join(', ') || '–'} | ${fmt(phase('raw-insert')?.itemsPerSecond)} | ${fmt(
          phase('raw-engine')?.itemsPerSecond
        )} | ${ours(imported)} | ${ours(phase('upsert', format))} | ${fmt(phase('raw-select')?.itemsPerSecond)} | ${fmt(
          phase('raw-engine-select')?.itemsPerSecond
        )}${run.result.engineSelectSameItems === false ? ' (other items than the raw select!)' : ''} | ${ours(phase('export', format))} |`
      );
    }
    if (run.result.error) rows.push(`| ${run.type} | ${database} | | failed: ${run.result.error.split('\n')[0].replace(/\|/g, '/')} | | | | | | | |`);
  }
  return rows.join('\n');
};

const commitOf = () => {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${commit} with uncommitted changes` : commit;
  } catch {
    return 'unknown';
  }
};

const section = (runs, options, started) => {
  const loads = runs.flatMap((run) => [run.result.machine?.loadAverage?.[0], run.result.machine?.loadAverageAtEnd?.[0]]).filter(
    (l) => typeof l === 'number'
  );
  const cpus = os.cpus();
  return [
    START,
    `Generated by \`npm run bench:table -- --items ${options.items} --formats ${options.formats} --types ${options.types.join(
      ','
    )} --databases ${options.databases.join(',')} --runs ${options.runs} --warmup ${options.warmup}\` on ${started
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ')} UTC, commit \`${commitOf()}\`; ${cpus.length} CPUs (${cpus[0]?.model ?? 'unknown'}), ${Math.round(
      os.totalmem() / 1024 ** 3
    )} GB, Node ${process.version}; load average (1 min) ${
      loads.length ? `${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}` : 'unknown'
    } at the runs' starts and ends (${os.cpus().length} CPUs: above that, other work shared the machine and the seconds are noisy; ratios within one row are what to compare). ${options.items.toLocaleString('en-US')} items per run, drafts, onError continue, ${options.runs === 1 ? 'one run per phase' : `the median of ${options.runs} runs`}. Cells: items/s; in parentheses ours/raw (over the knex raw insert or select) · ours/engine (over the engine's own loader or reader).`,
    '',
    tableOf(runs, options),
    END,
  ].join('\n');
};

const INTRO = `# Performance per shape and database

The ratios of our import, upsert and export to the two references of \`npm run bench\` (docs/benchmarks.md): the raw
knex insert or select of the same rows, and the engine's own limit (\`raw-engine\`: better-sqlite3 prepared statements
in one transaction, \`COPY FROM STDIN\` on PostgreSQL, prepared multi-row inserts on MariaDB/MySQL; \`raw-engine-select\`:
the raw select's statements prepared once on the driver). One row per content shape (test/bench/shapes/) and database.
The write path says whether the items went through the bulk path or the Document Service.

Regenerate with \`npm run bench:table\` (options in test/bench/table.js); the table below is replaced, the one it
replaces moves to the history.
`;

const writeDoc = (file, text) => {
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (!previous) {
    fs.writeFileSync(file, `${INTRO}\n${text}\n\n${HISTORY}\n`);
    return;
  }
  const a = previous.indexOf(START);
  const b = previous.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} has no ${START} … ${END} markers`);
  const old = previous.slice(a + START.length, b).trim();
  let rest = previous.slice(b + END.length);
  const h = rest.indexOf(HISTORY);
  const entry = `\n\n${old}\n`;
  rest = h < 0 ? `${rest.trimEnd()}\n\n${HISTORY}\n${entry}` : `${rest.slice(0, h + HISTORY.length)}${entry}${rest.slice(h + HISTORY.length)}`;
  fs.writeFileSync(file, `${previous.slice(0, a)}${text}${rest}`);
};

const main = async () => {
  const options = parse(process.argv.slice(2));
  const started = new Date();
  const runs = [];
  for (const database of options.databases) {
    for (const type of options.types) {
      console.log(`bench:table: ${type} on ${database}, ${options.items} items …`);
      const result = await runBench(options, type, database);
      console.log(result.error ? `  failed: ${result.error.split('\n')[0]} (log: ${result.log})` : `  done in ${result.seconds} s`);
      runs.push({ type, database, result });
    }
  }
  writeDoc(options.doc, section(runs, options, started));
  console.log(`bench:table: ${path.relative(root, options.doc)} regenerated`);
  if (runs.some((run) => run.result.error)) process.exitCode = 1;
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
