import { performance } from 'node:perf_hooks';
import type { ModelSchema } from '../../../schema/model-schema';
import { ItemError } from '../../problems';
import { csvColumnsFor } from '../../formats/columns';
import { prepareItem, type PrepareContext } from './prepare';
import { compileTransforms, expressionError, hasTransforms, mappingTargets, plainMapping } from './transforms';

const product: ModelSchema = {
  uid: 'api::product.product',
  kind: 'collectionType',
  modelType: 'contentType',
  info: { displayName: 'Product' },
  attributes: {
    name: { type: 'string' },
    fullName: { type: 'string' },
    price: { type: 'decimal' },
    stock: { type: 'integer' },
    kind: { type: 'enumeration', enum: ['book', 'music'] },
    currency: { type: 'string' },
    tags: { type: 'json' },
  },
};

const ctx = (fieldMapping: Record<string, string | null>): PrepareContext => ({
  schema: product,
  schemaOf: () => undefined,
  isOffered: () => true,
  fieldMapping,
  matchBy: 'documentId',
  localized: false,
});

const failureOf = async (promise: Promise<unknown>): Promise<ItemError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ItemError);
    return error as ItemError;
  }
  throw new Error('expected a failure');
};

describe('transforms: JSONata per item', () => {
  it('converts a decimal comma: $number($replace($, ",", "."))', async () => {
    const t = compileTransforms({ Prix: { to: 'price', transform: "$number($replace($, ',', '.'))" } }, undefined);
    const { item, placed } = await t.apply({ Prix: '12,50', name: 'A' });
    expect(item).toEqual({ name: 'A' });
    expect(placed).toEqual([['price', 12.5]]);
    expect(prepareItem(item, ctx(t.mapping), placed).data).toEqual({ name: 'A', price: 12.5 });
  });

  it('splits a field: $split($, " ")[0], and merges two fields through $item', async () => {
    const t = compileTransforms(
      {
        first: { to: 'name', transform: "$split($, ' ')[0]" },
        last: { to: 'fullName', transform: "$item.first & ' ' & $" },
      },
      undefined
    );
    const { placed } = await t.apply({ first: 'Ada Byron', last: 'Lovelace' });
    expect(placed).toEqual([
      ['name', 'Ada'],
      ['fullName', 'Ada Byron Lovelace'],
    ]);
  });

  it('computes fields from the whole item, maps values by a lookup object, writes constants', async () => {
    const t = compileTransforms(
      { type: { to: 'kind', transform: '$lookup({"B": "book", "M": "music"}, $)' } },
      { fullName: "first & ' ' & last", currency: '"EUR"', tags: '$split(labels, "|")' }
    );
    expect(t.any).toBe(true);
    const { item, placed } = await t.apply({ type: 'M', first: 'Ada', last: 'Lovelace', labels: 'a|b' });
    expect(Object.fromEntries(placed)).toEqual({ kind: 'music', fullName: 'Ada Lovelace', currency: 'EUR', tags: ['a', 'b'] });
    // The fields only computed from are ignored by the mapping.
    const data = prepareItem(item, ctx({ ...t.mapping, first: null, last: null, labels: null }), placed).data;
    expect(data).toEqual({ kind: 'music', fullName: 'Ada Lovelace', currency: 'EUR', tags: ['a', 'b'] });
  });

  it('value map with a lookup table: an unknown value gives undefined, the field absent', async () => {
    const t = compileTransforms({ type: { to: 'kind', transform: '$lookup({"B": "book", "M": "music"}, $)' } }, undefined);
    expect((await t.apply({ type: 'B' })).placed).toEqual([['kind', 'book']]);
    expect((await t.apply({ type: 'X' })).placed).toEqual([]);
    // A source field absent from the item: `$` is undefined (a default can be given).
    const fallback = compileTransforms({ stock: { to: 'stock', transform: '$exists($) ? $ : 0' } }, undefined);
    expect((await fallback.apply({})).placed).toEqual([['stock', 0]]);
  });

  it('checks the result as a value read from the file', async () => {
    const t = compileTransforms({ qty: { to: 'stock', transform: '$ & "!"' } }, undefined);
    const { item, placed } = await t.apply({ qty: '3' });
    expect(() => prepareItem(item, ctx(t.mapping), placed)).toThrow('stock: expected an integer, got "3!"');
  });

  it('refuses hostile keys a transform builds', async () => {
    const t = compileTransforms({ x: { to: 'tags', transform: '{"__proto__": {"polluted": true}}' } }, undefined);
    const { item, placed } = await t.apply({ x: 1 });
    expect(() => prepareItem(item, ctx(t.mapping), placed)).toThrow(/__proto__/);
  });

  it('fails the item with the expression error, naming the field', async () => {
    const t = compileTransforms({ Prix: { to: 'price', transform: '$number($)' } }, undefined);
    const error = await failureOf(t.apply({ Prix: 'abc' }));
    expect(error.problem.field).toBe('price');
    expect(error.problem.stage).toBe('map');
    expect(error.message).toMatch(/^price: the transform of "Prix" failed: Unable to cast value to a number/);
  });

  it('stops an expression past its time (a loop) or its depth (a recursion)', async () => {
    const loop = compileTransforms({}, { name: '($f := function($n) { $f($n + 1) }; $f(0))' }, { timeout: 50, maxDepth: 100_000 });
    const started = Date.now();
    const timeout = await failureOf(loop.apply({}));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(timeout.message).toMatch(/name: the computed field's expression failed: (Evaluation timeout after 50 milliseconds|Stack overflow)/);

    const deep = compileTransforms({}, { stock: '($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))' }, { timeout: 5_000, maxDepth: 200 });
    expect((await failureOf(deep.apply({}))).message).toMatch(/stock: .*Stack overflow/);
  });

  it('tabular files: $item holds every column under its header, the plain mapped ones read back from their target', async () => {
    const mapping = { Code: 'name', Prix: { to: 'price', transform: '$number($)' }, Notes: null };
    const t = compileTransforms(mapping, { fullName: "$item.Code & '/' & Notes & '/' & name" }, undefined, true);
    // As the CSV reader gives the row: Code mapped (and decoded) to name, Prix and Notes as their cell text.
    const { item, placed } = await t.apply({ name: 'A-1', Prix: '3', Notes: 'n' });
    expect(item).toEqual({ name: 'A-1' });
    expect(placed).toEqual([
      ['price', 3],
      ['fullName', 'A-1/n/A-1'],
    ]);
    const columns = csvColumnsFor([{ name: 'name', type: 'string', required: false, unique: false, private: false }], mapping, true)(['Code', 'Prix', 'Notes']);
    expect(columns.map((column) => column.path)).toEqual([['name'], ['Prix'], ['Notes']]);
    expect(csvColumnsFor([], mapping)(['Notes'])[0].path).toBeNull();
  });

  it('answers syntax errors with their position', () => {
    expect(expressionError('$number($replace($, ",", "."))')).toBeNull();
    expect(expressionError('$number(')).toMatch(/at character \d+/);
    expect(expressionError('')).toBe('the expression is empty');
  });

  it('tells the plain part of a mapping from its transforms', () => {
    const mapping = { a: 'title', b: null, c: { to: 'price', transform: '$' } };
    expect(plainMapping(mapping)).toEqual({ a: 'title', b: null });
    expect(mappingTargets(mapping)).toEqual({ a: 'title', b: null, c: 'price' });
    expect(hasTransforms(mapping, undefined)).toBe(true);
    expect(hasTransforms({ a: 'title' }, {})).toBe(false);
    expect(hasTransforms({}, { name: '"x"' })).toBe(true);
  });

  it('costs little: 10,000 items with and without a trivial transform', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ name: `Product ${i}`, Prix: `${i},5` }));
    const plain = ctx({ Prix: 'price' });
    let started = performance.now();
    for (const item of items) prepareItem({ ...item, Prix: i2n(item.Prix) }, plain);
    const without = performance.now() - started;
    const t = compileTransforms({ Prix: { to: 'price', transform: "$number($replace($, ',', '.'))" } }, undefined);
    const transformed = ctx(t.mapping);
    started = performance.now();
    for (const raw of items) {
      const { item, placed } = await t.apply(raw);
      prepareItem(item, transformed, placed);
    }
    const withTransform = performance.now() - started;
    // Figures for docs/transforms.md (printed when DMC_MEASURE is set).
    if (process.env.DMC_MEASURE) console.log(`10,000 items: ${without.toFixed(0)} ms without, ${withTransform.toFixed(0)} ms with a transform`);
    expect(withTransform).toBeLessThan(10_000);
  });
});

const i2n = (text: string) => Number(text.replace(',', '.'));
