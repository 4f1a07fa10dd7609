// @ts-check
'use strict';

/**
 * The commands. Each has two halves: `prepare` checks the command line and the local files before anything is
 * loaded (a mistake costs no boot), `run` does the work with the loaded app through the plugin's services, the
 * same pipeline as the admin API, and returns the exit code.
 */

const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { service } = require('./app');
const { countsLine, showProgress, summary, taskTable } = require('./progress');
const { EXIT, UsageError, jsonObjectOption, kindOption, limitOption, listOption, statusOption } = require('./usage');

/** @typedef {import('@strapi/strapi').Core.Strapi} Strapi */
/** @typedef {import('../../shared/contracts').Task} Task */
/** @typedef {import('../../shared/contracts').TaskKind} TaskKind */
/** @typedef {Record<string, string | boolean | undefined>} Values */

/**
 * Where the command writes: `stdout` for its result, `stderr` for progress and messages.
 * @typedef {object} Io
 * @property {NodeJS.WriteStream} stdout
 * @property {NodeJS.WriteStream} stderr
 * @property {(id: number | null) => void} setCurrentTask the task a signal cancels
 */

/** @param {NodeJS.WritableStream} stream @param {string} text @returns {Promise<void>} */
const print = (stream, text) => new Promise((resolve) => stream.write(`${text}\n`, () => resolve()));

/** A path as the summary shows it: relative to the current directory when inside it. @param {string} file */
const shown = (file) => {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
};

/** An option's text, or undefined. @param {Values} values @param {string} name */
const text = (values, name) => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** The object without its undefined values. @template {Record<string, unknown>} T @param {T} object @returns {T} */
const defined = (object) =>
  /** @type {T} */ (Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)));

/**
 * Writes `source` to `target` through a temporary file beside it, renamed once complete: a failure never leaves a
 * half-written file in place of the previous one.
 * @param {string} target @param {NodeJS.ReadableStream | AsyncIterable<string | Buffer>} source
 */
