import fc from 'fast-check';
import { CSV_DELIMITERS } from '../../../../../shared/formats';
import type { CsvColumn, WriteOptions } from '../types';
import { collect, fromText } from '../test-streams';
import { csvColumns, csvFormat, decodeCell, joinReferenceKeys, splitReferenceKeys } from '.';
import { fromDecimalComma } from './cells';
import { attr, values, write } from './test-helpers';

/** What spreadsheets need of CSV: their delimiter, a byte order mark, decimal commas, relations as plain keys. */

const category = attr('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' });
const tags = attr('tags', 'relation', { relation: 'manyToMany', target: 'api::tag.tag' });
const author = attr('author', 'relation', { relation: 'manyToOne', target: 'api::author.author' });
const seo = attr('seo', 'component', { attributes: [attr('metaTitle', 'string'), attr('topic', 'relation', { relation: 'manyToOne', target: 'api::topic.topic' })] });
const attributes = [attr('title', 'string'), attr('price', 'decimal'), category, tags, author, seo];
/** Slugs for categories, names for tags, documentIds for authors (no key of theirs asked), `name` for topics. */
const keyOf = (target: string) => ({ 'api::category.category': 'slug', 'api::tag.tag': 'name', 'api::topic.topic': 'name' })[target] ?? 'documentId';
const options: WriteOptions = { leadingKeys: ['documentId'], attributes, referenceKey: keyOf };

/** The importer's columns for these headers (as ../columns.ts's csvColumnsFor makes them). */
const resolve = (headers: string[]): CsvColumn[] =>
  headers.map((header) => {
    const column = csvColumns(options).find((c) => c.header === header);
    return { header, path: column?.path ?? [header], attribute: column?.attribute, referenceKey: column?.referenceKey };
  });

const read = (text: string, extra: Record<string, unknown> = {}) => collect(csvFormat.read(fromText(text), { resolveColumns: resolve, ...extra }));

