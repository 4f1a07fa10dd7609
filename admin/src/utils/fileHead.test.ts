import type { ReadFileHead } from '../../../shared/contracts';
import { HEAD_BYTES, fileHeadRequest } from './fileHead';

type Body = ReadFileHead.Request['body'];

/** Windows-1252's bytes of "Café;€\nThé;œ" (é 0xE9, € 0x80, œ 0x9C): not UTF-8. */
const CP1252 = new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x3b, 0x80, 0x0a, 0x54, 0x68, 0xe9, 0x3b, 0x9c]);

const utf16 = (text: string, littleEndian: boolean) => {
  const bytes = [littleEndian ? 0xff : 0xfe, littleEndian ? 0xfe : 0xff];
  for (const char of text) {
    const unit = char.charCodeAt(0);
    bytes.push(...(littleEndian ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff]));
  }
  return new Uint8Array(bytes);
};

// The reading itself is the server's (server/src/pipeline/formats/head.test.ts): here, what the browser sends.
describe('fileHeadRequest', () => {
  it('sends only the head of a large file, and says it is not the whole file', async () => {
    const line = `${JSON.stringify({ title: 'x'.repeat(100) })}\n`;
    const file = new File([line.repeat(Math.ceil((HEAD_BYTES * 3) / line.length))], 'big.jsonl');
    const slice = jest.spyOn(file, 'slice');
    const { body, encoding } = await fileHeadRequest(file);
    const request = body as Body;
    expect(slice).toHaveBeenCalledWith(0, HEAD_BYTES);
    expect(request.fileName).toBe('big.jsonl');
    expect(request.head).toHaveLength(HEAD_BYTES);
    expect(request.complete).toBe(false);
    expect(encoding).toBe('utf-8');
  });

  it('sends a small file whole', async () => {
    expect(await fileHeadRequest(new File(['firstName\nAda'], 'contacts.csv'))).toEqual({
      body: { fileName: 'contacts.csv', head: 'firstName\nAda', complete: true },
      encoding: 'utf-8',
    });
  });

  it('sends a UTF-8 file as it is (accents, its BOM left out as the browser did)', async () => {
    const text = 'name;city\nZoë;Besançon €\n';
    const { body, encoding } = await fileHeadRequest(
      new File([new Uint8Array([0xef, 0xbb, 0xbf]), text], 'people.csv')
    );
    expect(encoding).toBe('utf-8');
    expect((body as Body).head).toBe(text);
  });

  it('leaves out a UTF-8 character cut by the end of the head, without a replacement character', async () => {
    // 'é' is two bytes: the head ends between them.
    const file = new File(['a'.repeat(HEAD_BYTES - 1), 'é', 'b'.repeat(10)], 'long.csv');
    const { body, encoding } = await fileHeadRequest(file);
    expect(encoding).toBe('utf-8');
    expect((body as Body).head).toBe('a'.repeat(HEAD_BYTES - 1));
    expect((body as Body).complete).toBe(false);
  });

  it('guesses a file that is not UTF-8 as Windows-1252 (Excel CSV on Windows), and decodes it', async () => {
    const { body, encoding } = await fileHeadRequest(new File([CP1252], 'excel.csv'));
    expect(encoding).toBe('windows-1252');
    expect((body as Body).head).toBe('Café;€\nThé;œ');
  });

  it('decodes UTF-16 by its byte order mark (Excel\'s "Unicode text"), whatever the encoding given', async () => {
    const text = 'name\tcity\nZoë\tBesançon €';
    for (const littleEndian of [true, false]) {
      for (const given of [undefined, 'utf-8', 'windows-1252'] as const) {
        const { body, encoding } = await fileHeadRequest(new File([utf16(text, littleEndian)], 'unicode.txt'), given);
        expect(encoding).toBe(littleEndian ? 'utf-16le' : 'utf-16be');
        expect((body as Body).head).toBe(text);
      }
    }
  });

  it('reads in the encoding given rather than the one guessed', async () => {
    const asUtf8 = await fileHeadRequest(new File([CP1252], 'excel.csv'), 'utf-8');
    expect(asUtf8.encoding).toBe('utf-8');
    expect((asUtf8.body as Body).head).toBe('Caf\uFFFD;\uFFFD\nTh\uFFFD;\uFFFD');

    const asCp1252 = await fileHeadRequest(new File(['Café'], 'utf8.csv'), 'windows-1252');
    expect(asCp1252.encoding).toBe('windows-1252');
    expect((asCp1252.body as Body).head).toBe('CafÃ©');
  });

  it('sends a workbook whole, as the multipart field file (by its name, or by its zip bytes)', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    for (const file of [new File([zip], 'Book1.XLSX'), new File([zip], 'export.csv')]) {
      const { body, encoding } = await fileHeadRequest(file, 'windows-1252');
      expect(body).toBeInstanceOf(FormData);
      expect(((body as FormData).get('file') as File).name).toBe(file.name);
      expect(encoding).toBeNull();
    }
  });
});
