import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, importFile, jsonl, postImport } from '../helpers/tasks';

/**
 * The import engine against a real Strapi: formats, strategies, references, stop/continue, dry run and bad input.
 * Every check reads back through the Document Service, the way Strapi itself sees the data.
 */

let app: TestApp;
let token: string;

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';
const AUTHOR = 'api::author.author';
const CONTACT = 'api::contact.contact';

const docs = (uid: string) => app.strapi.documents(uid as never) as unknown as {
  findMany(p?: Record<string, unknown>): Promise<Array<Record<string, any>>>;
  findFirst(p?: Record<string, unknown>): Promise<Record<string, any> | null>;
  count(p?: Record<string, unknown>): Promise<number>;
};

/** Every row of a table, for before/after comparisons (rollback proof). */
const snapshot = async () => {
  const out: Record<string, unknown[]> = {};
  for (const table of ['articles', 'categories', 'tags', 'authors', 'contacts', 'articles_category_lnk', 'articles_tags_lnk', 'articles_cmps', 'components_shared_seos']) {
    out[table] = await app.strapi.db.connection(table).select('*').orderBy('id');
  }
  return out;
};

beforeAll(async () => {
  app = await startApp({ env: { DMC_MAX_FILE_SIZE: String(1024 * 1024) } });
  token = await registerSuperAdmin(app);

  await importFile(app, token, {
    fileName: 'categories.jsonl',
    content: jsonl([
      { name: 'News', slug: 'news', description: 'What happened' },
      { name: 'Tech', slug: 'tech' },
    ]),
    options: { contentType: CATEGORY, matchBy: 'slug' },
  });
  await importFile(app, token, {
    fileName: 'tags.json',
    content: JSON.stringify([{ name: 'strapi' }, { name: 'csv' }, { name: 'json' }]),
    options: { contentType: TAG, matchBy: 'name' },
  });
  await importFile(app, token, {
    fileName: 'authors.jsonl',
    content: jsonl([{ name: 'Ada', email: 'ada@example.com', bio: '**Ada**' }]),
    options: { contentType: AUTHOR, matchBy: 'email' },
  });
});

afterAll(async () => {
  await app?.stop();
});

