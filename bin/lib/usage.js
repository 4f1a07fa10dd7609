// @ts-check
'use strict';

/**
 * The command line's grammar: its commands, their options and help texts, and the parsing of argv into a
 * command with checked values (Node's util.parseArgs, strict). Nothing here loads the Strapi app: a usage error
 * is reported at once, before any boot.
 */

const { parseArgs } = require('node:util');

const BIN = 'data-migration-center';

/** Exit codes (documented in the README's "Command line" section). */
const EXIT = {
  /** The task completed (import, export, apply); the command did what it was asked. */
  OK: 0,
  /** The task failed, was cancelled or interrupted; or the app could not be loaded. */
  FAILED: 1,
  /** The task completed, but some items failed (listed in the error report). */
  COMPLETED_WITH_ERRORS: 2,
  /** Nothing was started: the command line or its values were refused (unknown option, bad value, a 400). */
  USAGE: 64,
};

/** A refused command line: printed with a hint to `--help`, exit code 64. */
class UsageError extends Error {
  /** @param {string} message @param {string | null} [command] */
  constructor(message, command = null) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** @typedef {import('node:util').ParseArgsConfig['options']} OptionSpecs */

/** @type {NonNullable<OptionSpecs>} */
const COMMON_OPTIONS = {
  'app-dir': { type: 'string' },
  'no-compile': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMON_HELP = `Common options:
  --app-dir <dir>     the Strapi project (default: the current directory)
  --no-compile        do not compile the project's TypeScript first: use its built dist folder as it is
  -h, --help          this help`;

/**
 * @typedef {object} CommandSpec
 * @property {string[]} positionals names of the required positional arguments, in order
 * @property {NonNullable<OptionSpecs>} options
 * @property {string} summary
 * @property {string} help
 */

/** The options push and pull share: the bundle's (as export-bundle) and the import's (as import-bundle). */
/** @type {NonNullable<OptionSpecs>} */
const TRANSFER_OPTIONS = {
  token: { type: 'string' },
  type: { type: 'string' },
  types: { type: 'string' },
  'with-dependencies': { type: 'boolean' },
  media: { type: 'boolean' },
  template: { type: 'string' },
  'import-types': { type: 'string' },
  'on-error': { type: 'string' },
  'dry-run': { type: 'boolean' },
  name: { type: 'string' },
  'error-report': { type: 'string' },
  json: { type: 'boolean' },
};

/** @param {'push' | 'pull'} command */
const transferHelp = (command) => {
  const push = command === 'push';
  const there = push ? '--to' : '--from';
  return `Usage: ${BIN} ${command} ${there} <url> --token <token> --type <uid,uid,...|all> [options]

${
  push
    ? 'Exports a bundle from this project and imports it into the Strapi server at <url>'
    : 'Exports a bundle from the Strapi server at <url> and imports it into this project'
}, without deleting anything on
either side: entries are added or updated as the import options say (docs/bundles.md). The bundle is streamed,
never held whole in memory. The other server must run the Data Migration Center; <token> is an API token it issued
(Settings → API Tokens: full access, or custom with the center's info.find, ${
    push ? 'tasks.createBundleImport' : 'tasks.createBundleExport, tasks.downloadFile'
  }, tasks.findOne${push ? ', tasks.downloadErrorReport' : ''} and
the content permissions the ${push ? 'import' : 'export'} needs). It is checked first: a host that cannot be reached, a refused token, a
missing plugin or a bundle format one side cannot read stops the command before anything is written.

Options:
  ${`${there} <url>`.padEnd(29)}the other Strapi server's address, such as https://staging.example.com (required)
  --token <token>              its API token (default: the DMC_REMOTE_TOKEN environment variable)
  --type <uid,uid,...|all>     the content types of the bundle (optional with --template)
  --types <json>               the export options of each type: {"api::article.article": {"filters": {...}}}
  --with-dependencies          also every entry the chosen entries refer to, transitively
  --media                      carry the files the entries use
  --template <name>            ${push ? 'a bundle template of this project' : 'a bundle template of the other server'} (its types and options)
  --import-types <json>        the import options of each type: {"api::category.category": {"matchBy": "slug"}}
  --on-error <mode>            stop (default: the whole import in one transaction) or continue
  --dry-run                    import nothing: count what each type would do
  --name <name>                the name of the import task
  --error-report <file>        where the import's error report goes (default: ${command}-<task id>-errors.csv)
  --json                       print both tasks as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 completed, 2 completed with failed items, 1 failed (either side) or the app could not be loaded,
64 refused before anything started (usage, validation, the other server's checks).

Example:
  ${BIN} ${command} ${there} https://staging.example.com --token "$STAGING_TOKEN" --type api::article.article \\
    --with-dependencies --media --import-types '{"api::article.article": {"matchBy": "slug"}}'`;
};

/** @type {Record<'import' | 'export' | 'import-bundle' | 'export-bundle' | 'migrate' | 'push' | 'pull' | 'apply' | 'tasks' | 'resume' | 'revert', CommandSpec>} */
const COMMANDS = {
  import: {
    positionals: ['file'],
    summary: 'import a JSON, JSONL, JSONT, CSV or XLSX file of entries',
    options: {
      type: { type: 'string' },
      format: { type: 'string' },
      'import-strategy': { type: 'string' },
      'update-strategy': { type: 'string' },
      'on-error': { type: 'string' },
      'match-by': { type: 'string' },
      mapping: { type: 'string' },
      computed: { type: 'string' },
      locale: { type: 'string' },
      status: { type: 'string' },
      'csv-delimiter': { type: 'string' },
      'decimal-comma': { type: 'boolean' },
      encoding: { type: 'string' },
      lifecycles: { type: 'string' },
      'dry-run': { type: 'boolean' },
      template: { type: 'string' },
      name: { type: 'string' },
      types: { type: 'string' },
      'error-report': { type: 'string' },
      'secrets-password': { type: 'string' },
      secrets: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} import <file> [options]

Imports the entries of <file> through the Data Migration Center's pipeline (the same as the admin's), waits for
the task to finish, and prints a summary. The file is copied into the task storage; it is never moved or changed.

Options:
  --type <uid>                 the content type, such as api::article.article (or from --template, or the
                               JSONT file's configuration)
  --format <format>            json, jsonl, jsont or csv (default: from the file name, then its content)
  --import-strategy <s>        upsert (default: add new entries, update existing ones), add-only or
                               skip-existing (an entry that exists is left as it is, counted skipped)
  --update-strategy <s>        patch (default: only the fields in the file change) or overwrite
  --on-error <mode>            stop (default: the first failing item rolls the whole import back) or
                               continue (failing items are skipped and listed in the error report)
  --match-by <attribute>       documentId (default) or a unique attribute, such as slug or email
  --mapping <json>             field mapping, {"source field": "attribute"} (null ignores a field); an entry
                               may be {"to": "attribute", "transform": "<JSONata>"}, such as
                               {"Prix": {"to": "price", "transform": "$number($replace($, ',', '.'))"}}
  --computed <json>            computed fields, {"attribute": "<JSONata>"} from the whole item, such as
                               {"fullName": "firstName & ' ' & lastName"}
  --locale <code>              the locale written, for localized types
  --status <status>            draft (default) or published, for draft & publish types
  --csv-delimiter <d>          CSV: , or ; or tab (default: the header row's own)
  --decimal-comma              CSV and XLSX: numbers written 48,8566 or 1.234,5
  --encoding <e>               the file's text encoding: utf-8 (default), windows-1252 (a CSV that Excel saved
                               on Windows), utf-16le or utf-16be (a UTF-16 file with its byte order mark is read
                               as such in any case)
  --lifecycles <l>             skip (default: new entries and plain updates written in bulk) or run: every entry
                               through the Document Service, so that the app's lifecycle hooks and the entry
                               webhooks fire (slower: docs/benchmarks.md); with a bundle, for every type
  --dry-run                    run everything, count what would happen, write nothing
  --template <name>            apply the settings of the import template of that name (a bundle: of the bundle
                               template of that name)
  --name <name>                the task's name (default: Import <file name>)
  --types <json>               a bundle (a .zip): the options of each type, such as
                               {"api::category.category": {"matchBy": "slug", "importStrategy": "skip-existing"}}
                               (with a bundle, only --on-error, --dry-run, --lifecycles, --template, --name and
                               --types apply)
  --secrets-password <p>       a JSON or JSONT file exported with encrypted private fields: its password
  --secrets                    the same, the password read from DMC_SECRETS_PASSWORD (not in the shell history)
  --error-report <file>        where the error report goes (default: <file>.errors.csv beside the input)
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 completed, 2 completed with errors (see the error report), 1 failed, cancelled, interrupted or the
app could not be loaded, 64 refused before it started (usage or validation error), 130 stopped by Ctrl-C.

Example:
  ${BIN} import data/articles.jsonl --type api::article.article --match-by slug --on-error continue`,
  },

  export: {
    positionals: [],
    summary: 'export entries of a content type to a file',
    options: {
      type: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      fields: { type: 'string' },
      filters: { type: 'string' },
      locale: { type: 'string' },
      status: { type: 'string' },
      sort: { type: 'string' },
      'relations-as': { type: 'string' },
      'include-timestamps': { type: 'boolean' },
      'csv-delimiter': { type: 'string' },
      'csv-bom': { type: 'boolean' },
      template: { type: 'string' },
      name: { type: 'string' },
      types: { type: 'string' },
      'with-dependencies': { type: 'boolean' },
      media: { type: 'boolean' },
      definitions: { type: 'boolean' },
      'secrets-password': { type: 'string' },
      secrets: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} export --type <uid> --out <file> [options]

Exports entries through the Data Migration Center's pipeline (the same as the admin's), waits for the task to
finish and writes the file to --out (replaced only once the export has completed).

Options:
  --type <uid>                 the content type, such as api::article.article (or from --template)
  -o, --out <file>             where to write the file; - writes it to stdout (required)
  --format <format>            json, jsonl, jsont, csv or xlsx (default: from the --out file name, else the
                               template, else json)
  --fields <a,b,...>           the attributes to write (default: every non-private attribute)
  --filters <json>             Strapi's filter syntax, such as {"slug":{"$startsWith":"news-"}}
  --locale <code|all>          a locale code, or all for every locale version (default: the default locale)
  --status <status>            draft (default: every document, its latest content) or published
  --sort <a:asc,b:desc>        the order (default: documentId, then locale)
  --relations-as <attribute>   the key written for references: documentId (default) or a unique attribute
  --include-timestamps         also write createdAt, updatedAt and publishedAt
  --csv-delimiter <d>          CSV: , (default) or ; or tab
  --csv-bom                    CSV: start with a byte order mark (Excel then reads accents right)
  --template <name>            apply the settings of the export template of that name (a bundle: of the bundle
                               template of that name; --type is then optional)
  --name <name>                the task's name (default: Export <type>)
  --secrets-password <p>       JSON and JSONT: also the private fields you may read, each value encrypted
                               under this password (at least 8 characters; never stored)
  --secrets                    the same, the password read from DMC_SECRETS_PASSWORD (not in the shell history)

A bundle (several content types in one zip; export-bundle, --format bundle, or --out <file>.zip):
  --type <uid,uid,...|all>     the content types (all: every api:: type)
  --types <json>               the options of each type: {"api::article.article": {"fields": ["title"], "filters": {...}}}
  --with-dependencies          also every entry the chosen entries refer to, transitively
  --media                      carry the files the entries use
  --definitions                carry the content-type and component definitions
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 completed, 1 failed, cancelled, interrupted or the app could not be loaded, 64 refused before it
started (usage or validation error), 130 stopped by Ctrl-C.

Example:
  ${BIN} export --type api::article.article --locale all --out articles.jsonl`,
  },

  'import-bundle': {
    positionals: ['file'],
    summary: 'import a bundle (a .zip of several content types): import <file>.zip does the same',
    options: {
      'on-error': { type: 'string' },
      lifecycles: { type: 'string' },
      'dry-run': { type: 'boolean' },
      template: { type: 'string' },
      name: { type: 'string' },
      types: { type: 'string' },
      'error-report': { type: 'string' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} import-bundle <file>.zip [options]

Imports a bundle (docs/bundles.md): every type it holds, in dependency order, with its files; the same as
${BIN} import <file>.zip, refused when <file> is not a zip.

Options:
  --on-error <mode>            stop (default: the whole bundle in one transaction) or continue (batch by batch)
  --dry-run                    run everything, count what each type would do, write nothing
  --lifecycles <l>             skip (default) or run: every type's entries through the Document Service (lifecycle
                               hooks and entry webhooks fire; a type's own under --types wins)
  --template <name>            the bundle template of that name: its onError and each type's import options
  --types <json>               the options of each type, such as {"api::category.category": {"matchBy": "slug"}}
  --name <name>                the task's name (default: Import <file name>)
  --secrets-password <p>       a JSON or JSONT file exported with encrypted private fields: its password
  --secrets                    the same, the password read from DMC_SECRETS_PASSWORD (not in the shell history)
  --error-report <file>        where the error report goes (default: <file>.errors.csv beside the input)
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: as import.

Example:
  ${BIN} import-bundle staging.zip --types '{"api::category.category": {"matchBy": "slug"}}'`,
  },

  'export-bundle': {
    positionals: [],
    summary: 'export several content types as a bundle (a .zip): export --format bundle does the same',
    options: {
      type: { type: 'string' },
      out: { type: 'string', short: 'o' },
      template: { type: 'string' },
      name: { type: 'string' },
      types: { type: 'string' },
      'with-dependencies': { type: 'boolean' },
      media: { type: 'boolean' },
      definitions: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} export-bundle --type <uid,uid,...|all> --out <file>.zip [options]

Exports a bundle (docs/bundles.md): the chosen content types in one zip, with their dependencies, files and
definitions on request; the same as ${BIN} export --format bundle.

Options:
  --type <uid,uid,...|all>     the content types (all: every api:: type; optional with --template)
  -o, --out <file>             where to write the zip; - writes it to stdout (required)
  --types <json>               the options of each type: {"api::article.article": {"fields": ["title"], "filters": {...}}}
  --with-dependencies          also every entry the chosen entries refer to, transitively
  --media                      carry the files the entries use
  --definitions                carry the content-type and component definitions
  --template <name>            the bundle template of that name (its types and options; these options over it)
  --name <name>                the task's name
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: as export.

Example:
  ${BIN} export-bundle --type api::article.article --with-dependencies --media --out articles.zip`,
  },

  push: {
    positionals: [],
    summary: 'send a bundle of this project to another Strapi server (imported there, nothing deleted)',
    options: { to: { type: 'string' }, ...TRANSFER_OPTIONS },
    help: transferHelp('push'),
  },

  pull: {
    positionals: [],
    summary: 'fetch a bundle from another Strapi server and import it here (nothing deleted)',
    options: { from: { type: 'string' }, ...TRANSFER_OPTIONS },
    help: transferHelp('pull'),
  },

  apply: {
    positionals: ['folder'],
    summary: 'apply the batch files (*.jsont, *.batch-engine-data.json) of a folder, once each',
    options: {
      force: { type: 'boolean' },
      'fail-on-error': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} apply <folder> [options]

Applies the batch files of <folder> (*.jsont and *.batch-engine-data.json, in name order) as imports, like
migrations: a file already applied with the same content (checksum) is skipped.

Options:
  --force                      apply every file again, even those already applied
  --fail-on-error              stop at the first file that fails
  --json                       print the results as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 every file applied or skipped, 2 some items of a file failed, 1 a file failed or the app could not
be loaded, 64 refused (usage error), 130 stopped by Ctrl-C.

Example:
  ${BIN} apply data-migration`,
  },

  resume: {
    positionals: ['id'],
    summary: 'resume an interrupted or cancelled continue-mode import from its checkpoint',
    options: {
      'error-report': { type: 'string' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} resume <id> [options]

Resumes import task <id> (see ${BIN} tasks): an interrupted or cancelled import with onError continue goes on
from its checkpoint. The items its committed batches handled are skipped (none is written twice), its counts and
its error report continue. A stop-mode import rolled back entirely: import its file again instead.

Options:
  --error-report <file>        where to write the error report if items failed (default: task-<id>-errors.csv)
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 completed, 2 some items failed, 1 the task failed or cannot be resumed, 64 refused (usage error),
130 stopped by Ctrl-C (the task is cancelled: resume it again later).

Example:
  ${BIN} resume 42`,
  },

  migrate: {
    positionals: [],
    summary: 'migrate the entries of a content type in place, or into another type',
    options: {
      source: { type: 'string' },
      fields: { type: 'string' },
      filters: { type: 'string' },
      'source-locale': { type: 'string' },
      'source-status': { type: 'string' },
      type: { type: 'string' },
      'import-strategy': { type: 'string' },
      'update-strategy': { type: 'string' },
      'on-error': { type: 'string' },
      'match-by': { type: 'string' },
      mapping: { type: 'string' },
      locale: { type: 'string' },
      status: { type: 'string' },
      lifecycles: { type: 'string' },
      'dry-run': { type: 'boolean' },
      template: { type: 'string' },
      name: { type: 'string' },
      'error-report': { type: 'string' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} migrate --source <uid> [options]

Migrates the entries of a content type: the task takes a snapshot of the entries (the ones --filters select) when
it starts, then imports it into the same type (default: matched by documentId, updated with patch) or into another
(--type), with the mapping, strategies and error handling of an import. Prints a summary when it ends.

Options:
  --source <uid>               the content type whose entries are read, such as api::article.article
  --fields <a,b,...>           the source fields read (default: every non-private attribute)
  --filters <json>             which entries, in Strapi's filter syntax: {"slug":{"$startsWith":"news-"}}
  --source-locale <code>       the locale read (default for a localized type: all, one item per locale version)
  --source-status <status>     draft (default) or published: the version read of a draft & publish type
  --type <uid>                 the target content type (default: the source itself)
  --mapping <json>             field mapping, {"source field": "attribute"}; a relation by a unique key of its
                               target: {"authorEmail": "author.email"}; null ignores a field (into another type,
                               the fields it lacks are ignored unless mapped)
  --import-strategy <s>        upsert (default), add-only or skip-existing
  --update-strategy <s>        patch (default) or overwrite
  --on-error <mode>            stop (default: all or nothing) or continue (failures in the error report)
  --match-by <attribute>       documentId (default) or a unique attribute of the target
  --locale <code>, --status <status>, --lifecycles <l>, --dry-run, --template <name>, --name <name>: as for import
  --error-report <file>        where the error report goes (default: migration-errors.csv)
  --json                       print the finished task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: as for import.

Example:
  ${BIN} migrate --source api::article.article --fields summary --mapping '{"summary":"author.email"}' --dry-run`,
  },

  revert: {
    positionals: ['id'],
    summary: 'undo an import: delete what it created, restore what it updated',
    options: {
      force: { type: 'boolean' },
      'error-report': { type: 'string' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} revert <id> [options]

Reverts import task <id> (see ${BIN} tasks) from the pre-images it kept, in one transaction: the entries it created
are deleted, the entries it updated are restored exactly as they were before it. An entry changed by someone else
since the import is a conflict: listed in the error report and left as it is, unless --force.

Options:
  --force                      restore (or delete) the entries changed since the import too
  --error-report <file>        where to write the conflicts if any (default: task-<id>-revert-conflicts.csv)
  --json                       print the finished revert task as JSON on stdout instead of the summary

${COMMON_HELP}

Exit codes: 0 reverted, 2 some entries were left as they are (conflicts), 1 the revert failed or the task cannot
be reverted (a dry run, an export, already reverted...), 64 refused (usage error), 130 stopped by Ctrl-C.

Example:
  ${BIN} revert 42 --force`,
  },

  tasks: {
    positionals: [],
    summary: 'list recent import and export tasks, newest first',
    options: {
      kind: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: `Usage: ${BIN} tasks [options]

Lists the Data Migration Center's tasks, newest first: id, kind, status, content type, counts, creation time.

Options:
  --kind <kind>                import or export
  --status <status>            queued, running, completed, completed-with-errors, failed, cancelled or
                               interrupted
  --limit <n>                  how many (1-100, default 20)
  --dry-run                    list dry runs (import previews) instead of the other tasks
  --json                       print the tasks as JSON on stdout

${COMMON_HELP}

Exit codes: 0 listed, 1 the app could not be loaded, 64 refused (usage error).

Example:
  ${BIN} tasks --kind import --status failed --limit 5`,
  },
};

const MAIN_HELP = `Usage: ${BIN} <command> [options]

The Data Migration Center of a Strapi 5 project, from the command line. Run it in the project's directory (or
pass --app-dir): it loads the app (without starting its HTTP server), runs the task and exits.

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${`${name}${spec.positionals.map((p) => ` <${p}>`).join('')}`.padEnd(17)}${spec.summary}`)
  .join('\n')}

Run ${BIN} <command> --help for its options.

${COMMON_HELP}
  -v, --version       the plugin's version`;

/** @type {Record<import('../../shared/contracts').TaskStatus, true>} */
const TASK_STATUSES = {
  queued: true,
  running: true,
  completed: true,
  'completed-with-errors': true,
  failed: true,
  cancelled: true,
  interrupted: true,
};

/**
 * @typedef {{ kind: 'help', text: string }
 *   | { kind: 'version' }
 *   | { kind: 'run', command: keyof typeof COMMANDS, positionals: string[], values: Record<string, string | boolean | undefined> }} Parsed
 */

/**
 * The command line, parsed and checked (a UsageError otherwise).
 * @param {string[]} argv the arguments after the program name
 * @returns {Parsed}
 */
const parseCommandLine = (argv) => {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'help', text: MAIN_HELP };
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === 'help') {
    if (rest[0] === undefined) return { kind: 'help', text: MAIN_HELP };
    if (!isCommand(rest[0])) throw new UsageError(`Unknown command "${rest[0]}"`);
    return { kind: 'help', text: COMMANDS[rest[0]].help };
  }
  if (!isCommand(first)) {
    throw new UsageError(
      first.startsWith('-')
        ? `Expected a command before ${first}`
        : `Unknown command "${first}": use ${Object.keys(COMMANDS).join(', ')}`
    );
  }

  const spec = COMMANDS[first];
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = /** @type {Error} */ (error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `Unknown option ${unknown[1]}` : message.replace(/\.$/, ''), first);
  }
  const values = /** @type {Record<string, string | boolean | undefined>} */ ({ ...parsed.values });
  if (values.help) return { kind: 'help', text: spec.help };

