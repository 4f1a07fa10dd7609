import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Task } from '../../shared/contracts';
import { BIN, runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { PLUGIN_ID, startApp } from '../helpers/strapi';
import { jsonl } from '../helpers/tasks';

/**
 * The `data-migration-center` command line, spawned as a real process in the playground's directory against one
 * database, as a user runs it: exit codes, output, the files it writes, and what lands in the database (read back
 * at the end through the Document Service of an app booted in this process).
 */

const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';
const CONTACT = 'api::contact.contact';

let database: TestDatabase;
let storageDir: string;
let work: string;
let foreignTaskId: number;
let interruptedTaskId: number;
/** The center's task events that Strapi posted (from the command line's processes) to the webhook beforeAll adds. */
const deliveries: Array<{ event: string; task: { id: number; status: string; counts: { created: number } } }> = [];
const receiver = http.createServer((req, res) => {
  let text = '';
  req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  req.on('end', () => {
    deliveries.push(JSON.parse(text) as (typeof deliveries)[number]);
    res.writeHead(200).end();
  });
});

type Run = CliRun;

/** Runs the command line in the playground's directory, on the test database. */
const cli = (args: string[], { timeout = 110_000 }: { timeout?: number } = {}): Promise<Run> => runCli(args, { database, storageDir, timeout });

/** The app was compiled by the global setup: later runs skip compiling (the first run compiles, as users do). */
const fast = (args: string[]) => cli([...args, '--no-compile']);

const write = (name: string, content: string) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
};

const parseJson = <T>(run: Run): T => {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
};

