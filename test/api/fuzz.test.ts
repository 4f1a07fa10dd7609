import { prng } from '../../server/src/pipeline/formats/test-streams';
import type { Task } from '../../shared/contracts';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, exportFile, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * The server survives every file (issue 14): generated and mutated files of every format go through the import
 * API (upload + task) and the preview (dry run), with stop or continue. For each: a 2xx with a task that reaches a
 * terminal state, or a 4xx with a message; never a 5xx or a dropped connection; no message a user sees holds SQL
 * text or a stack trace. At the end the server still answers.
 *
 * Reproducible: a seeded PRNG; the seed is in the test's name and in every failure, with the file's index and kind.
 * `DMC_FUZZ_SEED=<n>` replays a run, `DMC_FUZZ_FILES=<n>` sets how many files (default 150: about 35 s of requests, a minute with the set-up).
 */

const SEED = Number(process.env.DMC_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FILES = Number(process.env.DMC_FUZZ_FILES ?? 150);
const TERMINAL = ['completed', 'completed-with-errors', 'failed', 'cancelled', 'interrupted'];
/** What must never reach a user: SQL statements, stack frames, Node's internal error names. */
const LEAKS = [
  /\binsert into\b/i,
  /\bselect\s.+\bfrom\b/i,
  /\bupdate\s+["`]?\w+["`]?\s+set\b/i,
  /\bdelete from\b/i,
  /\n\s+at .+\(.+:\d+:\d+\)/,
  /\bat (?:async )?[\w.<>]+ \(\/.+:\d+:\d+\)/,
  /\bRangeError\b|\bTypeError\b|\bReferenceError\b|Maximum call stack/,
];

type Format = 'json' | 'jsonl' | 'jsont' | 'csv';
const FORMATS: Format[] = ['json', 'jsonl', 'jsont', 'csv'];

interface Target {
  contentType: string;
  matchBy: string;
}
const TARGETS: Target[] = [
  { contentType: 'api::measurement.measurement', matchBy: 'code' },
  { contentType: 'api::tag.tag', matchBy: 'name' },
  { contentType: 'api::article.article', matchBy: 'documentId' },
];

let app: TestApp;
let token: string;
/** Valid exports: [target index][format] → bytes. */
const validExports: Array<Record<Format, Buffer>> = [];

beforeAll(async () => {
  // Failed tasks log a warning each: only errors are shown.
  app = await startApp({ env: { STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL || 'error' } });
  token = await registerSuperAdmin(app);
  // Entries to export: values near the edges of their columns, odd text, a JSON value with depth.
  await importFile(app, token, {
    fileName: 'seed.jsonl',
    content: jsonl(
      Array.from({ length: 6 }, (_, i) => ({
        code: `fz-${i}`,
        label: ['plain', 'é"\',;\n\t', '=1+1', "'quoted", ' ', 'x'.repeat(200)][i],
        note: `note ${i}\r\nline two`,
        count: [0, -1, 2147483647, -2147483648, 7, 42][i],
        total: ['9223372036854775807', '-9223372036854775808', '0', '1', '12', '13'][i],
        amount: [0, 1.5, -2.25, 99999999.99, 3, 4][i],
        day: '2024-02-29',
        at: '2024-02-29T12:34:56.000Z',
        clock: '23:59:59.000',
      }))
    ),
    options: { contentType: 'api::measurement.measurement', matchBy: 'code' },
  });
  await importFile(app, token, {
    fileName: 'tags.jsonl',
    content: jsonl(['fz-a', 'fz-b', 'fz "c"', 'fz,d', "fz'e"].map((name) => ({ name }))),
    options: { contentType: 'api::tag.tag', matchBy: 'name' },
  });
  await importFile(app, token, {
    fileName: 'articles.jsonl',
    content: jsonl([
      { title: 'fz one', metadata: { a: [1, { b: [2, { c: 3 }] }] }, views: 3, rating: 4.5, kind: 'review' },
      { title: 'fz two', summary: 'two\nlines', tags: [{ name: 'fz-a' }, { name: 'fz-b' }] },
    ]),
    options: { contentType: 'api::article.article', matchBy: 'documentId' },
  });
  for (const { contentType } of TARGETS) {
    const files = {} as Record<Format, Buffer>;
    for (const format of FORMATS) files[format] = Buffer.from((await exportFile(app, token, { contentType, format })).text, 'utf8');
    validExports.push(files);
  }
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

/** Values that reach the database's limits, its types and its encoding (NUL, lone surrogates, 4-byte characters). */
const HOSTILE_VALUES: unknown[] = [
  'x'.repeat(256),
  'é'.repeat(300),
  '😀'.repeat(200),
  'nul \u0000 inside',
  'lone \ud800 surrogate',
  "'; drop table tags; --",
  '99999999999999999999999999',
  -1e308,
  1e308,
  2 ** 53 + 1,
  -2147483649,
  2147483648,
  '2026-02-30',
  '2026-13-01T00:00:00Z',
  '25:61:00',
  '0000-00-00',
  '',
  ' ',
  null,
  true,
  [],
  {},
  [1, 'two', { three: 3 }],
  { id: 1 },
  { documentId: 'does-not-exist' },
  '__proto__',
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
];

/** Keys of a JSONT configuration (ours and Liferay's), given odd values. */
const CONFIGURATION_KEYS = [
  'contentType', 'className', 'matchBy', 'fieldMapping', 'locale', 'status', 'importStrategy', 'updateStrategy',
  'onError', 'createStrategy', 'formatVersion', 'parameters', 'taskItemDelegateName', 'dryRun', 'name', '__proto__',
];
const HOSTILE_OPTIONS: unknown[] = [
  'api::nope.nope',
  'plugin::users-permissions.user',
  'admin::user',
  'xx',
  'documentId',
  'createdAt',
  'password',
  { title: null, '__proto__': 'x' },
  { createStrategy: 'UPSERT', importStrategy: 'ON_ERROR_CONTINUE', updateStrategy: 'UPDATE' },
  999,
  -1,
  'published',
  'draft',
];

/** Items written as `format` (CSV: the first item's keys as the header, objects and arrays as JSON cells). */
const serialise = (format: Format, items: Array<Record<string, unknown>>): string => {
  if (format === 'json') return JSON.stringify(items);
  if (format === 'jsonl') return jsonl(items);
  if (format === 'jsont') return JSON.stringify({ configuration: {}, items });
  const keys = Object.keys(items[0] ?? { name: '' });
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [keys.join(','), ...items.map((item) => keys.map((key) => cell(item[key])).join(','))].join('\n') + '\n';
};

interface FuzzFile {
  kind: string;
  fileName: string;
  content: Buffer;
  target: Target;
}

/** One generated or mutated file: the recipe is drawn from `random` only, so a seed replays it exactly. */
const makeFile = (random: () => number): FuzzFile => {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)];
  const targetIndex = int(TARGETS.length);
  const target = TARGETS[targetIndex];
  const format = pick(FORMATS);
  const base = validExports[targetIndex][format];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const at = (buffer: Buffer) => int(buffer.length + 1);
  const ext = (f: string) => (f === 'jsont' && random() < 0.3 ? 'batch-engine-data.json' : f);

  const mutations: Array<[string, () => { content: Buffer; format?: string }]> = [
    ['valid export', () => ({ content: base })],
    ['truncated', () => ({ content: base.subarray(0, at(base)) })],
    [
      'bit-flipped',
      () => {
        const copy = Buffer.from(base);
        for (let i = 1 + int(8); i > 0 && copy.length > 0; i -= 1) copy[int(copy.length)] ^= 1 << int(8);
        return { content: copy };
      },
    ],
    [
      'bytes inserted',
      () => {
        const p = at(base);
        return { content: Buffer.concat([base.subarray(0, p), bytes(1 + int(16)), base.subarray(p)]) };
      },
    ],
    [
      'bytes deleted',
      () => {
        const p = at(base);
        return { content: Buffer.concat([base.subarray(0, p), base.subarray(Math.min(base.length, p + 1 + int(32)))]) };
      },
    ],
    [
      'structural character inserted',
      () => {
        const p = at(base);
        return { content: Buffer.concat([base.subarray(0, p), Buffer.from(pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\n', '\r', '\0', "'"])), base.subarray(p)]) };
      },
    ],
    [
      'deeply nested (beyond the limit)',
      () => {
        const depth = pick([999, 1001, 2500, 50_000]);
        const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        const field = target.matchBy === 'code' ? 'label' : target.matchBy === 'name' ? 'name' : 'metadata';
        if (format === 'csv') return { content: Buffer.from(`${target.matchBy === 'documentId' ? 'title' : target.matchBy},metadata\nx,"${deep}"\n`) };
        const item = `{"${field}": ${deep}}`;
        const text =
          format === 'jsonl'
            ? `${item}\n`
            : format === 'jsont'
            ? `{"configuration": {}, "items": [${item}]}`
            : random() < 0.5
            ? `[${item}]`
            : deep;
        return { content: Buffer.from(text) };
      },
    ],
    [
      'huge token',
      () => {
        const size = (1 + int(4)) * 1024 * 1024;
        const token = pick(['string', 'number', 'key']);
        const value = token === 'number' ? '1'.repeat(size) : `"${'x'.repeat(size)}"`;
        const item = token === 'key' ? `{"${'k'.repeat(size)}": 1}` : `{"${target.matchBy === 'documentId' ? 'title' : target.matchBy}": ${value}}`;
        if (format === 'csv') return { content: Buffer.from(`${target.matchBy === 'documentId' ? 'title' : target.matchBy}\n${'y'.repeat(size)}\n`) };
        const text = format === 'jsonl' ? `${item}\n` : format === 'jsont' ? `{"configuration": {}, "items": [${item}]}` : `[${item}]`;
        return { content: Buffer.from(text) };
      },
    ],
    [
      'invalid UTF-8',
      () => {
        const p = at(base);
        const bad = Buffer.from(pick([[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]));
        return { content: Buffer.concat([base.subarray(0, p), bad, base.subarray(p)]) };
      },
    ],
    ['BOM', () => ({ content: Buffer.concat([Buffer.from(pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]])), base]) })],
    ['random bytes', () => ({ content: bytes(1 + int(4096)) })],
    ['random printable text', () => ({ content: Buffer.from(Array.from({ length: 1 + int(2048) }, () => String.fromCharCode(32 + int(95))).join('')) })],
    ['empty or blank', () => ({ content: Buffer.from(pick(['', ' ', '\n', '\r\n\r\n', '\uFEFF', '[]', '{}', 'null'])) })],
    [
      'CSV with stray quotes',
      () => {
        const lines = base.toString('utf8').split('\n');
        const i = int(lines.length);
        const line = lines[i] ?? '';
        const p = int(line.length + 1);
        lines[i] = `${line.slice(0, p)}${pick(['"', '""', '"x"y', 'a"b', '"\n'])}${line.slice(p)}`;
        return { content: Buffer.from(lines.join('\n')), format: 'csv' };
      },
    ],
    [
      'CSV with thousands of columns',
      () => {
        const columns = pick([3000, 10_001, 25_000]);
        const header = Array.from({ length: columns }, (_, i) => (i === 0 ? target.matchBy === 'documentId' ? 'title' : target.matchBy : `c${i}`)).join(',');
        const row = Array.from({ length: columns }, (_, i) => (i === 0 ? `fz-wide-${columns}` : '')).join(',');
        return { content: Buffer.from(`${header}\n${row}\n`), format: 'csv' };
      },
    ],
    [
      'hostile values',
      () => {
        // Items of the valid export with some values replaced by ones that hit column limits, types and encodings.
        const items = validExports[targetIndex].jsonl
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        for (const item of items) {
          const keys = Object.keys(item).filter((key) => key !== target.matchBy || random() < 0.2);
          for (let i = 1 + int(3); i > 0 && keys.length > 0; i -= 1) item[pick(keys)] = pick(HOSTILE_VALUES);
        }
        return { content: Buffer.from(serialise(format, items)) };
      },
    ],
    [
      'hostile JSONT configuration',
      () => {
        const items = JSON.parse(validExports[targetIndex].jsont.toString('utf8')).items as unknown[];
        const configuration: Record<string, unknown> = { contentType: target.contentType };
        for (let i = 1 + int(3); i > 0; i -= 1) configuration[pick(CONFIGURATION_KEYS)] = pick(HOSTILE_VALUES.concat(HOSTILE_OPTIONS));
        return { content: Buffer.from(JSON.stringify({ configuration, items })), format: 'jsont' };
      },
    ],
    [
      'wrong extension',
      () => ({ content: base, format: pick(FORMATS.filter((f) => f !== format)) }),
    ],
  ];
  const [kind, make] = pick(mutations);
  const made = make();
  const named = made.format ?? format;
  return { kind: `${kind} (${format}${made.format ? ` named .${named}` : ''}, ${target.contentType})`, fileName: `fuzz.${ext(named)}`, content: made.content, target };
};

/** The pattern of `LEAKS` that `text` matches, with the text, or null. */
const leaksIn = (text: string | null | undefined): string | null => {
  if (!text) return null;
  const hit = LEAKS.find((pattern) => pattern.test(text));
  return hit ? `${hit} in ${JSON.stringify(text.slice(0, 400))}` : null;
};

/** Polls a task until it reaches a terminal state (with ?wait=true it already has). */
const finished = async (task: Task): Promise<Task> => {
  let current = task;
  const deadline = Date.now() + 30_000;
  while (!TERMINAL.includes(current.status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await app.http().get(`${BASE}/tasks/${current.id}`).set('Authorization', `Bearer ${token}`);
    current = res.body.data as Task;
  }
  return current;
};

test(`${FILES} fuzzed files through import and preview never take the server down (seed ${SEED})`, async () => {
  const random = prng(SEED);
  const problems: string[] = [];
  /** How the files were answered (printed: a run where everything is a 400 would prove little). */
  const outcomes: Record<string, number> = {};
  const tally = (outcome: string) => {
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  };
  const started = Date.now();
  for (let index = 0; index < FILES; index += 1) {
    const file = makeFile(random);
    const options: Record<string, unknown> = {
      contentType: file.target.contentType,
      matchBy: file.target.matchBy,
      onError: random() < 0.5 ? 'stop' : 'continue',
      dryRun: random() < 0.3,
      ...(random() < 0.2 ? { invalidUtf8: 'replace' } : {}),
    };
    const where = `seed ${SEED}, file ${index} (${file.kind}, ${file.content.length} bytes, options ${JSON.stringify(options)})`;
    try {
      const res = await postImport(app, token, { content: file.content, fileName: file.fileName, options });
      if (res.status >= 200 && res.status < 300) {
        const task = await finished(res.body.data as Task);
        tally(`${options.dryRun ? 'preview' : 'import'} ${task.status}`);
        if (!TERMINAL.includes(task.status)) problems.push(`${where}: task ${task.id} is still ${task.status}`);
        const leak = leaksIn(task.error);
        if (leak) problems.push(`${where}: task error leaks ${leak}`);
        if (task.hasErrorReport) {
          // As the admin's preview reads it (the first rows), or whole in either format.
          const query = options.dryRun ? 'format=json&limit=5' : random() < 0.5 ? 'format=json' : 'format=csv';
          const report = await download(app, token, `${BASE}/tasks/${task.id}/error-report?${query}`);
          if (report.status >= 500) problems.push(`${where}: error report answered ${report.status}`);
          const reportLeak = leaksIn(report.text);
          if (reportLeak) problems.push(`${where}: error report leaks ${reportLeak}`);
        }
      } else if (res.status >= 400 && res.status < 500) {
        tally(String(res.status));
        const message = res.body?.error?.message as string | undefined;
        if (typeof message !== 'string' || message === '') problems.push(`${where}: ${res.status} without a message: ${JSON.stringify(res.body)}`);
        const leak = leaksIn(message);
        if (leak) problems.push(`${where}: ${res.status} leaks ${leak}`);
      } else {
        problems.push(`${where}: answered ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
      }
    } catch (error) {
      problems.push(`${where}: the request failed: ${(error as Error).message}`);
    }
  }
  const alive = await app.http().get(`${BASE}/tasks?pageSize=1`).set('Authorization', `Bearer ${token}`);
  if (alive.status !== 200) problems.push(`seed ${SEED}: the server answers ${alive.status} after the run`);
  process.stdout.write(
    `fuzz: ${FILES} files, seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(outcomes)}\n`
  );
  expect(problems).toEqual([]);
}, 240_000);
