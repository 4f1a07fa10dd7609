import { useRBAC } from '@strapi/strapi/admin';
import { ACTIONS, permission } from '../../../shared/contracts';

/** Every action of the plugin, checked once: `read`, `import`, `export`, `templates`, `environments`. */
const PERMISSIONS = ACTIONS.map((action) => ({ action: permission(action), subject: null }));

export interface Permissions {
  isLoading: boolean;
  canRead: boolean;
  canImport: boolean;
  canExport: boolean;
  /** Create, edit, duplicate and delete templates. */
  canManageTemplates: boolean;
  /** Manage environments, send bundles to them and fetch bundles from them (optional: absent = false). */
  canManageEnvironments?: boolean;
}

/** What the current admin may do in the center (the server checks it again on every route). */
export const usePermissions = (): Permissions => {
  const { allowedActions, isLoading } = useRBAC(PERMISSIONS);
  return {
    isLoading,
    canRead: allowedActions.canRead === true,
    canImport: allowedActions.canImport === true,
    canExport: allowedActions.canExport === true,
    canManageTemplates: allowedActions.canTemplates === true,
    canManageEnvironments: allowedActions.canEnvironments === true,
  };
};
