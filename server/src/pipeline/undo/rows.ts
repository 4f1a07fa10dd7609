import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { ModelMeta } from '../../schema/model-metadata';
import { chunks } from '../sql/in-lists';

/**
 * The raw rows of documents, as the database holds them: what an import's pre-image keeps and what a revert puts
 * back (docs/internals.md, *Undo*). A document's state is:
 *
 * - its **entity rows**: every row of the type's table with its `document_id` (every locale, draft and published),
 *   and the rows of the components they hold (recursively: components of components), from the `_cmps` tables;
 * - its **link rows**: every row of a join table that names one of those rows: the rows' own relations, components
 *   and dynamic zones (the owner's join column), the relations of other types that point at them (the inverse join
 *   column of a join table whose target is the type), and media (`files_related_mph`, by `related_type` and
 *   `related_id`).
 *
 * Rows, not the export's shape: putting the same rows back (same ids, same order columns, same timestamps) is what
 * makes an export taken after a revert byte-identical to one taken before the import, whatever the import changed
 * (a publish replaces the published row with a new id; `overwrite` replaces components with new rows). Table and
 * column names come from the database metadata, never from naming conventions. Every query names at most
 * IN_LIST values.
 */

export type Row = Record<string, unknown>;

/** Rows of tables, in the order they were read. */
export type Tables = Array<[table: string, rows: Row[]]>;

export interface DocumentState {
  entities: Tables;
  links: Tables;
}

export interface UndoModels {
  metadataOf: (uid: string) => ModelMeta | undefined;
  /** Every model of the app (content types and components, the plugin's own included). */
  all: () => Iterable<ModelMeta>;
}

/** Where the rows of a model are named: a join table's column, with the morph type when it is a morph table. */
interface LinkColumn {
  table: string;
  column: string;
  morphType?: { column: string; value: string };
}

/** The join-table columns that name rows of `uid`, once per (table, column, morph type). */
export const linkColumnsOf = (models: UndoModels, uid: string): LinkColumn[] => {
  const found = new Map<string, LinkColumn>();
  const add = (link: LinkColumn) => found.set(`${link.table}|${link.column}|${link.morphType?.value ?? ''}`, link);
  const own = models.metadataOf(uid);
  /**
   * Whether rows of `uid` can be named by another model's morph attribute: only through an attribute of `uid` on
   * its inverse side (`morphBy`): a media attribute for the upload plugin's `files_related_mph`, which holds rows
   * of no other type. A type without one is not looked up there (measured: a select per batch of an upsert).
   */
  const morphedBy = (model: ModelMeta, name: string) =>
    !own ||
    model.uid === uid ||
    Object.values(own.attributes).some((attribute) => attribute.target === model.uid && attribute.morphBy === name);
  for (const model of models.all()) {
    for (const [name, attribute] of Object.entries(model.attributes)) {
      const joinTable = attribute.joinTable;
      if (!joinTable) continue;
      if (model.uid === uid) add({ table: joinTable.name, column: joinTable.joinColumn.name });
      // A morph table: media (`files_related_mph`), or a dynamic zone (`on.field`: components only).
      const dynamicZone = Boolean((joinTable.on as { field?: string } | undefined)?.field);
      if (joinTable.morphColumn && (dynamicZone ? !uid.includes('::') : morphedBy(model, name))) {
        const { idColumn, typeColumn } = joinTable.morphColumn;
        add({ table: joinTable.name, column: idColumn.name, morphType: { column: typeColumn.name, value: uid } });
      } else if (attribute.target === uid && joinTable.inverseJoinColumn && uid.includes('::')) {
        // (A component's row is named only by its parent's `_cmps` row, read from the parent's side: the same
        // `cmp_id` in the table may name another component type's row.)
        add({ table: joinTable.name, column: joinTable.inverseJoinColumn.name });
      }
    }
  }
  return [...found.values()];
};

