import fs from 'node:fs';
import path from 'node:path';
import type { Task } from '../../shared/contracts';
import { fingerprints } from '../../server/src/pipeline/undo/rows';
import type { ModelMeta } from '../../server/src/schema/model-metadata';
import { cm, createAdmin, registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, bundleFile, errorReport, exportFile, importFile, jsonl } from '../helpers/tasks';

/**
 * Undo (issue 20): every import that writes keeps pre-images; POST /tasks/:id/revert puts the database back. Each
 * test exports the playground's demo content (JSON, timestamps included) before an import, reverts the import, and
 * exports again: the files are byte-identical. Conflicts: an entry changed after the import is listed in the
 * revert's error report and left as it is, unless `force`.
 */

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';

let app: TestApp;
let token: string;

/** Every export a revert must leave unchanged, as one text. */
const snapshot = async (): Promise<string> => {
  const parts: string[] = [];
  for (const options of [
    { contentType: ARTICLE, locale: 'all', status: 'draft' },
    { contentType: ARTICLE, locale: 'all', status: 'published' },
    { contentType: CATEGORY },
    { contentType: 'api::tag.tag' },
    { contentType: 'api::author.author' },
  ]) {
    parts.push((await exportFile(app, token, { ...options, format: 'json', includeTimestamps: true })).text);
  }
  return parts.join('\n----\n');
};

type Item = Record<string, unknown>;

/** The drafts of the articles as an export writes them (items with documentId), in one locale. */
const articles = async (locale: string, status: 'draft' | 'published' = 'draft'): Promise<Item[]> => {
  const { text } = await exportFile(app, token, { contentType: ARTICLE, locale, status, format: 'jsonl' });
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Item);
};

const revert = (taskId: number, body: Record<string, unknown> = {}) =>
  app.http().post(`${BASE}/tasks/${taskId}/revert?wait=true`).set('Authorization', `Bearer ${token}`).send(body);

/** Reverts and expects the revert task to end with `status`. */
const reverted = async (taskId: number, status: Task['status'] = 'completed', body: Record<string, unknown> = {}): Promise<Task> => {
  const res = await revert(taskId, body);
  expect(res.status).toBe(200);
  const task = res.body.data as Task;
  expect({ status: task.status, error: task.error }).toEqual({ status, error: status === 'completed' ? null : expect.any(String) });
  expect(task.kind).toBe('revert');
  return task;
};

const importArticles = (items: Item[], options: Record<string, unknown>) =>
  importFile(app, token, { content: jsonl(items), fileName: 'articles.jsonl', options: { contentType: ARTICLE, ...options } });

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  token = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

test('add-only: the created entries are deleted', async () => {
  const before = await snapshot();
  const items = (await articles('en')).slice(0, 3).map(({ documentId, ...item }, i) => ({ ...item, slug: `added-${i}`, title: `Added ${i}` }));
  const task = await importArticles(items, { importStrategy: 'add-only', locale: 'en' });
  expect(task.status).toBe('completed');
  expect(task.counts.created).toBe(3);
  expect(task.revertable).toBe(true);
  expect(await snapshot()).not.toBe(before);
  const revertTask = await reverted(task.id);
  expect(revertTask.writePath).toContain('3 deleted');
  expect(await snapshot()).toBe(before);
  const original = (await app.http().get(`${BASE}/tasks/${task.id}`).set('Authorization', `Bearer ${token}`)).body.data as Task;
  expect(original).toMatchObject({ revertedBy: revertTask.id, revertable: false });
  // A second revert: 409.
  const again = await revert(task.id);
  expect(again.status).toBe(409);
  expect(again.body.error.message).toMatch(/already reverted/);
});

test('upsert patch: the updated entries are restored exactly', async () => {
  const before = await snapshot();
  const items = (await articles('en')).slice(0, 6).map((item) => ({ documentId: item.documentId, title: `Patched ${String(item.title)}`, views: 4242 }));
  const task = await importArticles(items, { importStrategy: 'upsert', updateStrategy: 'patch', locale: 'en' });
  expect(task.counts.updated).toBe(6);
  expect(await snapshot()).not.toBe(before);
  const revertTask = await reverted(task.id);
  expect(revertTask.counts.updated).toBe(6);
  expect(await snapshot()).toBe(before);
});

