import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type { Services } from '../services';
import type { PluginConfig } from '../config';

/** The plugin's services, typed: `getService(strapi, 'tasks').list(...)`. */
export const getService = <TName extends keyof Services>(strapi: Core.Strapi, name: TName): Services[TName] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[TName];

/** The plugin's configuration, merged with its defaults by Strapi. */
export const getConfig = (strapi: Core.Strapi): PluginConfig => strapi.config.get(`plugin::${PLUGIN_ID}`) as PluginConfig;

/** A positive integer id from a route parameter, or `null`. */
export const parseId = (value: unknown): number | null => {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};
