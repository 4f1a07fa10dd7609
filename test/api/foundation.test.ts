import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cm, createAdmin, PLUGIN_ACTIONS, registerSuperAdmin } from '../helpers/admin';
import { startApp, PLUGIN_ID, type TestApp } from '../helpers/strapi';
import type { ContentTypeInfo, Task, Template } from '../../shared/contracts';
import { bundleFile } from '../helpers/tasks';

/**
 * The foundation: the plugin loads, every admin route enforces its permission, the content-types answer,
 * the templates CRUD, the tasks list, and the heartbeat sweep.
 */

let app: TestApp;
let superToken: string;

const TASK_UID = `plugin::${PLUGIN_ID}.task`;

const insertTask = async (data: Record<string, unknown>) =>
  (await app.strapi.db.query(TASK_UID).create({
    data: {
      kind: 'export',
      name: 'Seeded task',
      contentType: 'api::article.article',
      format: 'jsonl',
      state: 'completed',
      options: {},
      processed: 0,
      created: 0,
      updated: 0,
      failed: 0,
      ...data,
    },
  })) as { id: number };

beforeAll(async () => {
  app = await startApp();
  superToken = await registerSuperAdmin(app);
});

afterAll(async () => {
  await app?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('the plugin', () => {
  test('is loaded, with its content types hidden from the editors', () => {
    const plugin = app.strapi.plugin(PLUGIN_ID);
    expect(plugin).toBeDefined();
    for (const name of ['task', 'template', 'applied-batch-file', 'environment']) {
      const schema = app.strapi.contentType(`plugin::${PLUGIN_ID}.${name}` as never) as unknown as {
        pluginOptions: Record<string, { visible: boolean }>;
      };
      expect(schema.pluginOptions['content-manager'].visible).toBe(false);
      expect(schema.pluginOptions['content-type-builder'].visible).toBe(false);
    }
  });

  test('registers its five permission actions', async () => {
    const registered = app.strapi.service('admin::permission').actionProvider.values() as Array<{ actionId: string }>;
    const ids = registered.map((a) => a.actionId);
    for (const action of PLUGIN_ACTIONS) expect(ids).toContain(action);
  });
});

describe('permissions: every admin route of the plugin', () => {
  type Routed = { method: string; path: string; config: { policies: Array<string | { name: string; config: { actions: string[] } }> } };
  const routes = () => (app.strapi.plugin(PLUGIN_ID).routes as unknown as { admin: { routes: Routed[] } }).admin.routes;
  const actionOf = (route: Routed) => {
    const policy = route.config.policies.find((p) => typeof p !== 'string' && p.name === 'admin::hasPermissions');
    return (policy as { config: { actions: string[] } }).config.actions[0];
  };

  /** A request that succeeds for an admin holding the route's action, per route. */
  type Valid = { path: string; body?: unknown; multipart?: { content: string | Buffer; fileName: string; options: unknown }; expected: number };
  /** An import task that has an uploaded file and an error report, made by the super admin. */
  const importTaskWithReport = async () => {
    const res = await app
      .http()
      .post(`/${PLUGIN_ID}/import-tasks?wait=true`)
      .set(auth(superToken))
      .attach('file', Buffer.from('{"name":"ok"}\n{"name":5}\n'), 'tags.jsonl')
      .field('options', JSON.stringify({ contentType: 'api::tag.tag', onError: 'continue', dryRun: true }));
    expect(res.body.data).toMatchObject({ status: 'completed-with-errors', hasErrorReport: true });
    return res.body.data as Task;
  };
  const validRequests: Record<string, () => Promise<Valid>> = {
    'POST /file-heads': async () => ({ path: '/file-heads', body: { fileName: 'tags.jsonl', head: '{"name":"x"}\n', complete: true }, expected: 200 }),
    'POST /import-previews': async () => ({
      path: '/import-previews',
      multipart: { content: '{"name":"x"}\n', fileName: 'tags.jsonl', options: { contentType: 'api::tag.tag' } },
      expected: 200,
    }),
    'POST /import-tasks': async () => ({
      path: '/import-tasks?wait=true',
      multipart: { content: '{"name":"x"}\n', fileName: 'tags.jsonl', options: { contentType: 'api::tag.tag', dryRun: true } },
      expected: 200,
    }),
    'POST /export-tasks': async () => ({ path: '/export-tasks?wait=true', body: { contentType: 'api::tag.tag', format: 'json' }, expected: 200 }),
    'POST /migration-tasks': async () => ({ path: '/migration-tasks?wait=true', body: { source: { contentType: 'api::tag.tag' }, dryRun: true }, expected: 200 }),
    'POST /bundle-imports': async () => ({
      path: '/bundle-imports?wait=true',
      multipart: { content: (await bundleFile(app, superToken, { types: [{ contentType: 'api::tag.tag' }] })).bytes, fileName: 'tags.zip', options: { dryRun: true } },
      expected: 200,
    }),
    'POST /bundle-definitions': async () => ({
      path: '/bundle-definitions',
      multipart: {
        content: (await bundleFile(app, superToken, { types: [{ contentType: 'api::tag.tag' }], definitions: true })).bytes,
        fileName: 'tags.zip',
        options: { dryRun: true },
      },
      expected: 200,
    }),
    'POST /bundle-exports': async () => ({ path: '/bundle-exports?wait=true', body: { types: [{ contentType: 'api::tag.tag' }] }, expected: 200 }),
    'GET /tasks/:id/file': async () => ({ path: `/tasks/${(await importTaskWithReport()).id}/file`, expected: 200 }),
    'GET /tasks/:id/error-report': async () => ({ path: `/tasks/${(await importTaskWithReport()).id}/error-report?format=csv`, expected: 200 }),
    'GET /content-types': async () => ({ path: '/content-types', expected: 200 }),
    'GET /tasks': async () => ({ path: '/tasks', expected: 200 }),
    'GET /tasks/:id': async () => ({ path: `/tasks/${(await insertTask({})).id}`, expected: 200 }),
    'DELETE /tasks/:id': async () => ({ path: `/tasks/${(await insertTask({})).id}`, expected: 200 }),
    'POST /tasks/:id/resume': async () => {
      // An interrupted continue import with a checkpoint and its upload.
      const fileKey = `tasks/resume-${Date.now()}-${Math.random().toString(36).slice(2)}/upload.jsonl`;
      await pipeline(Readable.from(['{"name":"resumed"}\n']), app.strapi.plugin(PLUGIN_ID).service('storage').createWriteStream(fileKey));
      const task = await insertTask({
        kind: 'import',
        contentType: 'api::tag.tag',
        state: 'interrupted',
        format: 'jsonl',
        options: { contentType: 'api::tag.tag', format: 'jsonl', importStrategy: 'upsert', updateStrategy: 'patch', onError: 'continue', matchBy: 'documentId', fieldMapping: {}, dryRun: false, name: 'Resumed tags' },
        checkpoint: { items: 0, reportItems: 0 },
        fileKey,
        dryRun: false,
      });
      return { path: `/tasks/${task.id}/resume`, expected: 200 };
    },
    // An import that wrote (its pre-images kept): reverted (README, *Undo*).
    'POST /tasks/:id/revert': async () => {
      const res = await app
        .http()
        .post(`/${PLUGIN_ID}/import-tasks?wait=true`)
        .set(auth(superToken))
        .attach('file', Buffer.from(`{"name":"revert ${Math.random()}"}\n`), 'tags.jsonl')
        .field('options', JSON.stringify({ contentType: 'api::tag.tag', importStrategy: 'add-only' }));
      expect(res.body.data).toMatchObject({ status: 'completed', revertable: true });
      return { path: `/tasks/${res.body.data.id}/revert?wait=true`, body: {}, expected: 200 };
    },
    // Running on another instance (fresh heartbeat): the cancel is recorded for it, and no runner here can take
    // the task first (a queued one could be claimed and finish before the request).
    'POST /tasks/:id/cancel': async () => ({
      path: `/tasks/${(await insertTask({ state: 'running', instanceId: 'another-instance', heartbeatAt: new Date() })).id}/cancel`,
      expected: 200,
    }),
    'GET /templates': async () => ({ path: '/templates', expected: 200 }),
    'GET /templates/:id': async () => ({ path: `/templates/${(await createTemplate()).id}`, expected: 200 }),
    'POST /templates': async () => ({
      path: '/templates',
      body: { name: `T ${Math.random()}`, kind: 'export', contentType: 'api::tag.tag' },
      expected: 201,
    }),
    'PUT /templates/:id': async () => ({ path: `/templates/${(await createTemplate()).id}`, body: { description: 'x' }, expected: 200 }),
    'DELETE /templates/:id': async () => ({ path: `/templates/${(await createTemplate()).id}`, expected: 200 }),
    // Environments: this instance itself, listening, reached with a full-access API token of its own.
    'GET /environments': async () => ({ path: '/environments', expected: 200 }),
    'POST /environments': async () => ({ path: '/environments', body: { name: `E ${Math.random()}`, url: await selfUrl(), token: 'a token' }, expected: 201 }),
    'PUT /environments/:id': async () => ({ path: `/environments/${(await createEnvironment()).id}`, body: { name: `E ${Math.random()}` }, expected: 200 }),
    'DELETE /environments/:id': async () => ({ path: `/environments/${(await createEnvironment()).id}`, expected: 200 }),
    'POST /environments/:id/check': async () => ({ path: `/environments/${(await createEnvironment()).id}/check`, expected: 200 }),
    'GET /environments/:id/tasks/:taskId': async () => ({ path: `/environments/${(await createEnvironment()).id}/tasks/${(await insertTask({})).id}`, expected: 200 }),
    'POST /environments/:id/fetch': async () => ({
      path: `/environments/${(await createEnvironment()).id}/fetch`,
      body: { bundle: { contentTypes: ['api::tag.tag'] }, options: { dryRun: true } },
      expected: 202,
    }),
    'POST /tasks/:id/send': async () => {
      const exported = await app.http().post(`/${PLUGIN_ID}/bundle-exports?wait=true`).set(auth(superToken)).send({ types: [{ contentType: 'api::tag.tag' }] });
      expect(exported.body.data).toMatchObject({ status: 'completed' });
      return { path: `/tasks/${exported.body.data.id}/send`, body: { environmentId: (await createEnvironment()).id, options: { dryRun: true } }, expected: 202 };
    },
  };

  let self: { url: string; token: string } | undefined;
  /** This instance's address (it listens on a free port) and a full-access API token of its own. */
  const selfEnvironment = async () => {
    if (self) return self;
    const server = app.strapi.server.httpServer;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    const res = await app.http().post('/admin/api-tokens').set(auth(superToken)).send({ name: 'foundation self', type: 'full-access', lifespan: null });
    expect(res.status).toBe(201);
    self = { url: `http://127.0.0.1:${port}`, token: res.body.data.accessKey as string };
    return self;
  };
  const selfUrl = async () => (await selfEnvironment()).url;
  const createEnvironment = async (): Promise<{ id: number }> => {
    const res = await app.http().post(`/${PLUGIN_ID}/environments`).set(auth(superToken)).send({ name: `Self ${Math.random()}`, ...(await selfEnvironment()) });
    expect(res.status).toBe(201);
    return res.body.data;
  };

  let counter = 0;
  const createTemplate = async (): Promise<Template> => {
    counter += 1;
    const res = await app
      .http()
      .post(`/${PLUGIN_ID}/templates`)
      .set(auth(superToken))
      .send({ name: `Template ${counter}`, kind: 'export', contentType: 'api::article.article' });
    expect(res.status).toBe(201);
    return res.body.data;
  };

  const send = (method: string, path: string, token: string | null, body?: unknown, multipart?: Valid['multipart']) => {
    const req = (app.http() as unknown as Record<string, (p: string) => import('supertest').Test>)[method.toLowerCase()](
      `/${PLUGIN_ID}${path}`
    );
    if (token) req.set(auth(token));
    if (multipart) {
      return req.attach('file', Buffer.from(multipart.content), multipart.fileName).field('options', JSON.stringify(multipart.options));
    }
    return body === undefined ? req : req.send(body as object);
  };

  test('every route is covered by this test', () => {
    const keys = routes().map((r) => `${r.method} ${r.path}`);
    expect(keys.sort()).toEqual(Object.keys(validRequests).sort());
  });

  test('answers 401 without a token', async () => {
    for (const route of routes()) {
      const { path, body, multipart } = await validRequests[`${route.method} ${route.path}`]();
      const res = await send(route.method, path, null, body, multipart);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });

  test('answers 403 for a role without its action, and succeeds for a role with only that action', async () => {
    const tokens = new Map<string, { without: string; withOnly: string }>();
    for (const action of PLUGIN_ACTIONS) {
      tokens.set(action, {
        without: await createAdmin(app, PLUGIN_ACTIONS.filter((a) => a !== action)),
        // Changing a task (cancel, delete) also needs the task's kind: our seeded tasks are exports.
        // The content the routes move (tags) needs the Content Manager's permissions too (permissions.test.ts).
        withOnly: await createAdmin(app, [
          ...(action.endsWith('.read') ? [action, 'plugin::data-migration-center.export'] : [action]),
          cm('read', 'api::tag.tag'),
          cm('create', 'api::tag.tag'),
          cm('update', 'api::tag.tag'),
          // A revert deletes what an import created.
          cm('delete', 'api::tag.tag'),
          // Definitions also need the Content-Type Builder's permission (bundle-definitions.test.ts).
          'plugin::content-type-builder.read',
        ]),
      });
    }
    for (const route of routes()) {
      const key = `${route.method} ${route.path}`;
      const action = actionOf(route);
      expect(PLUGIN_ACTIONS).toContain(action);
      const { without, withOnly } = tokens.get(action)!;

      const denied = await validRequests[key]();
      const res = await send(route.method, denied.path, without, denied.body, denied.multipart);
      expect({ key, status: res.status }).toEqual({ key, status: 403 });

      const allowed = await validRequests[key]();
      const ok = await send(route.method, allowed.path, withOnly, allowed.body, allowed.multipart);
      expect({ key, status: ok.status, body: ok.status === allowed.expected ? null : ok.body }).toEqual({
        key,
        status: allowed.expected,
        body: null,
      });
    }
  });

  test('an admin without any plugin action sees nothing of the center', async () => {
    const token = await createAdmin(app, []);
    for (const route of routes()) {
      const { path, body, multipart } = await validRequests[`${route.method} ${route.path}`]();
      const res = await send(route.method, path, token, body, multipart);
      expect(res.status).toBe(403);
    }
  });

  test('cancelling or deleting a task needs the permission of its kind', async () => {
    const readOnly = await createAdmin(app, ['plugin::data-migration-center.read', 'plugin::data-migration-center.import']);
    const exportTask = await insertTask({ kind: 'export' });
    const res = await send('DELETE', `/tasks/${exportTask.id}`, readOnly);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/export permission/);
    const importTask = await insertTask({ kind: 'import' });
    expect((await send('DELETE', `/tasks/${importTask.id}`, readOnly)).status).toBe(200);
  });
});

describe('GET /content-types', () => {
  let types: ContentTypeInfo[];
  beforeAll(async () => {
    const res = await app.http().get(`/${PLUGIN_ID}/content-types`).set(auth(superToken));
    expect(res.status).toBe(200);
    types = res.body.data;
  });

  test('offers the api:: types only', () => {
    expect(types.map((t) => t.uid).sort()).toEqual(
      [
        'api::article.article',
        'api::author.author',
        'api::category.category',
        'api::chair.chair',
        'api::city.city',
        'api::contact.contact',
        'api::country.country',
        'api::desk.desk',
        'api::edition.edition',
        'api::homepage.homepage',
        'api::measurement.measurement',
        'api::port.port',
        'api::region.region',
        'api::tag.tag',
        'api::trip.trip',
        'api::topic.topic',
      ].sort()
    );
  });

  test('describes the article with every attribute kind, its relations, components and flags', () => {
    const article = types.find((t) => t.uid === 'api::article.article')!;
    expect(article).toMatchObject({
      kind: 'collectionType',
      displayName: 'Article',
      singularName: 'article',
      pluralName: 'articles',
      draftAndPublish: true,
      localized: true,
    });
    const byName = Object.fromEntries(article.attributes.map((a) => [a.name, a]));
    expect(byName.title).toMatchObject({ type: 'string', required: true, unique: false, private: false });
    expect(byName.slug).toMatchObject({ type: 'uid', unique: true });
    expect(byName.category).toMatchObject({ type: 'relation', relation: 'manyToOne', target: 'api::category.category', multiple: false });
    expect(byName.tags).toMatchObject({ type: 'relation', relation: 'manyToMany', target: 'api::tag.tag', multiple: true });
    expect(byName.related).toMatchObject({ type: 'relation', target: 'api::article.article', multiple: true });
    expect(byName.cover).toMatchObject({ type: 'media', multiple: false });
    expect(byName.seo).toMatchObject({ type: 'component', component: 'shared.seo', multiple: false });
    expect(byName.seo.attributes!.map((a) => a.name)).toEqual(['metaTitle', 'metaDescription', 'noIndex', 'keywords']);
    expect(byName.sections).toMatchObject({
      type: 'dynamiczone',
      components: ['sections.text-block', 'sections.quote'],
    });
    expect(byName.kind).toMatchObject({ type: 'enumeration', enum: ['news', 'review', 'tutorial', 'opinion'] });
    expect(Object.keys(byName)).toEqual([
      'title', 'slug', 'body', 'summary', 'views', 'rating', 'price', 'bigViews', 'featured', 'publishDate',
      'reviewTime', 'lastReviewedAt', 'kind', 'metadata', 'cover', 'category', 'author', 'edition', 'tags',
      'topics', 'related', 'seo',
      'sections',
    ]);
    expect(article.matchKeys).toEqual(['documentId', 'slug']);
  });

  test('never offers private attributes, system fields or the far side of a relation', () => {
    for (const type of types) {
      for (const attribute of type.attributes) {
        expect(attribute.private).toBe(false);
        expect(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'createdBy', 'updatedBy', 'locale']).not.toContain(attribute.name);
      }
    }
    const article = types.find((t) => t.uid === 'api::article.article')!;
    expect(article.attributes.map((a) => a.name)).not.toContain('secretNote');
    const category = types.find((t) => t.uid === 'api::category.category')!;
    expect(category.attributes.map((a) => a.name)).toEqual(['name', 'slug', 'description']);
    expect(types.find((t) => t.uid === 'api::author.author')!.matchKeys).toEqual(['documentId', 'email']);
    expect(types.find((t) => t.uid === 'api::tag.tag')!.matchKeys).toEqual(['documentId', 'name']);
  });
});

describe('templates', () => {
  const api = () => app.http();
  const base = `/${PLUGIN_ID}/templates`;

  test('create, read, list, update and delete', async () => {
    const created = await api()
      .post(base)
      .set(auth(superToken))
      .send({
        name: 'Weekly articles',
        kind: 'export',
        contentType: 'api::article.article',
        options: { format: 'jsonl', fields: ['title', 'slug'] },
        description: 'Every week',
      });
    expect(created.status).toBe(201);
    const template: Template = created.body.data;
    expect(template).toMatchObject({
      name: 'Weekly articles',
      kind: 'export',
      contentType: 'api::article.article',
      options: { format: 'jsonl', fields: ['title', 'slug'] },
      description: 'Every week',
      readOnly: false,
    });

    const read = await api().get(`${base}/${template.id}`).set(auth(superToken));
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(template);

    const list = await api().get(`${base}?kind=export`).set(auth(superToken));
    expect(list.body.data.map((t: Template) => t.name)).toContain('Weekly articles');
    const imports = await api().get(`${base}?kind=import`).set(auth(superToken));
    expect(imports.body.data.map((t: Template) => t.name)).not.toContain('Weekly articles');

    const updated = await api().put(`${base}/${template.id}`).set(auth(superToken)).send({ name: 'Weekly articles (v2)' });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id: template.id, name: 'Weekly articles (v2)', options: template.options });

    const deleted = await api().delete(`${base}/${template.id}`).set(auth(superToken));
    expect(deleted.status).toBe(200);
    expect((await api().get(`${base}/${template.id}`).set(auth(superToken))).status).toBe(404);
  });

  test('names are unique per kind', async () => {
    const body = { name: 'Contacts', kind: 'import', contentType: 'api::contact.contact' };
    expect((await api().post(base).set(auth(superToken)).send(body)).status).toBe(201);
    const duplicate = await api().post(base).set(auth(superToken)).send(body);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toMatch(/import template named "Contacts" already exists/);
    expect(duplicate.body.error.details.errors[0].path).toEqual(['name']);
    // The same name for the other kind is fine.
    expect((await api().post(base).set(auth(superToken)).send({ ...body, kind: 'export' })).status).toBe(201);
    // Renaming onto an existing name is refused too.
    const other = await api().post(base).set(auth(superToken)).send({ ...body, name: 'Contacts 2' });
    const rename = await api().put(`${base}/${other.body.data.id}`).set(auth(superToken)).send({ name: 'Contacts' });
    expect(rename.status).toBe(400);
  });

  test.each([
    [{ kind: 'export', contentType: 'api::tag.tag' }, 'name'],
    [{ name: 'x', contentType: 'api::tag.tag' }, 'kind'],
    [{ name: 'x', kind: 'sideways', contentType: 'api::tag.tag' }, 'kind'],
    [{ name: 'x', kind: 'export' }, 'contentType'],
    [{ name: 'x', kind: 'export', contentType: 'not a uid' }, 'contentType'],
    [{ name: 'x', kind: 'export', contentType: 'api::nope.nope' }, 'contentType'],
    [{ name: 'x', kind: 'export', contentType: 'admin::user' }, 'contentType'],
    [{ name: 'x', kind: 'export', contentType: 'api::tag.tag', options: [1, 2] }, 'options'],
    [{ name: 'x', kind: 'export', contentType: 'api::tag.tag', surprise: true }, ''],
    [{ name: '   ', kind: 'export', contentType: 'api::tag.tag' }, 'name'],
  ])('400 on a bad body %j, naming %s', async (body, field) => {
    const res = await api().post(base).set(auth(superToken)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('ValidationError');
    if (field) {
      const paths = (res.body.error.details.errors as Array<{ path: string[] }>).map((e) => e.path.join('.'));
      expect(paths).toContain(field);
    } else {
      expect(res.body.error.message).toMatch(/surprise/);
    }
  });

  test('404 on unknown ids, for read, update and delete', async () => {
    for (const id of ['999999', 'abc', '0', '-1']) {
      expect((await api().get(`${base}/${id}`).set(auth(superToken))).status).toBe(404);
      expect((await api().put(`${base}/${id}`).set(auth(superToken)).send({ name: 'y' })).status).toBe(404);
      expect((await api().delete(`${base}/${id}`).set(auth(superToken))).status).toBe(404);
    }
  });
});

