import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createTextDecoder } from '../../../../shared/formats';
import { toUtf8, uploadEncoding } from './encoding';

const convert = async (bytes: number[] | Buffer, encoding: Parameters<typeof toUtf8>[0], size = 1) => {
  const all = Buffer.from(bytes);
  const chunks = Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.subarray(i * size, (i + 1) * size));
  return (await buffer(Readable.from(chunks).pipe(toUtf8(encoding)))).toString('utf8');
};

describe('an upload converted to UTF-8', () => {
  it('from Windows-1252, in any chunks', async () => {
    const bytes = [0x6e, 0x61, 0x6d, 0x65, 0x3b, 0x70, 0x72, 0x69, 0x63, 0x65, 0x0d, 0x0a, 0x43, 0x61, 0x66, 0xe9, 0x3b, 0x80, 0x35];
    for (const size of [1, 2, 3, 64]) expect(await convert(bytes, 'windows-1252', size)).toBe('name;price\r\nCafé;€5');
  });

  it('from UTF-16 by its byte order mark, whatever the option says (the mark becomes a UTF-8 one)', async () => {
    const le = Buffer.from('\ufeffname\tcity\r\nZoë\t😀', 'utf16le');
    for (const size of [1, 3, 64]) expect(await convert(le, 'utf-8', size)).toBe('\ufeffname\tcity\r\nZoë\t😀');
    const be = Buffer.from(le).swap16();
    expect(await convert(be, 'windows-1252', 5)).toBe('\ufeffname\tcity\r\nZoë\t😀');
  });

  it("agrees with the admin's decoder on every Windows-1252 byte but the five it leaves undefined", async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const server = [...(await convert(all, 'windows-1252', 256))];
    const admin = [...createTextDecoder('windows-1252').decode(all)];
    const differ = server.flatMap((char, byte) => (char === admin[byte] ? [] : [byte]));
    expect(differ).toEqual([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
    expect(server.filter((_char, byte) => differ.includes(byte))).toEqual(Array(5).fill('\ufffd'));
  });

  it('a file of one byte, and an empty one', async () => {
    expect(await convert([0xe9], 'windows-1252')).toBe('é');
    expect(await convert([], 'windows-1252')).toBe('');
  });

  it('reads the mark before the option', () => {
    expect(uploadEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]), 'windows-1252')).toBe('utf-16le');
    expect(uploadEncoding(Buffer.from('abc'), 'windows-1252')).toBe('windows-1252');
    expect(uploadEncoding(Buffer.from('abc'), undefined)).toBe('utf-8');
  });
});
