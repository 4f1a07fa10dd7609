import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets for the playground: Strapi's standard environment variables when they are set; otherwise values
 * generated once and kept in `.tmp/secrets.json` (git-ignored), so admin sessions survive a restart.
 */
export const appRoot = (): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
};

const random = () => crypto.randomBytes(16).toString('base64');

let cache: Record<string, string> | undefined;

const generated = (): Record<string, string> => {
  if (cache) return cache;
  const file = process.env.DMC_SECRETS_FILE || path.join(appRoot(), '.tmp', 'secrets.json');
  try {
    cache = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    cache = {
      APP_KEYS: [random(), random(), random(), random()].join(','),
      API_TOKEN_SALT: random(),
      ADMIN_JWT_SECRET: random(),
      TRANSFER_TOKEN_SALT: random(),
      JWT_SECRET: random(),
      ENCRYPTION_KEY: random(),
    };
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(cache, null, 2), { mode: 0o600 });
    } catch {
      // A read-only checkout still starts: the secrets then last as long as the process.
    }
  }
  return cache;
};

export const secret = (name: string): string => process.env[name] || generated()[name];
