import type { ContentTypeInfo } from '../../../shared/contracts';
import { articleType, contactType, limitedArticleType, limitedContactType, limitedContentTypes } from '../testing/fixtures';
import {
  accessOf,
  allowedExportValues,
  allowedImportValues,
  canExportType,
  canImportType,
  exportableTypes,
  forExport,
  forImport,
  importableTypes,
} from './access';
import { EXPORT_DEFAULTS, IMPORT_DEFAULTS, relationKeys, type ImportFormValues } from './forms';
import { mappingTargets } from './mapping';

const names = (contentType: ContentTypeInfo) => contentType.attributes.map((attribute) => attribute.name);

/** An author type with relations, and an article whose `author` points to it, both with a unique key. */
const authorType: ContentTypeInfo = {
  ...contactType,
  uid: 'api::author.author',
  displayName: 'Author',
  matchKeys: ['documentId', 'email'],
  attributes: [
    { name: 'name', type: 'string', required: false, unique: false, private: false },
    { name: 'email', type: 'email', required: false, unique: true, private: false },
  ],
};
const articleWithAuthor: ContentTypeInfo = {
  ...articleType,
  attributes: [
    ...articleType.attributes,
    {
      name: 'author',
      type: 'relation',
      required: false,
      unique: false,
      private: false,
      relation: 'manyToOne',
      target: 'api::author.author',
    },
    {
      name: 'seo',
      type: 'component',
      required: false,
      unique: false,
      private: false,
      component: 'shared.seo',
      attributes: [{ name: 'metaTitle', type: 'string', required: false, unique: false, private: false }],
    },
  ],
};

describe('accessOf', () => {
  it('treats a type without access as unrestricted (publish only where the type has drafts)', () => {
    expect(accessOf(articleType)).toEqual({
      read: true,
      create: true,
      update: true,
      publish: true,
      readable: ['title', 'slug', 'views'],
      writable: ['title', 'slug', 'views'],
    });
    expect(accessOf(contactType).publish).toBe(false);
  });

  it('keeps the access the server gave', () => {
    expect(accessOf(limitedArticleType)).toBe(limitedArticleType.access);
  });
});

describe('which types a form offers', () => {
  it('offers for export the types with Read and at least one readable field', () => {
    expect(canExportType(limitedArticleType)).toBe(true);
    expect(canExportType(limitedContactType)).toBe(false);
    const readNoFields = { ...articleType, access: { ...limitedArticleType.access!, readable: [] } };
    expect(canExportType(readNoFields)).toBe(false);
    expect(exportableTypes(limitedContentTypes).map((type) => type.uid)).toEqual(['api::article.article']);
  });

  it('offers for import the types with Create or Update', () => {
    expect(canImportType(limitedArticleType)).toBe(true);
    expect(canImportType(limitedContactType)).toBe(true);
    const readOnly = { ...articleType, access: { ...limitedArticleType.access!, create: false, update: false } };
    expect(canImportType(readOnly)).toBe(false);
    expect(importableTypes([readOnly, limitedContactType]).map((type) => type.uid)).toEqual(['api::contact.contact']);
  });

  it('offers every type when the server says nothing about access', () => {
    expect(exportableTypes([articleType, contactType])).toEqual([articleType, contactType]);
    expect(importableTypes([articleType, contactType])).toEqual([articleType, contactType]);
  });
});

describe('forExport', () => {
  it('keeps only the readable attributes, and match keys among them (documentId always)', () => {
    const exported = forExport(limitedArticleType);
    expect(names(exported)).toEqual(['title', 'views']);
    expect(exported.matchKeys).toEqual(['documentId']);
    expect(forExport({ ...articleType, access: { ...limitedArticleType.access!, readable: ['slug'] } }).matchKeys).toEqual([
      'documentId',
      'slug',
    ]);
  });

  it('limits the relation keys to what the user may read on the target', () => {
    const author = { ...authorType, access: { ...limitedArticleType.access!, readable: ['name'] } };
    expect(relationKeys(articleWithAuthor, [articleWithAuthor, authorType])).toEqual(['documentId', 'email']);
    expect(relationKeys(articleWithAuthor, exportableTypes([articleWithAuthor, author]))).toEqual(['documentId']);
  });
});

