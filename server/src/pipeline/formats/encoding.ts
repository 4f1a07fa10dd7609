import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { bomEncoding, type TextEncoding } from '../../../../shared/formats';

/**
 * A file in another text encoding, as UTF-8 (what every reader reads): the import converts an upload once, when its
 * task is created, so that the task's stored file, its resume and its reports are UTF-8 like any other. A UTF-16 byte
 * order mark decides over `encoding` (the mark is kept, as a UTF-8 one, which the readers accept). Decoded with
 * iconv-lite (the admin reads a file's head with shared/formats/encoding.ts: the same characters, but for the five
 * bytes Windows-1252 leaves undefined, U+FFFD here and their Latin-1 controls there).
 */
export const toUtf8 = (encoding: TextEncoding): Transform => {
  let decoder: ReturnType<typeof iconv.getDecoder> | null = null;
  let start = Buffer.alloc(0);
  /** A high surrogate at the end of a chunk's text waits for its pair (UTF-8 encodes the pair, not its halves). */
  let held = '';
  const open = (bytes: Buffer) => iconv.getDecoder(bomEncoding(bytes) ?? encoding, { stripBOM: false });
  const utf8 = (decoded: string, final: boolean) => {
    let text = held + decoded;
    held = '';
    const last = text.charCodeAt(text.length - 1);
    if (!final && last >= 0xd800 && last <= 0xdbff) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    return Buffer.from(text, 'utf8');
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (decoder) return callback(null, utf8(decoder.write(chunk), false));
      // The mark is two bytes: wait for them.
      start = Buffer.concat([start, chunk]);
      if (start.length < 2) return callback();
      decoder = open(start);
      callback(null, utf8(decoder.write(start), false));
    },
    flush(callback) {
      // A file of less than two bytes has not opened its decoder yet.
      if (!decoder) return callback(null, utf8(`${(decoder = open(start)).write(start)}${decoder.end() ?? ''}`, true));
      callback(null, utf8(decoder.end() ?? '', true));
    },
  });
};

/** The encoding an upload is read in: a UTF-16 byte order mark decides, else the option (UTF-8 by default). */
export const uploadEncoding = (head: Uint8Array, asked: TextEncoding | undefined | null): TextEncoding =>
  bomEncoding(head) ?? asked ?? 'utf-8';
