import type { Context } from 'koa';
import { API_TOKEN_STRATEGY } from '../services/permissions';

/** Whether a request came through the content-API routes with an API token (not an admin session or admin token). */
export const isApiTokenRequest = (ctx: Context): boolean =>
  (ctx.state.auth as { strategy?: { name?: string } } | undefined)?.strategy?.name === API_TOKEN_STRATEGY;
