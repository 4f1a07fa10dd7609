import fs from 'node:fs';
import path from 'node:path';
import { createAdmin, registerSuperAdmin } from '../helpers/admin';
import { APP_DIR, startApp, type TestApp } from '../helpers/strapi';
import { BASE, bundleFile } from '../helpers/tasks';
import { writeBundle } from '../../server/src/pipeline/bundle/write';
import { BUNDLE_FORMAT_VERSION } from '../../server/src/pipeline/bundle/manifest';
import type { DefinitionChange, DefinitionsResult, Task } from '../../shared/contracts';

/**
 * Definitions (issue 17): a bundle carrying content-type and component definitions, applied to an app in
 * development mode (autoReload) through Strapi's Content-Type Builder, which writes the type's files; after the
 * restart (compiled again, as `strapi develop` does) the bundle's entries import into the new type. In production
 * (no autoReload) the same request is refused with the list of changes; a dry run lists them anywhere.
 *
 * App A is the playground (the source); it ends before B starts (two Strapi apps cannot share a process). App B is a copy of the playground in `test/app/.tmp/` that lacks the
 * measurement type, whose city lacks `code` and has an attribute of its own (`localNote`): the bundle creates the
 * one, adds `code` to the other, and keeps `localNote`.
 */

const MEASUREMENT = 'api::measurement.measurement';
const CITY = 'api::city.city';
const COPY_DIR = path.join(APP_DIR, '.tmp', `definitions-app-${process.pid}`);

let zip: Buffer;

const postDefinitions = (app: TestApp, token: string, file: Buffer, options?: Record<string, unknown>) => {
  const req = app.http().post(`${BASE}/bundle-definitions`).set('Authorization', `Bearer ${token}`).attach('file', file, 'model.zip');
  return options ? req.field('options', JSON.stringify(options)) : req;
};

const changeOf = (result: DefinitionsResult, uid: string) => result.changes.find((change) => change.uid === uid) as DefinitionChange;

const readSchema = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'src/api', name, 'content-types', name, 'schema.json'), 'utf8'));

/** A copy of the playground (config, src, database), with the changes B starts from. */
const makeCopy = () => {
  fs.rmSync(COPY_DIR, { recursive: true, force: true });
  fs.mkdirSync(COPY_DIR, { recursive: true });
  for (const entry of ['config', 'src', 'database', 'public', 'package.json', 'tsconfig.json', 'favicon.png']) {
    if (fs.existsSync(path.join(APP_DIR, entry))) fs.cpSync(path.join(APP_DIR, entry), path.join(COPY_DIR, entry), { recursive: true });
  }
  fs.rmSync(path.join(COPY_DIR, 'src/api/measurement'), { recursive: true });
  const cityFile = path.join(COPY_DIR, 'src/api/city/content-types/city/schema.json');
  const city = JSON.parse(fs.readFileSync(cityFile, 'utf8'));
  delete city.attributes.code;
  city.attributes.localNote = { type: 'string' };
  fs.writeFileSync(cityFile, JSON.stringify(city, null, 2));
};

