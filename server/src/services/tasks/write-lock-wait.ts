import { type ResolvedBundleImportOptions, type RevertOptions } from '../../../../shared/contracts';
import type { HeldLock, LocksService } from './locks';
import type { TaskRow } from './task-row';

/** How often a task waiting for a write lock tries again. */
export const LOCK_RETRY = 250;

/**
 * The content types a task writes, each once, in a fixed order (two bundles that share types take their locks in
 * the same order: neither holds one the other waits for while waiting itself). Types that share a lock (every type
 * on SQLite) are taken once by `tryAcquireAll`.
 */
export const writtenTypes = (task: Pick<TaskRow, 'kind' | 'contentType' | 'options'>): string[] => {
  const uids =
    task.kind === 'bundle-import'
      ? (task.options as unknown as ResolvedBundleImportOptions).types.map((type) => type.contentType)
      : task.kind === 'revert'
        ? (task.options as unknown as RevertOptions).types
        : [task.contentType];
  return [...new Set(uids)].sort();
};

export interface WaitForWriteLocksArgs {
  locks: Pick<LocksService, 'tryAcquireAll' | 'holderOf'>;
  uids: string[];
  taskId: number;
  signal: AbortSignal;
  /**
   * The task the lock waits for changed: `holder` is its id (null: another process, or none recorded), `busy` the
   * type whose lock it holds; `holder` null and `busy` null once the locks are taken after a wait.
   */
  onWaiting(holder: number | null, busy: string | null): Promise<void>;
  retry?: number;
}

/** Takes a task's write locks, waiting while another task holds one; throws when `signal` aborts. */
export const waitForWriteLocks = async ({
  locks,
  uids,
  taskId,
  signal,
  onWaiting,
  retry = LOCK_RETRY,
}: WaitForWriteLocksArgs): Promise<HeldLock> => {
  let waitingFor: number | null | undefined;
  for (;;) {
    signal.throwIfAborted();
    const attempt = await locks.tryAcquireAll(uids, taskId);
    if ('lock' in attempt) {
      if (waitingFor !== undefined) await onWaiting(null, null);
      return attempt.lock;
    }
    const holder = await locks.holderOf(attempt.busy, taskId);
    if (holder !== waitingFor) {
      waitingFor = holder;
      await onWaiting(holder, attempt.busy);
    }
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      timer = setTimeout(() => {
        signal.removeEventListener('abort', wake);
        resolve();
      }, retry);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
};
