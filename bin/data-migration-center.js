#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `data-migration-center`: the Data Migration Center of a Strapi project from the command line (import, export,
 * apply, tasks). Parses the command line, loads the app in the current directory (or --app-dir), runs the
 * command through the plugin's services, destroys the app and exits with the command's code (README: Command line).
 */

const os = require('node:os');
const path = require('node:path');
const { loadApp, service } = require('./lib/app');
const commands = require('./lib/commands');
const { BIN, EXIT, OPTION_OF_FIELD, UsageError, parseCommandLine } = require('./lib/usage');

/** @typedef {import('@strapi/strapi').Core.Strapi} Strapi */

/**
 * An error the plugin refused the request with before any task started (a 400 or 413 from its validation):
 * its message, each field named by the option that sets it.
 * @param {unknown} error
 * @returns {string | null}
 */
const refusal = (error) => {
  const { name, message, details } =
    /** @type {{ name?: string, message?: string, details?: { errors?: Array<{ path?: string[], message: string }> } }} */ (
      error ?? {}
    );
  if (name !== 'ValidationError' && name !== 'PayloadTooLargeError') return null;
  const errors = details?.errors ?? [];
  if (errors.length === 0) return message ?? name;
  return errors
    .map(({ path: fieldPath, message: text }) => {
      const field = fieldPath?.[0];
      return field ? `${OPTION_OF_FIELD[field] ?? field}: ${text}` : text;
    })
    .join('\n');
};

/**
 * Strapi posts webhooks from a queue (its webhook runner), after the task that emitted the event has ended: before
 * the app stops, the deliveries started by this process (the center's task events, entry webhooks) are given time
 * to finish, as long as Strapi gives one (10 s per request). Skipped when the runner's queue is not as Strapi 5.54
 * has it.
 * @param {Strapi} app
 */
const webhooksDelivered = async (app, timeout = 10_000) => {
  /** @type {{ queue?: { running?: unknown } } | undefined} */
  const runner = app.get('webhookRunner');
  const deadline = Date.now() + timeout;
  const busy = () => typeof runner?.queue?.running === 'number' && runner.queue.running > 0;
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
};

/**
 * Runs one command line and resolves with the exit code. Never throws.
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
const main = async (argv) => {
  const { stdout, stderr } = process;
  /** @type {string | null} */
  let command = null;
  /** @type {Strapi | null} */
  let app = null;
  /** @type {NodeJS.Signals | null} */
  let signalled = null;
  /** @type {number | null} */
  let currentTask = null;

  /** A signal cancels the running task (the command then reports it and exits); a second one exits at once. */
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    const code = 128 + (os.constants.signals[signal] ?? 2);
    if (signalled || currentTask === null) process.exit(code);
    signalled = signal;
    stderr.write(`\n${signal}: cancelling task #${currentTask}...\n`);
    if (app)
      service(app, 'tasks')
        .cancel(currentTask)
        .catch(() => undefined);
  };

  let code;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === 'help') {
      await commands.print(stdout, parsed.text);
      return EXIT.OK;
    }
    if (parsed.kind === 'version') {
      await commands.print(stdout, /** @type {{ version: string }} */ (require('../package.json')).version);
      return EXIT.OK;
    }
    command = parsed.command;
    const { values, positionals } = parsed;
    const io = {
      stdout,
      stderr,
      /** After a signal, a task that starts (the next batch file) is cancelled too. */
      setCurrentTask: (/** @type {number | null} */ id) => {
        currentTask = id;
        if (signalled && id !== null && app)
          service(app, 'tasks')
            .cancel(id)
            .catch(() => undefined);
      },
    };
    const appDir = path.resolve(typeof values['app-dir'] === 'string' ? values['app-dir'] : '.');
    const load = () => loadApp({ appDir, compile: values['no-compile'] !== true, onSignal });

    if (parsed.command === 'import' || parsed.command === 'import-bundle') {
      const job = commands.prepareImport(values, positionals, parsed.command);
      app = await load();
      code = await commands.runImport(app, job, io);
    } else if (parsed.command === 'export' || parsed.command === 'export-bundle') {
      const job = commands.prepareExport(values, parsed.command);
      app = await load();
      code = await commands.runExport(app, job, io);
    } else if (parsed.command === 'migrate') {
      const job = commands.prepareMigrate(values);
      app = await load();
      code = await commands.runMigrate(app, job, io);
    } else if (parsed.command === 'resume') {
      const job = commands.prepareResume(values, positionals);
      app = await load();
      io.setCurrentTask(job.id);
      code = await commands.runResume(app, job, io);
    } else if (parsed.command === 'revert') {
      const job = commands.prepareRevert(values, positionals);
      app = await load();
      code = await commands.runRevert(app, job, io);
    } else if (parsed.command === 'push' || parsed.command === 'pull') {
      const job = commands.prepareTransfer(values, parsed.command);
      app = await load();
      code = await commands.runTransfer(app, job, io);
    } else if (parsed.command === 'tasks') {
      const job = commands.prepareTasks(values);
      app = await load();
      code = await commands.runTasks(app, job, io);
    } else {
      const job = commands.prepareApply(values, positionals);
      app = await load();
      code = await commands.runApply(app, job, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const cmd = error.command ?? command;
      await commands.print(
        stderr,
        `${BIN}${cmd ? ` ${cmd}` : ''}: ${error.message}\nRun ${BIN}${cmd ? ` ${cmd}` : ''} --help for usage.`
      );
      code = EXIT.USAGE;
    } else {
      const refused = refusal(error);
      if (refused !== null) {
        await commands.print(stderr, `${BIN}${command ? ` ${command}` : ''}: ${refused}`);
        code = EXIT.USAGE;
      } else {
        const failure = /** @type {Error} */ (error);
        await commands.print(
          stderr,
          `${BIN}${command ? ` ${command}` : ''} failed: ${failure?.message ?? String(error)}`
        );
        if (process.env.DEBUG) await commands.print(stderr, String(failure?.stack));
        code = EXIT.FAILED;
      }
    }
  }

  if (app) {
    try {
      await webhooksDelivered(app);
      await app.destroy();
    } catch (error) {
      await commands.print(stderr, `${BIN}: stopping the app failed: ${/** @type {Error} */ (error).message}`);
    }
  }
  return signalled ? 128 + (os.constants.signals[signalled] ?? 2) : code;
};

module.exports = { main };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
