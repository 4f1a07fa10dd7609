import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';
import { chunks } from '../sql/in-lists';
import { referencesOf } from './graph';

/**
 * "With dependencies": the entries a bundle must carry so that the chosen entries can be imported anywhere. From
 * the chosen entries, every entry they refer to (relations, relations inside components and dynamic zones, at any
 * depth), then every entry those refer to, and so on until nothing new is found: exactly that closure, no more.
 * Media are collected by file id on the way (the bundle carries those files).
 *
 * The entries are read by the caller (`read(uid, documentIds)`, paged here by IN lists of at most 500), shaped as an
 * export page: a relation as `{ documentId }` or a list of them, media as `{ id }` or a list, components as objects,
 * dynamic zones as lists with `__component`. Memory: one set of documentIds per type and one of file ids.
 */

type Entry = Record<string, unknown>;

export interface EntryReferences {
  /** documentIds by target type. */
  entries: Map<string, Set<string>>;
  media: Set<number>;
}

const add = (into: Map<string, Set<string>>, uid: string, documentId: string) => {
  let set = into.get(uid);
  if (!set) into.set(uid, (set = new Set()));
  set.add(documentId);
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]);

/** The entries and files one entry refers to, walking its attributes by the schema. */
export const referencesIn = (
  entry: Entry,
  schema: ModelSchema,
  schemaOf: (uid: string) => ModelSchema | undefined,
  into: EntryReferences = { entries: new Map(), media: new Set() }
): EntryReferences => {
  const visit = (value: Entry, attributes: Record<string, AttributeSchema>, depth: number) => {
    if (depth > 20) return;
    for (const [name, attribute] of Object.entries(attributes)) {
      const items = asList(value[name]).filter((item): item is Entry => item !== null && typeof item === 'object');
      if (attribute.type === 'relation' && attribute.target) {
        for (const item of items) if (typeof item.documentId === 'string') add(into.entries, attribute.target, item.documentId);
      } else if (attribute.type === 'media') {
        for (const item of items) if (typeof item.id === 'number') into.media.add(item.id);
      } else if (attribute.type === 'component' && attribute.component) {
        const component = schemaOf(attribute.component);
        if (component) for (const item of items) visit(item, component.attributes, depth + 1);
      } else if (attribute.type === 'dynamiczone') {
        for (const item of items) {
          const component = typeof item.__component === 'string' ? schemaOf(item.__component) : undefined;
          if (component) visit(item, component.attributes, depth + 1);
        }
      }
    }
  };
  visit(entry, schema.attributes, 0);
  return into;
};

export interface Closure extends EntryReferences {
  /** Types referred to and not followed: their entries must already exist where the bundle is imported. */
  outside: Set<string>;
}

/**
 * The closure of `roots` (documentIds by type): every entry reached, by type (the roots included), and the files.
 * References to a type that `follows` refuses (not offered by the center, or not readable by the user: the caller
 * decides) are not followed, and the type is listed in `outside`. `rootReferences`: what the roots refer to, when the
 * caller read them already (the roots are then not read again). A root given as a Set is the closure's own set of
 * that type, grown in place.
 */
export const dependencyClosure = async (
  roots: Map<string, Iterable<string>>,
  {
    read,
    schemaOf,
    follows,
    rootReferences,
  }: {
    read: (uid: string, documentIds: string[]) => Promise<Entry[]>;
    schemaOf: (uid: string) => ModelSchema | undefined;
    follows: (uid: string) => boolean;
    rootReferences?: EntryReferences;
  }
): Promise<Closure> => {
  const reached: Closure = { entries: new Map(), media: new Set(rootReferences?.media), outside: new Set() };
  // The roots' own sets are the reached ones, grown in place (no copy of a million documentIds), and the first
  // ones to read (none when the caller read them: rootReferences).
  for (const [uid, documentIds] of roots) reached.entries.set(uid, documentIds instanceof Set ? documentIds : new Set(documentIds));
  let pending = new Map([...reached.entries].map(([uid, documentIds]) => [uid, rootReferences ? new Set<string>() : documentIds]));

  let known = rootReferences?.entries ?? null;
  while (pending.size > 0) {
    const found: EntryReferences = { entries: known ?? new Map(), media: reached.media };
    for (const uid of known ? [] : [...pending.keys()].sort()) {
      const schema = schemaOf(uid);
      if (!schema) throw new Error(`${uid} is not a content type of this app`);
      for (const part of chunks([...pending.get(uid)!])) {
        for (const entry of await read(uid, part)) referencesIn(entry, schema, schemaOf, found);
      }
    }
    known = null;
    pending = new Map();
    for (const [uid, documentIds] of found.entries) {
      if (!roots.has(uid) && !follows(uid)) {
        reached.outside.add(uid);
        continue;
      }
      for (const documentId of documentIds) {
        if (reached.entries.get(uid)?.has(documentId)) continue;
        add(reached.entries, uid, documentId);
        add(pending, uid, documentId);
      }
    }
  }
  return reached;
};

/**
 * The types "with dependencies" may pull in, from the schemas alone (before any entry is read, so that a type the
 * user may not read is refused before a task exists): the targets of the relations the roots' exported fields hold
 * (inside components and dynamic zones too), then those of the targets' fields, transitively. `fieldsOf` gives the
 * fields a pulled-in type is exported with, or null for a type that is not followed (not offered by the center).
 * The roots are left out: the result holds only the types beyond them, sorted.
 */
export const reachableTypes = (
  roots: Array<{ uid: string; fields: string[] }>,
  {
    schemaOf,
    fieldsOf,
  }: {
    schemaOf: (uid: string) => ModelSchema | undefined;
    fieldsOf: (uid: string) => string[] | null;
  }
): string[] => {
  const rootUids = new Set(roots.map((root) => root.uid));
  const reached = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const { uid, fields } = pending.pop()!;
    const exported = new Set(fields);
    for (const reference of referencesOf(uid, schemaOf)) {
      const target = reference.target;
      if (!exported.has(reference.path.split('.')[0]) || rootUids.has(target) || reached.has(target)) continue;
      const targetFields = fieldsOf(target);
      if (targetFields === null) continue;
      reached.add(target);
      pending.push({ uid: target, fields: targetFields });
    }
  }
  return [...reached].sort();
};
