import type { AttributeInfo, ContentTypeInfo } from '../../../shared/contracts';
import { emptyRow, filterFields, filtersToRows, rowsToFilters, rowValue, type FilterRow } from './filters';
import { attribute } from '../testing/fixtures';


const contentType = (uid: string, matchKeys: string[], attributes: AttributeInfo[]): ContentTypeInfo => ({
  uid,
  kind: 'collectionType',
  displayName: uid,
  singularName: uid,
  pluralName: uid,
  draftAndPublish: false,
  localized: false,
  matchKeys,
  attributes,
});

const category = contentType('api::category.category', ['documentId', 'slug', 'code'], [
  attribute('name', 'string'),
  attribute('slug', 'uid', { unique: true }),
  attribute('code', 'integer', { unique: true }),
]);

const articleAttributes: AttributeInfo[] = [
  attribute('title', 'string'),
  attribute('body', 'blocks'),
  attribute('views', 'integer'),
  attribute('rating', 'decimal'),
  attribute('bigViews', 'biginteger'),
  attribute('featured', 'boolean'),
  attribute('publishDate', 'datetime'),
  attribute('kind', 'enumeration', { enum: ['news', 'review'] }),
  attribute('cover', 'media'),
  attribute('data', 'json'),
  attribute('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' }),
  attribute('author', 'relation', { relation: 'manyToOne', target: 'plugin::users-permissions.user' }),
  attribute('seo', 'component', { component: 'shared.seo', attributes: [attribute('metaTitle', 'string'), attribute('image', 'media')] }),
  attribute('blocks', 'dynamiczone', { components: ['shared.quote'] }),
];

const fields = filterFields(articleAttributes, [category]);

const row = (path: string, kind: FilterRow['kind'], operator: FilterRow['operator'], value = ''): FilterRow => ({
  path,
  kind,
  operator,
  value,
});

describe('filterFields', () => {
  it('lists scalar attributes, relation keys of known targets and component attributes', () => {
    expect(fields.map((field) => [field.path, field.kind])).toEqual([
      ['title', 'text'],
      ['views', 'number'],
      ['rating', 'number'],
      ['bigViews', 'bigint'],
      ['featured', 'boolean'],
      ['publishDate', 'date'],
      ['kind', 'enumeration'],
      ['category.documentId', 'text'],
      ['category.slug', 'text'],
      ['category.code', 'number'],
      ['seo.metaTitle', 'text'],
    ]);
    expect(fields.find((field) => field.path === 'kind')?.enum).toEqual(['news', 'review']);
  });
});

describe('rowValue', () => {
  it('converts values to the kind of the row', () => {
    expect(rowValue(row('views', 'number', '$gt', ' 100 '))).toEqual({ value: 100 });
    expect(rowValue(row('rating', 'number', '$lt', '4.5'))).toEqual({ value: 4.5 });
    expect(rowValue(row('views', 'number', '$gt', '1OO'))).toEqual({ error: 'notANumber' });
    expect(rowValue(row('bigViews', 'bigint', '$eq', '42'))).toEqual({ value: 42 });
    expect(rowValue(row('bigViews', 'bigint', '$eq', '9007199254740993'))).toEqual({ value: '9007199254740993' });
    expect(rowValue(row('bigViews', 'bigint', '$eq', '4.2'))).toEqual({ error: 'notAnInteger' });
    expect(rowValue(row('featured', 'boolean', '$eq', 'false'))).toEqual({ value: false });
    expect(rowValue(row('title', 'text', '$contains', ' a b '))).toEqual({ value: ' a b ' });
    expect(rowValue(row('title', 'text', '$eq', '  '))).toEqual({ error: 'empty' });
    expect(rowValue(row('title', 'text', '$null'))).toEqual({ value: true });
    expect(rowValue(row('views', 'number', '$in', '1, 2,,3'))).toEqual({ value: [1, 2, 3] });
    expect(rowValue(row('views', 'number', '$in', '1, x'))).toEqual({ error: 'notANumber' });
    expect(rowValue(row('title', 'text', '$in', ' , '))).toEqual({ error: 'empty' });
  });
});

describe('rowsToFilters', () => {
  it('combines several rows with $and, nesting relation keys', () => {
    expect(rowsToFilters([row('views', 'number', '$gt', '100'), row('category.slug', 'text', '$eq', 'news')])).toEqual({
      $and: [{ views: { $gt: 100 } }, { category: { slug: { $eq: 'news' } } }],
    });
  });

  it('gives one row as it is, and no rows as {}', () => {
    expect(rowsToFilters([row('featured', 'boolean', '$eq', 'true')])).toEqual({ featured: { $eq: true } });
    expect(rowsToFilters([row('seo.metaTitle', 'text', '$notNull')])).toEqual({ seo: { metaTitle: { $notNull: true } } });
    expect(rowsToFilters([])).toEqual({});
  });

  it('leaves out rows without a field or with a value missing or not of their kind', () => {
    expect(
      rowsToFilters([
        emptyRow(),
        row('title', 'text', '$eq', ''),
        row('views', 'number', '$gt', 'many'),
        row('kind', 'enumeration', '$ne', 'news'),
      ])
    ).toEqual({ kind: { $ne: 'news' } });
  });
});