/** The components held by rows of `meta` (from the link rows just read): component uid → id → the row holding it. */
const componentsOf = (meta: ModelMeta, linkRows: Map<string, Row[]>, ids: Map<unknown, string>): Map<string, Map<unknown, string>> => {
  const children = new Map<string, Map<unknown, string>>();
  const add = (uid: string, id: unknown, documentId: string) => {
    if (!children.has(uid)) children.set(uid, new Map());
    children.get(uid)!.set(id, documentId);
  };
  // In the database metadata a component is a relation to the component's uid (no `::` in it) through the `_cmps`
  // table, a dynamic zone a morphToMany through the same table (the component's uid in its type column).
  for (const [name, attribute] of Object.entries(meta.attributes)) {
    const joinTable = attribute.joinTable;
    if (!joinTable) continue;
    const dynamicZone = attribute.relation === 'morphToMany' && joinTable.morphColumn !== undefined && !attribute.target;
    const component = attribute.target !== undefined && !attribute.target.includes('::') && joinTable.inverseJoinColumn !== undefined;
    if (!dynamicZone && !component) continue;
    const rows = linkRows.get(joinTable.name) ?? [];
    const field = (joinTable.on as { field?: string } | undefined)?.field ?? name;
    for (const row of rows) {
      const documentId = ids.get(row[joinTable.joinColumn.name]);
      if (documentId === undefined || (row.field !== undefined && row.field !== field)) continue;
      if (dynamicZone) {
        const morph = joinTable.morphColumn!;
        add(String(row[morph.typeColumn.name]), row[morph.idColumn.name], documentId);
      } else add(attribute.target!, row[joinTable.inverseJoinColumn!.name], documentId);
    }
  }
  return children;
};

/** Rows of tables being gathered: table → id → row. */
class TableRows {
  readonly tables = new Map<string, Map<unknown, Row>>();
  add(table: string, row: Row) {
    if (!this.tables.has(table)) this.tables.set(table, new Map());
    this.tables.get(table)!.set(row.id, row);
  }
  list(): Tables {
    return [...this.tables].map(([table, rows]) => [table, [...rows.values()].sort((a, b) => Number(a.id) - Number(b.id))]);
  }
}

/**
 * The state of each of some documents of a type (all their rows), read in `trx` with a few queries for all of
 * them. A link row between two of them belongs to both states (a revert inserts it once).
 */
export const readDocuments = async (
  trx: Knex.Transaction | Knex,
  models: UndoModels,
  uid: string,
  documentIds: string[]
): Promise<Map<string, DocumentState>> => {
  const meta = models.metadataOf(uid);
  if (!meta) throw new Error(`No database metadata for ${uid}`);
  const states = new Map<string, { entities: TableRows; links: TableRows }>();
  const stateOf = (documentId: string) => {
    if (!states.has(documentId)) states.set(documentId, { entities: new TableRows(), links: new TableRows() });
    return states.get(documentId)!;
  };

  /** The rows of this level: their ids, each with the document it belongs to. */
  const mainIds = new Map<unknown, string>();
  for (const part of chunks(documentIds)) {
    for (const row of (await trx(meta.tableName).select('*').whereIn('document_id', part).orderBy('id')) as Row[]) {
      stateOf(String(row.document_id)).entities.add(meta.tableName, row);
      mainIds.set(row.id, String(row.document_id));
    }
  }

  // Breadth first: the type's rows, then their components, then the components' components.
  let level: Array<{ model: ModelMeta; ids: Map<unknown, string> }> = [{ model: meta, ids: mainIds }];
  const seen = new Set<string>();
  while (level.length > 0) {
    const next: Array<{ model: ModelMeta; ids: Map<unknown, string> }> = [];
    for (const { model, ids } of level) {
      if (ids.size === 0) continue;
      const linkRows = new Map<string, Row[]>();
      for (const link of linkColumnsOf(models, model.uid)) {
        for (const part of chunks([...ids.keys()])) {
          const query = trx(link.table).select('*').whereIn(link.column, part as Knex.Value[]);
          if (link.morphType) query.andWhere(link.morphType.column, link.morphType.value);
          for (const row of (await query) as Row[]) {
            const documentId = ids.get(row[link.column]);
            if (documentId === undefined) continue;
            stateOf(documentId).links.add(link.table, row);
            if (!linkRows.has(link.table)) linkRows.set(link.table, []);
            linkRows.get(link.table)!.push(row);
          }
        }
      }
      for (const [componentUid, owners] of componentsOf(model, linkRows, ids)) {
        const component = models.metadataOf(componentUid);
        if (!component) continue;
        const fresh = [...owners.keys()].filter((id) => !seen.has(`${componentUid}|${String(id)}`));
        fresh.forEach((id) => seen.add(`${componentUid}|${String(id)}`));
        if (fresh.length === 0) continue;
        const childIds = new Map<unknown, string>();
        for (const part of chunks(fresh)) {
          for (const row of (await trx(component.tableName).select('*').whereIn('id', part as Knex.Value[])) as Row[]) {
            const documentId = owners.get(row.id)!;
            stateOf(documentId).entities.add(component.tableName, row);
            childIds.set(row.id, documentId);
          }
        }
        next.push({ model: component, ids: childIds });
      }
    }
    level = next;
  }
  return new Map([...states].map(([documentId, { entities, links }]) => [documentId, { entities: entities.list(), links: links.list() }]));
};

