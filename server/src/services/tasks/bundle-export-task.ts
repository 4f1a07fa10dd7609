import { pipeline } from 'node:stream/promises';
import type { Core } from '@strapi/strapi';
import type { ResolvedBundleExportOptions } from '../../../../shared/contracts';
import { dependencyClosure, reachableTypes, referencesIn, type EntryReferences } from '../../pipeline/bundle/closure';
import { importOrder } from '../../pipeline/bundle/graph';
import { attributeKind, BUNDLE_FORMAT_VERSION, schemaHash } from '../../pipeline/bundle/manifest';
import { writeBundle, type BundleTypeContent } from '../../pipeline/bundle/write';
import { FORMATS } from '../../pipeline/formats';
import { chunks } from '../../pipeline/sql/in-lists';
import type { ResolvedExportOptions } from '../../pipeline/task-options';
import type { ModelSchema } from '../../schema/model-schema';
import { getService } from '../../utils';
import { typeExportOptions, type ResolvedBundleType } from '../../validation/bundle-export-options';
import type { Actor, TaskOwner } from '../permissions';
import { pluginPackage } from '../shipped-templates';
import { bundleDefinitions, bundleMedia } from './bundle-files';
import { prepareTypeExport, type TypeExport } from './export-task';
import type { TaskContext, TaskHandler, TaskOutcome } from './task-context';
import type { TaskRow } from './task-row';

/**
 * The bundle export task's handler (docs/bundles.md): several content types in one zip. Each type is exported as
 * its single-type export would be (prepareTypeExport: the creator's Content Manager permissions, the same item
 * format, through the JSONL writer); with dependencies, exactly the entries the chosen entries refer to,
 * transitively (pipeline/bundle/closure.ts), read by documentId in pages of IN lists; the files the entries use,
 * and the definitions, when asked.
 */

type Entry = Record<string, unknown>;

interface RunContext {
  owner: TaskOwner;
  taskId: number;
  signal: AbortSignal;
}

/** One type of the bundle, as it is exported. */
interface PlannedType {
  options: ResolvedBundleType;
  /** Pulled in by "with dependencies" (not asked for). */
  dependency: boolean;
  /** Exactly these entries (with dependencies), or null: the type's own options choose them. */
  documentIds: string[] | null;
}

/**
 * The fields a type is exported with when a bundle pulls it in (every field the user may read, as a single-type
 * export's default, but for the inverse side of a relation, `mappedBy`: the link is written by its owning side,
 * and following it back would pull in every entry that refers to a dependency, not what the chosen entries need),
 * or null for a type the center does not offer (not followed). A type the user may not read is a 403 naming it.
 */
export const dependencyFields =
  (strapi: Core.Strapi, actor: Actor | null) =>
  (uid: string): string[] | null => {
    const contentTypes = getService(strapi, 'content-types');
    if (!contentTypes.isOffered(uid)) return null;
    const permissions = getService(strapi, 'permissions').readPermissions(actor, uid);
    const schema = contentTypes.schemaOf(uid);
    return contentTypes
      .get(uid)
      .attributes.filter(
        (attribute) =>
          !attribute.private && attribute.type !== 'password' && !schema?.attributes[attribute.name]?.mappedBy && permissions.permits(attribute.name)
      )
      .map((attribute) => attribute.name);
  };

/** The options of the types "with dependencies" may pull in: every readable field, every locale, drafts. */
export const dependencyTypes = (strapi: Core.Strapi, actor: Actor | null, chosen: ResolvedBundleType[]): Map<string, ResolvedBundleType> => {
  const contentTypes = getService(strapi, 'content-types');
  const fieldsOf = dependencyFields(strapi, actor);
  const uids = reachableTypes(
    chosen.map((type) => ({ uid: type.contentType, fields: type.fields })),
    { schemaOf: contentTypes.schemaOf, fieldsOf }
  );
  return new Map(
    uids.map((uid) => [
      uid,
      { contentType: uid, fields: fieldsOf(uid) ?? [], relationsAs: 'documentId', ...(contentTypes.get(uid).localized ? { locale: 'all' } : {}) },
    ])
  );
};

/**
 * The versions a type's lines carry: a type with draft & publish and no status asked carries both (its drafts, then
 * its published versions in content/<uid>.published.jsonl); any other type, the one its options choose. `undefined`
 * keeps the options' status.
 */
const versionsOf = (strapi: Core.Strapi, options: ResolvedExportOptions): Array<'published' | undefined> =>
  getService(strapi, 'content-types').get(options.contentType).draftAndPublish && !options.status ? [undefined, 'published'] : [undefined];

/**
 * Reads every entry `options` chooses, in every version the bundle carries (a published version may refer to other
 * entries and files than its draft), handing each page of entries (as read, before shaping) to `visit`.
 */
