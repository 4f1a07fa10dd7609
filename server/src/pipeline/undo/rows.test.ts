import type { ModelMeta } from '../../schema/model-metadata';
import { createHash } from 'node:crypto';
import { decodeRow, encodedRowJson, encodedStateJson, fingerprintOf, fingerprintOfBound, linkColumnsOf, type Row, type UndoModels } from './rows';

/** How the first version encoded a row (an encoded copy, then JSON.stringify): the text must stay the same. */
const encodeRow = (row: Row): Row => {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (value instanceof Date) out[column] = { $date: value.toISOString() };
    else if (Buffer.isBuffer(value)) out[column] = { $bytes: value.toString('base64') };
    else if (value !== null && typeof value === 'object') out[column] = { $json: value };
    else out[column] = value;
  }
  return out;
};

/** The shapes @strapi/database's metadata gives (components as relations through `_cmps`, media as a morph table). */
const ARTICLE: ModelMeta = {
  uid: 'api::article.article',
  tableName: 'articles',
  attributes: {
    title: { type: 'string' },
    cover: { type: 'relation', relation: 'morphOne', target: 'plugin::upload.file', morphBy: 'related' },
    tags: {
      type: 'relation',
      relation: 'manyToMany',
      target: 'api::tag.tag',
      joinTable: { name: 'articles_tags_lnk', joinColumn: { name: 'article_id' }, inverseJoinColumn: { name: 'tag_id' } },
    },
    seo: {
      type: 'relation',
      relation: 'oneToOne',
      target: 'shared.seo',
      joinTable: { name: 'articles_cmps', joinColumn: { name: 'entity_id' }, inverseJoinColumn: { name: 'cmp_id' }, on: { field: 'seo' } },
    },
    sections: {
      type: 'relation',
      relation: 'morphToMany',
      joinTable: {
        name: 'articles_cmps',
        joinColumn: { name: 'entity_id' },
        morphColumn: { idColumn: { name: 'cmp_id' }, typeColumn: { name: 'component_type' } },
        on: { field: 'sections' },
      },
    },
  },
};
const CATEGORY: ModelMeta = {
  uid: 'api::category.category',
  tableName: 'categories',
  attributes: {
    articles: {
      type: 'relation',
      relation: 'oneToMany',
      target: 'api::article.article',
      joinTable: { name: 'categories_articles_lnk', joinColumn: { name: 'category_id' }, inverseJoinColumn: { name: 'article_id' } },
    },
  },
};
const FILE: ModelMeta = {
  uid: 'plugin::upload.file',
  tableName: 'files',
  attributes: {
    related: {
      type: 'relation',
      relation: 'morphToMany',
      joinTable: {
        name: 'files_related_mph',
        joinColumn: { name: 'file_id' },
        morphColumn: { idColumn: { name: 'related_id' }, typeColumn: { name: 'related_type' } },
      },
    },
  },
};
const models: UndoModels = {
  metadataOf: (uid) => [ARTICLE, CATEGORY, FILE].find((model) => model.uid === uid),
  all: () => [ARTICLE, CATEGORY, FILE],
};

describe('linkColumnsOf', () => {
  test("a type's rows are named by its own join tables, the relations pointing at it, and media", () => {
    expect(linkColumnsOf(models, 'api::article.article')).toEqual([
      { table: 'articles_tags_lnk', column: 'article_id' },
      { table: 'articles_cmps', column: 'entity_id' },
      { table: 'categories_articles_lnk', column: 'article_id' },
      { table: 'files_related_mph', column: 'related_id', morphType: { column: 'related_type', value: 'api::article.article' } },
    ]);
  });

  test('a type without a media attribute is not looked up in the media table (no other rows of it are there)', () => {
    expect(linkColumnsOf(models, 'api::category.category')).toEqual([{ table: 'categories_articles_lnk', column: 'category_id' }]);
  });

  test("a component's rows: only by type (the same cmp_id may name another component's row)", () => {
    const links = linkColumnsOf(models, 'shared.seo');
    expect(links).toContainEqual({ table: 'articles_cmps', column: 'cmp_id', morphType: { column: 'component_type', value: 'shared.seo' } });
    expect(links).not.toContainEqual({ table: 'articles_cmps', column: 'cmp_id' });
    expect(links).toContainEqual({ table: 'files_related_mph', column: 'related_id', morphType: { column: 'related_type', value: 'shared.seo' } });
  });
});