test('upsert overwrite: relations, components and dynamic zones come back', async () => {
  const before = await snapshot();
  const all = await articles('en');
  const withContent = all.filter((item) => item.sections !== undefined || item.seo !== undefined).slice(0, 5);
  expect(withContent.length).toBeGreaterThan(0);
  const items = withContent.map((item) => ({ documentId: item.documentId, title: `Overwritten ${String(item.title)}`, slug: item.slug }));
  // And a new one, in the same import.
  items.push({ documentId: undefined, title: 'Brand new', slug: 'brand-new-overwrite' } as never);
  const task = await importArticles(items, { importStrategy: 'upsert', updateStrategy: 'overwrite', locale: 'en', matchBy: 'slug' });
  expect(task.status).toBe('completed');
  expect(task.counts).toMatchObject({ created: 1, updated: withContent.length });
  expect(await snapshot()).not.toBe(before);
  await reverted(task.id);
  expect(await snapshot()).toBe(before);
});

test('an import that publishes: the published versions come back (and the ones it created go)', async () => {
  const before = await snapshot();
  const drafts = (await articles('en')).slice(0, 8);
  const items = drafts.map((item) => ({ documentId: item.documentId, title: `Published ${String(item.title)}` }));
  const task = await importArticles(items, { importStrategy: 'upsert', locale: 'en', status: 'published' });
  expect(task.status).toBe('completed');
  expect(await snapshot()).not.toBe(before);
  await reverted(task.id);
  expect(await snapshot()).toBe(before);
});

test('an import that takes a chair from another desk (one-to-one): that desk gets its chair back', async () => {
  const DESK = 'api::desk.desk';
  const chairs = await importFile(app, token, {
    content: jsonl([{ name: 'revert-c1' }, { name: 'revert-c2' }]),
    fileName: 'chairs.jsonl',
    options: { contentType: 'api::chair.chair', matchBy: 'name' },
  });
  expect(chairs.status).toBe('completed');
  const first = await importFile(app, token, {
    content: jsonl([{ name: 'Revert desk 1', code: 'revert-d1', chair: { name: 'revert-c1' }, spare: { name: 'revert-c2' } }]),
    fileName: 'desks.jsonl',
    options: { contentType: DESK, matchBy: 'code', status: 'published' },
  });
  expect(first.status).toBe('completed');
  const desks = async () => {
    const parts: string[] = [];
    for (const status of ['draft', 'published'])
      parts.push((await exportFile(app, token, { contentType: DESK, status, format: 'json', includeTimestamps: true })).text);
    return parts.join('\n----\n');
  };
  const before = await desks();
  // A new desk takes revert-c1 in bulk: both versions of the first desk lose it.
  const task = await importFile(app, token, {
    content: jsonl([{ name: 'Revert desk 2', code: 'revert-d2', chair: { name: 'revert-c1' } }]),
    fileName: 'desks-take.jsonl',
    options: { contentType: DESK, matchBy: 'code', status: 'published' },
  });
  expect(task).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { created: 1 } });
  /** The desks (code and version) linking revert-c1. */
  const holders = async () =>
    (
      (await app.strapi.db
        .connection('desks_chair_lnk')
        .join('desks', 'desks.id', 'desks_chair_lnk.desk_id')
        .join('chairs', 'chairs.id', 'desks_chair_lnk.chair_id')
        .where('chairs.name', 'revert-c1')
        .select('desks.code', 'desks.published_at')) as Array<{ code: string; published_at: unknown }>
    )
      .map((r) => `${r.code}|${r.published_at === null ? 'draft' : 'published'}`)
      .sort();
  expect(await holders()).toEqual(['revert-d2|draft', 'revert-d2|published']);
  expect(await desks()).not.toBe(before);
  await reverted(task.id);
  expect(await holders()).toEqual(['revert-d1|draft', 'revert-d1|published']);
  expect(await desks()).toBe(before);
});

