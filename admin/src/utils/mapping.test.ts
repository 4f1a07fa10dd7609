import type { ContentTypeInfo } from '../../../shared/contracts';
import { attribute } from '../testing/fixtures';
import {
  autoMatch,
  duplicateTargets,
  fromFieldMapping,
  initialMapping,
  mappingTargets,
  missingRequired,
  toFieldMapping,
} from './mapping';

const article: ContentTypeInfo = {
  uid: 'api::article.article',
  kind: 'collectionType',
  displayName: 'Article',
  singularName: 'article',
  pluralName: 'articles',
  draftAndPublish: true,
  localized: true,
  matchKeys: ['documentId', 'slug'],
  attributes: [
    attribute('title', 'string', { required: true }),
    attribute('slug', 'uid', { unique: true }),
    attribute('publishDate', 'date'),
    attribute('seo', 'component', {
      component: 'shared.seo',
      multiple: false,
      attributes: [attribute('metaTitle', 'string', { required: true }), attribute('metaDescription', 'text')],
    }),
    attribute('sections', 'dynamiczone', { components: ['sections.quote'] }),
    attribute('gallery', 'component', {
      component: 'shared.image',
      multiple: true,
      attributes: [attribute('caption', 'string')],
    }),
    attribute('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' }),
  ],
};

const contact: ContentTypeInfo = {
  ...article,
  uid: 'api::contact.contact',
  localized: false,
  draftAndPublish: false,
  attributes: [attribute('firstName', 'string'), attribute('lastName', 'string'), attribute('zip', 'string')],
};

const paths = (contentType: ContentTypeInfo) => mappingTargets(contentType).map((target) => target.path);
const targetsOf = (rows: ReturnType<typeof autoMatch>) => Object.fromEntries(rows.map((row) => [row.source, row.target]));

describe('mappingTargets', () => {
  it('lists every attribute, the single components’ own attributes as dot paths, then the system keys', () => {
    expect(paths(article)).toEqual([
      'title',
      'slug',
      'publishDate',
      'seo',
      'seo.metaTitle',
      'seo.metaDescription',
      'sections',
      'gallery',
      'category',
      'documentId',
      'locale',
    ]);
  });

  it('offers locale only on localized types', () => {
    expect(paths(contact)).toEqual(['firstName', 'lastName', 'zip', 'documentId']);
  });

  it('keeps whether a target is required', () => {
    const targets = mappingTargets(article);
    expect(targets.find((target) => target.path === 'title')?.required).toBe(true);
    expect(targets.find((target) => target.path === 'seo.metaTitle')).toEqual({ path: 'seo.metaTitle', type: 'string', required: true });
  });
});

describe('autoMatch', () => {
  const targets = paths(article);

  it('matches exact names', () => {
    expect(autoMatch(['title', 'slug', 'documentId'], targets)).toEqual([
      { source: 'title', target: 'title' },
      { source: 'slug', target: 'slug' },
      { source: 'documentId', target: 'documentId' },
    ]);
  });

  it('matches names that differ only in case', () => {
    expect(targetsOf(autoMatch(['Title', 'SLUG', 'PublishDate'], targets))).toEqual({
      Title: 'title',
      SLUG: 'slug',
      PublishDate: 'publishDate',
    });
  });

  it('matches names that differ in -, _ and spaces', () => {
    expect(targetsOf(autoMatch(['publish_date', 'publish-date ', 'Publish Date'], targets))).toEqual({
      publish_date: 'publishDate',
      'publish-date ': null, // the target is taken by the first field that matched it
      'Publish Date': null,
    });
    expect(targetsOf(autoMatch(['first name', 'LAST_NAME', 'Zip'], paths(contact)))).toEqual({
      'first name': 'firstName',
      LAST_NAME: 'lastName',
      Zip: 'zip',
    });
  });

  it('matches component dot paths, segment by segment', () => {
    expect(targetsOf(autoMatch(['seo.metaTitle', 'SEO.meta_description', 'seo'], targets))).toEqual({
      'seo.metaTitle': 'seo.metaTitle',
      'SEO.meta_description': 'seo.metaDescription',
      seo: 'seo',
    });
  });

  it('does not offer dot paths into repeatable components or dynamic zones', () => {
    expect(targetsOf(autoMatch(['gallery.caption', 'sections.quote'], targets))).toEqual({
      'gallery.caption': null,
      'sections.quote': null,
    });
  });

  it('does not ignore dots when matching loosely', () => {
    expect(targetsOf(autoMatch(['seometatitle', 'seo_metaTitle'], targets))).toEqual({
      seometatitle: null,
      seo_metaTitle: null,
    });
  });

  it('prefers an exact match over a looser one, whatever the order of the fields', () => {
    expect(autoMatch(['Title', 'title'], targets)).toEqual([
      { source: 'Title', target: null },
      { source: 'title', target: 'title' },
    ]);
    expect(autoMatch(['first_name', 'firstName'], paths(contact))).toEqual([
      { source: 'first_name', target: null },
      { source: 'firstName', target: 'firstName' },
    ]);
  });

  it('prefers a case-insensitive match over one ignoring separators', () => {
    expect(autoMatch(['first_name', 'FIRSTNAME'], paths(contact))).toEqual([
      { source: 'first_name', target: null },
      { source: 'FIRSTNAME', target: 'firstName' },
    ]);
  });

  it('gives each target to one field at most', () => {
    const rows = autoMatch(['zip', 'ZIP', 'Zip', 'z_i_p'], paths(contact));
    expect(rows.filter((row) => row.target === 'zip')).toHaveLength(1);
    expect(rows[0]).toEqual({ source: 'zip', target: 'zip' });
  });

  it('prefers the exact target when two targets match loosely', () => {
    expect(autoMatch(['first_name'], ['firstName', 'first_name'])).toEqual([{ source: 'first_name', target: 'first_name' }]);
    expect(autoMatch(['FirstName'], ['first_name', 'firstName'])).toEqual([{ source: 'FirstName', target: 'firstName' }]);
  });

  it('maps fields that match nothing to null (ignored)', () => {
    expect(autoMatch(['colour', '', '__proto__', 'constructor'], targets)).toEqual([
      { source: 'colour', target: null },
      { source: '', target: null },
      { source: '__proto__', target: null },
      { source: 'constructor', target: null },
    ]);
  });

  it('keeps the order of the source fields, and handles no fields or no targets', () => {
    expect(autoMatch(['slug', 'title'], targets).map((row) => row.source)).toEqual(['slug', 'title']);
    expect(autoMatch([], targets)).toEqual([]);
    expect(autoMatch(['title'], [])).toEqual([{ source: 'title', target: null }]);
  });
});