  const { positionals } = parsed;
  if (positionals.length < spec.positionals.length) {
    throw new UsageError(`Missing <${spec.positionals[positionals.length]}>`, first);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`Unexpected argument "${positionals[spec.positionals.length]}"`, first);
  }
  return { kind: 'run', command: first, positionals, values };
};

/** @param {string} name @returns {name is keyof typeof COMMANDS} */
const isCommand = (name) => Object.prototype.hasOwnProperty.call(COMMANDS, name);

/**
 * A JSON object given as an option's text (`--mapping`, `--filters`), or a UsageError naming the option.
 * @param {string} option @param {string} text @param {string} example
 * @returns {Record<string, unknown>}
 */
const jsonObjectOption = (option, text, example) => {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--${option} is not valid JSON (${/** @type {Error} */ (error).message}): write it as ${example}`
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--${option} must be a JSON object, such as ${example}`);
  }
  return value;
};

/** A comma-separated list (`--fields title,slug`), blanks dropped. @param {string} text */
const listOption = (text) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** @param {string | undefined} text @returns {number} */
const limitOption = (text) => {
  if (text === undefined) return 20;
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 100))
    throw new UsageError(`--limit must be a whole number from 1 to 100, not "${text}"`, 'tasks');
  return n;
};

/** @param {string | undefined} text @returns {import('../../shared/contracts').TaskKind | undefined} */
const kindOption = (text) => {
  if (text === undefined || text === 'import' || text === 'export') return text;
  throw new UsageError(`--kind must be import or export, not "${text}"`, 'tasks');
};

