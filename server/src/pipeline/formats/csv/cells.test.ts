import fc from 'fast-check';

import type { AttributeInfo, AttributeType } from '../../../../../shared/contracts';
import { createCsvWriter, csvFormat, decodeCell, encodeCell, escapeTextCell, unescapeTextCell } from '.';
import { collect, fromText } from '../test-streams';
import { attr } from './test-helpers';

describe('csv format: cells', () => {
  it.each<[AttributeType, Partial<AttributeInfo>, string, boolean, unknown]>([
    ['string', {}, '', false, null],
    ['string', {}, '', true, ''],
    ['string', {}, "'=SUM(A1)", false, '=SUM(A1)'],
    ['string', {}, "''quoted", false, "''quoted"],
    ['string', {}, "'quoted", false, "'quoted"],
    ['string', {}, "' OR '1'='1", false, "' OR '1'='1"],
    ['string', {}, "'", false, "'"],
    ['string', {}, "''=x", false, "'=x"],
    ['string', {}, "'\t", false, '\t'],
    ['string', {}, '08123', false, '08123'],
    ['enumeration', {}, "'-x", false, '-x'],
    ['date', {}, '2024-02-29', false, '2024-02-29'],
    ['date', {}, '', true, ''],
    ['integer', {}, '-5', false, -5],
    ['integer', {}, ' 12 ', false, 12],
    ['float', {}, '1e-7', false, 1e-7],
    ['decimal', {}, '.5', false, 0.5],
    ['integer', {}, '', true, null],
    ['biginteger', {}, '-12345678901234567890', false, '-12345678901234567890'],
    ['boolean', {}, 'FALSE', false, false],
    ['boolean', {}, '1', false, true],
    ['json', {}, '"text"', false, 'text'],
    ['blocks', {}, '[{"type":"paragraph"}]', false, [{ type: 'paragraph' }]],
    ['relation', { relation: 'manyToOne' }, 'abc123', false, 'abc123'],
    ['relation', { relation: 'manyToOne' }, '{"slug":"news"}', false, { slug: 'news' }],
    ['relation', { relation: 'oneToMany' }, '["a",{"slug":"b"}]', false, ['a', { slug: 'b' }]],
    ['relation', { relation: 'manyToOne', multiple: true }, '["a"]', false, ['a']],
    ['media', {}, '12', false, 12],
    ['media', {}, 'https://cdn.example/a.png', false, 'https://cdn.example/a.png'],
    ['media', { multiple: true }, '[1,2]', false, [1, 2]],
    ['component', { multiple: true }, '[{"a":1}]', false, [{ a: 1 }]],
    ['dynamiczone', {}, '[{"__component":"x.y"}]', false, [{ __component: 'x.y' }]],
  ])('decodes a %s cell (%j) %j (quoted: %j)', (type, extra, text, quoted, value) => {
    expect(decodeCell(attr('field', type, extra), text, quoted)).toEqual({ value });
  });

  it('decodes cells of unknown columns as text, the escape of a formula removed', () => {
    expect(decodeCell(undefined, "'+1", false)).toEqual({ value: '+1' });
    expect(decodeCell(undefined, "'1", false)).toEqual({ value: "'1" });
    expect(decodeCell(undefined, '', false)).toEqual({ value: null });
  });

  it.each<[AttributeType, Partial<AttributeInfo>, unknown, string]>([
    ['string', {}, null, ''],
    ['string', {}, undefined, ''],
    ['string', {}, '', '""'],
    ['string', {}, '=1+1', "'=1+1"],
    ['string', {}, '-x', "'-x"],
    ['string', {}, '+x', "'+x"],
    ['string', {}, '@x', "'@x"],
    ['string', {}, '\tx', '"\'\tx"'],
    ['string', {}, '\rx', `"'\rx"`],
    ['string', {}, "'x", "'x"],
    ['string', {}, "''", "''"],
    ['string', {}, "'=x", "''=x"],
    ['string', {}, "'''-x", "''''-x"],
    ['string', {}, 'a,b', '"a,b"'],
    ['string', {}, 'a;b', '"a;b"'],
    ['string', {}, 'say "hi"', '"say ""hi"""'],
    ['string', {}, ' padded ', '" padded "'],
    ['string', {}, 'two\nlines', '"two\nlines"'],
    ['integer', {}, -5, '-5'],
    ['float', {}, 1e21, '1e+21'],
    ['biginteger', {}, '-12345678901234567890', '-12345678901234567890'],
    ['boolean', {}, false, 'false'],
    ['datetime', {}, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['json', {}, { a: [1, 'x'] }, '"{""a"":[1,""x""]}"'],
    ['relation', { relation: 'manyToOne' }, 'abc123', 'abc123'],
    ['relation', { relation: 'manyToOne' }, { slug: 'news' }, '"{""slug"":""news""}"'],
    ['media', {}, 12, '12'],
  ])('encodes a %s value (%j) %j', (type, extra, value, cell) => {
    expect(encodeCell(attr('field', type, extra), value)).toBe(cell);
  });
});


describe('csv format: the injection escape round trip (property)', () => {
  const textAttributes = [attr('title', 'string'), attr('body', 'text')];
  /** Strings biased towards what the rule is about: apostrophes and formula starts in front of anything. */
  const tricky = fc
    .tuple(
      fc.array(fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', ' ', 'a'), { maxLength: 5 }),
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }))
    )
    .map(([head, tail]) => head.join('') + tail);
  const text = fc.oneof(tricky, fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }));

  it('any string survives write -> read through a text column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text), { minLength: 1, maxLength: 5 }), async (rows) => {
        const options = { attributes: textAttributes, leadingKeys: [] };
        const writer = createCsvWriter(options);
        const items = rows.map(([title, body]) => ({ title, body }));
        const file = writer.begin() + items.map((item) => writer.item(item)).join('') + writer.end();
        const read = await collect(
          csvFormat.read(fromText(file), {
            resolveColumns: (headers) =>
              headers.map((header) => ({
                header,
                path: [header],
                attribute: textAttributes.find((a) => a.name === header),
              })),
          })
        );
        expect(read.map((item) => item.error ?? item.value)).toEqual(items);
      }),
      { numRuns: 300, seed: 20261204 }
    );
  });

  it('escape and unescape are inverse, and an unescaped foreign cell keeps its apostrophes unless it is an escaped formula', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(unescapeTextCell(escapeTextCell(value))).toBe(value);
        const escaped = escapeTextCell(value);
        // What the writer leaves alone is never changed by the reader.
        if (escaped === value) expect(unescapeTextCell(value)).toBe(value);
        // Never a formula start, whatever the text.
        expect(escaped).not.toMatch(/^[=+\-@\t\r]/);
      }),
      { numRuns: 2000, seed: 20261204 }
    );
  });
});