/** Removes the rows of a state: link rows first, then entity rows (by id, bounded IN lists). */
export const deleteState = async (trx: Knex.Transaction, state: DocumentState): Promise<void> => {
  for (const [table, rows] of [...state.links, ...state.entities]) {
    for (const part of chunks(rows.map((row) => row.id as Knex.Value))) await trx(table).whereIn('id', part).delete();
  }
};

/** Rows per insert statement (SQLite binds at most ~32k values: a wide table's rows stay far below). */
const INSERT_ROWS = 100;

/** Puts rows back with their ids (a row already there, named by two documents' states, is kept). */
export const insertTables = async (trx: Knex.Transaction, tables: Tables): Promise<void> => {
  for (const [table, rows] of tables) {
    for (const part of chunks(rows, INSERT_ROWS)) {
      if (part.length > 0) await trx(table).insert(part.map(decodeRow)).onConflict('id').ignore();
    }
  }
};

/*
 * Values as JSON: dates, bytes and JSON columns tagged (`{ $date }`, `{ $bytes }`, `{ $json }`), so that they go back
 * in as what they were (`encodedRowJson` writes them, `decodeRow` reads them).
 */

/** The values to insert for an encoded row (JSON columns as text: every database takes it). */
export const decodeRow = (row: Row): Row => {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object') {
      const tagged = value as { $date?: string; $bytes?: string; $json?: unknown };
      if (tagged.$date !== undefined) out[column] = new Date(tagged.$date);
      else if (tagged.$bytes !== undefined) out[column] = Buffer.from(tagged.$bytes, 'base64');
      else out[column] = JSON.stringify(tagged.$json);
    } else out[column] = value;
  }
  return out;
};

/**
 * One value as JSON text, tagged (`undefined`: a column JSON leaves out). Written as text so that fingerprints and
 * pre-image lines are made without an encoded copy of every row: the same text as `JSON.stringify` of the tagged
 * copy that earlier versions made (unit-tested against it), so their fingerprints still compare.
 */
const encodedJson = (value: unknown): string | undefined => {
  if (value instanceof Date) return `{"$date":${JSON.stringify(value.toISOString())}}`;
  if (Buffer.isBuffer(value)) return `{"$bytes":${JSON.stringify(value.toString('base64'))}}`;
  if (value !== null && typeof value === 'object') return `{"$json":${JSON.stringify(value)}}`;
  return JSON.stringify(value) as string | undefined;
};

