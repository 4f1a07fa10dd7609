import fs from 'node:fs';
import readline from 'node:readline';
import type { Knex } from 'knex';
import type { ModelMeta } from '../../schema/model-metadata';
import {
  columnOf,
  encodedStateJson,
  fingerprintOfBound,
  fingerprintOfRows,
  fingerprints,
  FINGERPRINT_VERSION,
  readDocuments,
  type BoundRow,
  type DocumentState,
  type FingerprintVersion,
  type Row,
  type UndoModels,
  type UpdatedRow,
} from './rows';

/**
 * The pre-images of an import (`pre-images.jsonl` in the task's folder): one line per document the import touched,
 * written before the batch that touches it first writes:
 *
 * - `{ "t": "before", uid, documentId, state }`: a document that existed: all its rows (see rows.ts);
 * - `{ "t": "created", uid, documentId }`: a document the import created; with `hash` and `v` as in an `after` line
 *   when the batch that created it fingerprinted it from the values it bound (a bulk create);
 * - `{ "t": "after", uid, documentId, hash, v }`: what the import left (its rows' fingerprint, of version `v`: 1 when
 *   absent, see rows.ts), written after each batch
 *   that commits on its own, and once the import ends for every document changed since its last fingerprint (a
 *   run that is one transaction, the second pass's links, a resume); the last one counts.
 *
 * One batch at a time in memory; the file grows with the documents the import updated (their rows as JSON). A
 * `continue` import appends a batch's lines before the batch's checkpoint commits; the checkpoint
 * keeps the file's length, and a resume cuts the file back to it (the lines of a batch that rolled back go).
 */

export type PreImageLine =
  | { t: 'before'; uid: string; documentId: string; state: DocumentState }
  /** `hash`: what the batch that created it left, when it knew without reading (a bulk create): an `after` line in one. */
  | { t: 'created'; uid: string; documentId: string; hash?: string; v?: FingerprintVersion }
  | { t: 'after'; uid: string; documentId: string; hash: string; v?: FingerprintVersion };

export const PRE_IMAGES_FILE = 'pre-images.jsonl';

