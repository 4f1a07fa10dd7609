import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type {
  CheckEnvironment,
  CreateEnvironment,
  DeleteEnvironment,
  FetchFromEnvironment,
  GetEnvironmentTask,
  ListEnvironments,
  SendToEnvironment,
  UpdateEnvironment,
} from '../../../shared/contracts';
import { toTask } from '../services/tasks/task-row';
import { getService, idParam, parseId } from '../utils';
import { errors } from '@strapi/utils';
import { validateCreateEnvironment, validateFetchBody, validateSendBody, validateUpdateEnvironment } from '../validation/environments';

/** Saved environments, and bundles sent to them or fetched from them (services/environments.ts). Admin only. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const environments = () => getService(strapi, 'environments');
  const actorOf = (ctx: Context) => getService(strapi, 'permissions').actorOf(ctx.state);

  return {
    async find(ctx: Context) {
      const data = await environments().list();
      ctx.body = { data } satisfies ListEnvironments.Response;
    },

    async create(ctx: Context) {
      const input = validateCreateEnvironment(ctx.request.body);
      const data = await environments().create(input);
      ctx.status = 201;
      ctx.body = { data } satisfies CreateEnvironment.Response;
    },

    async update(ctx: Context) {
      const id = idParam(ctx, 'Environment');
      const input = validateUpdateEnvironment(ctx.request.body);
      const data = await environments().update(id, input);
      ctx.body = { data } satisfies UpdateEnvironment.Response;
    },

    async delete(ctx: Context) {
      const data = await environments().delete(idParam(ctx, 'Environment'));
      ctx.body = { data } satisfies DeleteEnvironment.Response;
    },

    async check(ctx: Context) {
      const data = await environments().check(idParam(ctx, 'Environment'));
      ctx.body = { data } satisfies CheckEnvironment.Response;
    },

    /** POST /tasks/:id/send */
    async send(ctx: Context) {
      const taskId = idParam(ctx, 'Task');
      const { environmentId, options } = validateSendBody(ctx.request.body);
      const remoteTask = await environments().send(taskId, environmentId, options, await actorOf(ctx));
      ctx.status = 202;
      ctx.body = { data: { environmentId, remoteTask } } satisfies SendToEnvironment.Response;
    },

    /** GET /environments/:id/tasks/:taskId */
    async remoteTask(ctx: Context) {
      const id = idParam(ctx, 'Environment');
      const taskId = parseId(ctx.params.taskId);
      if (taskId === null) throw new errors.NotFoundError(`Task ${String(ctx.params.taskId)} not found`);
      const data = await environments().remoteTask(id, taskId);
      ctx.body = { data } satisfies GetEnvironmentTask.Response;
    },

    /** POST /environments/:id/fetch */
    async fetch(ctx: Context) {
      const id = idParam(ctx, 'Environment');
      const body = validateFetchBody(ctx.request.body);
      const row = await environments().fetch(id, body, ctx.state.user, await actorOf(ctx));
      ctx.status = 202;
      ctx.body = { data: toTask(row) } satisfies FetchFromEnvironment.Response;
    },
  };
};