describe('csv for spreadsheets: relations by key', () => {
  it('names the column after the key and writes plain values, to-many joined by |', () => {
    expect(csvColumns(options).map((c) => c.header)).toEqual(['documentId', 'title', 'price', 'category.slug', 'tags.name', 'author', 'seo.metaTitle', 'seo.topic.name']);
    const text = write(
      [
        { documentId: 'd1', title: 'A', price: 1.5, category: { slug: 'news' }, tags: [{ name: 'a|b' }, { name: 'c\\d' }, { name: '=x' }], author: 'au1', seo: { metaTitle: 'M', topic: { name: 'T' } } },
        { documentId: 'd2', title: 'B', price: null, category: null, tags: [], author: null, seo: null },
      ],
      options
    );
    expect(text.split('\r\n')).toEqual([
      'documentId,title,price,category.slug,tags.name,author,seo.metaTitle,seo.topic.name',
      "d1,A,1.5,news,a\\|b|c\\\\d|=x,au1,M,T",
      'd2,B,,,,,,',
      '',
    ]);
  });

  it('reads them back as key objects, an empty cell as no relation', async () => {
    const text = 'title,category.slug,tags.name,seo.topic.name\r\nA,news,a\\|b|c\\\\d|x,T\r\nB,,,\r\nC,"",single,\r\n';
    expect(values(await read(text))).toEqual([
      { title: 'A', category: { slug: 'news' }, tags: [{ name: 'a|b' }, { name: 'c\\d' }, { name: 'x' }], seo: { topic: { name: 'T' } } },
      { title: 'B', category: null, tags: null, seo: null },
      { title: 'C', category: null, tags: [{ name: 'single' }], seo: null },
    ]);
  });

  it('round trips any keys through a to-many cell (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (keys) => {
        expect(splitReferenceKeys(joinReferenceKeys(keys))).toEqual(keys);
      }),
      { numRuns: 500, seed: 20261205 }
    );
    // A backslash before anything else is kept as written (a Windows path in a key).
    expect(splitReferenceKeys('C:\\docs|b')).toEqual(['C:\\docs', 'b']);
  });

  it('round trips whole items through every delimiter (property)', async () => {
    const key = fc.string({ unit: 'grapheme', minLength: 1 });
    const items = fc.array(
      fc.record({
        documentId: fc.stringMatching(/^[a-z0-9]{3,8}$/),
        title: fc.string({ unit: 'grapheme' }),
        price: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
        category: fc.oneof(fc.constant(null), key.map((slug) => ({ slug }))),
        tags: fc.array(key.map((name) => ({ name })), { maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 4 }
    );
    const subset: WriteOptions = { leadingKeys: ['documentId'], attributes: [attr('title', 'string'), attr('price', 'decimal'), category, tags], referenceKey: keyOf };
    await fc.assert(
      fc.asyncProperty(items, fc.constantFrom(...CSV_DELIMITERS), fc.boolean(), async (rows, csvDelimiter, csvBom) => {
        const text = write(rows, { ...subset, csvDelimiter, csvBom });
        expect(text.startsWith('\ufeff')).toBe(csvBom);
        const back = values(await read(text));
        expect(back).toEqual(rows.map((row) => ({ ...row, price: Object.is(row.price, -0) ? 0 : row.price, tags: row.tags.length ? row.tags : null })));
      }),
      { numRuns: 200, seed: 20261205 }
    );
  });
});

describe('csv for spreadsheets: delimiters and byte order mark', () => {
  it('detects ; and tab from the header row, and takes csvDelimiter over it', async () => {
    expect(values(await read('title;price\r\n"a;b";2\r\n'))).toEqual([{ title: 'a;b', price: 2 }]);
    expect(values(await read('title\tprice\r\na,b\t2\r\n'))).toEqual([{ title: 'a,b', price: 2 }]);
    expect(values(await read('\ufefftitle;price\r\nx;3\r\n'))).toEqual([{ title: 'x', price: 3 }]);
    // A one-column file whose titles hold semicolons: the header shows no delimiter, the option says it.
    expect(values(await read('title\r\na;b\r\n', { csvDelimiter: ',' }))).toEqual([{ title: 'a;b' }]);
    expect(values(await read('title,price\r\n"x";4\r\n', { csvDelimiter: ';' }))[0]).toMatch(/column "title,price"|expected 1 cells/);
  });

  it('quotes a cell holding any delimiter, whichever the file uses', () => {
    const text = write([{ documentId: 'd', title: 'a\tb;c,d' }], { leadingKeys: ['documentId'], attributes: [attr('title', 'string')], csvDelimiter: '\t' });
    expect(text).toBe('documentId\ttitle\r\nd\t"a\tb;c,d"\r\n');
  });
});

describe('csv for spreadsheets: decimal commas', () => {
  const decimal = attr('price', 'decimal');
  const cell = (text: string, decimalComma = true) => decodeCell(decimal, text, false, { maxDepth: 64, decimalComma });

  it('reads a comma as the decimal separator, and dots or spaces between thousands', () => {
    expect(cell('48,8566')).toEqual({ value: 48.8566 });
    expect(cell('-1.234.567,5')).toEqual({ value: -1234567.5 });
    expect(cell('1 234,25')).toEqual({ value: 1234.25 });
    expect(cell('1\u00a0234')).toEqual({ value: 1234 });
    expect(cell('1.234')).toEqual({ value: 1234 });
    expect(cell('1.5')).toEqual({ value: 1.5 });
    expect(cell('2e3')).toEqual({ value: 2000 });
  });

  it('refuses what is not a number in that notation, and reads commas as an error without the option', () => {
    expect(cell('1,234.5')).toEqual({ error: '"1,234.5" is not a number (decimalComma: 1.234,5)' });
    expect(cell('1.23.4')).toHaveProperty('error');
    expect(cell('12,')).toHaveProperty('error');
    expect(cell('48,8566', false)).toEqual({ error: '"48,8566" is not a number' });
    expect(fromDecimalComma('12.345.678')).toBe('12345678');
  });

  it('applies to a whole file read with the option', async () => {
    expect(values(await read('title;price\r\nA;48,8566\r\nB;1.000,5\r\n', { decimalComma: true }))).toEqual([
      { title: 'A', price: 48.8566 },
      { title: 'B', price: 1000.5 },
    ]);
  });
});
