import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl } from '../helpers/tasks';

/**
 * The bulk write path and the Document Service path leave the same database state for the same file (ids,
 * documentIds and timestamps aside), and the task records which path ran.
 */

const CONTACTS = jsonl([
  ...Array.from({ length: 1200 }, (_, i) => ({ firstName: `First ${i}`, lastName: i % 3 ? `Last ${i}` : null, zip: String(i).padStart(5, '0'), notes: i % 7 ? '' : null })),
  { firstName: 'Duplicate key', zip: '00001' },
]);
const TAGS = jsonl([{ name: 'alpha' }, { name: 'beta' }, { name: 'alpha' }, { name: 5 }, { name: '' }]);

const VOLATILE = new Set(['id', 'document_id', 'created_at', 'updated_at', 'published_at']);

const state = async (app: TestApp) => {
  const out: Record<string, unknown[]> = {};
  for (const table of ['contacts', 'tags']) {
    const rows = (await app.strapi.db.connection(table).select('*').orderBy('id')) as Array<Record<string, unknown>>;
    out[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k))));
    // Every row is published (no draft & publish): publishedAt set, as the Document Service sets it.
    expect(rows.every((row) => row.published_at !== null && row.document_id)).toBe(true);
  }
  return out;
};

const run = async (bulk: boolean) => {
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk) } });
  try {
    const token = await registerSuperAdmin(app);
    const contacts = await importFile(app, token, { fileName: 'contacts.jsonl', content: CONTACTS, options: { contentType: 'api::contact.contact', onError: 'continue', matchBy: 'documentId' } });
    const tags = await importFile(app, token, { fileName: 'tags.jsonl', content: TAGS, options: { contentType: 'api::tag.tag', matchBy: 'name', onError: 'continue' } });
    const report = JSON.parse((await errorReport(app, token, tags.id)).text);
    // Read back through the Document Service: every entry is visible as Strapi sees it.
    const visible = await app.strapi.documents('api::contact.contact' as never).count({} as never);
    return { contacts, tags, report, visible, rows: await state(app) };
  } finally {
    await app.stop();
  }
};

test('both paths leave identical database state; the task says which ran', async () => {
  const bulk = await run(true);
  const service = await run(false);
  expect(bulk.contacts).toMatchObject({ status: 'completed', writePath: 'bulk', counts: { created: 1201, failed: 0 } });
  expect(service.contacts).toMatchObject({ status: 'completed', writePath: 'document-service', counts: { created: 1201, failed: 0 } });
  expect(bulk.tags).toMatchObject({ status: 'completed-with-errors', writePath: 'bulk+document-service', counts: { created: 2, updated: 1, failed: 2 } });
  expect(service.tags.counts).toEqual(bulk.tags.counts);
  expect(bulk.report.map((r: { itemIndex: number; message: string }) => [r.itemIndex, r.message])).toEqual(
    service.report.map((r: { itemIndex: number; message: string }) => [r.itemIndex, r.message])
  );
  expect(bulk.visible).toBe(1201);
  expect(service.visible).toBe(1201);
  expect(bulk.rows).toEqual(service.rows);
});