const writeFileAtomically = async (target, source) => {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  try {
    await pipeline(
      source instanceof Readable ? source : Readable.from(/** @type {AsyncIterable<string | Buffer>} */ (source)),
      fs.createWriteStream(temporary)
    );
    await fs.promises.rename(temporary, target);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
};

/**
 * The id of the template of this name and kind, or a UsageError listing the names there are.
 * @param {Strapi} app @param {string} name @param {import('../../shared/contracts').TemplateKind} kind
 */
const templateId = async (app, name, kind) => {
  const templates = await service(app, 'templates').list({ kind });
  const found = templates.find((template) => template.name === name);
  if (found) return found.id;
  const names = templates.map((template) => `"${template.name}"`);
  throw new UsageError(
    `No ${kind} template named "${name}" (${
      names.length ? `${kind} templates: ${names.join(', ')}` : `there are no ${kind} templates`
    })`
  );
};

/**
 * Waits for a task to finish, showing its progress, and returns it as the API shapes it.
 * @param {Strapi} app @param {number} id @param {Io} io
 * @returns {Promise<Task>}
 */
const waitWithProgress = async (app, id, io) => {
  const tasks = service(app, 'tasks');
  io.setCurrentTask(id);
  const progress = showProgress({ stream: io.stderr, read: () => tasks.findOne(id) });
  try {
    await service(app, 'runner').waitFor(id);
  } finally {
    progress.stop();
    io.setCurrentTask(null);
  }
  return tasks.findOne(id);
};

/** The exit code a finished task gives. @param {Task} task */
const exitCodeOf = (task) =>
  task.status === 'completed'
    ? EXIT.OK
    : task.status === 'completed-with-errors'
    ? EXIT.COMPLETED_WITH_ERRORS
    : EXIT.FAILED;

/* ------------------------------------------------------------------------------------------------------------
 * import <file>
 * ---------------------------------------------------------------------------------------------------------- */

/** Options of one content type's import or export, which a bundle takes per type under --types. */
const SINGLE_TYPE_IMPORT = ['type', 'format', 'import-strategy', 'update-strategy', 'match-by', 'mapping', 'computed', 'locale', 'status', 'csv-delimiter', 'decimal-comma', 'encoding', 'secrets-password', 'secrets'];
const SINGLE_TYPE_EXPORT = ['fields', 'filters', 'locale', 'status', 'sort', 'relations-as', 'include-timestamps', 'csv-delimiter', 'csv-bom', 'secrets-password', 'secrets'];

/**
 * `secrets: { password }` (README, *Secrets*): --secrets-password <p>, or --secrets with DMC_SECRETS_PASSWORD.
 * @param {Values} values @param {string} command
 */
const secretsOption = (values, command) => {
  const given = text(values, 'secrets-password');
  if (values.secrets !== true) return given === undefined ? undefined : { password: given };
  if (given !== undefined) throw new UsageError('--secrets reads the password from DMC_SECRETS_PASSWORD: give --secrets-password or --secrets, not both', command);
  const password = process.env.DMC_SECRETS_PASSWORD;
  if (!password) throw new UsageError('--secrets: set DMC_SECRETS_PASSWORD to the password', command);
  return { password };
};

/** `tab` or a tab character: the tab delimiter. @param {string | undefined} value */
const delimiterOption = (value) => (value === 'tab' || value === '\\t' ? '\t' : value);

/**
 * A zip is a bundle (several content types: docs/bundles.md), unless it is a workbook (XLSX: its entries, stored as
 * plain bytes in the head, are a spreadsheet's). @param {string} file
 */
// Repeats shared/formats DETECT.xlsx (server: services/tasks/imports.ts): plain JS, no build, cannot load that .ts.
const isZip = (file) => {
  const handle = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const read = fs.readSync(handle, head, 0, head.length, 0);
    if (read < 4 || !head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return false;
    const text = head.subarray(0, read).toString('latin1');
    return !(text.includes('xl/') || text.includes('[Content_Types].xml'));
  } finally {
    fs.closeSync(handle);
  }
};

/** @param {Values} values @param {string[]} names @param {string} command */
const refuseSingleTypeOptions = (values, names, command) => {
  const given = names.filter((name) => values[name] !== undefined);
  if (given.length > 0) {
    throw new UsageError(
      `--${given[0]} applies to one content type: for a bundle, give the options of each type with --types '{"api::article.article": {...}}'`,
      command
    );
  }
};

/**
 * @param {Values} values @param {string[]} positionals
 * @param {'import' | 'import-bundle'} [command] import-bundle: the file must be a bundle
 */
const prepareImport = (values, positionals, command = 'import') => {
  const file = path.resolve(positionals[0]);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${positionals[0]}: no such file`, command);
  if (!stat.isFile()) throw new UsageError(`${positionals[0]} is not a file`, command);
  const types = text(values, 'types');
  const bundle = isZip(file);
  if (command === 'import-bundle' && !bundle) throw new UsageError(`${positionals[0]} is not a bundle (a .zip file)`, command);
  if (bundle) refuseSingleTypeOptions(values, SINGLE_TYPE_IMPORT, 'import');
  else if (types !== undefined) throw new UsageError('--types applies to a bundle (a .zip file)', 'import');
  const mapping = text(values, 'mapping');
  const computed = text(values, 'computed');
  const defaultReport = `${file}.errors.csv`;
  const errorReport = text(values, 'error-report');
  return {
    file,
    size: stat.size,
    bundle,
    template: text(values, 'template'),
    json: values.json === true,
    errorReport: errorReport ? path.resolve(errorReport) : defaultReport,
    /** Only the report at the default path is ours to remove when it is stale. */
    defaultReport: !errorReport,
    options: bundle
      ? defined({
          onError: text(values, 'on-error'),
          dryRun: values['dry-run'] === true ? true : undefined,
          lifecycles: text(values, 'lifecycles'),
          name: text(values, 'name'),
          types: types === undefined ? undefined : jsonObjectOption('types', types, '{"api::category.category":{"matchBy":"slug"}}'),
        })
      : defined({
          contentType: text(values, 'type'),
          format: text(values, 'format'),
          importStrategy: text(values, 'import-strategy'),
          updateStrategy: text(values, 'update-strategy'),
          onError: text(values, 'on-error'),
          matchBy: text(values, 'match-by'),
          fieldMapping:
            mapping === undefined ? undefined : jsonObjectOption('mapping', mapping, '{"Source field":"attribute"}'),
          computed: computed === undefined ? undefined : jsonObjectOption('computed', computed, '{"attribute":"JSONata expression"}'),
          locale: text(values, 'locale'),
          status: text(values, 'status'),
          csvDelimiter: delimiterOption(text(values, 'csv-delimiter')),
          decimalComma: values['decimal-comma'] === true ? true : undefined,
          encoding: text(values, 'encoding'),
          lifecycles: text(values, 'lifecycles'),
          dryRun: values['dry-run'] === true ? true : undefined,
          name: text(values, 'name'),
          secrets: secretsOption(values, command),
          /** @type {import('../../shared/contracts').TemplateId | undefined} */
          templateId: undefined,
        }),
  };
};

/**
 * @param {Strapi} app @param {ReturnType<typeof prepareImport>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runImport = async (app, job, io) => {
  /** @type {Record<string, unknown>} */
  const options = { ...job.options };
  if (job.template !== undefined) options.templateId = await templateId(app, job.template, job.bundle ? 'bundle' : 'import');

  // The service copies the file into the task storage: the user's file is only read.
  const row = await service(app, 'imports').create({
    file: { filepath: job.file, originalFilename: path.basename(job.file), size: job.size },
    rawOptions: options,
    creator: null,
  });
  return finishImport(app, row.id, { ...job, source: shown(job.file) }, io);
};

/**
 * @param {string[]} positionals @param {Record<string, string | boolean | undefined>} values
 */
const prepareResume = (values, positionals) => {
  const id = /^\d{1,15}$/.test(positionals[0]) ? Number(positionals[0]) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`<id> must be a task id (a positive whole number), not "${positionals[0]}"`, 'resume');
  const given = text(values, 'error-report');
  return {
    id,
    json: values.json === true,
    errorReport: path.resolve(given ?? `task-${id}-errors.csv`),
    defaultReport: given === undefined,
  };
};

/**
 * @param {Strapi} app @param {ReturnType<typeof prepareResume>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runResume = async (app, job, io) => {
  // This process runs only the tasks it queues: the resumed one is one of them.
  service(app, 'runner').created(job.id);
  await service(app, 'tasks').resume(job.id);
  return finishImport(app, job.id, { ...job, source: `task #${job.id}` }, io);
};

/**
 * @param {string[]} positionals @param {Record<string, string | boolean | undefined>} values
 */
const prepareRevert = (values, positionals) => {
  const id = /^\d{1,15}$/.test(positionals[0]) ? Number(positionals[0]) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new UsageError(`<id> must be a task id (a positive whole number), not "${positionals[0]}"`, 'revert');
  const given = text(values, 'error-report');
  return {
    id,
    force: values.force === true,
    json: values.json === true,
    errorReport: path.resolve(given ?? `task-${id}-revert-conflicts.csv`),
    defaultReport: given === undefined,
  };
};

/**
 * Reverts import task `job.id` (README, *Undo*): a revert task, run here with progress; its error report lists the
 * conflicts (entries changed after the import).
 * @param {Strapi} app @param {ReturnType<typeof prepareRevert>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runRevert = async (app, job, io) => {
  const row = await service(app, 'tasks').revert(job.id, { force: job.force, creator: null, actor: null });
  io.setCurrentTask(row.id);
  return finishImport(app, row.id, { ...job, source: `task #${job.id}` }, io);
};

/**
 * Waits for an import task with progress, writes its error report, prints its summary, answers the exit code.
 * @param {Strapi} app @param {number} id
 * @param {{ errorReport: string, defaultReport: boolean, json: boolean, source: string }} job @param {Io} io
 */
const finishImport = async (app, id, job, io) => {
  const task = await waitWithProgress(app, id, io);

  let errorReport = null;
  if (task.hasErrorReport) {
    try {
      const { content } = await service(app, 'tasks').errorReport(task.id, { format: 'csv' });
      await writeFileAtomically(job.errorReport, content);
      errorReport = job.errorReport;
    } catch (error) {
      await print(
        io.stderr,
        `Could not write the error report to ${job.errorReport}: ${
          /** @type {Error} */ (error).message
        } (it stays downloadable with task #${task.id} in the admin)`
      );
    }
  } else if (job.defaultReport) {
    // A report left by an earlier run of the same file would describe failures that no longer exist.
    await fs.promises.rm(job.errorReport, { force: true }).catch(() => undefined);
  }

  if (job.json) await print(io.stdout, JSON.stringify({ task, errorReport }, null, 2));
  else await print(io.stdout, summary(task, { source: job.source, errorReport: errorReport && shown(errorReport) }));
  return exitCodeOf(task);
};

/* ------------------------------------------------------------------------------------------------------------
 * migrate
 * ---------------------------------------------------------------------------------------------------------- */

/** @param {Values} values */
const prepareMigrate = (values) => {
  const source = text(values, 'source');
  if (source === undefined) throw new UsageError('Missing --source <uid> (the content type whose entries are migrated)', 'migrate');
  const filters = text(values, 'filters');
  const fields = text(values, 'fields');
  const mapping = text(values, 'mapping');
  const given = text(values, 'error-report');
  return {
    template: text(values, 'template'),
    json: values.json === true,
    errorReport: path.resolve(given ?? 'migration-errors.csv'),
    defaultReport: given === undefined,
    /** @type {Record<string, unknown>} */
    options: defined({
      source: defined({
        contentType: source,
        fields: fields === undefined ? undefined : listOption(fields),
        filters: filters === undefined ? undefined : jsonObjectOption('filters', filters, '{"slug":{"$startsWith":"news-"}}'),
        locale: text(values, 'source-locale'),
        status: text(values, 'source-status'),
      }),
      contentType: text(values, 'type'),
      importStrategy: text(values, 'import-strategy'),
      updateStrategy: text(values, 'update-strategy'),
      onError: text(values, 'on-error'),
      matchBy: text(values, 'match-by'),
      fieldMapping: mapping === undefined ? undefined : jsonObjectOption('mapping', mapping, '{"source field":"attribute"}'),
      locale: text(values, 'locale'),
      status: text(values, 'status'),
      lifecycles: text(values, 'lifecycles'),
      dryRun: values['dry-run'] === true ? true : undefined,
      name: text(values, 'name'),
    }),
  };
};

/**
 * @param {Strapi} app @param {ReturnType<typeof prepareMigrate>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runMigrate = async (app, job, io) => {
  const body = { ...job.options };
  if (job.template !== undefined) body.templateId = await templateId(app, job.template, 'import');
  const row = await service(app, 'migrations').create({ body, creator: null });
  const source = /** @type {{ source: { contentType: string } }} */ (job.options).source.contentType;
  return finishImport(app, row.id, { ...job, source: `the entries of ${source}` }, io);
};

