import type { Readable } from 'node:stream';
import type { AttributeInfo, ImportPreviewItem } from '../../../../shared/contracts';
import { csvColumnsFor } from '../formats/columns';
import type { ReadLimits } from '../formats/limits';
import type { FormatModule, ReadOptions, SourceItem } from '../formats/types';
import type { ResolvedImportOptions } from '../task-options';
import { ItemError } from '../problems';
import type { PreparedItem } from './prepare/prepare';
import { hasTransforms } from './prepare/transforms';

/**
 * The import preview (POST /import-previews): the first items of a file, each as read, as it would be written
 * (after the field mapping, the transforms and prepare's checks; references not resolved) and what failed. Read
 * by the import's own reader and preparer; nothing is written. Reading stops after `count` items.
 */

export const PREVIEW_DEFAULT_COUNT = 10;
export const PREVIEW_MAX_COUNT = 50;

interface PreviewInput {
  format: FormatModule;
  open: () => Readable;
  options: ResolvedImportOptions;
  attributes: AttributeInfo[];
  limits: Partial<ReadLimits>;
  count: number;
  prepare: (value: Record<string, unknown>) => PreparedItem | Promise<PreparedItem>;
}

/** The first `count` items a reader gives (the read is stopped after them). */
const firstItems = async (format: FormatModule, open: () => Readable, options: ReadOptions, count: number): Promise<SourceItem[]> => {
  const controller = new AbortController();
  const items: SourceItem[] = [];
  try {
    for await (const item of format.read(open, { ...options, signal: controller.signal })) {
      items.push(item);
      if (items.length >= count) break;
    }
  } finally {
    controller.abort();
  }
  return items;
};

export const previewItems = async ({ format, open, options, attributes, limits, count, prepare }: PreviewInput): Promise<ImportPreviewItem[]> => {
  const readOptions: ReadOptions = {
    limits,
    invalidUtf8: options.invalidUtf8,
    csvDelimiter: options.csvDelimiter,
    decimalComma: options.decimalComma,
  };
  const items = await firstItems(
    format,
    open,
    {
      ...readOptions,
      resolveColumns: format.tabular ? csvColumnsFor(attributes, options.fieldMapping, hasTransforms(options.fieldMapping, options.computed)) : undefined,
    },
    count
  );
  // A tabular file's rows as written, by header (the import's reader maps and decodes the columns).
  const sources = format.tabular
    ? await firstItems(format, open, { ...readOptions, resolveColumns: (headers) => headers.map((header) => ({ header, path: [header] })) }, count)
    : items;

  const preview: ImportPreviewItem[] = [];
  for (const [i, item] of items.entries()) {
    const source = sources[i]?.value ?? sources[i]?.raw ?? item.raw ?? null;
    if (item.error || !item.value) {
      preview.push({ index: item.index, line: item.line, source, transformed: null, errors: [{ stage: 'read', field: null, message: item.error ?? 'the item could not be read' }] });
      continue;
    }
    try {
      const prepared = await prepare(item.value);
      const transformed = {
        ...(prepared.documentId !== null ? { documentId: prepared.documentId } : {}),
        ...(prepared.locale !== null ? { locale: prepared.locale } : {}),
        ...prepared.data,
      };
      preview.push({ index: item.index, line: item.line, source, transformed, errors: [] });
    } catch (error) {
      const problem = error instanceof ItemError ? error.problem : { stage: 'map' as const, field: null, message: (error as Error).message };
      preview.push({ index: item.index, line: item.line, source, transformed: null, errors: [problem] });
    }
  }
  return preview;
};
