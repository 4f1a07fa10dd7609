import path from 'node:path';
import fs from 'node:fs';
import { secret } from './secrets';

/** The repository root: the plugin is loaded from this checkout, not from npm. */
const pluginRoot = (): string => {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'strapi-plugin-data-migration-center') {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('The data-migration-center plugin was not found above the playground');
    dir = parent;
  }
};

export default ({ env }) => ({
  'users-permissions': {
    config: {
      jwtSecret: secret('JWT_SECRET'),
    },
  },
  'data-migration-center': {
    enabled: true,
    resolve: pluginRoot(),
    config: {
      storageDir: env('DMC_STORAGE_DIR', '.data-migration-center'),
      storage: {
        provider: env('DMC_STORAGE_PROVIDER', 'local'),
        ...(env('DMC_STORAGE_PROVIDER', 'local') === 's3'
          ? {
              s3: {
                bucket: env('DMC_S3_BUCKET'),
                region: env('DMC_S3_REGION', 'us-east-1'),
                ...(env('DMC_S3_ENDPOINT') ? { endpoint: env('DMC_S3_ENDPOINT') } : {}),
                forcePathStyle: env.bool('DMC_S3_FORCE_PATH_STYLE', false),
                prefix: env('DMC_S3_PREFIX', ''),
                ...(env('DMC_S3_ACCESS_KEY_ID')
                  ? { credentials: { accessKeyId: env('DMC_S3_ACCESS_KEY_ID'), secretAccessKey: env('DMC_S3_SECRET_ACCESS_KEY') } }
                  : {}),
              },
            }
          : {}),
      },
      retention: {
        days: env.float('DMC_RETENTION_DAYS', 30),
        failedUploadDays: env.float('DMC_RETENTION_FAILED_UPLOAD_DAYS', 1),
        checkInterval: env.int('DMC_RETENTION_CHECK_INTERVAL', 60 * 60 * 1000),
      },
      maxQueuedPerUser: env.int('DMC_MAX_QUEUED_PER_USER', 10),
      concurrency: env.int('DMC_CONCURRENCY', 1),
      maxFileSize: env.int('DMC_MAX_FILE_SIZE', 1024 * 1024 * 1024),
      bulkWrites: env.bool('DMC_BULK_WRITES', true),
      batchSize: env.int('DMC_BATCH_SIZE', 500),
      leanExports: env.bool('DMC_LEAN_EXPORTS', true),
      preImages: env.bool('DMC_PRE_IMAGES', true),
      heartbeatTimeout: env.int('DMC_HEARTBEAT_TIMEOUT', 60_000),
      heartbeatInterval: env.int('DMC_HEARTBEAT_INTERVAL', 5_000),
      pollInterval: env.int('DMC_POLL_INTERVAL', 2_000),
      scheduleInterval: env.int('DMC_SCHEDULE_INTERVAL', 30_000),
      // Read limits: set only when the test sets them (the plugin's defaults otherwise).
      limits: {
        ...(env('DMC_MAX_DEPTH') ? { maxDepth: env.int('DMC_MAX_DEPTH') } : {}),
        ...(env('DMC_MAX_ITEM_LENGTH') ? { maxItemLength: env.int('DMC_MAX_ITEM_LENGTH') } : {}),
        ...(env('DMC_MAX_COLUMNS') ? { maxColumns: env.int('DMC_MAX_COLUMNS') } : {}),
      },
      batchFiles: {
        enabled: env.bool('DMC_BATCH_FILES', true),
        folder: env('DMC_BATCH_FOLDER', 'data-migration'),
        failOnError: env.bool('DMC_BATCH_FAIL_ON_ERROR', false),
      },
    },
  },
});
