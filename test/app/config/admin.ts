import { secret } from './secrets';

export default ({ env }) => ({
  auth: {
    secret: secret('ADMIN_JWT_SECRET'),
  },
  apiToken: {
    salt: secret('API_TOKEN_SALT'),
  },
  transfer: {
    token: {
      salt: secret('TRANSFER_TOKEN_SALT'),
    },
  },
  secrets: {
    encryptionKey: secret('ENCRYPTION_KEY'),
  },
  // A test file that starts the app more than five times registers its admin more often than Strapi's limit allows
  // in five minutes (the limit's counts outlive an app in the test process): it may turn the limit off.
  rateLimit: {
    enabled: env.bool('ADMIN_RATE_LIMIT', true),
  },
  flags: {
    nps: env.bool('FLAG_NPS', false),
    promoteEE: env.bool('FLAG_PROMOTE_EE', false),
  },
});