test('components with relations, media and components inside, written in bulk: updates and publishing come back', async () => {
  const TRIP = 'api::trip.trip';
  await app.strapi.db.query('plugin::upload.file').create({
    data: { name: 'r.png', hash: 'revert_trip_hash', ext: '.png', mime: 'image/png', size: 1, url: '/uploads/r.png', provider: 'local' },
  });
  const setup = [
    ['api::country.country', [{ name: 'Revertland', code: 'RV1' }, { name: 'Undoland', code: 'RV2' }], 'code'],
    ['api::city.city', [{ name: 'Rev city', code: 'rv-c1' }, { name: 'Undo city', code: 'rv-c2' }], 'code'],
  ] as const;
  for (const [contentType, items, matchBy] of setup) {
    const task = await importFile(app, token, { content: jsonl([...items]), fileName: 'setup.jsonl', options: { contentType, matchBy } });
    expect(task.status).toBe('completed');
  }
  const note = (text: string, city: string | null) => ({ text, city: city ? { code: city } : null, photo: { hash: 'revert_trip_hash' } });
  const stop = (name: string, country: string, cities: string[]) => ({
    name,
    country: { code: country },
    cities: cities.map((code) => ({ code })),
    gallery: [{ hash: 'revert_trip_hash' }],
    note: note(`${name} note`, cities[0] ?? null),
    notes: [note(`${name} first`, 'rv-c2'), note(`${name} second`, null)],
  });
  const trips = [0, 1, 2].map((i) => ({
    slug: `revert-trip-${i}`,
    title: `Revert trip ${i}`,
    stops: [stop(`A${i}`, 'RV1', ['rv-c1', 'rv-c2']), stop(`B${i}`, 'RV2', [])],
    main: stop(`M${i}`, 'RV2', ['rv-c2']),
    legs: [{ __component: 'places.note', ...note(`Leg ${i}`, 'rv-c1') }, { __component: 'places.stop', ...stop(`L${i}`, 'RV1', ['rv-c1']) }],
  }));
  const options = { contentType: TRIP, matchBy: 'slug' };
  const created = await importFile(app, token, { content: jsonl(trips), fileName: 'trips.jsonl', options: { ...options, status: 'published' } });
  expect(created).toMatchObject({ status: 'completed', writePath: 'bulk' });
  const tripSnapshot = async () => {
    const parts: string[] = [];
    for (const status of ['draft', 'published'])
      parts.push((await exportFile(app, token, { contentType: TRIP, status, format: 'json', includeTimestamps: true })).text);
    return parts.join('\n----\n');
  };
  const before = await tripSnapshot();
  expect(before).toContain('A0 first');
  // A draft update (patch: repeatable replaced, reordered, emptied; a single one emptied; the zone replaced).
  const updates = [
    { slug: 'revert-trip-0', stops: [stop('X0', 'RV2', ['rv-c2', 'rv-c1'])], main: null },
    { slug: 'revert-trip-1', stops: [trips[1].stops[1], trips[1].stops[0]], legs: [{ __component: 'places.note', ...note('New leg', null) }] },
    { slug: 'revert-trip-2', stops: [] },
  ];
  const drafted = await importFile(app, token, { content: jsonl(updates), fileName: 'trip-updates.jsonl', options: { ...options, status: 'draft' } });
  expect(drafted).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { updated: 3 } });
  expect(await tripSnapshot()).not.toBe(before);
  await reverted(drafted.id);
  expect(await tripSnapshot()).toBe(before);
  // Updates that publish (the published versions' components are replaced by copies of the drafts').
  const published = await importFile(app, token, {
    content: jsonl(updates.map((u) => ({ ...u, title: `Published ${u.slug}` }))),
    fileName: 'trip-publishing.jsonl',
    options: { ...options, status: 'published' },
  });
  expect(published).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { updated: 3 } });
  expect(await tripSnapshot()).not.toBe(before);
  await reverted(published.id);
  expect(await tripSnapshot()).toBe(before);
});

