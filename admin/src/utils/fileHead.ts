import type { ReadFileHead } from '../../../shared/contracts';
import { HEAD_LENGTH } from '../../../shared/formats';
import { readBlobText } from './blob';

export { ACCEPTED_EXTENSIONS } from '../../../shared/formats';
export type { FileHead, FileHeadError } from '../../../shared/contracts';

/**
 * The start of a file chosen for import, sent to the server to be read (POST /file-heads): the server reads it with
 * its own detection and readers (format, fields, samples, a JSONT configuration), so that the wizard and the
 * import cannot disagree. Only the first {@link HEAD_BYTES} are read in the browser, whatever the file's size.
 */
export const HEAD_BYTES = HEAD_LENGTH;

export const fileHeadRequest = async (file: File): Promise<ReadFileHead.Request['body']> => ({
  fileName: file.name,
  head: await readBlobText(file.slice(0, HEAD_BYTES)),
  complete: file.size <= HEAD_BYTES,
});
