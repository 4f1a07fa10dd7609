import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { GetContentTypes } from '../../../shared/contracts';
import { getService } from '../utils';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const data = getService(strapi, 'content-types').list();
    ctx.body = { data } satisfies GetContentTypes.Response;
  },
});
