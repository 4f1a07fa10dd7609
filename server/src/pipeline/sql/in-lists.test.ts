import { chunks, recurringChunks } from './in-lists';

describe('parts of a list', () => {
  test('chunks: parts of the size, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });

  test('recurringChunks: full parts, then the rest in powers of two, every item once and in order', () => {
    expect(recurringChunks([1, 2, 3, 4, 5, 6, 7], 4).map((part) => part.length)).toEqual([4, 2, 1]);
    for (const [length, size] of [[0, 500], [1, 500], [117, 500], [500, 500], [1117, 500], [999, 8]]) {
      const list = Array.from({ length }, (_, i) => i);
      const parts = recurringChunks(list, size);
      expect(parts.flat()).toEqual(list);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(size);
        expect(part.length === size || (part.length & (part.length - 1)) === 0).toBe(true);
      }
    }
  });
});
