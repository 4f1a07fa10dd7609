import type { Core } from '@strapi/strapi';
import { chunks } from '../../sql/in-lists';
import { ItemError } from '../../problems';
import type { RefSlot } from '../prepare/prepare';
import { relationTargetLocale } from '../../../schema/relation-locale';

/**
 * Resolve the references of one batch: relations (a documentId, or a natural-key object such as
 * `{ "slug": "news" }`) and media (a file id, url or hash, or an object with any of them). One query per target,
 * key and locale for the whole batch, with bounded IN lists. A reference that matches nothing is an item error
 * naming the attribute and the missing key, never a silent drop.
 */

export interface ResolveContext {
  strapi: Core.Strapi;
  /** Unique attributes of a content type that may key a reference (documentId always may). */
  keysOf: (uid: string) => string[];
  isLocalized: (uid: string) => boolean;
  /** Whether the type being imported (the source of the relations) is localized. */
  sourceLocalized: boolean;
  /** The app's default locale: a non-localized source links a localized target's entry in it. */
  defaultLocale: string | null;
  /**
   * A bundle's import: file references are matched by their hash alone (ids and urls differ between apps), the
   * hash of a file the bundle carried mapped to the hash it has in this app (the upload service names files anew).
   */
  bundleFiles?: ReadonlyMap<string, string>;
}

export interface RefRequest {
  slot: RefSlot;
  /** The locale of the item holding the reference (null for a type without i18n). */
  locale: string | null;
}

type KeyValue = string | number;

const describeRef = (value: unknown) => (typeof value === 'object' ? JSON.stringify(value) : JSON.stringify(value));

/** How a reference is looked up: which attribute of the target, which value. */
const relationKey = (slot: RefSlot, keys: string[]): { attribute: string; value: KeyValue } => {
  const { value } = slot;
  if (typeof value === 'string') return { attribute: 'documentId', value };
  if (typeof value === 'number') {
    throw new ItemError(
      `${value} is a numeric id, which differs between databases: reference ${
        slot.target
      } by documentId or a key object such as {"${keys[1] ?? 'documentId'}": ...}`,
      slot.path,
      'resolve'
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1) {
    throw new ItemError(
      `a key object names exactly one unique attribute of ${slot.target} (${keys.join(', ')}), got ${describeRef(
        value
      )}`,
      slot.path,
      'resolve'
    );
  }
  const [attribute, keyValue] = entries[0];
  if (!keys.includes(attribute)) {
    throw new ItemError(
      `"${attribute}" is not a unique attribute of ${slot.target}: use one of ${keys.join(', ')}`,
      slot.path,
      'resolve'
    );
  }
  if (typeof keyValue !== 'string' && typeof keyValue !== 'number') {
    throw new ItemError(`the key ${attribute} must be text or a number, got ${describeRef(keyValue)}`, slot.path, 'resolve');
  }
  return { attribute, value: keyValue };
};

/** Media: `{ hash }`, `{ url }`, `{ id }` (an export writes all three), a bare number (id) or string (url or hash). */
const mediaKeys = (value: unknown): Array<{ attribute: 'id' | 'url' | 'hash'; value: KeyValue }> => {
  if (typeof value === 'number') return [{ attribute: 'id', value }];
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return [{ attribute: 'id', value: Number(value) }];
    return value.includes('/') ? [{ attribute: 'url', value }] : [{ attribute: 'hash', value }];
  }
  const object = value as Record<string, unknown>;
  const keys: Array<{ attribute: 'id' | 'url' | 'hash'; value: KeyValue }> = [];
  for (const attribute of ['hash', 'url', 'id'] as const) {
    const v = object[attribute];
    if (typeof v === 'string' || typeof v === 'number') keys.push({ attribute, value: v });
  }
  return keys;
};

/** A file reference of a bundle: its hash (mapped to this app's file the bundle's file became), never its id or url. */
const bundleFileKeys = (value: unknown, files: ReadonlyMap<string, string>): Array<{ attribute: 'hash'; value: KeyValue }> => {
  const hash =
    typeof value === 'string' && !value.includes('/') && !/^\d+$/.test(value)
      ? value
      : value !== null && typeof value === 'object' && typeof (value as { hash?: unknown }).hash === 'string'
        ? ((value as { hash: string }).hash)
        : null;
  return hash === null ? [] : [{ attribute: 'hash', value: files.get(hash) ?? hash }];
};

