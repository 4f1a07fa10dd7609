import { secret } from './secrets';

export default ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  logger: {
    updates: { enabled: env.bool('STRAPI_UPDATE_NOTIFICATION', false) },
  },
  app: {
    keys: secret('APP_KEYS').split(','),
  },
});
