import { Transform, type TransformCallback } from 'node:stream';
import { EndOfInputError } from './end-of-input';

/**
 * Invalid UTF-8 is refused by default (import option `invalidUtf8: "refuse"`): this pass-through stream checks the
 * bytes with a fatal, streaming TextDecoder (a character split between two chunks is fine) and fails the read at the
 * first bad sequence, naming its byte offset (0-based, from the start of the file, BOM included) and line. With
 * `invalidUtf8: "replace"` it is left out: the readers' decoders read every bad sequence as U+FFFD.
 */
export class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Bytes passed before the current chunk, and line feeds among them. */
  private offset = 0;
  private lineFeeds = 0;
  /** The bytes of a character left incomplete at the end of the chunks passed so far. */
  private tail: Buffer = Buffer.alloc(0);

  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      callback(this.failure(chunk));
      return;
    }
    this.advance(chunk);
    callback(null, chunk);
  }

  _flush(callback: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      callback(
        new EndOfInputError(
          `Invalid UTF-8 at byte offset ${this.offset - this.tail.length} (line ${this.lineFeeds + 1}): ` +
            `the file ends inside a multi-byte character. ${ADVICE}`
        )
      );
      return;
    }
    callback();
  }

  private advance(chunk: Buffer) {
    this.offset += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) this.lineFeeds += 1;
    const bytes = chunk.length < 4 ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = bytes.subarray(bytes.length - incompleteTail(bytes));
  }

  /** Where the first bad sequence of `chunk` (after the incomplete character before it) starts. */
  private failure(chunk: Buffer): Error {
    const bytes = Buffer.concat([this.tail, chunk]);
    const base = this.offset - this.tail.length;
    const probe = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let start = 0;
    let end = bytes.length;
    let lineFeeds = this.lineFeeds;
    for (let i = 0; i < bytes.length; i += 1) {
      let text: string;
      try {
        text = probe.decode(bytes.subarray(i, i + 1), { stream: true });
      } catch {
        end = i + 1;
        break;
      }
      if (text.length > 0) {
        start = i + 1;
        if (bytes[i] === 0x0a) lineFeeds += 1;
      }
    }
    const shown = [...bytes.subarray(start, Math.min(end, start + 4))]
      .map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`)
      .join('');
    return new Error(
      `Invalid UTF-8 at byte offset ${base + start} (line ${lineFeeds + 1}): the bytes "${shown}" are not UTF-8 text. ${ADVICE}`
    );
  }
}

const ADVICE =
  'Save the file as UTF-8, or give its encoding (the option encoding: "windows-1252" for a CSV that Excel saved on Windows), or import it with the option invalidUtf8: "replace" (bad bytes become U+FFFD)';

/** How many bytes at the end of `bytes` begin a multi-byte character that is not complete (0 to 3). */
const incompleteTail = (bytes: Buffer): number => {
  for (let k = 1; k <= Math.min(3, bytes.length); k += 1) {
    const byte = bytes[bytes.length - k];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    if (byte < 0xc0) return 0;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > k ? k : 0;
  }
  return 0;
};
