import type { Readable } from 'node:stream';

import { DETECT, FORMAT_INFO, headText } from '../../../../../shared/formats';
import { streamChunks, streamItems } from '../common';
import { readLimits } from '../limits';
import type { FormatModule, ReadOptions, SourceItem } from '../types';
import { writeText } from '../write-text';
import { CsvItemParser } from './parser';

export { itemOfRow } from './parser';
export { valueAt } from './cells';
import { createCsvWriter } from './write';

export { columnEncoder, csvColumns, createCsvWriter, type WriteColumn } from './write';
export { decodeCell, decodeColumnCell, encodeCell, escapeTextCell, unescapeTextCell, joinReferenceKeys, splitReferenceKeys, MAX_RECORD_LENGTH, type CellSettings } from './cells';

/**
 * CSV (RFC 4180): a header row naming the fields, then one item per row.
 *
 * Reading. The header names attributes, and component fields by dot path (`seo.metaTitle`); the importer's
 * `resolveColumns` says where each column goes and which attribute decodes it. Delimiter `,` `;` or tab (whichever
 * the header row has most of, outside quotes: `csvDelimiter`, shared with the admin; the `csvDelimiter` option
 * overrides it), CRLF or LF, a UTF-8 BOM ignored, blank lines skipped (they count
 * for line numbers; in a one-column file a blank line is a row with a null cell).
 * A quote-aware scanner cuts the text into whole records (so papaparse, which parses them, never sees half a
 * record), notes the physical line each record starts on, and notes the cells written as `""`: papaparse returns
 * both `""` and an empty unquoted cell as '', and the two differ here.
 *
 * Null and empty string, as PostgreSQL's COPY CSV: an UNQUOTED empty cell is null, a QUOTED empty cell `""` is
 * the empty string. For types where '' is not a value (numbers, booleans, JSON, relations, media), `""` reads as
 * null too.
 *
 * CSV injection, neutralised reversibly. A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a
 * formula. Text cells (types string, text, richtext, email, uid, enumeration, password, and keys without an
 * attribute such as documentId): the WRITER prefixes one `'` to a text that starts with zero or more apostrophes
 * followed by one of `=`, `+`, `-`, `@`, tab, CR (`/^'*[=+\-@\t\r]/`); the READER removes one `'` from a cell that
 * starts with one or more apostrophes followed by one of those (`/^'+[=+\-@\t\r]/`), and from no other cell. A
 * written cell matches the reader's pattern exactly when the writer escaped it, so any text survives a round trip,
 * and a CSV from another program keeps its apostrophes (`'hello`, `' OR '1'='1`, `''`); only a cell that is itself
 * an escaped formula (`'=SUM(A1)`) loses its escape, as in a spreadsheet.
 * Numeric, boolean, date/time and JSON cells are never prefixed (a number such as -5 is a value, not a formula,
 * and JSON text cannot start with `=`, `+` or `@`).
 *
 * Cells by attribute type (a null cell is null for every type):
 * - string, text, richtext, email, uid, enumeration, password: the text (one leading `'` removed);
 *   date, time, datetime, timestamp: the text;
 * - integer, float, decimal: a number (decimal notation only); biginteger: the digits, as a string;
 *   boolean: true/false/1/0, any case;
 * - json, blocks, dynamic zones, components given as one column, repeatable components, multiple media, to-many
 *   relations: JSON text;
 * - a single component: one column per field, `name.field`, each decoded by its own attribute; all its cells null:
 *   the component is null;
 * - a relation by key, header `category.slug` (to-one: `news`) or `tags.name` (to-many: `news|sport`, a `|` or `\`
 *   inside a key written `\|`, `\\`): `{ slug: "news" }`, `[{ name: "news" }, { name: "sport" }]`; an empty cell: none;
 * - integer, float, decimal with `decimalComma`: `48,8566`, `1.234.567,5`, `1 234,5` (dots or spaces group by three);
 * - to-one relation: a documentId, or JSON text of a natural-key object when the cell starts with `{`;
 *   single media: a number when the cell is all digits (a file id), else the text (url or hash), or JSON when it
 *   starts with `{`.
 */

const csvParser = (options: ReadOptions) =>
  new CsvItemParser(options.resolveColumns, readLimits(options.limits), { delimiter: options.csvDelimiter, decimalComma: options.decimalComma });

export const csvFormat: FormatModule = {
  ...FORMAT_INFO.csv,
  detect: (head) => DETECT.csv(headText(head)),
  read: (open: () => Readable, options: ReadOptions) => streamItems<SourceItem>(open, () => csvParser(options), options),
  readChunks: (open: () => Readable, options: ReadOptions) => streamChunks<SourceItem>(open, () => csvParser(options), options),
  write: (pages, options) => writeText(createCsvWriter(options), pages),
};

export default csvFormat;
