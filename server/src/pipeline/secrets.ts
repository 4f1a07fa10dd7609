import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Secrets: the private attributes of an export, encrypted under a password the user gives (README, *Secrets*).
 * Node's crypto only, nothing home-made:
 * - the key: scrypt(password, salt) with a random 16-byte salt per file and the parameters below, all written in the
 *   file's header (`secrets`), so that a later version can change the parameters and still read older files;
 * - each value: AES-256-GCM with a random 12-byte IV, the JSON text of the value encrypted (its JSON type comes back
 *   on import), written as one string `dmc:enc:v1:<iv>:<ciphertext>:<tag>` (base64);
 * - the header's `check`: a known constant encrypted with the key, so a wrong password is found when the import task
 *   is created (GCM's tag does not verify), before anything is written.
 */

export const SECRETS_VERSION = 1;
export const ENCRYPTED_PREFIX = 'dmc:enc:v1:';
const CHECK_TEXT = 'data-migration-center secrets check';

/** scrypt's cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here: docs/secrets.md). */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** The bounds a file's header may ask for: a crafted header must not make the server spend minutes or gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY = 1024 * 1024 * 1024;

/** What a file's header says of its secrets (JSON and JSONT: top-level `secrets`). */
export interface SecretsHeader {
  version: number;
  cipher: 'aes-256-gcm';
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  keyLength: number;
  /** base64, 16 bytes. */
  salt: string;
  /** The known constant encrypted with the key. */
  check: string;
  /** The attributes whose values are encrypted. */
  fields: string[];
}

export class SecretsError extends Error {}

/** The password is not the one the file was encrypted with. */
export class WrongPasswordError extends SecretsError {
  constructor() {
    super('wrong password: it is not the password the file was exported with');
  }
}

const deriveKey = (password: string, salt: Buffer, { N, r, p }: { N: number; r: number; p: number }): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: Math.min(MAX_MEMORY, 256 * N * r + 1024 * 1024) }, (error, key) =>
      error ? reject(error) : resolve(key)
    );
  });

/** Encrypts one value: its JSON text, AES-256-GCM, a fresh IV. */
export const encryptValue = (key: Buffer, value: unknown): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const text = JSON.stringify(value === undefined ? null : value);
  const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${ENCRYPTED_PREFIX}${iv.toString('base64')}:${ciphertext.toString('base64')}:${cipher.getAuthTag().toString('base64')}`;
};

export const isEncrypted = (value: unknown): value is string => typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decrypts one value written by `encryptValue`. Throws a SecretsError for anything else, or a value changed since. */
export const decryptValue = (key: Buffer, text: unknown): unknown => {
  if (!isEncrypted(text)) throw new SecretsError('expected an encrypted value (dmc:enc:v1:...)');
  const parts = text.slice(ENCRYPTED_PREFIX.length).split(':');
  if (parts.length !== 3 || !parts.every((part) => BASE64.test(part))) throw new SecretsError('the encrypted value is malformed');
  const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64'));
  if (iv.length !== 12 || tag.length !== 16) throw new SecretsError('the encrypted value is malformed');
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretsError('the encrypted value does not decrypt: it was changed after the export, or belongs to another file');
  }
  try {
    return JSON.parse(plain) as unknown;
  } catch {
    throw new SecretsError('the decrypted value is not JSON');
  }
};

/** A new file's secrets: a fresh salt, the key, and the header that lets the import derive it again. */
export const createSecrets = async (
  password: string,
  fields: string[],
  params: { N: number; r: number; p: number } = DEFAULT_SCRYPT
): Promise<{ key: Buffer; header: SecretsHeader }> => {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, params);
  return {
    key,
    header: {
      version: SECRETS_VERSION,
      cipher: 'aes-256-gcm',
      kdf: 'scrypt',
      ...params,
      keyLength: KEY_LENGTH,
      salt: salt.toString('base64'),
      check: encryptValue(key, CHECK_TEXT),
      fields,
    },
  };
};

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;

/** A file's `secrets` header, checked (what it must hold, within bounds). Throws a SecretsError naming what is wrong. */
export const parseSecretsHeader = (value: unknown): SecretsHeader => {
  const fail = (what: string): never => {
    throw new SecretsError(`The file's secrets header is invalid: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected an object');
  const h = value as Record<string, unknown>;
  if (h.version !== SECRETS_VERSION) fail(`version ${JSON.stringify(h.version)}: this plugin reads version ${SECRETS_VERSION}`);
  if (h.cipher !== 'aes-256-gcm') fail(`cipher ${JSON.stringify(h.cipher)}: expected aes-256-gcm`);
  if (h.kdf !== 'scrypt') fail(`kdf ${JSON.stringify(h.kdf)}: expected scrypt`);
  if (typeof h.N !== 'number' || !isPowerOfTwo(h.N) || h.N > MAX_N) fail(`N must be a power of two up to 2^20`);
  if (typeof h.r !== 'number' || !Number.isInteger(h.r) || h.r < 1 || h.r > MAX_R) fail(`r must be an integer from 1 to ${MAX_R}`);
  if (typeof h.p !== 'number' || !Number.isInteger(h.p) || h.p < 1 || h.p > MAX_P) fail(`p must be an integer from 1 to ${MAX_P}`);
  if (h.keyLength !== KEY_LENGTH) fail(`keyLength must be ${KEY_LENGTH}`);
  if (typeof h.salt !== 'string' || !BASE64.test(h.salt) || Buffer.from(h.salt, 'base64').length !== 16) fail('salt must be 16 bytes in base64');
  if (!isEncrypted(h.check)) fail('check must be an encrypted value');
  if (!Array.isArray(h.fields) || !h.fields.every((f) => typeof f === 'string' && f !== '')) fail('fields must be a list of attribute names');
  return h as unknown as SecretsHeader;
};

/** The key of a file's secrets, from the password: a WrongPasswordError when the header's check does not decrypt. */
export const openSecrets = async (header: SecretsHeader, password: string): Promise<Buffer> => {
  const key = await deriveKey(password, Buffer.from(header.salt, 'base64'), header);
  let check: unknown;
  try {
    check = decryptValue(key, header.check);
  } catch {
    throw new WrongPasswordError();
  }
  const expected = Buffer.from(CHECK_TEXT);
  const got = Buffer.from(typeof check === 'string' ? check : '');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new WrongPasswordError();
  return key;
};
