import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { PreviewImport } from '../../../shared/contracts';
import { getService } from '../utils';
import { previewCount } from '../validation/import-options';
import { uploadOf } from './upload';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The import wizard's preview: the first items as read, as they would be written, and their problems. */
  async create(ctx: Context) {
    const count = previewCount((ctx.request.body as { count?: unknown } | undefined)?.count ?? ctx.query.count);
    const actor = await getService(strapi, 'permissions').actorOf(ctx.state);
    const data = await getService(strapi, 'imports').preview({ ...uploadOf(ctx), count, actor });
    ctx.body = { data } satisfies PreviewImport.Response;
  },
});
