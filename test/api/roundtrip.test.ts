import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { exportFile, importFile } from '../helpers/tasks';

/**
 * The round trip: export every content type of the playground in each format → import into
 * an empty database → export again → byte-identical files, covering every attribute kind the playground has
 * (the seeded demo content: both locales, drafts and published entries, relations, self relations, media,
 * components, dynamic zones, blocks, json, every scalar type).
 */

const FORMATS = ['json', 'jsonl', 'jsont', 'csv'] as const;

/** What is exported, in the order it must be imported (targets of relations first). */
const EXPORTS: Array<{ name: string; options: Record<string, unknown>; importOptions: Record<string, unknown> }> = [
  { name: 'categories', options: { contentType: 'api::category.category' }, importOptions: {} },
  { name: 'tags', options: { contentType: 'api::tag.tag' }, importOptions: {} },
  { name: 'authors', options: { contentType: 'api::author.author' }, importOptions: {} },
  { name: 'contacts', options: { contentType: 'api::contact.contact' }, importOptions: {} },
  {
    name: 'articles (published)',
    options: { contentType: 'api::article.article', locale: 'all', status: 'published' },
    importOptions: { status: 'published' },
  },
  {
    name: 'articles (drafts)',
    options: { contentType: 'api::article.article', locale: 'all', status: 'draft' },
    importOptions: { status: 'draft' },
  },
  { name: 'homepage', options: { contentType: 'api::homepage.homepage' }, importOptions: {} },
];

const UPLOAD_FILE = 'plugin::upload.file';

let originals: Record<string, Record<string, string>> = {};
let files: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  // The source: the playground with its demo content.
  const source = await startApp({ env: { DMC_SEED: 'true' } });
  try {
    const token = await registerSuperAdmin(source);
    for (const format of FORMATS) {
      originals[format] = {};
      for (const { name, options } of EXPORTS) {
        originals[format][name] = (await exportFile(source, token, { ...options, format })).text;
      }
    }
    // Media files are not content entries: the target gets the same file records (same ids, hashes and urls).
    files = (await source.strapi.db.query(UPLOAD_FILE).findMany({ orderBy: { id: 'asc' } })) as Array<Record<string, unknown>>;
  } finally {
    await source.stop();
  }
});

test('the source has every kind of content to carry', () => {
  const jsonl = originals.jsonl;
  expect(jsonl['articles (drafts)'].trim().split('\n')).toHaveLength(30); // 20 en + 10 fr
  expect(jsonl['articles (published)'].trim().split('\n').length).toBeGreaterThan(10);
  for (const needle of ['"locale":"fr"', '"__component":"sections.quote"', '"cover":{"url":', '"related":["', '"seo":{"metaTitle"', '"bigViews":"', '"body":[{"type":"paragraph"']) {
    expect(jsonl['articles (drafts)']).toContain(needle);
  }
  expect(jsonl.authors).toContain('"avatar":{"url":');
  expect(jsonl.homepage).toContain('"featuredArticles":["');
  expect(jsonl.contacts).toContain('"zip":"08123"');
  expect(jsonl['articles (drafts)']).not.toContain('secretNote');
});

describe.each(FORMATS)('%s', (format) => {
  test('export → import into an empty database → export again is byte-identical', async () => {
    const target = await startApp();
    try {
      const token = await registerSuperAdmin(target);
      for (const file of files) {
        const { id, createdAt, updatedAt, createdBy, updatedBy, ...data } = file;
        await target.strapi.db.query(UPLOAD_FILE).create({ data });
      }
      for (const { name, options, importOptions } of EXPORTS) {
        const task = await importFile(target, token, {
          fileName: `${name.replace(/\W+/g, '-')}.${format}`,
          content: originals[format][name],
          options: { contentType: options.contentType, ...importOptions },
        });
        expect({ name, status: task.status, error: task.error, failed: task.counts.failed }).toEqual({
          name,
          status: 'completed',
          error: null,
          failed: 0,
        });
      }
      for (const { name, options } of EXPORTS) {
        const again = (await exportFile(target, token, { ...options, format })).text;
        expect({ name, text: again }).toEqual({ name, text: originals[format][name] });
      }
    } finally {
      await target.stop();
    }
  });
});
