import { HEAD_BYTES, fileHeadRequest } from './fileHead';

// The reading itself is the server's (server/src/pipeline/formats/head.test.ts): here, what the browser sends.
describe('fileHeadRequest', () => {
  it('sends only the head of a large file, and says it is not the whole file', async () => {
    const line = `${JSON.stringify({ title: 'x'.repeat(100) })}\n`;
    const file = new File([line.repeat(Math.ceil((HEAD_BYTES * 3) / line.length))], 'big.jsonl');
    const slice = jest.spyOn(file, 'slice');
    const request = await fileHeadRequest(file);
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
});
