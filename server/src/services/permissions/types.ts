/** What the permissions service and its helpers share: the Content Manager's actions and the user's ability. */

export type CmAction = 'read' | 'create' | 'update' | 'publish' | 'delete';

export const CM_ACTIONS: Record<CmAction, string> = {
  read: 'plugin::content-manager.explorer.read',
  create: 'plugin::content-manager.explorer.create',
  update: 'plugin::content-manager.explorer.update',
  publish: 'plugin::content-manager.explorer.publish',
  delete: 'plugin::content-manager.explorer.delete',
};

/** A CASL rule as `ability.rulesFor` returns it. */
interface AbilityRule {
  fields?: string | string[];
  conditions?: unknown;
  inverted: boolean;
  matchesField(field: string | undefined): boolean;
}

/** The user's ability (CASL), as Strapi's admin generates it. */
export interface UserAbility {
  can(action: string, subject?: unknown, field?: string): boolean;
  rulesFor(action: string, subjectType: string, field?: string): AbilityRule[];
}

/** An API token (Settings → API Tokens) a request or a task runs with. */
export interface TokenRef {
  id: number;
  name: string;
}

/**
 * Who runs a task or sends a request: an admin user, an API token (`id` null, `token` set: see tokens.ts), or null
 * for the system (batch files, the command line).
 */
export interface Actor {
  /** The admin user (null for an API token: entries it writes have no createdBy/updatedBy, as with the content API). */
  id: number | null;
  token: TokenRef | null;
  /** Unrestricted: a super admin, or a full-access API token. */
  superAdmin: boolean;
  ability: UserAbility;
}

/** Who created a task, as its row stores it: an admin user, an API token, or neither (the system). */
export interface TaskOwner {
  creatorId: number | null;
  tokenId: number | null;
}

export interface PermissionChecker {
  can(action: string, entity?: object, field?: string): boolean;
  validateQuery(query: object, options: { action: string }): Promise<unknown>;
}

export interface PermissionsManager {
  getQuery(action: string): Record<string, unknown> | null | undefined;
}

export interface AdminUser {
  id: number;
  isActive?: boolean;
  blocked?: boolean;
  roles?: Array<{ code?: string }>;
}

/** Filter nesting deeper than this is refused before anything walks it (no query a request sends needs more). */

/**
 * One user's access to one content type, through the Content Manager's permission checker.
 */
export interface ContentAccess {
  uid: string;
  /** The admin user (null: an API token). */
  userId: number | null;
  /** The checker's `can` (an entity checks the rules' conditions against it; a field checks field lists). */
  can(action: CmAction, entity?: object, field?: string): boolean;
  /** Whether every rule of the action permits this field path (`title`, `seo.metaTitle`). */
  allowsField(action: CmAction, path: string): boolean;
  /**
   * Whether the user may use this path for the action, as a whole or in part: a leaf field (`title`,
   * `seo.metaTitle`) permitted by every rule, or a component attribute (`seo`) one of whose fields is.
   */
  permits(action: CmAction, path: string): boolean;
  /** Whether the action's rules have conditions (locales, "is creator", ...): then entries are checked one by one. */
  hasConditions(action: CmAction): boolean;
  /** The action's conditions as Strapi filters (null: no condition). */
  conditionFilters(action: CmAction): Record<string, unknown> | null;
}
