import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerSuperAdmin } from '../helpers/admin';
import { runCli } from '../helpers/cli';
import { createTestDatabase } from '../helpers/database';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * Transforms (issue 20): JSONata expressions in the field mapping (`{ to, transform }`) and computed fields, checked
 * when the task is created, evaluated per item with a time limit; the import preview; templates keep them.
 */

let app: TestApp;
let token: string;

const MEASUREMENT = 'api::measurement.measurement';
const CONTACT = 'api::contact.contact';

type Docs = {
  findFirst(p?: Record<string, unknown>): Promise<Record<string, any> | null>;
  findMany(p?: Record<string, unknown>): Promise<Array<Record<string, any>>>;
};
const docs = (uid: string) => app.strapi.documents(uid as never) as unknown as Docs;
const auth = () => ({ Authorization: `Bearer ${token}` });

/** Loops until the expression's time limit (a tail call: no stack grows). */
const LOOP = '($f := function($n) { $f($n + 1) }; $f(0))';

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

describe('transforms in an import', () => {
  it('converts, splits, merges, maps values and computes fields (CSV), as stored entries show', async () => {
    const csv = 'Code;Prix;Name;Kind;Qty\nT1;12,50;Ada Lovelace;B;3\nT2;7,25;Alan Turing;M;\n';
    const task = await importFile(app, token, {
      content: csv,
      fileName: 'products.csv',
      options: {
        contentType: MEASUREMENT,
        matchBy: 'code',
        fieldMapping: {
          Code: 'code',
          Prix: { to: 'amount', transform: "$number($replace($, ',', '.'))" },
          Name: { to: 'label', transform: "$split($, ' ')[0]" },
          Kind: null,
          Qty: { to: 'count', transform: '$ ? $number($) : 0' },
        },
        computed: { note: "Name & ' (' & $lookup({'B': 'book', 'M': 'music'}, Kind) & ')' & (Code = $item.code ? '' : '!')" },
      },
    });
    expect(task.error ?? null).toBeNull();
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    const t1 = await docs(MEASUREMENT).findFirst({ filters: { code: 'T1' } });
    expect(t1).toMatchObject({ label: 'Ada', count: 3, note: 'Ada Lovelace (book)' });
    expect(Number(t1?.amount)).toBe(12.5);
    const t2 = await docs(MEASUREMENT).findFirst({ filters: { code: 'T2' } });
    expect(t2).toMatchObject({ label: 'Alan', count: 0, note: 'Alan Turing (music)' });
    expect(Number(t2?.amount)).toBe(7.25);
  });

  it('merges two fields of a JSON item through $item; an undefined result leaves the field absent', async () => {
    const task = await importFile(app, token, {
      content: jsonl([
        { first: 'Grace', last: 'Hopper', town: 'NYC' },
        { first: 'Edsger', last: 'Dijkstra' },
      ]),
      fileName: 'contacts.jsonl',
      options: {
        contentType: CONTACT,
        importStrategy: 'add-only',
        fieldMapping: { first: { to: 'firstName', transform: "$ & ' ' & $item.last" }, last: 'lastName', town: { to: 'city', transform: '$' } },
        computed: { notes: "'imported'" },
      },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2 } });
    const grace = await docs(CONTACT).findFirst({ filters: { lastName: 'Hopper' } });
    expect(grace).toMatchObject({ firstName: 'Grace Hopper', city: 'NYC', notes: 'imported' });
    const edsger = await docs(CONTACT).findFirst({ filters: { lastName: 'Dijkstra' } });
    expect(edsger).toMatchObject({ firstName: 'Edsger Dijkstra', city: null, notes: 'imported' });
  });

  it('refuses a bad expression with a 400 naming the field and JSONata\'s message', async () => {
    const bad = await postImport(app, token, {
      content: jsonl([{ price: '1' }]),
      fileName: 'bad.jsonl',
      options: { contentType: MEASUREMENT, fieldMapping: { price: { to: 'amount', transform: '$number(' } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^fieldMapping\.price\.transform: .+ \(at character \d+\)/);
    expect(bad.body.error.details.errors[0].path).toEqual(['fieldMapping.price.transform']);

    const computed = await postImport(app, token, {
      content: jsonl([{ code: 'x' }]),
      fileName: 'bad.jsonl',
      options: { contentType: MEASUREMENT, computed: { label: '{ "a": ' } },
    });
    expect(computed.status).toBe(400);
    expect(computed.body.error.details.errors[0].path).toEqual(['computed.label']);

    const unknown = await postImport(app, token, {
      content: jsonl([{ code: 'x' }]),
      fileName: 'bad.jsonl',
      options: { contentType: MEASUREMENT, computed: { nope: '"x"' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^computed\.nope: "nope" is not an attribute of api::measurement\.measurement/);

    const shape = await postImport(app, token, {
      content: jsonl([{ code: 'x' }]),
      fileName: 'bad.jsonl',
      options: { contentType: MEASUREMENT, fieldMapping: { code: { to: 'code' } } },
    });
    expect(shape.status).toBe(400);
  });

  it('an item past the time limit fails alone (continue), named in the error report', async () => {
    const task = await importFile(app, token, {
      content: jsonl([
        { code: 'L1', label: 'fine' },
        { code: 'L2', label: 'loop' },
        { code: 'L3', label: 'fine' },
      ]),
      fileName: 'loop.jsonl',
      options: {
        contentType: MEASUREMENT,
        matchBy: 'code',
        onError: 'continue',
        fieldMapping: { label: { to: 'label', transform: `$ = 'loop' ? ${LOOP} : $` } },
      },
    });
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 2, failed: 1 } });
    const report = JSON.parse((await errorReport(app, token, task.id)).text) as Array<Record<string, unknown>>;
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ key: 'L2', stage: 'map', field: 'label' });
    expect(report[0].message).toMatch(/label: the transform of "label" failed: Evaluation timeout after 1000 milliseconds/);
    expect(await docs(MEASUREMENT).findFirst({ filters: { code: 'L3' } })).not.toBeNull();
  });

  it('stop: the item past its time limit rolls everything back', async () => {
    const task = await importFile(app, token, {
      content: jsonl([{ code: 'S1' }, { code: 'S2' }]),
      fileName: 'stop.jsonl',
      options: { contentType: MEASUREMENT, matchBy: 'code', computed: { label: `code = 'S2' ? ${LOOP} : 'ok'` } },
    });
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/label: the computed field's expression failed: Evaluation timeout.*Nothing was imported/);
    expect(await docs(MEASUREMENT).findMany({ filters: { code: { $in: ['S1', 'S2'] } } })).toHaveLength(0);
  });
});