describe('formats and references', () => {
  test('JSONL: relations by natural key, components, dynamic zone, self relations later in the file, published', async () => {
    const task = await importFile(app, token, {
      fileName: 'articles.jsonl',
      content: jsonl([
        {
          title: 'First',
          slug: 'first',
          body: [{ type: 'paragraph', children: [{ type: 'text', text: 'Hello' }] }],
          views: 10,
          rating: 4.5,
          price: 9.99,
          bigViews: '1234567890123',
          featured: true,
          publishDate: '2026-01-02',
          reviewTime: '10:30:00.000',
          lastReviewedAt: '2026-03-04T05:06:07.000Z',
          kind: 'review',
          metadata: { a: [1, 2] },
          category: { slug: 'news' },
          author: { email: 'ada@example.com' },
          tags: [{ name: 'strapi' }, { name: 'csv' }],
          related: [{ slug: 'second' }],
          seo: { metaTitle: 'First!', noIndex: true, keywords: ['x'] },
          sections: [
            { __component: 'sections.text-block', heading: 'H', body: 'text' },
            { __component: 'sections.quote', text: 'Q', attribution: 'me' },
          ],
        },
        { title: 'Second', slug: 'second', category: { slug: 'tech' }, related: [{ slug: 'first' }] },
      ]),
      options: { contentType: ARTICLE, matchBy: 'slug', status: 'published' },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { total: 2, processed: 2, created: 2, updated: 0, failed: 0 }, hasErrorReport: false });

    const populate = ['category', 'author', 'tags', 'related', 'seo', 'sections'];
    const first = await docs(ARTICLE).findFirst({ filters: { slug: 'first' }, populate, status: 'published' });
    expect(first).toMatchObject({
      title: 'First',
      views: 10,
      rating: 4.5,
      featured: true,
      bigViews: '1234567890123',
      kind: 'review',
      metadata: { a: [1, 2] },
      category: { slug: 'news' },
      author: { email: 'ada@example.com' },
      seo: { metaTitle: 'First!', noIndex: true, keywords: ['x'] },
      locale: 'en',
    });
    expect(first!.tags.map((t: { name: string }) => t.name).sort()).toEqual(['csv', 'strapi']);
    expect(first!.related.map((r: { slug: string }) => r.slug)).toEqual(['second']);
    expect(first!.sections.map((s: { __component: string }) => s.__component)).toEqual(['sections.text-block', 'sections.quote']);
    // Published writes the draft too, exactly as the Document Service does.
    const draft = await docs(ARTICLE).findFirst({ filters: { slug: 'first' }, populate: ['related'], status: 'draft' });
    expect(draft).toMatchObject({ title: 'First', publishedAt: null });
    expect(draft!.related.map((r: { slug: string }) => r.slug)).toEqual(['second']);
    const second = await docs(ARTICLE).findFirst({ filters: { slug: 'second' }, populate: ['related'] });
    expect(second!.related.map((r: { slug: string }) => r.slug)).toEqual(['first']);
  });

  test('JSON with documentIds keeps them, and a second locale joins the same document', async () => {
    const documentId = 'importedarticle000000001';
    const task = await importFile(app, token, {
      fileName: 'articles.json',
      content: JSON.stringify([
        { documentId, locale: 'en', title: 'Kept id', slug: 'kept-id' },
        { documentId, locale: 'fr', title: 'Id gardé', slug: 'id-garde' },
      ]),
      options: { contentType: ARTICLE },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    const fr = await docs(ARTICLE).findFirst({ filters: { documentId }, locale: 'fr' });
    expect(fr).toMatchObject({ documentId, title: 'Id gardé', locale: 'fr', publishedAt: null });
    expect(await docs(ARTICLE).findFirst({ filters: { documentId }, locale: 'en' })).toMatchObject({ title: 'Kept id' });
  });

  test('JSONT with Liferay keys, configuration after the items', async () => {
    const task = await importFile(app, token, {
      fileName: 'contacts.batch-engine-data.json',
      content: JSON.stringify({
        items: [
          { firstName: 'Marta', zip: '08123', notes: '' },
          { firstName: 'Jean', zip: '75002', notes: null },
        ],
        configuration: {
          className: CONTACT,
          parameters: { createStrategy: 'INSERT', importStrategy: 'ON_ERROR_CONTINUE', updateStrategy: 'UPDATE' },
        },
      }),
    });
    expect(task).toMatchObject({ status: 'completed', contentType: CONTACT, format: 'jsont', options: { importStrategy: 'add-only', onError: 'continue', updateStrategy: 'overwrite' } });
    const marta = await docs(CONTACT).findFirst({ filters: { firstName: 'Marta' } });
    expect(marta).toMatchObject({ zip: '08123', notes: '' });
    const jean = await docs(CONTACT).findFirst({ filters: { firstName: 'Jean' } });
    expect(jean!.notes).toBeNull();
  });

  test('CSV: typed cells, component dot paths, JSON cells, null and empty string apart, field mapping', async () => {
    const csv = [
      'Title,slug,views,featured,seo.metaTitle,tags,category,Junk',
      'From CSV,from-csv,42,true,Meta,"[{""name"":""json""}]","{""slug"":""news""}",ignored',
      'Empty summary,empty-summary,,false,,[],,x',
    ].join('\r\n');
    const task = await importFile(app, token, {
      fileName: 'articles.csv',
      content: csv,
      options: { contentType: ARTICLE, matchBy: 'slug', fieldMapping: { Title: 'title', Junk: null } },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    const fromCsv = await docs(ARTICLE).findFirst({ filters: { slug: 'from-csv' }, populate: ['tags', 'seo', 'category'] });
    expect(fromCsv).toMatchObject({ title: 'From CSV', views: 42, featured: true, seo: { metaTitle: 'Meta' }, category: { slug: 'news' } });
    expect(fromCsv!.tags.map((t: { name: string }) => t.name)).toEqual(['json']);
    const empty = await docs(ARTICLE).findFirst({ filters: { slug: 'empty-summary' }, populate: ['seo'] });
    expect(empty).toMatchObject({ views: null, featured: false, seo: null });
  });
});

describe('strategies', () => {
  test('add-only refuses an existing entry; upsert patch changes only the fields present', async () => {
    const addOnly = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ name: 'News again', slug: 'news' }, { name: 'Sport', slug: 'sport' }]),
      options: { contentType: CATEGORY, matchBy: 'slug', importStrategy: 'add-only', onError: 'continue' },
    });
    expect(addOnly).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, failed: 1 } });
    const rows = JSON.parse((await errorReport(app, token, addOnly.id)).text);
    expect(rows).toEqual([expect.objectContaining({ itemNumber: 1, line: 1, key: 'news', stage: 'write', message: expect.stringMatching(/already exists/) })]);

    const patch = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ slug: 'news', name: 'News (patched)' }]),
      options: { contentType: CATEGORY, matchBy: 'slug' },
    });
    expect(patch).toMatchObject({ status: 'completed', counts: { updated: 1, created: 0 } });
    expect(await docs(CATEGORY).findFirst({ filters: { slug: 'news' } })).toMatchObject({ name: 'News (patched)', description: 'What happened' });
  });

  test('skip-existing leaves an existing entry as it is and counts it skipped, not failed; a key repeated in the file too', async () => {
    const before = await docs(CATEGORY).findFirst({ filters: { slug: 'news' } });
    for (const onError of ['stop', 'continue'] as const) {
      const slug = `skipped-new-${onError}`;
      const task = await importFile(app, token, {
        fileName: 'c.jsonl',
        content: jsonl([{ name: 'News, changed', slug: 'news' }, { name: 'New', slug }, { name: 'New again', slug }]),
        options: { contentType: CATEGORY, matchBy: 'slug', importStrategy: 'skip-existing', onError },
      });
      expect(task).toMatchObject({ status: 'completed', hasErrorReport: false, counts: { processed: 3, created: 1, updated: 0, skipped: 2, failed: 0 } });
      expect(await docs(CATEGORY).findFirst({ filters: { slug } })).toMatchObject({ name: 'New' });
    }
    expect(await docs(CATEGORY).findFirst({ filters: { slug: 'news' } })).toMatchObject({ name: before?.name, updatedAt: before?.updatedAt });
  });

  test('overwrite resets absent attributes and clears absent relations', async () => {
    const task = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl([{ slug: 'first', title: 'First, overwritten' }]),
      options: { contentType: ARTICLE, matchBy: 'slug', updateStrategy: 'overwrite' },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { updated: 1 } });
    const first = await docs(ARTICLE).findFirst({ filters: { slug: 'first' }, populate: ['category', 'tags', 'seo', 'sections'], status: 'draft' });
    expect(first).toMatchObject({ title: 'First, overwritten', views: null, featured: false, kind: 'news', category: null, seo: null, tags: [], sections: [] });
  });
});

