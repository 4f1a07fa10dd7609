import type { ModelSchema } from '../../../schema/model-schema';
import * as fc from 'fast-check';
import { yup } from '@strapi/utils';
import { compileRules } from './rules';

const seo: ModelSchema = {
  uid: 'shared.seo',
  modelType: 'component',
  info: { displayName: 'SEO' },
  attributes: { metaTitle: { type: 'string', required: true, maxLength: 10 }, keywords: { type: 'json' } },
};
const quote: ModelSchema = {
  uid: 'sections.quote',
  modelType: 'component',
  info: { displayName: 'Quote' },
  attributes: { text: { type: 'text', required: true } },
};
const article = {
  uid: 'api::article.article',
  modelType: 'contentType',
  info: { displayName: 'Article' },
  attributes: {
    title: { type: 'string', required: true, maxLength: 20 },
    slug: { type: 'uid' },
    views: { type: 'integer', min: 0 },
    kind: { type: 'enumeration', enum: ['news', 'review'] },
    publishDate: { type: 'date' },
    lastReviewedAt: { type: 'datetime' },
    body: { type: 'blocks' },
    contact: { type: 'email' },
    code: { type: 'string', regex: '^[A-Z]+$' },
    category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
    seo: { type: 'component', component: 'shared.seo' },
    sections: { type: 'dynamiczone', components: ['sections.quote'] },
  },
} as unknown as ModelSchema;
const components: Record<string, ModelSchema> = { 'shared.seo': seo, 'sections.quote': quote };
const rules = compileRules(article, (uid) => components[uid]);

describe('compileRules: certain passes, and "let Strapi decide" for the rest', () => {
  test('a valid entry passes, as a draft and published', () => {
    const values = {
      title: 'Hello',
      slug: 'hello',
      views: 3,
      kind: 'news',
      publishDate: '2026-02-28',
      lastReviewedAt: '2026-02-28T10:00:00.000Z',
      seo: { metaTitle: 'Hi' },
      sections: [{ __component: 'sections.quote', text: 'q' }],
    };
    expect(rules.passes(values, true)).toBe(true);
    expect(rules.passes(values, false)).toBe(true);
  });

  test('required attributes: only published entries need them', () => {
    expect(rules.passes({ slug: 'x' }, false)).toBe(true);
    expect(rules.passes({ slug: 'x' }, true)).toBe(false);
    expect(rules.passes({ title: '' }, true)).toBe(false);
    expect(rules.passes({ title: 'x', seo: {} }, true)).toBe(false);
  });

  test.each([
    ['too long', { title: 'x'.repeat(21) }],
    ['below min', { title: 'x', views: -1 }],
    ['not an integer', { title: 'x', views: 1.5 }],
    ['not in the enumeration', { title: 'x', kind: 'other' }],
    ['not a real date', { title: 'x', publishDate: '2026-02-30' }],
    ['a loose date-time', { title: 'x', lastReviewedAt: 'Feb 3 2026' }],
    ['a uid with spaces', { title: 'x', slug: 'a b' }],
    ['a regex not matched', { title: 'x', code: 'abc' }],
    ['a component rule', { title: 'x', seo: { metaTitle: 'x'.repeat(11) } }],
    [
      'a dynamic zone entry of an unknown type',
      { title: 'x', sections: [{ __component: 'sections.other', text: 'q' }] },
    ],
    ['a dynamic zone entry breaking a rule', { title: 'x', sections: [{ __component: 'sections.quote' }] }],
    ['blocks (Strapi checks their structure)', { title: 'x', body: [] }],
    ['an email with a quoted local part (Strapi checks its format)', { title: 'x', contact: '"a b"@example.com' }],
    ['an email with Unicode (Strapi checks its format)', { title: 'x', contact: 'jörg@example.com' }],
    ['not an email', { title: 'x', contact: 'not-an-email' }],
    ['an empty email, published', { title: 'x', contact: '' }],
  ])('%s: Strapi decides', (_, values) => {
    expect(rules.passes(values as Record<string, unknown>, true)).toBe(false);
  });

  test('plain addresses pass; a draft holds any string, as Strapi lets it', () => {
    for (const contact of ['a@b.c', 'first.last+tag@mail.example.co.uk', "o'hara@x-y.org"]) {
      expect(rules.passes({ title: 'x', contact }, true)).toBe(true);
    }
    expect(rules.passes({ title: 'x', contact: 'not-an-email' }, false)).toBe(true);
  });

  test('every address the rule passes, yup (Strapi 5.54 validates with yup 0.32) accepts too', () => {
    const chars = 'aZ09.-_+@!~\'é" '.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 20 }), fc.constantFrom('a@b.co', 'x@y.z', ''), (parts, base) => {
        const contact = `${parts.join('')}${base}`;
        if (rules.passes({ title: 'x', contact }, true)) expect(yup.string().email().min(1).isValidSync(contact)).toBe(true);
      }),
      { numRuns: 5000 }
    );
  });

  test('relations are not validated here (the importer resolved them); unique attributes are listed for the batch check', () => {
    expect(rules.passes({ title: 'x', category: 'anything' }, true)).toBe(true);
    expect(rules.uniqueAttributes).toEqual(['slug']);
  });
});
