import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';

/**
 * The browser tests' toolbox: the playground started by global-setup.js (DMC_E2E_URL), Debian's Chromium,
 * admin API calls with the token of a browser session, downloads and screenshots.
 */

export const BASE_URL = process.env.DMC_E2E_URL ?? '';
export const ARTIFACTS = process.env.DMC_E2E_ARTIFACTS ?? path.resolve(__dirname, '..', 'artifacts');
export const CENTER_PATH = '/admin/plugins/data-migration-center';

/** `describe`, or `describe.skip` when the set-up found no Chromium (it printed why). */
export const describeE2E: jest.Describe = process.env.DMC_E2E_SKIP || !BASE_URL ? describe.skip : describe;

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

/**
 * A fresh browser profile (no cookies, no storage) on a desktop-sized window. Requests to anything but the
 * playground are refused: the admin's news feed and market images would only wait on a network the tests do not
 * have.
 */
export const newContext = async (browser: Browser): Promise<BrowserContext> => {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(30_000);
  const own = new URL(BASE_URL).origin;
  await context.route(
    (url) => url.origin !== own && /^https?:$/.test(url.protocol),
    (route) => route.abort()
  );
  return context;
};

/** The super admin the browser tests work as: admin.e2e.ts registers it through the register form. */
export const SUPER_ADMIN = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', password: 'Sup3rSecret!' };

/**
 * Logs `page` in as SUPER_ADMIN; the admin is registered first (through the admin API) when the app has none yet,
 * which is the case when a browser test file other than admin.e2e.ts runs alone.
 */
export const signIn = async (page: Page) => {
  const init = (await (await fetch(`${BASE_URL}/admin/init`)).json()) as { data: { hasAdmin: boolean } };
  if (!init.data.hasAdmin) {
    const res = await fetch(`${BASE_URL}/admin/register-admin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(SUPER_ADMIN),
    });
    if (res.status !== 200 && res.status !== 201) throw new Error(`register-admin answered ${res.status}`);
  }
  await page.goto('/admin/auth/login');
  await page.getByLabel(/^Email/).fill(SUPER_ADMIN.email);
  await page.getByLabel(/^Password/).fill(SUPER_ADMIN.password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === '/admin');
};

/** The admin access token of a logged-in browser context (Strapi keeps it in the `jwtToken` cookie). */
export const adminToken = async (context: BrowserContext): Promise<string> => {
  // The cookie's path is /admin: ask for every cookie of the context, not the ones of the site's root.
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'jwtToken');
  if (!cookie) throw new Error('No jwtToken cookie: the browser is not logged in to the admin');
  return cookie.value;
};

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** An admin API call (JSON in, JSON out) with an admin token. */
export const api = async <T = any>(
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown
): Promise<ApiResponse<T>> => {
  const res = await fetch(`${BASE_URL}${url}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T };
};

/** The same call, expecting a 2xx answer; returns its `data`. */
export const apiData = async <T = any>(
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown
): Promise<T> => {
  const res = await api<{ data: T }>(token, method, url, body);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.data;
};

/** The text of a download (a file the page handed to the browser). */
export const downloadText = async (download: Download): Promise<string> => {
  const file = await download.path();
  if (!file) throw new Error(`The download of ${download.suggestedFilename()} failed: ${await download.failure()}`);
  return fs.readFileSync(file, 'utf8');
};

/** The bytes of a download, as they were written (a workbook, a CSV with its byte order mark). */
export const downloadBytes = async (download: Download): Promise<Buffer> => {
  const file = await download.path();
  if (!file) throw new Error(`The download of ${download.suggestedFilename()} failed: ${await download.failure()}`);
  return fs.readFileSync(file);
};

/** Saves a screenshot of the page as test/artifacts/<name>.png (the folder is made at run time). */
export const screenshot = async (page: Page, name: string) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
};

/**
 * Runs one flow; when it fails, saves a screenshot of the page as test/artifacts/failed-<name>.png before
 * rethrowing, to see what the browser showed.
 */
export const flow = async (page: () => Page | undefined, name: string, run: () => Promise<void>) => {
  try {
    await run();
  } catch (error) {
    const current = page();
    if (current && !current.isClosed()) {
      await screenshot(current, `failed-${name}`).catch(() => undefined);
    }
    throw error;
  }
};

/** A minimal CSV reader for the error report (quoted cells, doubled quotes, CRLF or LF; `,` unless told). */
export const parseCsv = (text: string, delimiter = ','): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
};
