import type { AttributeInfo, AttributeType } from '../../../../../shared/contracts';
import type { CsvColumn, SourceItem, WriteOptions } from '../types';
import { createCsvWriter } from './write';

/** What the CSV tests share: attributes, the importer's column resolver, a writer checked page by page. */

export const attr = (name: string, type: AttributeType, extra: Partial<AttributeInfo> = {}): AttributeInfo => ({
  name,
  type,
  required: false,
  unique: false,
  private: false,
  ...extra,
});

/** What the importer does: a header is an attribute name or a dot path into a single component. */
export const resolverFor =
  (attributes: AttributeInfo[]) =>
  (headers: string[]): CsvColumn[] =>
    headers.map((header) => {
      const [name, ...rest] = header.split('.');
      let attribute = attributes.find((candidate) => candidate.name === name);
      for (const field of rest) attribute = attribute?.attributes?.find((candidate) => candidate.name === field);
      return { header, path: header.split('.'), attribute };
    });

export const write = (items: Record<string, unknown>[], options: WriteOptions) => {
  const writer = createCsvWriter(options);
  const text = writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
  // A page at a time (as exports write) gives the same bytes.
  const paged = createCsvWriter(options);
  expect(paged.begin() + paged.items?.(items) + paged.end()).toBe(text);
  return text;
};

export const values = (items: SourceItem[]) => items.map((item) => item.error ?? item.value);
