import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ErrorReportRow } from '../../../../shared/contracts';
import { testQueryStrapi } from '../sql/test-query';
import { reportRow } from './report';
import { DeferredFile, inBatches, linkDeferredReferences, rebatched, type SecondPass } from './second-pass';
import { ItemFailure, type DeferredLinks } from './write/entries';

const ARTICLE = 'api::article.article';

/** Articles by slug, as the resolve stage finds them. */
const strapi = testQueryStrapi({
  [ARTICLE]: [
    { documentId: 'doc-a', slug: 'a' },
    { documentId: 'doc-b', slug: 'b' },
  ],
});

const links = (index: number, documentId: string, related: unknown[]): DeferredLinks => ({
  index,
  line: index + 1,
  key: `k${index}`,
  raw: { index },
  outcome: 'created',
  documentId,
  locale: null,
  data: { related },
});

const pass = (overrides: Partial<SecondPass> = {}) => {
  const updates: Array<Record<string, unknown>> = [];
  const rows: ErrorReportRow[] = [];
  const options: SecondPass = {
    targetOf: () => ARTICLE,
    batchSize: 2,
    signal: new AbortController().signal,
    resolve: { strapi, keysOf: () => ['documentId', 'slug'], isLocalized: () => false, sourceLocalized: false, defaultLocale: null },
    documents: { update: async (params) => updates.push(params) },
    inTransaction: (fn) => fn(),
    onError: 'continue',
    status: 'draft',
    report: async (problem, item) => {
      rows.push(reportRow(problem, item));
    },
    ...overrides,
  };
  return { options, updates, rows };
};

async function* from<T>(items: T[]) {
  yield* items;
}

describe('linkDeferredReferences', () => {
  it('links each entry to the entries it names, by key, through the Document Service', async () => {
    const { options, updates, rows } = pass();
    const unlinked = await linkDeferredReferences(
      from([links(0, 'doc-c', [{ slug: 'a' }, { slug: 'b' }]), links(1, 'doc-d', [{ slug: 'b' }]), links(2, 'doc-e', ['doc-a'])]),
      options
    );
    expect(unlinked).toBe(0);
    expect(rows).toEqual([]);
    expect(updates).toEqual([
      { documentId: 'doc-c', locale: undefined, data: { related: ['doc-a', 'doc-b'] }, status: 'draft' },
      { documentId: 'doc-d', locale: undefined, data: { related: ['doc-b'] }, status: 'draft' },
      { documentId: 'doc-e', locale: undefined, data: { related: ['doc-a'] }, status: 'draft' },
    ]);
  });

  it('continue: an entry whose link finds nothing keeps what the first pass wrote; the relation is a report row of the resolve stage', async () => {
    const { options, updates, rows } = pass();
    const unlinked = await linkDeferredReferences(from([links(0, 'doc-c', [{ slug: 'nowhere' }]), links(1, 'doc-d', [{ slug: 'a' }])]), options);
    expect(unlinked).toBe(1);
    expect(updates.map((u) => u.documentId)).toEqual(['doc-d']);
    expect(rows).toEqual([
      {
        itemNumber: 1,
        line: 1,
        key: 'k0',
        stage: 'resolve',
        field: 'related[0]',
        message: 'related[0]: no api::article.article matches {"slug":"nowhere"} (the entry was written without this relation)',
        item: { index: 0 },
      },
    ]);
  });

  it('stop: the first link that finds nothing stops the task with the item it belongs to', async () => {
    const { options, updates } = pass({ onError: 'stop' });
    const run = linkDeferredReferences(from([links(3, 'doc-c', [{ slug: 'nowhere' }])]), options);
    await expect(run).rejects.toBeInstanceOf(ItemFailure);
    await expect(run).rejects.toMatchObject({ entry: { index: 3 }, problem: { stage: 'resolve', field: 'related[0]' } });
    expect(updates).toEqual([]);
  });

  it('stops at a cancel', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const { options } = pass({ signal: controller.signal });
    await expect(linkDeferredReferences(from([links(0, 'doc-c', ['doc-a'])]), options)).rejects.toThrow('cancelled');
  });
});

describe('DeferredFile and inBatches', () => {
  it('keeps the links on disk and reads them back in batches, in order', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-deferred-')), 'deferred.jsonl');
    const deferred = new DeferredFile(file);
    for (let i = 0; i < 5; i += 1) await deferred.add(links(i, `doc-${i}`, [`doc-${i + 1}`]));
    const batches: number[][] = [];
    for await (const batch of inBatches(deferred.read(), 2)) batches.push(batch.map((l) => l.index));
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    deferred.remove();
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('rebatched', () => {
  async function* chunks(sizes: number[]) {
    let next = 0;
    for (const size of sizes) yield Array.from({ length: size }, () => next++);
  }
  const batchesOf = async (sizes: number[], size: () => number) => {
    const out: number[][] = [];
    for await (const batch of rebatched(chunks(sizes), size)) out.push(batch);
    return out;
  };

  it('cuts and joins chunks into batches of the size asked before each batch, in order', async () => {
    expect(await batchesOf([5, 1, 0, 7], () => 3)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12]]);
    expect(await batchesOf([2, 2], () => 10)).toEqual([[0, 1, 2, 3]]);
    const sizes = [1, 4, 2];
    let call = 0;
    // The size may change between batches (the adaptive batch size of a continue import).
    const out = await batchesOf([10], () => sizes[Math.min(Math.floor(call++ / 2), sizes.length - 1)]);
    expect(out.flat()).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(out.every((batch) => batch.length > 0)).toBe(true);
  });
});
