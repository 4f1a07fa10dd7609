import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ExportOptions, FileHead, Format, ImportOptions, PreviewImport, ReadFileHead, TextEncoding } from '../../../../shared/contracts';
import type { ResolvedImportOptions } from '../../pipeline/task-options';
import { previewItems } from '../../pipeline/import/preview';
import { preparerFor } from './import-context';
import { toUtf8, uploadEncoding } from '../../pipeline/formats/encoding';
import { readFileHead } from '../../pipeline/formats/head';
import { openSecrets, parseSecretsHeader, WrongPasswordError, type SecretsHeader } from '../../pipeline/secrets';
import { parseFormatVersion, planUpgrade } from '../../pipeline/formats/format-version';
import { detectFormat, FORMATS, HEAD_LENGTH, toImportOptions } from '../../pipeline/formats';
import { acceptedEndings, DETECT, headText } from '../../../../shared/formats';
import { fieldError, parseImportOptions, resolveImportOptions } from '../../validation/import-options';
import { getConfig, getService } from '../../utils';
import type { Actor } from '../permissions';
import type { NewTask, TaskRow } from './task-row';

/** An uploaded file as Strapi's body parser (formidable) leaves it on disk. */
export interface UploadedFile {
  filepath: string;
  originalFilename?: string | null;
  size: number;
}

const readHead = async (file: string): Promise<Buffer> => {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_LENGTH);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_LENGTH, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};

const secretsOnlyIn = (fileName: string, format: Format) =>
  `secrets: encrypted private fields are carried by JSON and JSONT files (in their header); "${fileName}" is ${FORMATS[format].label}`;

/**
 * The key of a file's secrets (README, *Secrets*), before the task exists: a 400 for a file with encrypted values
 * and no password, a wrong password (the header's check value), a password for a file without secrets, or a
 * malformed header. Null when neither the file nor the options have secrets.
 */
const openFileSecrets = async (value: unknown, password: string | undefined, fileName: string) => {
  if (value === undefined) {
    if (password !== undefined) throw fieldError('secrets', `secrets: the file "${fileName}" has no encrypted private fields: remove the secrets option`);
    return null;
  }
  let header: SecretsHeader;
  try {
    header = parseSecretsHeader(value);
  } catch (error) {
    throw fieldError('file', (error as Error).message);
  }
  if (password === undefined) {
    throw fieldError('secrets.password', `The file "${fileName}" has encrypted private fields (${header.fields.join(', ') || 'none listed'}): give the password it was exported with (secrets.password)`);
  }
  try {
    return { key: await openSecrets(header, password), encrypted: header.fields };
  } catch (error) {
    if (error instanceof WrongPasswordError) throw fieldError('secrets.password', `secrets.password: ${error.message}`);
    throw error;
  }
};

/** The first bytes of a zip file (a local file header): a bundle. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const formatBytes = (n: number) =>
  n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 ? 1 : 0)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;

/** One uploaded file within the plugin's maxFileSize (else a 400, or a 413), and the name it was sent with. */
export const checkedUpload = (
  strapi: Core.Strapi,
  file: UploadedFile | UploadedFile[] | undefined,
  defaultName: string
): { file: UploadedFile; fileName: string } => {
  if (!file) throw fieldError('file', 'file is required: send the file to import as the multipart field "file"');
  if (Array.isArray(file)) throw fieldError('file', 'send one file per import');
  const { maxFileSize } = getConfig(strapi);
  if (file.size > maxFileSize) {
    throw new errors.PayloadTooLargeError(
      `The file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxFileSize)} (${maxFileSize} bytes, the plugin's maxFileSize setting)`,
      { limit: maxFileSize, size: file.size }
    );
  }
  return { file, fileName: file.originalFilename || defaultName };
};

/** An upload ready to be queued: UTF-8 text (converted if it was not) or a workbook. */
interface ReadyUpload {
  options: ImportOptions;
  template: (ImportOptions & ExportOptions) | null;
  /** The file to read: the upload, or its UTF-8 copy. */
  upload: string;
  head: Buffer;
  fileName: string;
  creator: NewTask['creator'];
  actor: Actor | null;
  /** The encoding the upload was read in. */
  encoding: TextEncoding;
}

