/** `--type article` (the default): a category, two tags, the `seo` component; draft & publish. */
const { CATEGORIES, TAGS } = require('./targets');

const KINDS = ['news', 'review', 'tutorial', 'opinion'];
const pad2 = (n) => String(n).padStart(2, '0');

/** Article i, as a file carries it: references by natural key. */
const item = (i) => ({
  title: `Article ${i}`,
  slug: `article-${i}`,
  summary: `Summary of article ${i}`,
  views: i,
  rating: (i % 50) / 10,
  featured: i % 2 === 0,
  kind: KINDS[i % KINDS.length],
  publishDate: `2025-${pad2(1 + (i % 12))}-${pad2(1 + (i % 28))}`,
  category: { slug: CATEGORIES[i % CATEGORIES.length] },
  tags: [{ name: TAGS[i % TAGS.length] }, { name: TAGS[(i + 3) % TAGS.length] }],
  seo: { metaTitle: `Article ${i}`, metaDescription: `About article ${i}` },
});

module.exports = {
  uid: 'api::article.article',
  what: 'articles (a category, 2 tags, the seo component)',
  item,
  matchBy: 'slug',
  targets: ['category', 'tag'],
  csvColumns: [
    'title',
    'slug',
    'summary',
    'views',
    'rating',
    'featured',
    'kind',
    'publishDate',
    'category',
    'tags',
    'seo.metaTitle',
    'seo.metaDescription',
  ],
  documentData: (entry, targets) => ({
    ...entry,
    category: targets.documentIdOf('api::category.category', entry.category),
    tags: entry.tags.map((tag) => targets.documentIdOf('api::tag.tag', tag)),
  }),
};