describe('on error', () => {
  test('stop: the first failing item fails the task and nothing of it stays written', async () => {
    const before = await snapshot();
    const task = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl([
        { title: 'Would land', slug: 'would-land', tags: [{ name: 'strapi' }], seo: { metaTitle: 'x' } },
        { slug: 'news', name: 'Renamed' },
        { title: 'Bad', slug: 'bad', category: { slug: 'missing' } },
        { title: 'After', slug: 'after' },
      ]).replace('{"slug":"news","name":"Renamed"}', '{"title":"Updated first","slug":"first"}'),
      options: { contentType: ARTICLE, matchBy: 'slug', onError: 'stop' },
    });
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/item 3 \(line 3\), key "bad": category: no api::category.category matches \{"slug":"missing"\}/);
    expect(task.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(await snapshot()).toEqual(before);
    expect(task.hasErrorReport).toBe(true);
  });

  test('continue: N bad items of M leave M − N landed and N report rows, CSV-injection safe', async () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ firstName: `Person ${i}`, zip: String(10000 + i) }));
    items[3] = { firstName: '=HYPERLINK("http://evil")', zip: 12 } as never; // zip must be text
    items[7] = { firstName: 'Unknown field', phone: '1', nickname: 'x' } as never;
    const before = await docs(CONTACT).count();
    const task = await importFile(app, token, {
      fileName: 'contacts.jsonl',
      content: jsonl(items),
      options: { contentType: CONTACT, onError: 'continue' },
    });
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { processed: 10, created: 8, failed: 2 } });
    expect(await docs(CONTACT).count()).toBe(before + 8);
    const json = JSON.parse((await errorReport(app, token, task.id)).text);
    expect(json.map((r: { itemNumber: number; line: number }) => [r.itemNumber, r.line])).toEqual([[4, 4], [8, 8]]);
    expect(json[0].message).toMatch(/^zip: expected text/);
    expect(json[1].message).toMatch(/nickname: unknown field/);
    expect(json.map((r: { stage: string; field: string }) => [r.stage, r.field])).toEqual([['map', 'zip'], ['map', 'nickname']]);
    const csv = await errorReport(app, token, task.id, 'csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="contacts-errors.csv"/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('itemNumber,line,key,stage,field,message,item');
    expect(lines).toHaveLength(3);
    expect(csv.text).not.toMatch(/,=HYPERLINK/);
    expect(csv.text).toMatch(/HYPERLINK/);
  });

  test('dry run: counts what would happen, writes nothing', async () => {
    const before = await snapshot();
    const task = await importFile(app, token, {
      fileName: 'c.jsonl',
      content: jsonl([{ name: 'Dry', slug: 'dry' }, { name: 'News dry', slug: 'news' }, { slug: 'x', name: 5 }]),
      options: { contentType: CATEGORY, matchBy: 'slug', onError: 'continue', dryRun: true },
    });
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 1, updated: 1, failed: 1 } });
    expect(await snapshot()).toEqual(before);
    // A dry run is a preview: left out of the task list unless asked for.
    const listed = await app.http().get(`${BASE}/tasks?kind=import&pageSize=100`).set('Authorization', `Bearer ${token}`);
    expect(listed.body.data.map((t: { id: number }) => t.id)).not.toContain(task.id);
    const dryRuns = await app.http().get(`${BASE}/tasks?dryRun=true`).set('Authorization', `Bearer ${token}`);
    expect(dryRuns.body.data.map((t: { id: number }) => t.id)).toContain(task.id);
  });
});

