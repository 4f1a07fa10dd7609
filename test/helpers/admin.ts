import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';
import type { Server } from './tasks';

export const PLUGIN_ACTIONS = ['read', 'import', 'export', 'templates', 'environments'].map((a) => `plugin::data-migration-center.${a}`);

let counter = 0;

/** Registers the first admin (a super admin) through the public endpoint and returns its token. */
export const registerSuperAdmin = async (app: Server): Promise<string> => {
  const res = await app
    .http()
    .post('/admin/register-admin')
    .send({ firstname: 'Super', lastname: 'Admin', email: 'super@example.com', password: 'Sup3rSecret!' });
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`register-admin answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.data.token as string;
};

/** A permission of a role: an action on a subject, with field/locale properties and conditions. */
export interface PermissionSpec {
  action: string;
  subject?: string | null;
  properties?: { fields?: string[]; locales?: string[] };
  conditions?: string[];
}

/** Content Manager actions, by their short name. */
export const cm = (action: 'read' | 'create' | 'update' | 'delete' | 'publish', subject: string, properties: PermissionSpec['properties'] = {}, conditions: string[] = []): PermissionSpec => ({
  action: `plugin::content-manager.explorer.${action}`,
  subject,
  properties,
  conditions,
});

/**
 * Creates an admin whose role has exactly `actions` (plugin actions, or any permission with its subject,
 * properties and conditions), logs it in and returns its token. `createAdmin(app, [])` is an admin without any of
 * the plugin's actions.
 */
export const createAdmin = async (app: TestApp, actions: Array<string | PermissionSpec>): Promise<string> => {
  return (await createAdminUser(app, actions)).token;
};

/** Like `createAdmin`, with the user's id. */
export const createAdminUser = async (app: TestApp, actions: Array<string | PermissionSpec>): Promise<{ token: string; id: number }> => {
  const strapi: Core.Strapi = app.strapi;
  counter += 1;
  const role = await strapi.service('admin::role').create({
    name: `Test role ${counter} ${Date.now()}`,
    // admin_roles.description is a varchar(255) on PostgreSQL and MariaDB (SQLite does not check lengths).
    description: `Actions: ${actions.map((a) => (typeof a === 'string' ? a : `${a.action} ${a.subject}`)).join(', ') || 'none'}`.slice(0, 255),
  });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    actions.map((a) =>
      typeof a === 'string'
        ? { action: a, subject: null, conditions: [], properties: {} }
        : { action: a.action, subject: a.subject ?? null, conditions: a.conditions ?? [], properties: a.properties ?? {} }
    )
  );
  const email = `user${counter}.${Date.now()}@example.com`;
  const password = 'Us3rSecret!';
  const user = await strapi.service('admin::user').create({
    firstname: 'Test',
    lastname: `User ${counter}`,
    email,
    password,
    isActive: true,
    roles: [role.id],
  });
  const res = await app.http().post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { token: res.body.data.token as string, id: user.id as number };
};