const compile = async (appDir: string) => {
  const { compileStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  await compileStrapi({ appDir, ignoreDiagnostics: true });
};

/** A bundle carrying the playground's city with one more attribute (as another app's would), and no entries. */
const cityWithAnotherAttribute = async () => {
  const schema = readSchema(APP_DIR, 'city');
  schema.attributes.localNote = { type: 'string' };
  const bundle = writeBundle({
    manifest: { bundleFormat: BUNDLE_FORMAT_VERSION, plugin: { name: 'test', version: '0' }, strapi: { version: '5.54.0' }, source: 'test', createdAt: '2026-12-05T00:00:00.000Z' },
    types: [{ uid: CITY, attributes: { name: 'string', localNote: 'string' }, schemaHash: 'another', options: {}, lines: async function* () {} }],
    media: null,
    definitions: { [CITY]: { uid: CITY, modelType: 'contentType', kind: 'collectionType', schema } },
  });
  const parts: Buffer[] = [];
  for await (const chunk of bundle) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
};

afterAll(() => {
  fs.rmSync(COPY_DIR, { recursive: true, force: true });
});

// Two Strapi apps cannot run in one process: A (the playground) ends before B (the copy) starts.
describe('definitions', () => {
  test('A, in production mode: a dry run lists the changes; applying them is refused with the list; bad requests are refused before anything', async () => {
    const a = await startApp();
    try {
      const token = await registerSuperAdmin(a);
      const documents = a.strapi.documents(MEASUREMENT as never);
      for (const code of ['m-1', 'm-2', 'm-3']) await documents.create({ data: { code, label: `Label ${code}`, count: 7 } as never });
      await a.strapi.documents(CITY as never).create({ data: { name: 'Lyon', code: 'LYS' } as never });
      zip = (await bundleFile(a, token, { types: [{ contentType: MEASUREMENT }, { contentType: CITY }], definitions: true })).bytes;

      // Its own definitions: nothing to change, 200 even in production.
      const own = await postDefinitions(a, token, zip);
      expect(own.status).toBe(200);
      expect((own.body.data as DefinitionsResult).changes.map((change) => [change.uid, change.action])).toEqual([
        [CITY, 'same'],
        [MEASUREMENT, 'same'],
        ['places.country-link', 'same'],
      ]);

      const other = await cityWithAnotherAttribute();
      const dry = await postDefinitions(a, token, other, { dryRun: true });
      expect(dry.status).toBe(200);
      expect(changeOf(dry.body.data, CITY)).toMatchObject({ action: 'update', added: ['localNote'], changed: [], kept: [] });
      const production = await postDefinitions(a, token, other);
      expect(production.status).toBe(403);
      expect(production.body.error.message).toContain('only in development mode');
      expect(production.body.error.message).toContain('updates api::city.city (adds localNote)');
      expect(production.body.error.details.changes).toContainEqual(expect.objectContaining({ uid: CITY, action: 'update' }));
      expect((a.strapi.getModel(CITY as never) as { attributes: Record<string, unknown> }).attributes).not.toHaveProperty('localNote');

      const noFile = await a.http().post(`${BASE}/bundle-definitions`).set('Authorization', `Bearer ${token}`).field('options', '{}');
      expect(noFile.status).toBe(400);
      expect(noFile.body.error.message).toContain('file is required');
      const { bytes: plain } = await bundleFile(a, token, { types: [{ contentType: MEASUREMENT }] });
      const none = await postDefinitions(a, token, plain);
      expect(none.status).toBe(400);
      expect(none.body.error.message).toContain('carries no definitions');
      const notZip = await postDefinitions(a, token, Buffer.from('{"a":1}\n'));
      expect(notZip.status).toBe(400);
      expect(notZip.body.error.message).toContain('model.zip');
      const badOption = await postDefinitions(a, token, zip, { dryRun: 'yes' });
      expect(badOption.status).toBe(400);
      expect(badOption.body.error.message).toContain('dryRun must be a boolean');

      const importer = await createAdmin(a, ['plugin::data-migration-center.read', 'plugin::data-migration-center.import']);
      const forbidden = await postDefinitions(a, importer, zip, { dryRun: true });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.message).toContain('Content-Type Builder permission');
    } finally {
      await a.stop();
    }
  });

  test('B, in development mode: the Content-Type Builder creates and updates the types; after the restart the entries import', async () => {
    makeCopy();
    await compile(COPY_DIR);
    const b = await startApp({ appDir: COPY_DIR, autoReload: true });
    let database = b.database;
    // Valid on B's restart too: same database, same secrets (the copy's .tmp/secrets.json).
    let token = '';
    try {
      token = await registerSuperAdmin(b);

      // The entries alone do not fit: the 400 lists what is missing and says the bundle carries its definitions.
      const refused = await b.http().post(`${BASE}/bundle-imports`).set('Authorization', `Bearer ${token}`).attach('file', zip, 'model.zip');
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(MEASUREMENT);
      expect(refused.body.error.message).toContain('carries its definitions');

      // A dry run lists the changes and writes nothing.
      const preview = await postDefinitions(b, token, zip, { dryRun: true });
      expect(preview.status).toBe(200);
      const planned = preview.body.data as DefinitionsResult;
      expect(planned.applied).toBe(false);
      expect(changeOf(planned, MEASUREMENT)).toMatchObject({ action: 'create', modelType: 'contentType' });
      expect(changeOf(planned, CITY)).toMatchObject({ action: 'update', added: ['code'], changed: [], kept: ['localNote'] });
      expect(changeOf(planned, 'places.country-link')).toMatchObject({ action: 'same', modelType: 'component' });
      expect(fs.existsSync(path.join(COPY_DIR, 'src/api/measurement'))).toBe(false);

      // Applied: the builder writes the files (the new type with its API, the city with both attributes).
      const applied = await postDefinitions(b, token, zip);
      expect(applied.status).toBe(200);
      expect((applied.body.data as DefinitionsResult).applied).toBe(true);
      const source = readSchema(APP_DIR, 'measurement');
      const written = readSchema(COPY_DIR, 'measurement');
      expect(written.attributes).toEqual(source.attributes);
      expect(written.collectionName).toBe(source.collectionName);
      expect(written.options.draftAndPublish).toBe(source.options.draftAndPublish);
      expect(fs.readdirSync(path.join(COPY_DIR, 'src/api/measurement'))).toEqual(expect.arrayContaining(['content-types', 'controllers', 'routes', 'services']));
      const city = readSchema(COPY_DIR, 'city');
      expect(city.attributes.code).toEqual(readSchema(APP_DIR, 'city').attributes.code);
      expect(city.attributes.localNote).toEqual({ type: 'string' });
    } finally {
      await b.stop({ keepDatabase: true });
    }

    // The restart (`strapi develop` compiles and starts again), here in production mode on the same database.
    await compile(COPY_DIR);
    const b2 = await startApp({ appDir: COPY_DIR, database });
    database = b2.database;
    try {
      const res = await b2.http().post(`${BASE}/bundle-imports?wait=true`).set('Authorization', `Bearer ${token}`).attach('file', zip, 'model.zip');
      expect(res.status).toBe(200);
      expect((res.body.data as Task).status).toBe('completed');
      expect(await b2.strapi.db.query(MEASUREMENT as never).count()).toBe(3);
      expect(await b2.strapi.db.query(CITY as never).findOne({ where: { name: 'Lyon' } })).toMatchObject({ code: 'LYS', localNote: null });

      // Nothing left to change: 200, nothing applied, in production too.
      const again = await postDefinitions(b2, token, zip);
      expect(again.status).toBe(200);
      expect((again.body.data as DefinitionsResult).changes.every((change) => change.action === 'same')).toBe(true);
    } finally {
      await b2.stop();
    }
  });
});
