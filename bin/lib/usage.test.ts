import {
  COMMANDS,
  EXIT,
  UsageError,
  jsonObjectOption,
  kindOption,
  limitOption,
  listOption,
  parseCommandLine,
  statusOption,
} from './usage';

const usageError = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
};

describe('parseCommandLine', () => {
  it('answers the main help without a command, with -h, --help and help', () => {
    for (const argv of [[], ['-h'], ['--help'], ['help']]) {
      const parsed = parseCommandLine(argv);
      expect(parsed.kind).toBe('help');
      if (parsed.kind === 'help') expect(parsed.text).toMatch(/^Usage: data-migration-center <command>/);
    }
  });

  it('answers a command help with --help anywhere, or help <command>', () => {
    expect(parseCommandLine(['import', 'file.json', '--help'])).toEqual({ kind: 'help', text: COMMANDS.import.help });
    expect(parseCommandLine(['help', 'export'])).toEqual({ kind: 'help', text: COMMANDS.export.help });
    expect(parseCommandLine(['tasks', '-h'])).toEqual({ kind: 'help', text: COMMANDS.tasks.help });
  });

  it('parses a command, its positional argument and options', () => {
    expect(
      parseCommandLine([
        'import',
        'a.csv',
        '--type',
        'api::contact.contact',
        '--dry-run',
        '--app-dir',
        '/srv/app',
        '--no-compile',
      ])
    ).toEqual({
      kind: 'run',
      command: 'import',
      positionals: ['a.csv'],
      values: { type: 'api::contact.contact', 'dry-run': true, 'app-dir': '/srv/app', 'no-compile': true },
    });
    expect(parseCommandLine(['export', '--type=api::tag.tag', '-o', '-'])).toMatchObject({
      values: { type: 'api::tag.tag', out: '-' },
    });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('refuses unknown commands and options, missing and extra arguments, naming them', () => {
    expect(usageError(() => parseCommandLine(['imprt'])).message).toBe(
      'Unknown command "imprt": use import, export, import-bundle, export-bundle, push, pull, apply, resume, migrate, revert, tasks'
    );
    expect(usageError(() => parseCommandLine(['--type', 'x'])).message).toBe('Expected a command before --type');
    const unknown = usageError(() => parseCommandLine(['export', '--typ', 'x']));
    expect(unknown.message).toBe('Unknown option --typ');
    expect(unknown.command).toBe('export');
    expect(usageError(() => parseCommandLine(['import'])).message).toBe('Missing <file>');
    expect(usageError(() => parseCommandLine(['import', 'a.json', 'b.json'])).message).toBe(
      'Unexpected argument "b.json"'
    );
    expect(usageError(() => parseCommandLine(['tasks', 'now'])).message).toBe('Unexpected argument "now"');
    expect(usageError(() => parseCommandLine(['import', 'a.json', '--type'])).message).toMatch(
      /--type <value>' argument missing/
    );
    expect(usageError(() => parseCommandLine(['apply', 'folder', '--on-error', 'stop'])).message).toBe(
      'Unknown option --on-error'
    );
  });
});

describe('option values', () => {
  it('reads JSON objects, naming the option when the text is not one', () => {
    expect(jsonObjectOption('mapping', '{"Name":"title","Skip":null}', 'x')).toEqual({ Name: 'title', Skip: null });
    expect(usageError(() => jsonObjectOption('mapping', '{nope', '{"a":"b"}')).message).toMatch(
      /^--mapping is not valid JSON \(.+\): write it as \{"a":"b"\}$/
    );
    expect(usageError(() => jsonObjectOption('filters', '[1]', '{"a":1}')).message).toBe(
      '--filters must be a JSON object, such as {"a":1}'
    );
  });

  it('reads lists, limits, kinds and statuses', () => {
    expect(listOption(' title, slug,,views ')).toEqual(['title', 'slug', 'views']);
    expect(limitOption(undefined)).toBe(20);
    expect(limitOption('100')).toBe(100);
    for (const bad of ['0', '101', '-1', '2.5', 'ten']) expect(() => limitOption(bad)).toThrow(UsageError);
    expect(kindOption('export')).toBe('export');
    expect(() => kindOption('imports')).toThrow('--kind must be import or export, not "imports"');
    expect(statusOption('completed-with-errors')).toBe('completed-with-errors');
    expect(() => statusOption('done')).toThrow(
      /--status must be one of queued, running, completed, completed-with-errors, failed, cancelled, interrupted/
    );
  });

  it('has distinct exit codes', () => {
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
    expect(EXIT).toEqual({ OK: 0, FAILED: 1, COMPLETED_WITH_ERRORS: 2, USAGE: 64 });
  });
});
