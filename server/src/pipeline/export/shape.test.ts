import type { AttributeSchema } from '../../schema/model-schema';
import { testModel as model, testSchemaLookup } from '../../schema/test-models';
import type { ExportShape } from './plan';
import { exportValue, itemShaper } from './shape';

const schemaOf = testSchemaLookup(
  model('shared.seo', { metaTitle: { type: 'string' }, secret: { type: 'string', private: true }, image: { type: 'media' } }, 'component'),
  model('blocks.quote', { text: { type: 'text' } }, 'component')
);
const shape = (overrides: Partial<ExportShape> = {}): ExportShape => ({
  schemaOf,
  isOffered: () => true,
  keyFor: (target) => (target === 'api::category.category' ? 'slug' : 'documentId'),
  ...overrides,
});
const value = (attribute: AttributeSchema, v: unknown, s = shape()) => exportValue(s, attribute, v);

describe('exportValue', () => {
  it('writes relations by the target key, to-one and to-many', () => {
    expect(value({ type: 'relation', relation: 'manyToOne', target: 'api::category.category' }, { documentId: 'c1', slug: 'news' })).toEqual({ slug: 'news' });
    expect(value({ type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' }, [{ documentId: 't1' }, { documentId: 't2' }])).toEqual(['t1', 't2']);
    expect(value({ type: 'relation', relation: 'oneToMany', target: 'api::tag.tag' }, null)).toEqual([]);
    expect(value({ type: 'relation', relation: 'oneToOne', target: 'api::tag.tag' }, null)).toBeNull();
  });

  it('writes media as { url, id, hash }, and components and dynamic zones without private fields', () => {
    expect(value({ type: 'media', multiple: true }, [{ id: 3, url: '/u/a.png', hash: 'a', name: 'a.png' }])).toEqual([{ url: '/u/a.png', id: 3, hash: 'a' }]);
    expect(value({ type: 'component', component: 'shared.seo' }, { id: 9, metaTitle: 'T', secret: 's', image: null })).toEqual({ metaTitle: 'T', image: null });
    expect(value({ type: 'dynamiczone', components: ['blocks.quote'] }, [{ __component: 'blocks.quote', id: 1, text: 'Q' }])).toEqual([
      { __component: 'blocks.quote', text: 'Q' },
    ]);
  });

  it('leaves out the component fields the user may not read', () => {
    const restricted = shape({ permits: (path) => path !== 'seo.image' });
    const toItem = itemShaper({ shape: restricted, fields: [['seo', { type: 'component', component: 'shared.seo' }]], localized: false, draftAndPublish: true, includeTimestamps: false });
    expect(toItem({ documentId: 'd', seo: { metaTitle: 'T', image: { id: 1 } } })).toEqual({ documentId: 'd', seo: { metaTitle: 'T' } });
  });

  it('writes numbers, big integers, booleans, dates and date-times in one canonical form', () => {
    expect(value({ type: 'biginteger' }, 9007199254740993n)).toBe('9007199254740993');
    expect(value({ type: 'decimal' }, '1.50')).toBe(1.5);
    expect(value({ type: 'boolean' }, 1)).toBe(true);
    expect(value({ type: 'date' }, new Date(Date.UTC(2026, 0, 5)))).toBe('2026-01-05');
    expect(value({ type: 'datetime' }, '2026-01-05T10:00:00+02:00')).toBe('2026-01-05T08:00:00.000Z');
    expect(value({ type: 'string' }, undefined)).toBeNull();
  });
});

describe('itemShaper', () => {
  it('writes documentId, locale, the fields in order and the timestamps asked for', () => {
    const toItem = itemShaper({
      shape: shape(),
      fields: [['title', { type: 'string' }], ['views', { type: 'integer' }]],
      localized: true,
      draftAndPublish: false,
      includeTimestamps: true,
    });
    const item = toItem({ documentId: 'd', locale: 'fr', views: '3', title: 'T', id: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: null, publishedAt: 'x' });
    expect(Object.keys(item)).toEqual(['documentId', 'locale', 'title', 'views', 'createdAt', 'updatedAt']);
    expect(item).toEqual({ documentId: 'd', locale: 'fr', title: 'T', views: 3, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: null });
  });
});
