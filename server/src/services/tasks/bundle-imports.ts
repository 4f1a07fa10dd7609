import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { openBundle } from '../../pipeline/bundle/read';
import { BundleError, schemaProblems } from '../../pipeline/bundle/manifest';
import { ZipError } from '../../pipeline/zip';
import { parseBundleImportOptions, resolveBundleImportOptions } from '../../validation/bundle-import-options';
import { bundleImportWithTemplate } from '../../validation/bundle-template-options';
import { fieldError } from '../../validation/import-options';
import { getConfig, getService } from '../../utils';
import type { Actor } from '../permissions';
import { checkedUpload, type UploadedFile } from './imports';
import { assertMayStoreFiles } from './bundle-media';
import type { NewTask, TaskRow } from './task-row';

/**
 * Starting a bundle import (docs/bundles.md): everything that can be refused is refused here, with a 400 and before
 * any task exists: the options, the file (missing, too large, not a zip, not a bundle, a bundle format newer than
 * this plugin's, an entry missing or unsafe), the schema check (each type and attribute the bundle needs that this
 * app lacks, all listed), each type's options, and the user's Content Manager permissions on every type (403).
 * Then the zip is stored with the task and the task is queued.
 */
export const createBundleImportsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async create({
    file,
    rawOptions,
    creator,
    actor = null,
  }: {
    file: UploadedFile | UploadedFile[] | undefined;
    rawOptions: unknown;
    creator: NewTask['creator'];
    actor?: Actor | null;
  }): Promise<TaskRow> {
    const options = await parseBundleImportOptions(rawOptions);
    await getService(strapi, 'tasks').assertQueueRoom(creator, actor?.token ?? null);
    const { file: upload, fileName } = checkedUpload(strapi, file, 'bundle.zip');
    const { limits } = getConfig(strapi);

    const bundle = await openBundle(upload.filepath, { maxEntries: limits.maxZipEntries }).catch((error: unknown) => {
      if (error instanceof BundleError || error instanceof ZipError) throw fieldError('file', `${fileName}: ${error.message}`);
      throw error;
    });
    const contentTypes = getService(strapi, 'content-types');
    let resolved;
    const bundleCarriesFiles = bundle.media.length > 0;
    try {
      const { manifest } = bundle;
      const problems = schemaProblems(manifest, contentTypes.schemaOf);
      for (const type of manifest.types) {
        if (contentTypes.schemaOf(type.uid) && !contentTypes.isOffered(type.uid)) {
          problems.push({ uid: type.uid, attribute: null, message: `${type.uid}: the Data Migration Center does not import this content type` });
        }
      }
      if (problems.length > 0) {
        throw new errors.ValidationError(
          `The bundle does not fit this app (nothing was imported): ${problems.map((problem) => problem.message).join('; ')}${
            manifest.definitions
              ? '. The bundle carries its definitions: apply them in development mode (POST /bundle-definitions, or the bundle import screen), then import it'
              : ''
          }`,
          {
            errors: problems.map((problem) => ({
              path: ['types', problem.uid, ...(problem.attribute ? [problem.attribute] : [])],
              message: problem.message,
              name: 'ValidationError',
            })),
          }
        );
      }
      // With a bundle template: its settings of the types this bundle holds, the request's own over them.
      const withTemplate =
        options.templateId === undefined
          ? options
          : bundleImportWithTemplate(await getService(strapi, 'templates').bundleSettingsFor(options.templateId), options, new Set(manifest.types.map((type) => type.uid)));
      resolved = resolveBundleImportOptions(
        withTemplate,
        {
          types: manifest.types.map((type) => ({ uid: type.uid, count: type.count, published: type.published, options: type.options })),
          source: manifest.source,
          createdAt: manifest.createdAt,
          fileName,
        },
        { describe: contentTypes.get, locales: await contentTypes.localeCodes() }
      );
    } finally {
      bundle.close();
    }
    const permissions = getService(strapi, 'permissions');
    for (const typeOptions of resolved.imports) permissions.assertImportAllowed(actor, typeOptions);
    if (bundleCarriesFiles) assertMayStoreFiles(actor);

    const storage = getService(strapi, 'storage');
    const fileKey = `tasks/${randomUUID()}/bundle.zip`;
    await pipeline(fs.createReadStream(upload.filepath), storage.createWriteStream(fileKey));
    const { types } = resolved.resolved;
    const task = await getService(strapi, 'tasks').create({
      kind: 'bundle-import',
      name: resolved.resolved.name,
      // One type: its uid (the task list names it); several: none (the options list them).
      contentType: types.length === 1 ? types[0].contentType : '',
      format: null,
      options: resolved.resolved,
      fileName,
      fileKey,
      total: types.reduce((sum, type) => sum + type.count + (type.published ?? 0), 0),
      dryRun: resolved.resolved.dryRun,
      creator,
      token: actor?.token ?? null,
    });
    getService(strapi, 'runner').kick();
    return task;
  },
});

export type BundleImportsService = ReturnType<typeof createBundleImportsService>;
