import { Readable } from 'node:stream';
import type { FileHead } from '../../../../shared/contracts';
import { detectFormat, FORMAT_INFO, headText, type Format } from '../../../../shared/formats';
import { EndOfInputError } from './end-of-input';
import type { ReadLimits } from './limits';
import type { FormatModule, SourceItem } from './types';

/**
 * The server's reading of the start of a file chosen in the import wizard (its first 64 KB): the format, the
 * fields of the first items (for the mapping table), a sample value per field, and a JSONT configuration. Read by
 * the same detection and the same readers as the import itself, so that the wizard and the import cannot disagree.
 *
 * The head of a longer file (`complete` false) may end inside an item: that item is left out, not reported, and a
 * read that stops only because the input ended (EndOfInputError) is no error.
 */

export const SAMPLE_ITEMS = 20;

/** The attributes a `secrets` header lists (an unreadable header lists none: the import says what is wrong with it). */
const encryptedFieldsOf = (secrets: unknown): string[] => {
  const fields = (secrets as { fields?: unknown } | null)?.fields;
  return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
};
const SAMPLE_LENGTH = 60;

const sampleText = (value: unknown): string | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > SAMPLE_LENGTH ? `${text.slice(0, SAMPLE_LENGTH - 3)}…` : text;
};

/** Fields in order of first appearance (after `leading`, a CSV's header), and the first non-empty value of each. */
const describeItems = (items: Array<Record<string, unknown>>, leading: string[] = []) => {
  const fields = [...leading];
  const seen = new Set(fields);
  const samples: Record<string, string> = {};
  for (const item of items) {
    for (const [field, value] of Object.entries(item)) {
      if (!seen.has(field)) {
        seen.add(field);
        fields.push(field);
      }
      const sample = field in samples ? undefined : sampleText(value);
      if (sample !== undefined) samples[field] = sample;
    }
  }
  return { fields, samples, itemCount: items.length };
};

const nothing = (format: Format | null, error: FileHead['error'], message?: string): FileHead => ({
  format,
  fields: [],
  samples: {},
  itemCount: 0,
  configuration: null,
  error,
  ...(message === undefined ? {} : { message }),
});

export interface HeadInput {
  head: Buffer;
  fileName: string;
  /** Whether `head` is the whole file. */
  complete: boolean;
  limits: ReadLimits;
  /** The whole file, when the wizard sent it (an XLSX: a zip is read from its end): read instead of `head`. */
  open?: () => Readable;
}

/** Reads a file's head with the format modules of `formats` (the registry, given by the caller). */
export const readFileHead = async (
  { head, fileName, complete, limits, open: openFile }: HeadInput,
  formats: Readonly<Record<Format, FormatModule>>
): Promise<FileHead> => {
  if (headText(head).trim() === '') return nothing(null, 'empty');
  const detected = detectFormat({ fileName, head });
  if (!detected) return nothing(null, 'unknown-format');
  if (detected === 'xlsx' && !openFile && !complete) {
    return nothing('xlsx', 'invalid', 'An XLSX workbook is read whole: send the file itself (multipart field "file")');
  }
  const open = openFile ?? (() => Readable.from([head]));
  const cut = (error: unknown) => !complete && error instanceof EndOfInputError;

  let format = detected;
  let configuration: Record<string, unknown> | null = null;
  let encrypted: string[] | undefined;
  // A workbook's header check is a read of it, which the items' read below does anyway.
  const headerOf = FORMAT_INFO[format].tabular ? undefined : formats[format].readHeader;
  if (headerOf) {
    try {
      const header = await headerOf(open, limits);
      format = header.actually ?? format;
      configuration = header.configuration;
      // Encrypted private fields (pipeline/secrets.ts): the wizard asks for the password.
      if (header.secrets !== undefined) encrypted = encryptedFieldsOf(header.secrets);
    } catch (error) {
      if (!cut(error)) return nothing(format, 'invalid', (error as Error).message);
    }
  }

  let columns: string[] = [];
  const items: Array<Record<string, unknown>> = [];
  /** An item error counts once another item follows it: the last one of a cut head may just be cut. */
  let pending: SourceItem | null = null;
  /** The first item that will fail (a bad JSONL line, a CSV row with too few cells): the others still map. */
  let failing: SourceItem | null = null;
  const controller = new AbortController();
  try {
    const read = formats[format].read(open, {
      limits,
      signal: controller.signal,
      invalidUtf8: 'replace',
      resolveColumns: (headers) => {
        columns = headers.map((header) => header.trim()).filter((header) => header !== '');
        return headers.map((header) => ({ header, path: [header.trim()] }));
      },
    });
    let ended = true;
    for await (const item of read) {
      if (pending) failing ??= pending;
      pending = null;
      if (item.error || !item.value) pending = item;
      else items.push(item.value);
      if (items.length >= SAMPLE_ITEMS) {
        ended = false;
        break;
      }
    }
    // The head of a longer file ends where the 64 KB do: its last item may be cut (a CSV row, a JSONL line).
    if (ended && !complete && !pending) items.pop();
  } catch (error) {
    if (!cut(error)) return { ...nothing(format, 'invalid', (error as Error).message), configuration };
  } finally {
    controller.abort();
  }
  if (pending && complete) failing ??= pending;
  const read = { ...describeItems(items, columns), configuration, ...(encrypted ? { encrypted } : {}) };
  return failing ? { ...nothing(format, 'item', failing.error), ...read } : { ...nothing(format, null), ...read };
};
