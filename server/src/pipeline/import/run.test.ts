import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { SourceItem } from '../formats';
import { ItemError } from '../problems';
import { testQueryStrapi } from '../sql/test-query';
import type { ResolvedImportOptions } from '../task-options';
import type { PreparedItem } from './prepare/prepare';
import { ErrorReportWriter } from './report';
import { runImport, type ImportCounts, type ImportRun } from './run';
import { DeferredFile } from './second-pass';
import { ItemFailure } from './write/entries';

/**
 * The import loop with its collaborators in memory: a Document Service that creates what it is given (and refuses a
 * title `refused` as Strapi's validator would), a transaction that counts itself, a report written to memory.
 */

const UID = 'api::tag.tag';

const item = (index: number, value: Record<string, unknown> | null, error?: string): SourceItem => ({
  index,
  line: index + 1,
  ...(value ? { value } : { raw: `line ${index + 1}` }),
  ...(error ? { error } : {}),
});

/** The items in chunks of uneven sizes (1, 2, 3, ...), as a reader hands them over. */
async function* from(items: SourceItem[]) {
  for (let i = 0, size = 1; i < items.length; i += size, size += 1) yield items.slice(i, i + size);
}

const setup = (items: SourceItem[], options: { onError: 'stop' | 'continue'; commits: 'task' | 'batch'; skip?: number; batchSize?: number }) => {
  const created: Array<Record<string, unknown>> = [];
  const strapi = {
    db: testQueryStrapi({ [UID]: [] }).db,
    documents: () => ({
      create: async ({ data }: { data: Record<string, unknown> }) => {
        if (data.name === 'refused') {
          throw Object.assign(new Error('ValidationError'), { details: { errors: [{ path: ['name'], message: 'must not be refused' }] } });
        }
        created.push(data);
        return { documentId: `doc-${created.length}` };
      },
    }),
  } as unknown as Core.Strapi;
  const trx = { raw: async () => undefined } as unknown as Knex.Transaction;
  let transactions = 0;
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const checkpoints: Array<{ counts: ImportCounts; items: number; reportItems: number }> = [];
  const counts: ImportCounts = { processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
  const run: ImportRun = {
    items: from(items),
    prepare: (value): PreparedItem => {
      if (typeof value.name !== 'string') throw new ItemError('expected a string', 'name');
      return { documentId: null, locale: null, key: null, data: { name: value.name }, refs: [] };
    },
    matchBy: 'name',
    skip: options.skip ?? 0,
    counts,
    writer: {
      strapi,
      uid: UID,
      schema: { uid: UID, attributes: { name: { type: 'string' } } } as never,
      options: { onError: options.onError, importStrategy: 'upsert', updateStrategy: 'patch', matchBy: 'name' } as ResolvedImportOptions,
      localized: false,
      draftAndPublish: false,
      defaultLocale: null,
      resetValues: {},
      resolve: { strapi, keysOf: () => ['documentId'], isLocalized: () => false, sourceLocalized: false, defaultLocale: null },
      bulk: null,
      gate: null,
      userId: null,
    },
    paths: { bulk: 0, documentService: 0 },
    commits: options.commits,
    batchSize: options.batchSize ?? 2,
    inTransaction: async (fn) => {
      transactions += 1;
      return fn(trx);
    },
    signal: new AbortController().signal,
    report: new ErrorReportWriter(out),
    checkpoint: async (state) => {
      checkpoints.push(state);
    },
    deferred: new DeferredFile(path.join(os.tmpdir(), `dmc-run-test-${process.pid}-${Date.now()}.jsonl`)),
    documents: { update: async () => null },
    pause: async () => undefined,
    progress: () => undefined,
  };
  const rows = async () => {
    await (run.report as ErrorReportWriter).close();
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { run, created, checkpoints, rows, transactions: () => transactions };
};

const items = [
  item(0, { name: 'a' }),
  item(1, null, 'line 2, column 3: unexpected token'),
  item(2, { name: 7 }),
  item(3, { name: 'refused' }),
  item(4, { name: 'b' }),
];

describe('runImport', () => {
  it('continue, per batch: writes what it can, reports every failure with its stage, commits a checkpoint per batch', async () => {
    const { run, created, checkpoints, rows, transactions } = setup(items, { onError: 'continue', commits: 'batch' });
    await expect(runImport(run)).resolves.toEqual({ unlinked: 0 });
    expect(created.map((d) => d.name)).toEqual(['a', 'b']);
    expect(run.counts).toEqual({ processed: 5, created: 2, updated: 0, skipped: 0, failed: 3 });
    expect(await rows()).toEqual([
      expect.objectContaining({ itemNumber: 2, line: 2, stage: 'read', field: null, message: 'line 2, column 3: unexpected token' }),
      expect.objectContaining({ itemNumber: 3, line: 3, stage: 'map', field: 'name', message: 'name: expected a string' }),
      expect.objectContaining({ itemNumber: 4, line: 4, stage: 'validate', field: 'name', message: 'name: must not be refused' }),
    ]);
    // Batches adapt their size from the first (at most batchSize = 2): each commits its counts and checkpoint.
    expect(checkpoints.map((c) => c.items)).toEqual([2, 4, 5]);
    expect(checkpoints.map((c) => c.reportItems)).toEqual([1, 3, 3]);
    expect(checkpoints[2].counts).toEqual({ processed: 5, created: 2, updated: 0, skipped: 0, failed: 3 });
    expect(transactions()).toBe(3);
  });

  it('a resume skips the items its committed batches handled', async () => {
    const { run, created, rows } = setup(items, { onError: 'continue', commits: 'batch', skip: 3 });
    await runImport(run);
    expect(created.map((d) => d.name)).toEqual(['b']);
    expect(run.counts).toEqual({ processed: 2, created: 1, updated: 0, skipped: 0, failed: 1 });
    expect((await rows()).map((r) => r.itemNumber)).toEqual([4]);
  });

  it('stop: throws the first failing item, with its stage, before writing anything after it', async () => {
    const { run, created, checkpoints } = setup(items, { onError: 'stop', commits: 'task' });
    const failure = await runImport(run).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ItemFailure);
    expect((failure as ItemFailure).entry.index).toBe(1);
    expect((failure as ItemFailure).problem).toEqual({ stage: 'read', field: null, message: 'line 2, column 3: unexpected token' });
    expect(created.map((d) => d.name)).toEqual(['a']);
    expect(checkpoints).toEqual([]);
  });

  it('continue inside one transaction (a dry run): failures are reported as batches are counted, no checkpoint', async () => {
    const { run, checkpoints, rows } = setup(items, { onError: 'continue', commits: 'task', batchSize: 10 });
    await runImport(run);
    expect(run.counts).toEqual({ processed: 5, created: 2, updated: 0, skipped: 0, failed: 3 });
    expect((await rows()).map((r) => [r.itemNumber, r.stage])).toEqual([
      [2, 'read'],
      [3, 'map'],
      [4, 'validate'],
    ]);
    expect(checkpoints).toEqual([]);
  });
});
