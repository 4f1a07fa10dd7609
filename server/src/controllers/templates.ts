import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type {
  CreateTemplate,
  DeleteTemplate,
  GetTemplate,
  ListTemplates,
  UpdateTemplate,
} from '../../../shared/contracts';
import { getService, templateIdParam } from '../utils';
import { validateCreateTemplate, validateListTemplatesQuery, validateUpdateTemplate } from '../validation/templates';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const { kind } = await validateListTemplatesQuery(ctx.query);
    const data = await getService(strapi, 'templates').list({ kind });
    ctx.body = { data } satisfies ListTemplates.Response;
  },

  async findOne(ctx: Context) {
    const data = await getService(strapi, 'templates').findOne(templateIdParam(ctx));
    ctx.body = { data } satisfies GetTemplate.Response;
  },

  async create(ctx: Context) {
    const input = await validateCreateTemplate(ctx.request.body);
    const templates = getService(strapi, 'templates');
    const data = 'fromTaskId' in input ? await templates.createFromTask(input) : await templates.create(input);
    ctx.status = 201;
    ctx.body = { data } satisfies CreateTemplate.Response;
  },

  async update(ctx: Context) {
    const id = templateIdParam(ctx);
    const input = await validateUpdateTemplate(ctx.request.body);
    const data = await getService(strapi, 'templates').update(id, input);
    ctx.body = { data } satisfies UpdateTemplate.Response;
  },

  async delete(ctx: Context) {
    const data = await getService(strapi, 'templates').delete(templateIdParam(ctx));
    ctx.body = { data } satisfies DeleteTemplate.Response;
  },
});
