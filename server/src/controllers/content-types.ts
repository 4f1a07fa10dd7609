import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { GetContentTypes } from '../../../shared/contracts';
import { getService } from '../utils';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const permissions = getService(strapi, 'permissions');
    const actor = await permissions.actorOf(ctx.state);
    const data = getService(strapi, 'content-types')
      .list()
      .map((type) => ({ ...type, access: permissions.describeAccess(actor, type) }));
    ctx.body = { data } satisfies GetContentTypes.Response;
  },
});
