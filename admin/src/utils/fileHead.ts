import type { ReadFileHead, TextEncoding } from '../../../shared/contracts';
import { bomEncoding, createTextDecoder, guessEncoding, HEAD_LENGTH } from '../../../shared/formats';
import { readBlobBytes } from './blob';

export { ACCEPTED_EXTENSIONS } from '../../../shared/formats';
export type { FileHead, FileHeadError } from '../../../shared/contracts';

/**
 * The start of a file chosen for import, sent to the server to be read (POST /file-heads): the server reads it with
 * its own detection and readers (format, fields, samples, a JSONT configuration), so that the wizard and the
 * import cannot disagree. Only the first {@link HEAD_BYTES} are read in the browser, whatever the file's size.
 */
export const HEAD_BYTES = HEAD_LENGTH;

/** A zip's first bytes (local file header): an XLSX workbook, read whole by the server. */
const isZip = (first: Uint8Array) =>
  first.length >= 4 && first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04;

/** What {@link fileHeadRequest} sends, and the encoding the head was read in (null for a workbook, sent whole). */
export interface FileHeadRequest {
  body: ReadFileHead.Request['body'] | FormData;
  encoding: TextEncoding | null;
}

/**
 * The request body: the head as text, or for a workbook (`.xlsx`, or any zip) the whole file as the multipart field
 * `file` (a zip's directory is at its end, so its head alone cannot be read).
 *
 * The head is decoded here, in `encoding` when the caller gives one (the user's choice, a template's), else in the
 * one its bytes suggest (`guessEncoding`: UTF-8 when they are, else Windows-1252); a UTF-16 byte order mark decides
 * over both, as it does on the server when the file is imported. A UTF-8 head is the text `Blob#text` gave before:
 * the same characters, the BOM left out; only a character cut by the end of a longer file's head is left out
 * rather than read as U+FFFD (the server leaves the last item of such a head out anyway).
 */
export const fileHeadRequest = async (file: File, encoding?: TextEncoding | null): Promise<FileHeadRequest> => {
  const bytes = new Uint8Array(await readBlobBytes(file.slice(0, HEAD_BYTES)));
  if (file.name.toLowerCase().endsWith('.xlsx') || isZip(bytes)) {
    const body = new FormData();
    body.append('file', file, file.name);
    return { body, encoding: null };
  }
  const complete = file.size <= HEAD_BYTES;
  const used = bomEncoding(bytes) ?? encoding ?? guessEncoding(bytes, complete);
  // A byte order mark is not text (the browser's UTF-8 decoding leaves it out; UTF-16 decoding here keeps it).
  const head = createTextDecoder(used)
    .decode(bytes, complete)
    .replace(/^\uFEFF/, '');
  return { body: { fileName: file.name, head, complete }, encoding: used };
};
