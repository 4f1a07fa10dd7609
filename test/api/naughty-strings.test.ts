import fs from 'node:fs';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, exportFile, importFile, jsonl } from '../helpers/tasks';

/**
 * Strings that break importers (quotes, delimiters, formula prefixes, line ends, invisible and combining
 * characters, right-to-left text, emoji sequences, escapes, JSON and SQL text, values at the column's length limit)
 * survive every format and the database unchanged: imported from JSONL, stored as they are; exported in each
 * format, imported from it into the emptied table, stored as they are again; exported again, byte-identical. A
 * string the database cannot hold is an item error naming the field, never a value changed without a word.
 *
 * A public corpus runs through the same test when given: NAUGHTY_STRINGS_FILE=<path to blns.json> (the "Big List of
 * Naughty Strings", github.com/minimaxir/big-list-of-naughty-strings: a JSON array of strings). It is not part of
 * this repository.
 */

const TYPE = 'api::measurement.measurement';
const FORMATS = ['json', 'jsonl', 'jsont', 'csv'] as const;

const OWN: string[] = [
  ' ',
  '\t',
  '\n',
  '\r\n',
  'a\r\nb',
  'a\rb',
  '"',
  '""',
  '"a,b"',
  ',',
  ';',
  "'",
  "''",
  "' OR '1'='1",
  "'=1+1",
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  'null',
  'NULL',
  'undefined',
  'true',
  '0',
  '-0',
  '1e309',
  '00123',
  ' leading',
  'trailing ',
  '\u00a0',
  '\u200b',
  '\ufeffBOM',
  'e\u0301',
  '👩‍👩‍👧‍👦',
  '𝕳𝖊𝖑𝖑𝖔',
  'مرحبا بالعالم',
  '\u202eRTL override',
  '\\',
  '\\n',
  '\\u0000',
  '{"a":1}',
  '[1,2]',
  '<script>alert(1)</script>',
  "Robert'); DROP TABLE students;--",
  '%s%n',
  '${x}',
  '{{x}}',
  '\u0001\u001f',
  '\u007f',
  '\u2028\u2029',
  'a'.repeat(255),
  'é'.repeat(255),
  '😀'.repeat(100),
];

/** Strings some databases cannot hold (PostgreSQL refuses NUL in text; UTF-8 columns cannot store a lone surrogate): stored unchanged, or refused naming the field. */
const EDGE: string[] = ['a\u0000b', '\ud83d', 'x\udc00y'];

const external = (): string[] => {
  const file = process.env.NAUGHTY_STRINGS_FILE;
  if (!file) return [];
  const list = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(list)) throw new Error(`${file} is not a JSON array of strings`);
  return list.filter((s): s is string => typeof s === 'string' && s.length > 0);
};

const STRINGS = [...new Set([...OWN, ...EDGE, ...external()])];

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

const codeOf = (i: number) => `ns-${String(i).padStart(4, '0')}`;

/** What the table holds: code → { label, note }. */
const stored = async () => {
  const rows = (await app.strapi.db.query(TYPE).findMany({ select: ['code', 'label', 'note'] })) as Array<{ code: string; label: string | null; note: string | null }>;
  return new Map(rows.map((row) => [row.code, { label: row.label, note: row.note }]));
};

/** Every string stored as it was sent (label only when it fits the 255 characters of a string attribute). */
const expectIntact = (rows: Map<string, { label: string | null; note: string | null }>, accepted: Set<number>) => {
  const changed: string[] = [];
  for (const i of accepted) {
    const row = rows.get(codeOf(i));
    const s = STRINGS[i];
    if (!row) changed.push(`${codeOf(i)} missing (${JSON.stringify(s)})`);
    else if (row.note !== s || (s.length <= 255 && row.label !== s)) {
      changed.push(`${codeOf(i)} ${JSON.stringify(s)} became ${JSON.stringify(row)}`);
    }
  }
  expect(changed).toEqual([]);
};

let accepted = new Set<number>();

test(`${STRINGS.length} strings imported from JSONL are stored unchanged, or refused with an item error naming the field`, async () => {
  const items = STRINGS.map((s, i) => ({ code: codeOf(i), note: s, ...(s.length <= 255 ? { label: s } : {}) }));
  const task = await importFile(app, token, {
    fileName: 'naughty.jsonl',
    content: jsonl(items),
    options: { contentType: TYPE, matchBy: 'code', onError: 'continue' },
  });
  const refused = new Map<number, string>();
  if (task.counts.failed > 0) {
    const report = JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ itemNumber: number; message: string }>;
    for (const row of report) refused.set(row.itemNumber - 1, row.message);
  }
  for (const [index, message] of refused) {
    // Refused only for a reason said in words, naming the field; never SQL.
    expect({ index, message }).toEqual({ index, message: expect.stringMatching(/\b(note|label)\b/) });
    expect(message).not.toMatch(/insert into|update [`"]|select /i);
  }
  accepted = new Set(STRINGS.map((_, i) => i).filter((i) => !refused.has(i)));
  expect(task.counts.created).toBe(accepted.size);
  expect(accepted.size).toBeGreaterThanOrEqual(OWN.length);
  expectIntact(await stored(), accepted);
  // Nothing of the project's own list is refused: they are all plain valid strings.
  expect([...refused.keys()].filter((i) => i < OWN.length).map((i) => [STRINGS[i], refused.get(i)])).toEqual([]);
}, 300_000);

describe.each(FORMATS)('%s', (format) => {
  test('export → import into the emptied table → the same strings, and the same bytes exported again', async () => {
    const options = { contentType: TYPE, format, fields: ['code', 'label', 'note'] };
    const first = await exportFile(app, token, options);
    await app.strapi.db.query(TYPE).deleteMany({});
    const task = await importFile(app, token, {
      fileName: `naughty.${format}`,
      content: first.text,
      options: { contentType: TYPE, matchBy: 'code', onError: 'stop' },
    });
    expect({ status: task.status, error: task.error, created: task.counts.created }).toEqual({
      status: 'completed',
      error: null,
      created: accepted.size,
    });
    expectIntact(await stored(), accepted);
    const second = await exportFile(app, token, options);
    expect(second.text === first.text).toBe(true);
  }, 300_000);
});
