import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ErrorReportWriter, neutraliseCsvCell, parseReportRow, renderErrorReport, type ErrorReportRow } from './report';

// The second row is as reports were written before the stage and field columns: it still reads (a resumed task
// continues an older report).
const rows: ErrorReportRow[] = [
  { itemNumber: 1, line: 1, key: 'a', stage: 'map', field: 'title', message: 'title: expected text', item: { title: 5 } },
  { itemNumber: 4, line: null, key: null, message: '=cmd|"/c calc"!A1', item: '{broken' },
  { itemNumber: 8, line: 8, key: '-5', message: 'x, "quoted"\nnext line', item: null },
];
const source = () => Readable.from(rows.map((r) => `${JSON.stringify(r)}\n`));
const render = async (format: 'csv' | 'json', limit?: number) => {
  let text = '';
  for await (const chunk of renderErrorReport(source(), format, limit)) text += chunk;
  return text;
};

test('JSON: an array of the rows, or the first N', async () => {
  expect(JSON.parse(await render('json'))).toEqual(rows);
  expect(JSON.parse(await render('json', 2))).toEqual(rows.slice(0, 2));
  let empty = '';
  for await (const chunk of renderErrorReport(Readable.from([]), 'json')) empty += chunk;
  expect(JSON.parse(empty)).toEqual([]);
});

test('CSV: header, quoting, and cells neutralised against formula injection', async () => {
  const text = await render('csv');
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('itemNumber,line,key,stage,field,message,item');
  expect(lines[1]).toBe('1,1,a,map,title,title: expected text,"{""title"":5}"');
  expect(lines[2]).toBe(`4,,,,,"'=cmd|""/c calc""!A1","""{broken"""`);
  expect(text).toContain(`'-5`);
  expect(text).toContain('"x, ""quoted""\nnext line"');
});

// Reports written before the itemNumber column carried itemIndex, counting from 0: they read with itemIndex + 1.
const oldRows = [
  { itemIndex: 0, line: 1, key: 'a', stage: 'map', field: 'title', message: 'title: expected text', item: { title: 5 } },
  { itemIndex: 3, line: null, key: null, message: 'itemIndex', item: { itemIndex: 9 } },
];
const oldSource = () => Readable.from(oldRows.map((r) => `${JSON.stringify(r)}\n`));
const upgraded = [
  { itemNumber: 1, line: 1, key: 'a', stage: 'map', field: 'title', message: 'title: expected text', item: { title: 5 } },
  { itemNumber: 4, line: null, key: null, message: 'itemIndex', item: { itemIndex: 9 } },
];

test('a report written with itemIndex (0-based) reads with itemNumber = itemIndex + 1, in JSON and CSV', async () => {
  let json = '';
  for await (const chunk of renderErrorReport(oldSource(), 'json')) json += chunk;
  expect(JSON.parse(json)).toEqual(upgraded);
  expect(Object.keys(JSON.parse(json)[0])[0]).toBe('itemNumber');
  let csv = '';
  for await (const chunk of renderErrorReport(oldSource(), 'csv')) csv += chunk;
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('itemNumber,line,key,stage,field,message,item');
  expect(lines[1]).toBe('1,1,a,map,title,title: expected text,"{""title"":5}"');
  expect(lines[2]).toBe('4,,,,,itemIndex,"{""itemIndex"":9}"');
  // A bundle's row keeps its content type first.
  const bundle = JSON.stringify({ contentType: 'api::tag.tag', ...oldRows[0] });
  expect(parseReportRow(bundle)).toEqual({ contentType: 'api::tag.tag', ...upgraded[0] });
  expect(Object.keys(parseReportRow(bundle)).slice(0, 2)).toEqual(['contentType', 'itemNumber']);
  // A new row is read as it is, whatever its item holds.
  expect(parseReportRow(JSON.stringify(rows[0]))).toEqual(rows[0]);
  expect(parseReportRow(JSON.stringify(upgraded[1]))).toEqual(upgraded[1]);
});

test.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('%j is prefixed', (cell) => {
  expect(neutraliseCsvCell(cell)).toBe(`'${cell}`);
});

describe('ErrorReportWriter', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-report-'));

  test('flush resolves once the rows added are in the file (before the stream ends)', async () => {
    const file = path.join(dir(), 'errors.jsonl');
    const writer = new ErrorReportWriter(fs.createWriteStream(file));
    for (const row of rows) await writer.add(row);
    await writer.flush();
    expect(fs.readFileSync(file, 'utf8')).toBe(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await writer.close();
  });

  test("the stream's error is thrown by the next add, not left unhandled", async () => {
    const writer = new ErrorReportWriter(fs.createWriteStream(path.join(dir(), 'missing-folder', 'errors.jsonl')));
    await expect(writer.add(rows[0]).then(() => writer.flush())).rejects.toThrow(/ENOENT/);
    await expect(writer.add(rows[1])).rejects.toThrow(/ENOENT/);
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
  });

  test('a resumed task continues a report written with itemIndex: copied rows carry itemNumber = itemIndex + 1', async () => {
    const file = path.join(dir(), 'errors.jsonl');
    const writer = new ErrorReportWriter(fs.createWriteStream(file));
    const mixed = Readable.from([...oldRows.map((r) => `${JSON.stringify(r)}\n`), `${JSON.stringify(rows[0])}\n`]);
    expect(await writer.copy(mixed, Infinity)).toBe(3);
    await writer.add(rows[2]);
    await writer.close();
    const written = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
    expect(written).toEqual([...upgraded, rows[0], rows[2]]);
  });
});
