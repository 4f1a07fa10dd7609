import fs from 'node:fs';
import readline from 'node:readline';
import type { OnError } from '../../../../shared/contracts';
import { stopOrContinue, type ItemProblem, type Problem } from '../problems';
import type { RefSlot } from './prepare/prepare';
import { resolveReferences, type ResolveContext } from './resolve/references';
import { ItemFailure, type BatchEntry, type DeferredLinks } from './write/entries';

/**
 * The second pass of an import: self references to items that came later in the file (an article's `related`
 * naming an article further on) are linked once every entry of the file exists; in a bundle, so are relations to
 * types imported later (types that refer to each other), once every type is imported. The first pass keeps them on disk
 * (`DeferredFile`, bounded memory); `linkDeferredReferences` resolves them in batches and writes them through the
 * Document Service. A link that still finds nothing is a problem of the `resolve` stage: in `stop` mode it stops
 * the task (rolled back whole); in `continue` mode the entry stays as the first pass wrote it (and stays counted),
 * and the missing relation is a row of the error report.
 */

/** Self references deferred to the second pass, kept on disk (bounded memory). */
export class DeferredFile {
  private out: fs.WriteStream | null = null;
  count = 0;
  constructor(private readonly file: string) {}
  async add(links: DeferredLinks) {
    this.out ??= fs.createWriteStream(this.file);
    this.count += 1;
    if (!this.out.write(`${JSON.stringify(links)}\n`))
      await new Promise<void>((r) => this.out!.once('drain', () => r()));
  }
  async *read(): AsyncGenerator<DeferredLinks> {
    if (!this.out) return;
    await new Promise<void>((resolve) => this.out!.end(resolve));
    for await (const line of readline.createInterface({ input: fs.createReadStream(this.file), crlfDelay: Infinity })) {
      if (line) yield JSON.parse(line) as DeferredLinks;
    }
  }
  remove() {
    this.out?.destroy();
    fs.rmSync(this.file, { force: true });
  }
}

/** Groups items in batches of `size()` items (read before each batch, so it may adapt as the task runs). */
export async function* inBatches<T>(source: AsyncIterable<T>, size: number | (() => number)): AsyncGenerator<T[]> {
  const limit = typeof size === 'number' ? () => size : size;
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= limit()) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Chunks of items regrouped in batches of `size()` items (read before each batch, so it may adapt as the task runs). */
export async function* rebatched<T>(source: AsyncIterable<T[]>, size: () => number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const chunk of source) {
    let from = 0;
    while (from < chunk.length) {
      const take = Math.min(chunk.length - from, Math.max(1, size() - batch.length));
      batch = batch.length === 0 && take === chunk.length ? chunk : batch.concat(chunk.slice(from, from + take));
      from += take;
      if (batch.length >= size()) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** The Document Service's update, as the second pass calls it. */
export interface DeferredDocuments {
  update(params: { documentId: string; locale?: string; data: Record<string, unknown>; status?: string }): Promise<unknown>;
}

export interface SecondPass {
  /** The target of a deferred relation attribute (the type itself for a self reference). */
  targetOf: (attribute: string) => string;
  batchSize: number;
  signal: AbortSignal;
  resolve: ResolveContext;
  documents: DeferredDocuments;
  /** Runs a batch's writes in a transaction (the task's own in stop mode). */
  inTransaction: <T>(fn: () => Promise<T>) => Promise<T>;
  onError: OnError;
  /** The status the entries are written with (draft & publish types). */
  status: string | undefined;
  /** Adds an item's problem to the task's error report. */
  report: (problem: ItemProblem, item: unknown) => Promise<void>;
}

/** Links the deferred self references; answers how many entries were left without one of them (continue mode). */
export const linkDeferredReferences = async (
  source: AsyncIterable<DeferredLinks>,
  { targetOf, batchSize, signal, resolve, documents, inTransaction, onError, status, report }: SecondPass
): Promise<number> => {
  let unlinked = 0;
  for await (const batch of inBatches(source, batchSize)) {
    signal.throwIfAborted();
    const requests: Array<{ slot: RefSlot; locale: string | null; links: DeferredLinks }> = [];
    for (const links of batch) {
      for (const [attribute, value] of Object.entries(links.data)) {
        const list = Array.isArray(value) ? value : [value];
        const holder = Array.isArray(value) ? list : links.data;
        list.forEach((v, i) =>
          requests.push({
            slot: {
              target: targetOf(attribute),
              path: Array.isArray(value) ? `${attribute}[${i}]` : attribute,
              holder,
              key: Array.isArray(value) ? i : attribute,
              value: v,
            },
            locale: links.locale,
            links,
          })
        );
        if (Array.isArray(value)) links.data[attribute] = list;
      }
    }
    await inTransaction(async () => {
      const { missing, invalid } = await resolveReferences(requests, resolve);
      const broken = new Map<DeferredLinks, Problem>();
      for (const { request, error } of [...invalid, ...missing]) {
        const { links } = request as (typeof requests)[number];
        const message = `${error.message} (the entry was written without this relation)`;
        if (!broken.has(links)) broken.set(links, { ...error.problem, message });
      }
      for (const links of batch) {
        const problem = broken.get(links);
        if (problem) {
          const entry: BatchEntry = {
            index: links.index,
            line: links.line,
            raw: links.raw,
            prepared: { error: problem, key: links.key },
          };
          const reported = stopOrContinue(onError, problem, (f) => new ItemFailure(entry, f));
          // continue: the entry stays as the first pass wrote it, and stays counted created or updated (that
          // is what the database holds); only the relation is missing. An item error in the report that is not
          // counted failed: the task ends completed-with-errors.
          unlinked += 1;
          await report({ ...reported, index: links.index, line: links.line, key: links.key }, links.raw);
          continue;
        }
        await documents.update({
          documentId: links.documentId,
          locale: links.locale ?? undefined,
          data: links.data,
          status,
        });
      }
    });
  }
  return unlinked;
};
