import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import { FORMATS } from './index';
import { collect } from './test-streams';
import type { SourceItem } from './types';

/**
 * The parsing documents of the standard JSONTestSuite (nst/JSONTestSuite, `test_parsing`): every `y_` document is
 * accepted, every `n_` document is refused with a clear error, and no document (`i_` included) crashes a reader.
 * JSON reads each document as a file; JSONT reads it as the `items` value; JSONL reads each one-line document as a
 * line. The suite is not part of this repository: point JSON_TEST_SUITE_DIR at a copy of its `test_parsing`
 * folder to run it (without it, these cases are skipped; the whitespace cases below always run).
 */
const DIR = process.env.JSON_TEST_SUITE_DIR ?? '';
const documents = DIR
  ? fs
      .readdirSync(DIR)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({ name, bytes: fs.readFileSync(path.join(DIR, name)) }))
  : [];
const withSuite = DIR ? describe : describe.skip;

const fromBytes = (bytes: Buffer) => () => Readable.from([bytes]);

type Outcome = { kind: 'items'; items: SourceItem[] } | { kind: 'failure'; message: string };

const run = async (items: AsyncIterable<SourceItem>): Promise<Outcome> => {
  try {
    return { kind: 'items', items: await collect(items) };
  } catch (error) {
    // Never a crash: an Error with a message, not a RangeError (stack) or anything else thrown.
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(RangeError);
    return { kind: 'failure', message: (error as Error).message };
  }
};

/** Whether the text was refused as JSON: a syntax error (a y_ document must never get one). */
const syntaxError = (outcome: Outcome): boolean =>
  outcome.kind === 'failure'
    ? /^(Invalid JSON|Invalid UTF-8)/.test(outcome.message)
    : outcome.items.some((item) => /invalid JSON/.test(item.error ?? ''));

/** Whether the document was refused at all (an n_ document must be: a failure, or an error item, never clean items). */
const refused = (outcome: Outcome): boolean =>
  outcome.kind === 'failure' || outcome.items.some((item) => item.error !== undefined);

const check = (name: string, outcome: Outcome) => {
  if (name.startsWith('y_')) expect({ name, syntaxError: syntaxError(outcome), outcome }).toMatchObject({ syntaxError: false });
  if (name.startsWith('n_')) expect({ name, refused: refused(outcome), outcome }).toMatchObject({ refused: true });
};

withSuite('JSONTestSuite (JSON_TEST_SUITE_DIR)', () => {
  it('has its documents', () => {
    expect(documents.filter(({ name }) => name.startsWith('y_')).length).toBeGreaterThan(90);
    expect(documents.filter(({ name }) => name.startsWith('n_')).length).toBeGreaterThan(180);
  });

  const wrapped = (bytes: Buffer) => Buffer.concat([Buffer.from('{"items": '), bytes, Buffer.from('}')]);

  describe.each([
    ['json', (bytes: Buffer) => bytes],
    ['jsont', wrapped],
  ] as const)('%s reader', (format, wrap) => {
    it.each(documents.map(({ name, bytes }) => [name, bytes] as const))('%s', async (name, bytes) => {
      const outcome = await run(FORMATS[format].read(fromBytes(wrap(bytes)), {}));
      check(name, outcome);
    });
  });

  describe('jsonl reader', () => {
    // A JSONL line is one document: those with a line feed inside are several lines, not this test's subject.
    const oneLine = documents.filter(({ bytes }) => !bytes.subarray(0, bytes.length - 1).includes(0x0a));
    it.each(oneLine.map(({ name, bytes }) => [name, bytes] as const))('%s', async (name, bytes) => {
      const outcome = await run(FORMATS.jsonl.read(fromBytes(bytes), {}));
      check(name, outcome);
    });
  });
});

describe('whitespace JSON does not have (stream-json takes any \\s)', () => {
  it.each([
    ['[\f]', 'Invalid JSON at line 1, column 2: U+000C is not JSON whitespace'],
    ['[{"a": 1},\u00a0{"b": 2}]', 'Invalid JSON at line 1, column 11: U+00A0 is not JSON whitespace'],
    ['{"items": [\n {"a":\u2028 1}]}', 'Invalid JSON at line 2, column 7: U+2028 is not JSON whitespace'],
  ])('%j is refused', async (text, message) => {
    const outcome = await run(FORMATS.json.read(() => Readable.from([Buffer.from(text)]), {}));
    expect(outcome).toEqual({ kind: 'failure', message });
  });

  it('inside strings they are text', async () => {
    const outcome = await run(FORMATS.json.read(() => Readable.from([Buffer.from('[{"a": "\u00a0\u2028"}]')]), {}));
    expect(outcome).toEqual({ kind: 'items', items: [{ index: 0, line: null, value: { a: '\u00a0\u2028' } }] });
  });
});
