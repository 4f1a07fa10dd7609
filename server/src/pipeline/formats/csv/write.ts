import type { AttributeInfo } from '../../../../../shared/contracts';
import type { FormatWriter, WriteOptions } from '../types';
import { cellEncoder, quoteCell, referenceEncoder, valueAt } from './cells';

/** Writing a CSV: the header row from the exported attributes (a single component: one column per field), then rows. */

export interface WriteColumn {
  header: string;
  path: string[];
  attribute?: AttributeInfo;
  /** A relation written by this key of its target, as plain values (`category.slug`): see `referenceEncoder`. */
  referenceKey?: string;
}

type KeyOf = WriteOptions['referenceKey'];

/**
 * A single component becomes one column per field (recursively); a relation written by a key other than documentId
 * one column named after it (`category.slug`); everything else one column.
 */
const columnsOf = (attribute: AttributeInfo, prefix: string[], keyOf: KeyOf): WriteColumn[] => {
  const path = [...prefix, attribute.name];
  if (attribute.type === 'component' && !attribute.multiple && attribute.attributes?.length) {
    return attribute.attributes.flatMap((field) => columnsOf(field, path, keyOf));
  }
  const key = attribute.type === 'relation' && attribute.target && keyOf ? keyOf(attribute.target) : 'documentId';
  if (key !== 'documentId') return [{ header: [...path, key].join('.'), path, attribute, referenceKey: key }];
  return [{ header: path.join('.'), path, attribute }];
};

/** The columns of a tabular export, in order: leading keys, attributes (components flattened), trailing keys. */
export const csvColumns = (options: WriteOptions): WriteColumn[] => [
  ...options.leadingKeys.map((key) => ({ header: key, path: [key] })),
  ...options.attributes.flatMap((attribute) => columnsOf(attribute, [], options.referenceKey)),
  ...(options.trailingKeys ?? []).map((key) => ({ header: key, path: [key] })),
];

/** The encoder of a column's cells. */
export const columnEncoder = (column: WriteColumn): ((value: unknown) => string) =>
  column.referenceKey && column.attribute ? referenceEncoder(column.attribute, column.referenceKey) : cellEncoder(column.attribute);

/** The rows as CRLF-terminated text (RFC 4180), the header row first (after a byte order mark when asked). */
export const createCsvWriter = (options: WriteOptions): FormatWriter => {
  const columns = csvColumns(options).map((column) => ({ ...column, encode: columnEncoder(column) }));
  const delimiter = options.csvDelimiter ?? ',';
  const row = (item: Record<string, unknown>) => {
    let line = '';
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i];
      line += `${i === 0 ? '' : delimiter}${column.encode(valueAt(item, column.path))}`;
    }
    return `${line}\r\n`;
  };
  return {
    begin: () => `${options.csvBom ? '\ufeff' : ''}${columns.map((column) => quoteCell(column.header)).join(delimiter)}\r\n`,
    item: row,
    items: (items) => {
      let text = '';
      for (const item of items) text += row(item);
      return text;
    },
    end: () => '',
  };
};
