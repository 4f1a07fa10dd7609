import { parseExportOptions } from './export-options';
import { parseImportOptions } from './import-options';

/** `secrets: { password }` (README, *Secrets*): checked without ever quoting the password in the 400. */

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const e = error as { message: string; details?: { errors?: Array<{ path: string[] }> } };
    return { message: e.message, path: e.details?.errors?.[0]?.path, text: JSON.stringify({ message: e.message, details: e.details }) };
  }
  throw new Error('expected a refusal');
};

describe.each([
  ['export', (secrets: unknown) => parseExportOptions({ contentType: 'api::article.article', secrets })],
  ['import', (secrets: unknown) => parseImportOptions(JSON.stringify({ contentType: 'api::article.article', secrets }))],
] as const)('%s options: secrets', (_kind, parse) => {
  it('keeps a valid password', async () => {
    await expect(parse({ password: 'correct horse' })).resolves.toMatchObject({ secrets: { password: 'correct horse' } });
  });

  it.each([
    [{ password: 'short7!' }, 'secrets.password', 'at least 8 characters', 'short7!'],
    [{ password: 123456789 }, 'secrets.password', 'must be a string', '123456789'],
    [{ password: 'x'.repeat(1025) }, 'secrets.password', 'at most 1024', 'xxxxxxxxxxxx'],
    [{}, 'secrets.password', 'is required', null],
    [{ password: 'correct horse', salt: 'x' }, 'secrets', 'unknown keys: salt', 'correct horse'],
    ['correct horse', 'secrets', 'must be an object', 'correct horse'],
  ])('refuses %j naming %s, never quoting the password', async (secrets, path, message, value) => {
    const { message: got, path: gotPath, text } = await refusal(parse(secrets));
    expect(got).toContain(message);
    expect(gotPath).toEqual([path]);
    if (value) expect(text).not.toContain(value);
  });

  it('leaves the other options to the schema', async () => {
    const { message } = await refusal(parse(undefined).then(() => (_kind === 'export' ? parseExportOptions({ colour: 'red' }) : parseImportOptions('{"colour":"red"}'))));
    expect(message).toMatch(/colour/);
  });
});
