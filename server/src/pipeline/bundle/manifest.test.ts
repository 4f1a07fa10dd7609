import type { ModelSchema } from '../../schema/model-schema';
import { testModel as model, testSchemaLookup as lookup } from '../../schema/test-models';
import {
  BUNDLE_FORMAT_VERSION,
  BundleError,
  attributeKind,
  canonicalJson,
  parseManifest,
  schemaHash,
  schemaProblems,
  type BundleManifest,
} from './manifest';

const ARTICLE = 'api::article.article';

const article = model(ARTICLE, {
  title: { type: 'string', required: true },
  category: { type: 'relation', relation: 'manyToOne', target: 'api::category.category' },
  seo: { type: 'component', component: 'shared.seo' },
  gallery: { type: 'media', multiple: true },
});
const seo = model('shared.seo', { metaTitle: { type: 'string' } }, 'component');

const manifestOf = (schemaOf: (uid: string) => ModelSchema | undefined): BundleManifest => ({
  bundleFormat: BUNDLE_FORMAT_VERSION,
  plugin: { name: 'strapi-plugin-data-migration-center', version: '0.1.0' },
  strapi: { version: '5.54.0' },
  source: 'staging',
  createdAt: '2026-12-04T00:00:00.000Z',
  types: [
    {
      uid: ARTICLE,
      count: 2,
      schemaHash: schemaHash(ARTICLE, schemaOf),
      attributes: Object.fromEntries(Object.entries(article.attributes).map(([name, a]) => [name, attributeKind(a)])),
      options: { status: 'draft' },
    },
  ],
  media: null,
  definitions: false,
});

describe('canonicalJson', () => {
  it('sorts keys at every level, whatever order they were set in', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [{ y: 2, z: 1 }] }, b: 1 })
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{\n  "a": 2,\n  "b": 1\n}\n');
  });
});

describe('schemaHash', () => {
  it('is the same for the same definition and changes with an attribute, a rule or a nested component', () => {
    const base = schemaHash(ARTICLE, lookup(article, seo));
    expect(schemaHash(ARTICLE, lookup({ ...article, attributes: { ...article.attributes } }, seo))).toBe(base);
    const changedRule = model(ARTICLE, { ...article.attributes, title: { type: 'string', required: false } });
    expect(schemaHash(ARTICLE, lookup(changedRule, seo))).not.toBe(base);
    const changedComponent = model('shared.seo', { metaTitle: { type: 'text' } }, 'component');
    expect(schemaHash(ARTICLE, lookup(article, changedComponent))).not.toBe(base);
  });
});

describe('parseManifest', () => {
  it('reads back what canonicalJson wrote', () => {
    const manifest = manifestOf(lookup(article, seo));
    expect(parseManifest(canonicalJson(manifest))).toEqual(manifest);
  });

  it.each([
    ['not json', 'manifest.json is not JSON'],
    ['[]', 'manifest.json, (top level): expected an object'],
    [{ bundleFormat: 99 }, 'the bundle was written in bundle format 99; this version of the plugin reads bundle formats up to 1'],
    [{ bundleFormat: 1, plugin: {}, strapi: { version: '5' }, types: [] }, 'manifest.json, types: expected a list of one or more types'],
    [{ bundleFormat: 1, plugin: { name: 'p', version: '1' }, strapi: { version: '5' }, types: [{ uid: 'article' }] }, 'manifest.json, types[0].uid: expected a content type uid'],
    [
      { bundleFormat: 1, plugin: { name: 'p', version: '1' }, strapi: { version: '5' }, types: [{ uid: ARTICLE, attributes: {}, count: -1 }] },
      'manifest.json, types[0].count: expected a whole number',
    ],
  ])('refuses %j, naming the field', (input, message) => {
    expect(() => parseManifest(typeof input === 'string' ? input : JSON.stringify(input))).toThrow(BundleError);
    expect(() => parseManifest(typeof input === 'string' ? input : JSON.stringify(input))).toThrow(message);
  });

  it('refuses a type listed twice', () => {
    const manifest = manifestOf(lookup(article, seo));
    const twice = { ...manifest, types: [manifest.types[0], manifest.types[0]] };
    expect(() => parseManifest(JSON.stringify(twice))).toThrow('types[1].uid: api::article.article is listed twice');
  });
});

describe('schemaProblems', () => {
  const manifest = manifestOf(lookup(article, seo));

  it('finds nothing when the target has the same schema, or more attributes', () => {
    expect(schemaProblems(manifest, lookup(article, seo))).toEqual([]);
    const wider = model(ARTICLE, { ...article.attributes, views: { type: 'integer' } });
    expect(schemaProblems(manifest, lookup(wider, seo))).toEqual([]);
  });

  it('lists a missing type, a missing attribute and an attribute of another kind', () => {
    expect(schemaProblems(manifest, lookup(seo))).toEqual([
      { uid: ARTICLE, attribute: null, message: 'api::article.article: this app has no such content type' },
    ]);
    const narrower = model(ARTICLE, {
      title: { type: 'text' },
      category: { type: 'relation', relation: 'manyToOne', target: 'api::tag.tag' },
      seo: { type: 'component', component: 'shared.seo' },
    });
    expect(schemaProblems(manifest, lookup(narrower, seo)).map((p) => p.message)).toEqual([
      'api::article.article.title: the bundle holds string, this app\'s attribute is text',
      'api::article.article.category: the bundle holds relation:api::category.category, this app\'s attribute is relation:api::tag.tag',
      'api::article.article.gallery: this app\'s api::article.article has no attribute gallery (media[])',
    ]);
  });
});
