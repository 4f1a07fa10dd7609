import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  adminToken,
  api,
  apiData,
  CENTER_PATH,
  describeE2E,
  downloadBytes,
  downloadText,
  flow,
  launchBrowser,
  newContext,
  parseCsv,
  screenshot,
  SUPER_ADMIN,
} from './helpers';

/**
 * The admin UI in a real browser against the playground (started by global-setup.js with demo content), as an
 * editor uses it: first admin, export, CSV import with mapping and preview, templates, and a user who may only
 * export. The flows run in order: the first one creates the super admin the others work as.
 */

const EXPORTER = { firstname: 'Eve', lastname: 'Exporter', email: 'eve@example.com', password: 'Exp0rter!Pass' };

const CONTACTS_CSV =
  [
    'First name,Last name,Organisation,Street,City,ZIP,Phone,Notes,Internal ID',
    'Alan,Turing,Bletchley Park,Hut 8,Milton Keynes,08123,+44 1908 000001,Codebreaker,X-1',
    'Grace,Hopper,US Navy,1 Navy Way,Arlington,22201,+1 703 000 0002,COBOL,X-2',
    // Three cells where the header has nine: this row fails, the others are imported.
    'Broken,Row,only three cells',
    'Katherine,Johnson,NASA,Langley,Hampton,23666,+1 757 000 0003,Orbits,X-4',
  ].join('\n') + '\n';

const MEASUREMENT = 'api::measurement.measurement';
/**
 * Measurements for the spreadsheet round trip: labels with leading zeros, a big integer of 16 digits (more than a
 * number cell's 15; within 2^53, which SQLite keeps), dates (one before 1900, written as text).
 */
const MEASUREMENTS = [
  { code: 'XL-001', label: '0042', note: 'first', count: 12, total: '9007199254740991', amount: 48.86, day: '2024-02-29', at: '2024-03-04T05:06:07.891Z', clock: '10:30:00.000' },
  { code: 'XL-002', label: '007', note: null, count: 5, total: '12', amount: -0.5, day: '1850-01-01', at: null, clock: null },
  { code: 'XL-003', label: 'plain', note: '=SUM(A1) stays text', count: 0, total: null, amount: 1234.5, day: '2026-12-31', at: '2026-12-31T23:59:59.000Z', clock: '23:59:00.000' },
];

let browser: Browser;
let context: BrowserContext;
let page: Page;
let extraContext: BrowserContext | undefined;
let extraPage: Page | undefined;

/** A select of the design system (a combobox): open it and pick the option. */
const choose = async (scope: Page | Locator, combobox: string, option: string | RegExp) => {
  await scope.getByRole('combobox', { name: combobox }).click();
  await page.getByRole('option', { name: option }).click();
};

const openCenter = async (target: Page) => {
  await target.getByRole('navigation').getByRole('link', { name: 'Data Migration Center' }).click();
  await target.waitForURL((url) => url.pathname.startsWith(CENTER_PATH));
  await target.getByRole('heading', { name: 'Data Migration Center', level: 1 }).waitFor();
};

/** The task list's row of the task named `name` (its first column holds the name, then the file name). */
const taskRow = (target: Page, name: string) =>
  target.getByRole('row').filter({ has: target.getByText(name, { exact: true }) });

beforeAll(async () => {
  if (!process.env.DMC_E2E_URL) return;
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
});

afterAll(async () => {
  await extraContext?.close().catch(() => undefined);
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
});