describe('tasks', () => {
  const base = `/${PLUGIN_ID}/tasks`;

  test('lists newest first, paginated, filtered by kind and status', async () => {
    await app.strapi.db.query(TASK_UID).deleteMany({});
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await insertTask({
            name: `Task ${i}`,
            kind: i % 2 ? 'import' : 'export',
            state: i === 4 ? 'failed' : 'completed',
            createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
          })
        ).id
      );
    }
    const page1 = await app.http().get(`${base}?page=1&pageSize=2`).set(auth(superToken));
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((t: Task) => t.name)).toEqual(['Task 4', 'Task 3']);
    expect(page1.body.meta.pagination).toEqual({ page: 1, pageSize: 2, pageCount: 3, total: 5 });
    const page3 = await app.http().get(`${base}?page=3&pageSize=2`).set(auth(superToken));
    expect(page3.body.data.map((t: Task) => t.name)).toEqual(['Task 0']);

    const imports = await app.http().get(`${base}?kind=import`).set(auth(superToken));
    expect(imports.body.data.map((t: Task) => t.name)).toEqual(['Task 3', 'Task 1']);
    const failed = await app.http().get(`${base}?status=failed`).set(auth(superToken));
    expect(failed.body.data.map((t: Task) => t.name)).toEqual(['Task 4']);

    for (const bad of ['kind=sideways', 'status=done', 'page=0', 'pageSize=1000', 'page=abc', 'color=red']) {
      const res = await app.http().get(`${base}?${bad}`).set(auth(superToken));
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
  });

  test('a task has the shape of the contract', async () => {
    const { id } = await insertTask({ name: 'Shape', total: 10, processed: 4, created: 3, updated: 1, failed: 0, state: 'running', heartbeatAt: new Date() });
    const res = await app.http().get(`${base}/${id}`).set(auth(superToken));
    expect(res.status).toBe(200);
    const task: Task = res.body.data;
    expect(Object.keys(task).sort()).toEqual(
      [
        'id', 'kind', 'name', 'contentType', 'format', 'status', 'options', 'counts', 'progress', 'error', 'fileName',
        'hasErrorReport', 'canDownload', 'resumable', 'waitingFor', 'writePath', 'typeCounts', 'createdAt', 'startedAt', 'finishedAt', 'createdBy',
        'scheduled', 'revertedBy', 'revertable',
      ].sort()
    );
    expect(task).toMatchObject({ scheduled: null, status: 'running', progress: 0.4, counts: { total: 10, processed: 4, created: 3, updated: 1, failed: 0 } });
    await app.strapi.db.query(TASK_UID).update({ where: { id }, data: { state: 'completed' } });
  });

  test('404 for unknown tasks; 409 when deleting a running task or cancelling a finished one', async () => {
    expect((await app.http().get(`${base}/999999`).set(auth(superToken))).status).toBe(404);
    expect((await app.http().delete(`${base}/999999`).set(auth(superToken))).status).toBe(404);
    const running = await insertTask({ state: 'running', heartbeatAt: new Date() });
    const del = await app.http().delete(`${base}/${running.id}`).set(auth(superToken));
    expect(del.status).toBe(409);
    expect(del.body.error.message).toMatch(/running: cancel it before deleting it/);
    const done = await insertTask({ state: 'completed' });
    expect((await app.http().post(`${base}/${done.id}/cancel`).set(auth(superToken))).status).toBe(409);
    await app.strapi.db.query(TASK_UID).update({ where: { id: running.id }, data: { state: 'failed' } });
  });

  test('cancelling a queued task cancels it at once', async () => {
    const queued = await insertTask({ state: 'queued', kind: 'import', contentType: 'api::contact.contact' });
    const res = await app.http().post(`${base}/${queued.id}/cancel`).set(auth(superToken));
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('cancelled');
    expect(res.body.data.finishedAt).not.toBeNull();
  });

  test('waiting for a queued task (?wait=true, the CLI) ends when it does: the claim wakes the waiting, which does not sleep out its interval', async () => {
    const runner = app.strapi.plugin(PLUGIN_ID).service('runner') as {
      kick(): void;
      waitFor(id: number, options?: { interval?: number }): Promise<{ state: string }>;
    };
    // A queued copy of an export that ran (its options as the service resolved them), not yet claimed.
    const ran = await app.http().post(`/${PLUGIN_ID}/export-tasks?wait=true`).set(auth(superToken)).send({ contentType: 'api::tag.tag', format: 'json' });
    expect(ran.body.data.status).toBe('completed');
    const row = (await app.strapi.db.query(TASK_UID).findOne({ where: { id: ran.body.data.id } })) as Record<string, unknown>;
    const queued = await insertTask({
      state: 'queued',
      kind: 'export',
      name: 'Woken',
      contentType: 'api::tag.tag',
      format: 'json',
      options: row.options,
      heartbeatAt: null,
      fileKey: 'tasks/test-woken/tags.json',
      fileName: 'tags.json',
    });
    // An interval of ten minutes: only the claim of this server can end the wait within the test's time.
    const waited = runner.waitFor(queued.id, { interval: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first look is done: it sleeps
    runner.kick();
    const done = (await waited) as { state: string; error: string | null };
    expect({ state: done.state, error: done.error }).toEqual({ state: 'completed', error: null });
  }, 30_000);

  test('deleting a finished task removes it and its files', async () => {
    const storage = app.strapi.plugin(PLUGIN_ID).service('storage');
    const key = 'tasks/test-delete/file.jsonl';
    await new Promise<void>((resolve, reject) => {
      const out = storage.createWriteStream(key);
      out.on('error', reject);
      out.end('{"a":1}\n', resolve);
    });
    expect(await storage.size(key)).toBe(8);
    const task = await insertTask({ fileKey: key, fileName: 'file.jsonl' });
    expect((await app.http().delete(`${base}/${task.id}`).set(auth(superToken))).status).toBe(200);
    expect(await storage.size(key)).toBeNull();
    expect((await app.http().get(`${base}/${task.id}`).set(auth(superToken))).status).toBe(404);
  });
});

