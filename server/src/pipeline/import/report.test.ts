import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ErrorReportWriter, neutraliseCsvCell, renderErrorReport, type ErrorReportRow } from './report';

// The second row is as reports were written before the stage and field columns: it still reads (a resumed task
// continues an older report).
const rows: ErrorReportRow[] = [
  { itemIndex: 0, line: 1, key: 'a', stage: 'map', field: 'title', message: 'title: expected text', item: { title: 5 } },
  { itemIndex: 3, line: null, key: null, message: '=cmd|"/c calc"!A1', item: '{broken' },
  { itemIndex: 7, line: 8, key: '-5', message: 'x, "quoted"\nnext line', item: null },
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
  expect(lines[0]).toBe('itemIndex,line,key,stage,field,message,item');
  expect(lines[1]).toBe('0,1,a,map,title,title: expected text,"{""title"":5}"');
  expect(lines[2]).toBe(`3,,,,,"'=cmd|""/c calc""!A1","""{broken"""`);
  expect(text).toContain(`'-5`);
  expect(text).toContain('"x, ""quoted""\nnext line"');
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
});
