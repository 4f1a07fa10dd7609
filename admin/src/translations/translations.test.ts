import { IntlMessageFormat } from 'intl-messageformat';
import * as fs from 'node:fs';
import * as path from 'node:path';
import en from './en.json';
import fr from './fr.json';

const english = en as Record<string, string>;
const french = fr as Record<string, string>;

/** The placeholders of an ICU message (`{name}`, `{count, plural, ...}`), sorted. */
const placeholders = (message: string) => [...new Set([...message.matchAll(/\{(\w+)[,}]/g)].map((match) => match[1]))].sort();

const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });

describe('translations', () => {
  it('has the same keys in English and French', () => {
    expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
  });

  it.each([
    ['en', english],
    ['fr', french],
  ])('has valid ICU messages in %s, with the English placeholders', (locale, messages) => {
    for (const [key, message] of Object.entries(messages)) {
      expect(() => new IntlMessageFormat(message, locale)).not.toThrow();
      expect([key, placeholders(message)]).toEqual([key, placeholders(english[key])]);
    }
  });

  it('has every static key the admin code asks for', () => {
    const used = sources(path.join(__dirname, '..')).flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/getTranslation\('([^']+)'\)/g)].map((match) => match[1])
    );
    expect(used.length).toBeGreaterThan(100);
    expect(used.filter((key) => !(key in english))).toEqual([]);
  });

  it('gives each static key the default message of the code', () => {
    const pairs = sources(path.join(__dirname, '..')).flatMap((file) =>
      [
        ...fs
          .readFileSync(file, 'utf8')
          .matchAll(/id: getTranslation\('([^']+)'\),\s*defaultMessage:\s*'((?:[^'\\]|\\.)*)'/g),
      ].map((match) => [match[1], match[2].replace(/\\'/g, "'")])
    );
    expect(pairs.filter(([key, message]) => english[key] !== message)).toEqual([]);
  });
});
