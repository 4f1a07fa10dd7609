import type { ReadFileHead } from '../../../shared/contracts';
import { HEAD_LENGTH } from '../../../shared/formats';
import { readBlobBytes, readBlobText } from './blob';

export { ACCEPTED_EXTENSIONS } from '../../../shared/formats';
export type { FileHead, FileHeadError } from '../../../shared/contracts';

/**
 * The start of a file chosen for import, sent to the server to be read (POST /file-heads): the server reads it with
 * its own detection and readers (format, fields, samples, a JSONT configuration), so that the wizard and the
 * import cannot disagree. Only the first {@link HEAD_BYTES} are read in the browser, whatever the file's size.
 */
export const HEAD_BYTES = HEAD_LENGTH;

/** A zip's first bytes (local file header): an XLSX workbook, read whole by the server. */
const isZip = async (file: File) => {
  const first = new Uint8Array(await readBlobBytes(file.slice(0, 4)));
  return first.length === 4 && first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04;
};

/**
 * The request body: the head as text, or for a workbook (`.xlsx`, or any zip) the whole file as the multipart field
 * `file` (a zip's directory is at its end, so its head alone cannot be read).
 */
export const fileHeadRequest = async (file: File): Promise<ReadFileHead.Request['body'] | FormData> => {
  if (file.name.toLowerCase().endsWith('.xlsx') || (await isZip(file))) {
    const body = new FormData();
    body.append('file', file, file.name);
    return body;
  }
  return {
    fileName: file.name,
    head: await readBlobText(file.slice(0, HEAD_BYTES)),
    complete: file.size <= HEAD_BYTES,
  };
};