test('a localized import: updates in two locales and a new locale of an existing document', async () => {
  const before = await snapshot();
  const en = await articles('en');
  const fr = await articles('fr');
  const frIds = new Set(fr.map((item) => item.documentId));
  const enOnly = en.find((item) => !frIds.has(item.documentId));
  expect(enOnly).toBeDefined();
  const items = [
    ...en.slice(0, 2).map((item) => ({ documentId: item.documentId, locale: 'en', title: `EN ${String(item.title)}` })),
    ...fr.slice(0, 2).map((item) => ({ documentId: item.documentId, locale: 'fr', title: `FR ${String(item.title)}` })),
    { documentId: enOnly!.documentId, locale: 'fr', title: 'Nouvelle version', slug: 'nouvelle-version' },
  ];
  const task = await importArticles(items, { importStrategy: 'upsert' });
  expect(task.status).toBe('completed');
  expect(task.counts.created + task.counts.updated).toBe(5);
  expect(await snapshot()).not.toBe(before);
  await reverted(task.id);
  expect(await snapshot()).toBe(before);
});

test('regions (a non-localized code synced to every locale, in bulk): every locale the update changed comes back', async () => {
  const REGION = 'api::region.region';
  const importRegions = (items: Item[], options: Record<string, unknown>) =>
    importFile(app, token, { content: jsonl(items), fileName: 'regions.jsonl', options: { contentType: REGION, ...options } });
  const codes = ['rv-0', 'rv-1', 'rv-2'];
  expect(await importRegions(codes.map((code, i) => ({ code, locale: 'en', name: `Region ${i}` })), { matchBy: 'code' })).toMatchObject({ status: 'completed' });
  expect(await importRegions(codes.map((code, i) => ({ code, locale: 'fr', name: `Région ${i}` })), { matchBy: 'code' })).toMatchObject({ status: 'completed' });
  const rows = () => app.strapi.db.connection('regions').select('*').whereIn('code', codes.flatMap((code) => [code, `${code}-new`])).orderBy('id');
  const before = await rows();
  const regions = await exportFile(app, token, { contentType: REGION, locale: 'all', format: 'json', includeTimestamps: true });
  const documentOf = (code: string) => String(before.find((row: Item) => row.code === code && row.locale === 'en').document_id);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const task = await importRegions(
    [
      { documentId: documentOf('rv-0'), locale: 'en', code: 'rv-0-new', name: 'Region 0 renamed' },
      { documentId: documentOf('rv-1'), locale: 'fr', code: 'rv-1-new' },
      { documentId: documentOf('rv-2'), locale: 'en', name: 'Region 2 renamed' },
    ],
    { matchBy: 'documentId' }
  );
  expect(task).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { updated: 3 } });
  // The sync changed the other locale of both documents whose code changed.
  const after = await rows();
  expect(after.filter((row: Item) => row.locale === 'fr').map((row: Item) => row.code)).toEqual(['rv-0-new', 'rv-1-new', 'rv-2']);
  await reverted(task.id);
  expect(await rows()).toEqual(before);
  expect((await exportFile(app, token, { contentType: REGION, locale: 'all', format: 'json', includeTimestamps: true })).text).toBe(regions.text);
});

test('continue mode with failed items: what it wrote is reverted', async () => {
  const before = await snapshot();
  const items: Item[] = (await articles('en')).slice(0, 4).map((item) => ({ documentId: item.documentId, title: `Continue ${String(item.title)}` }));
  items.splice(2, 0, { documentId: 'nope', title: 'x', views: 'not a number' });
  items.push({ title: 'Continue new', slug: 'continue-new' });
  const task = await importArticles(items, { importStrategy: 'upsert', locale: 'en', onError: 'continue' });
  expect(task.status).toBe('completed-with-errors');
  expect(task.counts.failed).toBe(1);
  expect(task.revertable).toBe(true);
  await reverted(task.id);
  expect(await snapshot()).toBe(before);
});

