import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';

import { DETECT, FORMAT_INFO, headText } from '../../../../../shared/formats';
import { openZip, writeZip, ZipError } from '../../zip';
import { chunksOf, truncate } from '../common';
import { columnsMessage, lengthLimit, readLimits, type ReadLimits } from '../limits';
import { csvColumns, itemOfRow, valueAt } from '../csv';
import type { CsvColumn, FileHeader, FormatModule, ReadOptions, SourceItem, WriteOptions } from '../types';
import { decodeSheetCell, plain, sheetCellWriter, type SheetValue } from './cells';
import { normalizeSpreadsheetXml } from './normalize';

/**
 * XLSX (Office Open XML workbook): the first worksheet's first row names the fields, as a CSV's header row does
 * (attributes, `seo.metaTitle`, `category.slug`), and each row below is one item. Written and read with exceljs's
 * streaming workbook writer and reader: rows go out page by page and come in row by row.
 *
 * Reading. The upload is copied to a temporary file and its zip directory read first (yauzl): a file that is not a
 * zip, is cut short, or whose shared strings (the one part exceljs holds in memory) are larger than
 * `maxSharedStringsBytes` is refused before exceljs reads it. The first worksheet is read, then each following
 * worksheet whose header row is the same (an export longer than a sheet's 1,048,576 rows continues on such sheets);
 * other sheets are left alone. Empty rows are skipped. Cells: ./cells.ts.
 *
 * Writing. One worksheet named after the content type, the header row frozen; past 1,048,575 items a new sheet
 * with the same header. Exports are not byte-identical from one run to the next (the workbook records its creation
 * time): compare XLSX exports by their content.
 */

/** Excel's rows per sheet, the header row included. */
export const SHEET_ROWS = 1_048_576;
/** The most bytes of shared strings read (the one part of a workbook held in memory while it is read). */
export const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;

type Row = { number: number; values: SheetValue[] | Record<string, SheetValue> };

/** The text of a header cell (`plain`'s value; none, or an error value: ''). */
const headerText = (cell: SheetValue): string => {
  const found = plain(cell);
  if ('error' in found || found.value === null) return '';
  return found.value instanceof Date ? found.value.toISOString() : String(found.value);
};

/** A row's cells, 0-based (exceljs gives them 1-based, sparse). */
const cellsOf = (row: Row): SheetValue[] => {
  const values = Array.isArray(row.values) ? row.values : [];
  const cells: SheetValue[] = [];
  for (let i = 1; i < values.length; i += 1) cells.push(values[i]);
  return cells;
};

/** No cell: an empty text cell (`''`, which only a program writes, as this one does for an empty text) is a value. */
const isEmpty = (cell: SheetValue) => cell === null || cell === undefined;

/** A cell's length, for maxItemLength. */
const lengthOf = (cell: SheetValue): number => (typeof cell === 'string' ? cell.length : cell && typeof cell === 'object' && 'richText' in cell ? JSON.stringify(cell).length : 16);

/** The parts of a workbook exceljs reads, in the order that lets it stream the sheets (shared strings before). */
const PARTS = ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];
const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** A workbook refused with a message of ours (anything else a library throws is wrapped: `unreadable`). */
class WorkbookError extends Error {}

const unreadable = (error: unknown): Error =>
  error instanceof WorkbookError ? error : new WorkbookError(`The workbook cannot be read: ${(error instanceof Error ? error.message : String(error)).replace(/\.+$/, '')}`);

/** Counts an entry's bytes as they pass, failing beyond `max`. */
const counted = (max: number, message: string) => {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(bytes > max ? new WorkbookError(message) : null, chunk);
    },
  });
};

/**
 * Copies the workbook `source` into `target` as a clean zip of the parts exceljs reads, each one inflated and checked
 * on the way (yauzl: directory, sizes, compressed data), the shared strings (the part exceljs holds in memory) at most
 * `maxSharedStringsBytes`. exceljs reads the copy: given a damaged zip as it is, its reader can wait forever (a
 * corrupted entry or local header: 53 of 300 randomly damaged workbooks in a test never settled).
 */
