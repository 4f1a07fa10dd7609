import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { adminToken, api, CENTER_PATH, describeE2E, flow, launchBrowser, newContext, screenshot, signIn } from './helpers';

/**
 * Transforms in the import wizard (issue 20): a JSONata transform on a mapped field (its compile error shown while
 * typing), a computed field, the side-by-side preview, then the import and the entry it wrote.
 *
 * Works as the super admin of admin.e2e.ts (helpers.ts signIn registers it when the app has none yet: this file
 * alone: `npx jest --selectProjects e2e --runInBand --forceExit test/e2e/transforms.e2e.ts`).
 */

const MEASUREMENT = 'api::measurement.measurement';
const PRICES_CSV = 'Code;Prix;Nom\nTR-1;12,50;Ada Lovelace\nTR-2;abc;Alan Turing\n';

let browser: Browser;
let context: BrowserContext;
let page: Page;

const visible = (locator: Locator, timeout = 30_000) => locator.waitFor({ state: 'visible', timeout });

const choose = async (combobox: string, option: string | RegExp) => {
  await page.getByRole('combobox', { name: combobox }).click();
  await page.getByRole('option', { name: option }).click();
};

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

describeE2E('Transforms in the import wizard', () => {
  jest.setTimeout(120_000);

  test('a transform and a computed field, the preview side by side, the import and its entry', () =>
    flow(() => page, 'transforms', async () => {
      await signIn(page);
      await page.goto(`${CENTER_PATH}/import`);
      await visible(page.getByRole('heading', { name: 'New import', level: 1 }));

      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: /Drag and drop a file here/ }).click(),
      ]);
      await chooser.setFiles({ name: 'prices.csv', mimeType: 'text/csv', buffer: Buffer.from(PRICES_CSV) });
      await visible(page.getByText('prices.csv', { exact: true }));
      await choose('Content type', /^Measurement/);
      await page.getByRole('radio', { name: 'Skip failed items and continue' }).click();

      // Code → code (matched by name); Prix → amount with a transform; Nom → label, its first word.
      await choose('Attribute for Prix', /^amount/);
      await choose('Attribute for Nom', /^label/);
      const prix = page.getByRole('textbox', { name: 'Transform of Prix' });
      await prix.fill("$number($replace($, ',', '.')");
      await visible(page.getByText(/Expected "\)" before end of expression \(at character \d+\)/));
      await prix.fill("$number($replace($, ',', '.'))");
      await page.getByText(/before end of expression/).waitFor({ state: 'detached' });
      await page.getByRole('textbox', { name: 'Transform of Nom' }).fill("$split($, ' ')[0]");

      // A computed field: the note, from the whole row.
      await page.getByRole('button', { name: 'Add a computed field' }).click();
      await choose('Computed attribute 1', /^note/);
      await page.getByRole('textbox', { name: 'Expression 1' }).fill("'From ' & Nom");

      // The preview: each row as read, as transformed, and what the checks say.
      await page.getByRole('button', { name: 'Preview the first items' }).click();
      const table = page.getByRole('grid', { name: 'Preview of the first items' });
      await visible(table);
      await visible(table.getByText('"amount": 12.5'));
      await visible(table.getByText('"label": "Ada"'));
      await visible(table.getByText('"note": "From Ada Lovelace"'));
      await visible(table.getByText('"Prix": "12,50"'));
      await visible(table.getByText('Valid', { exact: true }));
      await visible(table.getByText(/amount: the transform of "Prix" failed/));
      await table.scrollIntoViewIfNeeded();
      await screenshot(page, 'transforms-preview');

      // Next (the dry run), then the import: one entry created, the unparsable price failed.
      await page.getByRole('button', { name: 'Next' }).click();
      const dryRun = page.getByRole('dialog', { name: 'Preview of the import' });
      await visible(dryRun.getByText('Dry run: this is what the import would do. Nothing was written.'), 60_000);
      await dryRun.getByRole('button', { name: 'Start import' }).click();
      const progress = page.getByRole('dialog', { name: /^Import: prices/ });
      await visible(progress.getByText('Completed with errors', { exact: true }), 60_000);

      const token = await adminToken(context);
      const res = await api(token, 'GET', `/content-manager/collection-types/${MEASUREMENT}?page=1&pageSize=10&filters[code][$eq]=TR-1`);
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(1);
      expect(res.body.results[0]).toMatchObject({ code: 'TR-1', label: 'Ada', note: 'From Ada Lovelace' });
      expect(Number(res.body.results[0].amount)).toBe(12.5);
    }));
});
