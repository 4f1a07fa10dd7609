import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Task } from '../../shared/contracts';
import { adminToken, apiData, BASE_URL, CENTER_PATH, describeE2E, flow, launchBrowser, newContext, screenshot, signIn } from './helpers';

/**
 * Undo in the browser (issue 20): an import through the API updates two articles; in the task list, the import's
 * menu offers Revert, a confirm dialog (with its force checkbox) starts the revert task, and the articles are back.
 * Signs in as the super admin admin.e2e.ts registers (sequencer.js runs that file first); run alone, this file
 * registers the same admin itself (helpers.ts signIn).
 */

const ARTICLE = 'api::article.article';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!process.env.DMC_E2E_URL) return;
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
});

/** The articles' drafts in English, as the Content Manager lists them. */
const articles = async (token: string): Promise<Array<{ documentId: string; title: string }>> => {
  const res = await fetch(`${BASE_URL}/content-manager/collection-types/${ARTICLE}?locale=en&page=1&pageSize=100&sort=id:ASC`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { results: Array<{ documentId: string; title: string }> }).results;
};

describeE2E('Undo: Revert in the task menu', () => {
  jest.setTimeout(120_000);

  test('reverts an import from its menu, after a confirmation: the articles are back', () =>
    flow(() => page, 'revert', async () => {
      await signIn(page);
      const token = await adminToken(context);
      const before = await articles(token);
      const touched = before.slice(0, 2);
      const form = new FormData();
      const lines = touched.map((article) => JSON.stringify({ documentId: article.documentId, title: `Reverted soon: ${article.title}` }));
      form.append('file', new Blob([`${lines.join('\n')}\n`]), 'revert-me.jsonl');
      form.append('options', JSON.stringify({ contentType: ARTICLE, locale: 'en', importStrategy: 'upsert', name: 'Import to revert' }));
      const res = await fetch(`${BASE_URL}/data-migration-center/import-tasks?wait=true`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
      const imported = ((await res.json()) as { data: Task }).data;
      expect(imported).toMatchObject({ status: 'completed', revertable: true, counts: { updated: 2 } });
      expect((await articles(token)).slice(0, 2).map((a) => a.title)).toEqual(touched.map((a) => `Reverted soon: ${a.title}`));

      await page.goto(CENTER_PATH);
      await page.getByRole('heading', { name: 'Data Migration Center', level: 1 }).waitFor();
      await page.getByRole('button', { name: `Actions for ${imported.name}` }).click();
      await page.getByRole('menuitem', { name: 'Revert' }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.getByText(`Revert "${imported.name}"?`, { exact: false }).waitFor();
      await screenshot(page, 'revert-confirm');
      await dialog.getByRole('button', { name: 'Confirm' }).click();

      // The revert task runs like any task; the import then says it was reverted.
      await page.getByText(/^Reverted by task #\d+$/).waitFor();
      const after = await apiData<Task>(token, 'GET', `/data-migration-center/tasks/${imported.id}`);
      expect(after.revertedBy).toEqual(expect.any(Number));
      const revertTask = await apiData<Task>(token, 'GET', `/data-migration-center/tasks/${after.revertedBy}`);
      expect(revertTask).toMatchObject({ kind: 'revert', status: 'completed' });
      expect(await articles(token)).toEqual(before);
      await screenshot(page, 'revert-done');
    }));
});