/** An upload's format, header and options resolved (a 400 for anything refused). */
const resolveUpload = async (
  strapi: Core.Strapi,
  { options, template, upload, head, fileName, actor, encoding }: Omit<ReadyUpload, 'creator'>
): Promise<{ format: Format; resolved: ResolvedImportOptions; formatVersion: number | undefined; secrets: { key: Buffer; encrypted: string[] } | null }> => {
  const { limits } = getConfig(strapi);

  const explicit = options.format ?? template?.format ?? null;
  let format: Format | null = detectFormat({ option: explicit, fileName, head });
  if (!format) {
    throw fieldError('format', `Cannot tell the format of "${fileName}": name it ${acceptedEndings()}, or set the format option`);
  }
  if (!FORMATS[format].detect(head)) {
    throw fieldError('file', `The file "${fileName}" does not look like ${FORMATS[format].label}${explicit ? ' (the format option)' : ' (its name)'}`);
  }

  // JSON and JSONT: the header (format version, configuration, secrets), read up to the items.
  let configuration: Partial<ImportOptions> | null = null;
  let formatVersion: number | undefined;
  let secrets: { key: Buffer; encrypted: string[] } | null = null;
  const { readHeader } = FORMATS[format];
  if (!readHeader && options.secrets) throw fieldError('secrets', secretsOnlyIn(fileName, format));
  if (readHeader) {
    const header = await readHeader(() => fs.createReadStream(upload), limits).catch((error: Error) => {
      throw fieldError('file', error.message);
    });
    secrets = await openFileSecrets(header.secrets, options.secrets?.password, fileName);
    if (header.actually && header.actually !== format) {
      if (explicit) throw fieldError('format', `The file "${fileName}" has a ${FORMATS[header.actually].label} ${header.configuration ? 'configuration' : 'header'}: import it with the format ${header.actually}`);
      format = header.actually;
    }
    try {
      formatVersion = parseFormatVersion(header.configuration?.formatVersion ?? header.formatVersion);
      // An older file is upgraded: its configuration here, its items as the task reads them.
      const upgrade = planUpgrade(formatVersion);
      if (header.configuration) {
        const normalised = toImportOptions(upgrade.configuration(header.configuration));
        if (normalised.className && !normalised.contentType) {
          throw new Error(`The JSONT configuration names className "${normalised.className}", which is not a Strapi content type uid such as api::article.article`);
        }
        const { formatVersion: _version, className: _className, ...importOptions } = normalised;
        configuration = importOptions;
      }
    } catch (error) {
      throw fieldError('file', (error as Error).message);
    }
  }

  const contentTypes = getService(strapi, 'content-types');
  const resolved = resolveImportOptions({
    layers: [options, template, configuration],
    format,
    fileName,
    describe: contentTypes.get,
    locales: await contentTypes.localeCodes(),
  });
  getService(strapi, 'permissions').assertImportAllowed(actor, resolved);
  // The encoding the file was read in (a UTF-16 byte order mark decides over the option).
  if (format !== 'xlsx') resolved.encoding = encoding;
  // Which attributes the file carries encrypted (the key stays in memory: secret-keys.ts).
  if (secrets) resolved.secrets = { encrypted: secrets.encrypted };
  return { format, resolved, formatVersion, secrets };
};

/** The task of an upload: format, header, options resolved, file stored, task queued. */
const queueImport = async (strapi: Core.Strapi, ready: ReadyUpload): Promise<TaskRow> => {
  const { upload, fileName, creator, actor } = ready;
  const { format, resolved, formatVersion, secrets } = await resolveUpload(strapi, ready);

  const storage = getService(strapi, 'storage');
  const fileKey = `tasks/${randomUUID()}/upload.${FORMATS[format].extensions[0]}`;
  await pipeline(fs.createReadStream(upload), storage.createWriteStream(fileKey));

  const task = await getService(strapi, 'tasks').create({
    kind: 'import',
    name: resolved.name,
    contentType: resolved.contentType,
    format,
    // Stored as the contract's ImportOptions: options left unset are absent, not null.
    options: Object.fromEntries(Object.entries(resolved).filter(([, value]) => value !== null)) as ImportOptions,
    fileName,
    fileKey,
    dryRun: resolved.dryRun,
    formatVersion: formatVersion ?? null,
    creator,
    token: actor?.token ?? null,
  });
  if (secrets) getService(strapi, 'secret-keys').hold(task.id, { key: secrets.key });
  getService(strapi, 'runner').kick();
  return task;
};

