import type { Core } from '@strapi/strapi';
import { permission, type Action } from '../../../shared/contracts';
import { API_TOKEN_STRATEGY } from '../services/permissions';

/**
 * One admin route: the admin-auth policy plus the permission action it needs. Every route of the plugin goes
 * through here, so no route can be added without its permission.
 */
export const adminRoute = (
  method: Core.RouteInput['method'],
  path: string,
  handler: string,
  action: Action
): Core.RouteInput => ({
  method,
  path,
  handler,
  config: {
    policies: ['admin::isAuthenticatedAdmin', { name: 'admin::hasPermissions', config: { actions: [permission(action)] } }],
  },
});

/** The admin API (README, *Admin API*; types in shared/contracts), mounted under `/data-migration-center`. */
export const adminRoutes: Core.RouteInput[] = [
  adminRoute('GET', '/content-types', 'content-types.find', 'read'),

  adminRoute('POST', '/file-heads', 'file-heads.read', 'import'),
  adminRoute('POST', '/import-previews', 'import-previews.create', 'import'),
  adminRoute('POST', '/import-tasks', 'tasks.createImport', 'import'),
  adminRoute('POST', '/export-tasks', 'tasks.createExport', 'export'),
  adminRoute('POST', '/migration-tasks', 'tasks.createMigration', 'import'),
  adminRoute('POST', '/bundle-exports', 'tasks.createBundleExport', 'export'),
  adminRoute('POST', '/bundle-imports', 'tasks.createBundleImport', 'import'),
  adminRoute('POST', '/bundle-definitions', 'bundle-definitions.apply', 'import'),
  adminRoute('GET', '/tasks', 'tasks.find', 'read'),
  adminRoute('GET', '/tasks/:id', 'tasks.findOne', 'read'),
  adminRoute('GET', '/tasks/:id/file', 'tasks.downloadFile', 'read'),
  adminRoute('GET', '/tasks/:id/error-report', 'tasks.downloadErrorReport', 'read'),
  adminRoute('POST', '/tasks/:id/cancel', 'tasks.cancel', 'read'),
  adminRoute('POST', '/tasks/:id/resume', 'tasks.resume', 'import'),
  adminRoute('POST', '/tasks/:id/revert', 'tasks.revert', 'import'),
  adminRoute('DELETE', '/tasks/:id', 'tasks.delete', 'read'),

  adminRoute('GET', '/templates', 'templates.find', 'read'),
  adminRoute('GET', '/templates/:id', 'templates.findOne', 'read'),
  adminRoute('POST', '/templates', 'templates.create', 'templates'),
  adminRoute('PUT', '/templates/:id', 'templates.update', 'templates'),
  adminRoute('DELETE', '/templates/:id', 'templates.delete', 'templates'),

  adminRoute('GET', '/environments', 'environments.find', 'environments'),
  adminRoute('POST', '/environments', 'environments.create', 'environments'),
  adminRoute('PUT', '/environments/:id', 'environments.update', 'environments'),
  adminRoute('DELETE', '/environments/:id', 'environments.delete', 'environments'),
  adminRoute('POST', '/environments/:id/check', 'environments.check', 'environments'),
  adminRoute('GET', '/environments/:id/tasks/:taskId', 'environments.remoteTask', 'environments'),
  adminRoute('POST', '/environments/:id/fetch', 'environments.fetch', 'environments'),
  adminRoute('POST', '/tasks/:id/send', 'environments.send', 'environments'),
];

/**
 * One content-API route, for API tokens (Settings → API Tokens) only: Strapi's token strategy checks the route's
 * action (`plugin::data-migration-center.<controller>.<action>`, offered one by one to custom tokens; read-only
 * tokens reach the `find`/`findOne` ones), then the controller runs with the token's permissions on content
 * (services/permissions/tokens.ts). End users of the Users & Permissions plugin are not let in.
 */
export const tokenRoute = (method: Core.RouteInput['method'], path: string, handler: string): Core.RouteInput => ({
  method,
  path,
  handler,
  config: { auth: { strategies: [API_TOKEN_STRATEGY] } },
});

/** The same operations for CI scripts and other instances, mounted under `/api/data-migration-center` (README, *API tokens*). */
export const contentApiRoutes: Core.RouteInput[] = [
  tokenRoute('GET', '/info', 'info.find'),
  tokenRoute('GET', '/content-types', 'content-types.find'),

  tokenRoute('POST', '/import-tasks', 'tasks.createImport'),
  tokenRoute('POST', '/export-tasks', 'tasks.createExport'),
  tokenRoute('POST', '/migration-tasks', 'tasks.createMigration'),
  tokenRoute('POST', '/bundle-exports', 'tasks.createBundleExport'),
  tokenRoute('POST', '/bundle-imports', 'tasks.createBundleImport'),
  tokenRoute('GET', '/tasks', 'tasks.find'),
  tokenRoute('GET', '/tasks/:id', 'tasks.findOne'),
  tokenRoute('GET', '/tasks/:id/file', 'tasks.downloadFile'),
  tokenRoute('GET', '/tasks/:id/error-report', 'tasks.downloadErrorReport'),
  tokenRoute('POST', '/tasks/:id/cancel', 'tasks.cancel'),
  tokenRoute('POST', '/tasks/:id/resume', 'tasks.resume'),
  tokenRoute('POST', '/tasks/:id/revert', 'tasks.revert'),
  tokenRoute('DELETE', '/tasks/:id', 'tasks.delete'),

  tokenRoute('GET', '/templates', 'templates.find'),
  tokenRoute('GET', '/templates/:id', 'templates.findOne'),
];

export default {
  admin: {
    type: 'admin',
    routes: adminRoutes,
  },
  'content-api': {
    type: 'content-api',
    routes: contentApiRoutes,
  },
};
