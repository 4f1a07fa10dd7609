import { describePlan, parseDefinitions, planDefinitions, updateSchemaData, type BundleDefinition } from './definitions';
import { BundleError } from './manifest';

const article = (attributes: BundleDefinition['schema']['attributes'], options = { draftAndPublish: true }): BundleDefinition => ({
  uid: 'api::article.article',
  modelType: 'contentType',
  kind: 'collectionType',
  schema: {
    collectionName: 'articles',
    info: { singularName: 'article', pluralName: 'articles', displayName: 'Article' },
    options,
    pluginOptions: { i18n: { localized: true } },
    attributes,
  },
});

const tag: BundleDefinition = {
  uid: 'api::tag.tag',
  modelType: 'contentType',
  kind: 'collectionType',
  schema: {
    collectionName: 'tags',
    info: { singularName: 'tag', pluralName: 'tags', displayName: 'Tag' },
    options: { draftAndPublish: false },
    attributes: {
      name: { type: 'string' },
      articles: { type: 'relation', relation: 'manyToMany', target: 'api::article.article', mappedBy: 'tags' },
    },
  },
};

const seo: BundleDefinition = {
  uid: 'shared.seo',
  modelType: 'component',
  category: 'shared',
  schema: { collectionName: 'components_shared_seos', info: { displayName: 'SEO', icon: 'search' }, attributes: { title: { type: 'string' } } },
};

const ARTICLE_ATTRIBUTES = {
  title: { type: 'string', required: true },
  tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag', inversedBy: 'articles' },
  seo: { type: 'component', component: 'shared.seo', repeatable: false },
};

const raw = (definitions: BundleDefinition[]) => Object.fromEntries(definitions.map((definition) => [definition.uid, definition]));
const appWith = (...definitions: BundleDefinition[]) => {
  const byUid = new Map(definitions.map((definition) => [definition.uid, definition]));
  return (uid: string) => byUid.get(uid);
};

describe('parseDefinitions', () => {
  it('reads the definitions the export writes, sorted by uid', () => {
    const parsed = parseDefinitions(raw([tag, article(ARTICLE_ATTRIBUTES), seo]));
    expect(parsed.map((definition) => definition.uid)).toEqual(['api::article.article', 'api::tag.tag', 'shared.seo']);
    expect(parsed[2].category).toBe('shared');
  });

  it.each([
    ['not an object', { 'api::a.a': [] }, 'schemas/api::a.a.json: not a JSON object'],
    ['a uid that is not its file name', { 'api::a.a': { ...tag } }, '"uid" must be "api::a.a"'],
    ['a path in a uid', { 'api::../x.y': { ...tag, uid: 'api::../x.y' } }, 'a content type uid is api::<name>.<name>'],
    ['a component uid with a path', { '../x.y': { ...seo, uid: '../x.y' } }, 'a component uid is <category>.<name>'],
    ['an unknown model type', { 'api::tag.tag': { ...tag, modelType: 'table' } }, '"modelType" must be'],
    ['no kind', { 'api::tag.tag': { ...tag, kind: undefined } }, '"kind" must be'],
    ['no attributes', { 'api::tag.tag': { ...tag, schema: { ...tag.schema, attributes: null } } }, '"schema.attributes" must be an object'],
    ['an attribute without type', { 'api::tag.tag': { ...tag, schema: { ...tag.schema, attributes: { name: {} } } } }, 'attribute "name" must be'],
    ['no display name', { 'api::tag.tag': { ...tag, schema: { ...tag.schema, info: {} } } }, '"schema.info.displayName"'],
  ])('refuses %s, naming the file', (_label, value, message) => {
    expect(() => parseDefinitions(value as Record<string, unknown>)).toThrow(BundleError);
    expect(() => parseDefinitions(value as Record<string, unknown>)).toThrow(message);
  });
});

