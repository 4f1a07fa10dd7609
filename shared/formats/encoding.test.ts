import { bomEncoding, createTextDecoder, guessEncoding, isUtf8, type TextEncoding } from './encoding';

/** Encodes text as the encodings a file may have (Windows-1252 by the same table, checked on known bytes below). */
const utf16 = (text: string, littleEndian: boolean) => {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    bytes.push(...(littleEndian ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff]));
  }
  return Uint8Array.from(bytes);
};

/** Decodes `bytes` in chunks of `size` (every cut of a character). */
const decodeInChunks = (encoding: TextEncoding, bytes: Uint8Array, size: number) => {
  const decoder = createTextDecoder(encoding);
  let text = '';
  for (let i = 0; i < bytes.length; i += size) text += decoder.decode(bytes.subarray(i, i + size));
  return text + decoder.decode(new Uint8Array(0), true);
};

describe('text encodings of imported files', () => {
  it('reads Windows-1252 as Excel writes it on Windows: accents, €, curly quotes, dashes', () => {
    const bytes = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x3b, 0x80, 0x20, 0x35, 0x3b, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0xdf, 0x9c, 0x9f]);
    expect(createTextDecoder('windows-1252').decode(bytes)).toBe('Café;€ 5;“q” – ßœŸ');
  });

  it.each([
    ['utf-16le', true],
    ['utf-16be', false],
  ] as const)('reads %s in any chunks, surrogate pairs and a cut last byte included', (encoding, littleEndian) => {
    const text = '\ufeffname\tcity\r\nZoë\t東京 😀\r\n';
    const bytes = utf16(text, littleEndian);
    for (let size = 1; size <= 9; size += 1) expect(decodeInChunks(encoding, bytes, size)).toBe(text);
    expect(decodeInChunks(encoding, Uint8Array.from([...bytes, 0x41]), 4)).toBe(`${text}\ufffd`);
  });

  it('reads UTF-8 in any chunks', () => {
    const text = 'Zoë;東京;😀';
    const bytes = new TextEncoder().encode(text);
    for (let size = 1; size <= 5; size += 1) expect(decodeInChunks('utf-8', bytes, size)).toBe(text);
  });

  it('guesses a file by its first bytes: UTF-16 by its mark, UTF-8 when valid, else Windows-1252', () => {
    expect(bomEncoding(Uint8Array.from([0xff, 0xfe, 0x41, 0]))).toBe('utf-16le');
    expect(guessEncoding(Uint8Array.from([0xfe, 0xff, 0, 0x41]), true)).toBe('utf-16be');
    expect(guessEncoding(new TextEncoder().encode('\ufeffplain ascii; Zoë'), true)).toBe('utf-8');
    expect(guessEncoding(Uint8Array.from([0x5a, 0x6f, 0xeb]), true)).toBe('windows-1252');
    // A head cut inside a UTF-8 character is still UTF-8; the whole file ending so is not.
    expect(isUtf8(Uint8Array.from([0x41, 0xe6, 0x9d]), false)).toBe(true);
    expect(isUtf8(Uint8Array.from([0x41, 0xe6, 0x9d]), true)).toBe(false);
    expect(isUtf8(Uint8Array.from([0xc0, 0x80]), true)).toBe(false); // overlong
    expect(isUtf8(Uint8Array.from([0xed, 0xa0, 0x80]), true)).toBe(false); // a surrogate
  });
});