const readEntries = async (
  strapi: Core.Strapi,
  options: ResolvedExportOptions,
  run: RunContext,
  visit: (entries: Entry[], version: 'published' | undefined) => void
) => {
  for (const version of versionsOf(strapi, options)) {
    const typeExport = await prepareTypeExport(strapi, version ? { ...options, status: version } : options, run);
    for await (const page of typeExport.pages(run.signal, () => undefined, (entries) => visit(entries, version))) void page;
  }
};

const byDocumentIds = (options: ResolvedBundleType, documentIds: string[]): ResolvedExportOptions => ({
  ...typeExportOptions(options),
  relationsAs: 'documentId',
  filters: { documentId: { $in: documentIds } },
});

/** With dependencies: the chosen entries (each type's options) and every entry they refer to, transitively. */
const planWithDependencies = async (
  strapi: Core.Strapi,
  options: ResolvedBundleExportOptions,
  run: RunContext,
  schemaOf: (uid: string) => ModelSchema | undefined
): Promise<{ types: PlannedType[]; media: Set<number> }> => {
  const actor = await getService(strapi, 'permissions').actorOfOwner(run.owner);
  const dependencies = dependencyTypes(strapi, actor, options.types);
  const chosen = new Map(options.types.map((type) => [type.contentType, type]));
  // The roots, read once with their exported fields: their documentIds and what they refer to (the closure's first
  // step, not read again by it).
  const roots = new Map<string, Set<string>>();
  const rootReferences: EntryReferences = { entries: new Map(), media: new Set() };
  /** Chosen types whose versions do not hold the same documents (a filter that one version matches and not the other). */
  const uneven = new Set<string>();
  for (const type of options.types) {
    const byVersion = new Map<string, Set<string>>();
    const schema = schemaOf(type.contentType) as ModelSchema;
    await readEntries(strapi, { ...typeExportOptions(type), relationsAs: 'documentId' }, run, (entries, version) => {
      const ids = byVersion.get(version ?? 'draft') ?? byVersion.set(version ?? 'draft', new Set()).get(version ?? 'draft')!;
      entries.forEach((entry) => {
        ids.add(entry.documentId as string);
        referencesIn(entry, schema, schemaOf, rootReferences);
      });
    });
    // One set per type (a million documentIds weigh about 100 MB): the published versions' ids added to the drafts'.
    const [drafts, published] = [byVersion.get('draft') ?? new Set<string>(), byVersion.get('published')];
    const draftCount = drafts.size;
    for (const id of published ?? []) drafts.add(id);
    if (published && (published.size !== draftCount || drafts.size !== draftCount)) uneven.add(type.contentType);
    byVersion.clear();
    roots.set(type.contentType, drafts);
  }
  const optionsOf = (uid: string) => (chosen.get(uid) ?? dependencies.get(uid)) as ResolvedBundleType;
  // The closure grows the roots' sets in place: their sizes before tell whether it added entries of a chosen type.
  const rootCounts = new Map([...roots].map(([uid, ids]) => [uid, ids.size]));
  const closure = await dependencyClosure(roots, {
    schemaOf,
    rootReferences,
    follows: (uid) => dependencies.has(uid),
    read: async (uid, documentIds) => {
      const entries: Entry[] = [];
      await readEntries(strapi, byDocumentIds(optionsOf(uid), documentIds), run, (page) => entries.push(...page));
      return entries;
    },
  });
  const uids = [...new Set([...chosen.keys(), ...closure.entries.keys()])];
  // A chosen type that the closure adds nothing to is exported with its own options (keyset pages, as a single-type
  // export, the same lines in the same order) rather than by pages of documentIds.
  const asChosen = (uid: string) => chosen.has(uid) && !uneven.has(uid) && closure.entries.get(uid)?.size === rootCounts.get(uid);
  const types = uids.map((uid) => ({
    options: optionsOf(uid),
    dependency: !chosen.has(uid),
    documentIds: asChosen(uid) ? null : [...(closure.entries.get(uid) ?? [])].sort(),
  }));
  return { types, media: closure.media };
};

/** Without dependencies, the files the chosen entries use (one read of each type before the bundle is written). */
const mediaOf = async (strapi: Core.Strapi, types: ResolvedBundleType[], run: RunContext, schemaOf: (uid: string) => ModelSchema | undefined) => {
  const found: EntryReferences = { entries: new Map(), media: new Set() };
  for (const type of types) {
    const schema = schemaOf(type.contentType) as ModelSchema;
    await readEntries(strapi, typeExportOptions(type), run, (entries) => entries.forEach((entry) => referencesIn(entry, schema, schemaOf, found)));
  }
  return found.media;
};

/**
 * The single-type exports a planned type is written with: one, or one per page of its documentIds; `version` reads
 * the published versions of a type carried with both.
 */
