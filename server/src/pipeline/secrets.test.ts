import {
  DEFAULT_SCRYPT,
  ENCRYPTED_PREFIX,
  SecretsError,
  WrongPasswordError,
  createSecrets,
  decryptValue,
  encryptValue,
  isEncrypted,
  openSecrets,
  parseSecretsHeader,
} from './secrets';

// Cheaper parameters for most tests; one test runs the real ones.
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('secrets', () => {
  it('round trips values of every JSON type under the key of the same password', async () => {
    const { key, header } = await createSecrets('correct horse', ['secretNote'], FAST);
    const opened = await openSecrets(parseSecretsHeader(JSON.parse(JSON.stringify(header))), 'correct horse');
    expect(opened.equals(key)).toBe(true);
    for (const value of ['text', '', 'é 東京 🎉', 42, 1.5, true, false, null, { a: [1, { b: 'c' }] }, [1, 'two']]) {
      const encrypted = encryptValue(key, value);
      expect(encrypted.startsWith(ENCRYPTED_PREFIX)).toBe(true);
      expect(isEncrypted(encrypted)).toBe(true);
      expect(decryptValue(opened, encrypted)).toEqual(value);
    }
  });

  it('writes a fresh IV per value and no plaintext', async () => {
    const { key } = await createSecrets('pw', [], FAST);
    const a = encryptValue(key, 'the same secret');
    const b = encryptValue(key, 'the same secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('the same secret');
    expect(Buffer.from(a.split(':')[3], 'base64')).toHaveLength(12);
  });

  it('refuses a wrong password at the header check', async () => {
    const { header } = await createSecrets('right', ['secretNote'], FAST);
    await expect(openSecrets(header, 'wrong')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(openSecrets(header, 'wrong')).rejects.toThrow('wrong password');
  });

  it('uses a new salt per file: the same password gives another key', async () => {
    const one = await createSecrets('pw', [], FAST);
    const two = await createSecrets('pw', [], FAST);
    expect(one.header.salt).not.toBe(two.header.salt);
    expect(one.key.equals(two.key)).toBe(false);
    expect(() => decryptValue(two.key, encryptValue(one.key, 'x'))).toThrow(SecretsError);
  });

  it('refuses a tampered value (ciphertext, tag, iv) and malformed ones', async () => {
    const { key } = await createSecrets('pw', [], FAST);
    const encrypted = encryptValue(key, 'secret value');
    const [iv, ciphertext, tag] = encrypted.slice(ENCRYPTED_PREFIX.length).split(':');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    for (const changed of [
      `${ENCRYPTED_PREFIX}${iv}:${flip(ciphertext)}:${tag}`,
      `${ENCRYPTED_PREFIX}${iv}:${ciphertext}:${flip(tag)}`,
      `${ENCRYPTED_PREFIX}${flip(iv)}:${ciphertext}:${tag}`,
    ]) {
      expect(() => decryptValue(key, changed)).toThrow('was changed after the export');
    }
    expect(() => decryptValue(key, 'plain text')).toThrow('expected an encrypted value');
    expect(() => decryptValue(key, `${ENCRYPTED_PREFIX}a:b`)).toThrow('malformed');
    expect(() => decryptValue(key, `${ENCRYPTED_PREFIX}AAAA:AAAA:AAAA`)).toThrow('malformed');
    expect(() => decryptValue(key, 42)).toThrow(SecretsError);
  });

  it('writes the scrypt parameters in the header and reads them back from it', async () => {
    const { header } = await createSecrets('pw', ['secretNote'], FAST);
    expect(header).toMatchObject({ version: 1, cipher: 'aes-256-gcm', kdf: 'scrypt', N: 1024, r: 8, p: 1, keyLength: 32, fields: ['secretNote'] });
    expect(Buffer.from(header.salt, 'base64')).toHaveLength(16);
    // The import derives with the header's parameters, not the defaults.
    await expect(openSecrets({ ...header, N: 2048 }, 'pw')).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(openSecrets(header, 'pw')).resolves.toHaveLength(32);
  });

  it('derives with the default parameters (N = 2^15, r = 8, p = 1)', async () => {
    const started = Date.now();
    const { key, header } = await createSecrets('pw', []);
    expect(header).toMatchObject(DEFAULT_SCRYPT);
    expect((await openSecrets(header, 'pw')).equals(key)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses headers out of bounds or malformed, naming what', async () => {
    const { header } = await createSecrets('pw', [], FAST);
    const cases: Array<[unknown, string]> = [
      [null, 'expected an object'],
      [{ ...header, version: 2 }, 'version 2'],
      [{ ...header, cipher: 'aes-128-cbc' }, 'cipher'],
      [{ ...header, kdf: 'pbkdf2' }, 'kdf'],
      [{ ...header, N: 2 ** 24 }, 'N must be'],
      [{ ...header, N: 1000 }, 'N must be'],
      [{ ...header, r: 1000 }, 'r must be'],
      [{ ...header, p: 0 }, 'p must be'],
      [{ ...header, keyLength: 16 }, 'keyLength'],
      [{ ...header, salt: 'AAAA' }, 'salt'],
      [{ ...header, check: 'x' }, 'check'],
      [{ ...header, fields: [1] }, 'fields'],
    ];
    for (const [value, message] of cases) expect(() => parseSecretsHeader(value)).toThrow(message);
  });
});