describe('the import preview', () => {
  const preview = (content: string, fileName: string, options: Record<string, unknown>, count?: number) => {
    const req = app.http().post(`${BASE}/import-previews`).set(auth()).attach('file', Buffer.from(content), fileName).field('options', JSON.stringify(options));
    return count === undefined ? req : req.field('count', String(count));
  };

  it('shows each item as read, as transformed, and its problems, writing nothing', async () => {
    const csv = 'Code;Prix\nP1;3,5\nP2;abc\nP3;1\n';
    const res = await preview(csv, 'prices.csv', {
      contentType: MEASUREMENT,
      matchBy: 'code',
      fieldMapping: { Code: 'code', Prix: { to: 'amount', transform: "$number($replace($, ',', '.'))" } },
      computed: { label: "'Item ' & Code" },
    }, 2);
    expect(res.status).toBe(200);
    expect(res.body.data.format).toBe('csv');
    const [first, second] = res.body.data.items;
    expect(res.body.data.items).toHaveLength(2);
    expect(first).toEqual({ index: 0, line: 2, source: { Code: 'P1', Prix: '3,5' }, transformed: { code: 'P1', amount: 3.5, label: 'Item P1' }, errors: [] });
    expect(second).toMatchObject({ index: 1, source: { Code: 'P2', Prix: 'abc' }, transformed: null });
    expect(second.errors[0]).toMatchObject({ stage: 'map', field: 'amount' });
    expect(second.errors[0].message).toMatch(/Unable to cast value to a number/);
    expect(await docs(MEASUREMENT).findMany({ filters: { code: { $in: ['P1', 'P2'] } } })).toHaveLength(0);
  });

  it('without transforms, shows what prepare refuses; 400s for a bad count or expression', async () => {
    const res = await preview(jsonl([{ code: 'Q1', count: 'x' }, { code: 'Q2', count: 2 }]), 'q.jsonl', { contentType: MEASUREMENT });
    expect(res.status).toBe(200);
    expect(res.body.data.items).toHaveLength(2);
    expect(res.body.data.items[0].errors[0]).toMatchObject({ field: 'count', message: 'count: expected an integer, got "x"' });
    expect(res.body.data.items[1]).toMatchObject({ transformed: { code: 'Q2', count: 2 }, errors: [] });
    expect((await preview('{"a":1}\n', 'q.jsonl', { contentType: MEASUREMENT }, 51)).status).toBe(400);
    const bad = await preview('{"a":1}\n', 'q.jsonl', { contentType: MEASUREMENT, computed: { label: '(' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toEqual(['computed.label']);
  });
});

describe('templates', () => {
  it('save transforms and apply them', async () => {
    const fieldMapping = { ref: 'code', price: { to: 'amount', transform: "$number($replace($, ',', '.'))" } };
    const saved = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Prices with commas', kind: 'import', contentType: MEASUREMENT, options: { matchBy: 'code', fieldMapping, computed: { label: "'T-' & ref" } } });
    expect(saved.status).toBe(201);
    expect(saved.body.data.options).toMatchObject({ fieldMapping, computed: { label: "'T-' & ref" } });

    const task = await importFile(app, token, { content: jsonl([{ ref: 'TPL1', price: '9,75' }]), fileName: 'p.jsonl', options: { templateId: saved.body.data.id } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 1 } });
    const entry = await docs(MEASUREMENT).findFirst({ filters: { code: 'TPL1' } });
    expect(entry).toMatchObject({ label: 'T-TPL1' });
    expect(Number(entry?.amount)).toBe(9.75);

    const broken = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth())
      .send({ name: 'Broken', kind: 'import', contentType: MEASUREMENT, options: { fieldMapping: { price: { to: 'amount', transform: '$$$(' } } } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/fieldMapping\.price\.transform/);
  });
});

describe('command line', () => {
  it('passes --mapping transforms unchanged and --computed', async () => {
    const database = await createTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-transforms-cli-'));
    try {
      const file = path.join(dir, 'counts.jsonl');
      // "7" is text: without its transform, count (an integer) would refuse it.
      fs.writeFileSync(file, jsonl([{ ref: 'CLI-1', qty: '7' }]));
      const run = await runCli(
        [
          'import',
          file,
          '--type',
          MEASUREMENT,
          '--match-by',
          'code',
          '--mapping',
          JSON.stringify({ ref: 'code', qty: { to: 'count', transform: '$number($)' } }),
          '--computed',
          JSON.stringify({ label: "'cli ' & ref" }),
          '--json',
        ],
        { database, storageDir: path.join(dir, 'files') }
      );
      expect(run.stderr).not.toMatch(/Error/);
      expect(run.code).toBe(0);
      const { task } = JSON.parse(run.stdout) as { task: { status: string; counts: { created: number }; options: Record<string, unknown> } };
      expect(task).toMatchObject({ status: 'completed', counts: { created: 1 } });
      expect(task.options).toMatchObject({ fieldMapping: { qty: { to: 'count', transform: '$number($)' } }, computed: { label: "'cli ' & ref" } });
    } finally {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