describe('planDefinitions', () => {
  it('creates what the app lacks, and says nothing changes for what it has the same', () => {
    const plan = planDefinitions([article(ARTICLE_ATTRIBUTES), tag, seo], appWith(seo));
    expect(plan.problems).toEqual([]);
    expect(plan.changes.map((change) => [change.uid, change.action])).toEqual([
      ['api::article.article', 'create'],
      ['api::tag.tag', 'create'],
      ['shared.seo', 'same'],
    ]);
    expect(plan.changes[0].added).toEqual(['title', 'tags', 'seo']);
  });

  it('lists added and changed attributes and keeps the app\'s own', () => {
    const here = article({ title: { type: 'text' }, views: { type: 'integer' }, seo: ARTICLE_ATTRIBUTES.seo });
    const plan = planDefinitions([article(ARTICLE_ATTRIBUTES), tag], appWith(here, tag, seo));
    expect(plan.changes[0]).toMatchObject({ action: 'update', added: ['tags'], changed: ['title'], kept: ['views'], settingsChanged: false });
    expect(plan.changes[1].action).toBe('same');
    expect(describePlan(plan)).toBe('updates api::article.article (adds tags; changes title)');
  });

  it('sees a change of draft & publish or of plugin options', () => {
    const here = article(ARTICLE_ATTRIBUTES, { draftAndPublish: false });
    const plan = planDefinitions([article(ARTICLE_ATTRIBUTES)], appWith(here, tag, seo));
    expect(plan.changes[0]).toMatchObject({ action: 'update', added: [], changed: [], settingsChanged: true });
  });

  it('skips plugin content types and names a reference to a type nobody defines', () => {
    const user: BundleDefinition = { ...tag, uid: 'plugin::users-permissions.user' };
    const plan = planDefinitions([user, article(ARTICLE_ATTRIBUTES)], appWith());
    expect(plan.changes[0]).toMatchObject({ action: 'skipped' });
    expect(plan.problems).toEqual([
      'api::article.article.tags: refers to api::tag.tag, which this app lacks and the bundle does not define',
      'api::article.article.seo: refers to shared.seo, which this app lacks and the bundle does not define',
    ]);
  });
});

describe('updateSchemaData', () => {
  it('gives the builder new types with their names and every attribute, relations by targetAttribute', () => {
    const definitions = [tag, article(ARTICLE_ATTRIBUTES), seo];
    const plan = planDefinitions(definitions, appWith());
    const data = updateSchemaData(definitions, plan, appWith());
    // The tag's side is mapped by the article's: the article (the owning side) is written last.
    expect(data.contentTypes.map((type) => type.uid)).toEqual(['api::tag.tag', 'api::article.article']);
    expect(data.contentTypes[1]).toMatchObject({
      action: 'create',
      kind: 'collectionType',
      singularName: 'article',
      pluralName: 'articles',
      collectionName: 'articles',
      displayName: 'Article',
      draftAndPublish: true,
      pluginOptions: { i18n: { localized: true } },
    });
    expect(data.contentTypes[1].attributes).toContainEqual({
      action: 'create',
      name: 'tags',
      properties: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag', targetAttribute: 'articles' },
    });
    expect(data.components).toEqual([
      {
        action: 'create',
        uid: 'shared.seo',
        category: 'shared',
        displayName: 'SEO',
        icon: 'search',
        attributes: [{ action: 'create', name: 'title', properties: { type: 'string' } }],
      },
    ]);
  });

  it('updates keep the app\'s own attributes (the builder removes what an update leaves out)', () => {
    const here = article({ title: { type: 'text' }, views: { type: 'integer' }, seo: ARTICLE_ATTRIBUTES.seo, tags: ARTICLE_ATTRIBUTES.tags });
    const definitions = [article({ title: { type: 'string', required: true } })];
    const plan = planDefinitions(definitions, appWith(here, tag, seo));
    const data = updateSchemaData(definitions, plan, appWith(here, tag, seo));
    expect(data.contentTypes[0].action).toBe('update');
    expect(data.contentTypes[0]).not.toHaveProperty('singularName');
    expect(data.contentTypes[0].attributes).toEqual([
      { action: 'update', name: 'title', properties: { type: 'string', required: true } },
      { action: 'update', name: 'views', properties: { type: 'integer' } },
      { action: 'update', name: 'seo', properties: ARTICLE_ATTRIBUTES.seo },
      { action: 'update', name: 'tags', properties: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag', targetAttribute: 'articles' } },
    ]);
  });

  it('leaves out what is the same or skipped', () => {
    const definitions = [tag, seo];
    const plan = planDefinitions(definitions, appWith(tag, seo));
    expect(updateSchemaData(definitions, plan, appWith(tag, seo))).toEqual({ contentTypes: [], components: [] });
  });
});
