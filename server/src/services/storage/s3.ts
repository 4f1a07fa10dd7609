import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import createError from 'http-errors';
import type { S3StorageConfig } from '../../config';
import type { TaskFileStorage } from './types';
import { assertKey } from './keys';

/**
 * Task files in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2...), through the AWS SDK v3: private objects,
 * never Strapi's public media library. Every instance configured with the same bucket and prefix reads every file.
 *
 * - Writes stream through `@aws-sdk/lib-storage`'s Upload: parts of `partSize` bytes, `queueSize` at a time (an
 *   upload holds about 2 × partSize × queueSize bytes: measured 60-75 MB live at 8 MB × 4, 30 MB at 5 MB × 2), and the object exists only once the upload completes at the end of the stream (a
 *   multipart upload becomes an object at CompleteMultipartUpload; a small file is one PutObject at the end). A
 *   destroyed stream aborts the upload: an interrupted export leaves no object. (A process killed mid-upload leaves
 *   an incomplete multipart upload, invisible to readers: a bucket lifecycle rule removes those, see the README.)
 * - Reads stream GetObject's body, with a `Range` for partial reads.
 */

const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 2;

/**
 * An SDK error as a sentence naming the operation, bucket, key and the setting: a 503 when a request meets it (the
 * storage is unreachable or refuses the plugin's credentials: not the user's mistake).
 */
const describe = (error: unknown, operation: string, bucket: string, key: string): Error => {
  const cause = error as Error & { $metadata?: { httpStatusCode?: number } };
  const status = cause?.$metadata?.httpStatusCode;
  return createError(
    503,
    `The task file storage cannot be used: S3 ${operation} of s3://${bucket}/${key} failed: ${cause?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${cause?.message ?? String(error)}. Check the plugin's storage.s3 setting`,
    { cause: error }
  );
};

const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException
    ? error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata?.httpStatusCode === 404
    : false;

/**
 * A storage factory (a closure over its client and configuration returning the storage's methods): longer than 120
 * lines as a whole; each method inside it is not.
 */
