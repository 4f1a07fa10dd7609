import { cm, createAdminUser, PLUGIN_ACTIONS, registerSuperAdmin, type PermissionSpec } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, download, errorReport, exportFile, jsonl, postImport } from '../helpers/tasks';
import type { ContentTypeInfo, Task } from '../../shared/contracts';

/**
 * The Content Manager's permissions apply to the center: a role matrix made through Strapi's own admin API
 * (roles, their permissions with fields, locales and conditions, then users who log in), each role importing and
 * exporting articles (localized, draft & publish, a private attribute) and contacts (flat), the results checked
 * row by row.
 */

const ARTICLE = 'api::article.article';
const CONTACT = 'api::contact.contact';
const AUTHOR = 'api::author.author';
const IS_CREATOR = 'admin::is-creator';

let app: TestApp;
let superToken: string;
let superId: number;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A role made through Strapi's admin REST API (POST /admin/roles, PUT permissions), a user registered into it. */
let users = 0;
const createRoleUser = async (name: string, permissions: PermissionSpec[]) => {
  users += 1;
  const role = await app.http().post('/admin/roles').set(auth(superToken)).send({ name: `${name} ${users}`, description: name });
  expect(role.status).toBe(201);
  const assigned = await app
    .http()
    .put(`/admin/roles/${role.body.data.id}/permissions`)
    .set(auth(superToken))
    .send({
      permissions: [
        ...PLUGIN_ACTIONS.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
        ...permissions.map((p) => ({ action: p.action, subject: p.subject, properties: p.properties ?? {}, conditions: p.conditions ?? [] })),
      ],
    });
  expect(assigned.status).toBe(200);
  const email = `role${users}.${Date.now()}@example.com`;
  const created = await app
    .http()
    .post('/admin/users')
    .set(auth(superToken))
    .send({ firstname: name, lastname: 'User', email, roles: [role.body.data.id] });
  expect(created.status).toBe(201);
  const registered = await app
    .http()
    .post('/admin/register')
    .send({ registrationToken: created.body.data.registrationToken, userInfo: { firstname: name, lastname: 'User', password: 'Us3rSecret!' } });
  expect(registered.status).toBe(200);
  return { token: registered.body.data.token as string, id: created.body.data.id as number };
};

/** Every field of a type as the admin's role editor lists them ("select all": components by their fields, `seo.metaTitle`). */
const allFields = async (uid: string): Promise<string[]> =>
  (app.strapi.service('admin::content-type') as unknown as { getNestedFields(model: unknown, o: { components: unknown }): string[] }).getNestedFields(
    app.strapi.getModel(uid as never),
    { components: app.strapi.components }
  );

/** Rows of a type as stored, drafts only (the shape the matrix checks). */
const drafts = async (uid: string) =>
  (await app.strapi.db.query(uid as never).findMany({ where: { publishedAt: { $null: true } }, populate: ['createdBy', 'updatedBy'] })) as Array<
    Record<string, unknown> & { documentId: string; locale?: string; createdBy?: { id: number } | null; updatedBy?: { id: number } | null }
  >;
const rows = async (uid: string) => (await app.strapi.db.query(uid as never).findMany({})) as Array<Record<string, unknown>>;

const exportAs = (token: string, options: Record<string, unknown>) =>
  app.http().post(`${BASE}/export-tasks?wait=true`).set(auth(token)).send(options);

const importAs = (token: string, items: unknown[], options: Record<string, unknown>) =>
  postImport(app, token, { content: jsonl(items), fileName: 'items.jsonl', options });

