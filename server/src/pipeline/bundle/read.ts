import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { BundleError, parseManifest, type BundleManifest } from './manifest';
import { contentEntryName, mediaEntryName, type BundleVersion } from './write';
import { openZip, type ZipLimits, type ZipReader } from '../zip';

/**
 * Reads a bundle written by write.ts (or by hand, or by another tool, following docs/bundles.md): the manifest
 * first, then everything it names is checked to be there before any entry is imported, so that a bundle missing a
 * file is refused whole instead of failing half-way.
 */

/** A line of media.jsonl: the file's metadata, and the name of its bytes in the zip. */
export interface BundleMediaRecord {
  hash: string;
  ext: string;
  name: string;
  record: Record<string, unknown>;
}

export interface BundleReader {
  manifest: BundleManifest;
  /** The items of a type (its drafts, or its published versions when it carries both), as JSONL bytes. */
  content(uid: string, version?: BundleVersion): Promise<Readable>;
  /** Whether that content holds any byte (a type exported without entries has an empty file). */
  hasContent(uid: string, version?: BundleVersion): boolean;
  /** The files the bundle carries (empty without media). */
  media: BundleMediaRecord[];
  /** The bytes of one file. */
  file(media: BundleMediaRecord): Promise<Readable>;
  /** Content-type and component definitions by uid (empty without definitions). */
  definitions(): Promise<Record<string, unknown>>;
  close(): void;
}

const SAFE_HASH = /^[A-Za-z0-9_-]{1,200}$/;
const SAFE_EXT = /^(\.[A-Za-z0-9]{1,16})?$/;

/** media.jsonl, each line checked: a hash and an extension that name a file of the zip. */
const readMedia = async (zip: ZipReader): Promise<BundleMediaRecord[]> => {
  const lines = (await text(await zip.open('media.jsonl'))).split('\n');
  const records: BundleMediaRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `media.jsonl, line ${i + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new BundleError(`${where}: not JSON (${(error as Error).message})`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new BundleError(`${where}: expected an object`);
    const { hash, ext = '' } = record as Record<string, unknown>;
    if (typeof hash !== 'string' || !SAFE_HASH.test(hash)) throw new BundleError(`${where}, hash: expected letters, digits, _ or -`);
    if (typeof ext !== 'string' || !SAFE_EXT.test(ext)) throw new BundleError(`${where}, ext: expected an extension such as .png`);
    const name = mediaEntryName({ hash, ext });
    if (!zip.has(name)) throw new BundleError(`${where}: the bundle holds no ${name}`);
    records.push({ hash, ext, name, record: record as Record<string, unknown> });
  });
  return records;
};

export const openBundle = async (path: string, limits: ZipLimits): Promise<BundleReader> => {
  const zip = await openZip(path, limits);
  try {
    if (!zip.has('manifest.json')) throw new BundleError('the zip holds no manifest.json: it is not a bundle');
    const manifest = parseManifest(await text(await zip.open('manifest.json')));
    for (const type of manifest.types) {
      if (!zip.has(contentEntryName(type.uid))) {
        throw new BundleError(`manifest.json lists ${type.uid}, but the bundle holds no ${contentEntryName(type.uid)}`);
      }
      if (type.published !== undefined && !zip.has(contentEntryName(type.uid, 'published'))) {
        throw new BundleError(`manifest.json counts published versions of ${type.uid}, but the bundle holds no ${contentEntryName(type.uid, 'published')}`);
      }
    }
    if (manifest.media && !zip.has('media.jsonl')) throw new BundleError('manifest.json lists media, but the bundle holds no media.jsonl');
    const media = manifest.media ? await readMedia(zip) : [];
    const schemaNames = zip.entries.map((entry) => entry.name).filter((name) => /^schemas\/[^/]+\.json$/.test(name));
    return {
      manifest,
      content: (uid, version) => zip.open(contentEntryName(uid, version)),
      hasContent: (uid, version) => zip.entries.some((entry) => entry.name === contentEntryName(uid, version) && entry.size > 0),
      media,
      file: (record) => zip.open(record.name),
      async definitions() {
        const definitions: Record<string, unknown> = {};
        for (const name of schemaNames) {
          const uid = name.slice('schemas/'.length, -'.json'.length);
          try {
            definitions[uid] = JSON.parse(await text(await zip.open(name)));
          } catch (error) {
            throw new BundleError(`${name}: not JSON (${(error as Error).message})`);
          }
        }
        return definitions;
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
};