describe('forImport', () => {
  it('maps onto the writable attributes (and documentId, locale) only; matches by readable keys', () => {
    const imported = forImport(limitedArticleType);
    expect(names(imported)).toEqual(['title', 'views']);
    expect(imported.matchKeys).toEqual(['documentId']);
    expect(mappingTargets(imported).map((target) => target.path)).toEqual(['title', 'views', 'documentId', 'locale']);
  });

  it("keeps a writable component's field paths", () => {
    const withSeo = { ...articleWithAuthor, access: { ...limitedArticleType.access!, writable: ['seo'] } };
    expect(mappingTargets(forImport(withSeo)).map((target) => target.path)).toEqual([
      'seo',
      'seo.metaTitle',
      'documentId',
      'locale',
    ]);
  });
});

describe('allowedExportValues', () => {
  const offered = exportableTypes(limitedContentTypes);

  it('drops fields the user may not read, and a relation key it may not read', () => {
    const values = { ...EXPORT_DEFAULTS, contentType: 'api::article.article', fields: ['title', 'slug'], relationsAs: 'slug' };
    expect(allowedExportValues(values, offered)).toEqual({ ...values, fields: ['title'], relationsAs: 'documentId' });
  });

  it('clears a content type the user may not export', () => {
    const values = { ...EXPORT_DEFAULTS, contentType: 'api::contact.contact', fields: ['zip'] };
    expect(allowedExportValues(values, offered)).toEqual({ ...values, contentType: '', fields: null });
  });

  it('returns the same values when everything is allowed', () => {
    const values = { ...EXPORT_DEFAULTS, contentType: 'api::article.article', fields: ['views'] };
    expect(allowedExportValues(values, offered)).toBe(values);
    expect(allowedExportValues(EXPORT_DEFAULTS, offered)).toBe(EXPORT_DEFAULTS);
  });
});

describe('allowedImportValues', () => {
  const offered = importableTypes(limitedContentTypes);
  const asked: ImportFormValues = {
    ...IMPORT_DEFAULTS,
    contentType: 'api::article.article',
    importStrategy: 'add-only',
    status: 'published',
    matchBy: 'slug',
    mapping: [
      { source: 'Title', target: 'title' },
      { source: 'Slug', target: 'slug' },
      { source: 'id', target: 'documentId' },
      { source: 'colour', target: null },
    ],
  };

  it('without Create, Publish or Read of the key: upsert, draft, documentId; rows onto unwritable attributes ignored', () => {
    expect(allowedImportValues(asked, offered)).toEqual({
      ...asked,
      importStrategy: 'upsert',
      status: 'draft',
      matchBy: 'documentId',
      mapping: [
        { source: 'Title', target: 'title' },
        { source: 'Slug', target: null },
        { source: 'id', target: 'documentId' },
        { source: 'colour', target: null },
      ],
    });
  });

  it('keeps add-only with Create, published with Publish, and a readable match key', () => {
    const full = importableTypes([articleType]);
    expect(allowedImportValues(asked, full)).toBe(asked);
    const creator = importableTypes([{ ...articleType, access: { ...limitedArticleType.access!, create: true, publish: true } }]);
    expect(allowedImportValues(asked, creator)).toEqual(
      expect.objectContaining({ importStrategy: 'add-only', status: 'published', matchBy: 'documentId' })
    );
  });

  it('clears a content type the user may not import into', () => {
    const values = { ...IMPORT_DEFAULTS, contentType: 'api::tag.tag', matchBy: 'name' };
    expect(allowedImportValues(values, offered)).toEqual({ ...values, contentType: '', matchBy: 'documentId' });
  });
});
