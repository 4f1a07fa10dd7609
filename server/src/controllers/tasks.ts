import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { permission, type CancelTask, type DeleteTask, type GetTask, type ListTasks, type TaskKind } from '../../../shared/contracts';
import { getService, parseId } from '../utils';
import { validateListTasksQuery } from '../validation/tasks';

const idParam = (ctx: Context): number => {
  const id = parseId(ctx.params.id);
  if (id === null) throw new errors.NotFoundError(`Task ${String(ctx.params.id)} not found`);
  return id;
};

/** Cancelling or deleting a task needs the action of its kind (`import` or `export`), on top of `read`. */
const assertKindPermission = (ctx: Context, kind: TaskKind) => {
  const ability = ctx.state.userAbility as { can(action: string): boolean } | undefined;
  if (!ability?.can(permission(kind))) {
    // A PolicyError keeps its message through Strapi's authorisation layer (a plain ForbiddenError is blanked).
    throw new errors.PolicyError(`You need the ${kind} permission to change ${kind} tasks`);
  }
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: Context) {
    const query = await validateListTasksQuery(ctx.query);
    const { data, pagination } = await getService(strapi, 'tasks').list(query);
    ctx.body = { data, meta: { pagination } } satisfies ListTasks.Response;
  },

  async findOne(ctx: Context) {
    const data = await getService(strapi, 'tasks').findOne(idParam(ctx));
    ctx.body = { data } satisfies GetTask.Response;
  },

  async cancel(ctx: Context) {
    const tasks = getService(strapi, 'tasks');
    const id = idParam(ctx);
    assertKindPermission(ctx, (await tasks.getRow(id)).kind);
    const data = await tasks.cancel(id);
    ctx.body = { data } satisfies CancelTask.Response;
  },

  async delete(ctx: Context) {
    const tasks = getService(strapi, 'tasks');
    const id = idParam(ctx);
    assertKindPermission(ctx, (await tasks.getRow(id)).kind);
    const data = await tasks.delete(id);
    ctx.body = { data } satisfies DeleteTask.Response;
  },
});