const parseJson = (text: string) => JSON.parse(text) as { items?: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
const itemsOf = (text: string) => {
  const parsed = parseJson(text);
  return (Array.isArray(parsed) ? parsed : parsed.items ?? []) as Array<Record<string, unknown>>;
};

let superArticleExport: Task;
let superContactExport: Task;
let superImportWithReport: Task;

beforeAll(async () => {
  app = await startApp();
  superToken = await registerSuperAdmin(app);
  superId = ((await app.strapi.db.query('admin::user').findOne({ where: { email: 'super@example.com' } })) as { id: number }).id;

  // Content made by the super admin: articles in en and fr (with a private note), an author, contacts.
  const author = await importAs(superToken, [{ documentId: 'aut000000000000000000001', name: 'Ada', email: 'ada@example.com' }], {
    contentType: AUTHOR,
  });
  expect([author.body.data.status, author.body.data.error]).toEqual(['completed', null]);
  const articles = [
    { documentId: 'art000000000000000000001', locale: 'en', title: 'Hello', slug: 'hello', summary: 'en summary', views: 1, author: 'aut000000000000000000001' },
    { documentId: 'art000000000000000000001', locale: 'fr', title: 'Bonjour', slug: 'bonjour', summary: 'fr summary', views: 2 },
    { documentId: 'art000000000000000000002', locale: 'en', title: 'World', slug: 'world', summary: 'second', views: 3 },
    { documentId: 'art000000000000000000003', locale: 'fr', title: 'Monde', slug: 'monde', summary: 'troisième', views: 4 },
  ];
  const imported = await importAs(superToken, articles, { contentType: ARTICLE, status: 'published' });
  expect(imported.body.data).toMatchObject({ status: 'completed', counts: { created: 4 } });
  // The private note is never imported (allowPrivateFields is off): set in the database.
  for (const [documentId, locale, secretNote] of [['art000000000000000000001', 'en', 's3cret-en'], ['art000000000000000000001', 'fr', 's3cret-fr'], ['art000000000000000000002', 'en', 'other']]) {
    await app.strapi.db.query(ARTICLE as never).updateMany({ where: { documentId, locale }, data: { secretNote } });
  }
  const contacts = await importAs(
    superToken,
    [
      { documentId: 'con000000000000000000001', firstName: 'Ann', lastName: 'Lee', company: 'ACME', notes: 'vip' },
      { documentId: 'con000000000000000000002', firstName: 'Bob', lastName: 'Ray', company: 'Initech', notes: 'none' },
    ],
    { contentType: CONTACT }
  );
  expect(contacts.body.data).toMatchObject({ status: 'completed', counts: { created: 2 } });

  superArticleExport = (await exportFile(app, superToken, { contentType: ARTICLE, format: 'json', locale: 'all' })).task;
  superContactExport = (await exportFile(app, superToken, { contentType: CONTACT, format: 'json' })).task;
  const withReport = await importAs(superToken, [{ firstName: 'ok' }, { firstName: 5 }], { contentType: CONTACT, onError: 'continue', dryRun: true });
  superImportWithReport = withReport.body.data;
  expect(superImportWithReport.hasErrorReport).toBe(true);
});

afterAll(async () => {
  await app?.stop();
});

describe('a role with the center\'s actions and no Content Manager permission', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await createRoleUser('No content', []));
  });

  test.each([ARTICLE, CONTACT])('cannot export %s (403) nor import into it (403), and nothing changes', async (uid) => {
    const before = await rows(uid);
    const exported = await exportAs(token, { contentType: uid });
    expect(exported.status).toBe(403);
    expect(exported.body.error.message).toMatch(/read permission/);
    const imported = await importAs(token, [{ documentId: 'new0000000000000000000x1', title: 'x', firstName: 'x' }].map((item) =>
      uid === CONTACT ? { documentId: item.documentId, firstName: 'x' } : { documentId: item.documentId, title: 'x' }
    ), { contentType: uid });
    expect(imported.status).toBe(403);
    expect(imported.body.error.message).toMatch(/create or update permission/);
    expect(await rows(uid)).toEqual(before);
  });

  test('cannot download the files and reports of other users; the list shows the tasks without downloads', async () => {
    for (const task of [superArticleExport, superContactExport, superImportWithReport]) {
      expect((await download(app, token, `${BASE}/tasks/${task.id}/file`)).status).toBe(403);
    }
    expect((await errorReport(app, token, superImportWithReport.id)).status).toBe(403);
    const list = await app.http().get(`${BASE}/tasks?pageSize=100`).set(auth(token));
    expect(list.status).toBe(200);
    const listed = (list.body.data as Task[]).find((t) => t.id === superArticleExport.id);
    expect(listed).toMatchObject({ name: superArticleExport.name, canDownload: false });
    const one = await app.http().get(`${BASE}/tasks/${superArticleExport.id}`).set(auth(token));
    expect(one.body.data.canDownload).toBe(false);
  });
});

