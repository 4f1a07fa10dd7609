import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { openBundle } from '../../server/src/pipeline/bundle/read';
import { writeBundle } from '../../server/src/pipeline/bundle/write';
import { BUNDLE_FORMAT_VERSION } from '../../server/src/pipeline/bundle/manifest';
import { cm, createAdmin } from '../helpers/admin';
import { startPair, type ChildInstance, type InstancePair } from '../helpers/instance';
import type { TestApp } from '../helpers/strapi';
import { BASE, bundleFile, download, downloadBytes, type Server } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Bundle imports (POST /bundle-imports): a bundle exported from the playground's demo content (app A, in this
 * process) imported into another app on a fresh database (B, a child process): every type in dependency order, the
 * files carried, relations linked (self references and types imported later in a second pass), byte-identical when
 * B exports the same bundle, no duplicate on a second import. Then what is refused before any task (not a bundle, a
 * schema B lacks, options naming a type the bundle lacks, a role without the Content Manager's create permission),
 * and the failure paths: stop rolls every type back, continue reports each failing item with its content type, a dry
 * run counts per type and writes nothing.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';

let a: TestApp;
let b: ChildInstance;
let pair: InstancePair;
let tokenA: string;
let tokenB: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundle-import-'));

beforeAll(async () => {
  pair = await startPair();
  ({ a, b, tokenA, tokenB } = pair);
}, 240_000);
afterAll(async () => {
  await pair?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const postBundle = (server: Server, token: string, bytes: Buffer, options: unknown = {}, fileName = 'bundle.zip') =>
  server
    .http()
    .post(`${BASE}/bundle-imports?wait=true`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', bytes, fileName)
    .field('options', JSON.stringify(options));

/** Each type's lines of a bundle, by uid (and `<uid> (published)` for the published versions of a type carried with both). */
const contentOf = async (bytes: Buffer): Promise<Record<string, string>> => {
  const file = path.join(dir, `read-${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  fs.writeFileSync(file, bytes);
  const bundle = await openBundle(file, { maxEntries: 10_000 });
  try {
    const content: Record<string, string> = {};
    for (const type of bundle.manifest.types) {
      content[type.uid] = await text(await bundle.content(type.uid));
      if (type.published !== undefined) content[`${type.uid} (published)`] = await text(await bundle.content(type.uid, 'published'));
    }
    return content;
  } finally {
    bundle.close();
  }
};

/** Every file of an app's media library (the admin API answers pages: { results, pagination }). */
const filesOf = async (server: Server, token: string): Promise<Array<{ name: string; hash: string; folderPath: string }>> => {
  const res = await server.http().get('/upload/files?page=1&pageSize=1000').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  expect(Array.isArray(res.body.results)).toBe(true);
  return res.body.results;
};

const count = async (server: Server, token: string, uid: string) => {
  const res = await server.http().get(`/content-manager/collection-types/${uid}?page=1&pageSize=1`).set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return res.body.pagination.total as number;
};

/** A hand-made bundle (the same writer as exports): types with their lines, for the failure paths. */
const makeBundle = async (types: Array<{ uid: string; attributes: Record<string, string>; lines: unknown[]; options?: Record<string, unknown> }>) => {
  const zip = writeBundle({
    manifest: { bundleFormat: BUNDLE_FORMAT_VERSION, plugin: { name: 'test', version: '0' }, strapi: { version: '5.54.0' }, source: 'test', createdAt: '2026-12-04T00:00:00.000Z' },
    types: types.map((type) => ({
      uid: type.uid,
      attributes: type.attributes,
      schemaHash: 'not-the-same',
      options: type.options ?? {},
      lines: async function* () {
        for (const line of type.lines) yield Buffer.from(`${JSON.stringify(line)}\n`);
      },
    })),
    media: null,
    definitions: null,
  });
  const parts: Buffer[] = [];
  for await (const chunk of zip) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
};

describe('a bundle of articles with their dependencies and files, from A into B', () => {
  let exported: Buffer;
  let first: Task;

  test('imports every type in dependency order, with the files, in one transaction', async () => {
    exported = (await bundleFile(a, tokenA, { types: [{ contentType: ARTICLE }], withDependencies: true, media: true })).bytes;
    const res = await postBundle(b, tokenB, exported);
    expect(res.status).toBe(200);
    first = res.body.data as Task;
    expect(first).toMatchObject({ kind: 'bundle-import', status: 'completed', error: null });
    const content = await contentOf(exported);
    const lines = (key: string) => (content[key] ?? '').split('\n').filter(Boolean).length;
    // What each type did, in the bundle's order: every document created; the articles (draft & publish) carry their
    // drafts and their published versions, each version an item (the published one creates, the draft updates).
    expect(first.typeCounts?.map((t) => t.contentType)).toEqual(Object.keys(content).filter((key) => !key.endsWith(' (published)')));
    expect(lines(`${ARTICLE} (published)`)).toBeGreaterThan(0);
    for (const type of first.typeCounts ?? []) {
      const published = lines(`${type.contentType} (published)`);
      expect(type).toMatchObject({ processed: lines(type.contentType) + published, created: lines(type.contentType), updated: published, failed: 0 });
    }
    expect(await count(b, tokenB, ARTICLE)).toBe(await count(a, tokenA, ARTICLE));
    expect(await count(b, tokenB, CATEGORY)).toBeGreaterThan(0);
  });

  test('B exports the same bundle byte for byte: relations (self references included) and files linked', async () => {
    const again = (await bundleFile(b, tokenB, { types: [{ contentType: ARTICLE }], withDependencies: true, media: true })).bytes;
    const [fromA, fromB] = [await contentOf(exported), await contentOf(again)];
    expect(Object.keys(fromB)).toEqual(Object.keys(fromA));
    // The files' hashes differ (B's upload service names them anew): compared without them.
    const withoutFiles = (lines: string) => lines.replace(/"(hash|url|id)":("[^"]*"|\d+)/g, '"$1":-');
    for (const uid of Object.keys(fromA)) expect(withoutFiles(fromB[uid])).toBe(withoutFiles(fromA[uid]));
    expect(fromB[ARTICLE]).toContain('"cover":{');
  });

  test('importing it again updates what is there: no duplicate entry, no duplicate file', async () => {
    const files = () => filesOf(b, tokenB);
    const filesBefore = (await files()).length;
    expect(filesBefore).toBeGreaterThan(0);
    const res = await postBundle(b, tokenB, exported);
    expect(res.body.data).toMatchObject({ status: 'completed', counts: { created: 0, failed: 0 } });
    // Every item (drafts, and the published versions of articles) is an update now.
    expect(res.body.data.counts.updated).toBe(first.counts.processed);
    expect(await count(b, tokenB, ARTICLE)).toBe(await count(a, tokenA, ARTICLE));
    expect((await files()).length).toBe(filesBefore);
  });

  // More types than the database pool has connections: each type's write lock once held a connection of its own
  // on PostgreSQL and MariaDB, and the import's transaction waited for one forever (locks.ts).
  test('the whole playground (every type, both locales, drafts and published, components, dynamic zones, files): B exports what A did', async () => {
    const whole = { types: 'all', media: true };
    const fromABytes = (await bundleFile(a, tokenA, whole)).bytes;
    const res = await postBundle(b, tokenB, fromABytes);
    expect(res.status).toBe(200);
    expect({ error: res.body.data.error, status: res.body.data.status, failed: res.body.data.counts.failed }).toEqual({ error: null, status: 'completed', failed: 0 });
    const [fromA, fromB] = [await contentOf(fromABytes), await contentOf((await bundleFile(b, tokenB, whole)).bytes)];
    expect(Object.keys(fromA).length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(fromB)).toEqual(Object.keys(fromA));
    const withoutFiles = (lines: string) => lines.replace(/"(hash|url|id)":("[^"]*"|\d+)/g, '"$1":-');
    for (const uid of Object.keys(fromA)) expect({ uid, lines: withoutFiles(fromB[uid]) }).toEqual({ uid, lines: withoutFiles(fromA[uid]) });
    // Both locales of the localized articles travelled, with their components and dynamic zones.
    for (const needle of ['"locale":"fr"', '"__component":"sections.quote"', '"seo":{']) expect(fromB[ARTICLE]).toContain(needle);
  });

  test('skip-existing for one type: its entries are left as they are and counted skipped', async () => {
    const res = await postBundle(b, tokenB, exported, { types: { [ARTICLE]: { importStrategy: 'skip-existing' } } });
    const task = res.body.data as Task;
    expect(task).toMatchObject({ status: 'completed', counts: { created: 0, failed: 0 } });
    const articles = task.typeCounts?.find((type) => type.contentType === ARTICLE);
    expect(articles).toMatchObject({ created: 0, updated: 0, skipped: first.typeCounts?.find((type) => type.contentType === ARTICLE)?.processed });
    expect(articles?.skipped).toBeGreaterThan(0);
  });
});

describe('one API: a bundle is the format `bundle`', () => {
  test('POST /export-tasks with format bundle writes the zip; POST /import-tasks takes it (detected from its bytes), options per type', async () => {
    const exported = await a
      .http()
      .post(`${BASE}/export-tasks?wait=true`)
      .set('Authorization', `Bearer ${tokenA}`)
      .send({ format: 'bundle', contentTypes: [TAG, CATEGORY], types: { [TAG]: { fields: ['name'] } } });
    expect(exported.status).toBe(200);
    expect(exported.body.data).toMatchObject({ kind: 'bundle-export', status: 'completed' });
    const bytes = await downloadBytes(a, tokenA, `${BASE}/tasks/${exported.body.data.id}/file`);
    expect(bytes.status).toBe(200);
    const res = await b
      .http()
      .post(`${BASE}/import-tasks?wait=true`)
      .set('Authorization', `Bearer ${tokenB}`)
      .attach('file', bytes.bytes, 'export.zip')
      .field('options', JSON.stringify({ dryRun: true, types: { [TAG]: { matchBy: 'name' } } }));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ kind: 'bundle-import', status: 'completed', options: { dryRun: true } });
    expect(res.body.data.options.types.map((t: { contentType: string; matchBy: string }) => [t.contentType, t.matchBy])).toEqual(
      expect.arrayContaining([[TAG, 'name'], [CATEGORY, 'documentId']])
    );
  });

  test.each([
    [{ format: 'bundle' }, /contentTypes/],
    [{ format: 'bundle', contentTypes: [TAG], types: { [CATEGORY]: {} } }, /types\.api::category\.category: .* not one of contentTypes/],
    [{ format: 'bundle', contentTypes: 'all', types: { [TAG]: {} } }, /types: options per type need contentTypes/],
  ])('POST /export-tasks %j: 400', async (body, message) => {
    const res = await a.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${tokenA}`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });
});

describe('refused before any task', () => {
  const tasksOf = async () => ((await b.http().get(`${BASE}/tasks?pageSize=100`).set('Authorization', `Bearer ${tokenB}`)).body.data as Task[]).length;

  test.each([
    ['not a zip', Buffer.from('{"title":"x"}\n'), {}, /file: .*zip/i],
    ['options naming a type the bundle lacks', null, { types: { 'api::city.city': { matchBy: 'name' } } }, /types\.api::city\.city: the bundle holds no api::city\.city/],
    ['a matchBy that is not unique', null, { types: { [TAG]: { matchBy: 'articles' } } }, /matchBy/],
    ['an unknown option', null, { wipe: true }, /wipe/],
  ])('%s: 400', async (_name, bytes, options, message) => {
    const before = await tasksOf();
    const body = bytes ?? (await makeBundle([{ uid: TAG, attributes: { name: 'string' }, lines: [{ name: 'x' }] }]));
    const res = await postBundle(b, tokenB, body, options);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(await tasksOf()).toBe(before);
  });

  test('a schema B lacks: 400 listing every missing type and attribute', async () => {
    const bundle = await makeBundle([
      { uid: 'api::planet.planet', attributes: { name: 'string' }, lines: [] },
      { uid: TAG, attributes: { name: 'string', colour: 'string', slug: 'uid' }, lines: [] },
    ]);
    const res = await postBundle(b, tokenB, bundle);
    expect(res.status).toBe(400);
    const paths = (res.body.error.details.errors as Array<{ path: string[] }>).map((e) => e.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['types.api::planet.planet', `types.${TAG}.colour`]));
    expect(res.body.error.message).toMatch(/api::planet\.planet: this app has no such content type/);
  });

  test('a role without the Content Manager create or update permission on a type of the bundle: 403 naming it', async () => {
    const bundle = await makeBundle([{ uid: TAG, attributes: { name: 'string' }, lines: [{ name: 'x' }] }]);
    const token = await createAdmin(a, ['plugin::data-migration-center.read', 'plugin::data-migration-center.import', cm('read', TAG)]);
    const res = await postBundle(a, token, bundle);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(new RegExp(`create or update permission on ${TAG.replace(/\./g, '\\.')}`));
  });
});

describe('failures', () => {
  const tags = (names: string[]) => names.map((name) => ({ name }));
  const categories = (rows: Array<Record<string, unknown>>) => rows;

  test('stop: a failing item of the second type rolls back the first type too', async () => {
    const [tagsBefore, categoriesBefore] = [await count(a, tokenA, TAG), await count(a, tokenA, CATEGORY)];
    const bundle = await makeBundle([
      { uid: TAG, attributes: { name: 'string' }, lines: tags(['bundle-stop-1', 'bundle-stop-2']) },
      { uid: CATEGORY, attributes: { name: 'string', slug: 'uid' }, lines: categories([{ name: 'Fine', slug: 'bundle-stop-fine' }, { name: 42, slug: 'bundle-stop-bad' }]) },
    ]);
    const res = await postBundle(a, tokenA, bundle, { types: { [TAG]: { matchBy: 'name' }, [CATEGORY]: { matchBy: 'slug' } } });
    expect(res.body.data).toMatchObject({ status: 'failed', counts: { created: 0, updated: 0 } });
    expect(res.body.data.error).toMatch(/Stopped at api::category\.category, item 2 \(line 2\).*name.*Nothing was imported/);
    expect([await count(a, tokenA, TAG), await count(a, tokenA, CATEGORY)]).toEqual([tagsBefore, categoriesBefore]);
  });

  test('continue: the failing items are reported with their content type; the others are imported', async () => {
    const bundle = await makeBundle([
      { uid: TAG, attributes: { name: 'string' }, lines: [{ name: 'bundle-continue-1' }, { name: ['not', 'text'] }] },
      { uid: CATEGORY, attributes: { name: 'string', slug: 'uid' }, lines: [{ name: 'Kept', slug: 'bundle-continue-kept' }, { name: 42, slug: 'bundle-continue-bad' }] },
    ]);
    const res = await postBundle(a, tokenA, bundle, { onError: 'continue', types: { [TAG]: { matchBy: 'name' }, [CATEGORY]: { matchBy: 'slug' } } });
    const task = res.body.data as Task;
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 2, failed: 2 }, hasErrorReport: true });
    expect(task.typeCounts).toEqual([
      { contentType: TAG, processed: 2, created: 1, updated: 0, skipped: 0, failed: 1 },
      { contentType: CATEGORY, processed: 2, created: 1, updated: 0, skipped: 0, failed: 1 },
    ]);
    const csv = (await download(a, tokenA, `${BASE}/tasks/${task.id}/error-report?format=csv`)).text.trim().split('\r\n');
    expect(csv[0]).toBe('contentType,itemNumber,line,key,stage,field,message,item');
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 3).join(','))).toEqual([`${TAG},2,2`, `${CATEGORY},2,2`]);
  });

  test('a dry run counts what each type would do and writes nothing', async () => {
    const before = await count(a, tokenA, TAG);
    const bundle = await makeBundle([{ uid: TAG, attributes: { name: 'string' }, lines: tags(['bundle-dry-1', 'bundle-dry-2', 'bundle-dry-3']) }]);
    const res = await postBundle(a, tokenA, bundle, { dryRun: true, types: { [TAG]: { matchBy: 'name' } } });
    expect(res.body.data).toMatchObject({ status: 'completed', counts: { processed: 3, created: 3 } });
    expect(res.body.data.typeCounts).toEqual([{ contentType: TAG, processed: 3, created: 3, updated: 0, skipped: 0, failed: 0 }]);
    expect(await count(a, tokenA, TAG)).toBe(before);
  });

  test('types that refer to each other: the relations to a type imported later are linked in the second pass', async () => {
    // Categories come after the tags in this bundle although nothing orders them: a relation to a later type.
    const bundle = await makeBundle([
      { uid: ARTICLE, attributes: { title: 'string', slug: 'uid', category: `relation:${CATEGORY}` }, lines: [{ title: 'Later link', slug: 'bundle-later-link', category: { slug: 'bundle-later-category' } }] },
      { uid: CATEGORY, attributes: { name: 'string', slug: 'uid' }, lines: [{ name: 'Later', slug: 'bundle-later-category' }] },
    ]);
    const res = await postBundle(a, tokenA, bundle, { types: { [ARTICLE]: { matchBy: 'slug' }, [CATEGORY]: { matchBy: 'slug' } } });
    expect(res.body.data).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    const article = await a.strapi.documents(ARTICLE as never).findFirst({ filters: { slug: 'bundle-later-link' }, populate: ['category'] } as never);
    expect((article as unknown as { category: { slug: string } | null }).category?.slug).toBe('bundle-later-category');
  });
});

