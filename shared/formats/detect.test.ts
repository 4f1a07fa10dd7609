import { Readable } from 'node:stream';

import { FORMATS as FORMAT_MODULES } from '../../server/src/pipeline/formats';
import { csvFormat } from '../../server/src/pipeline/formats/csv';
import { readFileHead } from '../../server/src/pipeline/formats/head';
import { DEFAULT_READ_LIMITS } from '../../server/src/pipeline/formats/limits';
import {
  ACCEPTED_EXTENSIONS,
  acceptedEndings,
  FORMATS,
  FORMAT_INFO,
  csvDelimiter,
  csvHeaderDelimiter,
  detectFormat,
  formatOfFileName,
} from '.';

/** The headers the server's CSV reader sees in `text` (through the importer's resolveColumns hook). */
const serverHeaders = async (text: string): Promise<string[]> => {
  let seen: string[] = [];
  const items = csvFormat.read(() => Readable.from([Buffer.from(text)]), {
    resolveColumns: (headers) => {
      seen = headers;
      return headers.map((header) => ({ header, path: [header] }));
    },
  });
  for await (const item of items) expect(item.error).toBeUndefined();
  return seen;
};

describe('shared formats: names', () => {
  it('describes each format under its own name, with a label, endings and the tabular flag', () => {
    for (const format of FORMATS) {
      expect(FORMAT_INFO[format].name).toBe(format);
      expect(FORMAT_INFO[format].label).toBe(format.toUpperCase());
      expect(FORMAT_INFO[format].extensions.length).toBeGreaterThan(0);
    }
    expect(FORMATS.filter((format) => FORMAT_INFO[format].tabular)).toEqual(['csv', 'xlsx']);
    expect(ACCEPTED_EXTENSIONS).toEqual(['.json', '.jsonl', '.jsont', '.csv', '.xlsx']);
  });

  // Was the admin's formatFromName test (admin/src/utils/fileHead.test.ts): the admin now uses this one.
  it.each([
    ['articles.json', 'json'],
    ['ARTICLES.JSONL', 'jsonl'],
    ['data.ndjson', 'jsonl'],
    ['batch.jsont', 'jsont'],
    ['contacts.csv', 'csv'],
    ['notes.txt', null],
    ['json', null],
  ])('the file name %s is %s', (name, format) => {
    expect(formatOfFileName(name)).toBe(format);
  });
});

describe('shared formats: detection', () => {
  // Was the admin's sniffFormat test: the same expectations hold for the server's detection.
  it('tells the formats apart by their first bytes', () => {
    expect(detectFormat({ head: '  [{"a":1}]' })).toBe('json');
    expect(detectFormat({ head: '{"a":1}\n{"a":2}\n' })).toBe('jsonl');
    expect(detectFormat({ head: '{"a":1}' })).toBe('jsonl');
    expect(detectFormat({ head: '{\n  "configuration": {},\n  "items": []\n}' })).toBe('jsont');
    expect(detectFormat({ head: '{"configuration":{},"items":[{"a":1}]}' })).toBe('jsont');
    expect(detectFormat({ head: 'a,b\n1,2' })).toBe('csv');
    expect(detectFormat({ head: '   ' })).toBeNull();
  });

  it('takes bytes as well as text (a BOM ignored)', () => {
    const bytes = new TextEncoder().encode('\uFEFF{"a":1}\n{"a":2}\n');
    expect(detectFormat({ head: bytes })).toBe('jsonl');
  });

  it('reads the delimiter of the header row: ; when it has more of them than , outside quotes', () => {
    expect(csvDelimiter('a;b;c')).toBe(';');
    expect(csvDelimiter('"x;y",b,c')).toBe(',');
    expect(csvHeaderDelimiter('\r\n"a\nb;c";d;e\n1,2,3')).toBe(';');
  });

  /** The fields the import wizard shows (the server's reading of the file's head, POST /file-heads). */
  const wizardFields = async (text: string, fileName: string) =>
    (await readFileHead({ head: Buffer.from(text), fileName, complete: true, limits: DEFAULT_READ_LIMITS }, FORMAT_MODULES)).fields;

  it('reads a tab-separated header as the import does: one column per tab (the wizard and the import alike)', async () => {
    const text = 'first\tlast\nAda\tLovelace\n';
    expect(csvHeaderDelimiter(text)).toBe('\t');
    const server = await serverHeaders(text);
    expect(server).toEqual(['first', 'last']);
    expect(await wizardFields(text, 'people.csv')).toEqual(server);
    // A semicolon header: three columns on both sides; commas inside a tab-separated header are data.
    const semicolons = 'a;b;c\n1;2;3\n';
    expect(await wizardFields(semicolons, 'semi.csv')).toEqual(await serverHeaders(semicolons));
    expect(csvDelimiter('last, first\tcity\tcountry')).toBe('\t');
    expect(csvDelimiter('title')).toBe(',');
  });
});

describe('shared formats: messages', () => {
  it('lists the accepted endings as the import refusal says them', () => {
    expect(acceptedEndings()).toBe('.json, .jsonl, .jsont, .csv or .xlsx');
  });
});
