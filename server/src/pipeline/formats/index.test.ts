import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

import { FORMATS as FORMAT_NAMES, type Format } from '../../../../shared/contracts';
import { FORMATS, detectFormat, formatOfFileName } from './index';
import type { SourceItem } from './types';

const FIXTURES = path.join(__dirname, '../../../../test/fixtures/formats');
const head = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

describe('formats registry', () => {
  it('has one module per format, under its own name', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...FORMAT_NAMES].sort());
    for (const format of FORMAT_NAMES) {
      expect(FORMATS[format].name).toBe(format);
      expect(FORMATS[format].extensions.length).toBeGreaterThan(0);
      expect(FORMATS[format].mimeType).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
    }
  });

  it.each(FORMAT_NAMES.map((format) => [format]))('%s: what it writes, it detects and reads back', async (format) => {
    const module = FORMATS[format as Format];
    const items = [
      { documentId: 'a1', title: 'Hello' },
      { documentId: 'a2', title: '=1+1' },
    ];
    async function* pages() {
      yield items.slice(0, 1);
      yield items.slice(1);
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of module.write(pages(), {
      leadingKeys: ['documentId'],
      attributes: [{ name: 'title', type: 'string', required: false, unique: false, private: false }],
      configuration: { contentType: 'api::article.article' },
    })) {
      expect(chunk).toBeInstanceOf(Uint8Array);
      chunks.push(chunk);
    }
    const file = Buffer.concat(chunks);
    expect(module.detect(file.subarray(0, 65_536))).toBe(true);
    expect(detectFormat({ head: file })).toBe(format);
    expect(detectFormat({ head: file, fileName: `export.${module.extensions[0]}` })).toBe(format);
    const read: SourceItem[] = [];
    for await (const item of module.read(() => Readable.from([file]), {})) read.push(item);
    expect(read.map((item) => item.value)).toEqual(items);
  });
});

describe('detectFormat', () => {
  it('takes the explicit option first', () => {
    expect(detectFormat({ option: 'csv', fileName: 'a.json', head: '[{"a":1}]' })).toBe('csv');
  });

  it.each([
    ['items.json', 'json'],
    ['ITEMS.JSON', 'json'],
    ['items.jsonl', 'jsonl'],
    ['items.ndjson', 'jsonl'],
    ['items.jsont', 'jsont'],
    ['posts.batch-engine-data.json', 'jsont'],
    ['items.csv', 'csv'],
    ['items.txt', null],
    ['jsonl', null],
  ])('reads the file name %s as %s', (fileName, format) => {
    expect(formatOfFileName(fileName)).toBe(format);
  });

  it('prefers the file name over the content, but takes a .json that holds a JSONT object as JSONT', () => {
    expect(detectFormat({ fileName: 'a.csv', head: '[{"a":1}]' })).toBe('csv');
    // A JSON export: items and a format version, no configuration.
    expect(detectFormat({ fileName: 'a.json', head: '{\n  "formatVersion": 1,\n  "items": [\n' })).toBe('json');
    expect(detectFormat({ head: '{\n  "formatVersion": 1,\n  "items": [\n' })).toBe('json');
    expect(detectFormat({ fileName: 'a.json', head: '{"a":1}\n{"a":2}\n' })).toBe('json');
    expect(detectFormat({ fileName: 'batch.json', head: head('liferay.batch-engine-data.json') })).toBe('jsont');
    expect(detectFormat({ fileName: 'batch.json', head: head('articles-items-first.jsont') })).toBe('jsont');
  });

  it.each([
    ['articles.json', 'json'],
    ['articles-bom-crlf.jsonl', 'jsonl'],
    ['malformed-middle.jsonl', 'jsonl'],
    ['articles.jsont', 'jsont'],
    ['articles-items-first.jsont', 'jsont'],
    ['liferay.batch-engine-data.json', 'jsont'],
    ['articles-semicolon.csv', 'csv'],
  ])('sniffs %s as %s without a file name (BOM stripped)', (name, format) => {
    expect(detectFormat({ head: head(name) })).toBe(format);
    expect(detectFormat({ head: head(name).toString('utf8'), fileName: 'upload.bin' })).toBe(format);
  });

  it('sniffs a JSONT whose head ends inside its configuration', () => {
    const big = `{\n  "configuration": {\n    "fieldMapping": {${'"a": "b", '.repeat(10_000)}`;
    expect(detectFormat({ head: big.slice(0, 64 * 1024) })).toBe('jsont');
  });

  it('returns null when nothing matches', () => {
    expect(detectFormat({ head: '' })).toBeNull();
    expect(detectFormat({ head: '\uFEFF  \n' })).toBeNull();
    expect(detectFormat({ head: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]) })).toBeNull();
  });
});