/** An upload checked, read in UTF-8 (a text file in another encoding converted to a temporary copy), then `use`d. */
const withUtf8Upload = async <T>(
  strapi: Core.Strapi,
  file: UploadedFile | UploadedFile[] | undefined,
  options: ImportOptions,
  actor: Actor | null,
  use: (ready: Omit<ReadyUpload, 'creator'>) => Promise<T>
): Promise<T> => {
  const { file: upload, fileName } = checkedUpload(strapi, file, 'upload');
  const raw = await readHead(upload.filepath);
  if (headText(raw).trim() === '') throw fieldError('file', `The file "${fileName}" is empty`);

  const template = options.templateId ? await getService(strapi, 'templates').settingsFor(options.templateId, 'import') : null;

  // A text file in another encoding is converted to UTF-8 once, here: the task, its resume and its reports read
  // UTF-8 as for any file (pipeline/formats/encoding.ts). A zip (an XLSX workbook) is not text.
  const encoding = raw.subarray(0, 4).equals(ZIP_MAGIC) ? 'utf-8' : uploadEncoding(raw, options.encoding ?? template?.encoding);
  if (encoding === 'utf-8') return use({ options, template, upload: upload.filepath, head: raw, fileName, actor, encoding });
  const converted = `${upload.filepath}.utf8`;
  try {
    await pipeline(fs.createReadStream(upload.filepath), toUtf8(encoding), fs.createWriteStream(converted));
    return await use({ options, template, upload: converted, head: await readHead(converted), fileName, actor, encoding });
  } finally {
    await fs.promises.rm(converted, { force: true });
  }
};

/**
 * Starting an import: everything that can be refused is refused here, with a 400 (or 413) and before any task
 * exists: the options, the file (missing, empty, too large, not what its name says), the format, the file's format
 * version (a newer one is refused; an older one is upgraded), a JSONT configuration, the template, the content type
 * and matchBy. Then the upload is moved into the task storage
 * and the task is queued.
 */
export const createImportsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create({
    file,
    rawOptions,
    creator,
    actor = null,
  }: {
    file: UploadedFile | UploadedFile[] | undefined;
    rawOptions: unknown;
    creator: NewTask['creator'];
    /** Whose Content Manager permissions apply (null: the system, as batch files and the command line run). */
    actor?: Actor | null;
  }): Promise<TaskRow> {
    // A zip is a bundle (docs/bundles.md): several types, their options under `types`; unless it is a workbook (XLSX).
    if (file && !Array.isArray(file)) {
      const first = await readHead(file.filepath);
      if (first.subarray(0, 4).equals(ZIP_MAGIC) && !DETECT.xlsx(headText(first))) {
        return getService(strapi, 'bundle-imports').create({ file, rawOptions, creator, actor });
      }
    }
    const options = await parseImportOptions(rawOptions);
    await getService(strapi, 'tasks').assertQueueRoom(creator, actor?.token ?? null);
    return withUtf8Upload(strapi, file, options, actor, (ready) => queueImport(strapi, { ...ready, creator }));
  },

  /**
   * The preview of an import (POST /import-previews): the first `count` items of the file through the field
   * mapping, the transforms and the checks of prepare, without writing anything (no task, nothing stored). Only the
   * head of the file is read.
   */
  async preview({
    file,
    rawOptions,
    count,
    actor = null,
  }: {
    file: UploadedFile | UploadedFile[] | undefined;
    rawOptions: unknown;
    count: number;
    actor?: Actor | null;
  }): Promise<PreviewImport.Response['data']> {
    const options = await parseImportOptions(rawOptions);
    return withUtf8Upload(strapi, file, options, actor, async (ready) => {
      const { format, resolved, formatVersion, secrets } = await resolveUpload(strapi, ready);
      const { limits, transforms } = getConfig(strapi);
      const contentTypes = getService(strapi, 'content-types');
      const type = contentTypes.get(resolved.contentType);
      const items = await previewItems({
        format: FORMATS[format],
        open: () => fs.createReadStream(ready.upload),
        options: resolved,
        attributes: type.attributes,
        limits,
        count,
        prepare: await preparerFor(contentTypes, resolved, formatVersion ?? null, transforms, secrets),
      });
      return { format, items };
    });
  },

  /** The import wizard's reading of a file's first 64 KB (pipeline/formats/head.ts), with the app's read limits. */
  readHead({ fileName, head, complete }: ReadFileHead.Request['body']): Promise<FileHead> {
    const { limits } = getConfig(strapi);
    return readFileHead({ head: Buffer.from(head, 'utf8'), fileName, complete, limits }, FORMATS);
  },

  /**
   * The same reading of a whole file the wizard sent (multipart `file`): an XLSX workbook, whose zip directory is at
   * its end. Within maxFileSize, as an import.
   */
  async readUploadHead(upload: UploadedFile | UploadedFile[] | undefined): Promise<FileHead> {
    const { file, fileName } = checkedUpload(strapi, upload, 'upload');
    const { limits } = getConfig(strapi);
    const head = await readHead(file.filepath);
    return readFileHead({ head, fileName, complete: true, limits, open: () => fs.createReadStream(file.filepath) }, FORMATS);
  },
});

export type ImportsService = ReturnType<typeof createImportsService>;
