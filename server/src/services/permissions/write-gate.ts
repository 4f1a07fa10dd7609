import type { Core } from '@strapi/strapi';
import { chunks } from '../../pipeline/sql/in-lists';
import type { Refusal, WriteCheck, WriteGate } from '../../pipeline/import/write/entries';
import { modelSchema } from '../../schema/model-schema';
import type { CmAction, ContentAccess } from './types';

/** The field paths an item's data sets: attributes, and the fields inside components (`seo.metaTitle`). */
const pathsOf = (strapi: Core.Strapi, uid: string, data: Record<string, unknown>): string[] => {
  const paths: string[] = [];
  const stack: Array<{ model: string; prefix: string; value: Record<string, unknown> }> = [{ model: uid, prefix: '', value: data }];
  while (stack.length > 0) {
    const { model, prefix, value } = stack.pop()!;
    const schema = modelSchema(strapi, model);
    for (const name of Object.keys(value)) {
      if (prefix && (name === 'id' || name === '__component')) continue;
      const attribute = schema?.attributes[name];
      const path = `${prefix}${name}`;
      if (attribute?.type === 'component' && attribute.component) {
        const entries = (Array.isArray(value[name]) ? value[name] : [value[name]]) as unknown[];
        const objects = entries.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object');
        if (objects.length === 0) paths.push(path);
        for (const entry of objects) stack.push({ model: attribute.component, prefix: `${path}.`, value: entry });
      } else {
        paths.push(path);
      }
    }
  }
  return [...new Set(paths)];
};

/**
 * The write gate of an import run by a restricted user (null: unrestricted). Per batch: which checks the user's
 * Content Manager permissions refuse, and why. New entries are checked against the rules as the entry will be
 * (its locale, its values, created by the user); existing entries by the permission query of the action's
 * conditions, one query per batch, inside the task's transaction.
 */
export const createWriteGate = (
  strapi: Core.Strapi,
  contentAccess: ContentAccess,
  { draftAndPublish, localized }: { draftAndPublish: boolean; localized: boolean }
): WriteGate => {
  const { uid } = contentAccess;
  const { userId } = contentAccess;
  const inLocale = (locale: string | null) => (locale ? ` in locale ${locale}` : '');
  const subjectOf = (check: WriteCheck) => ({ ...check.data, ...(localized ? { locale: check.locale } : {}), createdBy: { id: userId }, updatedBy: { id: userId } });

  /** The existing entries (`documentId|locale`) the action's conditions let the user change (null: all of them). */
  const permittedExisting = async (action: CmAction, checks: WriteCheck[]): Promise<Set<string> | null> => {
    const conditions = contentAccess.conditionFilters(action);
    if (!conditions || !contentAccess.hasConditions(action)) return null;
    const ids = [...new Set(checks.map((c) => c.documentId as string))];
    const found = new Set<string>();
    for (const part of chunks(ids)) {
      const rows = (await strapi.db.query(uid as never).findMany({
        select: ['documentId', ...(localized ? ['locale'] : [])],
        where: { $and: [{ documentId: { $in: part } }, conditions, ...(draftAndPublish ? [{ publishedAt: { $null: true } }] : [])] },
      })) as Array<{ documentId: string; locale?: string | null }>;
      for (const row of rows) found.add(`${row.documentId}|${localized ? row.locale ?? '' : ''}`);
    }
    return found;
  };
  const keyOf = (check: WriteCheck) => `${check.documentId}|${localized ? check.locale ?? '' : ''}`;

  return {
    async refusals(checks) {
      const refused = new Map<WriteCheck, Refusal>();
      const updates = checks.filter((c) => c.documentId !== null);
      const updatable = updates.length > 0 && contentAccess.can('update') ? await permittedExisting('update', updates) : null;
      const publishable = updates.some((c) => c.publish) && contentAccess.can('publish') ? await permittedExisting('publish', updates.filter((c) => c.publish)) : null;
      for (const check of checks) {
        const subject = subjectOf(check);
        let field: string | null = null;
        const actions: CmAction[] = check.documentId === null ? (check.repeated ? ['create', 'update'] : ['create']) : ['update'];
        let reason: string | null = null;
        for (const action of actions) {
          if (reason) break;
          const existing = check.documentId !== null;
          const allowed = existing
            ? contentAccess.can(action) && (updatable === null || updatable.has(keyOf(check)))
            : contentAccess.can(action, subject);
          if (!allowed) {
            reason = existing
              ? `you may not update this ${uid} entry${inLocale(check.locale)}`
              : action === 'create'
                ? `you may not create ${uid} entries${inLocale(check.locale)}`
                : `you may not update ${uid} entries${inLocale(check.locale)}`;
            break;
          }
          field = pathsOf(strapi, uid, check.data).find((path) =>
            action === 'create' ? !contentAccess.can('create', subject, path) : !contentAccess.allowsField('update', path)
          ) ?? null;
          if (field) reason = `${field}: you may not ${action === 'create' ? 'set' : 'update'} this field${inLocale(check.locale)}`;
        }
        if (!reason && check.publish) {
          const allowed = check.documentId !== null
            ? contentAccess.can('publish') && (publishable === null || publishable.has(keyOf(check)))
            : contentAccess.can('publish', subject);
          if (!allowed) reason = `you may not publish ${uid} entries${inLocale(check.locale)} (status: published)`;
        }
        if (reason) refused.set(check, { field, message: `${reason} (Content Manager permissions)` });
      }
      return refused;
    },
  };
};