describe('heartbeats (several instances on one database)', () => {
  test('a running task whose heartbeat is stale becomes interrupted; one another live instance beats stays running', async () => {
    const runner = app.strapi.plugin(PLUGIN_ID).service('runner');
    const stale = await insertTask({ state: 'running', instanceId: 'gone', heartbeatAt: new Date(Date.now() - 61_000) });
    const never = await insertTask({ state: 'running', instanceId: 'gone', heartbeatAt: null });
    const live = await insertTask({ state: 'running', instanceId: 'another-live-instance', heartbeatAt: new Date(Date.now() - 5_000) });
    const queued = await insertTask({ state: 'queued', kind: 'export', heartbeatAt: null });

    await runner.sweepStaleTasks();

    const state = async (id: number) => ((await app.strapi.db.query(TASK_UID).findOne({ where: { id } })) as { state: string }).state;
    expect(await state(stale.id)).toBe('interrupted');
    expect(await state(never.id)).toBe('interrupted');
    expect(await state(live.id)).toBe('running');
    expect(await state(queued.id)).toBe('queued');

    const res = await app.http().get(`/${PLUGIN_ID}/tasks/${stale.id}`).set(auth(superToken));
    expect(res.body.data.status).toBe('interrupted');
    expect(res.body.data.error).toMatch(/stopped/);
    await app.strapi.db.query(TASK_UID).updateMany({ where: { id: { $in: [live.id, queued.id] } }, data: { state: 'cancelled' } });
  });
});
