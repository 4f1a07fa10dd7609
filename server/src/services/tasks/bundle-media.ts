import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import { BUNDLE_FILE_UID } from '../../constants';
import type { BundleMediaRecord, BundleReader } from '../../pipeline/bundle/read';
import { forbidden, UPLOAD_CREATE, type Actor } from '../permissions';

/**
 * The files a bundle carries, stored in this app's media library before any entry is imported (a file is not part
 * of the database transaction: a bundle import that then fails or is a dry run leaves the files it stored, and the
 * next import reuses them). Each file, in order of preference:
 * - a file of this app with the same hash (the same app, or a copy of its database): used as it is;
 * - the file an earlier import of a bundle stored for that hash (`plugin::data-migration-center.bundle-file`), if
 *   it is still in the media library;
 * - else stored through Strapi's upload service (the app's provider: local, S3...; thumbnails and formats made as
 *   for any upload), with its name, alternative text and caption, in the folder of the same path by name as in the
 *   source (`/Marketing/Banners`, the folders made when missing), and remembered.
 * Entries then reference each file by the hash it has here (`ResolveContext.bundleFiles`).
 */

const FILE_UID = 'plugin::upload.file';
const FOLDER_UID = 'plugin::upload.folder';

interface UploadService {
  upload(
    input: {
      data: { fileInfo: { name: string; alternativeText?: string | null; caption?: string | null; folder?: number | null } };
      files: { filepath: string; originalFilename: string; mimetype: string; size: number };
    },
    opts?: { user?: { id: number } }
  ): Promise<Array<{ id: number; hash: string }>>;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The user may add files to the media library (a super admin and the system may). */
export const assertMayStoreFiles = (actor: Actor | null) => {
  if (actor && !actor.superAdmin && !actor.ability.can(UPLOAD_CREATE)) {
    throw forbidden(
      actor.token
        ? 'The bundle carries files: the API token needs the Upload plugin\'s upload action to import it'
        : 'The bundle carries files: you need the Media Library permission to upload (create) files to import it'
    );
  }
};

/** The hash a file of the bundle has in this app, if it is already here. */
const findHere = async (strapi: Core.Strapi, record: BundleMediaRecord): Promise<string | null> => {
  const same = (await strapi.db.query(FILE_UID).findOne({ where: { hash: record.hash }, select: ['hash'] })) as { hash: string } | null;
  if (same) return same.hash;
  const stored = (await strapi.db.query(BUNDLE_FILE_UID).findOne({ where: { sourceHash: record.hash }, select: ['fileId'] })) as { fileId: number } | null;
  if (!stored) return null;
  const file = (await strapi.db.query(FILE_UID).findOne({ where: { id: stored.fileId }, select: ['hash'] })) as { hash: string } | null;
  return file?.hash ?? null;
};

interface FolderService {
  create(data: { name: string; parent: number | null }, opts?: { user?: { id: number } }): Promise<{ id: number }>;
}

/**
 * The id of the media library folder at a path by name (`/Marketing/Banners`), each missing folder made through the
 * upload plugin's folder service (null: the root). `made` caches the paths already found during one import.
 */
const folderAt = async (strapi: Core.Strapi, folderPath: unknown, userId: number | null, made: Map<string, number | null>): Promise<number | null> => {
  const names = typeof folderPath === 'string' ? folderPath.split('/').filter(Boolean) : [];
  let parent: number | null = null;
  for (let i = 0; i < names.length; i += 1) {
    const at = `/${names.slice(0, i + 1).join('/')}`;
    if (made.has(at)) {
      parent = made.get(at) ?? null;
      continue;
    }
    const name = names[i];
    const existing = (await strapi.db.query(FOLDER_UID).findOne({ where: { name, parent: parent === null ? { id: { $null: true } } : { id: parent } }, select: ['id'] })) as { id: number } | null;
    const folder: { id: number } =
      existing ?? (await (strapi.plugin('upload').service('folder') as unknown as FolderService).create({ name, parent }, userId === null ? undefined : { user: { id: userId } }));
    made.set(at, folder.id);
    parent = folder.id;
  }
  return parent;
};

/** Stores one file of the bundle through the upload service, in its folder; answers its hash here. */
const store = async (strapi: Core.Strapi, bundle: BundleReader, record: BundleMediaRecord, userId: number | null, folders: Map<string, number | null>): Promise<string> => {
  const { name, alternativeText, caption, mime } = record.record;
  const fileName = text(name) || `${record.hash}${record.ext}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-bundle-file-'));
  try {
    const filepath = path.join(dir, `${record.hash}${record.ext}`);
    await pipeline(await bundle.file(record), fs.createWriteStream(filepath));
    const upload = strapi.plugin('upload').service('upload') as unknown as UploadService;
    const folder = await folderAt(strapi, record.record.folderPath, userId, folders);
    const [file] = await upload.upload(
      {
        data: { fileInfo: { name: fileName, alternativeText: text(alternativeText), caption: text(caption), folder } },
        files: { filepath, originalFilename: fileName, mimetype: text(mime) ?? 'application/octet-stream', size: fs.statSync(filepath).size },
      },
      userId === null ? undefined : { user: { id: userId } }
    );
    await strapi.db.query(BUNDLE_FILE_UID).deleteMany({ where: { sourceHash: record.hash } });
    await strapi.db.query(BUNDLE_FILE_UID).create({ data: { sourceHash: record.hash, fileId: file.id } });
    return file.hash;
  } catch (error) {
    throw new Error(`The bundle's file ${fileName} (media/${record.hash}${record.ext}) could not be stored: ${(error as Error).message}`, { cause: error });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * Every file of the bundle here: the bundle's hash → the hash of the file in this app. A dry run stores nothing:
 * only the files already here are mapped (entries that use another are previewed as failing to find it).
 */
export const storeBundleFiles = async (
  strapi: Core.Strapi,
  bundle: BundleReader,
  { userId, signal, dryRun }: { userId: number | null; signal: AbortSignal; dryRun: boolean }
): Promise<Map<string, string>> => {
  const files = new Map<string, string>();
  const folders = new Map<string, number | null>();
  for (const record of bundle.media) {
    signal.throwIfAborted();
    const here = (await findHere(strapi, record)) ?? (dryRun ? null : await store(strapi, bundle, record, userId, folders));
    if (here !== null) files.set(record.hash, here);
  }
  return files;
};