test('an entry changed after the import is a conflict: left as it is, restored with force', async () => {
  const before = await snapshot();
  const en = (await articles('en')).slice(0, 3);
  const items = en.map((item) => ({ documentId: item.documentId, title: `Conflict ${String(item.title)}` }));
  const task = await importArticles(items, { importStrategy: 'upsert', locale: 'en' });
  expect(task.counts.updated).toBe(3);
  // Someone edits the first one afterwards.
  const changed = String(en[0].documentId);
  await app.strapi.documents(ARTICLE as never).update({ documentId: changed, locale: 'en', data: { title: 'Edited by hand' } } as never);

  const first = await reverted(task.id, 'completed-with-errors');
  expect(first.counts).toMatchObject({ updated: 2, failed: 1 });
  const report = JSON.parse((await errorReport(app, token, first.id)).text) as Array<Record<string, unknown>>;
  expect(report).toHaveLength(1);
  expect(report[0]).toMatchObject({ key: changed });
  expect(String(report[0].message)).toMatch(/changed after the import: left as it is/);
  const kept = (await app.strapi.documents(ARTICLE as never).findOne({ documentId: changed, locale: 'en' } as never)) as unknown as { title: string };
  expect(kept.title).toBe('Edited by hand');
  expect(await snapshot()).not.toBe(before);

  // force: another import, the same edit, restored anyway.
  const second = await importArticles(items, { importStrategy: 'upsert', locale: 'en' });
  await app.strapi.documents(ARTICLE as never).update({ documentId: changed, locale: 'en', data: { title: 'Edited again' } } as never);
  const forced = await reverted(second.id, 'completed', { force: true });
  expect(forced.writePath).toContain('1 changed since (forced)');
  const restored = (await app.strapi.documents(ARTICLE as never).findOne({ documentId: changed, locale: 'en' } as never)) as unknown as { title: string };
  expect(restored.title).toBe('Edited by hand');
});

/** Where a task's pre-image file is. */
const preImageFile = async (taskId: number): Promise<string> => {
  const { fileKey } = (await app.strapi.db.query('plugin::data-migration-center.task' as never).findOne({ where: { id: taskId } } as never)) as { fileKey: string };
  return path.join(app.storageDir, path.dirname(fileKey), 'pre-images.jsonl');
};

test('each document is fingerprinted once; pre-images of the first release (whole-row fingerprints) still find conflicts', async () => {
  const en = (await articles('en')).slice(0, 3);
  const items = en.map((item) => ({ documentId: item.documentId, title: `V1 ${String(item.title)}` }));
  const task = await importArticles(items, { importStrategy: 'upsert', locale: 'en', onError: 'continue' });
  expect(task.counts.updated).toBe(3);
  const file = await preImageFile(task.id);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  // A batch that commits on its own fingerprints what it wrote; the end of the import does not read them again.
  const after = lines.filter((line) => line.t === 'after');
  expect(after.map((line) => line.documentId).sort()).toEqual(en.map((item) => item.documentId).sort());
  expect(after.every((line) => line.v === 2)).toBe(true);

  // The same file as the first release wrote it: whole-row hashes, no version.
  const meta = app.strapi.db.metadata.get(ARTICLE as never) as unknown as ModelMeta;
  const whole = await fingerprints(app.strapi.db.connection, meta, en.map((item) => String(item.documentId)), 1);
  fs.writeFileSync(
    file,
    lines
      .map((line) => (line.t === 'after' ? { t: 'after', uid: line.uid, documentId: line.documentId, hash: whole.get(String(line.documentId)) } : line))
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('')
  );
  const changed = String(en[1].documentId);
  await app.strapi.documents(ARTICLE as never).update({ documentId: changed, locale: 'en', data: { summary: 'Edited by hand' } } as never);
  const revertTask = await reverted(task.id, 'completed-with-errors');
  expect(revertTask.counts).toMatchObject({ updated: 2, failed: 1 });
  const report = JSON.parse((await errorReport(app, token, revertTask.id)).text) as Array<Record<string, unknown>>;
  expect(report.map((problem) => problem.key)).toEqual([changed]);
  const kept = (await app.strapi.documents(ARTICLE as never).findOne({ documentId: changed, locale: 'en' } as never)) as unknown as { title: string };
  expect(kept.title).toBe(`V1 ${String(en[1].title)}`);
});

