import { once } from 'node:events';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ErrorReportRow } from '../../../../shared/contracts';
import type { ItemProblem } from '../problems';

/**
 * The error report: one row per failed item, written as JSON lines while the task runs (bounded memory
 * whatever the number of failures), served as CSV or JSON on download.
 */

export type { ErrorReportRow };

export const ERROR_REPORT_COLUMNS = ['itemNumber', 'line', 'key', 'stage', 'field', 'message', 'item'] as const;

/** A bundle import's report: each row also names its content type, first. */
export const BUNDLE_REPORT_COLUMNS = ['contentType', ...ERROR_REPORT_COLUMNS] as const;

/** The report's row of an item's problem: `itemNumber` counts from 1 (the problem's `index` from 0), as "item N". */
export const reportRow = ({ index, line, key, stage, field, message }: ItemProblem, item: unknown): ErrorReportRow => ({
  itemNumber: index + 1,
  line,
  key,
  stage,
  field,
  message,
  item,
});

/**
 * A stored row of a report. Reports written before `itemNumber` existed carry `itemIndex`, the item's position counting
 * from 0 (a resumed task continues such a report; an older task's report is still downloaded): such a row is read with
 * `itemNumber` = `itemIndex` + 1, in the old column's place.
 */
export const parseReportRow = (line: string): ErrorReportRow => {
  const row = JSON.parse(line) as ErrorReportRow & { itemIndex?: unknown };
  if (row.itemNumber !== undefined || typeof row.itemIndex !== 'number') return row;
  const entries = Object.entries(row).map(([name, value]) =>
    name === 'itemIndex' ? ['itemNumber', Number(value) + 1] : [name, value]
  );
  return Object.fromEntries(entries) as ErrorReportRow;
};

/** Where an import adds its report rows (the task's report, or in a bundle one type's rows of it). */
export interface ItemReport {
  readonly count: number;
  addProblem(problem: ItemProblem, item: unknown): Promise<void>;
  /** Waits until the rows added so far are written out. */
  flush(): Promise<void>;
}

/** The rows of one type of a bundle in the task's report: each names its content type. */
export const typeReport = (report: ErrorReportWriter, contentType: string, file?: string): ItemReport => ({
  get count() {
    return report.count;
  },
  // `file`: which of the type's files the line is in, when it has two (its drafts and its published versions).
  addProblem: (problem, item) =>
    report.add({ contentType, ...reportRow(file ? { ...problem, message: `${file}: ${problem.message}` } : problem, item) }),
  flush: () => report.flush(),
});

export class ErrorReportWriter implements ItemReport {
  count = 0;
  /** Settles once everything written so far has reached the stream's file (write callbacks come in order). */
  private written: Promise<void> = Promise.resolve();

  /** The stream's error (a full disk...): thrown by the next `add`, `flush` or `close`, never left unhandled. */
  private failure: Error | null = null;

  constructor(private readonly out: Writable) {
    out.on('error', (error: Error) => (this.failure ??= error));
  }

  private send(text: string): boolean {
    let accepted = true;
    const written = new Promise<void>((resolve, reject) => {
      accepted = this.out.write(text, (error) => (error ? reject(error) : resolve()));
    });
    written.catch(() => undefined); // the error also reaches the stream's 'error' listeners and `flush`
    this.written = written;
    return accepted;
  }

  async add(row: ErrorReportRow) {
    if (this.failure) throw this.failure;
    this.count += 1;
    if (!this.send(`${JSON.stringify(row)}\n`)) await once(this.out, 'drain');
  }

  /** Adds the row of an item's problem. */
  addProblem(problem: ItemProblem, item: unknown) {
    return this.add(reportRow(problem, item));
  }

  /** Waits until the rows added so far are written out (to the operating system: they outlive a killed process). */
  async flush() {
    await this.written;
    if (this.failure) throw this.failure;
  }

  /**
   * Copies the first `limit` rows of an earlier report (a resumed task continues it); returns how many. Rows of a
   * report written before `itemNumber` are copied as `parseReportRow` reads them.
   */
  async copy(source: Readable, limit: number): Promise<number> {
    let copied = 0;
    for await (const line of readline.createInterface({ input: source, crlfDelay: Infinity })) {
      if (copied >= limit) break;
      if (!line) continue;
      const row = line.includes('"itemIndex"') ? JSON.stringify(parseReportRow(line)) : line;
      if (!this.send(`${row}\n`)) await once(this.out, 'drain');
      copied += 1;
    }
    source.destroy();
    return copied;
  }

  private closed = false;

  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
  }
}

/** Cells starting like a formula are prefixed with `'` so a spreadsheet shows them as text (CSV injection). */
export const neutraliseCsvCell = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = neutraliseCsvCell(typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value));
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The stored report (JSON lines) as CSV or JSON text, streamed. */
export async function* renderErrorReport(
  source: Readable,
  format: 'csv' | 'json',
  limit = Infinity,
  columns: ReadonlyArray<keyof ErrorReportRow> = ERROR_REPORT_COLUMNS
): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  let first = true;
  let count = 0;
  yield format === 'csv' ? `${columns.join(',')}\r\n` : '[\n';
  for await (const line of lines) {
    if (!line) continue;
    if (count++ >= limit) {
      source.destroy();
      break;
    }
    const row = parseReportRow(line);
    if (format === 'csv') {
      yield `${columns.map((column) => csvCell(column === 'item' ? JSON.stringify(row.item) : row[column])).join(',')}\r\n`;
    } else {
      yield `${first ? '' : ',\n'}  ${JSON.stringify(row)}`;
      first = false;
    }
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
