/**
 * The text encodings an import reads: UTF-8, Windows-1252 (what Excel's "CSV" writes on a Western European Windows),
 * and UTF-16 (Excel's "Unicode text", always with its byte order mark). The names, the byte order mark and the guess
 * are shared by the server and the admin; the decoder below is the admin's (it reads a file's head in the browser and
 * in its tests); the server converts uploads with iconv-lite (server/src/pipeline/formats/encoding.ts).
 *
 * Windows-1252 is Latin-1 and 27 characters in 0x80-0x9F: Node's TextDecoder reads the label `windows-1252` as
 * Latin-1 (0x80 gave U+0080 instead of €, measured here on Node 20), so the table below completes it, the same in
 * the browser and in Node (the admin's tests). Why not iconv-lite here: docs/formats.md, *Text encodings*.
 */

export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** Windows-1252's characters for the bytes 0x80 to 0x9F (the five it leaves undefined read as their Latin-1 controls). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** The UTF-16 encoding a file's byte order mark says, or null (a UTF-8 BOM is the readers' own business). */
export const bomEncoding = (bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null => {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
};

/** Whether `bytes` are UTF-8 (`complete` false: a sequence cut by the end of the head is not held against it). */
export const isUtf8 = (bytes: Uint8Array, complete: boolean): boolean => {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0) return false;
    if (i + length > bytes.length) return !complete && bytes.subarray(i + 1).every((next) => next >= 0x80 && next <= 0xbf);
    for (let k = 1; k < length; k += 1) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return false;
    // Overlong or out-of-range forms UTF-8 refuses.
    if ((byte === 0xe0 && bytes[i + 1] < 0xa0) || (byte === 0xed && bytes[i + 1] > 0x9f)) return false;
    if ((byte === 0xf0 && bytes[i + 1] < 0x90) || (byte === 0xf4 && bytes[i + 1] > 0x8f)) return false;
    i += length;
  }
  return true;
};

/**
 * The encoding of a file from its first bytes: UTF-16 by its byte order mark; UTF-8 when they are UTF-8 (ASCII
 * included); else Windows-1252 (a file from a spreadsheet program that is not UTF-8 is that, most of the time).
 */
export const guessEncoding = (bytes: Uint8Array, complete: boolean): TextEncoding =>
  bomEncoding(bytes) ?? (isUtf8(bytes, complete) ? 'utf-8' : 'windows-1252');

/** A decoder of a stream of bytes in `encoding` (chunks may cut a character: it waits for the rest). */
export interface StreamingTextDecoder {
  decode(bytes: Uint8Array, final?: boolean): string;
}

export const createTextDecoder = (encoding: TextEncoding): StreamingTextDecoder => {
  if (encoding === 'windows-1252') {
    // Latin-1 natively, then the 27 characters of 0x80-0x9F (a browser's `latin1` is already Windows-1252: the
    // replacement finds nothing there).
    const latin1 = new TextDecoder('latin1');
    return {
      decode: (bytes) => latin1.decode(bytes).replace(/[\u0080-\u009f]/g, (char) => String.fromCharCode(CP1252_HIGH[char.charCodeAt(0) - 0x80])),
    };
  }
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8');
    return { decode: (bytes, final = false) => decoder.decode(bytes, { stream: !final }) };
  }
  // UTF-16 by hand as well (little or big endian): a byte cut by a chunk waits, and so does a high surrogate (the
  // text of each chunk is whole characters).
  let carry: number | null = null;
  let high: number | null = null;
  const littleEndian = encoding === 'utf-16le';
  return {
    decode: (bytes, final = false) => {
      const units: number[] = high === null ? [] : [high];
      high = null;
      let i = 0;
      if (carry !== null && bytes.length > 0) {
        units.push(littleEndian ? carry | (bytes[0] << 8) : (carry << 8) | bytes[0]);
        carry = null;
        i = 1;
      }
      for (; i + 1 < bytes.length; i += 2) units.push(littleEndian ? bytes[i] | (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1]);
      if (i < bytes.length) carry = bytes[i];
      const last = units[units.length - 1];
      if (!final && last >= 0xd800 && last <= 0xdbff) high = units.pop() ?? null;
      let text = '';
      for (let start = 0; start < units.length; start += 8192) text += String.fromCharCode(...units.slice(start, start + 8192));
      if (final && carry !== null) {
        // An odd last byte: not a character.
        carry = null;
        text += '\ufffd';
      }
      return text;
    },
  };
};
