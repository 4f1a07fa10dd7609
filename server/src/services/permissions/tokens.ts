import { CM_ACTIONS } from './types';

/**
 * What an API token (Settings → API Tokens, a content-API token) may do to content, said in the Content Manager's
 * terms so that every rule of issue 8 applies to it unchanged: the permission checker, the write gate, the read
 * filters and the download rules all ask the same questions of a token's ability as of a user's.
 *
 * A token may do through the center what it may do through Strapi's content API, and no more:
 * - full-access: everything (as a super admin: unrestricted, see `Actor.superAdmin`);
 * - read-only: read every content type (`find`/`findOne` on each), write none;
 * - custom: per type, read with `find` or `findOne`, create with `create`, update with `update`; publishing needs
 *   `create` or `update` (the content API publishes with either: `status=published`). Media files of a bundle need
 *   the upload plugin's `upload` action. No field or locale restriction exists for a token, as in the content API.
 */

export interface ContentApiToken {
  id: number;
  name: string;
  type: 'full-access' | 'read-only' | 'custom' | string;
  /** A custom token's actions (`api::article.article.find`, `plugin::data-migration-center.tasks.find`). */
  permissions?: string[] | null;
  expiresAt?: string | Date | null;
}

/** A permission as Strapi's admin permission engine takes it. */
export interface TokenPermission {
  action: string;
  subject: string | null;
  /** `locales: null` is every locale (i18n's rule; an absent `locales` would be none). No `fields`: every field. */
  properties: { locales: null };
  conditions: string[];
}

/** The admin action of the upload plugin that storing a bundle's media files needs (bundle-media.ts). */
export const UPLOAD_CREATE = 'plugin::upload.assets.create';
const UPLOAD_TOKEN_ACTION = 'plugin::upload.content-api.upload';

const permission = (action: string, subject: string | null): TokenPermission => ({ action, subject, properties: { locales: null }, conditions: [] });

/** Whether a token has expired (Strapi's own authentication refuses it at a request; a queued task checks again). */
export const isExpired = (token: Pick<ContentApiToken, 'expiresAt'>, now = Date.now()): boolean =>
  token.expiresAt !== null && token.expiresAt !== undefined && new Date(token.expiresAt).getTime() <= now;

/**
 * The Content Manager permissions equivalent to a read-only or custom token, for the content types given (a
 * full-access token needs none: it is unrestricted).
 */
export const tokenPermissions = (token: Pick<ContentApiToken, 'type' | 'permissions'>, contentTypes: string[]): TokenPermission[] => {
  if (token.type === 'read-only') return contentTypes.map((uid) => permission(CM_ACTIONS.read, uid));
  if (token.type !== 'custom') return [];
  const granted = new Set(token.permissions ?? []);
  const result: TokenPermission[] = [];
  for (const uid of contentTypes) {
    const has = (action: string) => granted.has(`${uid}.${action}`);
    if (has('find') || has('findOne')) result.push(permission(CM_ACTIONS.read, uid));
    if (has('create')) result.push(permission(CM_ACTIONS.create, uid));
    if (has('update')) result.push(permission(CM_ACTIONS.update, uid));
    if (has('create') || has('update')) result.push(permission(CM_ACTIONS.publish, uid));
    // A revert deletes what an import created (README, *Undo*).
    if (has('delete')) result.push(permission(CM_ACTIONS.delete, uid));
  }
  if (granted.has(UPLOAD_TOKEN_ACTION)) result.push(permission(UPLOAD_CREATE, null));
  return result;
};
