import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBundle } from '../../server/src/pipeline/bundle/read';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, bundleFile } from '../helpers/tasks';
import type { Task, Template } from '../../shared/contracts';

/**
 * Bundle templates (kind `bundle`, docs/bundles.md *Templates*): saved with the types, what to export of each and how
 * to import it; refused when they would be refused as a request (400 naming the field); run by templateId for a bundle
 * export and a bundle import (the request's options over the template's); saved from a bundle task (fromTaskId);
 * marked broken when a type no longer fits; the shipped one runs.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';

let app: TestApp;
let token: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundle-templates-'));

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const auth = () => ({ Authorization: `Bearer ${token}` });
const saveTemplate = (body: Record<string, unknown>) => app.http().post(`${BASE}/templates`).set(auth()).send(body);
const importBundle = (bytes: Buffer, options: Record<string, unknown>) =>
  app.http().post(`${BASE}/bundle-imports?wait=true`).set(auth()).attach('file', bytes, 'bundle.zip').field('options', JSON.stringify(options));

/** The manifest and each type's first line of a bundle. */
const read = async (bytes: Buffer) => {
  const file = path.join(dir, `${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  fs.writeFileSync(file, bytes);
  const bundle = await openBundle(file, { maxEntries: 10_000 });
  try {
    const firstLines: Record<string, Record<string, unknown>> = {};
    for (const type of bundle.manifest.types) {
      const text = Buffer.concat(await (await bundle.content(type.uid)).toArray()).toString('utf8');
      const first = text.split('\n').find(Boolean);
      if (first) firstLines[type.uid] = JSON.parse(first);
    }
    return { manifest: bundle.manifest, media: bundle.media, firstLines };
  } finally {
    bundle.close();
  }
};

const TEMPLATE = {
  name: 'Articles and categories',
  kind: 'bundle',
  description: 'Published articles (title, slug, category) and every category, categories matched by slug',
  options: {
    types: [
      { contentType: ARTICLE, fields: ['title', 'slug', 'category'], status: 'published', locale: 'en' },
      { contentType: CATEGORY, fields: ['name', 'slug'], matchBy: 'slug', updateStrategy: 'overwrite' },
    ],
    withDependencies: false,
    onError: 'continue',
  },
};

let saved: Template;

describe('saving', () => {
  test('a bundle template: no contentType, its types in its options; listed with kind bundle', async () => {
    const res = await saveTemplate(TEMPLATE);
    expect(res.status).toBe(201);
    saved = res.body.data;
    expect(saved).toMatchObject({ kind: 'bundle', contentType: '', broken: null, options: TEMPLATE.options });
    const list = await app.http().get(`${BASE}/templates?kind=bundle`).set(auth());
    expect((list.body.data as Template[]).map((template) => template.id)).toEqual([saved.id, 'shipped:whole-content-model']);
  });

  test.each([
    ['a contentType', { contentType: ARTICLE }, 'contentType'],
    ['no types', { options: { media: true } }, 'options.types'],
    ['a bad import strategy', { options: { types: [{ contentType: TAG, importStrategy: 'merge' }] } }, 'options.types[0].importStrategy'],
    ['an unknown option', { options: { types: 'all', dryRun: true } }, 'options'],
    ['an unknown type', { options: { types: [{ contentType: 'api::nothing.nothing' }] } }, 'options'],
    ['an unknown field', { options: { types: [{ contentType: TAG, fields: ['colour'] }] } }, 'options'],
    ['a matchBy that is not unique', { options: { types: [{ contentType: ARTICLE, matchBy: 'title' }] } }, 'options'],
  ])('refused: %s (400 naming the field)', async (_what, change, field) => {
    const res = await saveTemplate({ ...TEMPLATE, name: `Refused ${Math.random()}`, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path.join('.')).toBe(field);
  });

  test('names are unique among bundle templates', async () => {
    const res = await saveTemplate(TEMPLATE);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/A bundle template named "Articles and categories" already exists/);
  });
});

describe('running', () => {
  let bytes: Buffer;

  test('templateId of a bundle export: its types with their options; the request over it', async () => {
    ({ bytes } = await bundleFile(app, token, { templateId: saved.id, name: 'From a template' }));
    const { manifest, firstLines } = await read(bytes);
    expect(manifest.types.map((type) => type.uid)).toEqual([CATEGORY, ARTICLE]);
    expect(Object.keys(firstLines[ARTICLE])).toEqual(['documentId', 'locale', 'title', 'slug', 'category']);
    expect(manifest.types.find((type) => type.uid === ARTICLE)?.options).toMatchObject({ status: 'published', locale: 'en' });
    // The request's types replace the template's.
    const only = await read((await bundleFile(app, token, { templateId: saved.id, types: [{ contentType: TAG }] })).bytes);
    expect(only.manifest.types.map((type) => type.uid)).toEqual([TAG]);
    // Through POST /export-tasks too.
    const viaExportTasks = await app.http().post(`${BASE}/export-tasks?wait=true`).set(auth()).send({ format: 'bundle', templateId: saved.id });
    expect(viaExportTasks.body.data).toMatchObject({ kind: 'bundle-export', status: 'completed' });
  });

  test("templateId of a bundle import: the template's settings of the types the bundle holds, the request's over them", async () => {
    const res = await importBundle(bytes, { templateId: saved.id, dryRun: true, types: { [ARTICLE]: { importStrategy: 'skip-existing' } } });
    expect(res.body.error ?? null).toBeNull();
    const task = res.body.data as Task;
    expect(task).toMatchObject({ kind: 'bundle-import', status: 'completed', options: { onError: 'continue', dryRun: true } });
    const types = (task.options as { types: Array<Record<string, unknown>> }).types;
    expect(types.find((type) => type.contentType === CATEGORY)).toMatchObject({ matchBy: 'slug', updateStrategy: 'overwrite' });
    expect(types.find((type) => type.contentType === ARTICLE)).toMatchObject({ importStrategy: 'skip-existing', matchBy: 'documentId', status: 'published' });
    // A template naming types the bundle does not hold: they are left out.
    const tags = (await bundleFile(app, token, { types: [{ contentType: TAG }] })).bytes;
    const onlyTags = await importBundle(tags, { templateId: saved.id, dryRun: true });
    expect(onlyTags.status).toBe(200);
    expect((onlyTags.body.data.options as { types: Array<{ contentType: string }> }).types.map((type) => type.contentType)).toEqual([TAG]);
  });

  test('a template of another kind, or none: 400 naming templateId', async () => {
    const single = await saveTemplate({ name: 'Tags', kind: 'export', contentType: TAG, options: { format: 'jsonl' } });
    expect(single.status).toBe(201);
    for (const templateId of [single.body.data.id, 999_999]) {
      const res = await app.http().post(`${BASE}/bundle-exports`).set(auth()).send({ templateId });
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors[0].path).toEqual(['templateId']);
      expect(res.body.error.message).toMatch(/Bundle template .* not found/);
    }
    const bad = await app.http().post(`${BASE}/bundle-exports`).set(auth()).send({ templateId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toEqual(['templateId']);
  });

  test('the shipped template of the whole content model: every type, the files and the definitions', async () => {
    const { manifest, media } = await read((await bundleFile(app, token, { templateId: 'shipped:whole-content-model' })).bytes);
    const list = await app.http().get(`${BASE}/content-types`).set(auth());
    const api = (list.body.data as Array<{ uid: string }>).map((type) => type.uid).filter((uid) => uid.startsWith('api::')).sort();
    expect(manifest.types.map((type) => type.uid).sort()).toEqual(api);
    expect(manifest.definitions).toBe(true);
    expect(media.length).toBeGreaterThan(0);
  });
});

describe('from a task, and broken', () => {
  test('fromTaskId of a bundle export and of a bundle import: their settings as a bundle template', async () => {
    const exported = (await bundleFile(app, token, { types: [{ contentType: CATEGORY, fields: ['name', 'slug'] }, { contentType: TAG }], media: true })).task;
    const fromExport = await saveTemplate({ name: 'From an export', fromTaskId: exported.id });
    expect(fromExport.status).toBe(201);
    expect(fromExport.body.data).toMatchObject({
      kind: 'bundle',
      contentType: '',
      options: { types: [{ contentType: CATEGORY, fields: ['name', 'slug'] }, { contentType: TAG }], withDependencies: false, media: true, definitions: false },
    });
    const bytes = (await bundleFile(app, token, { types: [{ contentType: CATEGORY }] })).bytes;
    const imported = await importBundle(bytes, { dryRun: true, onError: 'continue', types: { [CATEGORY]: { matchBy: 'slug' } } });
    const fromImport = await saveTemplate({ name: 'From an import', fromTaskId: imported.body.data.id });
    expect(fromImport.status).toBe(201);
    expect(fromImport.body.data.options).toEqual({
      onError: 'continue',
      types: [{ contentType: CATEGORY, importStrategy: 'upsert', updateStrategy: 'patch', matchBy: 'slug' }],
    });
  });

  test('a type that no longer fits: listed broken, and refused by name when run', async () => {
    // Saved as an older version of the app would have (the field gone since): straight into the table.
    const row = await app.strapi.db
      .query('plugin::data-migration-center.template')
      .create({ data: { name: 'Old tags', kind: 'bundle', contentType: '', options: { types: [{ contentType: TAG, fields: ['name', 'colour'] }] } } });
    const listed = await app.http().get(`${BASE}/templates/${row.id}`).set(auth());
    expect(listed.body.data.broken).toMatch(/colour/);
    const res = await app.http().post(`${BASE}/bundle-exports`).set(auth()).send({ templateId: row.id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Bundle template "Old tags" .* is broken: .*colour/);
  });
});