const cleanWorkbook = async (source: string, target: string, { maxSharedStringsBytes }: { maxSharedStringsBytes: number }) => {
  const zip = await openZip(source, { maxEntries: 10_000 }).catch((error: unknown) => {
    const reason = error instanceof ZipError ? error.message : String(error);
    throw new WorkbookError(`The file is not an XLSX workbook: ${reason.replace(/\.+$/, '')}`);
  });
  try {
    const sheets = zip.entries
      .filter((entry) => SHEET.test(entry.name))
      .sort((a, b) => Number(SHEET.exec(a.name)?.[1]) - Number(SHEET.exec(b.name)?.[1]));
    if (sheets.length === 0) throw new WorkbookError('The file is a zip but holds no worksheet (xl/worksheets/sheet1.xml): is it an XLSX workbook?');
    const names = [...PARTS.filter((name) => zip.has(name)), ...sheets.map((entry) => entry.name)];
    const limit = `The workbook's shared strings are larger than ${Math.round(maxSharedStringsBytes / 1024 / 1024)} MB: save it as CSV, or split it`;
    const entries = names.map((name) => ({
      name,
      open: () => {
        const out = new PassThrough();
        zip
          .open(name)
          .then((stream) => {
            // The workbook's own parts as exceljs reads them (normalize.ts); the package's parts as they are.
            const normalized = name.startsWith('xl/') && !name.includes('/_rels/') ? normalizeSpreadsheetXml({ sheet: SHEET.test(name) }) : new PassThrough();
            return name === 'xl/sharedStrings.xml'
              ? pipeline(stream, counted(maxSharedStringsBytes, limit), normalized, out)
              : pipeline(stream, normalized, out);
          })
          .catch((error: Error) => out.destroy(error instanceof WorkbookError ? error : new WorkbookError(`The workbook cannot be read: ${name}: ${error.message.replace(/\.+$/, '')}`)));
        return out;
      },
    }));
    await pipeline(writeZip(entries), fs.createWriteStream(target)).catch((error: unknown) => {
      throw unreadable(error);
    });
  } finally {
    zip.close();
  }
};

/** The items of the workbook in `file` (checked). */
async function* readRows(file: string, options: ReadOptions, limits: ReadLimits): AsyncGenerator<SourceItem> {
  const input = fs.createReadStream(file);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const settings = { maxDepth: limits.maxDepth, decimalComma: options.decimalComma ?? false };
  let header: string[] | null = null;
  let columns: CsvColumn[] = [];
  let index = 0;
  try {
    for await (const sheet of reader as unknown as AsyncIterable<AsyncIterable<Row>>) {
      let first = true;
      let sameHeader = true;
      for await (const row of sheet) {
        options.signal?.throwIfAborted();
        const cells = cellsOf(row);
        if (cells.every(isEmpty)) continue;
        if (first) {
          first = false;
          const names = cells.map(headerText);
          while (names.length > 0 && names[names.length - 1] === '') names.pop();
          if (header === null) {
            if (names.length > limits.maxColumns) throw new WorkbookError(`Row ${row.number}: ${columnsMessage(limits.maxColumns)}`);
            header = names;
            columns = (options.resolveColumns ? options.resolveColumns(names) : names.map((name) => ({ header: name, path: [name] }))).map((column) =>
              column.header === '' ? { ...column, path: null } : column
            );
            continue;
          }
          sameHeader = names.length === header.length && names.every((name, i) => name === header?.[i]);
          if (!sameHeader) break;
          continue;
        }
        const line = row.number;
        const item: SourceItem = { index, line };
        index += 1;
        const raw = () => truncate(JSON.stringify(cells));
        const length = cells.reduce<number>((sum, cell) => sum + lengthOf(cell), 0);
        if (length > limits.maxItemLength) {
          yield { ...item, error: `Row ${line}: the row is longer than ${lengthLimit(limits.maxItemLength)}` };
          continue;
        }
        const beyond = cells.findIndex((cell, i) => i >= columns.length && !isEmpty(cell));
        if (beyond !== -1) {
          yield { ...item, error: `Row ${line}: a value in column ${beyond + 1}, which has no header`, raw: raw() };
          continue;
        }
        const decoded = itemOfRow(columns, (column, j) => decodeSheetCell(column, cells[j], settings));
        if ('errors' in decoded) yield { ...item, error: `Row ${line}, ${decoded.errors.join('; ')}`, raw: raw() };
        else yield { ...item, value: decoded.value };
      }
      if (header === null) continue;
      if (!sameHeader) break;
    }
  } catch (error) {
    // exceljs's own errors (a damaged part: `2:867: unexpected close tag.`) say nothing of where: say it is the workbook.
    if (options.signal?.aborted) throw error;
    throw unreadable(error);
  } finally {
    input.destroy();
  }
  if (header === null) throw new WorkbookError('The workbook is empty: its first worksheet has no header row');
}

