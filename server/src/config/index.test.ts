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
});