export const createS3Storage = (config: S3StorageConfig): TaskFileStorage => {
  const bucket = config.bucket;
  const prefix = config.prefix ?? '';
  const client = new S3Client({
    region: config.region ?? 'us-east-1',
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle ?? false,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Checksums only where the API requires them: S3-compatible services (older MinIO, R2, s3rver) refuse the
    // SDK's default CRC32 trailers on streamed bodies.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const objectKey = (key: string) => `${prefix}${assertKey(key)}`;
  const id = `s3:${bucket}/${prefix}`;
  /** Scratch files of this bucket and prefix, in the system's temporary folder. */
  const scratchDir = path.join(os.tmpdir(), 'data-migration-center', createHash('sha256').update(id).digest('hex').slice(0, 16));

  const createWriteStream = (key: string): Writable => {
    const Key = objectKey(key);
    const body = new PassThrough();
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key, Body: body },
      partSize: config.partSize ?? DEFAULT_PART_SIZE,
      queueSize: config.queueSize ?? DEFAULT_QUEUE_SIZE,
      leavePartsOnError: false,
    });
    let completed = false;
    const done = upload.done().then(() => {
      completed = true;
    });
    const writable: Writable = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (body.write(chunk)) callback();
        else body.once('drain', () => callback());
      },
      final(callback) {
        body.end();
        done.then(
          () => callback(),
          (error: unknown) => callback(describe(error, 'upload', bucket, Key))
        );
      },
      destroy(error, callback) {
        if (completed) return callback(error);
        // Abort first, then end the body with an error: the upload must never complete with part of the file.
        upload
          .abort()
          .catch(() => undefined)
          .then(() => {
            body.destroy(error ?? new Error('The write was abandoned'));
            callback(error);
          });
      },
    });
    // A failed upload (refused, unreachable) fails the writer at once, not only at its end.
    done.catch((error: unknown) => {
      if (!writable.destroyed) writable.destroy(describe(error, 'upload', bucket, Key));
    });
    return writable;
  };

  const createReadStream = (key: string, range?: { start?: number; end?: number }): Readable => {
    const Key = objectKey(key);
    const out = new PassThrough();
    const abort = new AbortController();
    // A reader that stops early (an error report's first N rows) ends the request; a finished one leaves it be.
    out.once('close', () => {
      if (!out.readableEnded) abort.abort();
    });
    const Range = range && (range.start !== undefined || range.end !== undefined) ? `bytes=${range.start ?? 0}-${range.end ?? ''}` : undefined;
    client
      .send(new GetObjectCommand({ Bucket: bucket, Key, Range }), { abortSignal: abort.signal })
      .then((response) => pipeline(response.Body as Readable, out))
      .catch((error: unknown) => {
        if (!out.destroyed) out.destroy(describe(error, 'GetObject', bucket, Key));
      });
    return out;
  };

  return {
    provider: 's3',
    id,
    createWriteStream,
    createReadStream,
    localPath(key) {
      fs.mkdirSync(scratchDir, { recursive: true });
      return path.join(scratchDir, assertKey(key).replace(/\//g, '__'));
    },
    async verify() {
      await client.send(new HeadBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
        throw describe(error, 'HeadBucket', bucket, prefix);
      });
    },
    async size(key) {
      const Key = objectKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw describe(error, 'HeadObject', bucket, Key);
      }
    },
    async remove(key) {
      const Key = objectKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch((error: unknown) => {
        if (!isNotFound(error)) throw describe(error, 'DeleteObject', bucket, Key);
      });
    },
    async removeFolder(folder) {
      if (!folder.includes('/')) throw new Error(`Refusing to remove the top-level storage folder "${folder}"`);
      const Prefix = `${objectKey(folder)}/`;
      let ContinuationToken: string | undefined;
      do {
        const page = await client
          .send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken, MaxKeys: 1000 }))
          .catch((error: unknown) => {
            throw describe(error, 'ListObjectsV2', bucket, Prefix);
          });
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
        if (keys.length > 0) {
          const result = await client
            .send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }))
            .catch((error: unknown) => {
              throw describe(error, 'DeleteObjects', bucket, Prefix);
            });
          const failed = result.Errors ?? [];
          if (failed.length > 0) {
            throw new Error(
              `S3 DeleteObjects under s3://${bucket}/${Prefix} failed for ${failed.length} object(s): ${failed
                .slice(0, 3)
                .map((e) => `${e.Key}: ${e.Code} ${e.Message}`)
                .join('; ')}`
            );
          }
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async *listTaskFolders() {
      const Prefix = `${prefix}tasks/`;
      let ContinuationToken: string | undefined;
      // Objects come in key order: a folder's objects are consecutive, so a folder is complete once the next begins.
      let current: { folder: string; modifiedAt: Date } | null = null;
      let page: Array<{ folder: string; modifiedAt: Date }> = [];
      do {
        const listing = await client
          .send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken, MaxKeys: 1000 }))
          .catch((error: unknown) => {
            throw describe(error, 'ListObjectsV2', bucket, Prefix);
          });
        for (const object of listing.Contents ?? []) {
          const name = (object.Key ?? '').slice(Prefix.length).split('/')[0];
          if (!name || !object.Key?.slice(Prefix.length).includes('/')) continue;
          const modifiedAt = object.LastModified ?? new Date(0);
          if (current?.folder === `tasks/${name}`) {
            if (modifiedAt > current.modifiedAt) current.modifiedAt = modifiedAt;
            continue;
          }
          if (current) page.push(current);
          current = { folder: `tasks/${name}`, modifiedAt };
          if (page.length >= 100) {
            yield page;
            page = [];
          }
        }
        ContinuationToken = listing.IsTruncated ? listing.NextContinuationToken : undefined;
      } while (ContinuationToken);
      if (current) page.push(current);
      if (page.length > 0) yield page;
    },
    async removeOldScratchFiles(maxAgeMs) {
      let names: string[];
      try {
        names = await fsp.readdir(scratchDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const file = path.join(scratchDir, name);
        const stat = await fsp.stat(file).catch(() => null);
        if (stat && Date.now() - stat.mtimeMs > maxAgeMs) {
          await fsp.rm(file, { force: true });
          removed += 1;
        }
      }
      return removed;
    },
  };
};
