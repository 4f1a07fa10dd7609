import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { Readable } from 'node:stream';
import {
  actionOfKind,
  permission,
  type CancelTask,
  type CreateBundleExport,
  type CreateBundleImport,
  type CreateExportTask,
  type CreateMigrationTask,
  type CreateImportTask,
  type DeleteTask,
  type GetTask,
  type ListTasks,
  type ResumeTask,
  type RevertTask,
  type TaskKind,
} from '../../../shared/contracts';
import { FORMATS } from '../pipeline/formats';
import { toTask, type TaskRow } from '../services/tasks/task-row';
import { getService, idParam, parseId } from '../utils';
import { isApiTokenRequest } from './request';
import { validateListTasksQuery } from '../validation/tasks';
import { uploadOf } from './upload';

/**
 * Cancelling or deleting a task needs the action of its kind (`import` or `export`), on top of `read`. An API token
 * needs the route's own action (`tasks.cancel`, `tasks.delete`), which Strapi checked before the controller runs.
 */
const assertKindPermission = (ctx: Context, kind: TaskKind) => {
  if (isApiTokenRequest(ctx)) return;
  const ability = ctx.state.userAbility as { can(action: string): boolean } | undefined;
  const action = actionOfKind(kind);
  if (!ability?.can(permission(action))) {
    // A PolicyError keeps its message through Strapi's authorisation layer (a plain ForbiddenError is blanked).
    throw new errors.PolicyError(`You need the ${action} permission to change ${kind} tasks`);
  }
};

/** `attachment; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266). */
const attachment = (fileName: string) =>
  `attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(
    fileName
  )}`;


export default ({ strapi }: { strapi: Core.Strapi }) => {
  const actorOf = (ctx: Context) => getService(strapi, 'permissions').actorOf(ctx.state);
  /** Who creates a task: the admin user (with their permissions), or the API token (its permissions; no user). */
  const callerOf = async (ctx: Context) => ({ creator: isApiTokenRequest(ctx) ? null : ctx.state.user, actor: await actorOf(ctx) });

  /** 202 with the queued task; with `?wait=true`, 200 with the task once it has finished. */
  const answerTask = async (ctx: Context, row: TaskRow) => {
    if (ctx.query.wait === 'true' || ctx.query.wait === '1') {
      ctx.status = 200;
      return {
        data: toTask(await getService(strapi, 'runner').waitFor(row.id)),
      };
    }
    ctx.status = 202;
    return { data: toTask(row) };
  };

  return {
    async createImport(ctx: Context) {
      const row = await getService(strapi, 'imports').create({
        ...uploadOf(ctx),
        ...(await callerOf(ctx)),
      });
      ctx.body = (await answerTask(ctx, row)) satisfies CreateImportTask.Response;
    },

    async createExport(ctx: Context) {
      const row = await getService(strapi, 'exports').create({
        body: ctx.request.body,
        ...(await callerOf(ctx)),
      });
      ctx.body = (await answerTask(ctx, row)) satisfies CreateExportTask.Response;
    },

    async createMigration(ctx: Context) {
      const row = await getService(strapi, 'migrations').create({
        body: ctx.request.body,
        ...(await callerOf(ctx)),
      });
      ctx.body = (await answerTask(ctx, row)) satisfies CreateMigrationTask.Response;
    },

    async createBundleExport(ctx: Context) {
      const row = await getService(strapi, 'bundle-exports').create({
        body: ctx.request.body,
        ...(await callerOf(ctx)),
      });
      ctx.body = (await answerTask(ctx, row)) satisfies CreateBundleExport.Response;
    },

    async createBundleImport(ctx: Context) {
      const row = await getService(strapi, 'bundle-imports').create({
        ...uploadOf(ctx),
        ...(await callerOf(ctx)),
      });
      ctx.body = (await answerTask(ctx, row)) satisfies CreateBundleImport.Response;
    },

    /** The exported file (a bundle: its zip), or for an import the uploaded file, as an attachment. */
    async downloadFile(ctx: Context) {
      const actor = await actorOf(ctx);
      const { task, content } = await getService(strapi, 'tasks').file(idParam(ctx, 'Task'), actor);
      ctx.set('Content-Type', task.format ? FORMATS[task.format].mimeType : task.kind === 'bundle-export' ? 'application/zip' : 'application/octet-stream');
      ctx.set('Content-Disposition', attachment(task.fileName ?? `task-${task.id}`));
      ctx.body = content;
    },

    /** The failed items as CSV or JSON: itemNumber (counting from 1), line, key, stage, field, message, item. */
    async downloadErrorReport(ctx: Context) {
      const format = ctx.query.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') throw new errors.ValidationError('format must be csv or json');
      const limit = ctx.query.limit === undefined ? Infinity : parseId(ctx.query.limit);
      if (limit === null) throw new errors.ValidationError('limit must be a positive integer');
      const actor = await actorOf(ctx);
      const { task, content } = await getService(strapi, 'tasks').errorReport(idParam(ctx, 'Task'), { format, limit }, actor);
      const base = (task.fileName ?? `task-${task.id}`).replace(/\.[^.]+$/, '');
      ctx.set('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      ctx.set('Content-Disposition', attachment(`${base}-errors.${format}`));
      ctx.body = Readable.from(content);
    },

    async find(ctx: Context) {
      const query = await validateListTasksQuery(ctx.query);
      const { data, pagination } = await getService(strapi, 'tasks').list(query, await actorOf(ctx));
      ctx.body = { data, meta: { pagination } } satisfies ListTasks.Response;
    },

    async findOne(ctx: Context) {
      const data = await getService(strapi, 'tasks').findOne(idParam(ctx, 'Task'), await actorOf(ctx));
      ctx.body = { data } satisfies GetTask.Response;
    },

    async cancel(ctx: Context) {
      const tasks = getService(strapi, 'tasks');
      const id = idParam(ctx, 'Task');
      assertKindPermission(ctx, (await tasks.getRow(id)).kind);
      const data = await tasks.cancel(id);
      ctx.body = { data } satisfies CancelTask.Response;
    },

    async resume(ctx: Context) {
      const data = await getService(strapi, 'tasks').resume(idParam(ctx, 'Task'), await actorOf(ctx));
      ctx.body = { data } satisfies ResumeTask.Response;
    },

    /** POST /tasks/:id/revert `{ force? }`: a revert task (202; 200 with `?wait=true`). */
    async revert(ctx: Context) {
      const body = (ctx.request.body ?? {}) as { force?: unknown };
      if (body.force !== undefined && typeof body.force !== 'boolean') throw new errors.ValidationError('force must be true or false');
      const tasks = getService(strapi, 'tasks');
      const id = idParam(ctx, 'Task');
      assertKindPermission(ctx, 'revert');
      const row = await tasks.revert(id, { force: body.force === true, ...(await callerOf(ctx)) });
      ctx.body = (await answerTask(ctx, row)) satisfies RevertTask.Response;
    },

    async delete(ctx: Context) {
      const tasks = getService(strapi, 'tasks');
      const id = idParam(ctx, 'Task');
      assertKindPermission(ctx, (await tasks.getRow(id)).kind);
      const data = await tasks.delete(id);
      ctx.body = { data } satisfies DeleteTask.Response;
    },
  };
};
