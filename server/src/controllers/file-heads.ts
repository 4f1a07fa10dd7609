import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { ReadFileHead } from '../../../shared/contracts';
import { getService } from '../utils';
import { validateFileHeadBody } from '../validation/file-heads';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The import wizard's reading of a file's head, by the server's own detection and readers. */
  async read(ctx: Context) {
    const body = await validateFileHeadBody(ctx.request.body);
    const data = await getService(strapi, 'imports').readHead(body);
    ctx.body = { data } satisfies ReadFileHead.Response;
  },
});