describe('media folders', () => {
  test('a file in a folder of the media library lands in the folder of the same path by name, made when missing', async () => {
    const folders = a.strapi.plugin('upload').service('folder') as unknown as { create(data: { name: string; parent: number | null }): Promise<{ id: number }> };
    const marketing = await folders.create({ name: 'Marketing', parent: null });
    const banners = await folders.create({ name: 'Banners', parent: marketing.id });
    /** A text file uploaded to A's media library, in a folder. */
    const upload = async (name: string, content: string, folder: number) => {
      const tmp = path.join(dir, name);
      fs.writeFileSync(tmp, content);
      const [file] = (await a.strapi
        .plugin('upload')
        .service('upload')
        .upload({ data: { fileInfo: { name, folder } }, files: { filepath: tmp, originalFilename: name, mimetype: 'text/plain', size: fs.statSync(tmp).size } })) as Array<{ id: number }>;
      return file;
    };
    const uploaded = await upload('folder-notes.txt', 'A file in /Marketing/Banners.\n', banners.id);
    const documents = a.strapi.documents(ARTICLE as never) as unknown as { create(p: object): Promise<unknown> };
    await documents.create({ locale: 'en', data: { title: 'In a folder', slug: 'in-a-folder', cover: uploaded.id } });

    const bytes = (await bundleFile(a, tokenA, { types: [{ contentType: ARTICLE, filters: { slug: 'in-a-folder' }, fields: ['title', 'slug', 'cover'] }], media: true })).bytes;
    const file = path.join(dir, 'folders.zip');
    fs.writeFileSync(file, bytes);
    const bundle = await openBundle(file, { maxEntries: 100 });
    try {
      expect(bundle.media.map((media) => media.record.folderPath)).toEqual(['/Marketing/Banners']);
    } finally {
      bundle.close();
    }

    const res = await postBundle(b, tokenB, bytes);
    expect(res.body.data).toMatchObject({ status: 'completed', error: null });
    const bFolders = (await b.http().get('/upload/folders').set('Authorization', `Bearer ${tokenB}`)).body.data as Array<{ id: number; name: string; path: string; parent?: { id: number } | null }>;
    const bMarketing = bFolders.find((folder) => folder.name === 'Marketing');
    const bBanners = bFolders.find((folder) => folder.name === 'Banners');
    expect(bMarketing).toBeDefined();
    expect(bBanners?.path.startsWith(`${bMarketing?.path}/`)).toBe(true);
    const bFiles = await filesOf(b, tokenB);
    expect(bFiles.find((f) => f.name === 'folder-notes.txt')?.folderPath).toBe(bBanners?.path);

    // Another file of the same folder, in a second bundle: stored in the folder that is there now, not a new one.
    const second = await upload('folder-notes-2.txt', 'Another file in /Marketing/Banners.\n', banners.id);
    await documents.create({ locale: 'en', data: { title: 'In a folder too', slug: 'in-a-folder-too', cover: second.id } });
    const more = (await bundleFile(a, tokenA, { types: [{ contentType: ARTICLE, filters: { slug: 'in-a-folder-too' }, fields: ['title', 'slug', 'cover'] }], media: true })).bytes;
    const again = await postBundle(b, tokenB, more);
    expect(again.body.data).toMatchObject({ status: 'completed', error: null });
    const filesAfter = await filesOf(b, tokenB);
    expect(filesAfter.find((f) => f.name === 'folder-notes-2.txt')?.folderPath).toBe(bBanners?.path);
    const after = (await b.http().get('/upload/folders').set('Authorization', `Bearer ${tokenB}`)).body.data as Array<{ name: string }>;
    expect(after.filter((folder) => folder.name === 'Banners').length).toBe(1);
  });
});
