import { mayResume as isResumable } from './task-row';

describe('isResumable', () => {
  const row = { kind: 'import' as const, state: 'interrupted' as const, options: { onError: 'continue' as const }, dryRun: false };

  it('an interrupted or cancelled continue-mode import can be resumed', () => {
    expect(isResumable(row)).toBe(true);
    expect(isResumable({ ...row, state: 'cancelled' })).toBe(true);
  });

  it('not a stop-mode import (rolled back: it restarts from the start), a failed one, a dry run or an export', () => {
    expect(isResumable({ ...row, options: { onError: 'stop' as const } })).toBe(false);
    expect(isResumable({ ...row, options: {} })).toBe(false);
    expect(isResumable({ ...row, state: 'failed' })).toBe(false);
    expect(isResumable({ ...row, dryRun: true })).toBe(false);
    expect(isResumable({ ...row, kind: 'export' })).toBe(false);
  });
});
