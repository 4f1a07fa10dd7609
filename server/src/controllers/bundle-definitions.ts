import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { ApplyDefinitions } from '../../../shared/contracts';
import { getService } from '../utils';
import { uploadOf } from './upload';

/** The Content-Type Builder's own permission: who may not change the content model here may not from a bundle. */
const BUILDER_ACTION = 'plugin::content-type-builder.read';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** What a bundle's definitions change; applied through the Content-Type Builder in development mode. */
  async apply(ctx: Context) {
    const ability = ctx.state.userAbility as { can(action: string): boolean } | undefined;
    if (!ability?.can(BUILDER_ACTION)) {
      throw new errors.PolicyError('You need the Content-Type Builder permission to apply definitions');
    }
    const data = await getService(strapi, 'bundle-definitions').apply(uploadOf(ctx));
    ctx.body = { data } satisfies ApplyDefinitions.Response;
  },
});
