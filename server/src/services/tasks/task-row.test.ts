import { commitsByBatch, describeStop, mayResume, whyNotRevertable, type TaskRow } from './task-row';

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

describe('what can be reverted (undo)', () => {
  it('a finished import that kept changes, once', () => {
    expect(whyNotRevertable(row({ state: 'completed', options: { onError: 'stop' } as TaskRow['options'] }))).toBeNull();
    expect(whyNotRevertable(row({}))).toBeNull(); // a cancelled continue import kept its committed batches
    expect(whyNotRevertable(row({ kind: 'bundle-import', state: 'completed-with-errors' }))).toBeNull();
  });

  it('refuses the rest, saying why', () => {
    expect(whyNotRevertable(row({ kind: 'export', state: 'completed' }))).toMatch(/an export: only imports can be reverted/);
    expect(whyNotRevertable(row({ kind: 'revert', state: 'completed' }))).toMatch(/a revert: only imports/);
    expect(whyNotRevertable(row({ dryRun: true, state: 'completed' }))).toMatch(/dry run/);
    expect(whyNotRevertable(row({ state: 'running' }))).toMatch(/is running: wait until it has finished/);
    expect(whyNotRevertable(row({ state: 'completed', revertedBy: 7 }))).toMatch(/already reverted \(by task 7\)/);
    expect(whyNotRevertable(row({ state: 'completed', filesRemovedAt: new Date() }))).toMatch(/retention/);
    expect(whyNotRevertable(row({ state: 'failed', options: { onError: 'stop' } as TaskRow['options'] }))).toMatch(/rolled back/);
    expect(whyNotRevertable(row({ state: 'completed', created: 0, updated: 0 }))).toMatch(/nothing created or updated/);
  });
});