describe('filtersToRows', () => {
  const canonical: Array<Record<string, unknown>> = [
    {},
    { views: { $gt: 100 } },
    { $and: [{ views: { $gt: 100 } }, { category: { slug: { $eq: 'news' } } }] },
    { $and: [{ title: { $containsi: 'streams' } }, { title: { $notContains: 'draft' } }, { featured: { $null: true } }] },
    { $and: [{ publishDate: { $gte: '2024-01-01T00:00:00.000Z' } }, { kind: { $eq: 'review' } }] },
    { $and: [{ views: { $in: [1, 2, 3] } }, { category: { code: { $ne: 7 } } }] },
    { seo: { metaTitle: { $startsWith: 'How to' } } },
    { bigViews: { $lte: '9007199254740993' } },
    { kind: { $in: ['news', 'review'] } },
    { kind: { $notNull: true } },
  ];

  it.each(canonical.map((filters) => [JSON.stringify(filters), filters]))('is the inverse of rowsToFilters: %s', (_name, filters) => {
    const rows = filtersToRows(filters, fields);
    expect(rows).not.toBeNull();
    expect(rowsToFilters(rows as FilterRow[])).toEqual(filters);
  });

  it('gives the rows their fields kinds and values as text', () => {
    expect(filtersToRows({ $and: [{ views: { $gt: 100 } }, { category: { slug: { $eq: 'news' } } }] }, fields)).toEqual([
      row('views', 'number', '$gt', '100'),
      row('category.slug', 'text', '$eq', 'news'),
    ]);
    expect(filtersToRows({ views: { $in: [1, 2] } }, fields)).toEqual([row('views', 'number', '$in', '1, 2')]);
  });

  it('reads the Content Manager’s string values, implicit $eq, nested $and and side by side conditions', () => {
    const rows = filtersToRows(
      { $and: [{ views: { $gt: '100' } }, { $and: [{ featured: { $eq: 'true' } }] }], title: 'A', kind: { $ne: 'news', $eq: 'review' } },
      fields
    );
    expect(rows).toEqual([
      row('views', 'number', '$gt', '100'),
      row('featured', 'boolean', '$eq', 'true'),
      row('title', 'text', '$eq', 'A'),
      row('kind', 'enumeration', '$ne', 'news'),
      row('kind', 'enumeration', '$eq', 'review'),
    ]);
    expect(rowsToFilters(rows as FilterRow[])).toEqual({
      $and: [
        { views: { $gt: 100 } },
        { featured: { $eq: true } },
        { title: { $eq: 'A' } },
        { kind: { $ne: 'news' } },
        { kind: { $eq: 'review' } },
      ],
    });
    expect(filtersToRows({ title: { $null: 'true' } }, fields)).toEqual([row('title', 'text', '$null')]);
  });

  it.each([
    ['not an object', [1, 2]],
    ['$or', { $or: [{ views: { $gt: 1 } }, { views: { $lt: 0 } }] }],
    ['$not', { $not: { views: { $gt: 1 } } }],
    ['an operator rows do not have', { title: { $eqi: 'a' } }],
    ['an operator at the top', { $eq: 1 }],
    ['$and below an attribute', { views: { $and: [{ $gt: 1 }] } }],
    ['an empty $and', { $and: [] }],
    ['an empty condition', { title: {} }],
    ['a null value', { title: { $eq: null } }],
    ['an object value', { title: { $eq: { a: 1 } } }],
    ['an empty text', { title: { $eq: '' } }],
    ['$null false', { title: { $null: false } }],
    ['$in with a comma in a value', { title: { $in: ['a,b'] } }],
    ['$in without values', { title: { $in: [] } }],
    ['an attribute that is not a field', { documentId: { $in: ['abc', 'def'] } }],
    ['a relation key that is not a match key', { category: { name: { $eq: 'News' } } }],
    ['a relation without key', { category: { $null: true } }],
    ['an operator not of the kind', { views: { $contains: '1' } }],
    ['an operator not of enumerations', { kind: { $contains: 'ne' } }],
    ['a value not of the enumeration', { kind: { $eq: 'opinion' } }],
    ['$in with a value not of the enumeration', { kind: { $in: ['news', 'opinion'] } }],
    ['a value not of the kind', { views: { $gt: 'many' } }],
    ['a number where text is', { title: { $eq: 1 } }],
    ['a boolean that is not true or false', { featured: { $eq: 'yes' } }],
  ])('cannot show %s', (_name, filters) => {
    expect(filtersToRows(filters, fields)).toBeNull();
  });

  it('without fields, shows any path and takes kinds from the values', () => {
    expect(filtersToRows({ $and: [{ documentId: { $in: ['abc', 'def'] } }, { a: { b: { $gt: 1 } } }, { c: { $eq: false } }] })).toEqual([
      row('documentId', 'text', '$in', 'abc, def'),
      row('a.b', 'number', '$gt', '1'),
      row('c', 'boolean', '$eq', 'false'),
    ]);
  });
});
