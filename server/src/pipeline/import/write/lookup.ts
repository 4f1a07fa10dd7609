import { IN_LIST } from '../../sql/in-lists';
import { resolveReferences } from '../resolve/references';
import type { PreparedItem } from '../prepare/prepare';
import type { Problem } from '../../problems';
import type { ReadyEntry, WriteCheck, WriteGate, WriterContext } from './entries';

/** The write stage's reads before a batch's writes (see batch.ts): one set of queries per batch, not per item. */

export const localeOf = (ctx: WriterContext, prepared: PreparedItem) =>
  ctx.localized ? prepared.locale ?? ctx.options.locale ?? ctx.defaultLocale : null;

/** The entries of this batch that exist already: `${locale}|${key}` → documentId (and documentIds in other locales). */
const lookupExisting = async (ctx: WriterContext, entries: ReadyEntry[]) => {
  const { matchBy } = ctx.options;
  const byLocale = new Map<string, Set<string | number>>();
  for (const { prepared } of entries) {
    if (prepared.key === null) continue;
    const locale = localeOf(ctx, prepared) ?? '';
    if (!byLocale.has(locale)) byLocale.set(locale, new Set());
    byLocale.get(locale)!.add(prepared.key);
  }
  const existing = new Map<string, string>();
  /** `${locale}|${key}` → the row id of the version an update writes (the draft, or the only row), when it matched. */
  const rowIds = new Map<string, number>();
  /** The matchBy values published entries hold (`${matchBy}|${locale}|${value}` → their documentId): a unique matchBy needs no second lookup. */
  const held: Held = new Map();
  /** documentIds that exist in some locale (matchBy documentId: a new locale version of an existing document). */
  const documents = new Set<string>();
  /**
   * A key not localized (`code` of a localized type: one value for every locale of a document) held by a document
   * in another locale only: `${locale}|${key}` → that document, which the item then gains its locale version of
   * (a translation imported by a natural key).
   */
  const siblings = new Map<string, string>();
  const sharedKey = ctx.localized && matchBy !== 'documentId' && isSharedAcrossLocales(ctx, matchBy);
  for (const [locale, keys] of byLocale) {
    const list = [...keys];
    for (let i = 0; i < list.length; i += IN_LIST) {
      const where: Record<string, unknown> = { [matchBy]: { $in: list.slice(i, i + IN_LIST) } };
      if (ctx.localized && matchBy !== 'documentId' && !sharedKey) where.locale = locale;
      const rows = (await ctx.strapi.db.query(ctx.uid as never).findMany({
        select: [...new Set(['id', 'documentId', matchBy, 'publishedAt', ...(ctx.localized ? ['locale'] : [])])],
        where,
      })) as Array<Record<string, string>>;
      for (const row of rows) {
        documents.add(row.documentId);
        if (sharedKey && row.locale !== locale) siblings.set(`${locale}|${row[matchBy]}`, row.documentId);
        if (!ctx.localized || row.locale === locale) {
          existing.set(`${locale}|${row[matchBy]}`, row.documentId);
          if (row.publishedAt !== null) held.set(`${matchBy}|${locale}|${String(row[matchBy])}`, row.documentId);
          if (!ctx.draftAndPublish || row.publishedAt === null) rowIds.set(`${locale}|${row[matchBy]}`, Number(row.id));
        }
      }
    }
  }
  // A key found in the item's own locale is that entry; in another locale only, the document to add a locale to.
  for (const key of existing.keys()) siblings.delete(key);
  return { existing, rowIds, documents, held, siblings };
};

/** Whether a localized type's attribute has one value for all the locales of a document (not localized). */
export const isSharedAcrossLocales = (ctx: Pick<WriterContext, 'schema'>, name: string): boolean =>
  ctx.schema.attributes[name]?.pluginOptions?.i18n?.localized === false;

/** Unique values published entries hold: `${attribute}|${locale}|${value}` → the holder's documentId. */
type Held = Map<string, string>;

/** The unique values this batch's entries carry that published entries already hold (added to `held`). */
const lookupHeldValues = async (ctx: WriterContext, entries: ReadyEntry[], attributes: string[], held: Held) => {
  // Drafts are not checked for unique values: a draft import needs no lookup.
  if (ctx.draftAndPublish && ctx.options.status !== 'published') return held;
  for (const name of attributes) {
    if (name === ctx.options.matchBy) continue; // known from the lookup of existing entries
    const byLocale = new Map<string, Set<unknown>>();
    for (const { prepared } of entries) {
      const value = prepared.data[name];
      if (value === undefined || value === null || value === '') continue;
      const locale = localeOf(ctx, prepared) ?? '';
      if (!byLocale.has(locale)) byLocale.set(locale, new Set());
      byLocale.get(locale)!.add(value);
    }
    for (const [locale, values] of byLocale) {
      const list = [...values];
      for (let i = 0; i < list.length; i += IN_LIST) {
        const where: Record<string, unknown> = {
          [name]: { $in: list.slice(i, i + IN_LIST) },
          publishedAt: { $notNull: true },
        };
        if (ctx.localized) where.locale = locale;
        const rows = (await ctx.strapi.db
          .query(ctx.uid as never)
          .findMany({ select: [name, 'documentId'], where })) as Array<Record<string, unknown>>;
        for (const row of rows) held.set(`${name}|${locale}|${String(row[name])}`, String(row.documentId));
      }
    }
  }
  return held;
};