describe('read-only (every field, every locale)', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await createRoleUser('Read only', [cm('read', ARTICLE, { fields: await allFields(ARTICLE), locales: ['en', 'fr'] }), cm('read', CONTACT, { fields: await allFields(CONTACT) })]));
  });

  test('exports every field of every entry, and downloads the files of others that hold only what it may read', async () => {
    const { text } = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'all' });
    const items = itemsOf(text);
    expect(items.map((i) => `${i.documentId}|${i.locale}`).sort()).toEqual(
      ['art000000000000000000001|en', 'art000000000000000000001|fr', 'art000000000000000000002|en', 'art000000000000000000003|fr'].sort()
    );
    expect(Object.keys(items[0])).toEqual(expect.arrayContaining(['title', 'summary', 'views']));
    expect(Object.keys(items[0])).not.toContain('secretNote');
    expect((await download(app, token, `${BASE}/tasks/${superContactExport.id}/file`)).status).toBe(200);
    expect((await download(app, token, `${BASE}/tasks/${superArticleExport.id}/file`)).status).toBe(200);
    expect((await errorReport(app, token, superImportWithReport.id)).status).toBe(200);
  });

  test('cannot import (403) and nothing changes', async () => {
    const before = await rows(CONTACT);
    const res = await importAs(token, [{ firstName: 'Eve' }], { contentType: CONTACT });
    expect(res.status).toBe(403);
    expect(await rows(CONTACT)).toEqual(before);
  });
});

describe('field-limited (articles: title and slug, in English; contacts: firstName)', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await createRoleUser('Field limited', [
      cm('read', ARTICLE, { fields: ['title', 'slug'], locales: ['en'] }),
      cm('read', CONTACT, { fields: ['firstName'] }),
      cm('create', CONTACT, { fields: ['firstName'] }),
      cm('update', CONTACT, { fields: ['firstName'] }),
    ]));
  });

  test('an article export holds exactly title and slug of the English entries', async () => {
    const { text } = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'all' });
    const items = itemsOf(text);
    expect(items.map((i) => `${i.documentId}|${i.locale}`).sort()).toEqual(['art000000000000000000001|en', 'art000000000000000000002|en']);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['documentId', 'locale', 'slug', 'title']);
    const french = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'fr' });
    expect(itemsOf(french.text)).toEqual([]);
  });

  test('GET /content-types tells what it may do with each type, for the admin to offer only that', async () => {
    const res = await app.http().get(`${BASE}/content-types`).set(auth(token));
    const byUid = new Map((res.body.data as ContentTypeInfo[]).map((t) => [t.uid, t.access]));
    expect(byUid.get(ARTICLE)).toEqual({ read: true, create: false, update: false, publish: false, readable: ['title', 'slug'], writable: [] });
    expect(byUid.get(CONTACT)).toEqual({ read: true, create: true, update: true, publish: false, readable: ['firstName'], writable: ['firstName'] });
    expect(byUid.get(AUTHOR)).toMatchObject({ read: false, create: false, update: false, readable: [], writable: [] });
    const asSuper = await app.http().get(`${BASE}/content-types`).set(auth(superToken));
    const article = (asSuper.body.data as ContentTypeInfo[]).find((t) => t.uid === ARTICLE)!;
    expect(article.access).toMatchObject({ read: true, create: true, update: true, publish: true });
    expect(article.access?.readable).toEqual(article.attributes.map((a) => a.name));
  });

  test('a requested field beyond the permission is a 400 naming it', async () => {
    const res = await exportAs(token, { contentType: ARTICLE, fields: ['title', 'summary'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/"summary": you may not read/);
  });

  test('a contact export holds only firstName; CSV too', async () => {
    const { text } = await exportFile(app, token, { contentType: CONTACT, format: 'csv' });
    expect(text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('documentId,firstName');
    expect(text).not.toMatch(/ACME|Lee/);
  });

  test('filters and sorts on fields it may not read are 400s naming them, at any depth', async () => {
    for (const [options, path] of [
      [{ filters: { summary: { $eq: 'x' } } }, 'summary'],
      [{ filters: { $or: [{ title: 'Hello' }, { views: { $gt: 1 } }] } }, 'views'],
      [{ filters: { $not: { summary: { $contains: 'en' } } } }, 'summary'],
      [{ filters: { author: { name: 'Ada' } } }, 'author'],
      [{ sort: 'views:desc' }, 'views'],
    ] as Array<[Record<string, unknown>, string]>) {
      const res = await exportAs(token, { contentType: ARTICLE, ...options });
      expect({ options, status: res.status }).toEqual({ options, status: 400 });
      expect(res.body.error.message).toContain(path);
    }
  });

  test('importing a contact: a mapping onto a forbidden field is a 400; an item setting one is an item error', async () => {
    const before = await rows(CONTACT);
    const mapped = await importAs(token, [{ first: 'Zed', co: 'X' }], { contentType: CONTACT, fieldMapping: { first: 'firstName', co: 'company' } });
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.message).toMatch(/"company": you may not create or update/);
    const res = await importAs(token, [{ firstName: 'Zed' }, { firstName: 'Yan', company: 'Evil' }], { contentType: CONTACT, onError: 'continue' });
    expect(res.body.data).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, failed: 1 } });
    const report = JSON.parse((await errorReport(app, token, res.body.data.id)).text) as Array<{ itemNumber: number; stage: string; field: string | null; message: string }>;
    expect(report[0].message).toMatch(/^company: you may not set this field/);
    // The report's columns name the stage and the field refused, as for any other item problem.
    expect(report[0]).toMatchObject({ itemNumber: 2, stage: 'validate', field: 'company' });
    const after = await rows(CONTACT);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((r) => r.firstName === 'Yan')).toBeUndefined();
    expect(after.find((r) => r.firstName === 'Zed')).toMatchObject({ company: null });
  });

  test('its own import files and reports download; the super admin\'s do not', async () => {
    const res = await importAs(token, [{ firstName: 5 }], { contentType: CONTACT, onError: 'continue', dryRun: true });
    expect(res.body.data.canDownload).toBe(true);
    expect((await download(app, token, `${BASE}/tasks/${res.body.data.id}/file`)).status).toBe(200);
    expect((await errorReport(app, token, res.body.data.id)).status).toBe(200);
    expect((await download(app, token, `${BASE}/tasks/${superContactExport.id}/file`)).status).toBe(403);
    expect((await errorReport(app, token, superImportWithReport.id)).status).toBe(403);
  });
});

