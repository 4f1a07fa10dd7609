import type { Core } from '@strapi/strapi';
import { cm, createAdmin, PLUGIN_ACTIONS, registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, errorReport, exportFile, untilEnded } from '../helpers/tasks';
import type { Task } from '../../shared/contracts';

/**
 * Migrating entries in place (issue 20): POST /migration-tasks imports the entries of a content type (a snapshot
 * taken when the task starts) into the same or another type, with the import's mapping, strategies, stop or continue,
 * dry run and error report. On the playground's demo content.
 */

const ARTICLE = 'api::article.article';
const AUTHOR = 'api::author.author';
const CONTACT = 'api::contact.contact';
const TAG = 'api::tag.tag';

let app: TestApp;
let strapi: Core.Strapi;
let token: string;

beforeAll(async () => {
  app = await startApp({ env: { DMC_SEED: 'true' } });
  strapi = app.strapi;
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

const migrate = (body: unknown, as = token) => app.http().post(`${BASE}/migration-tasks`).set('Authorization', `Bearer ${as}`).send(body as object);

const migrated = async (body: unknown): Promise<Task> => {
  const res = await migrate(body);
  if (res.status >= 300) throw new Error(`POST /migration-tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
  const task = await untilEnded(app, token, (res.body.data as Task).id);
  if (process.env.DEBUG_MIGRATIONS) console.log(JSON.stringify(task), JSON.stringify((await errorReport(app, token, task.id)).text));
  return task;
};

const taskCount = async () => (await strapi.db.query('plugin::data-migration-center.task').count()) as number;

describe('migrate in place', () => {
  test('into the same type: a field copied into another, only on the entries the filters select', async () => {
    const before = await strapi.db.query(CONTACT).findMany({ orderBy: { id: 'asc' } });
    const task = await migrated({
      source: { contentType: CONTACT, filters: { city: { $in: ['Paris', 'Milano'] } }, fields: ['company'] },
      fieldMapping: { company: 'notes' },
    });
    expect(task).toMatchObject({ status: 'completed', kind: 'import', contentType: CONTACT, counts: { processed: 2, created: 0, updated: 2, failed: 0 } });
    expect(task.name).toBe('Migrate Contact to Contact');
    const after = await strapi.db.query(CONTACT).findMany({ orderBy: { id: 'asc' } });
    expect(after).toHaveLength(before.length);
    for (const [i, row] of after.entries()) {
      const selected = ['Paris', 'Milano'].includes(before[i].city as string);
      expect(row.notes).toBe(selected ? before[i].company : before[i].notes);
      expect(row.company).toBe(before[i].company); // mapped away: patch leaves it
    }
  });

  test('a text field turned into a relation (authors by email), on every locale version', async () => {
    const articles = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: ['article-2', 'article-2-fr', 'article-5'] }, publishedAt: null } });
    expect(articles).toHaveLength(3);
    for (const article of articles) {
      await strapi.db.query(ARTICLE).update({ where: { id: article.id }, data: { summary: 'hedy@example.com' } });
    }
    const task = await migrated({
      source: { contentType: ARTICLE, filters: { slug: { $in: ['article-2', 'article-2-fr', 'article-5'] } }, fields: ['summary'] },
      fieldMapping: { summary: 'author.email' },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { processed: 3, updated: 3, failed: 0 } });
    const hedy = await strapi.db.query(AUTHOR).findOne({ where: { email: 'hedy@example.com' } });
    const drafts = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: ['article-2', 'article-2-fr', 'article-5'] }, publishedAt: null }, populate: ['author'] });
    expect(drafts.map((a: { author: { documentId: string } | null }) => a.author?.documentId)).toEqual([hedy.documentId, hedy.documentId, hedy.documentId]);
  });

  test("authors' names in a text field become the author relation (a JSONata transform finds each author's email)", async () => {
    const drafts = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: ['article-9', 'article-10'] }, publishedAt: null }, orderBy: { slug: 'asc' } });
    expect(drafts).toHaveLength(2);
    await strapi.db.query(ARTICLE).update({ where: { id: drafts[0].id }, data: { summary: 'Grace Hopper' } });
    await strapi.db.query(ARTICLE).update({ where: { id: drafts[1].id }, data: { summary: 'Alan Turing' } });
    const task = await migrated({
      source: { contentType: ARTICLE, filters: { slug: { $in: ['article-9', 'article-10'] } }, fields: ['summary'] },
      fieldMapping: { summary: { to: 'author.email', transform: '$lowercase($substringBefore($, " ")) & "@example.com"' } },
    });
    expect(task).toMatchObject({ status: 'completed', counts: { processed: 2, updated: 2, failed: 0 } });
    const after = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: ['article-9', 'article-10'] }, publishedAt: null }, populate: ['author'], orderBy: { slug: 'asc' } });
    expect(after.map((article: { slug: string; author: { email: string } }) => [article.slug, article.author.email])).toEqual([
      ['article-10', 'grace@example.com'],
      ['article-9', 'alan@example.com'],
    ]);
  });

  test('undo: reverting a migration gives back the entries exactly (the exports before and after are byte-identical)', async () => {
    const exportAll = async () => {
      const parts: string[] = [];
      for (const options of [
        { contentType: ARTICLE, locale: 'all', status: 'draft' },
        { contentType: ARTICLE, locale: 'all', status: 'published' },
      ]) {
        parts.push((await exportFile(app, token, { ...options, format: 'json', includeTimestamps: true })).text);
      }
      return parts.join('\n----\n');
    };
    const slugs = ['article-11', 'article-12', 'article-12-fr'];
    const drafts = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: slugs }, publishedAt: null } });
    for (const article of drafts) await strapi.db.query(ARTICLE).update({ where: { id: article.id }, data: { summary: 'ada@example.com' } });
    const before = await exportAll();
    const task = await migrated({ source: { contentType: ARTICLE, filters: { slug: { $in: slugs } }, fields: ['summary', 'title'] }, fieldMapping: { summary: 'author.email', title: { to: 'title', transform: '$uppercase($)' } } });
    expect(task).toMatchObject({ status: 'completed', counts: { updated: 3 } });
    expect(await exportAll()).not.toBe(before);
    const res = await app.http().post(`${BASE}/tasks/${task.id}/revert?wait=true`).set('Authorization', `Bearer ${token}`).send({});
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ kind: 'revert', status: 'completed' });
    expect(await exportAll()).toBe(before);
  });

  test('into another type: mapped fields land, the fields the target lacks are left out', async () => {
    const tags = (await strapi.db.query(TAG).count()) as number;
    const task = await migrated({
      source: { contentType: CONTACT, filters: { city: { $in: ['Paris', 'Dublin'] } } },
      contentType: TAG,
      importStrategy: 'add-only',
      fieldMapping: { lastName: 'name' },
    });
    expect(task).toMatchObject({ status: 'completed', contentType: TAG, counts: { processed: 2, created: 2, failed: 0 } });
    expect(task.name).toBe('Migrate Contact to Tag');
    expect(await strapi.db.query(TAG).count()).toBe(tags + 2);
    const created = await strapi.db.query(TAG).findMany({ where: { name: { $in: ['Dupont', "O'Brien"] } }, orderBy: { name: 'asc' } });
    expect(created.map((a: { name: string }) => a.name)).toEqual(['Dupont', "O'Brien"]);
    // New documents of their own, not the contacts' documentIds.
    const contacts = await strapi.db.query(CONTACT).findMany({ where: { city: { $in: ['Paris', 'Dublin'] } } });
    expect(created.map((a: { documentId: string }) => a.documentId)).not.toContain(contacts[0].documentId);
  });

  test('a dry run counts and writes nothing', async () => {
    const before = await strapi.db.query(CONTACT).findMany({ orderBy: { id: 'asc' } });
    const task = await migrated({ source: { contentType: CONTACT }, fieldMapping: { city: 'notes' }, dryRun: true });
    expect(task).toMatchObject({ status: 'completed', options: { dryRun: true }, counts: { processed: before.length, updated: before.length } });
    expect(await strapi.db.query(CONTACT).findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  test('stop: one item that fails leaves every entry as it was, the error report names it', async () => {
    const slugs = ['article-6', 'article-7'];
    const drafts = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: slugs }, publishedAt: null }, orderBy: { slug: 'asc' } });
    await strapi.db.query(ARTICLE).update({ where: { id: drafts[0].id }, data: { summary: 'ada@example.com' } });
    await strapi.db.query(ARTICLE).update({ where: { id: drafts[1].id }, data: { summary: 'nobody@example.com' } });
    const before = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: slugs } }, populate: ['author'], orderBy: { id: 'asc' } });
    const task = await migrated({ source: { contentType: ARTICLE, filters: { slug: { $in: slugs } }, fields: ['summary'] }, fieldMapping: { summary: 'author.email' } });
    expect(task.status).toBe('failed');
    const after = await strapi.db.query(ARTICLE).findMany({ where: { slug: { $in: slugs } }, populate: ['author'], orderBy: { id: 'asc' } });
    expect(after).toEqual(before);
    const report = await errorReport(app, token, task.id);
    expect(report.text).toContain('nobody@example.com');
  });

  test('continue: the items that pass are written, the others reported', async () => {
    const task = await migrated({
      source: { contentType: ARTICLE, filters: { slug: { $in: ['article-6', 'article-7'] } }, fields: ['summary'] },
      fieldMapping: { summary: 'author.email' },
      onError: 'continue',
    });
    expect(task).toMatchObject({ status: 'completed-with-errors', counts: { processed: 2, updated: 1, failed: 1 } });
    const ada = await strapi.db.query(AUTHOR).findOne({ where: { email: 'ada@example.com' } });
    const six = await strapi.db.query(ARTICLE).findOne({ where: { slug: 'article-6', publishedAt: null }, populate: ['author'] });
    expect(six.author.documentId).toBe(ada.documentId);
  });

  test("the snapshot is the task's file, downloadable", async () => {
    const task = await migrated({ source: { contentType: CONTACT, filters: { city: 'Oslo' } }, dryRun: true });
    const res = await app.http().get(`${BASE}/tasks/${task.id}/file`).set('Authorization', `Bearer ${token}`).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (chunk: Buffer) => (text += chunk.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    const lines = (res.body as string).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ firstName: 'Ola', city: 'Oslo' });
  });

  test('refusals: 400s naming the option, before any task exists', async () => {
    const tasks = await taskCount();
    const cases: Array<[unknown, string]> = [
      [{}, 'source'],
      [{ source: {} }, 'source.contentType'],
      [{ source: { contentType: 'api::nope.nope' } }, 'source.contentType'],
      [{ source: { contentType: CONTACT, color: 'red' } }, 'source.color'],
      [{ source: { contentType: CONTACT, fields: ['nope'] } }, 'source.fields'],
      [{ source: { contentType: CONTACT, filters: { nope: { $eq: 1 } } } }, 'source.filters'],
      [{ source: { contentType: CONTACT }, format: 'csv' }, 'format'],
      [{ source: { contentType: CONTACT }, fieldMapping: { city: 'nope' } }, 'fieldMapping'],
      [{ source: { contentType: CONTACT }, contentType: 'api::nope.nope' }, 'contentType'],
    ];
    for (const [body, path] of cases) {
      const res = await migrate(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      const paths = (res.body.error.details?.errors ?? []).map((e: { path: string[] }) => e.path.join('.'));
      expect({ body, paths, message: res.body.error.message }).toEqual({ body, paths: expect.arrayContaining([expect.stringContaining(path)]), message: expect.any(String) });
    }
    expect(await taskCount()).toBe(tasks);
  });

  test('permissions: the source must be readable and the target writable by the user (Content Manager)', async () => {
    const tasks = await taskCount();
    // May update contacts, may not read them.
    const writer = await createAdmin(app, [...PLUGIN_ACTIONS, cm('update', CONTACT), cm('create', CONTACT)]);
    const unread = await migrate({ source: { contentType: CONTACT }, fieldMapping: { city: 'notes' } }, writer);
    expect({ status: unread.status, message: unread.body.error?.message }).toEqual({ status: 403, message: expect.stringContaining(`read permission on ${CONTACT}`) });
    // May read contacts, may not write authors.
    const reader = await createAdmin(app, [...PLUGIN_ACTIONS, cm('read', CONTACT)]);
    const unwritable = await migrate({ source: { contentType: CONTACT }, contentType: AUTHOR, fieldMapping: { lastName: 'name' } }, reader);
    expect(unwritable.status).toBe(403);
    expect(await taskCount()).toBe(tasks);
  });
});