/** Resolves the batch's references at once; self references to later items are deferred to the second pass. */
const resolveBatchReferences = async (ctx: WriterContext, entries: ReadyEntry[], failed: Map<ReadyEntry, Problem>) => {
  const requests = entries.flatMap((entry) =>
    entry.prepared.refs.map((slot) => ({ slot, locale: localeOf(ctx, entry.prepared), entry }))
  );
  const { missing, invalid } = await resolveReferences(requests, ctx.resolve);
  const deferredSlots = new Map<ReadyEntry, Set<string>>();
  for (const { request, error } of invalid) failed.set((request as (typeof requests)[number]).entry, error.problem);
  for (const { request, error } of missing) {
    const { entry, slot } = request as (typeof requests)[number];
    // A relation (not a reference inside a component) to a type whose entries come later in this import.
    const later = slot.target === ctx.uid || (ctx.later?.has(slot.target) === true && /^[^.[]+(\[\d+\])?$/.test(slot.path));
    if (later && !failed.has(entry)) {
      // A self reference may point to an item further on in the file: link it in the second pass.
      const attribute = slot.path.split(/[.[]/)[0];
      if (!deferredSlots.has(entry)) deferredSlots.set(entry, new Set());
      deferredSlots.get(entry)!.add(attribute);
    } else if (!failed.has(entry)) {
      failed.set(entry, error.problem);
    }
  }
  return deferredSlots;
};

/**
 * The importing user's permissions: entries they may not create, update or publish (or whose fields they may not
 * set) fail here, before anything is written.
 */
const refuseByPermissions = async (
  ctx: WriterContext,
  gate: WriteGate,
  entries: ReadyEntry[],
  existing: Map<string, string>,
  failed: Map<ReadyEntry, Problem>
) => {
  const { options } = ctx;
  const seen = new Set<string>();
  const checks = new Map<WriteCheck, ReadyEntry>();
  for (const entry of entries) {
    if (failed.has(entry)) continue;
    const locale = localeOf(ctx, entry.prepared);
    const lookupKey = entry.prepared.key === null ? null : `${locale ?? ''}|${entry.prepared.key}`;
    const repeated = lookupKey !== null && seen.has(lookupKey);
    if (lookupKey !== null) seen.add(lookupKey);
    // skip-existing leaves an existing entry (or a key seen before in the batch) as it is: nothing to check.
    if (options.importStrategy === 'skip-existing' && (repeated || (lookupKey !== null && existing.has(lookupKey)))) continue;
    const check: WriteCheck = {
      documentId: (lookupKey && existing.get(lookupKey)) || null,
      repeated,
      locale,
      data: entry.prepared.data,
      publish: ctx.draftAndPublish && options.status === 'published',
    };
    checks.set(check, entry);
  }
  // A permission refused is one of the app's rules on the item: the validate stage.
  for (const [check, { field, message }] of await gate.refusals([...checks.keys()]))
    failed.set(checks.get(check)!, { stage: 'validate', field, message });
};

/**
 * Unique values held (by published entries, and by those this batch writes), keyed by attribute and locale. A
 * non-localized attribute an update copies to every locale of its document (`synced`) is also held for every locale
 * (`*`): a value this batch writes in one locale lands in the others.
 */
const uniqueValues = (uniqueAttributes: string[], held: Held, synced: Set<string>) => {
  const holderOf = (key: string, documentId: string | null) => {
    const holder = held.get(key);
    return holder !== undefined && holder !== documentId;
  };
  /** A unique value held by another document (or, for a new entry, by any). */
  const clashes = (values: Record<string, unknown>, locale: string | null, documentId: string | null) =>
    uniqueAttributes.some((name) => {
      const value = values[name];
      if (value === undefined || value === null || value === '') return false;
      return (
        holderOf(`${name}|${locale ?? ''}|${String(value)}`, documentId) ||
        (synced.has(name) && holderOf(`${name}|*|${String(value)}`, documentId))
      );
    });
  const hold = (values: Record<string, unknown>, locale: string | null, documentId: string) => {
    for (const name of uniqueAttributes) {
      const value = values[name];
      if (value === undefined || value === null || value === '') continue;
      held.set(`${name}|${locale ?? ''}|${String(value)}`, documentId);
      if (synced.has(name)) held.set(`${name}|*|${String(value)}`, documentId);
    }
  };
  return { clashes, hold };
};
/**
 * Everything read before the batch's writes: the entries that exist, the references (failing or deferred), the
 * permission refusals, the unique values held and which updates that publish are certain.
 */
export const lookupBatch = async (ctx: WriterContext, entries: ReadyEntry[]) => {
  const { options } = ctx;
  const failed = new Map<ReadyEntry, Problem>();

  const { existing, rowIds, documents, held: heldKeys, siblings } = await lookupExisting(ctx, entries);

  const deferredSlots = await resolveBatchReferences(ctx, entries, failed);

  if (ctx.gate) await refuseByPermissions(ctx, ctx.gate, entries, existing, failed);

  // Unique values already held by published entries (one query per unique attribute and locale), and those this
  // batch writes: a new entry that repeats one is validated by Strapi, which names the clash.
  const uniqueAttributes = ctx.bulk?.rules.uniqueAttributes ?? [];
  const held = ctx.bulk ? await lookupHeldValues(ctx, entries, uniqueAttributes, heldKeys) : heldKeys;
  // Updates that publish: which certainly pass Strapi's rules (stored values read once for the batch).
  const publishable =
    ctx.bulk && ctx.draftAndPublish && options.status === 'published' && rowIds.size > 0
      ? await ctx.bulk.preparePublishing(
          ctx.trx,
          [...rowIds].map(([key, id]) => ({ id, documentId: existing.get(key)! }))
        )
      : () => false;
  const { clashes, hold } = uniqueValues(uniqueAttributes, held, new Set(ctx.bulk?.syncedScalars ?? []));

  return { failed, existing, rowIds, documents, siblings, deferredSlots, publishable, clashes, hold };
};