describe('component fields', () => {
  test('an export writes only the component fields the role may read', async () => {
    await importAs(superToken, [{ documentId: 'art000000000000000000002', locale: 'en', seo: { metaTitle: 'Meta', metaDescription: 'Hidden description', noIndex: true } }], {
      contentType: ARTICLE,
    });
    const { token } = await createRoleUser('SEO titles', [cm('read', ARTICLE, { fields: ['title', 'seo.metaTitle'], locales: ['en'] })]);
    const { text } = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'en' });
    const item = itemsOf(text).find((i) => i.documentId === 'art000000000000000000002')!;
    expect(Object.keys(item).sort()).toEqual(['documentId', 'locale', 'seo', 'title']);
    expect(item.seo).toEqual({ metaTitle: 'Meta' });
    expect(text).not.toContain('Hidden description');
    const res = await exportAs(token, { contentType: ARTICLE, filters: { seo: { metaDescription: { $contains: 'Hidden' } } } });
    expect(res.status).toBe(400);
  });
});

describe('private attributes, for everyone (the super admin included)', () => {
  test.each([
    [ARTICLE, { secretNote: { $startsWith: 's3' } }, 'secretNote'],
    [ARTICLE, { $or: [{ title: 'x' }, { secretNote: { $startsWith: 's3' } }] }, 'secretNote'],
    [ARTICLE, { $not: { secretNote: { $null: true } } }, 'secretNote'],
    [AUTHOR, { articles: { secretNote: { $startsWith: 's3' } } }, 'articles.secretNote'],
    [AUTHOR, { $and: [{ articles: { $or: [{ secretNote: { $eq: 's3cret-en' } }] } }] }, 'articles.secretNote'],
  ])('%s filtered by %j: 400 naming %s', async (uid, filters, path) => {
    const res = await exportAs(superToken, { contentType: uid, filters });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`"${path}" is a private attribute`);
  });

  test('sorting by one too', async () => {
    const res = await exportAs(superToken, { contentType: ARTICLE, sort: 'secretNote:asc' });
    expect(res.status).toBe(400);
  });

  test('filters nested without end are a 400, not a crash', async () => {
    let filters: Record<string, unknown> = { title: 'x' };
    for (let i = 0; i < 2000; i++) filters = { $and: [filters] };
    const res = await exportAs(superToken, { contentType: ARTICLE, filters });
    expect(res.status).toBe(400);
    expect((await app.http().get(`${BASE}/tasks`).set(auth(superToken))).status).toBe(200);
  });
});