describe('bad input', () => {
  const expect400 = async (request: Parameters<typeof postImport>[2], pattern: RegExp) => {
    const tasksBefore = await app.strapi.db.query('plugin::data-migration-center.task').count();
    const res = await postImport(app, token, request);
    expect({ status: res.status, message: res.body.error?.message }).toEqual({ status: 400, message: expect.stringMatching(pattern) });
    expect(await app.strapi.db.query('plugin::data-migration-center.task').count()).toBe(tasksBefore);
  };

  test('400 before any task: no file, empty file, unknown type, matchBy not unique, wrong format, bad options', async () => {
    const noFile = await app.http().post(`${BASE}/import-tasks`).set('Authorization', `Bearer ${token}`).field('options', '{}');
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.message).toMatch(/file is required/);
    await expect400({ fileName: 'x.jsonl', content: '', options: { contentType: TAG } }, /empty/);
    await expect400({ fileName: 'x.jsonl', content: '  \n\n ', options: { contentType: TAG } }, /empty/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: 'api::nope.nope' } }, /Unknown content type "api::nope.nope"/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: 'admin::user' } }, /Unknown content type/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: ARTICLE, matchBy: 'title' } }, /matchBy "title" is not a unique attribute/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n' }, /contentType is required/);
    await expect400({ fileName: 'x.json', content: 'name,slug\na,b\n', options: { contentType: TAG } }, /does not look like JSON/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: TAG, importStrategy: 'merge' } }, /importStrategy must be one of/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: TAG, surprise: 1 } }, /unspecified keys: surprise/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: ARTICLE, locale: 'de' } }, /Unknown locale "de"/);
    await expect400({ fileName: 'x.jsonl', content: '{"name":"a"}\n', options: { contentType: TAG, fieldMapping: { a: 'nothing' } } }, /not an attribute of api::tag.tag/);
    const badJson = await app.http().post(`${BASE}/import-tasks`).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from('{}'), 'x.json').field('options', '{not json');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toMatch(/options is not valid JSON/);
  });

  test('a JSONT file from a newer format version is refused, naming both versions', async () => {
    await expect400(
      { fileName: 'tags.jsont', content: JSON.stringify({ configuration: { formatVersion: 2, contentType: TAG }, items: [{ name: 'x' }] }) },
      /format version 2; this version of the plugin reads format versions up to 1/
    );
    // JSON exports carry it at the top: { "formatVersion", "items" }.
    await expect400(
      { fileName: 'tags.json', content: JSON.stringify({ formatVersion: 3, items: [{ name: 'x' }] }), options: { contentType: TAG } },
      /format version 3; this version of the plugin reads format versions up to 1/
    );
    await expect400(
      { fileName: 'tags.json', content: JSON.stringify({ formatVersion: 'one', items: [] }), options: { contentType: TAG } },
      /Invalid formatVersion "one": expected a positive integer/
    );
  });

  test('JSON: a bare array (other systems) and a JSON export ({ formatVersion, items }) both import', async () => {
    const bare = await importFile(app, token, { fileName: 'bare.json', content: JSON.stringify([{ name: 'bare-1' }]), options: { contentType: TAG } });
    expect(bare).toMatchObject({ status: 'completed', format: 'json', counts: { created: 1 } });
    const exported = await importFile(app, token, {
      fileName: 'export.json',
      content: JSON.stringify({ formatVersion: 1, items: [{ name: 'enveloped-1' }, { name: 'enveloped-2' }] }, null, 2),
      options: { contentType: TAG },
    });
    expect(exported).toMatchObject({ status: 'completed', format: 'json', counts: { created: 2 } });
    // A configuration makes it JSONT, even in a .json file and after more items than the first 64 KB show.
    const items = Array.from({ length: 3000 }, (_, i) => ({ name: `late-configuration-${i}` }));
    const liferay = await importFile(app, token, {
      fileName: 'seed.json',
      content: JSON.stringify({ items, configuration: { className: TAG, parameters: { createStrategy: 'INSERT' } } }),
    });
    expect(liferay).toMatchObject({ status: 'completed', format: 'jsont', contentType: TAG, options: { importStrategy: 'add-only' }, counts: { created: 3000 } });
    // With the format option json: refused, whether the configuration shows in the first bytes or only later.
    await expect400(
      { fileName: 'seed.json', content: JSON.stringify({ items: [], configuration: { className: TAG } }), options: { format: 'json' } },
      /"seed.json" does not look like JSON \(the format option\)/
    );
    await expect400(
      { fileName: 'seed.json', content: JSON.stringify({ items, configuration: { className: TAG } }), options: { format: 'json' } },
      /"seed.json" has a JSONT configuration: import it with the format jsont/
    );
  });

  test('413 past the upload limit, naming it', async () => {
    const res = await postImport(app, token, { fileName: 'big.jsonl', content: Buffer.alloc(1100 * 1024, 'a'), options: { contentType: TAG } });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/limit is 1\.0 MiB \(1048576 bytes/);
  });

  test('a JSON syntax error fails the task naming line and column, and writes nothing', async () => {
    const before = await snapshot();
    const task = await importFile(app, token, {
      fileName: 'tags.json',
      content: '[\n  {"name": "ok-1"},\n  {"name": "ok-2",,}\n]',
      options: { contentType: TAG, matchBy: 'name', onError: 'continue' },
    });
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/line 3/);
    expect(task.error).toMatch(/column/);
    expect(await snapshot()).toEqual(before);
  });

  test('continue: a malformed JSONL line is one failed item, the rest lands', async () => {
    const task = await importFile(app, token, {
      fileName: 'tags.jsonl',
      content: '{"name":"line-1"}\n{"name": broken\n\n{"name":"line-4"}\n',
      options: { contentType: TAG, matchBy: 'name', onError: 'continue' },
    });
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { created: 2, failed: 1 } });
    const rows = JSON.parse((await errorReport(app, token, task.id)).text);
    expect(rows).toEqual([expect.objectContaining({ itemNumber: 2, line: 2, stage: 'read', message: expect.stringMatching(/line 2, column/i) })]);
  });

  test('hostile keys, system fields, private fields and wrong types are item errors naming the field', async () => {
    const content = [
      '{"name":"p1","__proto__":{"polluted":true}}',
      '{"name":"p2","constructor":{"x":1}}',
      '{"name":"p3","id":5}',
      '{"name":7}',
    ].join('\n');
    const task = await importFile(app, token, { fileName: 'tags.jsonl', content, options: { contentType: TAG, onError: 'continue' } });
    expect(task).toMatchObject({ counts: { created: 0, failed: 4 } });
    const messages = JSON.parse((await errorReport(app, token, task.id)).text).map((r: { message: string }) => r.message);
    expect(messages[0]).toMatch(/__proto__/);
    expect(messages[1]).toMatch(/constructor/);
    expect(messages[2]).toMatch(/id: "id" is a system field/);
    expect(messages[3]).toMatch(/name: expected text, got number 7/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const secret = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl([{ title: 'Secret', slug: 'secret', secretNote: 'x' }]),
      options: { contentType: ARTICLE, onError: 'continue' },
    });
    const [row] = JSON.parse((await errorReport(app, token, secret.id)).text);
    expect(row.message).toMatch(/secretNote: "secretNote" is a private attribute/);
  });

  test("Strapi's own rules: required, max length, min/max, unique, email", async () => {
    const articles = await importFile(app, token, {
      fileName: 'rules.jsonl',
      content: jsonl([
        { slug: 'no-title' },
        { title: 'x'.repeat(201), slug: 'too-long' },
        { title: 'Too good', slug: 'too-good', rating: 6 },
        { title: 'Fine', slug: 'rules-fine' },
      ]),
      options: { contentType: ARTICLE, onError: 'continue', status: 'published' },
    });
    // Published: every rule applies (a draft may leave required fields empty, as in the Content Manager).
    expect(articles).toMatchObject({ counts: { created: 1, failed: 3 } });
    const messages = JSON.parse((await errorReport(app, token, articles.id)).text).map((r: { message: string }) => r.message);
    expect(messages[0]).toMatch(/title/);
    expect(messages[0]).toMatch(/^title: /); // Strapi's words: "title must be a `string` type, but the final value was: `null`"
    expect(messages[1]).toMatch(/^title: .*at most 200 characters/);
    expect(messages[2]).toMatch(/^rating: .*(less than or equal to 5|at most 5)/);
    const draft = await importFile(app, token, { fileName: 'draft.jsonl', content: jsonl([{ slug: 'draft-no-title' }]), options: { contentType: ARTICLE } });
    expect(draft).toMatchObject({ status: 'completed', counts: { created: 1 } });

    // Unique attributes other than the match key: a tag name already used, an author email already used.
    const tags = await importFile(app, token, {
      fileName: 'tags.jsonl',
      content: jsonl([{ name: 'strapi' }, { name: 'unique-new' }]),
      options: { contentType: TAG, matchBy: 'documentId', onError: 'continue' },
    });
    expect(tags).toMatchObject({ counts: { created: 1, failed: 1 } });
    const [tagRow] = JSON.parse((await errorReport(app, token, tags.id)).text);
    expect(tagRow).toMatchObject({ itemNumber: 1, message: expect.stringMatching(/^name: .*unique/i) });

    const authors = await importFile(app, token, {
      fileName: 'authors.jsonl',
      content: jsonl([{ name: 'Copy', email: 'ada@example.com' }, { name: 'Bad email', email: 'not-an-email' }]),
      options: { contentType: AUTHOR, matchBy: 'documentId', onError: 'continue' },
    });
    expect(authors).toMatchObject({ counts: { created: 0, failed: 2 } });
    const authorMessages = JSON.parse((await errorReport(app, token, authors.id)).text).map((r: { message: string }) => r.message);
    expect(authorMessages[0]).toMatch(/^email: .*unique/i);
    expect(authorMessages[1]).toMatch(/^email: .*email/i);
  });

  test('a numeric id as a reference is refused: it differs between databases', async () => {
    const task = await importFile(app, token, {
      fileName: 'a.jsonl',
      content: jsonl([{ title: 'Numeric', slug: 'numeric', category: 1 }]),
      options: { contentType: ARTICLE, onError: 'continue' },
    });
    const [row] = JSON.parse((await errorReport(app, token, task.id)).text);
    expect(row.message).toMatch(/category: 1 is a numeric id/);
  });
});