const exportsOf = async (strapi: Core.Strapi, type: PlannedType, run: RunContext, version?: 'published'): Promise<TypeExport[]> => {
  const options = { ...typeExportOptions(type.options), ...(version ? { status: version } : {}) };
  if (type.documentIds === null) return [await prepareTypeExport(strapi, options, run)];
  const exports: TypeExport[] = [];
  // documentIds sorted, each page ordered by documentId: the pages one after the other keep the export's order.
  for (const part of chunks(type.documentIds)) {
    exports.push(await prepareTypeExport(strapi, { ...options, filters: { documentId: { $in: part } } }, run));
  }
  return exports;
};

/**
 * The schemas as the bundle's lines hold them: a bundle type's attributes cut to its exported fields, so that the
 * import order follows the references the bundle carries (an inverse side left out does not make a cycle).
 */
const exportedSchemaOf =
  (byUid: Map<string, PlannedType>, schemaOf: (uid: string) => ModelSchema | undefined) =>
  (uid: string): ModelSchema | undefined => {
    const schema = schemaOf(uid);
    const type = byUid.get(uid);
    if (!schema || !type) return schema;
    return { ...schema, attributes: Object.fromEntries(type.options.fields.filter((name) => schema.attributes[name]).map((name) => [name, schema.attributes[name]])) };
  };

/** What the manifest says of a type's options: those it was exported with. */
const manifestOptions = (type: PlannedType, withDependencies: boolean): Record<string, unknown> => {
  const { contentType: _uid, ...options } = type.options;
  return { ...options, ...(type.dependency ? { dependency: true } : {}), ...(withDependencies ? { withDependencies: true } : {}) };
};

export const createBundleExportHandler =
  (strapi: Core.Strapi): TaskHandler =>
  async (task: TaskRow, context: TaskContext): Promise<TaskOutcome> => {
    const options = task.options as ResolvedBundleExportOptions;
    if (!task.fileKey) throw new Error(`Bundle export task ${task.id} has no file to write`);
    const run: RunContext = { owner: task, taskId: task.id, signal: context.signal };
    const contentTypes = getService(strapi, 'content-types');
    const schemaOf = contentTypes.schemaOf;

    const planned = options.withDependencies
      ? await planWithDependencies(strapi, options, run, schemaOf)
      : {
          types: options.types.map((type) => ({ options: type, dependency: false, documentIds: null })),
          media: options.media ? await mediaOf(strapi, options.types, run, schemaOf) : new Set<number>(),
        };
    const byUid = new Map(planned.types.map((type) => [type.options.contentType, type]));
    const order = importOrder([...byUid.keys()], exportedSchemaOf(byUid, schemaOf)).order;

    const exports = new Map<string, TypeExport[]>();
    // A type with draft & publish and no status asked carries both versions: its drafts (every document has one)
    // and its published versions, so that what is published in the source is published in the target.
    const published = new Map<string, TypeExport[]>();
    for (const uid of order) {
      const type = byUid.get(uid)!;
      exports.set(uid, await exportsOf(strapi, type, run));
      if (versionsOf(strapi, typeExportOptions(type.options)).includes('published')) published.set(uid, await exportsOf(strapi, type, run, 'published'));
    }
    const all = [...exports.values(), ...published.values()].flat();
    const total = all.reduce((sum, typeExport) => sum + typeExport.total, 0);
    context.progress({ total, processed: 0 });
    let processed = 0;
    const onPage = (count: number) => {
      processed += count;
      context.progress({ processed });
    };

    const linesOf = async function* (typeExports: TypeExport[]) {
      for (const typeExport of typeExports) {
        yield* FORMATS.jsonl.write(typeExport.pages(run.signal, onPage), typeExport.writeOptions) as AsyncIterable<Uint8Array>;
      }
    };
    const types: BundleTypeContent[] = order.map((uid) => {
      const type = byUid.get(uid)!;
      const schema = schemaOf(uid) as ModelSchema;
      return {
        uid,
        schemaHash: schemaHash(uid, schemaOf),
        attributes: Object.fromEntries(type.options.fields.filter((name) => schema.attributes[name]).map((name) => [name, attributeKind(schema.attributes[name])])),
        options: manifestOptions(type, options.withDependencies),
        lines: () => linesOf(exports.get(uid)!),
        ...(published.has(uid) ? { publishedLines: () => linesOf(published.get(uid)!) } : {}),
      };
    });
    const zip = writeBundle({
      manifest: {
        bundleFormat: BUNDLE_FORMAT_VERSION,
        plugin: pluginPackage(),
        strapi: { version: String(strapi.config.get('info.strapi') ?? '') },
        source: options.source,
        createdAt: new Date().toISOString(),
      },
      types,
      media: options.media ? await bundleMedia(strapi, planned.media) : null,
      definitions: options.definitions ? bundleDefinitions(strapi, order, schemaOf) : null,
    });
    const file = getService(strapi, 'storage').createWriteStream(task.fileKey);
    await pipeline(zip, file, { signal: context.signal });
    const paths = [...new Set(all.map((typeExport) => typeExport.path))].sort();
    return { status: 'completed', counts: { total: processed, processed }, data: { writePath: paths.join('+') || null } };
  };
