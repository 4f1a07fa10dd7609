import { Readable } from 'node:stream';
import { createMultipart } from './multipart';

const collect = async (body: AsyncGenerator<Buffer>) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
};

describe('createMultipart', () => {
  it('writes text fields and a file as RFC 7578 parts, the file bytes unchanged', async () => {
    const file = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a]);
    const { contentType, body } = createMultipart([
      { name: 'options', value: '{"dryRun":true}' },
      { name: 'file', fileName: 'bundle "1".zip', contentType: 'application/zip', content: Readable.from([file.subarray(0, 3), file.subarray(3)]) },
    ]);
    const boundary = /boundary=(.+)$/.exec(contentType)![1];
    const bytes = await collect(body());
    const expected = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{"dryRun":true}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bundle %221%22.zip"\r\nContent-Type: application/zip\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(bytes.equals(expected)).toBe(true);
  });

  it('reads the file only as the body is consumed (nothing is read ahead)', async () => {
    let read = 0;
    const content = new Readable({
      read() {
        read += 1;
        this.push(read <= 1000 ? Buffer.alloc(64 * 1024, 1) : null);
      },
      highWaterMark: 64 * 1024,
    });
    const { body } = createMultipart([{ name: 'file', fileName: 'big.zip', contentType: 'application/zip', content }]);
    const iterator = body();
    await iterator.next(); // the part's header
    await iterator.next(); // the first chunk
    expect(read).toBeLessThan(5);
    let total = 0;
    for await (const chunk of iterator) total += chunk.length;
    expect(total).toBeGreaterThan(999 * 64 * 1024);
  });

  it('uses a new boundary for each body', () => {
    expect(createMultipart([]).contentType).not.toBe(createMultipart([]).contentType);
  });
});