describe('initialMapping', () => {
  const targets = paths(contact);

  it('auto-matches when nothing is saved', () => {
    expect(initialMapping(['First Name', 'zip'], targets, undefined)).toEqual([
      { source: 'First Name', target: 'firstName' },
      { source: 'zip', target: 'zip' },
    ]);
  });

  it('takes the saved mapping first, including ignored fields, and auto-matches the rest around it', () => {
    expect(
      initialMapping(['Given', 'Family', 'Notes', 'zip', 'lastName'], targets, {
        Given: 'firstName',
        Family: 'lastName',
        Notes: null,
      })
    ).toEqual([
      { source: 'Given', target: 'firstName' },
      { source: 'Family', target: 'lastName' },
      { source: 'Notes', target: null },
      { source: 'zip', target: 'zip' },
      { source: 'lastName', target: null }, // lastName is already the target of Family
    ]);
  });

  it('ignores saved targets the content type does not have', () => {
    expect(initialMapping(['zip'], targets, { zip: 'postcode' })).toEqual([{ source: 'zip', target: 'zip' }]);
  });

  it('does not read inherited properties of the saved mapping', () => {
    expect(initialMapping(['constructor', 'toString'], targets, {})).toEqual([
      { source: 'constructor', target: null },
      { source: 'toString', target: null },
    ]);
  });
});

describe('toFieldMapping and fromFieldMapping', () => {
  it('keeps only renames and ignored fields', () => {
    expect(
      toFieldMapping([
        { source: 'title', target: 'title' },
        { source: 'Headline', target: 'title' },
        { source: 'colour', target: null },
      ])
    ).toEqual({ Headline: 'title', colour: null });
  });

  it('is undefined when every field goes to its namesake', () => {
    expect(toFieldMapping([{ source: 'title', target: 'title' }])).toBeUndefined();
    expect(toFieldMapping([])).toBeUndefined();
  });

  it('keeps a field named __proto__ as a plain key', () => {
    const mapping = toFieldMapping([{ source: '__proto__', target: null }]);
    expect(Object.prototype.hasOwnProperty.call(mapping, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(mapping)).toBe(Object.prototype);
    expect(JSON.stringify(mapping)).toBe('{"__proto__":null}');
  });

  it('round-trips a saved mapping', () => {
    const saved = { 'First Name': 'firstName', Notes: null };
    expect(toFieldMapping(fromFieldMapping(saved))).toEqual(saved);
    expect(fromFieldMapping(undefined)).toEqual([]);
  });
});

describe('checks', () => {
  it('finds targets chosen twice', () => {
    expect(
      duplicateTargets([
        { source: 'a', target: 'title' },
        { source: 'b', target: 'title' },
        { source: 'c', target: null },
        { source: 'd', target: null },
        { source: 'e', target: 'slug' },
      ])
    ).toEqual(new Set(['title']));
  });

  it('lists the required top-level attributes no field goes to', () => {
    const targets = mappingTargets(article);
    expect(missingRequired([{ source: 'slug', target: 'slug' }], targets)).toEqual(['title']);
    expect(missingRequired([{ source: 'Title', target: 'title' }], targets)).toEqual([]);
  });
});