beforeAll(async () => {
  database = await createTestDatabase();
  storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-cli-files-'));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-cli-work-'));

  // Templates the command line runs by name, and a task queued by "a server" that the command line must leave
  // alone. The runner is stopped first so that this app does not claim it either.
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const app = await startApp({ database });
  try {
    // A webhook on the center's task events: the command line's process emits them, and must deliver them before it exits.
    await (app.strapi.get('webhookStore') as { createWebhook(data: Record<string, unknown>): Promise<unknown> }).createWebhook({
      name: 'Task events',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      headers: {},
      events: ['data-migration-center.task.completed', 'data-migration-center.task.failed'],
    });
    const templates = app.strapi.plugin(PLUGIN_ID).service('templates');
    await templates.create({
      name: 'Contacts from the CRM',
      kind: 'import',
      contentType: CONTACT,
      options: {
        onError: 'continue',
        fieldMapping: { 'First name': 'firstName', 'Last name': 'lastName', 'Post code': 'zip' },
      },
    });
    await templates.create({
      name: 'Categories as CSV',
      kind: 'export',
      contentType: CATEGORY,
      options: { format: 'csv', fields: ['name', 'slug'] },
    });
    await app.strapi.plugin(PLUGIN_ID).service('runner').stop();
    const foreign = await app.strapi
      .plugin(PLUGIN_ID)
      .service('tasks')
      .create({
        kind: 'export',
        name: 'Queued by a server',
        contentType: TAG,
        format: 'json',
        options: {
          contentType: TAG,
          format: 'json',
          fields: ['name'],
          relationsAs: 'documentId',
          includeTimestamps: false,
          name: 'Queued by a server',
        },
        fileName: 'tags.json',
        fileKey: 'tasks/foreign/tags.json',
      });
    foreignTaskId = foreign.id;

    // An import with onError continue that a server was running when it stopped: its first item landed (and the
    // checkpoint says so), the other two did not.
    await app.strapi.documents(TAG as never).create({ data: { name: 'resumed 1' } } as never);
    const uploadKey = 'tasks/interrupted/upload.jsonl';
    fs.mkdirSync(path.join(storageDir, 'tasks/interrupted'), { recursive: true });
    fs.writeFileSync(path.join(storageDir, uploadKey), jsonl([{ name: 'resumed 1' }, { name: 'resumed 2' }, { name: 'resumed 3' }]));
    const interrupted = await app.strapi.db.query(`plugin::${PLUGIN_ID}.task`).create({
      data: {
        kind: 'import',
        name: 'Interrupted tags',
        contentType: TAG,
        format: 'jsonl',
        state: 'interrupted',
        options: { contentType: TAG, format: 'jsonl', importStrategy: 'upsert', updateStrategy: 'patch', onError: 'continue', matchBy: 'documentId', fieldMapping: {}, dryRun: false, name: 'Interrupted tags' },
        fileName: 'tags.jsonl',
        fileKey: uploadKey,
        dryRun: false,
        processed: 1,
        created: 1,
        updated: 0,
        failed: 0,
        checkpoint: { items: 1, reportItems: 0 },
      },
    });
    interruptedTaskId = interrupted.id;
  } finally {
    await app.stop({ keepDatabase: true });
  }
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await database?.drop();
  for (const dir of [storageDir, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('help and usage errors (no app is loaded)', () => {
  it('prints the help of the bin and of each command, exit 0', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['import <file>', 'export', 'apply <folder>', 'tasks'])
      expect(main.stdout).toContain(command);

    const expected: Record<string, string[]> = {
      import: [
        '--type <uid>',
        '--import-strategy',
        '--update-strategy',
        '--on-error',
        '--match-by',
        '--mapping',
        '--dry-run',
        '--template',
        '--error-report',
        '--app-dir',
      ],
      export: ['--type <uid>', '--out <file>', '--format', '--fields', '--filters', '--locale', '--template'],
      apply: ['<folder>', '--force'],
      tasks: ['--kind', '--status', '--limit'],
    };
    for (const [command, options] of Object.entries(expected)) {
      const run = await cli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: data-migration-center ${command}`);
      for (const option of options) expect(run.stdout).toContain(option);
      expect(run.stdout).toContain('Exit codes');
    }
  });

  it('refuses an unknown command, an unknown option, a missing argument or value with exit 64', async () => {
    const unknownCommand = await cli(['frobnicate']);
    expect(unknownCommand.code).toBe(64);
    expect(unknownCommand.stderr).toContain('Unknown command "frobnicate"');

    const unknownOption = await cli(['import', 'x.json', '--typo', 'a']);
    expect(unknownOption.code).toBe(64);
    expect(unknownOption.stderr).toContain('Unknown option --typo');
    expect(unknownOption.stderr).toContain('data-migration-center import --help');

    const missingFile = await cli(['import', '--type', CATEGORY]);
    expect(missingFile.code).toBe(64);
    expect(missingFile.stderr).toContain('Missing <file>');

    const noSuchFile = await cli(['import', path.join(work, 'nothing.json'), '--type', CATEGORY]);
    expect(noSuchFile.code).toBe(64);
    expect(noSuchFile.stderr).toContain('no such file');

    const missingType = await cli(['export', '--out', path.join(work, 'x.json')]);
    expect(missingType.code).toBe(64);
    expect(missingType.stderr).toContain('Missing --type');

    const missingOut = await cli(['export', '--type', CATEGORY]);
    expect(missingOut.code).toBe(64);
    expect(missingOut.stderr).toContain('Missing --out');

    const badMapping = await cli(['import', BIN, '--mapping', '{not json']);
    expect(badMapping.code).toBe(64);
    expect(badMapping.stderr).toContain('--mapping is not valid JSON');

    const badLimit = await cli(['tasks', '--limit', '0']);
    expect(badLimit.code).toBe(64);
    expect(badLimit.stderr).toContain('--limit must be a whole number from 1 to 100');
  });
});

describe('import', () => {
  it('imports a file (exit 0), leaves the file where it was, unchanged, and writes no error report', async () => {
    const content = jsonl([
      { name: 'News', slug: 'news' },
      { name: 'Tech', slug: 'tech' },
    ]);
    const file = write('categories.jsonl', content);
    // A report left by an earlier run of the same file: stale once nothing fails.
    fs.writeFileSync(`${file}.errors.csv`, 'itemNumber,line,key,stage,field,message,item\r\n');

    // The first run compiles the app, as Strapi's own commands do.
    const run = await cli(['import', file, '--type', CATEGORY, '--match-by', 'slug']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Import #\d+ completed in \d+\.\d s/);
    expect(run.stdout).toContain(`${file} → ${CATEGORY} (jsonl)`);
    expect(run.stdout).toContain('processed 2, created 2, updated 0, failed 0');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.existsSync(`${file}.errors.csv`)).toBe(false);
  });

  it('--dry-run counts what would happen and writes nothing', async () => {
    const file = write(
      'contacts.json',
      JSON.stringify([
        { firstName: 'Dry', lastName: 'Run' },
        { firstName: 'Not', lastName: 'Written' },
      ])
    );
    const run = await fast(['import', file, '--type', CONTACT, '--dry-run', '--json']);
    expect(run.code).toBe(0);
    const { task, errorReport } = parseJson<{ task: Task; errorReport: string | null }>(run);
    expect(task).toMatchObject({
      kind: 'import',
      status: 'completed',
      options: { dryRun: true },
      counts: { processed: 2, created: 2, failed: 0 },
    });
    expect(errorReport).toBeNull();
    // Nothing landed: checked with the other imports at the end ('what landed').
  });

  it('--on-error continue: failing items go to <file>.errors.csv beside the file, the rest lands, exit 2', async () => {
    const file = write(
      'more-categories.jsonl',
      jsonl([{ name: 'Science', slug: 'science' }, { name: 'No slug' }, { name: 'Sport', slug: 'sport' }])
    );
    const run = await fast(['import', file, '--type', CATEGORY, '--match-by', 'slug', '--on-error', 'continue']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('completed-with-errors');
    expect(run.stdout).toContain('processed 3, created 2, updated 0, failed 1');
    expect(run.stdout).toContain(`error report: ${file}.errors.csv`);

    const report = fs.readFileSync(`${file}.errors.csv`, 'utf8').split('\r\n');
    expect(report[0]).toBe('itemNumber,line,key,stage,field,message,item');
    expect(report[1]).toMatch(/^2,2,,map,slug,"?slug: /);
    expect(report[1]).toContain('No slug');
    expect(report.filter(Boolean)).toHaveLength(2);
  });

  it('--on-error stop: the first failing item fails the task, nothing is written, exit 1', async () => {
    const file = write('tags.jsonl', jsonl([{ name: 'strapi' }, { name: 'csv', unknownField: 1 }, { name: 'json' }]));
    const report = path.join(work, 'reports', 'tags-errors.csv');
    fs.mkdirSync(path.dirname(report));
    const run = await fast(['import', file, '--type', TAG, '--match-by', 'name', '--error-report', report]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(' failed in ');
    expect(run.stdout).toMatch(/error: Stopped at item 2 \(line 2\), key "csv": .*unknownField/);
    expect(run.stdout).toContain(`error report: ${report}`);
    expect(fs.readFileSync(report, 'utf8')).toContain('unknownField');
    expect(fs.existsSync(`${file}.errors.csv`)).toBe(false);
  });

  it('--template NAME runs with an import template: its content type, mapping and onError', async () => {
    const file = write('crm-export.csv', 'First name,Last name,Post code\nAda,Lovelace,08123\nAlan,Turing,12345\n');
    const run = await fast(['import', file, '--template', 'Contacts from the CRM', '--json']);
    expect(run.code).toBe(0);
    const { task } = parseJson<{ task: Task }>(run);
    expect(task).toMatchObject({
      contentType: CONTACT,
      format: 'csv',
      status: 'completed',
      counts: { created: 2, failed: 0 },
      options: { onError: 'continue', fieldMapping: { 'First name': 'firstName' } },
    });

    const unknown = await fast(['import', file, '--template', 'Nope']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('No import template named "Nope" (import templates: "Contacts from the CRM"');
  });

  it('a value the plugin refuses (missing content type) is a usage error naming the option, exit 64, no task', async () => {
    const file = write('untyped.json', JSON.stringify([{ name: 'x' }]));
    const run = await fast(['import', file, '--json']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--type: contentType is required');
    expect(run.stdout).toBe('');
  });
});

describe('export', () => {
  it('writes the file to --out, in the format its name says', async () => {
    const out = path.join(work, 'categories.csv');
    const run = await fast(['export', '--type', CATEGORY, '--out', out, '--fields', 'name,slug']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Export #\d+ completed in /);
    expect(run.stdout).toContain(`${CATEGORY} → ${out} (csv)`);
    expect(run.stdout).toContain('4 items written');
    const lines = fs.readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('documentId,name,slug');
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',').slice(1).join(','))
        .sort()
    ).toEqual(['News,news', 'Science,science', 'Sport,sport', 'Tech,tech']);
    expect(fs.readdirSync(work).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('--template NAME with --out - writes the file to stdout and the summary to stderr', async () => {
    const run = await fast(['export', '--template', 'Categories as CSV', '--out', '-']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('documentId,name,slug');
    expect(lines).toHaveLength(5);
    expect(run.stderr).toContain(`${CATEGORY} → stdout (csv)`);
  });
});

describe('tasks', () => {
  it('lists the tasks newest first (dry runs left out), and never ran the task queued by a server', async () => {
    const run = await fast(['tasks', '--json', '--limit', '100']);
    expect(run.code).toBe(0);
    const { tasks, total } = parseJson<{ tasks: Task[]; total: number }>(run);
    expect(total).toBe(tasks.length);
    // Newest first: the two exports, the template import, the stop and continue imports, the first import, then
    // the task queued before any of them (still queued: the command line runs only the tasks it creates).
    expect(tasks.map((task) => [task.kind, task.status])).toEqual([
      ['export', 'completed'],
      ['export', 'completed'],
      ['import', 'completed'],
      ['import', 'failed'],
      ['import', 'completed-with-errors'],
      ['import', 'completed'],
      ['import', 'interrupted'],
      ['export', 'queued'],
    ]);
    expect(tasks[7].id).toBe(foreignTaskId);

    const table = await fast(['tasks', '--kind', 'import', '--status', 'failed']);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ID\s+KIND\s+STATUS\s+TYPE\s+PROCESSED\s+CREATED\s+UPDATED\s+FAILED\s+CREATED AT\s+NAME$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(
      new RegExp(
        `^\\s*\\d+\\s+import\\s+failed\\s+${TAG.replace(/\./g, '\\.')}\\s+3\\s+0\\s+0\\s+1\\s+.*Import tags\\.jsonl$`
      )
    );
  });
});

describe('resume', () => {
  it('resumes an interrupted continue import from its checkpoint: the rest lands, nothing twice', async () => {
    const run = await fast(['resume', String(interruptedTaskId), '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const { task } = parseJson<{ task: Task }>(run);
    expect(task).toMatchObject({ id: interruptedTaskId, status: 'completed', counts: { processed: 3, created: 3, failed: 0 } });
  });

  it('refuses a task that cannot be resumed, saying why', async () => {
    const run = await fast(['resume', String(foreignTaskId)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/only an interrupted or cancelled continue-mode import/);
    const usage = await fast(['resume', 'abc']);
    expect(usage.code).toBe(64);
  });
});

describe('revert', () => {
  it('reverts an import (what it created is deleted); a second revert is refused, saying why', async () => {
    const file = write('revert-tags.jsonl', jsonl([{ name: 'revert me 1' }, { name: 'revert me 2' }]));
    const imported = parseJson<{ task: Task }>(await fast(['import', file, '--type', TAG, '--json'])).task;
    expect(imported).toMatchObject({ status: 'completed', counts: { created: 2 } });
    const run = await fast(['revert', String(imported.id), '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const { task } = parseJson<{ task: Task }>(run);
    expect(task).toMatchObject({ kind: 'revert', status: 'completed', options: { taskId: imported.id, force: false } });
    expect(task.writePath).toContain('2 deleted');
    const again = await fast(['revert', String(imported.id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already reverted/);
    expect((await fast(['revert', 'abc'])).code).toBe(64);
  });
});

describe('apply', () => {
  const jsont = (contentType: string, configuration: Record<string, unknown>, items: unknown[]) =>
    JSON.stringify({ configuration: { formatVersion: 1, contentType, ...configuration }, items });

  it('applies the batch files of a folder in name order, once each; --fail-on-error stops at a failing one; --force applies again', async () => {
    const folder = path.join(work, 'batch');
    fs.mkdirSync(folder);
    fs.writeFileSync(
      path.join(folder, '01-tags.jsont'),
      jsont(TAG, { matchBy: 'name' }, [{ name: 'cli' }, { name: 'batch' }])
    );
    fs.writeFileSync(
      path.join(folder, '02-categories.jsont'),
      jsont(CATEGORY, { matchBy: 'slug', onError: 'continue' }, [{ name: 'Seeds', slug: 'seeds' }, { name: 'No slug' }])
    );
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a batch file');

    const first = await fast(['apply', folder, '--json']);
    expect(first.code).toBe(2); // applied, with a failed item in 02
    const applied = parseJson<{
      files: Array<{ path: string; state: string; taskId: number; counts: Task['counts'] }>;
    }>(first).files;
    expect(applied.map((file) => [path.basename(file.path), file.state])).toEqual([
      ['01-tags.jsont', 'applied'],
      ['02-categories.jsont', 'applied'],
    ]);
    expect(applied[0].counts).toMatchObject({ created: 2, failed: 0 });
    expect(applied[1].counts).toMatchObject({ created: 1, failed: 1 });

    fs.writeFileSync(path.join(folder, '03-broken.jsont'), jsont('api::nothing.nothing', {}, [{ name: 'x' }]));
    fs.writeFileSync(path.join(folder, '04-after.jsont'), jsont(TAG, { matchBy: 'name' }, [{ name: 'never' }]));
    const second = await fast(['apply', folder, '--fail-on-error']);
    expect(second.code).toBe(1);
    const lines = second.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Batch files in ${folder}: 0 applied, 2 skipped, 1 failed`);
    expect(lines[1]).toMatch(/^  skipped  .*01-tags\.jsont: already applied with this content \(task #\d+\)$/);
    expect(lines[2]).toMatch(/^  skipped  .*02-categories\.jsont/);
    expect(lines[3]).toMatch(/^  failed   .*03-broken\.jsont \(task #\d+\): .*api::nothing\.nothing/);
    expect(lines[4]).toBe('  stopped (--fail-on-error): the files after it were not applied');
    expect(second.stdout).not.toContain('04-after');

    fs.rmSync(path.join(folder, '03-broken.jsont'));
    fs.rmSync(path.join(folder, '04-after.jsont'));
    const forced = await fast(['apply', folder, '--force']);
    expect(forced.code).toBe(2);
    expect(forced.stdout).toContain(': 2 applied, 0 skipped, 0 failed');
    expect(forced.stdout).toMatch(/applied  .*01-tags\.jsont \(task #\d+\): created 0, updated 2, failed 0/);
    expect(forced.stdout).toMatch(/applied  .*02-categories\.jsont \(task #\d+\): created 0, updated 1, failed 1/);
  });

  it('refuses a folder that does not exist before loading the app', async () => {
    const run = await cli(['apply', path.join(work, 'no-such-folder')]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('is not a folder');
  });
});

describe('what landed', () => {
  it('the database holds exactly what the successful imports wrote', async () => {
    const app = await startApp({ database });
    try {
      const names = async (uid: string, field: string) =>
        (
          (await app.strapi.documents(uid as never).findMany({ fields: [field] } as never)) as unknown as Array<
            Record<string, string>
          >
        )
          .map((entry) => entry[field])
          .sort();
      // The stopped import of tags wrote nothing: the tags are the batch file's, and the resumed import's (its first
      // item once, from before the interruption).
      expect(await names(CATEGORY, 'slug')).toEqual(['news', 'science', 'seeds', 'sport', 'tech']);
      expect(await names(TAG, 'name')).toEqual(['batch', 'cli', 'resumed 1', 'resumed 2', 'resumed 3']);
      expect(await names(CONTACT, 'zip')).toEqual(['08123', '12345']);
    } finally {
      await app.stop({ keepDatabase: true });
    }
  });
});

describe('bundles (after the checks above: these add tasks)', () => {
  it('export --type a,b --out <file>.zip writes a bundle; import <zip> imports it with --types per type; single-type options are refused', async () => {
    const out = path.join(work, 'bundle.zip');
    const run = await fast(['export', '--type', `${CATEGORY},${TAG}`, '--out', out]);
    expect(run.code).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

    const imported = await fast(['import', out, '--dry-run', '--types', JSON.stringify({ [CATEGORY]: { matchBy: 'slug' } }), '--json']);
    expect(imported.code).toBe(0);
    const { task } = parseJson<{ task: Task }>(imported);
    expect(task).toMatchObject({ kind: 'bundle-import', status: 'completed', options: { dryRun: true }, counts: { created: 0, failed: 0 } });
    expect(task.typeCounts?.map((type) => type.contentType).sort()).toEqual([CATEGORY, TAG].sort());
    expect(task.counts.updated).toBe(task.counts.processed);

    const refused = await fast(['import', out, '--match-by', 'slug']);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/--match-by applies to one content type/);
    const notBundle = await fast(['export', '--type', CATEGORY, '--out', path.join(work, 'c.json'), '--media']);
    expect(notBundle.code).toBe(64);
    expect(notBundle.stderr).toMatch(/--media applies to a bundle/);
  });

  it('export-bundle and import-bundle, with a bundle template by name', async () => {
    const out = path.join(work, 'whole.bundle');
    const run = await fast(['export-bundle', '--template', 'The whole content model (bundle)', '--out', out, '--json']);
    expect(run.code).toBe(0);
    const exported = parseJson<{ task: Task }>(run).task;
    expect(exported).toMatchObject({ kind: 'bundle-export', status: 'completed', options: { media: true, definitions: true } });
    expect((exported.options as { types: Array<{ contentType: string }> }).types.map((type) => type.contentType)).toEqual(expect.arrayContaining([CATEGORY, TAG]));

    const imported = await fast(['import-bundle', out, '--template', 'The whole content model (bundle)', '--dry-run', '--json']);
    expect(imported.code).toBe(0);
    expect(parseJson<{ task: Task }>(imported).task).toMatchObject({ kind: 'bundle-import', status: 'completed', options: { dryRun: true, onError: 'stop' } });

    const notZip = path.join(work, 'not-a-bundle.json');
    fs.writeFileSync(notZip, '[]');
    const refused = await fast(['import-bundle', notZip]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/is not a bundle \(a \.zip file\)/);
    const noTemplate = await fast(['export-bundle', '--template', 'Nothing of that name', '--out', out]);
    expect(noTemplate.code).toBe(64);
    expect(noTemplate.stderr).toMatch(/No bundle template named "Nothing of that name"/);
  });
});

// Last: its tasks would change the task list the tests above read.
describe('spreadsheets', () => {
  it('a workbook both ways: --out x.xlsx exports XLSX, importing it is an import (not a bundle); ; and decimal commas', async () => {
    const out = path.join(work, 'categories.xlsx');
    const exported = await fast(['export', '--type', CATEGORY, '--out', out, '--fields', 'name,slug']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`${CATEGORY} → ${out} (xlsx)`);
    expect(fs.readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
    const imported = await fast(['import', out, '--type', CATEGORY, '--match-by', 'slug', '--json']);
    expect(imported.code).toBe(0);
    const task = JSON.parse(imported.stdout).task as Task;
    expect(task).toMatchObject({ status: 'completed', format: 'xlsx', counts: { created: 0, failed: 0 } });
    // Every entry the workbook holds is found again by its slug (the categories the tests above left).
    const written = Number(/(\d+) items? written/.exec(exported.stdout)?.[1]);
    expect(task.counts).toMatchObject({ processed: written, updated: written });

    const semi = await fast(['export', '--type', CATEGORY, '--out', '-', '--fields', 'name', '--csv-delimiter', ';', '--csv-bom', '--format', 'csv']);
    expect(semi.code).toBe(0);
    expect(semi.stdout.startsWith('\ufeffdocumentId;name\r\n')).toBe(true);
  });

  it('--encoding windows-1252 imports a CSV that Excel saved on Windows', async () => {
    const file = path.join(work, 'excel-categories.csv');
    // "Crème brûlée" and "Pâtés" in Windows-1252 (é 0xE9, è 0xE8, û 0xFB, â 0xE2), semicolons.
    fs.writeFileSync(file, Buffer.from('name;slug\r\nCr\xe8me br\xfbl\xe9e;cli-creme\r\nP\xe2t\xe9s;cli-pates\r\n', 'latin1'));
    const imported = await fast(['import', file, '--type', CATEGORY, '--match-by', 'slug', '--encoding', 'windows-1252', '--json']);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).task).toMatchObject({ status: 'completed', counts: { created: 2 } });
    const exported = await fast(['export', '--type', CATEGORY, '--out', '-', '--format', 'jsonl', '--fields', 'name,slug', '--filters', '{"slug":{"$in":["cli-creme","cli-pates"]}}', '--sort', 'slug:asc']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.map((line) => (JSON.parse(line) as { name: string }).name)).toEqual(['Crème brûlée', 'Pâtés']);
  });

  it('--lifecycles run writes every entry through the Document Service; another value is refused naming --lifecycles', async () => {
    const file = path.join(work, 'lifecycles-categories.jsonl');
    fs.writeFileSync(file, '{"name":"Hooked 1","slug":"cli-hooked-1"}\n{"name":"Hooked 2","slug":"cli-hooked-2"}\n');
    const run = await fast(['import', file, '--type', CATEGORY, '--match-by', 'slug', '--lifecycles', 'run', '--json']);
    expect(run.code).toBe(0);
    const task = JSON.parse(run.stdout).task as Task;
    expect(task).toMatchObject({ status: 'completed', writePath: 'document-service', counts: { created: 2 } });
    expect(task.options).toMatchObject({ lifecycles: 'run' });
    // The process that ran the task posted its event before it exited (Strapi's webhook runner, from a queue).
    expect(deliveries.filter((d) => d.task?.id === task.id)).toEqual([
      expect.objectContaining({ event: 'data-migration-center.task.completed', task: expect.objectContaining({ status: 'completed', counts: expect.objectContaining({ created: 2 }) }) }),
    ]);
    const bad = await fast(['import', file, '--type', CATEGORY, '--match-by', 'slug', '--lifecycles', 'always']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--lifecycles');
    expect(bad.stderr).toContain('lifecycles must be one of skip, run');
  });
  it('migrate copies a field into another on the entries --filters selects; a missing --source is a usage error', async () => {
    const filters = '{"slug":{"$startsWith":"cli-hooked-"}}';
    const run = await fast(['migrate', '--source', CATEGORY, '--filters', filters, '--fields', 'name', '--mapping', '{"name":"description"}', '--json']);
    expect(run.code).toBe(0);
    const task = parseJson<{ task: Task }>(run).task;
    expect(task).toMatchObject({ status: 'completed', kind: 'import', counts: { processed: 2, updated: 2, created: 0 }, options: { source: { contentType: CATEGORY } } });
    const exported = await fast(['export', '--type', CATEGORY, '--filters', filters, '--fields', 'slug,description', '--format', 'jsonl', '--out', '-']);
    const lines = exported.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { slug: string; description: string });
    expect(lines.map((line) => [line.slug, line.description]).sort()).toEqual([
      ['cli-hooked-1', 'Hooked 1'],
      ['cli-hooked-2', 'Hooked 2'],
    ]);
    const missing = await fast(['migrate', '--fields', 'name']);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('Missing --source');
  });
});