/** A row as one JSON object, its values tagged. */
export const encodedRowJson = (row: Row): string => {
  // Most rows hold no date, bytes or JSON value (SQLite gives dates as numbers): then the tagged text is JSON's own.
  let tagged = false;
  for (const column in row) {
    const value = row[column];
    if (value !== null && typeof value === 'object') {
      tagged = true;
      break;
    }
  }
  if (!tagged) return JSON.stringify(row);
  let out = '';
  for (const column in row) {
    const json = encodedJson(row[column]);
    if (json === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(column)}:${json}`;
  }
  return `{${out}}`;
};

const tablesJson = (tables: Tables): string =>
  `[${tables.map(([table, rows]) => `[${JSON.stringify(table)},[${rows.map(encodedRowJson).join(',')}]]`).join(',')}]`;

/** A document's state as one JSON object, its values tagged. */
export const encodedStateJson = (state: DocumentState): string =>
  `{"entities":${tablesJson(state.entities)},"links":${tablesJson(state.links)}}`;

/**
 * A fingerprint's version. 1 (pre-images of the first release): every column of the document's rows, as JSON. 2:
 * the columns every write through Strapi changes (`updated_at`, with the row's id, document, locale and
 * `published_at`), their values as text: measured on 100,000 contacts, fingerprinting went from 18% of an import's
 * profile to 7% (docs/benchmarks.md). A change made by SQL that leaves `updated_at` alone is seen by neither (nor
 * are link rows, in either).
 */
export type FingerprintVersion = 1 | 2;
export const FINGERPRINT_VERSION: FingerprintVersion = 2;
const FINGERPRINT_ATTRIBUTES = ['id', 'documentId', 'locale', 'publishedAt', 'updatedAt'];

const byId = (rows: Row[]) => (rows.length > 1 ? [...rows].sort((a, b) => Number(a.id) - Number(b.id)) : rows);

/** A value as text for a version 2 fingerprint (a date by its instant, whatever type the driver gives it as). */
const valueText = (value: unknown): string =>
  value === null || value === undefined ? '' : value instanceof Date ? String(value.getTime()) : String(value);

/** A digest as hex: Node's one-shot `crypto.hash` where there is one (20.12+: a third of `createHash`'s time). */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const hex = (algorithm: 'sha1' | 'sha256', text: string): string =>
  oneShot ? oneShot(algorithm, text, 'hex') : crypto.createHash(algorithm).update(text).digest('hex');

/**
 * What a document looks like, to tell whether someone changed it since: a hash of its rows in the type's table
 * (every locale, draft and published), sorted by id. An empty string: the document has no rows (deleted).
 * Version 1: the rows' JSON as `encodedRowJson` writes it; version 2: the values of `columns`, in that order.
 */
export const fingerprintOf = (rows: Row[], columns?: string[]): string => {
  if (rows.length === 0) return '';
  if (!columns) return hex('sha256', `[${byId(rows).map(encodedRowJson).join(',')}]`).slice(0, 32);
  let text = '';
  for (const row of byId(rows)) {
    if (text) text += '\u0002';
    for (let i = 0; i < columns.length; i += 1) text += (i > 0 ? '\u0001' : '') + valueText(row[columns[i]]);
  }
  return hex('sha1', text);
};

/** The column of `meta`'s table that holds an attribute (the attribute's name when the metadata names none). */
export const columnOf = (meta: ModelMeta, attribute: string): string => meta.attributes[attribute]?.columnName ?? attribute;

/** The attributes of `meta` a version 2 fingerprint takes, with their columns, in order. */
const fingerprintAttributes = (meta: ModelMeta): Array<[attribute: string, column: string]> =>
  FINGERPRINT_ATTRIBUTES.filter((name) => name === 'id' || meta.attributes[name]).map((name) => [name, columnOf(meta, name)]);

/** The values a write bound to a document's rows in its type's table, by attribute (what a fingerprint reads). */
export type BoundRow = {
  id: number;
  documentId: string;
  locale: string | null;
  publishedAt: Date | null;
  updatedAt: Date;
};

/** The one row of a document's type table an update changed, with the `updatedAt` it bound (nothing else changed). */
export type UpdatedRow = { id: number; updatedAt: Date };

/**
 * The version 2 fingerprint of a document from the values a write bound to its rows (all of them: a document created
 * by that write), without reading them: the same text `fingerprints` makes of the rows read back, provided the
 * driver gives back what it was given (a date as the same instant). The recorder checks that once per task.
 */
export const fingerprintOfBound = (meta: ModelMeta, rows: BoundRow[]): string =>
  // The same values in the same order, named by attribute rather than by column.
  fingerprintOf(rows, fingerprintAttributes(meta).map(([attribute]) => attribute));

/** The columns of `meta`'s table a version 2 fingerprint takes, in order. */
const fingerprintColumns = (meta: ModelMeta): string[] => fingerprintAttributes(meta).map(([, column]) => column);

/** The version 2 fingerprint of a document from its rows in the type's table, as read (by column). */
export const fingerprintOfRows = (meta: ModelMeta, rows: Row[]): string => fingerprintOf(rows, fingerprintColumns(meta));

/** The fingerprints of documents of a type: documentId → hash ('' for a document that has no rows). */
export const fingerprints = async (
  trx: Knex.Transaction | Knex,
  meta: ModelMeta,
  documentIds: string[],
  version: FingerprintVersion = FINGERPRINT_VERSION
): Promise<Map<string, string>> => {
  const documentColumn = meta.attributes.documentId?.columnName ?? 'document_id';
  const columns = version === 1 ? undefined : fingerprintColumns(meta);
  const select = !columns ? ['*'] : columns.includes(documentColumn) ? columns : [...columns, documentColumn];
  const byDocument = new Map<string, Row[]>(documentIds.map((id) => [id, []]));
  for (const part of chunks(documentIds)) {
    for (const row of (await trx(meta.tableName).select(select).whereIn(documentColumn, part)) as Row[]) {
      byDocument.get(String(row[documentColumn]))?.push(row);
    }
  }
  return new Map([...byDocument].map(([id, rows]) => [id, fingerprintOf(rows, columns)]));
};