describe('locale-limited (articles in French only)', () => {
  let token: string;
  let id: number;
  beforeAll(async () => {
    const fields = await allFields(ARTICLE);
    ({ token, id } = await createRoleUser('French', [
      ...['read', 'create', 'update'].map((a) => cm(a as 'read', ARTICLE, { fields, locales: ['fr'] })),
      cm('publish', ARTICLE, { locales: ['fr'] }),
    ]));
  });

  test('locale all exports the French entries only', async () => {
    const { text } = await exportFile(app, token, { contentType: ARTICLE, format: 'jsonl', locale: 'all' });
    const items = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(items.map((i) => `${i.documentId}|${i.locale}`).sort()).toEqual(['art000000000000000000001|fr', 'art000000000000000000003|fr']);
  });

  test('an English item is an item error; French items create and update, written by the user', async () => {
    const before = await drafts(ARTICLE);
    const res = await importAs(
      token,
      [
        { documentId: 'art000000000000000000003', locale: 'fr', title: 'Monde modifié' },
        { documentId: 'art000000000000000000002', locale: 'en', title: 'Hijacked' },
        { documentId: 'art000000000000000000002', locale: 'fr', title: 'Monde deux', slug: 'monde-deux' },
        { documentId: 'frn000000000000000000001', locale: 'en', title: 'New English' },
      ],
      { contentType: ARTICLE, onError: 'continue' }
    );
    expect(res.body.data).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, updated: 1, failed: 2 } });
    const report = JSON.parse((await errorReport(app, token, res.body.data.id)).text) as Array<{ itemNumber: number; message: string }>;
    expect(report.map((r) => r.itemNumber)).toEqual([2, 4]);
    expect(report[0].message).toMatch(/may not update this api::article.article entry in locale en/);
    expect(report[1].message).toMatch(/may not create api::article.article entries in locale en/);
    const after = await drafts(ARTICLE);
    const find = (list: typeof after, documentId: string, locale: string) => list.find((r) => r.documentId === documentId && r.locale === locale);
    expect(find(after, 'art000000000000000000002', 'en')?.title).toBe('World');
    expect(find(after, 'frn000000000000000000001', 'en')).toBeUndefined();
    expect(find(after, 'art000000000000000000003', 'fr')).toMatchObject({ title: 'Monde modifié', updatedBy: { id } });
    expect(find(after, 'art000000000000000000002', 'fr')).toMatchObject({ title: 'Monde deux', createdBy: { id }, updatedBy: { id } });
    expect(after.length).toBe(before.length + 1);
  });

  test('in stop mode the first refused item stops the task and nothing is written', async () => {
    const before = await drafts(ARTICLE);
    const res = await importAs(
      token,
      [
        { documentId: 'art000000000000000000003', locale: 'fr', title: 'Changed again' },
        { documentId: 'art000000000000000000001', locale: 'en', title: 'Hijacked' },
      ],
      { contentType: ARTICLE }
    );
    expect(res.body.data.status).toBe('failed');
    expect(res.body.data.error).toMatch(/^Stopped at item 2 \(line 2\), key "[a-z0-9]+": you may not update/);
    expect(await drafts(ARTICLE)).toEqual(before);
  });
});

describe('create without update (contacts)', () => {
  let token: string;
  beforeAll(async () => {
    const fields = await allFields(CONTACT);
    ({ token } = await createRoleUser('Creator only', [cm('read', CONTACT, { fields }), cm('create', CONTACT, { fields })]));
  });

  test('new contacts are created; an existing one is an item error and stays as it was', async () => {
    const before = await rows(CONTACT);
    const res = await importAs(
      token,
      [
        { documentId: 'con000000000000000000001', firstName: 'Changed' },
        { documentId: 'con000000000000000000099', firstName: 'Newbie' },
      ],
      { contentType: CONTACT, onError: 'continue' }
    );
    expect(res.body.data).toMatchObject({ counts: { created: 1, updated: 0, failed: 1 } });
    const after = await rows(CONTACT);
    expect(after.find((r) => r.documentId === 'con000000000000000000001')).toEqual(before.find((r) => r.documentId === 'con000000000000000000001'));
    expect(after.find((r) => r.documentId === 'con000000000000000000099')).toMatchObject({ firstName: 'Newbie' });
  });

  test('overwrite cannot reset what it may not update either', async () => {
    const res = await importAs(token, [{ documentId: 'con000000000000000000002', firstName: 'Bob' }], { contentType: CONTACT, updateStrategy: 'overwrite' });
    expect(res.body.data.status).toBe('failed');
    expect((await rows(CONTACT)).find((r) => r.documentId === 'con000000000000000000002')).toMatchObject({ company: 'Initech', notes: 'none' });
  });
});

