import type { Context } from 'koa';
import type { UploadedFile } from '../services/tasks/imports';

/** A multipart upload: the `file` field (left as formidable wrote it) and the `options` field. */
export const uploadOf = (ctx: Context) => ({
  file: (ctx.request as unknown as { files?: Record<string, UploadedFile | UploadedFile[]> }).files?.file,
  rawOptions: (ctx.request.body as { options?: unknown } | undefined)?.options,
});
