import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { BUNDLE_FORMAT_VERSION, canonicalJson, type BundleManifest } from './manifest';
import { openBundle } from './read';
import { writeZip, type ZipEntrySource } from '../zip';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundle-read-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TAG = 'api::tag.tag';
const manifest = (overrides: Partial<BundleManifest> = {}): BundleManifest => ({
  bundleFormat: BUNDLE_FORMAT_VERSION,
  plugin: { name: 'strapi-plugin-data-migration-center', version: '0.1.0' },
  strapi: { version: '5.54.0' },
  source: 'test',
  createdAt: '2026-12-04T00:00:00.000Z',
  types: [{ uid: TAG, count: 1, schemaHash: 'h', attributes: { name: 'string' }, options: {} }],
  media: { count: 1 },
  definitions: true,
  ...overrides,
});

let counter = 0;
const zipOf = async (files: Record<string, string>) => {
  const entries: ZipEntrySource[] = Object.entries(files).map(([name, content]) => ({ name, open: () => Buffer.from(content) }));
  counter += 1;
  const file = path.join(dir, `b${counter}.zip`);
  fs.writeFileSync(file, await buffer(writeZip(entries)));
  return file;
};

const good = () => ({
  'content/api::tag.tag.jsonl': '{"name":"red"}\n',
  'media.jsonl': '{"hash":"cover_1","ext":".png","name":"cover.png"}\n',
  'media/cover_1.png': 'PNG',
  'schemas/api::tag.tag.json': '{"kind":"collectionType"}',
  'manifest.json': canonicalJson(manifest()),
});

const LIMITS = { maxEntries: 100 };

describe('openBundle', () => {
  it('reads the manifest, the content of a type, the media records and files, and the definitions', async () => {
    const bundle = await openBundle(await zipOf(good()), LIMITS);
    try {
      expect(bundle.manifest).toEqual(manifest());
      expect(await text(await bundle.content(TAG))).toBe('{"name":"red"}\n');
      expect(bundle.media).toEqual([
        { hash: 'cover_1', ext: '.png', name: 'media/cover_1.png', record: { hash: 'cover_1', ext: '.png', name: 'cover.png' } },
      ]);
      expect(await text(await bundle.file(bundle.media[0]))).toBe('PNG');
      expect(await bundle.definitions()).toEqual({ [TAG]: { kind: 'collectionType' } });
    } finally {
      bundle.close();
    }
  });

  const without = (name: string) => {
    const files: Record<string, string> = good();
    delete files[name];
    return files;
  };

  it.each([
    ['no manifest', without('manifest.json'), 'the zip holds no manifest.json: it is not a bundle'],
    ['a type without its content', without('content/api::tag.tag.jsonl'), 'manifest.json lists api::tag.tag, but the bundle holds no content/api::tag.tag.jsonl'],
    ['media without media.jsonl', without('media.jsonl'), 'manifest.json lists media, but the bundle holds no media.jsonl'],
    ['a media record without its file', without('media/cover_1.png'), 'media.jsonl, line 1: the bundle holds no media/cover_1.png'],
    ['a media line that is not JSON', { ...good(), 'media.jsonl': '{"hash":\n' }, 'media.jsonl, line 1: not JSON'],
    ['a hash that climbs out', { ...good(), 'media.jsonl': '{"hash":"../../etc/passwd","ext":""}\n' }, 'media.jsonl, line 1, hash: expected letters, digits, _ or -'],
    ['an extension that is a path', { ...good(), 'media.jsonl': '{"hash":"cover_1","ext":"/x.png"}\n' }, 'media.jsonl, line 1, ext: expected an extension such as .png'],
    ['a manifest of a newer format', { ...good(), 'manifest.json': canonicalJson(manifest({ bundleFormat: 2 })) }, 'bundle format 2'],
  ])('refuses a bundle with %s, before anything is read', async (_case, files, message) => {
    await expect(openBundle(await zipOf(files), LIMITS)).rejects.toThrow(message);
  });
});
