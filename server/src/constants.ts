import { PLUGIN_ID } from '../../shared/contracts';

export { PLUGIN_ID };

export const TASK_UID = `plugin::${PLUGIN_ID}.task` as const;
export const TEMPLATE_UID = `plugin::${PLUGIN_ID}.template` as const;
export const APPLIED_BATCH_FILE_UID = `plugin::${PLUGIN_ID}.applied-batch-file` as const;
export const BUNDLE_FILE_UID = `plugin::${PLUGIN_ID}.bundle-file` as const;
export const ENVIRONMENT_UID = `plugin::${PLUGIN_ID}.environment` as const;

/** The permission actions, as the admin's RBAC registers them. */
export const PERMISSION_ACTIONS = [
  { uid: 'read', displayName: 'Open the center, list tasks and templates, download files' },
  { uid: 'import', displayName: 'Run imports' },
  { uid: 'export', displayName: 'Run exports' },
  { uid: 'templates', displayName: 'Create, edit and delete templates' },
  { uid: 'environments', displayName: 'Manage environments and send or fetch bundles' },
].map((action) => ({ section: 'plugins' as const, pluginName: PLUGIN_ID, ...action }));
