import { createJsonWriter, jsonFormat } from './json';
import { createJsontWriter, jsontFormat } from './jsont';
import { readFileHead } from './head';
import { FORMATS } from './index';
import { DEFAULT_READ_LIMITS } from './limits';
import type { FormatWriter, WriteOptions } from './types';
import { collect, fromText } from './test-streams';

/** The `secrets` header (pipeline/secrets.ts) of JSON and JSONT files: written before the items, read back, skipped by the item reader. */

const SECRETS = { version: 1, N: 1024, salt: 'c2FsdA==', fields: ['secretNote'] };
const ITEMS = [
  { documentId: 'a', secretNote: 'dmc:enc:v1:AAAA:BBBB:CCCC' },
  { documentId: 'b', secretNote: 'dmc:enc:v1:DDDD:EEEE:FFFF' },
];

const text = (writer: FormatWriter) => writer.begin() + ITEMS.map((item) => writer.item(item)).join('') + writer.end();
const options = (extra: Partial<WriteOptions> = {}): WriteOptions => ({ attributes: [], leadingKeys: [], formatVersion: 1, ...extra });

describe.each([
  ['json', (o: WriteOptions) => createJsonWriter(o), jsonFormat],
  ['jsont', (o: WriteOptions) => createJsontWriter({ ...o, configuration: { contentType: 'api::article.article' } }), jsontFormat],
] as const)('%s', (_name, writerOf, format) => {
  it('writes the secrets before the items, and the file is still the same JSON with the key added', () => {
    const written = text(writerOf(options({ secrets: SECRETS })));
    const parsed = JSON.parse(written) as Record<string, unknown>;
    expect(parsed.secrets).toEqual(SECRETS);
    expect(parsed.items).toEqual(ITEMS);
    expect(written.indexOf('"secrets"')).toBeLessThan(written.indexOf('"items"'));
    // Without secrets: byte for byte what it wrote before.
    expect(text(writerOf(options()))).toBe(written.replace(/ {2}"secrets": \{[\s\S]*?\n {2}\},\n/, ''));
  });

  it('reads the secrets with the header (in chunks of one byte too), and the items without them', async () => {
    const written = text(writerOf(options({ secrets: SECRETS })));
    for (const size of [1, 7, 64 * 1024]) {
      const header = await format.readHeader!(fromText(written, size));
      expect(header.secrets).toEqual(SECRETS);
      expect(header.formatVersion ?? header.configuration?.formatVersion).toBe(1);
    }
    const items = await collect(format.read(fromText(written), {}));
    expect(items.map((item) => item.value)).toEqual(ITEMS);
  });

  it('the file head lists the encrypted fields for the import wizard', async () => {
    const written = text(writerOf(options({ secrets: SECRETS })));
    const head = await readFileHead({ head: Buffer.from(written), fileName: `a.${_name}`, complete: true, limits: DEFAULT_READ_LIMITS }, FORMATS);
    expect(head).toMatchObject({ error: null, encrypted: ['secretNote'], itemCount: 2 });
    const plain = await readFileHead({ head: Buffer.from(text(writerOf(options()))), fileName: `a.${_name}`, complete: true, limits: DEFAULT_READ_LIMITS }, FORMATS);
    expect(plain).not.toHaveProperty('encrypted');
  });
});

it('a JSON file whose secrets come after the items still gives them to the header reader', async () => {
  const header = await jsonFormat.readHeader!(fromText(JSON.stringify({ items: ITEMS, secrets: SECRETS })));
  expect(header.secrets).toEqual(SECRETS);
});
