import { writeText } from './write-text';
import type { FormatWriter } from './types';

const upper: FormatWriter = {
  begin: () => '<',
  item: (value) => `${String(value.a)};`,
  end: () => '>',
};

async function* pages(...list: Array<Array<Record<string, unknown>>>) {
  yield* list;
}

const chunksOf = async (iterable: AsyncIterable<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
};

describe('writeText', () => {
  it('yields bytes: the beginning, one chunk per page (items joined), the end', async () => {
    const chunks = await chunksOf(writeText(upper, pages([{ a: 1 }, { a: 'é' }], [{ a: 3 }])));
    expect(chunks.every((chunk) => chunk instanceof Uint8Array)).toBe(true);
    expect(chunks.map((chunk) => Buffer.from(chunk).toString('utf8'))).toEqual(['<', '1;é;', '3;', '>']);
  });

  it('uses items() for a page when the writer has it, and skips empty text', async () => {
    const paged: FormatWriter = { ...upper, begin: () => '', items: (values) => `[${values.length}]` };
    const chunks = await chunksOf(writeText(paged, pages([{ a: 1 }, { a: 2 }], [])));
    expect(chunks.map((chunk) => Buffer.from(chunk).toString('utf8'))).toEqual(['[2]', '[0]', '>']);
  });
});