/* ------------------------------------------------------------------------------------------------------------
 * export
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * @param {Values} values
 * @param {'export' | 'export-bundle'} [command] export-bundle: a bundle whatever --out is named
 */
const prepareExport = (values, command = 'export') => {
  const out = text(values, 'out');
  if (out === undefined) throw new UsageError('Missing --out <file> (--out - writes the file to stdout)', command);
  // A bundle: export-bundle, --format bundle, or an --out file ending in .zip.
  const bundle = command === 'export-bundle' || text(values, 'format') === 'bundle' || (out !== '-' && out.toLowerCase().endsWith('.zip'));
  const bundleOnly = ['types', 'with-dependencies', 'media', 'definitions'].filter((name) => values[name] !== undefined);
  if (!bundle && bundleOnly.length > 0) throw new UsageError(`--${bundleOnly[0]} applies to a bundle: add --format bundle (or --out <file>.zip)`, command);
  if (bundle) refuseSingleTypeOptions(values, SINGLE_TYPE_EXPORT, command);
  if (text(values, 'type') === undefined && text(values, 'template') === undefined) {
    throw new UsageError(
      bundle
        ? 'Missing --type <uid,uid,...|all> (the content types of the bundle), or --template <name> (a bundle template)'
        : 'Missing --type <uid> (the content type to export, such as api::article.article), or --template <name>',
      command
    );
  }
  if (out === '-' && values.json === true)
    throw new UsageError('--json and --out - both write to stdout: use one of them', command);
  const target = out === '-' ? null : path.resolve(out);
  if (target) {
    const folder = fs.statSync(path.dirname(target), { throwIfNoEntry: false });
    if (!folder?.isDirectory())
      throw new UsageError(`--out ${out}: the folder ${path.dirname(target)} does not exist`, command);
    if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--out ${out} is a folder: name the file`, command);
  }
  const filters = text(values, 'filters');
  const fields = text(values, 'fields');
  const sort = text(values, 'sort');
  const types = text(values, 'types');
  const type = text(values, 'type');
  if (bundle) {
    return {
      target,
      template: text(values, 'template'),
      json: values.json === true,
      /** @type {Record<string, unknown>} */
      options: defined({
        format: 'bundle',
        contentTypes: type === undefined ? undefined : type === 'all' ? 'all' : listOption(type),
        types: types === undefined ? undefined : jsonObjectOption('types', types, '{"api::article.article":{"fields":["title","slug"]}}'),
        withDependencies: values['with-dependencies'] === true ? true : undefined,
        media: values.media === true ? true : undefined,
        definitions: values.definitions === true ? true : undefined,
        name: text(values, 'name'),
      }),
    };
  }
  return {
    target,
    template: text(values, 'template'),
    json: values.json === true,
    /** @type {Record<string, unknown>} */
    options: defined({
      contentType: text(values, 'type'),
      format: text(values, 'format'),
      fields: fields === undefined ? undefined : listOption(fields),
      filters:
        filters === undefined ? undefined : jsonObjectOption('filters', filters, '{"slug":{"$startsWith":"news-"}}'),
      locale: text(values, 'locale'),
      status: text(values, 'status'),
      sort: sort === undefined ? undefined : listOption(sort),
      relationsAs: text(values, 'relations-as'),
      includeTimestamps: values['include-timestamps'] === true ? true : undefined,
      csvDelimiter: delimiterOption(text(values, 'csv-delimiter')),
      csvBom: values['csv-bom'] === true ? true : undefined,
      name: text(values, 'name'),
      secrets: secretsOption(values, command),
      /** @type {import('../../shared/contracts').TemplateId | undefined} */
      templateId: undefined,
    }),
  };
};

/**
 * @param {Strapi} app @param {ReturnType<typeof prepareExport>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runExport = async (app, job, io) => {
  const options = { ...job.options };
  if (job.template !== undefined) options.templateId = await templateId(app, job.template, options.format === 'bundle' ? 'bundle' : 'export');

  const row = await service(app, 'exports').create({
    body: options,
    creator: null,
    outFileName: job.target ?? undefined,
  });
  const task = await waitWithProgress(app, row.id, io);

  if (task.status === 'completed') {
    const { content } = await service(app, 'tasks').file(task.id);
    if (job.target) await writeFileAtomically(job.target, content);
    else await pipeline(content, io.stdout, { end: false });
  }

  // With --out -, stdout carries the file: the summary goes to stderr.
  if (job.json)
    await print(
      io.stdout,
      JSON.stringify({ task, out: task.status === 'completed' ? job.target ?? '-' : null }, null, 2)
    );
  else
    await print(job.target ? io.stdout : io.stderr, summary(task, { out: job.target ? shown(job.target) : 'stdout' }));
  return exitCodeOf(task);
};

/* ------------------------------------------------------------------------------------------------------------
 * tasks
 * ---------------------------------------------------------------------------------------------------------- */

/** @param {Values} values */
const prepareTasks = (values) => ({
  json: values.json === true,
  query: {
    kind: kindOption(text(values, 'kind')),
    status: statusOption(text(values, 'status')),
    dryRun: values['dry-run'] === true,
    page: 1,
    pageSize: limitOption(text(values, 'limit')),
  },
});

/**
 * @param {Strapi} app @param {ReturnType<typeof prepareTasks>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runTasks = async (app, job, io) => {
  const { data, pagination } = await service(app, 'tasks').list(job.query);
  if (job.json) await print(io.stdout, JSON.stringify({ tasks: data, total: pagination.total }, null, 2));
  else if (data.length === 0) await print(io.stdout, 'No tasks.');
  else {
    const more =
      pagination.total > data.length ? `\n${data.length} of ${pagination.total} tasks (--limit for more)` : '';
    await print(io.stdout, `${taskTable(data)}${more}`);
  }
  return EXIT.OK;
};

/* ------------------------------------------------------------------------------------------------------------
 * apply <folder>
 * ---------------------------------------------------------------------------------------------------------- */

/** @typedef {import('../../server/src/services/batch-files').BatchFileResult} BatchFileResult */

/** @param {Values} values @param {string[]} positionals */
const prepareApply = (values, positionals) => {
  const folder = path.resolve(positionals[0]);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`${positionals[0]} is not a folder`, 'apply');
  }
  return {
    folder,
    force: values.force === true,
    failOnError: values['fail-on-error'] === true,
    json: values.json === true,
  };
};

/** One line per file: its state, path, task and counts or error. @param {BatchFileResult} result */
const resultLine = (result) => {
  const task = result.taskId === null ? '' : ` (task #${result.taskId})`;
  if (result.state === 'skipped') return `  skipped  ${result.path}: already applied with this content${task}`;
  if (result.state === 'failed') return `  failed   ${result.path}${task}: ${result.error}`;
  const { created = 0, updated = 0, failed = 0 } = result.counts ?? {};
  return `  applied  ${result.path}${task}: created ${created}, updated ${updated}, failed ${failed}`;
};

/**
 * Applies the batch files of the folder, one import task each, showing the running one's progress. Exit code: 1 when
 * a file failed, 2 when a file was applied with failed items, else 0.
 * @param {Strapi} app @param {ReturnType<typeof prepareApply>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runApply = async (app, job, io) => {
  /** @type {{ stop(): void } | null} */
  let progress = null;
  const tasks = service(app, 'tasks');
  /** @param {Task} task */
  const onTask = (task) => {
    progress?.stop();
    progress = null;
    if (task.status === 'queued' || task.status === 'running') {
      io.setCurrentTask(task.id);
      progress = showProgress({ stream: io.stderr, read: () => tasks.findOne(task.id) });
    } else io.setCurrentTask(null);
  };

  /** @type {BatchFileResult[]} */
  let results;
  /** @type {string | null} */
  let stoppedBy = null;
  try {
    results = await service(app, 'batch-files').applyFolder(job.folder, {
      force: job.force,
      failOnError: job.failOnError,
      onTask,
    });
  } catch (error) {
    // --fail-on-error: the failing file stops the folder; the results so far travel with the error.
    const partial = /** @type {{ name?: string, results?: BatchFileResult[] }} */ (error);
    if (partial?.name !== 'BatchFileError' || !partial.results) throw error;
    results = partial.results;
    stoppedBy = /** @type {Error} */ (error).message;
  } finally {
    /** @type {{ stop(): void } | null} */ (progress)?.stop();
    io.setCurrentTask(null);
  }

  const count = (/** @type {BatchFileResult['state']} */ state) =>
    results.filter((result) => result.state === state).length;
  if (job.json) await print(io.stdout, JSON.stringify({ folder: job.folder, files: results, stoppedBy }, null, 2));
  else {
    const lines = [
      `Batch files in ${shown(job.folder)}: ${count('applied')} applied, ${count('skipped')} skipped, ${count(
        'failed'
      )} failed`,
      ...results.map(resultLine),
    ];
    if (results.length === 0) lines.push('  no batch files (*.jsont, *.batch-engine-data.json) in this folder');
    if (stoppedBy) lines.push(`  stopped (--fail-on-error): the files after it were not applied`);
    await print(io.stdout, lines.join('\n'));
  }
  if (count('failed') > 0) return EXIT.FAILED;
  return results.some((result) => (result.counts?.failed ?? 0) > 0) ? EXIT.COMPLETED_WITH_ERRORS : EXIT.OK;
};

/* ------------------------------------------------------------------------------------------------------------
 * push and pull
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * @param {Values} values
 * @param {'push' | 'pull'} command
 */
const prepareTransfer = (values, command) => {
  const there = command === 'push' ? 'to' : 'from';
  const url = text(values, there);
  if (url === undefined) throw new UsageError(`Missing --${there} <url> (the other Strapi server's address)`, command);
  const token = text(values, 'token') ?? process.env.DMC_REMOTE_TOKEN;
  if (!token) throw new UsageError('Missing --token <token> (an API token of the other server), or the DMC_REMOTE_TOKEN environment variable', command);
  const type = text(values, 'type');
  const template = text(values, 'template');
  if (type === undefined && template === undefined) {
    throw new UsageError('Missing --type <uid,uid,...|all> (the content types of the bundle), or --template <name>', command);
  }
  const types = text(values, 'types');
  const importTypes = text(values, 'import-types');
  const errorReport = text(values, 'error-report');
  return {
    command,
    url,
    token,
    template,
    json: values.json === true,
    errorReport: errorReport === undefined ? null : path.resolve(errorReport),
    /** @type {Record<string, unknown>} */
    bundle: defined({
      format: 'bundle',
      contentTypes: type === undefined ? undefined : type === 'all' ? 'all' : listOption(type),
      types: types === undefined ? undefined : jsonObjectOption('types', types, '{"api::article.article":{"filters":{"slug":{"$startsWith":"news-"}}}}'),
      withDependencies: values['with-dependencies'] === true ? true : undefined,
      media: values.media === true ? true : undefined,
    }),
    /** @type {Record<string, unknown>} */
    import: defined({
      onError: text(values, 'on-error'),
      dryRun: values['dry-run'] === true ? true : undefined,
      name: text(values, 'name'),
      types: importTypes === undefined ? undefined : jsonObjectOption('import-types', importTypes, '{"api::category.category":{"matchBy":"slug"}}'),
    }),
  };
};

/** One side's finished task, as lines of the summary. @param {string} where @param {Task | null} task */
const sideSummary = (where, task) => {
  if (!task) return [`  ${where}: not started`];
  const lines = [`  ${where}: ${task.kind} #${task.id} ${task.status} (${countsLine(task)})`];
  for (const type of task.typeCounts ?? []) {
    lines.push(`    ${type.contentType}: created ${type.created}, updated ${type.updated}, failed ${type.failed}`);
  }
  if (task.error) lines.push(`    error: ${task.error}`);
  return lines;
};

/**
 * Push (a bundle exported here, imported there) or pull (exported there, imported here), with both sides' progress;
 * the import's error report is written here; the exit code is the import's (or 1 when either side failed).
 * @param {Strapi} app @param {ReturnType<typeof prepareTransfer>} job @param {Io} io
 * @returns {Promise<number>}
 */
const runTransfer = async (app, job, io) => {
  const push = job.command === 'push';
  const bundle = { ...job.bundle };
  if (job.template !== undefined) {
    // Push: a bundle template of this project, by name. Pull: the other server's, by its id (or shipped:<name>).
    bundle.templateId = push ? await templateId(app, job.template, 'bundle') : /^\d+$/.test(job.template) ? Number(job.template) : job.template;
  }
  const transfer = service(app, 'transfer');
  let host = job.url;
  try {
    host = new URL(job.url).host;
  } catch {
    // the service says why the URL is refused
  }
  /** @type {Task | null} */
  let latest = null;
  /** Which instance runs each task seen (by id and kind). @type {Map<string, 'local' | 'remote'>} */
  const sides = new Map();
  const progress = showProgress({
    stream: io.stderr,
    read: async () => {
      if (!latest) throw new Error('not started');
      return latest;
    },
    label: (task) => (sides.get(task.id + task.kind) === 'remote' ? `${host}: ` : 'here: '),
  });
  /** @type {Awaited<ReturnType<typeof transfer.push>>} */
  let result;
  try {
    const request = {
      remote: { url: job.url, token: job.token },
      bundle,
      import: job.import,
      creator: null,
      actor: null,
      onProgress: (/** @type {{ side: 'local' | 'remote', task: Task }} */ { side, task }) => {
        sides.set(task.id + task.kind, side);
        latest = task;
      },
      onLocalTask: (/** @type {number} */ id) => io.setCurrentTask(id),
    };
    result = push ? await transfer.push(request) : await transfer.pull(request);
  } catch (error) {
    // Refused by the other server's checks before any task started (unreachable, token, version): as a usage error.
    if (/** @type {Error} */ (error)?.name === 'RemoteError' && sides.size === 0) throw new UsageError(/** @type {Error} */ (error).message, job.command);
    throw error;
  } finally {
    progress.stop();
    io.setCurrentTask(null);
  }

  const imported = push ? result.remote : result.local;
  const exported = push ? result.local : result.remote;
  let errorReport = null;
  if (imported?.hasErrorReport) {
    const target = job.errorReport ?? path.resolve(`${job.command}-${imported.id}-errors.csv`);
    try {
      const content = push ? await result.other.errorReport(imported.id) : (await service(app, 'tasks').errorReport(imported.id, { format: 'csv' })).content;
      await writeFileAtomically(target, content);
      errorReport = target;
    } catch (error) {
      await print(io.stderr, `Could not write the error report to ${target}: ${/** @type {Error} */ (error).message}`);
    }
  }

  if (job.json) {
    await print(io.stdout, JSON.stringify({ export: exported, import: imported, errorReport }, null, 2));
  } else {
    const title = `${push ? 'Push to' : 'Pull from'} ${result.other.url}: ${imported ? imported.status : exported?.status ?? 'failed'}`;
    const lines = [
      title,
      ...sideSummary(push ? 'export here' : `export on ${host}`, exported),
      ...sideSummary(push ? `import on ${host}` : 'import here', imported),
    ];
    if (imported && 'dryRun' in imported.options && imported.options.dryRun === true) lines.push('  dry run: nothing was written');
    if (errorReport) lines.push(`  error report: ${shown(errorReport)}`);
    await print(io.stdout, lines.join('\n'));
  }
  return imported ? exitCodeOf(imported) : EXIT.FAILED;
};

module.exports = {
  exitCodeOf,
  prepareTransfer,
  runTransfer,
  prepareApply,
  prepareExport,
  prepareImport,
  prepareMigrate,
  prepareTasks,
  print,
  runApply,
  runExport,
  runImport,
  runMigrate,
  prepareResume,
  runResume,
  prepareRevert,
  runRevert,
  runTasks,
  waitWithProgress,
  writeFileAtomically,
};