describe('update without publish (articles)', () => {
  let token: string;
  beforeAll(async () => {
    const fields = await allFields(ARTICLE);
    ({ token } = await createRoleUser('No publish', ['read', 'create', 'update'].map((a) => cm(a as 'read', ARTICLE, { fields, locales: ['en', 'fr'] }))));
  });

  test('status published is a 403 before any task; drafts import', async () => {
    const before = await rows(ARTICLE);
    const res = await importAs(token, [{ documentId: 'art000000000000000000002', locale: 'en', title: 'Draft change' }], { contentType: ARTICLE, status: 'published' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/publish permission/);
    expect(await rows(ARTICLE)).toEqual(before);
    const draft = await importAs(token, [{ documentId: 'art000000000000000000002', locale: 'en', title: 'Draft change' }], { contentType: ARTICLE });
    expect(draft.body.data).toMatchObject({ status: 'completed', counts: { updated: 1 } });
    const published = (await rows(ARTICLE)).find((r) => r.documentId === 'art000000000000000000002' && r.locale === 'en' && r.publishedAt);
    expect(published?.title).toBe('World');
  });
});

describe('"is creator" (articles: read, create and update only what the user created)', () => {
  let token: string;
  let id: number;
  beforeAll(async () => {
    const fields = await allFields(ARTICLE);
    ({ token, id } = await createRoleUser(
      'Own articles',
      ['read', 'create', 'update'].map((a) => cm(a as 'read', ARTICLE, { fields, locales: ['en', 'fr'] }, [IS_CREATOR]))
    ));
  });

  test('exports nothing of others; its own entries after it created them; updates only its own', async () => {
    const none = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'all' });
    expect(itemsOf(none.text)).toEqual([]);

    const created = await importAs(token, [{ documentId: 'own000000000000000000001', locale: 'en', title: 'Mine', slug: 'mine' }], { contentType: ARTICLE });
    expect(created.body.data).toMatchObject({ status: 'completed', counts: { created: 1 } });
    const mine = await exportFile(app, token, { contentType: ARTICLE, format: 'json', locale: 'all' });
    expect(itemsOf(mine.text).map((i) => i.documentId)).toEqual(['own000000000000000000001']);

    const before = await drafts(ARTICLE);
    const res = await importAs(
      token,
      [
        { documentId: 'own000000000000000000001', locale: 'en', title: 'Mine, edited' },
        { documentId: 'art000000000000000000001', locale: 'en', title: 'Not mine' },
      ],
      { contentType: ARTICLE, onError: 'continue' }
    );
    expect(res.body.data).toMatchObject({ counts: { updated: 1, failed: 1 } });
    const after = await drafts(ARTICLE);
    const of = (list: typeof after, documentId: string) => list.find((r) => r.documentId === documentId && r.locale === 'en');
    expect(of(after, 'own000000000000000000001')).toMatchObject({ title: 'Mine, edited', createdBy: { id } });
    expect(of(after, 'art000000000000000000001')).toEqual(of(before, 'art000000000000000000001'));
    expect(of(after, 'art000000000000000000001')?.createdBy?.id).toBe(superId);
  });

  test('cannot download the super admin\'s export (its read has a condition)', async () => {
    expect((await download(app, token, `${BASE}/tasks/${superArticleExport.id}/file`)).status).toBe(403);
  });
});

