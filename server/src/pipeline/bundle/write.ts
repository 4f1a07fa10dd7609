import { Readable } from 'node:stream';
import { canonicalJson, type BundleManifest, type BundleTypeManifest } from './manifest';
import { writeZip, type ZipEntrySource } from '../zip';

/**
 * Writes a bundle: one zip holding, in this order,
 *   content/<uid>.jsonl   per type, in import order, in the item format of single-type exports;
 *   content/<uid>.published.jsonl
 *                         the published versions of a draft & publish type carried with both versions;
 *   media.jsonl           one line per file (name, alternativeText, caption, width, height, mime, size, hash,
 *                         folder path), sorted by hash;
 *   media/<hash><ext>     each file once;
 *   schemas/<uid>.json    content-type and component definitions, when asked;
 *   manifest.json         last, so that it can hold each type's count (known once its items are written).
 * The collaborators (the types' item bytes, the files' contents) are given by the caller; each is opened only when
 * the zip reaches it, so one type is read at a time.
 */

export interface BundleTypeContent extends Omit<BundleTypeManifest, 'count' | 'published'> {
  /** The type's items as JSONL bytes (one item per line). */
  lines: () => AsyncIterable<Uint8Array>;
  /** The published versions, when the type carries both versions (its `lines` are then the drafts). */
  publishedLines?: () => AsyncIterable<Uint8Array>;
}

/** Which of a type's files: its drafts (or only version), or the published versions of a type carried with both. */
export type BundleVersion = 'draft' | 'published';

export const contentEntryName = (uid: string, version: BundleVersion = 'draft') =>
  version === 'published' ? `content/${uid}.published.jsonl` : `content/${uid}.jsonl`;

export interface BundleMediaFile {
  hash: string;
  /** The file's extension with its dot (`.png`), as Strapi stores it. */
  ext: string;
  /** The line written to media.jsonl. */
  record: Record<string, unknown>;
  open: () => Readable;
}

export interface BundleContent {
  manifest: Omit<BundleManifest, 'types' | 'media' | 'definitions'>;
  /** In import order. */
  types: BundleTypeContent[];
  /** The files the bundle's entries use (null: media not included). */
  media: BundleMediaFile[] | null;
  /** Definitions by uid (null: not included). */
  definitions: Record<string, unknown> | null;
}

const NEWLINE = 0x0a;

/** The bytes of `lines`, counting the lines as they pass. */
const counted = (lines: AsyncIterable<Uint8Array>, onLine: () => void): Readable =>
  Readable.from(
    (async function* () {
      for await (const chunk of lines) {
        for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) onLine();
        yield chunk;
      }
    })()
  );

const byHash = (a: BundleMediaFile, b: BundleMediaFile) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);

export const mediaEntryName = (file: Pick<BundleMediaFile, 'hash' | 'ext'>) => `media/${file.hash}${file.ext}`;

export const writeBundle = ({ manifest, types, media, definitions }: BundleContent): Readable => {
  // Lines per content entry, counted as the entries are written.
  const counts = new Map<string, number>();
  const contentEntry = (name: string, lines: () => AsyncIterable<Uint8Array>): ZipEntrySource => {
    counts.set(name, 0);
    return { name, open: () => counted(lines(), () => counts.set(name, counts.get(name)! + 1)) };
  };
  const entries: ZipEntrySource[] = types.flatMap((type) => [
    contentEntry(contentEntryName(type.uid), type.lines),
    ...(type.publishedLines ? [contentEntry(contentEntryName(type.uid, 'published'), type.publishedLines)] : []),
  ]);

  // Each file once (by hash), in hash order: the same files give the same bytes.
  const files = media ? [...new Map(media.map((file) => [file.hash, file])).values()].sort(byHash) : null;
  if (files) {
    const records = files.map((file) => `${JSON.stringify(file.record)}\n`).join('');
    entries.push({ name: 'media.jsonl', open: () => Buffer.from(records) });
    for (const file of files) entries.push({ name: mediaEntryName(file), open: file.open });
  }
  for (const uid of Object.keys(definitions ?? {}).sort()) {
    entries.push({ name: `schemas/${uid}.json`, open: () => Buffer.from(canonicalJson(definitions![uid])) });
  }
  entries.push({
    name: 'manifest.json',
    open: () => {
      const whole: BundleManifest = {
        ...manifest,
        types: types.map(({ lines: _lines, publishedLines: _published, ...type }) => ({
          ...type,
          count: counts.get(contentEntryName(type.uid))!,
          ...(counts.has(contentEntryName(type.uid, 'published')) ? { published: counts.get(contentEntryName(type.uid, 'published'))! } : {}),
        })),
        media: files ? { count: files.length } : null,
        definitions: definitions !== null,
      };
      return Buffer.from(canonicalJson(whole));
    },
  });
  return writeZip(entries);
};
