import { HEAD_BYTES, fileHeadRequest } from './fileHead';

// The reading itself is the server's (server/src/pipeline/formats/head.test.ts): here, what the browser sends.
describe('fileHeadRequest', () => {
  it('sends only the head of a large file, and says it is not the whole file', async () => {
    const line = `${JSON.stringify({ title: 'x'.repeat(100) })}\n`;
    const file = new File([line.repeat(Math.ceil((HEAD_BYTES * 3) / line.length))], 'big.jsonl');
    const slice = jest.spyOn(file, 'slice');
    const request = (await fileHeadRequest(file)) as { fileName: string; head: string; complete: boolean };
    expect(slice).toHaveBeenCalledWith(0, HEAD_BYTES);
    expect(request.fileName).toBe('big.jsonl');
    expect(request.head).toHaveLength(HEAD_BYTES);
    expect(request.complete).toBe(false);
  });

  it('sends a small file whole', async () => {
    expect(await fileHeadRequest(new File(['firstName\nAda'], 'contacts.csv'))).toEqual({
      fileName: 'contacts.csv',
      head: 'firstName\nAda',
      complete: true,
    });
  });

  it('sends a workbook whole, as the multipart field file (by its name, or by its zip bytes)', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    for (const file of [new File([zip], 'Book1.XLSX'), new File([zip], 'export.csv')]) {
      const request = await fileHeadRequest(file);
      expect(request).toBeInstanceOf(FormData);
      expect(((request as FormData).get('file') as File).name).toBe(file.name);
    }
  });
});
