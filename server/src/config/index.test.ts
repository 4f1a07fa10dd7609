import config, { defaultConfig } from './index';

/** The validator receives the user's settings merged over the defaults, as Strapi merges them. */
const validate = (settings: Record<string, unknown>) => () => config.validator({ ...defaultConfig, ...settings });

describe('plugin config', () => {
  it('accepts the defaults, an s3 storage, a retention and a quota', () => {
    expect(validate({})).not.toThrow();
    expect(
      validate({
        storage: {
          provider: 's3',
          s3: { bucket: 'b', region: 'auto', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, prefix: 'strapi/dmc/', credentials: { accessKeyId: 'a', secretAccessKey: 's' } },
        },
        retention: { days: 7, failedUploadDays: 0.5, checkInterval: 60_000 },
        maxQueuedPerUser: 0,
        concurrency: 0,
      })
    ).not.toThrow();
  });

  it('refuses an s3 storage without a bucket, an unknown provider, a prefix without its slash, a small part size', () => {
    expect(validate({ storage: { provider: 's3' } })).toThrow('storage.provider is "s3" but storage.s3.bucket is not set');
    expect(validate({ storage: { provider: 'ftp' } })).toThrow(/storage.provider must be one of/);
    expect(validate({ storage: { provider: 's3', s3: { bucket: 'b', prefix: 'strapi' } } })).toThrow(/prefix must be folder names each ending with "\/"/);
    expect(validate({ storage: { provider: 's3', s3: { bucket: 'b', partSize: 1024 } } })).toThrow(/partSize/);
    expect(validate({ storage: { provider: 's3', s3: { bucket: 'b', credentials: { accessKeyId: 'a' } } } })).toThrow(/secretAccessKey/);
  });

  it('refuses negative retention days and quotas', () => {
    expect(validate({ retention: { days: -1, failedUploadDays: 1, checkInterval: 1000 } })).toThrow(/retention.days/);
    expect(validate({ maxQueuedPerUser: -1 })).toThrow(/maxQueuedPerUser/);
  });

  it('accepts read limits, lowered or partial, and refuses bad ones naming the key', () => {
    expect(validate({ limits: { maxDepth: 5 } })).not.toThrow();
    expect(validate({ limits: { maxDepth: 1000, maxItemLength: 1024 * 1024, maxColumns: 50 } })).not.toThrow();
    expect(validate({ limits: { maxDepth: 0 } })).toThrow(/limits.maxDepth must be greater than or equal to 1/);
    expect(validate({ limits: { maxDepth: 5000 } })).toThrow(/limits.maxDepth must be less than or equal to 1000/);
    expect(validate({ limits: { maxDepth: 2.5 } })).toThrow(/limits.maxDepth must be an integer/);
    expect(validate({ limits: { maxItemLength: '32MB' } })).toThrow(/limits.maxItemLength must be a `number`/);
    expect(validate({ limits: { maxItemLength: 2 ** 30 } })).toThrow(/limits.maxItemLength must be less than or equal to 268435456/);
    expect(validate({ limits: { maxColumns: -1 } })).toThrow(/limits.maxColumns must be greater than or equal to 1/);
    expect(validate({ limits: { maxRows: 10 } })).toThrow(/limits field has unspecified keys: maxRows/);
    expect(validate({ limits: { maxZipEntries: 1000 } })).not.toThrow();
    expect(validate({ limits: { maxZipEntries: 0 } })).toThrow(/limits.maxZipEntries must be greater than or equal to 1/);
    expect(validate({ limits: { maxZipEntries: 2e7 } })).toThrow(/limits.maxZipEntries must be less than or equal to 10000000/);
  });
});