/** The upload in a temporary file (a zip is read from its end), checked; `dispose` removes it. */
const copyWorkbook = async (open: () => Readable, signal: AbortSignal | undefined) => {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dmc-xlsx-'));
  const dispose = () => fs.promises.rm(dir, { recursive: true, force: true });
  try {
    const upload = path.join(dir, 'upload.xlsx');
    await pipeline(open(), fs.createWriteStream(upload), signal ? { signal } : {});
    const file = path.join(dir, 'workbook.xlsx');
    await cleanWorkbook(upload, file, { maxSharedStringsBytes: MAX_SHARED_STRINGS_BYTES });
    await fs.promises.rm(upload);
    return { file, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
};

async function* readXlsx(open: () => Readable, options: ReadOptions): AsyncGenerator<SourceItem> {
  const limits = readLimits(options.limits);
  const { file, dispose } = await copyWorkbook(open, options.signal);
  try {
    yield* readRows(file, options, limits);
  } finally {
    await dispose();
  }
}

/** Before a task exists: a file that is not a readable workbook is refused with the reason (a 400). */
const checkXlsx = async (open: () => Readable): Promise<FileHeader> => {
  const { dispose } = await copyWorkbook(open, undefined);
  await dispose();
  return { configuration: null };
};

/** A sheet name from a content type's uid: `api::article.article` → `article` (31 characters, no []:*?/\). */
const sheetNameOf = (options: WriteOptions): string => {
  const uid = typeof options.configuration?.contentType === 'string' ? options.configuration.contentType : 'items';
  return (uid.split('.').pop() ?? 'items').replace(/[[\]:*?/\\]/g, '-').slice(0, 28) || 'items';
};

async function* writeXlsx(pages: AsyncIterable<Array<Record<string, unknown>>>, options: WriteOptions): AsyncGenerator<Uint8Array> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  const columns = csvColumns(options).map((column) => ({ ...column, write: sheetCellWriter(column) }));
  const name = sheetNameOf(options);
  let sheets = 0;
  let sheet: ExcelJS.Worksheet | null = null;
  let rows = 0;
  const newSheet = () => {
    sheet?.commit();
    sheets += 1;
    sheet = workbook.addWorksheet(sheets === 1 ? name : `${name} (${sheets})`, { views: [{ state: 'frozen', ySplit: 1 }] });
    const header = sheet.addRow(columns.map((column) => column.header));
    header.font = { bold: true };
    header.commit();
    rows = 1;
    return sheet;
  };
  let current = newSheet();
  for await (const page of pages) {
    for (const item of page) {
      if (rows >= SHEET_ROWS) current = newSheet();
      const row = current.addRow(columns.map(() => null));
      columns.forEach((column, i) => {
        const cell = column.write(valueAt(item, column.path));
        if (cell.value === null) return;
        const target = row.getCell(i + 1);
        target.value = cell.value;
        if (cell.numFmt) target.numFmt = cell.numFmt;
      });
      row.commit();
      rows += 1;
    }
    while (chunks.length > 0) yield chunks.shift() as Buffer;
  }
  current.commit();
  await workbook.commit();
  while (chunks.length > 0) yield chunks.shift() as Buffer;
}

export const xlsxFormat: FormatModule = {
  ...FORMAT_INFO.xlsx,
  detect: (head) => DETECT.xlsx(headText(head)),
  read: readXlsx,
  // exceljs gives one row at a time.
  readChunks: (open, options) => chunksOf(readXlsx(open, options)),
  write: writeXlsx,
  readHeader: checkXlsx,
};

export default xlsxFormat;