/** Reads the lines of a pre-image file, one at a time. */
export async function* readPreImages(path: string): AsyncGenerator<PreImageLine> {
  if (!fs.existsSync(path)) return;
  const lines = readline.createInterface({ input: fs.createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as PreImageLine;
}

/**
 * A document a batch wrote; `bound`: the values a bulk create bound to its rows; `updatedRow`: the one row of its
 * type's table a bulk update changed.
 */
export interface WrittenDocument {
  documentId: string;
  bound?: BoundRow[];
  updatedRow?: UpdatedRow;
}

/**
 * A document's rows in its type's table after a bulk update changed one of them (`rows`: as its pre-image read
 * them): that row with the updatedAt bound. Null when the pre-image does not hold the row.
 */
const updatedRows = (rows: Row[] | undefined, updated: UpdatedRow, meta: ModelMeta | undefined): Row[] | null => {
  if (!rows || !meta || !rows.some((row) => Number(row.id) === updated.id)) return null;
  const column = columnOf(meta, 'updatedAt');
  return rows.map((row) => (Number(row.id) === updated.id ? { ...row, [column]: updated.updatedAt } : row));
};

export class PreImageRecorder {
  /**
   * Documents this import touched, by type: documentId → whether the file's last fingerprint of it (an `after` line,
   * or its `created` line's) is what it holds now (`finish` need not read it again).
   */
  private readonly touched = new Map<string, Map<string, boolean>>();
  private pending: string[] = [];
  /** Per type: whether the rows read back fingerprint as the values bound (checked on the first batch). */
  private readonly boundIsExact = new Map<string, boolean>();
  /** The same for updates: whether a pre-image with the updatedAt bound fingerprints as the rows read back. */
  private readonly updateIsExact = new Map<string, boolean>();
  /**
   * The rows in their type's table of the documents whose `before` line this batch wrote, until its `after`: what a
   * bulk update that changed one of them left is worked out from them.
   */
  private batchRows = new Map<string, Row[]>();
  /** The file's length once the pending lines are written. */
  bytes = 0;

  private constructor(readonly path: string, private readonly models: UndoModels) {}

  /**
   * A recorder for a new import (an empty file), or for a resume: the file cut back to `resumeBytes` (what the
   * committed batches wrote) and the documents it names remembered.
   */
  static async open(path: string, models: UndoModels, resumeBytes: number | null): Promise<PreImageRecorder> {
    const recorder = new PreImageRecorder(path, models);
    if (resumeBytes === null || !fs.existsSync(path)) {
      fs.writeFileSync(path, '');
      return recorder;
    }
    fs.truncateSync(path, Math.min(resumeBytes, fs.statSync(path).size));
    // A resume fingerprints them all again at its end (what happened between the checkpoint and the stop is unknown).
    for await (const line of readPreImages(path)) recorder.ofType(line.uid).set(line.documentId, false);
    recorder.bytes = fs.statSync(path).size;
    return recorder;
  }

  private ofType(uid: string): Map<string, boolean> {
    let documents = this.touched.get(uid);
    if (!documents) this.touched.set(uid, (documents = new Map()));
    return documents;
  }

  get documents(): number {
    let count = 0;
    for (const documents of this.touched.values()) count += documents.size;
    return count;
  }

  /** Before a batch writes: the state of the documents it may update that this import has not touched yet. */
  async before(trx: Knex.Transaction, uid: string, candidates: Iterable<string>): Promise<void> {
    const touched = this.ofType(uid);
    const fresh = [...new Set(candidates)].filter((id) => !touched.has(id));
    if (fresh.length === 0) return;
    const table = this.models.metadataOf(uid)?.tableName;
    for (const [documentId, state] of await readDocuments(trx, this.models, uid, fresh)) {
      touched.set(documentId, false);
      this.pushBefore(uid, documentId, state);
      const rows = state.entities.find(([name]) => name === table)?.[1];
      if (rows) this.batchRows.set(documentId, rows);
    }
  }

  /**
   * After a batch wrote: the documents it created, and what it left of every document it wrote (`fingerprint`: a
   * batch that commits on its own; a run that is one transaction leaves that to `finish`, which reads them all again).
   * A document the batch created with one write of known values (`bound`: a bulk create) is fingerprinted from them,
   * not read back, in both kinds of run: its `created` line carries the fingerprint. So is a document this batch read
   * the pre-image of and changed one row of, once, by a bulk update (`updatedRow`): its pre-image's rows with that
   * row's `updatedAt` as bound; its `after` line is written now.
   */
  async after(
    trx: Knex.Transaction,
    uid: string,
    written: Iterable<WrittenDocument>,
    { fingerprint = true }: { fingerprint?: boolean } = {}
  ): Promise<void> {
    const meta = this.models.metadataOf(uid);
    const touched = this.ofType(uid);
    const batchRows = this.batchRows;
    this.batchRows = new Map();
    /** documentId → its one write in this batch (null: written more than once). */
    const writes = new Map<string, WrittenDocument | null>();
    for (const write of written) writes.set(write.documentId, writes.has(write.documentId) ? null : write);
    const read: string[] = [];
    const created: string[] = [];
    const known: Array<[string, BoundRow[]]> = [];
    const updated: Array<[string, Row[]]> = [];
    for (const [documentId, write] of writes) {
      const bound = write?.bound && write.bound.length > 0 ? write.bound : null;
      const rows = write?.updatedRow ? updatedRows(batchRows.get(documentId), write.updatedRow, meta) : null;
      if (touched.has(documentId) && rows && this.updateIsExact.get(uid) !== false) {
        // An existing document this batch read and changed one row of: its rows are known.
        touched.set(documentId, true);
        updated.push([documentId, rows]);
      } else if (touched.has(documentId)) {
        touched.set(documentId, fingerprint);
        if (fingerprint) read.push(documentId);
      } else if (bound && meta && this.boundIsExact.get(uid) !== false) {
        // A new document written once in this batch: its rows are the ones it bound.
        touched.set(documentId, true);
        known.push([documentId, bound]);
      } else {
        touched.set(documentId, fingerprint);
        created.push(documentId);
        if (fingerprint) read.push(documentId);
      }
    }
    const uidJson = JSON.stringify(uid);
    for (const documentId of created) this.pushCreated(uidJson, documentId);
    if (meta && known.length > 0) {
      const ids = known.map(([documentId]) => documentId);
      const hashes = await this.checked(trx, meta, this.boundIsExact, ids, known.map(([, rows]) => fingerprintOfBound(meta, rows)));
      ids.forEach((documentId, i) => this.pushCreated(uidJson, documentId, hashes[i]));
    }
    if (meta && updated.length > 0) {
      const ids = updated.map(([documentId]) => documentId);
      const hashes = await this.checked(trx, meta, this.updateIsExact, ids, updated.map(([, rows]) => fingerprintOfRows(meta, rows)));
      ids.forEach((documentId, i) => this.pushAfter(uid, documentId, hashes[i]));
    }
    if (read.length > 0) await this.fingerprint(trx, uid, read);
  }

  /**
   * Fingerprints worked out without a read (`hashes`, of the documents `ids`), checked once per task and type and
   * kind of write (`exactness`) against the rows read back: a driver that gives values back otherwise (dates as
   * strings, another precision) makes this task read them all, as before.
   */
  private async checked(
    trx: Knex.Transaction,
    meta: ModelMeta,
    exactness: Map<string, boolean>,
    ids: string[],
    hashes: string[]
  ): Promise<string[]> {
    if (exactness.has(meta.uid)) return hashes;
    const stored = await fingerprints(trx, meta, ids);
    const exact = ids.every((documentId, i) => stored.get(documentId) === hashes[i]);
    exactness.set(meta.uid, exact);
    return exact ? hashes : ids.map((documentId) => stored.get(documentId) ?? '');
  }

  /** Documents written since their last fingerprint outside a batch (the second pass): `finish` reads them again. */
  changed(uid: string, documentId: string): void {
    const touched = this.touched.get(uid);
    if (touched?.has(documentId)) touched.set(documentId, false);
  }

  /**
   * Once the import ends (after the second pass): what it left of every document it touched, unless a batch's
   * fingerprint still says it (a `continue` import reads each document once, not twice).
   */
  async finish(trx: Knex.Transaction | Knex): Promise<void> {
    for (const [uid, touched] of this.touched) {
      const ids: string[] = [];
      for (const [documentId, fingerprinted] of touched) if (!fingerprinted) ids.push(documentId);
      for (let i = 0; i < ids.length; i += 500) await this.fingerprint(trx, uid, ids.slice(i, i + 500));
      await this.flush();
    }
  }

  private async fingerprint(trx: Knex.Transaction | Knex, uid: string, ids: string[]) {
    const meta = this.models.metadataOf(uid);
    if (!meta || ids.length === 0) return;
    for (const [documentId, hash] of await fingerprints(trx, meta, ids)) this.pushAfter(uid, documentId, hash);
  }

  /** A `created` line (with what the batch left, when it knew it), as `push` would write it; `uidJson`: the uid as JSON. */
  private pushCreated(uidJson: string, documentId: string, hash?: string) {
    const left = hash === undefined ? '' : `,"hash":${JSON.stringify(hash)},"v":${FINGERPRINT_VERSION}`;
    this.pending.push(`{"t":"created","uid":${uidJson},"documentId":${JSON.stringify(documentId)}${left}}\n`);
  }

  private pushAfter(uid: string, documentId: string, hash: string) {
    this.push({ t: 'after', uid, documentId, hash, v: FINGERPRINT_VERSION });
  }

  private push(line: PreImageLine) {
    this.pending.push(`${JSON.stringify(line)}\n`);
  }

  /** A `before` line, as `push` would write it, without an encoded copy of the rows. */
  private pushBefore(uid: string, documentId: string, state: DocumentState) {
    const head = JSON.stringify({ t: 'before', uid, documentId });
    this.pending.push(`${head.slice(0, -1)},"state":${encodedStateJson(state)}}\n`);
  }

  /**
   * Writes the pending lines to the file (to the operating system: they outlive a killed process, as the error
   * report's rows do), before a batch's checkpoint commits. No fsync per batch: it cost more than the pre-images
   * themselves on a busy disk (docs/benchmarks.md).
   */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    // Encoded once: the file's length grows by the buffer's (measuring the text's UTF-8 length was a second pass).
    const bytes = Buffer.from(this.pending.join(''));
    this.pending = [];
    await fs.promises.appendFile(this.path, bytes);
    this.bytes += bytes.length;
  }
}
