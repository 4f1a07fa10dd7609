import { commitsByBatch, describeStop, mayResume, type TaskRow } from './task-row';

/** What a stopped task left, said of single-type and bundle imports. */

const row = (extra: Partial<TaskRow>): TaskRow =>
  ({ id: 1, kind: 'import', state: 'cancelled', options: { onError: 'continue' }, dryRun: false, created: 3, updated: 2, failed: 1, processed: 6, ...extra }) as TaskRow;

describe('a stopped import', () => {
  it('continue mode commits by batch, single types and bundles alike; stop mode and dry runs do not', () => {
    expect(commitsByBatch(row({}))).toBe(true);
    expect(commitsByBatch(row({ kind: 'bundle-import' }))).toBe(true);
    expect(commitsByBatch(row({ kind: 'bundle-import', options: { onError: 'stop' } as TaskRow['options'] }))).toBe(false);
    expect(commitsByBatch(row({ kind: 'bundle-import', dryRun: true }))).toBe(false);
    expect(commitsByBatch(row({ kind: 'export' }))).toBe(false);
  });

  it('only a single-type import may be resumed; a bundle says what it kept and to import it again', () => {
    expect(mayResume(row({}))).toBe(true);
    expect(mayResume(row({ kind: 'bundle-import' }))).toBe(false);
    expect(describeStop(row({ kind: 'bundle-import' }), 'cancelled')).toBe(
      'Cancelled; the batches written before were kept: 5 entries (3 created, 2 updated, 1 failed), the batch in progress was rolled back. A bundle import is not resumed: import the bundle again (with upsert, what is there is updated)'
    );
    expect(describeStop(row({}), 'cancelled')).toMatch(/Resume it to import the rest$/);
    expect(describeStop(row({ kind: 'bundle-import', options: { onError: 'stop' } as TaskRow['options'] }), 'interrupted')).toMatch(
      /rolled back: nothing of this task was kept$/
    );
  });
});
