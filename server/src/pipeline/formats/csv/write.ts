import type { AttributeInfo } from '../../../../../shared/contracts';
import type { FormatWriter, WriteOptions } from '../types';
import { cellEncoder, quoteCell, valueAt } from './cells';

/** Writing a CSV: the header row from the exported attributes (a single component: one column per field), then rows. */

interface WriteColumn {
  header: string;
  path: string[];
  attribute?: AttributeInfo;
}

/** A single component becomes one column per field (recursively); everything else one column. */
const columnsOf = (attribute: AttributeInfo, prefix: string[]): WriteColumn[] => {
  const path = [...prefix, attribute.name];
  if (attribute.type === 'component' && !attribute.multiple && attribute.attributes?.length) {
    return attribute.attributes.flatMap((field) => columnsOf(field, path));
  }
  return [{ header: path.join('.'), path, attribute }];
};

export const csvColumns = (options: WriteOptions): WriteColumn[] => [
  ...options.leadingKeys.map((key) => ({ header: key, path: [key] })),
  ...options.attributes.flatMap((attribute) => columnsOf(attribute, [])),
  ...(options.trailingKeys ?? []).map((key) => ({ header: key, path: [key] })),
];

/** The rows as CRLF-terminated text (RFC 4180), the header row first. */
export const createCsvWriter = (options: WriteOptions): FormatWriter => {
  const columns = csvColumns(options).map((column) => ({ ...column, encode: cellEncoder(column.attribute) }));
  const row = (item: Record<string, unknown>) => {
    let line = '';
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i];
      line += `${i === 0 ? '' : ','}${column.encode(valueAt(item, column.path))}`;
    }
    return `${line}\r\n`;
  };
  return {
    begin: () => `${columns.map((column) => quoteCell(column.header)).join(',')}\r\n`,
    item: row,
    items: (items) => {
      let text = '';
      for (const item of items) text += row(item);
      return text;
    },
    end: () => '',
  };
};