describe('rows as JSON', () => {
  test('dates, JSON values and bytes go back in as what they were', () => {
    const row = { id: 3, title: 'x', created_at: new Date('2026-01-02T03:04:05.678Z'), metadata: { a: [1, 2] }, list: [1], raw: Buffer.from('hi'), n: null };
    const line = JSON.parse(encodedRowJson(row)) as Record<string, unknown>;
    expect(decodeRow(line)).toEqual({ id: 3, title: 'x', created_at: row.created_at, metadata: '{"a":[1,2]}', list: '[1]', raw: Buffer.from('hi'), n: null });
  });

  test('a fingerprint changes with any column and ignores the order rows come in', () => {
    const rows = [
      { id: 2, document_id: 'd', title: 'b', updated_at: new Date(1000) },
      { id: 1, document_id: 'd', title: 'a', updated_at: new Date(1000) },
    ];
    expect(fingerprintOf(rows)).toBe(fingerprintOf([rows[1], rows[0]]));
    expect(fingerprintOf(rows)).not.toBe(fingerprintOf([rows[0], { ...rows[1], updated_at: new Date(2000) }]));
    expect(fingerprintOf([])).toBe('');
    // Version 2: the columns named, a date by its instant (a driver may give a number or a Date).
    const columns = ['id', 'updated_at'];
    expect(fingerprintOf(rows, columns)).toBe(fingerprintOf([rows[1], rows[0]], columns));
    expect(fingerprintOf(rows, columns)).toBe(fingerprintOf(rows.map((row) => ({ ...row, title: 'other', updated_at: 1000 })), columns));
    expect(fingerprintOf(rows, columns)).not.toBe(fingerprintOf([rows[0], { ...rows[1], updated_at: new Date(2000) }], columns));
    expect(fingerprintOf([{ id: 1, updated_at: null }], columns)).not.toBe(fingerprintOf([{ id: 1, updated_at: 0 }], columns));
  });

  test('the text is what the first version wrote, so fingerprints of earlier pre-images still compare', () => {
    const rows: Row[] = [
      { id: 7, document_id: 'd"\\q', title: 'é \u2028 \u0000 "x"', n: null, u: undefined, f: 1.5, b: true, big: '9007199254740993' },
      { id: 5, document_id: 'd', at: new Date(0), json: { k: ['v', { w: null }] }, arr: [], bytes: Buffer.from([0, 255]), '0': 'numeric key' },
    ];
    for (const row of rows) expect(encodedRowJson(row)).toBe(JSON.stringify(encodeRow(row)));
    const first = createHash('sha256')
      .update(JSON.stringify([...rows].sort((a, b) => Number(a.id) - Number(b.id)).map(encodeRow)))
      .digest('hex')
      .slice(0, 32);
    expect(fingerprintOf(rows)).toBe(first);
    const state = { entities: [['articles', rows]], links: [['articles_tags_lnk', [{ id: 1, article_id: 7 }]]] } as const;
    const copy = { entities: [['articles', rows.map(encodeRow)]], links: [['articles_tags_lnk', [{ id: 1, article_id: 7 }]]] };
    expect(encodedStateJson({ entities: [...state.entities].map(([t, r]) => [t, [...r]]), links: [...state.links].map(([t, r]) => [t, [...r]]) })).toBe(JSON.stringify(copy));
  });

  test('a document fingerprinted from the values bound to its rows matches its rows as each driver reads them back', () => {
    const meta: ModelMeta = {
      uid: 'api::page.page',
      tableName: 'pages',
      attributes: {
        documentId: { type: 'string', columnName: 'document_id' },
        locale: { type: 'string', columnName: 'locale' },
        publishedAt: { type: 'datetime', columnName: 'published_at' },
        updatedAt: { type: 'datetime', columnName: 'updated_at' },
        title: { type: 'string' },
      },
    } as unknown as ModelMeta;
    const now = new Date('2026-12-06T11:00:00.123Z');
    const bound = [
      { id: 12, documentId: 'doc', locale: 'fr', publishedAt: now, updatedAt: now },
      { id: 11, documentId: 'doc', locale: 'fr', publishedAt: null, updatedAt: now },
    ];
    const columns = ['id', 'document_id', 'locale', 'published_at', 'updated_at'];
    // SQLite gives dates as milliseconds, PostgreSQL and MySQL as Dates; ids as numbers or (bigint) strings.
    const sqlite = [
      { id: 11, document_id: 'doc', locale: 'fr', published_at: null, updated_at: now.getTime(), title: 'x' },
      { id: 12, document_id: 'doc', locale: 'fr', published_at: now.getTime(), updated_at: now.getTime(), title: 'x' },
    ];
    const postgres = sqlite.map((row) => ({
      ...row,
      id: String(row.id),
      published_at: row.published_at === null ? null : new Date(row.published_at),
      updated_at: new Date(row.updated_at),
    }));
    expect(fingerprintOfBound(meta, bound)).toBe(fingerprintOf(sqlite, columns));
    expect(fingerprintOfBound(meta, bound)).toBe(fingerprintOf(postgres, columns));
    expect(fingerprintOfBound(meta, [{ ...bound[0], updatedAt: new Date(now.getTime() + 1) }, bound[1]])).not.toBe(fingerprintOf(sqlite, columns));
    // A type without i18n has no locale attribute: the column is left out on both sides.
    const plain = { ...meta, attributes: { ...meta.attributes, locale: undefined } } as unknown as ModelMeta;
    const noLocale = columns.filter((column) => column !== 'locale');
    expect(fingerprintOfBound(plain, bound)).toBe(fingerprintOf(sqlite, noLocale));
  });
});