describeE2E('Data Migration Center in the browser', () => {
  jest.setTimeout(90_000);

  test('the first admin registers at /admin, lands in the admin and opens the center with its two tabs', () =>
    flow(() => page, 'first-admin', async () => {
      await page.goto('/admin');
      await page.waitForURL((url) => url.pathname === '/admin/auth/register-admin');
      await expectVisible(page.getByRole('heading', { name: 'Welcome to Strapi!' }));

      await page.getByLabel(/^First name/).fill(SUPER_ADMIN.firstname);
      await page.getByLabel(/^Last name/).fill(SUPER_ADMIN.lastname);
      await page.getByLabel(/^Email/).fill(SUPER_ADMIN.email);
      await page.getByLabel(/^Password/).fill(SUPER_ADMIN.password);
      await page.getByLabel(/^Confirm Password/).fill(SUPER_ADMIN.password);
      await page.getByRole('button', { name: "Let's start" }).click();

      // The admin's home page greets the new admin.
      await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === '/admin');
      await expectVisible(page.getByRole('heading', { name: `Hello ${SUPER_ADMIN.firstname}` }));

      const menuEntry = page.getByRole('navigation').getByRole('link', { name: 'Data Migration Center' });
      await expectVisible(menuEntry);
      await openCenter(page);

      const tasksTab = page.getByRole('tab', { name: 'Import and Export' });
      const templatesTab = page.getByRole('tab', { name: 'Templates' });
      await expectVisible(tasksTab);
      await expectVisible(templatesTab);
      await expectAttribute(tasksTab, 'aria-selected', 'true');
      await expectVisible(page.getByText('No import or export yet.', { exact: false }));
      await screenshot(page, '01-tab-import-and-export-empty');

      await templatesTab.click();
      await page.waitForURL((url) => url.searchParams.get('tab') === 'templates');
      await expectAttribute(templatesTab, 'aria-selected', 'true');
      // No saved template yet: the ones shipped with the plugin, read-only (run and duplicate only).
      const shipped = page.getByRole('row').filter({ hasText: 'Export published articles as CSV' });
      await expectVisible(shipped.getByText('Built-in'));
      await expectVisible(shipped.getByRole('button', { name: 'Run Export published articles as CSV' }));
      expect(await shipped.getByRole('button', { name: 'Edit Export published articles as CSV' }).count()).toBe(0);
      await expectVisible(page.getByRole('button', { name: 'New template' }));
      await screenshot(page, '02-tab-templates-built-in');
    }));

  test('exports the articles as JSONL and downloads the file: 20 drafts in en, one object per line, no private field', () =>
    flow(() => page, 'export', async () => {
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'New export' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      await expectVisible(page.getByRole('heading', { name: 'New export', level: 1 }));

      await choose(page, 'Content type', 'Article (collection type)');
      await choose(page, 'File format', /^JSONL/);
      // The defaults the test relies on: the default locale (en) and the drafts.
      await expectText(page.getByRole('combobox', { name: 'Locale' }), 'Default locale (English (en))');
      await expectText(page.getByRole('combobox', { name: 'Version' }), 'Draft');
      await expectVisible(page.getByText('23 of 23 fields selected', { exact: false }));
      // The private field is not even offered.
      expect(await page.getByRole('checkbox', { name: /secretNote/ }).count()).toBe(0);
      await screenshot(page, '03-export-form');

      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Export: Article export' });
      await expectVisible(dialog.getByText('Completed', { exact: true }), 60_000);
      await expectVisible(dialog.getByText('Exported', { exact: true }));

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        dialog.getByRole('button', { name: 'Download' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^article-.*\.jsonl$/);
      const text = await downloadText(download);

      const lines = text.split('\n').filter((line) => line !== '');
      expect(text.endsWith('\n')).toBe(true);
      expect(lines).toHaveLength(20);
      const items = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const item of items) {
        expect(item).toEqual(expect.any(Object));
        expect(Array.isArray(item)).toBe(false);
        expect(item.locale).toBe('en');
        expect(item).not.toHaveProperty('secretNote');
        expect(item).not.toHaveProperty('publishedAt');
      }
      expect(items.map((item) => item.slug).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `article-${i + 1}`).sort()
      );
      expect(text).not.toContain('secretNote');
      expect(text).not.toContain('Private note');

      // Closing the window goes back to the list, where the export is completed.
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);
      const row = taskRow(page, 'Article export');
      await expectVisible(row.getByText('Completed', { exact: true }));
      await expectVisible(row.getByText('JSONL', { exact: true }));
    }));

  test('imports a CSV of contacts: mapping, preview with the failing row, import with errors, error report', () =>
    flow(() => page, 'import', async () => {
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'New import' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/import`);
      await expectVisible(page.getByRole('heading', { name: 'New import', level: 1 }));

      // The file, through the browser's file picker.
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: /Drag and drop a file here/ }).click(),
      ]);
      await chooser.setFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CONTACTS_CSV) });
      await expectVisible(page.getByText('contacts.csv', { exact: true }));
      await expectText(page.getByRole('combobox', { name: 'File format' }), 'CSV (spreadsheets)');
      await expectValue(page.getByLabel('Name', { exact: true }), 'contacts');
      // The server read the file's head as the import will: the broken row is announced, the header still maps.
      await expectVisible(page.getByText(/An item at the start of the file will fail: Line 4: expected 9 cells, found 3/));

      await choose(page, 'Content type', 'Contact (collection type)');
      await page.getByRole('radio', { name: 'Skip failed items and continue' }).click();
      await expectAttribute(page.getByRole('radio', { name: 'Skip failed items and continue' }), 'aria-checked', 'true');

      // The mapping: names that match loosely are matched, the others are ignored until mapped.
      const target = (field: string) => page.getByRole('combobox', { name: `Attribute for ${field}` });
      await expectText(target('First name'), 'firstName (string)');
      await expectText(target('Last name'), 'lastName (string)');
      await expectText(target('ZIP'), 'zip (string)');
      await expectText(target('Organisation'), 'Ignore');
      await expectText(target('Street'), 'Ignore');
      await expectText(target('Internal ID'), 'Ignore');
      await expectVisible(page.getByText('9 fields found in the first items of the file; 3 ignored.'));

      await choose(page, 'Attribute for Organisation', 'company (string)');
      await choose(page, 'Attribute for Street', 'address (string)');
      await expectText(target('Organisation'), 'company (string)');
      await expectText(target('Street'), 'address (string)');
      await expectVisible(page.getByText('9 fields found in the first items of the file; 1 ignored.'));
      await target('First name').scrollIntoViewIfNeeded();
      await page.mouse.wheel(0, 400);
      await screenshot(page, '04-import-mapping');

      // Next: the preview, a dry run of the whole file.
      await page.getByRole('button', { name: 'Next' }).click();
      const preview = page.getByRole('dialog', { name: 'Preview of the import' });
      await expectVisible(preview.getByText('First failures (1 of 1)'), 60_000);
      await expectVisible(preview.getByText('Dry run: this is what the import would do. Nothing was written.'));
      expect(await figure(preview, 'Would create')).toBe('3');
      expect(await figure(preview, 'Would update')).toBe('0');
      expect(await figure(preview, 'Would fail')).toBe('1');
      const failure = preview.getByRole('row').filter({ hasText: 'expected 9 cells, found 3' });
      await expectVisible(failure);
      expect((await failure.getByRole('gridcell').allInnerTexts()).map((cell) => cell.trim())).toEqual([
        '3',
        '4',
        '-',
        'read',
        'Line 4: expected 9 cells, found 3',
      ]);
      await screenshot(page, '05-import-preview');

      // Start import: the task follows in its window until it is done.
      await preview.getByRole('button', { name: 'Start import' }).click();
      const progress = page.getByRole('dialog', { name: 'Import: contacts' });
      await expectVisible(progress.getByText('Completed with errors', { exact: true }), 60_000);
      expect(await figure(progress, 'Created')).toBe('3');
      expect(await figure(progress, 'Failed')).toBe('1');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        progress.getByRole('button', { name: 'Error report' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('contacts-errors.csv');
      const report = parseCsv(await downloadText(download)).filter((row) => row.some((cell) => cell !== ''));
      expect(report[0]).toEqual(['itemNumber', 'line', 'key', 'stage', 'field', 'message', 'item']);
      expect(report).toHaveLength(2);
      const [itemNumber, line, , stage, field, message, item] = report[1];
      expect(itemNumber).toBe('3');
      expect(line).toBe('4');
      expect([stage, field]).toEqual(['read', '']);
      expect(message).toContain('Line 4: expected 9 cells, found 3');
      expect(item).toContain('Broken,Row,only three cells');

      await progress.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // The list shows the finished import and its counts.
      const row = taskRow(page, 'contacts').filter({ hasText: '3 created' }).first();
      await expectVisible(row.getByText('Completed with errors', { exact: true }));
      await expectVisible(row.getByText('1 failed', { exact: true }));
      // Its menu shows every action without scrolling inside it (the design system's menu stops at 15rem).
      await row.getByRole('button', { name: /^Actions for / }).click();
      const menu = page.getByRole('menu');
      await expectVisible(menu.getByRole('menuitem', { name: 'Delete' }));
      expect(await menu.getByRole('menuitem').count()).toBeGreaterThanOrEqual(5);
      expect(await menu.evaluate((element) => element.scrollHeight <= element.clientHeight)).toBe(true);
      await page.keyboard.press('Escape');

      // Through the API: the import task, and the three contacts it wrote (mapped fields, the ZIP's leading zero).
      const token = await adminToken(context);
      const tasks = await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=import');
      const imports = tasks.filter((task) => task.name === 'contacts' && task.options?.dryRun !== true);
      expect(imports).toHaveLength(1);
      expect(imports[0]).toMatchObject({
        status: 'completed-with-errors',
        contentType: 'api::contact.contact',
        format: 'csv',
        hasErrorReport: true,
        counts: { total: 4, processed: 4, created: 3, updated: 0, failed: 1 },
      });

      const contacts = await api(token, 'GET', contactsUrl(['Turing', 'Hopper', 'Johnson', 'Row']));
      expect(contacts.status).toBe(200);
      const found = contactList(contacts.body);
      expect(found.map((contact) => contact.lastName).sort()).toEqual(['Hopper', 'Johnson', 'Turing']);
      expect(found.find((contact) => contact.lastName === 'Turing')).toMatchObject({
        firstName: 'Alan',
        company: 'Bletchley Park',
        address: 'Hut 8',
        city: 'Milton Keynes',
        zip: '08123',
        phone: '+44 1908 000001',
        notes: 'Codebreaker',
      });
      expect(JSON.stringify(found)).not.toContain('X-1');
    }));

  test('exports a bundle of tags and categories, downloads the zip, previews it as a bundle import and imports it', () =>
    flow(() => page, 'bundles', async () => {
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'Bundle' }).first().click();
      await page.getByRole('menuitem', { name: 'Export a bundle' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/bundle-export`);
      await expectVisible(page.getByRole('heading', { name: 'New bundle export', level: 1 }));

      await page.getByRole('checkbox', { name: 'Tag', exact: true }).check();
      await page.getByRole('checkbox', { name: 'Category', exact: true }).check();
      await expectAttribute(page.getByRole('checkbox', { name: 'With dependencies' }), 'aria-checked', 'true');
      await page.getByLabel('Name', { exact: true }).fill('Tags and categories');
      await screenshot(page, '10-bundle-export-form');
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const exportDialog = page.getByRole('dialog', { name: 'Export: Tags and categories' });
      await expectVisible(exportDialog.getByText('Completed', { exact: true }), 60_000);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        exportDialog.getByRole('button', { name: 'Download' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('Tags and categories.zip');
      const zip = await download.path();
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(zip as string);
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      await exportDialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      await page.getByRole('button', { name: 'Bundle' }).first().click();
      await page.getByRole('menuitem', { name: 'Import a bundle' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/bundle-import`);
      await expectVisible(page.getByRole('heading', { name: 'New bundle import', level: 1 }));
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: /Drag and drop a file here/ }).click(),
      ]);
      await chooser.setFiles({ name: 'tags-and-categories.zip', mimeType: 'application/zip', buffer: bytes });
      await expectVisible(page.getByText('tags-and-categories.zip', { exact: true }));

      // The preview: a dry run, what each type would do (this app has them all: every entry would be updated).
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await expectVisible(page.getByRole('heading', { name: 'Preview', level: 2 }), 60_000);
      const tagRow = page.getByRole('row').filter({ has: page.getByText('Tag', { exact: true }) });
      await expectVisible(tagRow.getByRole('combobox', { name: 'Match Tag by' }));
      const token = await adminToken(context);
      const tags = (await api<{ pagination: { total: number } }>(token, 'GET', '/content-manager/collection-types/api::tag.tag?page=1&pageSize=1')).body.pagination.total;
      expect(tags).toBeGreaterThan(0);
      await expectVisible(tagRow.getByRole('gridcell', { name: String(tags), exact: true }).first());
      await screenshot(page, '11-bundle-import-preview');

      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const importDialog = page.getByRole('dialog', { name: 'Import: Import tags-and-categories.zip' });
      await expectVisible(importDialog.getByText('Completed', { exact: true }), 60_000);
      await expectVisible(importDialog.getByRole('row').filter({ has: page.getByText('Category', { exact: true }) }));
      await importDialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);
    }));

  test('creates an export template in the Templates tab, runs it, and finds the task completed in the list', () =>
    flow(() => page, 'template', async () => {
      const name = 'Tags as CSV';
      await page.goto(`${CENTER_PATH}?tab=templates`);
      await page.getByRole('button', { name: 'New template' }).click();
      await page.getByRole('menuitem', { name: 'Export template' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/templates/new` && url.searchParams.get('kind') === 'export');
      await expectVisible(page.getByRole('heading', { name: 'New template', level: 1 }));

      await page.getByLabel(/^Template name/).fill(name);
      await page.getByLabel('Description').fill('Every tag, for the spreadsheet');
      await choose(page, 'Content type', 'Tag (collection type)');
      await choose(page, 'File format', /^CSV/);
      await page.getByRole('button', { name: 'Save' }).click();

      await page.waitForURL((url) => url.pathname === CENTER_PATH && url.searchParams.get('tab') === 'templates');
      await expectVisible(page.getByText(`Template "${name}" saved.`));
      const row = page.getByRole('row').filter({ hasText: name });
      await expectVisible(row.getByText('Every tag, for the spreadsheet'));
      await expectVisible(row.getByText('Tag', { exact: true }));
      await expectVisible(row.getByText('Export', { exact: true }));
      await screenshot(page, '06-tab-templates');

      const token = await adminToken(context);
      const templates = await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/templates?kind=export');
      const template = templates.find((candidate) => candidate.name === name);
      expect(template).toMatchObject({ kind: 'export', contentType: 'api::tag.tag', options: { format: 'csv' } });
      const before = await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=export');

      // Run: the export starts at once and is followed in its window.
      await row.getByRole('button', { name: `Run ${name}` }).click();
      const dialog = page.getByRole('dialog', { name: /^Export: / });
      await expectVisible(dialog.getByText('Completed', { exact: true }), 60_000);
      const title = (await dialog.getByRole('heading').first().innerText()).replace(/^Export: /, '');
      await dialog.getByRole('button', { name: 'Close' }).last().click();

      // The new task, in the Import and Export tab.
      await page.getByRole('tab', { name: 'Import and Export' }).click();
      const taskLine = taskRow(page, title).first();
      await expectVisible(taskLine.getByText('Completed', { exact: true }));
      await expectVisible(taskLine.getByText('CSV', { exact: true }));
      await expectVisible(taskLine.getByText('Tag', { exact: true }));
      await screenshot(page, '07-tab-import-and-export');

      const after = await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=export');
      const added = after.filter((task) => !before.some((old) => old.id === task.id));
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ status: 'completed', contentType: 'api::tag.tag', format: 'csv', name: title });
      expect(added[0].options).toMatchObject({ templateId: template!.id });
    }));

  test('a user with only read and export (and Content Manager read on tags) sees "New export" but no "New import", and no download of the articles export', () =>
    flow(() => extraPage ?? page, 'export-only-user', async () => {
      // The role and the invitation, through the admin API, as Settings > Roles and Settings > Users do.
      const token = await adminToken(context);
      const role = await apiData<{ id: number }>(token, 'POST', '/admin/roles', {
        name: 'Exporter',
        description: 'May open the Data Migration Center and export',
      });
      await apiData(token, 'PUT', `/admin/roles/${role.id}/permissions`, {
        permissions: [
          ...['read', 'export'].map((action) => ({
            action: `plugin::data-migration-center.${action}`,
            subject: null,
            properties: {},
            conditions: [],
          })),
          // In the Content Manager: tags only (read), nothing on articles.
          {
            action: 'plugin::content-manager.explorer.read',
            subject: 'api::tag.tag',
            properties: { fields: ['name', 'articles'] },
            conditions: [],
          },
        ],
      });
      const user = await apiData<{ id: number; registrationToken: string }>(token, 'POST', '/admin/users', {
        firstname: EXPORTER.firstname,
        lastname: EXPORTER.lastname,
        email: EXPORTER.email,
        roles: [role.id],
      });
      expect(user.registrationToken).toEqual(expect.any(String));

      // The invited user finishes the registration in a browser of their own.
      extraContext = await newContext(browser);
      extraPage = await extraContext.newPage();
      const invited = extraPage;
      await invited.goto(`/admin/auth/register?registrationToken=${encodeURIComponent(user.registrationToken)}`);
      // The form fills in the invited user's name and email once it has read the token.
      await expectValue(invited.getByLabel(/^Email/), EXPORTER.email);
      await invited.getByLabel(/^Password/).fill(EXPORTER.password);
      await invited.getByLabel(/^Confirm Password/).fill(EXPORTER.password);
      await invited.getByRole('button', { name: "Let's start" }).click();
      await invited.waitForURL((url) => url.pathname.replace(/\/$/, '') === '/admin');
      await expectVisible(invited.getByRole('heading', { name: `Hello ${EXPORTER.firstname}` }));

      await openCenter(invited);
      // The tasks of the others are listed (read), with the button to export and none to import.
      await expectVisible(invited.getByRole('button', { name: 'New export' }));
      await expectVisible(taskRow(invited, 'Article export').first());
      expect(await invited.getByRole('button', { name: 'New import' }).count()).toBe(0);

      // Another user's export of articles, which this user may not read: no download, a lock that says why.
      const articles = taskRow(invited, 'Article export').first();
      await expectVisible(articles.getByLabel(/files and error report are only for the user who started it/));
      await articles.getByRole('button', { name: 'Actions for Article export' }).click();
      await expectVisible(invited.getByRole('menuitem', { name: 'Delete' }));
      expect(await invited.getByRole('menuitem', { name: 'Download file' }).count()).toBe(0);
      await screenshot(invited, '08-export-only-user-tasks');
      await invited.keyboard.press('Escape');
      // The export of tags, which this user may read: its file downloads.
      const tags = invited.getByRole('row').filter({ has: invited.getByText('Tag', { exact: true }) }).first();
      await tags.getByRole('button', { name: /^Actions for / }).click();
      await expectVisible(invited.getByRole('menuitem', { name: 'Download file' }));
      await invited.keyboard.press('Escape');

      // The export form offers only the type this user may read.
      await invited.getByRole('button', { name: 'New export' }).first().click();
      await invited.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      await invited.getByRole('combobox', { name: 'Content type' }).click();
      await expectVisible(invited.getByRole('option', { name: 'Tag (collection type)' }));
      expect(await invited.getByRole('option').allInnerTexts()).toEqual(['Tag (collection type)']);
      await invited.keyboard.press('Escape');
      await openCenter(invited);

      // No "New template" either (no templates permission); the export template can still be run.
      await invited.getByRole('tab', { name: 'Templates' }).click();
      await expectVisible(invited.getByRole('button', { name: 'Run Tags as CSV' }));
      expect(await invited.getByRole('button', { name: 'New template' }).count()).toBe(0);
      expect(await invited.getByRole('button', { name: 'Edit Tags as CSV' }).count()).toBe(0);
      await screenshot(invited, '09-export-only-user-templates');

      // The server agrees: this user's token may not import, nor download the articles export.
      const exporterToken = await adminToken(extraContext);
      const listed = await api(exporterToken, 'GET', '/data-migration-center/tasks?kind=export');
      expect(listed.status).toBe(200);
      const articleExport = (listed.body.data as Array<Record<string, any>>).find((task) => task.name === 'Article export');
      expect(articleExport).toMatchObject({ canDownload: false });
      expect((await api(exporterToken, 'GET', `/data-migration-center/tasks/${articleExport!.id}/file`)).status).toBe(403);
      const form = new FormData();
      form.append('file', new Blob([CONTACTS_CSV], { type: 'text/csv' }), 'contacts.csv');
      form.append('options', JSON.stringify({ contentType: 'api::contact.contact' }));
      const res = await fetch(`${process.env.DMC_E2E_URL}/data-migration-center/import-tasks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${exporterToken}` },
        body: form,
      });
      expect(res.status).toBe(403);
    }));

  test("the Content Manager's list of articles: Export of the current filters, Export selected, and Import open the center's forms prefilled", () =>
    flow(() => page, 'content-manager', async () => {
      const ARTICLE = 'api::article.article';
      const listPath = `/admin/content-manager/collection-types/${ARTICLE}`;
      const filtered = `${listPath}?page=1&pageSize=10&sort=title:ASC&filters[$and][0][views][$gt]=1000&plugins[i18n][locale]=en`;

      // The list filtered as its Filters button does (views > 1000: articles 10 to 20), in the URL.
      await page.goto(filtered);
      await expectVisible(page.getByText('11 entries found'));
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await screenshot(page, '12-content-manager-export-menu');
      await page.getByRole('menuitem', { name: 'Entries of the current filters and sort' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      const link = new URL(page.url());
      expect(link.searchParams.get('contentType')).toBe(ARTICLE);
      expect(JSON.parse(link.searchParams.get('filters') ?? 'null')).toEqual({ $and: [{ views: { $gt: '1000' } }] });
      expect(link.searchParams.get('sort')).toBe('title:ASC');
      expect(link.searchParams.get('locale')).toBe('en');
      // The form, prefilled: the type, the filters, the sort, the list's locale.
      await expectText(page.getByRole('combobox', { name: 'Content type' }), 'Article (collection type)');
      expect(await filtersJson(page)).toEqual({ $and: [{ views: { $gt: '1000' } }] });
      await expectValue(page.getByRole('textbox', { name: 'Sort' }), 'title:ASC');
      await expectText(page.getByRole('combobox', { name: 'Locale' }), 'English (en)');
      await screenshot(page, '13-content-manager-export-prefilled');
      // And the export takes exactly the entries of the list, on every page.
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Export: Article export' });
      await expectVisible(dialog.getByText('Completed', { exact: true }), 60_000);
      expect(await figure(dialog, 'Exported')).toBe('11');
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // Two rows selected: the bulk action "Export selected" beside the list's own.
      await page.goto(filtered);
      await expectVisible(page.getByText('11 entries found'));
      const titles = ['Article 10: Streams in practice', 'Article 11: Batches in practice'];
      // check(), not click(): it waits until the list shows the row ticked (a click while the list re-renders
      // after the first one can be lost).
      for (const title of titles) {
        await page.getByRole('row').filter({ hasText: title }).getByRole('checkbox').check();
      }
      await page.getByRole('button', { name: 'Export selected' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      const token = await adminToken(context);
      const listed = await api(token, 'GET', `/content-manager/collection-types/${ARTICLE}?page=1&pageSize=100&locale=en`);
      const ids = (listed.body.results as Array<{ documentId: string; title: string }>)
        .filter((article) => titles.includes(article.title))
        .map((article) => article.documentId)
        .sort();
      expect(ids).toHaveLength(2);
      await expectText(page.getByRole('combobox', { name: 'Content type' }), 'Article (collection type)');
      const filters = await filtersJson(page);
      expect(Object.keys(filters)).toEqual(['documentId']);
      expect([...filters.documentId.$in].sort()).toEqual(ids);
      await screenshot(page, '14-content-manager-export-selected');

      // Import: the wizard with the type chosen.
      await page.goto(filtered);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.waitForURL(
        (url) => url.pathname === `${CENTER_PATH}/import` && url.searchParams.get('contentType') === ARTICLE
      );
      await expectVisible(page.getByRole('heading', { name: 'New import', level: 1 }));
      await expectText(page.getByRole('combobox', { name: 'Content type' }), 'Article (collection type)');
      await screenshot(page, '15-content-manager-import');
    }));

  test("the Content Manager's list of articles in French, filtered: Export > All entries opens the form with the type, no filters and the list's locale, and exports every French article", () =>
    flow(() => page, 'content-manager-all', async () => {
      const ARTICLE = 'api::article.article';
      const listPath = `/admin/content-manager/collection-types/${ARTICLE}`;
      const token = await adminToken(context);
      // The list in French, filtered (views > 1000) and sorted: "All entries" must drop the filters and the sort.
      const filteredFr = await listEntries(token, ARTICLE, 'locale=fr&filters[$and][0][views][$gt]=1000');
      const allFr = await listEntries(token, ARTICLE, 'locale=fr');
      expect(filteredFr.length).toBeGreaterThan(0);
      expect(allFr.length).toBeGreaterThan(filteredFr.length);
      await page.goto(`${listPath}?page=1&pageSize=10&sort=title:ASC&filters[$and][0][views][$gt]=1000&plugins[i18n][locale]=fr`);
      await expectVisible(page.getByText(`${filteredFr.length} entries found`));

      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await page.getByRole('menuitem', { name: 'All entries' }).click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      const link = new URL(page.url());
      expect([...link.searchParams.keys()].sort()).toEqual(['contentType', 'locale']);
      expect(link.searchParams.get('contentType')).toBe(ARTICLE);
      expect(link.searchParams.get('locale')).toBe('fr');
      // The form: the type, the list's locale, no filters (the builder says so), no sort.
      await expectText(page.getByRole('combobox', { name: 'Content type' }), 'Article (collection type)');
      await expectText(page.getByRole('combobox', { name: 'Locale' }), 'French (fr)');
      await expectVisible(page.getByText('No filters: every entry is exported.'));
      expect(await page.getByRole('group', { name: /^Filter \d+$/ }).count()).toBe(0);
      await expectAttribute(page.getByRole('checkbox', { name: 'Advanced: JSON' }), 'aria-checked', 'false');
      await expectValue(page.getByRole('textbox', { name: 'Sort' }), '');
      await screenshot(page, '16-content-manager-export-all');

      await choose(page, 'File format', /^JSONL/);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Export: Article export' });
      await expectVisible(dialog.getByText('Completed', { exact: true }), 60_000);
      expect(await figure(dialog, 'Exported')).toBe(String(allFr.length));
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^article-.*\.jsonl$/);
      const items = jsonLines(await downloadText(download));
      // Every French article, each once, in French: the French version of each document, not the English one.
      expect(items.map((item) => item.documentId).sort()).toEqual(allFr.map((entry) => entry.documentId).sort());
      expect(new Set(items.map((item) => item.locale))).toEqual(new Set(['fr']));
      const titles = new Map(allFr.map((entry) => [entry.documentId, entry.title]));
      for (const item of items) expect(item.title).toBe(titles.get(item.documentId));
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      const task = (await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=export'))[0];
      expect(task).toMatchObject({ contentType: ARTICLE, format: 'jsonl', status: 'completed', options: { locale: 'fr' } });
      expect(task.options.filters ?? {}).toEqual({});
      expect(task.options.sort).toBeUndefined();
    }));

  test("the export form's filter builder: rows views > 1000 and title contains \"Streams\" export exactly the matching articles, and Advanced: JSON shows them in Strapi's filter syntax", () =>
    flow(() => page, 'filter-builder', async () => {
      const ARTICLE = 'api::article.article';
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'New export' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      await choose(page, 'Content type', 'Article (collection type)');
      await choose(page, 'File format', /^JSONL/);
      await expectText(page.getByRole('combobox', { name: 'Locale' }), 'Default locale (English (en))');
      await expectVisible(page.getByText('No filters: every entry is exported.'));

      // Two rows, through the builder's own controls.
      await page.getByRole('button', { name: 'Add a filter' }).click();
      const first = page.getByRole('group', { name: 'Filter 1' });
      await choose(first, 'Field', /^views$/);
      await choose(first, 'Operator', /^is greater than$/);
      // A row without its value is left out, and says so.
      await expectVisible(first.getByText('Left out until it has a value.'));
      await first.getByRole('textbox', { name: 'Value' }).fill('1000');
      await page.getByRole('button', { name: 'Add a filter' }).click();
      const second = page.getByRole('group', { name: 'Filter 2' });
      await choose(second, 'Field', /^title$/);
      await choose(second, 'Operator', /^contains$/);
      await second.getByRole('textbox', { name: 'Value' }).fill('Streams');
      await expectText(first.getByRole('combobox', { name: 'Operator' }), 'is greater than');
      await expectText(second.getByRole('combobox', { name: 'Field' }), 'title');
      await screenshot(page, '17-export-filter-builder');

      // Advanced: JSON shows the rows in Strapi's filter syntax: $and of the two, the number as a number.
      const expected = { $and: [{ views: { $gt: 1000 } }, { title: { $contains: 'Streams' } }] };
      expect(await filtersJson(page)).toEqual(expected);
      await screenshot(page, '18-export-filter-builder-json');
      // And back: the builder shows the JSON as the same two rows.
      await page.getByRole('checkbox', { name: 'Advanced: JSON' }).uncheck();
      await expectValue(page.getByRole('group', { name: 'Filter 1' }).getByRole('textbox', { name: 'Value' }), '1000');
      await expectValue(page.getByRole('group', { name: 'Filter 2' }).getByRole('textbox', { name: 'Value' }), 'Streams');
      await expectText(page.getByRole('group', { name: 'Filter 2' }).getByRole('combobox', { name: 'Operator' }), 'contains');
      expect(await page.getByRole('group', { name: /^Filter \d+$/ }).count()).toBe(2);

      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Export: Article export' });
      await expectVisible(dialog.getByText('Completed', { exact: true }), 60_000);
      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
      const items = jsonLines(await downloadText(download));

      // The entries that match, asked of the database twice: the Content Manager's list with the same filters, and
      // every English article filtered here.
      const token = await adminToken(context);
      const matching = await listEntries(token, ARTICLE, 'locale=en&filters[$and][0][views][$gt]=1000&filters[$and][1][title][$contains]=Streams');
      const all = await listEntries(token, ARTICLE, 'locale=en');
      const byHand = all.filter((entry) => entry.views > 1000 && String(entry.title).includes('Streams'));
      expect(byHand.length).toBeGreaterThan(0);
      expect(byHand.length).toBeLessThan(all.length);
      expect(matching.map((entry) => entry.documentId).sort()).toEqual(byHand.map((entry) => entry.documentId).sort());
      expect(items.map((item) => item.documentId).sort()).toEqual(byHand.map((entry) => entry.documentId).sort());
      for (const item of items) {
        expect(item.locale).toBe('en');
        expect(item.views).toBeGreaterThan(1000);
        expect(item.title).toContain('Streams');
      }
      expect(await figure(dialog, 'Exported')).toBe(String(byHand.length));
      await dialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // The server was given the builder's filters as they were shown.
      const task = (await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=export'))[0];
      expect(task).toMatchObject({ contentType: ARTICLE, format: 'jsonl', status: 'completed' });
      expect(task.options.filters).toEqual(expected);
    }));

  test('XLSX round trip: exports the measurements as a workbook, one cell changed with exceljs, imported through the wizard matched by code: that entry changes, nothing else does', () =>
    flow(() => page, 'xlsx-round-trip', async () => {
      const token = await adminToken(context);
      // Measurements with leading zeros, numbers, a big integer, dates, a datetime and a time, through the Content Manager.
      for (const data of MEASUREMENTS) {
        await apiData(token, 'POST', `/content-manager/collection-types/${MEASUREMENT}`, data);
      }
      const before = await listEntries(token, MEASUREMENT, 'sort=code:ASC');
      expect(before.map((entry) => entry.code)).toEqual(expect.arrayContaining(MEASUREMENTS.map((data) => data.code)));
      expect(before.find((entry) => entry.code === 'XL-002')).toMatchObject({ label: '007', count: 5 });
      expect(before.find((entry) => entry.code === 'XL-001')).toMatchObject({ total: '9007199254740991', day: '2024-02-29' });

      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'New export' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      await choose(page, 'Content type', 'Measurement (collection type)');
      await choose(page, 'File format', /^XLSX/);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const exportDialog = page.getByRole('dialog', { name: 'Export: Measurement export' });
      await expectVisible(exportDialog.getByText('Completed', { exact: true }), 60_000);
      const [download] = await Promise.all([page.waitForEvent('download'), exportDialog.getByRole('button', { name: 'Download' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^measurement-.*\.xlsx$/);
      const exported = await downloadBytes(download);
      expect(exported.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      await exportDialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // The workbook: typed cells (the label's zeros as text, numbers as numbers, the date as a date); one cell changed.
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(exported as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      expect(header).toEqual(expect.arrayContaining(['code', 'label', 'count', 'total', 'amount', 'day', 'at', 'clock']));
      expect(sheet.rowCount - 1).toBe(before.length);
      const rowOf = (code: string) => {
        for (let number = 2; number <= sheet.rowCount; number += 1) {
          if (sheet.getRow(number).getCell(header.indexOf('code') + 1).value === code) return sheet.getRow(number);
        }
        throw new Error(`No row of ${code} in the workbook`);
      };
      const cell = (code: string, name: string) => rowOf(code).getCell(header.indexOf(name) + 1);
      expect(cell('XL-002', 'label').value).toBe('007');
      expect(cell('XL-002', 'count').value).toBe(5);
      expect(cell('XL-001', 'amount').value).toBe(48.86);
      expect(cell('XL-001', 'total').value).toBe('9007199254740991');
      expect(cell('XL-001', 'day').value).toEqual(new Date('2024-02-29T00:00:00.000Z'));
      cell('XL-002', 'count').value = 42;
      const edited = Buffer.from(await workbook.xlsx.writeBuffer());

      // The import wizard: the workbook, its mapping, matched by code, a preview, then the import.
      await page.getByRole('button', { name: 'New import' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/import`);
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: /Drag and drop a file here/ }).click(),
      ]);
      await chooser.setFiles({
        name: 'measurements.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: edited,
      });
      await expectVisible(page.getByText('measurements.xlsx', { exact: true }));
      await expectText(page.getByRole('combobox', { name: 'File format' }), 'XLSX (Excel workbook)');
      await choose(page, 'Content type', 'Measurement (collection type)');
      const target = (field: string) => page.getByRole('combobox', { name: `Attribute for ${field}` });
      // Each column of the workbook goes to its attribute (code is required: marked *).
      for (const [field, attribute] of [['code', 'code * (string)'], ['label', 'label (string)'], ['count', 'count (integer)'], ['total', 'total (biginteger)'], ['amount', 'amount (decimal)'], ['day', 'day (date)'], ['at', 'at (datetime)'], ['clock', 'clock (time)']]) {
        await expectText(target(field), attribute);
      }
      await page.getByRole('radio', { name: /^Add or update records/ }).click();
      await page.getByRole('radio', { name: /^Update changed fields/ }).click();
      await choose(page, 'Match existing entries by', /^code$/);
      await expectText(page.getByRole('combobox', { name: 'Match existing entries by' }), 'code');
      await screenshot(page, '19-import-xlsx-mapping');

      await page.getByRole('button', { name: 'Next' }).click();
      const preview = page.getByRole('dialog', { name: 'Preview of the import' });
      await expectVisible(preview.getByText('Dry run: this is what the import would do. Nothing was written.'), 60_000);
      expect(await figure(preview, 'Would create')).toBe('0');
      expect(await figure(preview, 'Would fail')).toBe('0');
      expect(Number(await figure(preview, 'Would update'))).toBeGreaterThanOrEqual(1);
      await preview.getByRole('button', { name: 'Start import' }).click();
      const progress = page.getByRole('dialog', { name: 'Import: measurements' });
      await expectVisible(progress.getByText('Completed', { exact: true }), 60_000);
      expect(await figure(progress, 'Created')).toBe('0');
      expect(await figure(progress, 'Failed')).toBe('0');
      await progress.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // The database: the one cell changed; the count, and every other value of every entry, as before.
      const after = await listEntries(token, MEASUREMENT, 'sort=code:ASC');
      expect(after).toHaveLength(before.length);
      const comparable = (entry: Record<string, any>) => {
        const { updatedAt: _updatedAt, updatedBy: _updatedBy, ...rest } = entry;
        return rest;
      };
      const expected = before.map((entry) => comparable(entry.code === 'XL-002' ? { ...entry, count: 42 } : entry));
      expect(after.map(comparable)).toEqual(expected);
      expect(after.find((entry) => entry.code === 'XL-002')).toMatchObject({ label: '007', count: 42, day: '1850-01-01' });
      expect(after.find((entry) => entry.code === 'XL-001')).toMatchObject({
        label: '0042',
        total: '9007199254740991',
        day: '2024-02-29',
        at: '2024-03-04T05:06:07.891Z',
        clock: '10:30:00.000',
      });
      expect(Number(after.find((entry) => entry.code === 'XL-001')!.amount)).toBe(48.86);
    }));

  test('semicolon CSV: exports the contacts with ; and a byte order mark; imports a ; CSV with decimal commas through the wizard, refused without the option and stored with it', () =>
    flow(() => page, 'semicolon-csv', async () => {
      const token = await adminToken(context);
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'New export' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/export`);
      await choose(page, 'Content type', 'Contact (collection type)');
      await choose(page, 'File format', /^CSV/);
      await expectText(page.getByRole('combobox', { name: 'CSV delimiter' }), 'Comma (,)');
      await choose(page, 'CSV delimiter', /^Semicolon/);
      const bom = page.getByRole('checkbox', { name: 'Start with a byte order mark (for Excel)' });
      await expectAttribute(bom, 'aria-checked', 'false');
      await bom.click();
      await expectAttribute(bom, 'aria-checked', 'true');
      await screenshot(page, '20-export-csv-semicolon');
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      const exportDialog = page.getByRole('dialog', { name: 'Export: Contact export' });
      await expectVisible(exportDialog.getByText('Completed', { exact: true }), 60_000);
      const [download] = await Promise.all([page.waitForEvent('download'), exportDialog.getByRole('button', { name: 'Download' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^contact-.*\.csv$/);
      const bytes = await downloadBytes(download);
      await exportDialog.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      // The UTF-8 byte order mark, then a header separated by semicolons, and every contact as the database has it.
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = bytes.subarray(3).toString('utf8');
      const headerLine = text.split(/\r?\n/)[0];
      expect(headerLine).toBe('documentId;firstName;lastName;company;address;city;zip;phone;notes');
      const [header, ...rows] = parseCsv(text, ';').filter((row) => row.some((value) => value !== ''));
      const contacts = await listEntries(token, 'api::contact.contact', '');
      expect(rows).toHaveLength(contacts.length);
      // Text that a spreadsheet would run as a formula carries one apostrophe (README, CSV injection).
      const cellText = (value: unknown) => (value === null || value === undefined ? '' : /^'*[=+\-@\t\r]/.test(String(value)) ? `'${value}` : String(value));
      for (const row of rows) {
        const contact = contacts.find((candidate) => candidate.documentId === row[0]);
        expect(contact).toBeDefined();
        for (const [index, name] of header.entries()) expect([name, row[index]]).toEqual([name, cellText(contact![name])]);
      }
      const cellOf = (lastName: string, name: string) => rows.find((row) => row[header.indexOf('lastName')] === lastName)![header.indexOf(name)];
      // A comma inside a cell is no delimiter here: "Brien, Ltd" is one cell; zips keep their leading zeros.
      expect(cellOf("O'Brien", 'company')).toBe('Brien, Ltd');
      expect(cellOf('Puig', 'zip')).toBe('08123');
      expect(cellOf('Schmidt', 'notes')).toBe("'=not a formula");

      // The import: a file as a French Excel writes it, with ; and decimal commas (amounts with two decimals).
      const csv = ['code;amount;count;label', 'SC-001;12,5;3;Douze et demi', 'SC-002;1.234,75;1.000;Mille', 'SC-003;-0,25;0;Négatif', ''].join('\r\n');
      await page.getByRole('button', { name: 'New import' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/import`);
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: /Drag and drop a file here/ }).click(),
      ]);
      await chooser.setFiles({ name: 'mesures.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await expectVisible(page.getByText('mesures.csv', { exact: true }));
      await expectText(page.getByRole('combobox', { name: 'File format' }), 'CSV (spreadsheets)');
      await expectText(page.getByRole('combobox', { name: 'CSV delimiter' }), 'From the header row');
      await choose(page, 'Content type', 'Measurement (collection type)');
      // The header was read with its semicolons: four fields, each mapped by name.
      await expectVisible(page.getByText('4 fields found in the first items of the file; all mapped.'));
      await expectText(page.getByRole('combobox', { name: 'Attribute for amount' }), 'amount (decimal)');
      await choose(page, 'Match existing entries by', /^code$/);
      const decimalComma = page.getByRole('checkbox', { name: 'Numbers use a decimal comma' });
      await expectAttribute(decimalComma, 'aria-checked', 'false');

      // Without the option, the preview says the amounts are not numbers.
      await page.getByRole('button', { name: 'Next' }).click();
      let preview = page.getByRole('dialog', { name: 'Preview of the import' });
      await expectVisible(preview.getByText(/is not a number/).first(), 60_000);
      expect(await figure(preview, 'Would create')).toBe('0');
      await preview.getByRole('button', { name: 'Back to the settings' }).click();
      await preview.waitFor({ state: 'hidden' });

      // With it: three entries to create, then created.
      await decimalComma.click();
      await expectAttribute(decimalComma, 'aria-checked', 'true');
      await screenshot(page, '21-import-csv-decimal-comma');
      await page.getByRole('button', { name: 'Next' }).click();
      preview = page.getByRole('dialog', { name: 'Preview of the import' });
      await expectVisible(preview.getByText('Dry run: this is what the import would do. Nothing was written.'), 60_000);
      expect(await figure(preview, 'Would create')).toBe('3');
      expect(await figure(preview, 'Would fail')).toBe('0');
      await preview.getByRole('button', { name: 'Start import' }).click();
      const progress = page.getByRole('dialog', { name: 'Import: mesures' });
      await expectVisible(progress.getByText('Completed', { exact: true }), 60_000);
      expect(await figure(progress, 'Created')).toBe('3');
      await progress.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);

      const stored = await listEntries(token, MEASUREMENT, 'sort=code:ASC&filters[code][$startsWith]=SC-');
      expect(stored.map((entry) => [entry.code, Number(entry.amount), entry.count, entry.label])).toEqual([
        ['SC-001', 12.5, 3, 'Douze et demi'],
        ['SC-002', 1234.75, 1000, 'Mille'],
        ['SC-003', -0.25, 0, 'Négatif'],
      ]);
      const task = (await apiData<Array<Record<string, any>>>(token, 'GET', '/data-migration-center/tasks?kind=import')).find(
        (candidate) => candidate.name === 'mesures' && candidate.options?.dryRun !== true
      );
      expect(task).toMatchObject({ status: 'completed', format: 'csv', options: { decimalComma: true, matchBy: 'code' } });
    }));

  test("migrate entries: the contacts' city copied into their notes, a dry run first (nothing written), then the migration", () =>
    flow(() => page, 'migrate', async () => {
      const token = await adminToken(context);
      const before = await listEntries(token, 'api::contact.contact', 'sort=id:ASC');
      expect(before.some((contact) => contact.notes !== contact.city)).toBe(true);
      await page.goto(CENTER_PATH);
      await page.getByRole('button', { name: 'Migrate entries' }).first().click();
      await page.waitForURL((url) => url.pathname === `${CENTER_PATH}/migrate`);
      await expectVisible(page.getByRole('heading', { name: 'Migrate entries', level: 1 }));

      // The source (the first Content type select); the target follows it (an in-place migration).
      await page.getByRole('combobox', { name: 'Content type' }).first().click();
      await page.getByRole('option', { name: 'Contact (collection type)' }).click();
      await expectText(page.getByRole('combobox', { name: 'Content type' }).nth(1), 'Contact (collection type)');
      await page.getByRole('combobox', { name: 'Fields to migrate' }).click();
      await page.getByRole('option', { name: 'city', exact: true }).click();
      await page.keyboard.press('Escape');
      // Matched by name (city to city): sent to notes instead.
      await choose(page, 'Attribute for city', /^notes/);
      await screenshot(page, '22-migrate-form');

      await page.getByRole('button', { name: 'Dry run' }).click();
      const dryRun = page.getByRole('dialog');
      await expectVisible(dryRun.getByText('Completed', { exact: true }), 60_000);
      expect(await figure(dryRun, 'Updated')).toBe(String(before.length));
      await dryRun.getByRole('button', { name: 'Close' }).last().click();
      // Still on the form after a dry run; nothing written.
      await expectVisible(page.getByRole('heading', { name: 'Migrate entries', level: 1 }));
      expect(await listEntries(token, 'api::contact.contact', 'sort=id:ASC')).toEqual(before);

      await page.getByRole('button', { name: 'Start migration' }).click();
      const run = page.getByRole('dialog');
      await expectVisible(run.getByText('Completed', { exact: true }), 60_000);
      await run.getByRole('button', { name: 'Close' }).last().click();
      await page.waitForURL((url) => url.pathname === CENTER_PATH);
      await expectVisible(taskRow(page, 'Migrate Contact to Contact').first());

      const after = await listEntries(token, 'api::contact.contact', 'sort=id:ASC');
      expect(after.map((contact) => [contact.documentId, contact.notes])).toEqual(before.map((contact) => [contact.documentId, contact.city]));
      expect(after.map((contact) => contact.city)).toEqual(before.map((contact) => contact.city));
    }));
});

/* ------------------------------------------------------------------------------------------------------------ */

async function expectVisible(locator: Locator, timeout = 30_000) {
  await locator.waitFor({ state: 'visible', timeout });
}

/** Waits until the element's text contains `text` (the design system's selects show the chosen option). */
async function expectText(locator: Locator, text: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.innerText().catch(() => '')).trim();
    if (last.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Expected ${locator} to show "${text}", it shows "${last}"`);
}

/** Waits until the element's attribute `name` is `value`. */
async function expectAttribute(locator: Locator, name: string, value: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name).catch(() => null);
    if (last === value) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Expected ${locator} to have ${name}="${value}", it has "${last}"`);
}

/** Waits until the input holds `value`. */
async function expectValue(locator: Locator, value: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await locator.inputValue().catch(() => '');
    if (last === value) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Expected ${locator} to hold "${value}", it holds "${last}"`);
}

/** The export form's filters as its JSON text box holds them (ticking "Advanced: JSON" when the builder shows them). */
async function filtersJson(target: Page) {
  const json = target.getByRole('checkbox', { name: 'Advanced: JSON' });
  await expectVisible(json);
  if ((await json.getAttribute('aria-checked')) !== 'true') await json.click();
  return JSON.parse(await target.getByRole('textbox', { name: 'Filters (JSON)' }).inputValue());
}

/** The value under a figure's label in a task window (Created 3, Would fail 1...). */
async function figure(dialog: Locator, label: string) {
  const box = dialog.getByText(label, { exact: true }).locator('xpath=..');
  return ((await box.textContent()) ?? '').replace(label, '').trim();
}

/** Every entry of a collection type as the Content Manager lists it (`query`: its filters, sort, locale), one page of 100. */
async function listEntries(token: string, uid: string, query: string): Promise<Array<Record<string, any>>> {
  const res = await api(token, 'GET', `/content-manager/collection-types/${uid}?page=1&pageSize=100${query ? `&${query}` : ''}`);
  if (res.status !== 200) throw new Error(`The list of ${uid} answered ${res.status}: ${JSON.stringify(res.body)}`);
  expect(res.body.pagination.total).toBeLessThanOrEqual(100);
  return contactList(res.body);
}

/** The items of a JSONL file (one object per line, each line ended). */
function jsonLines(text: string): Array<Record<string, any>> {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

function contactsUrl(lastNames: string[]) {
  const filters = lastNames.map((name, i) => `filters[lastName][$in][${i}]=${encodeURIComponent(name)}`).join('&');
  return `/content-manager/collection-types/api::contact.contact?page=1&pageSize=100&${filters}`;
}

/** The content manager's list answer: `{ results }` (Strapi 5) or a plain array. */
function contactList(body: any): Array<Record<string, any>> {
  return Array.isArray(body) ? body : (body?.results ?? []);
}
