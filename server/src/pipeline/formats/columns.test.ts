import { csvColumnsFor, parseColumnPath } from './columns';
import { attr } from './csv/test-helpers';

const title = attr('title', 'string');
const category = attr('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' });
const tags = attr('tags', 'relation', { relation: 'manyToMany', target: 'api::tag.tag' });
const topic = attr('topic', 'relation', { relation: 'manyToOne', target: 'api::topic.topic' });
const metaTitle = attr('metaTitle', 'string');
const seo = attr('seo', 'component', { component: 'shared.seo', attributes: [metaTitle, topic] });
const blocks = attr('blocks', 'component', { component: 'shared.block', multiple: true, attributes: [title] });
const attributes = [title, category, tags, seo, blocks];

const columns = (headers: string[], mapping: Record<string, string | null> = {}) => csvColumnsFor(attributes, mapping)(headers);

describe('csvColumnsFor: tabular headers to columns', () => {
  it('a plain attribute', () => {
    expect(columns(['title'])).toEqual([{ header: 'title', path: ['title'], attribute: title }]);
    expect(parseColumnPath(attributes, 'title')).toEqual({ kind: 'attribute', attribute: title });
  });

  it('documentId and locale: text keys', () => {
    expect(columns(['documentId', 'locale']).map((c) => [c.path, c.attribute?.type])).toEqual([
      [['documentId'], 'string'],
      [['locale'], 'string'],
    ]);
  });

  it('a to-one relation by key: category.slug', () => {
    expect(columns(['category.slug'])).toEqual([{ header: 'category.slug', path: ['category'], attribute: category, referenceKey: 'slug' }]);
  });

  it('a to-many relation by key: tags.name', () => {
    expect(columns(['tags.name'])).toEqual([{ header: 'tags.name', path: ['tags'], attribute: tags, referenceKey: 'name' }]);
  });

  it("a single component's field and its relation by key: seo.metaTitle, seo.topic.name", () => {
    expect(columns(['seo.metaTitle', 'seo.topic.name'])).toEqual([
      { header: 'seo.metaTitle', path: ['seo', 'metaTitle'], attribute: metaTitle },
      { header: 'seo.topic.name', path: ['seo', 'topic'], attribute: topic, referenceKey: 'name' },
    ]);
    expect(parseColumnPath(attributes, 'seo.topic.name')).toEqual({ kind: 'reference', relation: topic, key: 'name', component: seo });
  });

  it('an unknown relation or attribute: kept under its name, undecoded', () => {
    expect(columns(['author.slug', 'nothing'])).toEqual([
      { header: 'author.slug', path: ['author.slug'], attribute: undefined },
      { header: 'nothing', path: ['nothing'], attribute: undefined },
    ]);
    expect(parseColumnPath(attributes, 'author.slug')).toEqual({ kind: 'unknown', attribute: undefined });
  });

  it("an unknown key: taken as written (the references' resolution refuses it, naming the target's keys)", () => {
    expect(columns(['category.nokey'])).toEqual([{ header: 'category.nokey', path: ['category'], attribute: category, referenceKey: 'nokey' }]);
  });

  it("a dot after an attribute that is neither a relation nor a single component, or an unknown component field", () => {
    expect(columns(['title.x', 'blocks.title', 'seo.nothing', 'category.a.b'])).toEqual([
      { header: 'title.x', path: ['title.x'], attribute: title },
      { header: 'blocks.title', path: ['blocks.title'], attribute: blocks },
      { header: 'seo.nothing', path: ['seo', 'nothing'], attribute: undefined },
      { header: 'category.a.b', path: ['category.a.b'], attribute: category },
    ]);
    expect(parseColumnPath(attributes, 'title.x')).toEqual({ kind: 'unknown', attribute: title });
    expect(parseColumnPath(attributes, 'seo.nothing')).toEqual({ kind: 'field', component: seo, name: 'nothing', field: undefined });
  });

  it('after the field mapping: a header mapped to a path, or to null (ignored)', () => {
    expect(columns(['Category', 'Junk', 'Title'], { Category: 'category.slug', Junk: null, Title: 'title' })).toEqual([
      { header: 'Category', path: ['category'], attribute: category, referenceKey: 'slug' },
      { header: 'Junk', path: null },
      { header: 'Title', path: ['title'], attribute: title },
    ]);
  });
});