/** @param {string | undefined} text @returns {import('../../shared/contracts').TaskStatus | undefined} */
const statusOption = (text) => {
  if (text === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(TASK_STATUSES, text))
    return /** @type {import('../../shared/contracts').TaskStatus} */ (text);
  throw new UsageError(`--status must be one of ${Object.keys(TASK_STATUSES).join(', ')}, not "${text}"`, 'tasks');
};

/**
 * The command-line option that sets an API option: validation errors name what the user typed.
 * @type {Record<string, string>}
 */
const OPTION_OF_FIELD = {
  contentType: '--type',
  format: '--format',
  importStrategy: '--import-strategy',
  updateStrategy: '--update-strategy',
  onError: '--on-error',
  matchBy: '--match-by',
  fieldMapping: '--mapping',
  locale: '--locale',
  status: '--status',
  dryRun: '--dry-run',
  templateId: '--template',
  name: '--name',
  fields: '--fields',
  filters: '--filters',
  sort: '--sort',
  relationsAs: '--relations-as',
  includeTimestamps: '--include-timestamps',
  csvDelimiter: '--csv-delimiter',
  csvBom: '--csv-bom',
  decimalComma: '--decimal-comma',
  lifecycles: '--lifecycles',
  file: '<file>',
  options: 'options',
};

module.exports = {
  BIN,
  COMMANDS,
  EXIT,
  MAIN_HELP,
  OPTION_OF_FIELD,
  UsageError,
  jsonObjectOption,
  kindOption,
  limitOption,
  listOption,
  parseCommandLine,
  statusOption,
};
