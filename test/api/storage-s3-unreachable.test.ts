import { registerSuperAdmin } from '../helpers/admin';
import { freePort } from '../helpers/instance';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, jsonl, postImport } from '../helpers/tasks';

/**
 * The `s3` storage when the service cannot be reached (a wrong endpoint, the service down): requests that need it
 * answer 503 naming the storage and the setting, tasks fail with that reason, and nothing is left half-created.
 */

const TASK = 'plugin::data-migration-center.task';
let app: TestApp;
let token: string;

beforeAll(async () => {
  const closed = await freePort(); // nothing listens there
  app = await startApp({
    env: {
      DMC_STORAGE_PROVIDER: 's3',
      DMC_S3_BUCKET: 'unreachable',
      DMC_S3_ENDPOINT: `http://127.0.0.1:${closed}`,
      DMC_S3_FORCE_PATH_STYLE: 'true',
      DMC_S3_ACCESS_KEY_ID: 'S3RVER',
      DMC_S3_SECRET_ACCESS_KEY: 'S3RVER',
      STRAPI_LOG_LEVEL: 'fatal',
    },
  });
  token = await registerSuperAdmin(app);
});
afterAll(async () => {
  await app?.stop();
});

const STORAGE_503 = /^The task file storage cannot be used: S3 upload of s3:\/\/unreachable\/tasks\/[0-9a-f-]+\/upload\.jsonl failed: .+\. Check the plugin's storage\.s3 setting$/;

test('an import answers 503 naming the storage and its setting; no task is created', async () => {
  const before = await app.strapi.db.query(TASK).count();
  const res = await postImport(app, token, { content: jsonl([{ name: 'x', slug: 'x' }]), fileName: 'c.jsonl', options: { contentType: 'api::category.category' }, wait: false });
  expect(res.status).toBe(503);
  expect(res.body.error.message).toMatch(STORAGE_503);
  expect(await app.strapi.db.query(TASK).count()).toBe(before);
});

test('an export fails with the reason', async () => {
  const res = await app.http().post(`${BASE}/export-tasks?wait=true`).set('Authorization', `Bearer ${token}`).send({ contentType: 'api::category.category', format: 'json' });
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ status: 'failed', error: expect.stringMatching(/^The task file storage cannot be used: S3 upload of s3:\/\/unreachable\/tasks\/.+ Check the plugin's storage\.s3 setting$/) });
});
