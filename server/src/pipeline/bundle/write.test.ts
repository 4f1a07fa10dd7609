import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { parseManifest, BUNDLE_FORMAT_VERSION } from './manifest';
import { writeBundle, type BundleContent } from './write';
import { openZip } from '../zip';
import { openBundle } from './read';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundle-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const jsonlOf = (items: unknown[]) =>
  async function* () {
    // Several items per chunk and an item split across chunks: counted by lines, not by chunks.
    const bytes = Buffer.from(items.map((item) => `${JSON.stringify(item)}\n`).join(''));
    const cut = Math.floor(bytes.length / 2);
    yield bytes.subarray(0, cut);
    yield bytes.subarray(cut);
  };

const content = (): BundleContent => ({
  manifest: {
    bundleFormat: BUNDLE_FORMAT_VERSION,
    plugin: { name: 'strapi-plugin-data-migration-center', version: '0.1.0' },
    strapi: { version: '5.54.0' },
    source: 'test',
    createdAt: '2026-12-04T00:00:00.000Z',
  },
  types: [
    { uid: 'api::category.category', schemaHash: 'c', attributes: { name: 'string' }, options: {}, lines: jsonlOf([{ name: 'News' }, { name: 'Sport' }]) },
    { uid: 'api::article.article', schemaHash: 'a', attributes: { title: 'string' }, options: { status: 'draft' }, lines: jsonlOf([{ title: 'x "y"\nz' }]) },
  ],
  media: [
    { hash: 'b_2', ext: '.png', record: { hash: 'b_2', name: 'b.png' }, open: () => Readable.from([Buffer.from('B')]) },
    { hash: 'a_1', ext: '.svg', record: { hash: 'a_1', name: 'a.svg' }, open: () => Readable.from([Buffer.from('A')]) },
    { hash: 'a_1', ext: '.svg', record: { hash: 'a_1', name: 'a.svg' }, open: () => Readable.from([Buffer.from('A')]) },
  ],
  definitions: { 'api::category.category': { kind: 'collectionType', attributes: { name: { type: 'string' } } } },
});

describe('writeBundle', () => {
  it('writes content in import order, each file once in hash order, definitions, and the manifest with the counts', async () => {
    const file = path.join(dir, 'bundle.zip');
    fs.writeFileSync(file, await buffer(writeBundle(content())));
    const zip = await openZip(file, { maxEntries: 100 });
    try {
      expect(zip.entries.map((e) => e.name)).toEqual([
        'content/api::category.category.jsonl',
        'content/api::article.article.jsonl',
        'media.jsonl',
        'media/a_1.svg',
        'media/b_2.png',
        'schemas/api::category.category.json',
        'manifest.json',
      ]);
      const manifest = parseManifest(await text(await zip.open('manifest.json')));
      expect(manifest.types.map((t) => [t.uid, t.count])).toEqual([
        ['api::category.category', 2],
        ['api::article.article', 1],
      ]);
      expect(manifest.media).toEqual({ count: 2 });
      expect(manifest.definitions).toBe(true);
      expect(await text(await zip.open('media.jsonl'))).toBe('{"hash":"a_1","name":"a.svg"}\n{"hash":"b_2","name":"b.png"}\n');
      expect(await text(await zip.open('media/b_2.png'))).toBe('B');
      expect(JSON.parse(await text(await zip.open('content/api::article.article.jsonl')))).toEqual({ title: 'x "y"\nz' });
    } finally {
      zip.close();
    }
  });

  it('writes the published versions of a type carried with both beside its drafts, counted apart; the reader opens either', async () => {
    const both = content();
    both.types[1] = { ...both.types[1], options: {}, publishedLines: jsonlOf([{ title: 'p1' }, { title: 'p2' }]) };
    both.media = null;
    const file = path.join(dir, 'both.zip');
    fs.writeFileSync(file, await buffer(writeBundle(both)));
    const bundle = await openBundle(file, { maxEntries: 100 });
    try {
      const article = bundle.manifest.types[1];
      expect([article.count, article.published]).toEqual([1, 2]);
      expect(bundle.manifest.types[0]).not.toHaveProperty('published');
      expect(await text(await bundle.content('api::article.article', 'published'))).toBe('{"title":"p1"}\n{"title":"p2"}\n');
      expect(bundle.hasContent('api::article.article', 'published')).toBe(true);
      expect(bundle.hasContent('api::category.category', 'published')).toBe(false);
    } finally {
      bundle.close();
    }
  });

  it('gives the same bytes for the same content', async () => {
    expect((await buffer(writeBundle(content()))).equals(await buffer(writeBundle(content())))).toBe(true);
  });

  it('writes no media entries and `media: null` when media are not included', async () => {
    const file = path.join(dir, 'plain.zip');
    fs.writeFileSync(file, await buffer(writeBundle({ ...content(), media: null, definitions: null })));
    const zip = await openZip(file, { maxEntries: 100 });
    try {
      expect(zip.entries.map((e) => e.name).filter((n) => !n.startsWith('content/'))).toEqual(['manifest.json']);
      const manifest = parseManifest(await text(await zip.open('manifest.json')));
      expect([manifest.media, manifest.definitions]).toEqual([null, false]);
    } finally {
      zip.close();
    }
  });
});
