import { Readable, Transform } from 'node:stream';
import { ReadFailure, streamChunks, streamItems } from './common';

/** A parser that outputs `perChunk` numbered items for each chunk of input, and a ReadFailure for the text 'bad'. */
const parser = (perChunk: number) => {
  let next = 0;
  return () =>
    new Transform({
      readableObjectMode: true,
      transform(chunk: Buffer, _encoding, done) {
        if (chunk.toString() === 'bad') this.push(new ReadFailure(new Error(`broken after item ${next - 1}`)));
        else for (let i = 0; i < perChunk; i += 1) this.push({ index: next++ });
        done();
      },
    });
};

const collect = async <T>(source: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
};

test('chunks hold every item in order, many at a time, and the items read before a failure come before it', async () => {
  const chunks = await collect(streamChunks<{ index: number }>(() => Readable.from(['a', 'b', 'c'].map((t) => Buffer.from(t))), parser(300)));
  expect(chunks.flat().map((item) => item.index)).toEqual(Array.from({ length: 900 }, (_, i) => i));
  expect(chunks.length).toBeLessThanOrEqual(3); // one await per chunk of the file, not per item

  const seen: number[] = [];
  const failing = streamChunks<{ index: number }>(() => Readable.from(['a', 'bad', 'c'].map((t) => Buffer.from(t))), parser(5));
  await expect(
    (async () => {
      for await (const chunk of failing) seen.push(...chunk.map((item) => item.index));
    })()
  ).rejects.toThrow('broken after item 4');
  expect(seen).toEqual([0, 1, 2, 3, 4]);

  const items = await collect(streamItems<{ index: number }>(() => Readable.from([Buffer.from('a')]), parser(3)));
  expect(items.map((item) => item.index)).toEqual([0, 1, 2]);
});