describe('the import wizard reads a file head (POST /file-heads)', () => {
  const readHead = (body: unknown) =>
    app.http().post(`${BASE}/file-heads`).set('Authorization', `Bearer ${token}`).send(body as object);

  test('as the import reads it: a JSONT configuration, CSV columns, a cut last line left out', async () => {
    const jsont = JSON.stringify({ configuration: { contentType: TAG, onError: 'continue' }, items: [{ name: 'red' }, { name: 'blue', slug: 'b' }] });
    const res = await readHead({ fileName: 'tags.jsont', head: jsont, complete: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      format: 'jsont',
      fields: ['name', 'slug'],
      samples: { name: 'red', slug: 'b' },
      itemCount: 2,
      configuration: { contentType: TAG, onError: 'continue' },
      error: null,
    });

    const csv = await readHead({ fileName: 'people.csv', head: 'first\tlast;x,y\nAda,1\nAl', complete: false });
    expect(csv.body.data).toMatchObject({ format: 'csv', fields: ['first\tlast;x', 'y'], itemCount: 1, error: null });

    const broken = await readHead({ fileName: 'items.jsonl', head: '{"a":1}\n{"b":\n{"c":3}\n', complete: true });
    expect(broken.body.data).toMatchObject({ format: 'jsonl', error: 'item', fields: ['a', 'c'], message: expect.stringMatching(/^Line 2, column/) });
  });

  test('400 for a body that is not a file head, naming the field', async () => {
    const tooLong = await readHead({ fileName: 'a.json', head: 'x'.repeat(64 * 1024 + 1), complete: false });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain('head must be at most 65536 characters');
    const missing = await readHead({ fileName: 'a.json', head: '[]' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('complete is required');
    const extra = await readHead({ fileName: 'a.json', head: '[]', complete: true, path: '/etc/passwd' });
    expect(extra.status).toBe(400);
  });
});

describe('tasks', () => {
  test('without ?wait the task is queued and finishes in the background; downloads', async () => {
    const res = await postImport(app, token, { fileName: 'bg.jsonl', content: jsonl([{ name: 'bg-1' }, { name: 'bg-2' }]), options: { contentType: TAG }, wait: false });
    expect(res.status).toBe(202);
    expect(['queued', 'running', 'completed']).toContain(res.body.data.status);
    let task = res.body.data;
    for (let i = 0; i < 100 && !['completed', 'failed'].includes(task.status); i++) {
      await new Promise((r) => setTimeout(r, 100));
      task = (await app.http().get(`${BASE}/tasks/${task.id}`).set('Authorization', `Bearer ${token}`)).body.data;
    }
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2 } });
    const file = await app.http().get(`${BASE}/tasks/${task.id}/file`).set('Authorization', `Bearer ${token}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/filename="bg.jsonl"/);
    expect((await errorReport(app, token, task.id)).status).toBe(404);
  });

  test('cancel: a running import stops; in continue mode the batches already written stay', async () => {
    const before = await docs(CONTACT).count();
    const items = Array.from({ length: 10000 }, (_, i) => ({ firstName: `Cancel ${i}`, zip: String(i) }));
    const res = await postImport(app, token, { fileName: 'many.jsonl', content: jsonl(items), options: { contentType: CONTACT, onError: 'continue' }, wait: false });
    expect(res.status).toBe(202);
    const id = res.body.data.id;
    let task = res.body.data;
    for (let i = 0; i < 200 && !(task.status === 'running' && task.counts.processed > 0); i++) {
      await new Promise((r) => setTimeout(r, 25));
      task = (await app.http().get(`${BASE}/tasks/${id}`).set('Authorization', `Bearer ${token}`)).body.data;
    }
    expect(task.status).toBe('running');
    const t0 = Date.now();
    const cancelled = await app.http().post(`${BASE}/tasks/${id}/cancel`).set('Authorization', `Bearer ${token}`);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled' });
    expect(cancelled.body.data.counts.processed).toBeLessThan(10000);
    // continue mode commits batch by batch: what was written before the cancel stays, nothing after it.
    const landed = await docs(CONTACT).count();
    expect(landed - before).toBe(cancelled.body.data.counts.created);
    expect(landed - before).toBeLessThan(10000);
  });

  test('cancel: a running stop-mode import rolls back entirely', async () => {
    const before = await docs(TAG).count();
    const items = Array.from({ length: 3000 }, (_, i) => ({ name: `cancel-tag-${i}` }));
    const res = await postImport(app, token, { fileName: 'tags.jsonl', content: jsonl(items), options: { contentType: TAG, onError: 'stop' }, wait: false });
    await new Promise((r) => setTimeout(r, 500));
    const cancelled = await app.http().post(`${BASE}/tasks/${res.body.data.id}/cancel`).set('Authorization', `Bearer ${token}`);
    if (cancelled.status === 200) {
      expect(cancelled.body.data.status).toBe('cancelled');
      expect(await docs(TAG).count()).toBe(before);
    } else {
      // The import won the race and finished first: then every item landed, none half.
      expect(cancelled.status).toBe(409);
      expect(await docs(TAG).count()).toBe(before + 3000);
    }
  });
});
