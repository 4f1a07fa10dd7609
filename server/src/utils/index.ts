import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { isShippedTemplateId, type TemplateId } from '../../../shared/contracts';
import { PLUGIN_ID } from '../constants';
import type { Services } from '../services';
import type { PluginConfig } from '../config';

/** The plugin's services, typed: `getService(strapi, 'tasks').list(...)`. */
export const getService = <TName extends keyof Services>(strapi: Core.Strapi, name: TName): Services[TName] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[TName];

/** The plugin's configuration, merged with its defaults by Strapi. */
export const getConfig = (strapi: Core.Strapi): PluginConfig => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;

/** The `:id` route parameter as a positive integer, or a 404 naming the resource. */
export const idParam = (ctx: Context, resource: string): number => {
  const id = parseId(ctx.params.id);
  if (id === null) throw new errors.NotFoundError(`${resource} ${String(ctx.params.id)} not found`);
  return id;
};

/** A positive integer id from a route parameter, or `null`. */
export const parseId = (value: unknown): number | null => {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/** The `:id` of a template route: a positive integer, or `shipped:<name>`; a 404 otherwise. */
export const templateIdParam = (ctx: Context): TemplateId =>
  isShippedTemplateId(ctx.params.id) ? (ctx.params.id as string) : idParam(ctx, 'Template');