describe('matchBy and reference keys the user may not read', () => {
  test('matchBy on a field it may not read is a 400', async () => {
    const { token } = await createRoleUser('Titles', [
      cm('read', ARTICLE, { fields: ['title'], locales: ['en'] }),
      cm('create', ARTICLE, { fields: ['title', 'slug'], locales: ['en'] }),
      cm('update', ARTICLE, { fields: ['title', 'slug'], locales: ['en'] }),
    ]);
    const res = await importAs(token, [{ slug: 'hello', title: 'x' }], { contentType: ARTICLE, matchBy: 'slug' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/matchBy "slug": you may not read/);
  });

  test('a reference by a natural key of a target it may not read is an item error', async () => {
    const { token } = await createRoleUser('Authors without email', [
      cm('read', ARTICLE, { fields: ['title', 'author'], locales: ['en'] }),
      cm('create', ARTICLE, { fields: ['title', 'author'], locales: ['en'] }),
      cm('read', AUTHOR, { fields: ['name'] }),
    ]);
    const res = await importAs(token, [{ title: 'By key', author: { email: 'ada@example.com' } }], { contentType: ARTICLE, onError: 'continue', dryRun: true });
    expect(res.body.data).toMatchObject({ counts: { failed: 1, created: 0 } });
    const report = JSON.parse((await errorReport(app, token, res.body.data.id)).text) as Array<{ message: string }>;
    expect(report[0].message).toMatch(/email/);
  });
});

describe('templates apply the permissions of who runs them, not of who saved them', () => {
  test('an export template saved by the super admin, run by a field-limited user, is refused for the fields it may not read', async () => {
    const saved = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth(superToken))
      .send({ name: 'Articles with summaries', kind: 'export', contentType: ARTICLE, options: { fields: ['title', 'summary'], locale: 'all' } });
    expect(saved.status).toBe(201);
    const { token } = await createRoleUser('Template runner', [cm('read', ARTICLE, { fields: ['title', 'slug'], locales: ['en'] })]);
    const res = await exportAs(token, { templateId: saved.body.data.id });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/"summary": you may not read/);
    // Without the fields option of the template, its own default (every readable field) applies.
    const plain = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth(superToken))
      .send({ name: 'All articles', kind: 'export', contentType: ARTICLE, options: { format: 'json', locale: 'all' } });
    const ran = await exportAs(token, { templateId: plain.body.data.id });
    expect(ran.status).toBe(200);
    const file = await download(app, token, `${BASE}/tasks/${ran.body.data.id}/file`);
    const items = itemsOf(file.text);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.locale).toBe('en');
      expect(Object.keys(item).sort()).toEqual(['documentId', 'locale', 'slug', 'title']);
    }
  });

  test('an import template that publishes, run by a user without publish, is a 403', async () => {
    const saved = await app
      .http()
      .post(`${BASE}/templates`)
      .set(auth(superToken))
      .send({ name: 'Publish articles', kind: 'import', contentType: ARTICLE, options: { status: 'published' } });
    expect(saved.status).toBe(201);
    const fields = await allFields(ARTICLE);
    const { token } = await createRoleUser('Template drafter', ['read', 'create', 'update'].map((a) => cm(a as 'read', ARTICLE, { fields, locales: ['en', 'fr'] })));
    const res = await importAs(token, [{ title: 'x' }], { templateId: saved.body.data.id });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/publish permission/);
  });
});

describe('who runs a task', () => {
  test('a task runs with its creator\'s permissions as they are when it runs: a deactivated creator\'s task fails', async () => {
    const { id } = await createAdminUser(app, [...PLUGIN_ACTIONS, cm('read', CONTACT, { fields: ['firstName'] })]);
    await app.strapi.db.query('admin::user').update({ where: { id }, data: { isActive: false } });
    const plugin = app.strapi.plugin('data-migration-center');
    const row = await plugin.service('tasks').create({
      kind: 'export',
      name: 'Queued before the creator left',
      contentType: CONTACT,
      format: 'json',
      options: { contentType: CONTACT, format: 'json', fields: ['firstName'], relationsAs: 'documentId', includeTimestamps: false },
      fileName: 'contacts.json',
      fileKey: `tasks/permissions-${Date.now()}/contacts.json`,
      creator: { id, firstname: 'Gone' },
    });
    plugin.service('runner').kick();
    const final = await plugin.service('runner').waitFor(row.id);
    expect(final).toMatchObject({ state: 'failed' });
    expect(final.error).toMatch(/no longer active/);
  });
});
