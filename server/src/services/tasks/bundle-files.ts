import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Core } from '@strapi/strapi';
import type { BundleMediaFile } from '../../pipeline/bundle/write';
import type { ModelSchema } from '../../schema/model-schema';
import { chunks } from '../../pipeline/sql/in-lists';

/**
 * What a bundle carries beside its entries: the files its entries use (read through Strapi's upload provider) and
 * the content-type and component definitions.
 */

interface UploadFile {
  id: number;
  name: string;
  alternativeText: string | null;
  caption: string | null;
  width: number | null;
  height: number | null;
  mime: string;
  size: number;
  hash: string;
  ext: string | null;
  url: string;
  folderPath: string | null;
  provider: string | null;
}

interface UploadProvider {
  isPrivate?: () => boolean | Promise<boolean>;
  getSignedUrl?: (file: UploadFile) => Promise<{ url: string }>;
}

const FILE_UID = 'plugin::upload.file';
const FOLDER_UID = 'plugin::upload.folder';

/**
 * The media library's folder paths by name (`/Marketing/Banners`) for its own paths (`/1/3`, folders' pathIds, which
 * mean nothing in another app). Folder names cannot hold a slash (the upload plugin refuses them).
 */
const folderNames = async (strapi: Core.Strapi): Promise<(folderPath: string | null) => string> => {
  const folders = (await strapi.db.query(FOLDER_UID).findMany({ select: ['path', 'name'] })) as Array<{ path: string; name: string }>;
  const nameOf = new Map(folders.map((folder) => [folder.path, folder.name]));
  return (folderPath) => {
    const segments = (folderPath ?? '/').split('/').filter(Boolean);
    const names = segments.map((_, i) => nameOf.get(`/${segments.slice(0, i + 1).join('/')}`));
    // A path whose folder is gone (a file left behind): the root.
    return names.every((name): name is string => name !== undefined) ? `/${names.join('/')}` : '/';
  };
};
const FILE_COLUMNS = ['id', 'name', 'alternativeText', 'caption', 'width', 'height', 'mime', 'size', 'hash', 'ext', 'url', 'folderPath', 'provider'];

/** The bytes at a url (a provider other than the local one: S3, Cloudinary...); fails naming the file. */
const fetched = (file: UploadFile, url: () => Promise<string>): Readable =>
  Readable.from(
    (async function* () {
      const address = await url();
      const response = await fetch(address);
      if (!response.ok || !response.body) throw new Error(`The file ${file.name} (${file.hash}${file.ext ?? ''}) could not be read from its provider: HTTP ${response.status}`);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
    })()
  );

/** The file's bytes: the local provider's file under the public folder, otherwise its (signed, when private) url. */
const openFile = (strapi: Core.Strapi, file: UploadFile): Readable => {
  const provider = strapi.plugin('upload')?.provider as UploadProvider | undefined;
  if ((file.provider ?? 'local') === 'local') {
    const root = path.resolve(strapi.dirs.static.public);
    const at = path.resolve(root, `.${file.url}`);
    if (!at.startsWith(`${root}${path.sep}`)) throw new Error(`The file ${file.name} has a url outside the public folder: ${file.url}`);
    return fs.createReadStream(at);
  }
  return fetched(file, async () => {
    if (provider?.getSignedUrl && (await provider.isPrivate?.())) return (await provider.getSignedUrl(file)).url;
    return file.url;
  });
};

/** The files of these ids, as a bundle carries them (`media.jsonl` records, bytes opened when the zip reaches them). */
export const bundleMedia = async (strapi: Core.Strapi, ids: Set<number>): Promise<BundleMediaFile[]> => {
  const files: BundleMediaFile[] = [];
  const folderOf = await folderNames(strapi);
  for (const part of chunks([...ids].sort((a, b) => a - b))) {
    const rows = (await strapi.db.query(FILE_UID).findMany({ where: { id: { $in: part } }, select: FILE_COLUMNS })) as UploadFile[];
    for (const file of rows) {
      const ext = file.ext ?? '';
      files.push({
        hash: file.hash,
        ext,
        record: {
          hash: file.hash,
          ext,
          name: file.name,
          alternativeText: file.alternativeText ?? null,
          caption: file.caption ?? null,
          width: file.width ?? null,
          height: file.height ?? null,
          mime: file.mime,
          size: Number(file.size),
          folderPath: folderOf(file.folderPath),
        },
        open: () => openFile(strapi, file),
      });
    }
  }
  return files;
};

interface StrapiModel {
  modelType: 'contentType' | 'component';
  kind?: string;
  category?: string;
  __schema__?: Record<string, unknown>;
}

/** One content type's or component's definition as the app has it (`schemas/<uid>.json` of a bundle), or undefined. */
export const definitionOf = (strapi: Core.Strapi, uid: string) => {
  const model = strapi.getModel(uid as never) as unknown as StrapiModel | undefined;
  if (!model) return undefined;
  return {
    uid,
    modelType: model.modelType,
    ...(model.kind ? { kind: model.kind } : {}),
    ...(model.category ? { category: model.category } : {}),
    schema: model.__schema__ ?? {},
  };
};

/**
 * The definitions of the types and every component they use (at any depth), by uid: each as Strapi's Content-Type
 * Builder writes it (`schema`: collectionName, info, options, pluginOptions, attributes), with its uid and kind or
 * category.
 */
export const bundleDefinitions = (
  strapi: Core.Strapi,
  uids: string[],
  schemaOf: (uid: string) => ModelSchema | undefined
): Record<string, unknown> => {
  const definitions: Record<string, unknown> = {};
  const pending = [...uids];
  while (pending.length > 0) {
    const uid = pending.pop()!;
    if (uid in definitions) continue;
    const definition = definitionOf(strapi, uid);
    const schema = schemaOf(uid);
    if (!definition || !schema) continue;
    definitions[uid] = definition;
    for (const attribute of Object.values(schema.attributes)) {
      if (attribute.type === 'component' && attribute.component) pending.push(attribute.component);
      if (attribute.type === 'dynamiczone') pending.push(...(attribute.components ?? []));
    }
  }
  return definitions;
};
