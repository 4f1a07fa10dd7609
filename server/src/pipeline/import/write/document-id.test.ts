import { createId } from '@paralleldrive/cuid2';
import { newDocumentId } from './document-id';

test('documentIds are shaped as Strapi’s (cuid2: a letter, then 23 of 0-9a-z)', () => {
  const shape = /^[a-z][0-9a-z]{23}$/;
  expect(createId()).toMatch(shape);
  for (let i = 0; i < 10_000; i += 1) expect(newDocumentId()).toMatch(shape);
});

test('documentIds do not repeat, and every character is used evenly', () => {
  const ids = Array.from({ length: 100_000 }, newDocumentId);
  expect(new Set(ids).size).toBe(ids.length);
  const counts = new Map<string, number>();
  for (const id of ids) for (const c of id.slice(1)) counts.set(c, (counts.get(c) ?? 0) + 1);
  expect(counts.size).toBe(36);
  const expected = (ids.length * 23) / 36;
  // Modulo bias (256 = 7 × 36 + 4) would put four characters 14% above the others; chance alone stays within 2%
  // (about 8 standard deviations at this count).
  for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.02);
});
