import type { ModelMeta } from '../../schema/model-metadata';
import { decodeRow, encodeRow, fingerprintOf, linkColumnsOf, type UndoModels } from './rows';

/** The shapes @strapi/database's metadata gives (components as relations through `_cmps`, media as a morph table). */
const ARTICLE: ModelMeta = {
  uid: 'api::article.article',
  tableName: 'articles',
  attributes: {
    title: { type: 'string' },
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
    const line = JSON.parse(JSON.stringify(encodeRow(row))) as Record<string, unknown>;
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
  });
});
