import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { openBundle, type BundleReader } from '../../server/src/pipeline/bundle/read';
import { cm, createAdminUser, PLUGIN_ACTIONS, registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, downloadBytes, exportFile } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Bundle exports (POST /bundle-exports) on the playground's demo content: the zip read back with the plugin's own
 * reader (openBundle), each type's lines compared with the single-type export, "with dependencies" checked to hold
 * exactly the referenced entries, two exports compared, media carried once each, and a restricted role.
 *
 * Deterministic bytes: two bundles of the same data differ only in the manifest's `createdAt`. The test compares
 * every entry of the two zips byte for byte, and the two manifests with `createdAt` left out.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';
const AUTHOR = 'api::author.author';

let app: TestApp;
let token: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundles-'));
const opened: BundleReader[] = [];

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  for (const bundle of opened) bundle.close();
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

const auth = (as: string) => ({ Authorization: `Bearer ${as}` });
const postBundle = (body: unknown, as = token) => app.http().post(`${BASE}/bundle-exports?wait=true`).set(auth(as)).send(body as object);

/** GET /tasks/:id/file as bytes. */
const downloadFile = async (id: number, as = token) => {
  const res = await downloadBytes(app, as, `${BASE}/tasks/${id}/file`);
  expect(res.status).toBe(200);
  return { bytes: res.bytes, headers: res.headers };
};

let files = 0;
/** Exports a bundle (expecting it to complete), downloads it and opens it with the plugin's reader. */
const exportBundle = async (body: Record<string, unknown>, as = token) => {
  const res = await postBundle(body, as);
  if (res.status !== 200) throw new Error(`bundle export answered ${res.status}: ${JSON.stringify(res.body)}`);
  const task = res.body.data as Task;
  if (task.status !== 'completed') throw new Error(`bundle export ${task.status}: ${task.error}`);
  const { bytes, headers } = await downloadFile(task.id, as);
  files += 1;
  const file = path.join(dir, `bundle-${files}.zip`);
  fs.writeFileSync(file, bytes);
  const bundle = await openBundle(file, { maxEntries: 10_000 });
  opened.push(bundle);
  return { task, bundle, headers, file };
};

const contentText = async (bundle: BundleReader, uid: string) => text(await bundle.content(uid));
const lines = async (bundle: BundleReader, uid: string) =>
  (await contentText(bundle, uid))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown> & { documentId: string });
const countOf = (bundle: BundleReader, uid: string) => bundle.manifest.types.find((type) => type.uid === uid)?.count;

const ARTICLE_OPTIONS = { contentType: ARTICLE, filters: { slug: { $in: ['article-2', 'article-4'] } }, fields: ['title', 'slug', 'category', 'tags', 'cover'] };

