import type { AttributeInfo } from '../../../../../shared/contracts';
import { decodeColumnCell, type CellSettings } from '../csv';
import type { CsvColumn } from '../types';
import type { WriteColumn } from '../csv';
import { isTextColumn, isToMany, JSON_TYPES, referenceText, textOf } from '../csv/cells';

/**
 * XLSX cells by attribute type. A sheet's cells are typed (text, number, boolean, date), so where CSV writes text,
 * an XLSX writes the value's own type, and reading takes a typed cell as it is and a text cell as CSV reads text:
 * - text attributes (string, text, richtext, email, uid, enumeration, password) and documentId/locale: text cells,
 *   as written (`007` keeps its zeros; a text starting with `=` is text, never a formula: no escape is needed);
 * - integer, float, decimal: number cells; biginteger: text (a number cell holds 15 significant digits);
 * - boolean: boolean cells; date: a date cell `yyyy-mm-dd`; datetime and timestamp: a date cell with milliseconds
 *   (UTC); a date before 1900-03-01 (Excel's calendar starts in 1900, with a false 29 February) or after 9999: text;
 *   time: text;
 * - relations by key, JSON, components in one column, dynamic zones, to-many relations, media: text, as in CSV.
 * Read back: a number cell in a text column is its digits, a date cell in a date column `yyyy-mm-dd`, a formula cell
 * its last computed value (a formula never computed, or an error value such as `#N/A`, is an item error naming the
 * cell), rich text its plain text, a hyperlink its text.
 */

const EXCEL_FIRST_DATE = Date.UTC(1900, 2, 1);
const EXCEL_LAST_DATE = Date.UTC(10000, 0, 1);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date as a date cell when Excel's calendar holds it, else null (written as text). */
const excelDate = (text: string): Date | null => {
  const date = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00.000Z` : text);
  const time = date.getTime();
  return Number.isFinite(time) && time >= EXCEL_FIRST_DATE && time < EXCEL_LAST_DATE ? date : null;
};

export const DATE_FORMAT = 'yyyy-mm-dd';
export const DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

/** A cell as the writer gives it to exceljs: a value, and the number format of a date cell. */
export interface SheetCell {
  value: string | number | boolean | Date | null;
  numFmt?: string;
}

/** The writer of one column's cells, worked out once per column. */
export const sheetCellWriter = (column: WriteColumn): ((value: unknown) => SheetCell) => {
  const { attribute, referenceKey } = column;
  if (attribute && referenceKey) {
    const text = referenceText(attribute, referenceKey);
    return (value) => ({ value: text(value) });
  }
  const empty = (value: unknown) => value === null || value === undefined;
  if (isTextColumn(attribute)) return (value) => ({ value: empty(value) ? null : textOf(value) });
  const type = (attribute as AttributeInfo).type;
  if (type === 'integer' || type === 'float' || type === 'decimal') {
    return (value) => ({ value: empty(value) ? null : typeof value === 'number' ? value : Number(value) });
  }
  if (type === 'boolean') return (value) => ({ value: empty(value) ? null : Boolean(value) });
  if (type === 'date' || type === 'datetime' || type === 'timestamp') {
    const numFmt = type === 'date' ? DATE_FORMAT : DATETIME_FORMAT;
    return (value) => {
      if (empty(value)) return { value: null };
      const text = value instanceof Date ? value.toISOString() : String(value);
      const date = excelDate(text);
      return date ? { value: date, numFmt } : { value: text };
    };
  }
  if (JSON_TYPES.has(type) || isToMany(attribute as AttributeInfo)) return (value) => ({ value: empty(value) ? null : JSON.stringify(value) });
  return (value) => ({ value: empty(value) ? null : textOf(value) });
};

/** What exceljs's reader gives for a cell. */
export type SheetValue =
  | null
  | undefined
  | string
  | number
  | boolean
  | Date
  | { richText: Array<{ text: string }> }
  | { text: unknown; hyperlink: string }
  | { formula?: string; sharedFormula?: string; result?: unknown }
  | { error: string };

type Decoded = { value: unknown } | { error: string };

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (date: Date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
/** A date cell's instant, to the millisecond (a cell holds days as a double: a few microseconds off). */
const roundedDate = (date: Date) => new Date(Math.round(date.getTime()));

/** The plain value behind a cell: a formula's result, rich text's text, a hyperlink's text; an error value: error. */
export const plain = (cell: SheetValue, depth = 0): { value: string | number | boolean | Date | null } | { error: string } => {
  if (cell === null || cell === undefined) return { value: null };
  if (typeof cell !== 'object' || cell instanceof Date) return { value: cell };
  if ('richText' in cell) return { value: (cell.richText ?? []).map((run) => run.text ?? '').join('') };
  if ('hyperlink' in cell) return typeof cell.text === 'string' ? { value: cell.text } : plain(cell.text as SheetValue, depth + 1);
  if ('error' in cell) return { error: `the cell holds the error value ${cell.error}` };
  if ('formula' in cell || 'sharedFormula' in cell) {
    if (cell.result === undefined || cell.result === null || depth > 0) {
      return { error: `the cell holds a formula (=${cell.formula ?? cell.sharedFormula}) with no computed value: open and save the file in a spreadsheet, or paste the values` };
    }
    return plain(cell.result as SheetValue, depth + 1);
  }
  return { error: 'the cell holds a value of an unknown kind' };
};

/** The value of one cell of a column (the column's attribute decides, as in `sheetCellWriter`). */
export const decodeSheetCell = (column: CsvColumn, cell: SheetValue, settings: CellSettings): Decoded => {
  const found = plain(cell);
  if ('error' in found) return found;
  const { value } = found;
  if (value === null) return { value: null };
  const type = column.attribute?.type;
  if (typeof value === 'string') return decodeColumnCell(column, value, true, { ...settings, formulaEscape: false });
  if (value instanceof Date) {
    const instant = roundedDate(value).toISOString();
    if (type === 'date') return { value: isoDate(value) };
    // A time cell is a date on 1899-12-30 (day 0 of Excel's calendar): its time of day.
    if (type === 'time') return { value: instant.slice(11, 23) };
    return { value: instant };
  }
  if (typeof value === 'boolean' && type === 'boolean') return { value };
  if (typeof value === 'boolean') return decodeColumnCell(column, String(value), true, { ...settings, formulaEscape: false });
  // A number.
  if (type === 'integer' || type === 'float' || type === 'decimal') return { value };
  if (type === 'biginteger') return Number.isSafeInteger(value) ? { value: String(value) } : { error: `${value} is not an integer (write big integers as text)` };
  return decodeColumnCell(column, String(value), true, { ...settings, formulaEscape: false });
};
