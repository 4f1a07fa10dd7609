/**
 * For the tests of this folder: a `useRBAC` that answers as the admin's does (each permission named by the last
 * part of its action: `plugin::content-manager.explorer.read` is canRead), from permissions the test grants:
 *   jest.mock('@strapi/strapi/admin', () => ({
 *     ...jest.requireActual('../testing/strapiAdmin'),
 *     ...jest.requireActual('../content-manager/rbac.testing'),
 *   }));
 * A granted permission is `action` (any subject) or `action subject`.
 */

interface Checked {
  action: string;
  subject?: string | null;
}

let granted = new Set<string>();

export const grant = (...permissions: string[]) => {
  granted = new Set(permissions);
};

const allowed = ({ action, subject }: Checked) => granted.has(action) || granted.has(`${action} ${subject}`);

const actionName = (action: string) => {
  const last = action.split('.').pop() ?? '';
  return `can${last
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
};

export const useRBAC = (permissions: Checked[] = []) => {
  const allowedActions: Record<string, boolean> = {};
  for (const permission of permissions) {
    const name = actionName(permission.action);
    allowedActions[name] = allowedActions[name] === true || allowed(permission);
  }
  return { allowedActions, isLoading: false, permissions };
};

/** The center's own permissions, all of them. */
export const CENTER = ['read', 'import', 'export', 'templates'].map(
  (action) => `plugin::data-migration-center.${action}`
);
