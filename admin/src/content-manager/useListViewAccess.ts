import { useRBAC } from '@strapi/strapi/admin';
import { useMemo } from 'react';
import { usePermissions } from '../hooks/usePermissions';

/** The Content Manager's actions on entries, as its permissions name them. */
export const contentManagerAction = (action: 'read' | 'create' | 'update') =>
  `plugin::content-manager.explorer.${action}`;

export interface ListViewAccess {
  isLoading: boolean;
  /** The center's read and export, and Read on the type in the Content Manager. */
  canExport: boolean;
  /** The center's read and import, and Create or Update on the type in the Content Manager. */
  canImport: boolean;
}

/**
 * What the list view of `contentType` offers: an export needs the center's `export` permission and Read on the type
 * in the Content Manager; an import needs the center's `import` and Create or Update on the type. Both also need the
 * center's `read`, without which its pages are closed. The server checks all of it again on every request.
 */
export const useListViewAccess = (contentType: string | undefined): ListViewAccess => {
  const center = usePermissions();
  const permissions = useMemo(
    () =>
      contentType
        ? (['read', 'create', 'update'] as const).map((action) => ({
            action: contentManagerAction(action),
            subject: contentType,
          }))
        : [],
    [contentType]
  );
  // `useRBAC` names each permission by its last part: canRead, canCreate, canUpdate (the center's are checked apart,
  // its `read` would share the name).
  const { allowedActions, isLoading } = useRBAC(permissions);
  if (!contentType) return { isLoading: false, canExport: false, canImport: false };
  return {
    isLoading: center.isLoading || isLoading,
    canExport: center.canRead && center.canExport && allowedActions.canRead === true,
    canImport:
      center.canRead && center.canImport && (allowedActions.canCreate === true || allowedActions.canUpdate === true),
  };
};
