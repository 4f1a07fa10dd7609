import type { Core } from '@strapi/strapi';
import { errors, traverse } from '@strapi/utils';
import { mappingTargetOf, type ContentTypeAccess, type ContentTypeInfo } from '../../../../shared/contracts';
import type { ReadPermissions } from '../../validation/export-options';
import type { ResolvedImportOptions } from '../../pipeline/task-options';
import { fieldError } from '../../validation/import-options';
import type { WriteGate } from '../../pipeline/import/write/entries';
import { createWriteGate } from './write-gate';
import { modelSchema, type ModelSchema } from '../../schema/model-schema';
import { CM_ACTIONS, type Actor, type AdminUser, type CmAction, type ContentAccess, type PermissionChecker, type PermissionsManager, type TaskOwner, type UserAbility } from './types';
import { isExpired, tokenPermissions, type ContentApiToken, type TokenPermission } from './tokens';

export * from './types';
export { UPLOAD_CREATE } from './tokens';

/** The authentication of a content-API request (`ctx.state.auth`), as Strapi's API token strategy sets it. */
export interface RequestAuth {
  strategy?: { name?: string };
  credentials?: ContentApiToken | null;
}

/** Strapi's name of the API token strategy of the content API. */
export const API_TOKEN_STRATEGY = 'content-api-token';

/**
 * The Content Manager's rules, applied to the center. Nothing here decides what a role may do: every answer comes
 * from Strapi's own machinery, the Content Manager's permission checker (`can`, `validateQuery`, the permission
 * query of its conditions) over the user's ability as `admin::permission` generates it. This service only asks
 * it the questions an import or an export raises, and turns the answers into 403s, 400s and item errors.
 *
 * - A task created by a user runs with that user's permissions, computed again when it runs (a role changed in
 *   between applies). Batch files and the command line create tasks without a user: they run as the system,
 *   which, like a super admin, is not restricted.
 * - Fields: a field counts as permitted for reading (exports) and updating when EVERY rule of the role(s) for that
 *   action permits it. With one role (the usual case) that is exactly the role's field list; with several roles
 *   whose rules list different fields under different conditions it is the conservative choice (the
 *   Content Manager decides per entry; an export writes one set of columns for all entries).
 * - Entries: the permission query of the rules' conditions (locales, "is creator", custom conditions) is added to
 *   every read, and decides per entry which existing entries an import may update or publish.
 */

export const MAX_FILTER_DEPTH = 32;

/** Whether the actor created the task: the same admin user, or the same API token. */
const isOwner = (actor: Actor, task: TaskOwner) =>
  actor.token ? task.tokenId === actor.token.id : actor.id !== null && task.creatorId === actor.id;


/** A 403 that keeps its message through Strapi's error layer. */
export const forbidden = (message: string) => new errors.PolicyError(message);

const queryError = (option: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [option], message, name: 'ValidationError' }] });