/** The fingerprint selects (the undo's reads of what a batch left) an import makes. */
const countingFingerprintReads = async (run: () => Promise<Task>) => {
  const fingerprintReads: string[] = [];
  const listener = (query: { sql: string }) => {
    if (/^select [`"]id[`"], [`"]document_id[`"], [`"]locale[`"], [`"]published_at[`"], [`"]updated_at[`"] from [`"]articles[`"]/i.test(query.sql))
      fingerprintReads.push(query.sql);
  };
  app.strapi.db.connection.on('query', listener);
  const task = await run().finally(() => app.strapi.db.connection.off('query', listener));
  return { task, fingerprintReads };
};

/** The lines of a task's pre-image file. */
const preImageLines = async (taskId: number): Promise<Array<Record<string, string>>> =>
  fs.readFileSync(await preImageFile(taskId), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);

test('documents created in bulk are fingerprinted from the values written, not read back (checked once per task)', async () => {
  const meta = app.strapi.db.metadata.get(ARTICLE as never) as unknown as ModelMeta;
  for (const onError of ['continue', 'stop'] as const) {
    const before = await snapshot();
    // Several batches (continue: adaptive batches from 50 items; stop: one transaction, batches of 500).
    const count = onError === 'continue' ? 120 : 600;
    const items = Array.from({ length: count }, (_, i) => ({ slug: `bound-${onError}-${i}`, title: `Bound ${onError} ${i}`, summary: 'Written in bulk', views: i }));
    const { task, fingerprintReads } = await countingFingerprintReads(() =>
      importArticles(items, { importStrategy: 'add-only', locale: 'en', onError, status: 'published' })
    );
    expect(task.status).toBe('completed');
    expect(task.counts.created).toBe(count);
    expect(task.writePath).toMatch(/bulk/);
    // One read in the whole task: the check that the database gives back what was bound.
    expect(fingerprintReads).toHaveLength(1);
    const lines = await preImageLines(task.id);
    // One line per new document: its `created` line carries what the batch left.
    expect(lines.filter((line) => line.t !== 'created')).toEqual([]);
    const left = new Map(lines.filter((line) => line.hash).map((line) => [line.documentId, line.hash]));
    const created = lines.map((line) => line.documentId);
    expect(created).toHaveLength(count);
    expect(left.size).toBe(count);
    // The same hashes as the rows read back now (draft and published row of each).
    expect(Object.fromEntries(await fingerprints(app.strapi.db.connection, meta, created))).toEqual(Object.fromEntries(left));
    await reverted(task.id);
    expect(await snapshot()).toBe(before);
  }
});

