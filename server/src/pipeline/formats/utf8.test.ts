import { Readable } from 'node:stream';

import { FORMATS } from './index';
import { collect } from './test-streams';
import type { InvalidUtf8 } from './types';

/** A fresh stream of `bytes`, in chunks of `size` bytes. */
const fromBytes = (bytes: Buffer, size = 64 * 1024) => () => {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
};

const bytesOf = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

const FILES = {
  json: (bad: number[]) => bytesOf('[\n  {"a": "x"},\n  {"a": "ab', bad, 'cd"}\n]\n'),
  jsont: (bad: number[]) => bytesOf('{"items": [\n  {"a": "x"},\n  {"a": "ab', bad, 'cd"}\n]}\n'),
  jsonl: (bad: number[]) => bytesOf('{"a": "x"}\n\n{"a": "ab', bad, 'cd"}\n'),
  csv: (bad: number[]) => bytesOf('a\nx\r\nab', bad, 'cd\n'),
} as const;

const read = (format: keyof typeof FILES, bytes: Buffer, invalidUtf8?: InvalidUtf8, size?: number) =>
  collect(FORMATS[format].read(fromBytes(bytes, size), invalidUtf8 ? { invalidUtf8 } : {}));

describe('invalid UTF-8', () => {
  it.each(Object.keys(FILES) as Array<keyof typeof FILES>)(
    '%s: refused by default with the byte offset and line, in chunks of every size',
    async (format) => {
      const bytes = FILES[format]([0xff, 0xfe]);
      const offset = bytes.indexOf(0xff);
      const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
      for (const size of [1, 2, 3, 5, 64 * 1024]) {
        await expect(read(format, bytes, undefined, size)).rejects.toThrow(
          `Invalid UTF-8 at byte offset ${offset} (line ${line}): the bytes "\\xff" are not UTF-8 text. ` +
            'Save the file as UTF-8, or give its encoding (the option encoding: "windows-1252" for a CSV that Excel saved on Windows), or import it with the option invalidUtf8: "replace" (bad bytes become U+FFFD)'
        );
      }
    }
  );

  it.each(Object.keys(FILES) as Array<keyof typeof FILES>)('%s: invalidUtf8 "replace" reads U+FFFD', async (format) => {
    const items = await read(format, FILES[format]([0xff, 0xfe]), 'replace');
    expect(items.map((item) => item.value?.a)).toEqual(['x', 'ab\uFFFD\uFFFDcd']);
  });

  it('a truncated sequence is placed at its first byte', async () => {
    const bytes = bytesOf('{"a": "\u00e9"}\n{"a": "x', [0xe2, 0x82], 'y"}\n');
    await expect(read('jsonl', bytes, 'refuse', 1)).rejects.toThrow(
      'Invalid UTF-8 at byte offset 20 (line 2): the bytes "\\xe2\\x82\\x79" are not UTF-8 text.'
    );
    await expect(read('jsonl', bytesOf('{"a": "x"}\n', [0xf0, 0x9f]), 'refuse', 5)).rejects.toThrow(
      'Invalid UTF-8 at byte offset 11 (line 2): the file ends inside a multi-byte character.'
    );
  });

  it('overlong encodings and surrogates are refused', async () => {
    await expect(read('jsonl', bytesOf('{"a": "', [0xc0, 0xaf], '"}'))).rejects.toThrow('at byte offset 7 (line 1)');
    await expect(read('jsonl', bytesOf('{"a": "', [0xed, 0xa0, 0x80], '"}'))).rejects.toThrow(
      'at byte offset 7 (line 1)'
    );
  });

  it('valid multi-byte characters split between chunks, and a BOM, are read', async () => {
    const text = '\uFEFF[{"a": "h\u00e9llo \u20ac \u{1F600} \u4e2d"}]';
    for (const size of [1, 2, 3, 7]) {
      const items = await read('json', Buffer.from(text), undefined, size);
      expect(items.map((item) => item.value)).toEqual([{ a: 'h\u00e9llo \u20ac \u{1F600} \u4e2d' }]);
    }
  });
});
