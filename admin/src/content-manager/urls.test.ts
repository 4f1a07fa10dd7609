import {
  exportAllUrl,
  exportCurrentUrl,
  exportSelectedUrl,
  exportUrl,
  importUrl,
  parseSort,
  readExportPrefill,
  readListQuery,
  sortText,
} from './urls';

const ARTICLE = 'api::article.article';

/** The path and the query of a link, the query as plain values. */
const open = (url: string) => {
  const parsed = new URL(url, 'http://admin.test');
  return { path: parsed.pathname, params: Object.fromEntries(parsed.searchParams.entries()) };
};

/**
 * Query strings as the Content Manager's list view writes them: `qs.stringify(query, { encode: false })`, the
 * filter values encoded by the list itself (the browser then encodes what is left, brackets).
 */
const LIST = '?page=2&pageSize=10&sort=title:ASC&plugins[i18n][locale]=fr';
const FILTERED =
  '?page=3&pageSize=10&sort=views:DESC' +
  '&filters[$and][0][title][$containsi]=Streams%20%26%20more' +
  '&filters[$and][1][views][$gt]=100' +
  '&plugins[i18n][locale]=en';

describe('the links of the list view', () => {
  it('exports all entries: the type and the locale of the list, no filters, no sort, no page', () => {
    const { path, params } = open(exportAllUrl(ARTICLE, LIST));
    expect(path).toBe('/plugins/data-migration-center/export');
    expect(params).toEqual({ contentType: ARTICLE, locale: 'fr' });
  });

  it('exports the current filters and sort: every page of them, the filters as JSON', () => {
    const { path, params } = open(exportCurrentUrl(ARTICLE, FILTERED));
    expect(path).toBe('/plugins/data-migration-center/export');
    expect(params).toEqual({ contentType: ARTICLE, filters: expect.any(String), sort: 'views:DESC', locale: 'en' });
    expect(JSON.parse(params.filters)).toEqual({
      $and: [{ title: { $containsi: 'Streams & more' } }, { views: { $gt: '100' } }],
    });
  });

  it('exports the current list without filters as all entries in its order', () => {
    expect(open(exportCurrentUrl(ARTICLE, LIST)).params).toEqual({
      contentType: ARTICLE,
      sort: 'title:ASC',
      locale: 'fr',
    });
    expect(open(exportCurrentUrl(ARTICLE, '')).params).toEqual({ contentType: ARTICLE });
  });

  it('exports the selected entries by documentId, in the locale and order of the list (its filters left out)', () => {
    const { path, params } = open(exportSelectedUrl(ARTICLE, ['abc123', 'def456'], FILTERED));
    expect(path).toBe('/plugins/data-migration-center/export');
    expect(params).toEqual({ contentType: ARTICLE, filters: expect.any(String), sort: 'views:DESC', locale: 'en' });
    expect(JSON.parse(params.filters)).toEqual({ documentId: { $in: ['abc123', 'def456'] } });
  });

  it('opens the import wizard with the type', () => {
    expect(open(importUrl(ARTICLE))).toEqual({
      path: '/plugins/data-migration-center/import',
      params: { contentType: ARTICLE },
    });
  });

  it('encodes what it carries (a round trip through the export page reading it)', () => {
    const url = exportUrl({
      contentType: ARTICLE,
      filters: { title: { $eq: 'a&b=c?#%' } },
      sort: ['title:ASC', 'views:DESC'],
      locale: 'fr',
      status: 'published',
    });
    expect(readExportPrefill(new URL(url, 'http://admin.test').searchParams)).toEqual({
      contentType: ARTICLE,
      filters: JSON.stringify({ title: { $eq: 'a&b=c?#%' } }, null, 2),
      sort: 'title:ASC, views:DESC',
      locale: 'fr',
      status: 'published',
    });
  });
});

describe('readListQuery', () => {
  it('takes the status filter out of the filters: published becomes the status, the others are dropped', () => {
    const published = readListQuery('?filters[$and][0][__status][$eq]=published&filters[$and][1][views][$lt]=5');
    expect(published).toEqual({ filters: { $and: [{ views: { $lt: '5' } }] }, status: 'published' });
    expect(readListQuery('?filters[$and][0][__status][$eq]=draft')).toEqual({});
  });

  it('keeps the sort entries an export can use (not a relation field), a list of them too', () => {
    expect(readListQuery('?sort=author[name]:ASC')).toEqual({});
    expect(readListQuery('?sort=title:ASC,createdAt:desc')).toEqual({ sort: ['title:ASC', 'createdAt:desc'] });
    expect(readListQuery('?sort[0]=title:ASC&sort[1]=author[name]:DESC')).toEqual({ sort: ['title:ASC'] });
  });

  it('ignores what the list has and an export does not (page, search, other plugins)', () => {
    expect(readListQuery('?page=4&pageSize=100&_q=streams&plugins[other][x]=1')).toEqual({});
  });
});

describe('readExportPrefill', () => {
  const read = (query: string) => readExportPrefill(new URLSearchParams(query));

  it('reads nothing from an empty query (or a template link)', () => {
    expect(read('')).toEqual({});
    expect(read('templateId=5')).toEqual({});
  });

  it('keeps filters that are not JSON as they are (the form says why on submit), and an unknown status out', () => {
    expect(read('contentType=api::tag.tag&filters={oops&status=archived')).toEqual({
      contentType: 'api::tag.tag',
      filters: '{oops',
    });
  });
});

describe('the sort text', () => {
  it('is one entry, a list, or nothing', () => {
    expect(parseSort('')).toEqual({ value: undefined, invalid: [] });
    expect(parseSort(' title:ASC ')).toEqual({ value: 'title:ASC', invalid: [] });
    expect(parseSort('title:ASC, views:desc,')).toEqual({ value: ['title:ASC', 'views:desc'], invalid: [] });
  });

  it('names the entries that are not a sort by an attribute', () => {
    expect(parseSort('title:up, author.name:ASC, views').invalid).toEqual(['title:up', 'author.name:ASC']);
  });

  it("reads a template's sort", () => {
    expect(sortText(['title:ASC', 'views:DESC'])).toBe('title:ASC, views:DESC');
    expect(sortText('title:ASC')).toBe('title:ASC');
    expect(sortText(undefined)).toBe('');
  });
});