describe('without dependencies', () => {
  test('each type as its single-type export, in import order, with the manifest', async () => {
    const { task, bundle, headers } = await exportBundle({
      types: [ARTICLE_OPTIONS, { contentType: CATEGORY, fields: ['name', 'slug'] }],
      source: 'staging',
    });
    expect(task.kind).toBe('bundle-export');
    expect(task.fileName).toMatch(/\.zip$/);
    expect(headers['content-type']).toBe('application/zip');
    expect(headers['content-disposition']).toContain('.zip');

    const { manifest } = bundle;
    expect(manifest.types.map((type) => type.uid)).toEqual([CATEGORY, ARTICLE]); // articles refer to categories
    expect(manifest.source).toBe('staging');
    expect(manifest.plugin).toEqual({ name: 'strapi-plugin-data-migration-center', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(manifest.strapi.version).toMatch(/^5\./);
    expect(manifest.media).toBeNull();
    expect(manifest.definitions).toBe(false);
    // A bundle carries every locale by default, and a draft & publish type without a status both versions: its
    // drafts, and its published versions in content/<uid>.published.jsonl. Each is the single-type export's bytes.
    const drafts = await exportFile(app, token, { ...ARTICLE_OPTIONS, locale: 'all', format: 'jsonl' });
    const published = await exportFile(app, token, { ...ARTICLE_OPTIONS, locale: 'all', status: 'published', format: 'jsonl' });
    const countLines = (text: string) => text.split('\n').filter(Boolean).length;
    expect(countLines(published.text)).toBeGreaterThan(0);
    expect(manifest.types[1]).toMatchObject({
      count: countLines(drafts.text),
      published: countLines(published.text),
      attributes: { title: 'string', slug: 'uid', category: `relation:${CATEGORY}`, tags: `relation:${TAG}`, cover: 'media' },
      options: { fields: ['title', 'slug', 'cover', 'category', 'tags'], locale: 'all', relationsAs: 'documentId' },
    });
    expect(manifest.types[0]).not.toHaveProperty('published'); // categories: no draft & publish
    expect(countOf(bundle, CATEGORY)).toBe(5);
    const total = 5 + countLines(drafts.text) + countLines(published.text);
    expect(task.counts).toMatchObject({ total, processed: total });

    // The item format is the single-type export's, byte for byte.
    expect(await contentText(bundle, ARTICLE)).toBe(drafts.text);
    expect(await text(await bundle.content(ARTICLE, 'published'))).toBe(published.text);
    const categories = await exportFile(app, token, { contentType: CATEGORY, fields: ['name', 'slug'], format: 'jsonl' });
    expect(await contentText(bundle, CATEGORY)).toBe(categories.text);
    expect(bundle.media).toEqual([]);
  });

  test('types "all": every api:: type', async () => {
    const { bundle } = await exportBundle({ types: 'all' });
    const list = await app.http().get(`${BASE}/content-types`).set(auth(token));
    const expected = (list.body.data as Array<{ uid: string }>).map((type) => type.uid).filter((uid) => uid.startsWith('api::')).sort();
    expect(bundle.manifest.types.map((type) => type.uid).sort()).toEqual(expected);
    expect(countOf(bundle, TAG)).toBe(8);
  });
});

describe('with dependencies', () => {
  // One locale: its version of the article and exactly what that version refers to.
  const chosen = { contentType: ARTICLE, filters: { slug: 'article-2' }, locale: 'en', fields: ['title', 'slug', 'category', 'tags', 'author'] };

  test('exactly the entries the chosen entries refer to, relations by documentId', async () => {
    const { bundle } = await exportBundle({ types: [chosen], withDependencies: true, definitions: true });
    const [article] = await lines(bundle, ARTICLE);
    expect(countOf(bundle, ARTICLE)).toBe(1);
    expect(article.slug).toBe('article-2');
    expect(typeof article.category).toBe('string');
    expect((article.tags as string[]).length).toBeGreaterThan(0);

    // What the article refers to, and nothing more: one category of five, its tags of eight, its author.
    expect((await lines(bundle, CATEGORY)).map((line) => line.documentId)).toEqual([article.category]);
    expect((await lines(bundle, TAG)).map((line) => line.documentId)).toEqual([...(article.tags as string[])].sort());
    expect((await lines(bundle, AUTHOR)).map((line) => line.documentId)).toEqual([article.author]);
    expect(bundle.manifest.types.map((type) => type.uid).sort()).toEqual([ARTICLE, AUTHOR, CATEGORY, TAG]);
    expect(bundle.manifest.types[bundle.manifest.types.length - 1].uid).toBe(ARTICLE); // what it refers to lands first
    // Pulled-in types: every readable field but the inverse side of their relations (written by the owning side).
    const [category] = await lines(bundle, CATEGORY);
    expect(Object.keys(category)).toEqual(['documentId', 'name', 'slug', 'description']);
    expect(bundle.manifest.types.find((type) => type.uid === CATEGORY)?.options).toMatchObject({ dependency: true, relationsAs: 'documentId' });

    const definitions = await bundle.definitions();
    expect(Object.keys(definitions)).toEqual(expect.arrayContaining([ARTICLE, CATEGORY, TAG, AUTHOR, 'shared.seo']));
    expect(definitions[ARTICLE]).toMatchObject({ uid: ARTICLE, modelType: 'contentType', kind: 'collectionType', schema: { collectionName: 'articles' } });
  });

  test('transitively: the files of the entries referred to (article → author → avatar), and only those', async () => {
    const { bundle } = await exportBundle({ types: [{ contentType: ARTICLE, fields: ['slug', 'author'] }], withDependencies: true, media: true });
    const articles = await lines(bundle, ARTICLE);
    const authors = await lines(bundle, AUTHOR);
    expect(authors.map((author) => author.documentId)).toEqual([...new Set(articles.map((article) => article.author as string).filter(Boolean))].sort());
    const avatars = [...new Set(authors.map((author) => (author.avatar as { hash?: string } | null)?.hash).filter((hash): hash is string => Boolean(hash)))].sort();
    expect(avatars.length).toBeGreaterThan(0);
    // The articles' covers are not exported (not among the fields), so not carried.
    expect(bundle.media.map((file) => file.hash)).toEqual(avatars);
  });

  test('many references: read and exported in pages of documentIds (SQLite takes at most 32,766 bound values), in order', async () => {
    const tags = app.strapi.documents(TAG as never) as unknown as { create(p: object): Promise<{ documentId: string }> };
    const many: string[] = [];
    for (let i = 0; i < 1_200; i += 1) many.push((await tags.create({ data: { name: `bundle tag ${i}` } })).documentId);
    const articles = app.strapi.documents(ARTICLE as never) as unknown as { create(p: object): Promise<unknown> };
    await articles.create({ locale: 'en', data: { title: 'Many tags', slug: 'many-tags', tags: many } });

    const { bundle, task } = await exportBundle({ types: [{ contentType: ARTICLE, filters: { slug: 'many-tags' }, fields: ['slug', 'tags'] }], withDependencies: true });
    const tagLines = await lines(bundle, TAG);
    expect(tagLines.map((line) => line.documentId)).toEqual([...many].sort()); // three pages, one after the other
    expect(countOf(bundle, TAG)).toBe(1_200);
    expect(task.counts).toMatchObject({ total: 1_201, processed: 1_201 });
  });

  test('a published version that refers to other entries and files than its draft: both versions\' references are carried', async () => {
    const documents = app.strapi.documents(ARTICLE as never) as unknown as {
      create(p: object): Promise<{ documentId: string }>;
      publish(p: object): Promise<unknown>;
      update(p: object): Promise<unknown>;
    };
    const categories = (await app.strapi.db.query(CATEGORY).findMany({ select: ['documentId'], orderBy: { id: 'asc' }, limit: 2 })) as Array<{ documentId: string }>;
    const files = (await app.strapi.db.query('plugin::upload.file').findMany({ select: ['id', 'hash'], orderBy: { id: 'asc' }, limit: 2 })) as Array<{ id: number; hash: string }>;
    expect(categories.length).toBe(2);
    expect(files.length).toBe(2);
    const { documentId } = await documents.create({ locale: 'en', data: { title: 'Two versions', slug: 'two-versions', category: categories[0].documentId, cover: files[0].id } });
    await documents.publish({ documentId, locale: 'en' });
    // The draft moves on: another category, another cover; the published version keeps the first ones.
    await documents.update({ documentId, locale: 'en', data: { category: categories[1].documentId, cover: files[1].id } });

    const { bundle } = await exportBundle({ types: [{ contentType: ARTICLE, filters: { slug: 'two-versions' }, fields: ['slug', 'category', 'cover'] }], withDependencies: true, media: true });
    const [draft] = await lines(bundle, ARTICLE);
    const published = (await text(await bundle.content(ARTICLE, 'published'))).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect([draft.category, published[0].category]).toEqual([categories[1].documentId, categories[0].documentId]);
    expect((await lines(bundle, CATEGORY)).map((line) => line.documentId)).toEqual(categories.map((category) => category.documentId).sort());
    expect(bundle.media.map((file) => file.hash)).toEqual(files.map((file) => file.hash).sort());

    // Without dependencies, the files of both versions too.
    const without = await exportBundle({ types: [{ contentType: ARTICLE, filters: { slug: 'two-versions' }, fields: ['slug', 'cover'] }], media: true });
    expect(without.bundle.media.map((file) => file.hash)).toEqual(files.map((file) => file.hash).sort());
  });

  test('the same data twice: the same bytes, but for the manifest createdAt', async () => {
    const first = await exportBundle({ types: [chosen], withDependencies: true, media: true, definitions: true });
    const second = await exportBundle({ types: [chosen], withDependencies: true, media: true, definitions: true });
    const { openZip } = await import('../../server/src/pipeline/zip');
    const a = await openZip(first.file, { maxEntries: 1000 });
    const b = await openZip(second.file, { maxEntries: 1000 });
    try {
      expect(b.entries.map((entry) => entry.name)).toEqual(a.entries.map((entry) => entry.name));
      for (const { name } of a.entries) {
        const [left, right] = [await text(await a.open(name)), await text(await b.open(name))];
        if (name === 'manifest.json') {
          const { createdAt: _a, ...leftRest } = JSON.parse(left);
          const { createdAt: _b, ...rightRest } = JSON.parse(right);
          expect(rightRest).toEqual(leftRest);
        } else {
          expect({ name, bytes: right }).toEqual({ name, bytes: left });
        }
      }
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('media', () => {
  // A text file: the upload service stores it as it is (images are re-encoded), so its bytes can be compared.
  const NOTES = Buffer.from('Notes carried by a bundle.\n');

  test('each file the entries use, once, read through the upload provider; without media, references only', async () => {
    const tmp = path.join(dir, 'bundle-notes.txt');
    fs.writeFileSync(tmp, NOTES);
    const [uploaded] = (await app.strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name: 'bundle-notes.txt', alternativeText: 'Notes', caption: 'Some notes' } },
        files: { filepath: tmp, originalFilename: 'bundle-notes.txt', mimetype: 'text/plain', size: NOTES.length },
      })) as Array<{ id: number; hash: string; ext: string }>;
    const documents = app.strapi.documents(ARTICLE as never) as unknown as {
      findFirst(p: object): Promise<{ documentId: string } | null>;
      update(p: object): Promise<unknown>;
    };
    const three = await documents.findFirst({ filters: { slug: 'article-3' }, locale: 'en' });
    await documents.update({ documentId: three!.documentId, locale: 'en', data: { cover: uploaded.id } });

    const types = [{ contentType: ARTICLE, filters: { slug: { $in: ['article-2', 'article-3', 'article-4'] } }, fields: ['slug', 'cover'] }];
    const { bundle } = await exportBundle({ types, media: true });
    const items = await lines(bundle, ARTICLE);
    const used = [...new Set(items.map((item) => (item.cover as { hash?: string } | null)?.hash).filter((hash): hash is string => Boolean(hash)))].sort();
    expect(used).toContain(uploaded.hash);
    expect(used.length).toBe(2); // the seed's cover (even articles) and the uploaded file
    expect(bundle.media.map((file) => file.hash)).toEqual(used);
    expect(bundle.manifest.media).toEqual({ count: 2 });
    const mine = bundle.media.find((file) => file.hash === uploaded.hash)!;
    expect(mine.record).toMatchObject({ name: 'bundle-notes.txt', alternativeText: 'Notes', caption: 'Some notes', mime: 'text/plain', ext: '.txt', width: null, height: null, folderPath: '/' });
    const bytes = Buffer.concat(await (await bundle.file(mine)).toArray());
    expect(bytes.toString()).toBe(NOTES.toString());
    // The seed's cover, as the local provider stored it under the public folder.
    const cover = bundle.media.find((file) => file.hash !== uploaded.hash)!;
    const stored = fs.readFileSync(path.join(app.strapi.dirs.static.public, 'uploads', `${cover.hash}${cover.ext}`));
    expect(Buffer.concat(await (await bundle.file(cover)).toArray()).equals(stored)).toBe(true);

    const without = await exportBundle({ types });
    expect(without.bundle.manifest.media).toBeNull();
    expect(without.bundle.media).toEqual([]);
    expect(await contentText(without.bundle, ARTICLE)).toBe(await contentText(bundle, ARTICLE));
  });
});

describe('permissions', () => {
  let restricted: string;
  beforeAll(async () => {
    ({ token: restricted } = await createAdminUser(app, [...PLUGIN_ACTIONS, cm('read', ARTICLE, { fields: ['title', 'slug', 'category'], locales: ['en', 'fr'] })]));
  });

  test('a type the user cannot read is refused with 403 naming it, before any task, dependencies included', async () => {
    const before = (await app.http().get(`${BASE}/tasks?kind=bundle-export&pageSize=100`).set(auth(token))).body.meta.pagination.total;
    const asked = await postBundle({ types: [{ contentType: ARTICLE }, { contentType: CATEGORY }] }, restricted);
    expect(asked.status).toBe(403);
    expect(asked.body.error.message).toContain(CATEGORY);
    const pulled = await postBundle({ types: [{ contentType: ARTICLE }], withDependencies: true }, restricted);
    expect(pulled.status).toBe(403);
    expect(pulled.body.error.message).toContain(CATEGORY);
    const after = (await app.http().get(`${BASE}/tasks?kind=bundle-export&pageSize=100`).set(auth(token))).body.meta.pagination.total;
    expect(after).toBe(before);
  });

  test('no field the user cannot read', async () => {
    const field = await postBundle({ types: [{ contentType: ARTICLE, fields: ['title', 'views'] }] }, restricted);
    expect(field.status).toBe(400);
    expect(field.body.error.details.errors[0].path).toEqual(['types[0].fields']);

    const { bundle } = await exportBundle({ types: [{ contentType: ARTICLE }] }, restricted);
    const items = await lines(bundle, ARTICLE);
    // Every article in every locale (a bundle's default), the drafts: one row per document and locale.
    expect(items.length).toBe(await app.strapi.db.query(ARTICLE as never).count({ where: { publishedAt: null } }));
    expect(items.length).toBeGreaterThanOrEqual(30);
    for (const item of items) expect(Object.keys(item)).toEqual(['documentId', 'locale', 'title', 'slug', 'category']);
    expect(Object.keys(bundle.manifest.types[0].attributes).sort()).toEqual(['category', 'slug', 'title']);

    // Without the relation to a type it cannot read, "with dependencies" has nothing more to pull in.
    const deps = await exportBundle({ types: [{ contentType: ARTICLE, fields: ['title', 'slug'] }], withDependencies: true }, restricted);
    expect(deps.bundle.manifest.types.map((type) => type.uid)).toEqual([ARTICLE]);
    for (const item of await lines(deps.bundle, ARTICLE)) expect(Object.keys(item)).toEqual(['documentId', 'locale', 'title', 'slug']);
  });
});

describe('bad bodies', () => {
  test.each([
    ['no body', undefined, 'types'],
    ['no types', {}, 'types'],
    ['empty types', { types: [] }, 'types'],
    ['types not a list', { types: 'some' }, 'types'],
    ['an unknown content type', { types: [{ contentType: 'api::nope.nope' }] }, 'types[0].contentType'],
    ['a type without contentType', { types: [{ fields: ['title'] }] }, 'types[0].contentType'],
    ['an unknown type option', { types: [{ contentType: TAG, format: 'csv' }] }, 'types[0]'],
    ['a bad status', { types: [{ contentType: ARTICLE, status: 'archived' }] }, 'types[0].status'],
    ['a status without draft and publish', { types: [{ contentType: TAG }, { contentType: CATEGORY, status: 'draft' }] }, 'types[1].status'],
    ['an unknown field', { types: [{ contentType: TAG, fields: ['nope'] }] }, 'types[0].fields'],
    ['a bad locale', { types: [{ contentType: ARTICLE, locale: 'xx' }] }, 'types[0].locale'],
    ['bad filters', { types: [{ contentType: TAG, filters: { nope: { $eq: 1 } } }] }, 'types[0].filters'],
    ['a type twice', { types: [{ contentType: TAG }, { contentType: TAG }] }, 'types[1].contentType'],
    ['media not a boolean', { types: [{ contentType: TAG }], media: 'yes' }, 'media'],
    ['withDependencies not a boolean', { types: [{ contentType: TAG }], withDependencies: 1 }, 'withDependencies'],
    ['an unknown option', { types: [{ contentType: TAG }], format: 'bundle' }, ''],
  ])('%s: 400 naming the field', async (_name, body, field) => {
    const res = await postBundle(body);
    expect(res.status).toBe(400);
    const paths = ((res.body.error.details?.errors ?? []) as Array<{ path: string[] }>).map((error) => error.path.join('.'));
    if (field) expect(paths).toContain(field);
    expect(res.body.error.message).toBeTruthy();
  });
});