export interface ResolveResult {
  /** References that match nothing, by slot: the caller defers self references and fails the others. */
  missing: Array<{ request: RefRequest; error: ItemError }>;
  /** References whose form is wrong (a numeric id for a relation...): always item errors. */
  invalid: Array<{ request: RefRequest; error: ItemError }>;
}

/** The locale a reference is matched in (Strapi's rule, relation-locale.ts); null for media and non-localized targets. */
const targetLocaleOf = (request: RefRequest, ctx: ResolveContext) =>
  request.slot.target === 'media'
    ? null
    : relationTargetLocale({
        sourceLocalized: ctx.sourceLocalized,
        targetLocalized: ctx.isLocalized(request.slot.target),
        sourceLocale: request.locale,
        defaultLocale: ctx.defaultLocale,
      });

export const resolveReferences = async (requests: RefRequest[], ctx: ResolveContext): Promise<ResolveResult> => {
  const result: ResolveResult = { missing: [], invalid: [] };

  // Group the lookups: target → attribute → locale → values.
  type Lookup = { target: string; attribute: string; locale: string | null; values: Set<KeyValue> };
  const lookups = new Map<string, Lookup>();
  const plans: Array<{ request: RefRequest; candidates: Array<{ lookup: string; value: KeyValue }> }> = [];

  for (const request of requests) {
    const { slot } = request;
    try {
      const keys =
        slot.target !== 'media'
          ? [relationKey(slot, ctx.keysOf(slot.target))]
          : ctx.bundleFiles
            ? bundleFileKeys(slot.value, ctx.bundleFiles)
            : mediaKeys(slot.value);
      if (keys.length === 0) {
        const needs = ctx.bundleFiles ? 'its hash (a bundle names its files by hash)' : 'an id, url or hash';
        throw new ItemError(`a file reference needs ${needs}, got ${describeRef(slot.value)}`, slot.path, 'resolve');
      }
      const locale = targetLocaleOf(request, ctx);
      const candidates = keys.map(({ attribute, value }) => {
        const id = `${slot.target}|${attribute}|${locale ?? ''}`;
        if (!lookups.has(id)) lookups.set(id, { target: slot.target, attribute, locale, values: new Set() });
        lookups.get(id)!.values.add(value);
        return { lookup: id, value };
      });
      plans.push({ request, candidates });
    } catch (error) {
      result.invalid.push({ request, error: error as ItemError });
    }
  }

  // One query per lookup (paged IN lists): value → documentId (relations) or file id (media).
  const found = new Map<string, Map<string, KeyValue>>();
  for (const [id, lookup] of lookups) {
    const map = new Map<string, KeyValue>();
    const uid = lookup.target === 'media' ? 'plugin::upload.file' : lookup.target;
    const select = lookup.target === 'media' ? ['id', lookup.attribute] : ['documentId', lookup.attribute];
    for (const values of chunks([...lookup.values])) {
      const where: Record<string, unknown> = { [lookup.attribute]: { $in: values } };
      if (lookup.locale) where.locale = lookup.locale;
      const rows = (await ctx.strapi.db.query(uid as never).findMany({ select: [...new Set(select)], where })) as Array<
        Record<string, KeyValue>
      >;
      for (const row of rows) {
        map.set(String(row[lookup.attribute]), lookup.target === 'media' ? row.id : row.documentId);
      }
    }
    found.set(id, map);
  }

  for (const { request, candidates } of plans) {
    const { slot } = request;
    const hit = candidates.map((c) => found.get(c.lookup)!.get(String(c.value))).find((v) => v !== undefined);
    if (hit === undefined) {
      const what = slot.target === 'media' ? 'file' : slot.target;
      const locale = targetLocaleOf(request, ctx);
      const where = locale ? ` in locale ${locale}` : '';
      result.missing.push({
        request,
        error: new ItemError(`no ${what} matches ${describeRef(slot.value)}${where}`, slot.path, 'resolve'),
      });
      continue;
    }
    (slot.holder as Record<string | number, unknown>)[slot.key] = hit;
  }
  return result;
};