/** Depth of a JSON value, walked without recursion (a hostile body cannot exhaust the stack here). */
const depthOf = (value: unknown): number => {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    max = Math.max(max, depth);
    if (max > MAX_FILTER_DEPTH) return max;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return max;
};

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
export const createPermissionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const checkerFactory = () =>
    strapi.plugin('content-manager').service('permission-checker') as unknown as {
      create(params: { userAbility: UserAbility; model: string }): PermissionChecker;
    };
  const permissionService = () =>
    strapi.service('admin::permission') as unknown as {
      engine: {
        generateUserAbility(user: AdminUser): Promise<UserAbility>;
        generateTokenAbility(permissions: TokenPermission[], owner: null): Promise<UserAbility>;
      };
      createPermissionsManager(params: { ability: UserAbility; model: string }): PermissionsManager;
    };
  const isSuperAdmin = (user: AdminUser) =>
    (strapi.service('admin::role') as unknown as { hasSuperAdminRole(user: AdminUser): boolean }).hasSuperAdminRole(user);

  /**
   * The field paths the admin's permission screens offer for a type (components expanded: `seo.metaTitle`). Kept per
   * type: content types and components change only with a restart, and a task list asks for every row.
   */
  const fieldsByType = new Map<string, string[]>();
  const nestedFields = (uid: string): string[] => {
    let fields = fieldsByType.get(uid);
    if (!fields) {
      fields = (
        strapi.service('admin::content-type') as unknown as {
          getNestedFields(model: unknown, options: { components: unknown }): string[];
        }
      ).getNestedFields(strapi.getModel(uid as never), { components: strapi.components });
      fieldsByType.set(uid, fields);
    }
    return fields;
  };

  const access = (actor: Actor | null, uid: string): ContentAccess | null => {
    if (!actor || actor.superAdmin) return null;
    const { ability } = actor;
    const checker = checkerFactory().create({ userAbility: ability, model: uid });
    const manager = permissionService().createPermissionsManager({ ability, model: uid });
    const rules = (action: CmAction) => ability.rulesFor(CM_ACTIONS[action], uid);
    const allowsField = (action: CmAction, path: string) => {
      const list = rules(action).filter((rule) => !rule.inverted);
      return list.length > 0 && list.every((rule) => rule.matchesField(path)) && checker.can(CM_ACTIONS[action], undefined, path);
    };
    const leaves = new Map<CmAction, string[]>();
    const permittedLeaves = (action: CmAction) => {
      if (!leaves.has(action)) leaves.set(action, nestedFields(uid).filter((path) => allowsField(action, path)));
      return leaves.get(action)!;
    };
    return {
      uid,
      userId: actor.id,
      can: (action, entity, field) => checker.can(CM_ACTIONS[action], entity, field),
      allowsField,
      permits: (action, path) => allowsField(action, path) || permittedLeaves(action).some((leaf) => leaf.startsWith(`${path}.`)),
      hasConditions: (action) => rules(action).some((rule) => rule.conditions && Object.keys(rule.conditions as object).length > 0),
      conditionFilters: (action) => {
        const query = manager.getQuery(CM_ACTIONS[action]);
        return query && Object.keys(query).length > 0 ? query : null;
      },
    };
  };

  /**
   * Filters and sort of a read (an export's options): only attributes the user may read, never a private one, at
   * any depth (through relations, components, `$and`/`$or`/`$not`). A 400 names the path. For every user, the
   * system included: a private attribute in a filter is an oracle of its value.
   */
  const validateReadQuery = async (
    actor: Actor | null,
    uid: string,
    { filters, sort }: { filters: Record<string, unknown> | null; sort: string[] | null }
  ): Promise<void> => {
    if (filters && depthOf(filters) > MAX_FILTER_DEPTH) {
      throw queryError('filters', `filters are nested more than ${MAX_FILTER_DEPTH} levels deep`);
    }
    const getModel = (target: string) => modelSchema(strapi, target);
    const schema = getModel(uid);
    const contentAccess = access(actor, uid);
    const accessTo = new Map<string, ContentAccess | null>();
    const accessOf = (target: string) => {
      if (!accessTo.has(target)) accessTo.set(target, access(actor, target));
      return accessTo.get(target) ?? null;
    };

    // 1. The Content Manager's own validation of a read query (permitted fields of the type, passwords, admin users).
    if (contentAccess) {
      const checker = checkerFactory().create({ userAbility: (actor as Actor).ability, model: uid });
      for (const [option, query] of [
        ['filters', filters ? { filters } : null],
        ['sort', sort ? { sort } : null],
      ] as const) {
        if (!query) continue;
        try {
          await checker.validateQuery(query, { action: CM_ACTIONS.read });
        } catch (error) {
          throw queryError(option, `${option}: ${(error as Error).message}: you may not read it (Content Manager permissions)`);
        }
      }
    }

    // 2. What it leaves open: private attributes at any depth, and the attributes of relation targets, which the
    //    user must be allowed to read in the target's own permissions.
    const visitor = (option: 'filters' | 'sort') => ({ key, attribute, schema: at, path }: { key: string; attribute?: { type: string; private?: boolean; target?: string }; schema: ModelSchema; path: { attribute?: string | null } }) => {
      if (!attribute) return;
      const where = path.attribute ?? key;
      if (attribute.private || attribute.type === 'password') {
        throw queryError(option, `${option}: "${where}" is a private attribute: it cannot be used to filter or sort`);
      }
      if (attribute.type === 'relation' && attribute.target) {
        const target = accessOf(attribute.target);
        if (target && !target.can('read')) throw queryError(option, `${option}: "${where}" leads to ${attribute.target}, which you may not read`);
      }
      if (at.modelType === 'contentType' && at.uid !== uid) {
        const target = accessOf(at.uid);
        if (target && !target.allowsField('read', key)) {
          throw queryError(option, `${option}: "${where}": you may not read ${key} of ${at.uid} (Content Manager permissions)`);
        }
      }
    };
    const context = { schema, getModel } as never;
    try {
      if (filters) await (traverse.traverseQueryFilters as unknown as (v: unknown, c: never) => (f: unknown) => Promise<unknown>)(visitor('filters'), context)(filters);
      if (sort) await (traverse.traverseQuerySort as unknown as (v: unknown, c: never) => (s: unknown) => Promise<unknown>)(visitor('sort'), context)(sort);
    } catch (error) {
      if (error instanceof errors.ValidationError) throw error;
      throw queryError('filters', `Invalid filters: ${(error as Error).message}`);
    }
  };


  /**
   * An import's options against the user's permissions, before any task exists: 403 without create nor update
   * (or without what the strategy or the status needs), 400 for a mapping onto fields the user may not write or a
   * matchBy they may not read.
   */
  const assertImportAllowed = (actor: Actor | null, options: ResolvedImportOptions) => {
    const uid = options.contentType;
    const contentAccess = access(actor, uid);
    if (!contentAccess) return;
    const canCreate = contentAccess.can('create');
    const canUpdate = contentAccess.can('update');
    if (!canCreate && !canUpdate) throw forbidden(`You need the Content Manager create or update permission on ${uid} to import into it`);
    if (options.importStrategy !== 'upsert' && !canCreate) {
      throw forbidden(`importStrategy ${options.importStrategy} creates entries: you need the Content Manager create permission on ${uid}`);
    }
    if (options.status === 'published' && !contentAccess.can('publish')) {
      throw forbidden(`status published publishes entries: you need the Content Manager publish permission on ${uid}`);
    }
    if (options.matchBy !== 'documentId' && !contentAccess.allowsField('read', options.matchBy)) {
      throw fieldError('matchBy', `matchBy "${options.matchBy}": you may not read this field of ${uid} (Content Manager permissions)`);
    }
    const targets = [
      ...Object.entries(options.fieldMapping).map(([source, entry]) => [source, mappingTargetOf(entry)] as const),
      ...Object.keys(options.computed ?? {}).map((attribute) => [`computed.${attribute}`, attribute] as const),
    ];
    for (const [source, target] of targets) {
      if (target === null || target === 'documentId' || target === 'locale') continue;
      if (!(canCreate && contentAccess.permits('create', target)) && !(canUpdate && contentAccess.permits('update', target))) {
        throw fieldError('fieldMapping', `fieldMapping maps "${source}" to "${target}": you may not create or update this field of ${uid} (Content Manager permissions)`);
      }
    }
  };

  /**
   * Whether a user may download a task's files (its export, its upload, its error report, which holds item data):
   * its creator may, and the system and super admins; anyone else must be able to read every field the file holds
   * (an export's fields; every attribute for an import) in every locale it may hold (an export's locale option;
   * every locale of the app for an import), whoever created the entries: a read permission with a condition other
   * than locales ("is creator", custom ones) does not let its holder download the files of others.
   */
  const canDownload = async (actor: Actor | null, task: TaskOwner & { contentType: string; kind: string; options: unknown }): Promise<boolean> => {
    if (!actor || actor.superAdmin || isOwner(actor, task)) return true;
    if (task.kind === 'bundle-export') {
      // A bundle: every type it was asked for, as the export of each would be (its dependencies are not known
      // before it runs: only its creator and super admins download a bundle made with dependencies).
      const bundle = (task.options ?? {}) as { types?: Array<{ contentType: string }>; withDependencies?: boolean };
      if (bundle.withDependencies || !bundle.types) return false;
      for (const type of bundle.types) {
        if (!(await canDownload(actor, { ...task, contentType: type.contentType, kind: 'export', options: type }))) return false;
      }
      return true;
    }
    const contentAccess = access(actor, task.contentType);
    const schema = modelSchema(strapi, task.contentType);
    if (!contentAccess || !contentAccess.can('read') || !schema) return false;
    const localized = schema.pluginOptions?.i18n?.localized === true;
    const options = (task.options ?? {}) as { fields?: string[]; locale?: string | null };
    const leaves = nestedFields(task.contentType);
    const fields = task.kind === 'export' && options.fields ? options.fields : [...new Set(leaves.map((path) => path.split('.')[0]))];
    const paths = fields.flatMap((field) => leaves.filter((leaf) => leaf === field || leaf.startsWith(`${field}.`)));
    const i18n = strapi.plugin('i18n')?.service('locales') as { find(): Promise<Array<{ code: string }>>; getDefaultLocale(): Promise<string> } | undefined;
    let locales: Array<string | null> = [null];
    if (localized && i18n) {
      const chosen = task.kind === 'export' ? options.locale ?? (await i18n.getDefaultLocale()) : 'all';
      locales = chosen === 'all' ? (await i18n.find()).map((locale) => locale.code) : [chosen];
    }
    return locales.every((locale) => {
      const subject = locale === null ? {} : { locale };
      return contentAccess.can('read', subject) && paths.every((path) => contentAccess.can('read', subject, path) && contentAccess.allowsField('read', path));
    });
  };

  /** What the admin may offer a user for a type (everything for the system and super admins). */
  const describeAccess = (actor: Actor | null, type: ContentTypeInfo): ContentTypeAccess => {
    const names = type.attributes.map((attribute) => attribute.name);
    const contentAccess = access(actor, type.uid);
    if (!contentAccess) return { read: true, create: true, update: true, publish: type.draftAndPublish, readable: names, writable: names };
    const can = { read: contentAccess.can('read'), create: contentAccess.can('create'), update: contentAccess.can('update') };
    return {
      ...can,
      publish: type.draftAndPublish && contentAccess.can('publish'),
      readable: can.read ? names.filter((name) => contentAccess.permits('read', name)) : [],
      writable: names.filter((name) => (can.create && contentAccess.permits('create', name)) || (can.update && contentAccess.permits('update', name))),
    };
  };

  /** The actor of an API token: its ability in the Content Manager's terms (tokens.ts), for every content type. */
  const actorOfToken = async (token: ContentApiToken): Promise<Actor> => {
    const ref = { id: token.id, name: token.name };
    if (token.type === 'full-access') return { id: null, token: ref, superAdmin: true, ability: await permissionService().engine.generateTokenAbility([], null) };
    const permissions = tokenPermissions(token, Object.keys(strapi.contentTypes));
    return { id: null, token: ref, superAdmin: false, ability: await permissionService().engine.generateTokenAbility(permissions, null) };
  };

  /** The actor a task runs as: the API token that created it, as it is now. A deleted or expired token cannot run it. */
  const actorOfTokenId = async (id: number): Promise<Actor> => {
    const service = strapi.service('admin::api-token-content-api') as unknown as { getById(id: number): Promise<ContentApiToken | null> };
    const token = await service.getById(id);
    if (!token) throw forbidden(`The API token #${id} that created this task no longer exists: the task cannot run with its permissions`);
    if (isExpired(token)) throw forbidden(`The API token "${token.name}" that created this task has expired`);
    return actorOfToken(token);
  };

  /**
   * The actor a task runs as: its creator's permissions as they are now (null: created by the system). A creator
   * who was deleted, blocked or deactivated since cannot run it, nor a token deleted or expired since.
   */
  const actorOfOwner = async ({ creatorId, tokenId }: TaskOwner): Promise<Actor | null> => {
    if (tokenId !== null && tokenId !== undefined) return actorOfTokenId(tokenId);
    if (creatorId === null || creatorId === undefined) return null;
    const user = (await strapi.db.query('admin::user').findOne({ where: { id: creatorId }, populate: ['roles'] })) as AdminUser | null;
    if (!user) throw forbidden(`The admin user #${creatorId} who created this task no longer exists: the task cannot run with their permissions`);
    if (user.isActive === false || user.blocked) throw forbidden(`The admin user #${creatorId} who created this task is no longer active`);
    return { id: user.id, token: null, superAdmin: isSuperAdmin(user), ability: await permissionService().engine.generateUserAbility(user) };
  };

  return {
    access,
    describeAccess,
    actorOfOwner,
    canDownload,
    validateReadQuery,
    /** The write gate of an import run by a restricted user (null: unrestricted); see write-gate.ts. */
    writeGate: (actor: Actor | null, uid: string, type: { draftAndPublish: boolean; localized: boolean }): WriteGate | null => {
      const contentAccess = access(actor, uid);
      return contentAccess ? createWriteGate(strapi, contentAccess, type) : null;
    },
    assertImportAllowed,

    /**
     * A revert (README, *Undo*) deletes what the import created and writes back what it updated: the user needs the
     * Content Manager create, update and delete permissions on each type it wrote (and publish, with draft & publish).
     */
    assertRevertAllowed(actor: Actor | null, types: Array<{ uid: string; draftAndPublish: boolean }>) {
      for (const { uid, draftAndPublish } of types) {
        const contentAccess = access(actor, uid);
        if (!contentAccess) continue;
        const needed: CmAction[] = ['create', 'update', 'delete', ...(draftAndPublish ? (['publish'] as const) : [])];
        const missing = needed.filter((action) => !contentAccess.can(action));
        if (missing.length > 0) throw forbidden(`You need the Content Manager ${missing.join(', ')} permission(s) on ${uid} to revert an import of it`);
      }
    },

    /** An export's read permissions for `resolveExportOptions` (the system and super admins: private filters only). */
    readPermissions(actor: Actor | null, uid: string): ReadPermissions {
      const contentAccess = access(actor, uid);
      if (contentAccess && !contentAccess.can('read')) {
        throw forbidden(`You need the Content Manager read permission on ${uid} to export it`);
      }
      return {
        permits: (path) => !contentAccess || contentAccess.permits('read', path),
        keyReadable: (target, key) => key === 'documentId' || (access(actor, target)?.allowsField('read', key) ?? true),
        validateQuery: (query) => validateReadQuery(actor, uid, query),
      };
    },

    /**
     * The actor of a request: an admin session (its ability as Strapi's admin authentication computed it; an admin
     * token is one), or an API token on the content-API routes.
     */
    async actorOf(state: { user?: AdminUser | null; userAbility?: UserAbility | null; auth?: RequestAuth | null }): Promise<Actor> {
      const { user, userAbility, auth } = state;
      if (auth?.strategy?.name === API_TOKEN_STRATEGY && auth.credentials) return actorOfToken(auth.credentials);
      // Never null here: null is the system, which is unrestricted.
      if (!user || !userAbility) throw new errors.UnauthorizedError('An admin session or an API token is required');
      return { id: user.id, token: null, superAdmin: isSuperAdmin(user), ability: userAbility };
    },
  };
};

export type PermissionsService = ReturnType<typeof createPermissionsService>;
