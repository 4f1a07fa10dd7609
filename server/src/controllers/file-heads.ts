import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { ReadFileHead } from '../../../shared/contracts';
import { getService } from '../utils';
import { validateFileHeadBody } from '../validation/file-heads';
import { uploadOf } from './upload';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The import wizard's reading of a file's head, by the server's own detection and readers. */
  async read(ctx: Context) {
    const { file } = uploadOf(ctx);
    const imports = getService(strapi, 'imports');
    const data = file ? await imports.readUploadHead(file) : await imports.readHead(await validateFileHeadBody(ctx.request.body));
    ctx.body = { data } satisfies ReadFileHead.Response;
  },
});