test('documents updated in bulk are fingerprinted from their pre-image and the values written (checked once per task)', async () => {
  const meta = app.strapi.db.metadata.get(ARTICLE as never) as unknown as ModelMeta;
  for (const onError of ['continue', 'stop'] as const) {
    const count = onError === 'continue' ? 120 : 600;
    const items = Array.from({ length: count }, (_, i) => ({ slug: `updated-${onError}-${i}`, title: `Updated ${onError} ${i}`, summary: 'Written in bulk', views: i }));
    const created = await importArticles(items, { importStrategy: 'add-only', locale: 'en', onError, status: 'published' });
    expect(created.counts.created).toBe(count);
    // draft: each update changes the draft row only (worked out); published: the publish rewrites the published
    // row too (read back).
    for (const status of ['draft', 'published'] as const) {
      const before = await snapshot();
      const changed = items.map((item) => ({ ...item, title: `${item.title} (${status})` }));
      const { task, fingerprintReads } = await countingFingerprintReads(() =>
        importArticles(changed, { importStrategy: 'upsert', matchBy: 'slug', locale: 'en', onError, status })
      );
      expect(task.status).toBe('completed');
      expect(task.counts.updated).toBe(count);
      expect(task.writePath).toMatch(/bulk/);
      if (status === 'draft') expect(fingerprintReads).toHaveLength(1);
      else expect(fingerprintReads.length).toBeGreaterThan(1);
      const lines = await preImageLines(task.id);
      const left = new Map(lines.filter((line) => line.t === 'after').map((line) => [line.documentId, line.hash]));
      expect(left.size).toBe(count);
      // The same hashes as the rows read back now (the draft changed, the published row as it was or rewritten).
      expect(Object.fromEntries(await fingerprints(app.strapi.db.connection, meta, [...left.keys()]))).toEqual(Object.fromEntries(left));
      await reverted(task.id);
      expect(await snapshot()).toBe(before);
    }
    // The updates reverted, the documents are as their import left them: that revert deletes them.
    expect((await reverted(created.id)).writePath).toContain(`${count} deleted`);
  }
});

test('a bundle import is reverted type by type', async () => {
  const before = await snapshot();
  // The playground's own articles with their dependencies, imported again over themselves (upsert: every entry
  // is written again, with new timestamps and new published rows).
  const { bytes } = await bundleFile(app, token, { types: [{ contentType: ARTICLE }], withDependencies: true });
  const res = await app
    .http()
    .post(`${BASE}/bundle-imports?wait=true`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', bytes, 'bundle.zip')
    .field('options', JSON.stringify({}));
  expect(res.body.error ?? null).toBeNull();
  expect(res.status).toBe(200);
  const task = res.body.data as Task;
  expect(task.status).toBe('completed');
  expect(task.counts.updated).toBeGreaterThan(30);
  expect(await snapshot()).not.toBe(before);
  const revertTask = await reverted(task.id);
  expect(revertTask.counts.updated).toBeGreaterThan(0);
  expect(await snapshot()).toBe(before);
});

test('what cannot be reverted: a dry run, an export, an unknown task', async () => {
  const items = (await articles('en')).slice(0, 1).map((item) => ({ documentId: item.documentId, title: 'dry' }));
  const dry = await importArticles(items, { importStrategy: 'upsert', locale: 'en', dryRun: true });
  const dryRes = await revert(dry.id);
  expect(dryRes.status).toBe(409);
  expect(dryRes.body.error.message).toMatch(/dry run/);
  const { task: exported } = await exportFile(app, token, { contentType: CATEGORY, format: 'json' });
  const exportRes = await revert(exported.id);
  expect(exportRes.status).toBe(409);
  expect(exportRes.body.error.message).toMatch(/only imports can be reverted/);
  expect((await revert(999999)).status).toBe(404);
  const bad = await revert(dry.id, { force: 'yes' });
  expect(bad.status).toBe(400);
});

test('a user without the Content Manager delete permission on the type may not revert (403)', async () => {
  const before = await snapshot();
  const items = [{ title: 'Permission probe', slug: 'permission-probe' }];
  const task = await importArticles(items, { importStrategy: 'add-only', locale: 'en' });
  expect(task.counts.created).toBe(1);
  const editor = await createAdmin(app, [
    'plugin::data-migration-center.read',
    'plugin::data-migration-center.import',
    ...(['read', 'create', 'update', 'publish'] as const).map((action) => cm(action, ARTICLE)),
  ]);
  const refused = await app.http().post(`${BASE}/tasks/${task.id}/revert`).set('Authorization', `Bearer ${editor}`).send({});
  expect(refused.status).toBe(403);
  expect(refused.body.error.message).toMatch(/You need the Content Manager delete permission\(s\) on api::article\.article/);
  await reverted(task.id);
  expect(await snapshot()).toBe(before);
});
