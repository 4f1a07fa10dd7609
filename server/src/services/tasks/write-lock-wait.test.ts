import type { HeldLock } from './locks';
import { waitForWriteLocks, writtenTypes } from './write-lock-wait';
import type { TaskRow } from './task-row';

const lock: HeldLock = { release: async () => undefined };

/** A locks service whose answers are given in order (the last one repeats). */
const fakeLocks = (answers: Array<{ busy: string; holder: number | null } | 'free'>) => {
  const calls: string[][] = [];
  let turn = 0;
  const current = () => answers[Math.min(turn, answers.length - 1)];
  return {
    calls,
    locks: {
      tryAcquireAll: async (uids: string[]) => {
        calls.push(uids);
        const answer = current();
        turn += 1;
        return answer === 'free' ? { lock } : { busy: answer.busy };
      },
      holderOf: async () => {
        const answer = answers[Math.min(turn - 1, answers.length - 1)];
        return answer === 'free' ? null : answer.holder;
      },
    },
  };
};

describe('the types a task writes', () => {
  it('one type for an import; a bundle its types, each once, sorted (same order in every task)', () => {
    expect(writtenTypes({ kind: 'import', contentType: 'api::b.b', options: {} } as TaskRow)).toEqual(['api::b.b']);
    const bundle = {
      kind: 'bundle-import',
      contentType: '',
      options: { types: [{ contentType: 'api::c.c' }, { contentType: 'api::a.a' }, { contentType: 'api::c.c' }] },
    };
    expect(writtenTypes(bundle as unknown as TaskRow)).toEqual(['api::a.a', 'api::c.c']);
  });
});

describe('waiting for the write locks', () => {
  it('takes free locks at once and says nothing', async () => {
    const { locks, calls } = fakeLocks(['free']);
    const said: unknown[] = [];
    const held = await waitForWriteLocks({
      locks,
      uids: ['api::a.a'],
      taskId: 1,
      signal: new AbortController().signal,
      onWaiting: async (...args) => void said.push(args),
      retry: 1,
    });
    expect(held).toBe(lock);
    expect(calls).toEqual([['api::a.a']]);
    expect(said).toEqual([]);
  });

  it('says whom it waits for when the holder changes, and that it runs once the locks are free', async () => {
    const { locks } = fakeLocks([
      { busy: 'api::a.a', holder: 4 },
      { busy: 'api::a.a', holder: 4 },
      { busy: 'api::b.b', holder: 9 },
      { busy: 'api::b.b', holder: null },
      'free',
    ]);
    const said: unknown[] = [];
    await waitForWriteLocks({
      locks,
      uids: ['api::a.a', 'api::b.b'],
      taskId: 1,
      signal: new AbortController().signal,
      onWaiting: async (...args) => void said.push(args),
      retry: 1,
    });
    expect(said).toEqual([
      [4, 'api::a.a'],
      [9, 'api::b.b'],
      [null, 'api::b.b'],
      [null, null],
    ]);
  });

  it('stops waiting when the task is cancelled', async () => {
    const { locks } = fakeLocks([{ busy: 'api::a.a', holder: 4 }]);
    const controller = new AbortController();
    const waiting = waitForWriteLocks({
      locks,
      uids: ['api::a.a'],
      taskId: 1,
      signal: controller.signal,
      onWaiting: async () => undefined,
      retry: 60_000,
    });
    setTimeout(() => controller.abort(new Error('Cancelled')), 20);
    await expect(waiting).rejects.toThrow('Cancelled');
  });
});

describe('a long wait', () => {
  it('leaves no abort listener behind per try (a task may wait for minutes)', async () => {
    const { locks } = fakeLocks([
      { busy: 'api::a.a', holder: 4 },
      { busy: 'api::a.a', holder: 4 },
      { busy: 'api::a.a', holder: 4 },
      'free',
    ]);
    const signal = new AbortController().signal;
    let listeners = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => ((listeners += 1), add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (
      (listeners -= 1), remove(...args)
    )) as typeof remove;
    await waitForWriteLocks({
      locks,
      uids: ['api::a.a'],
      taskId: 1,
      signal,
      onWaiting: async () => undefined,
      retry: 1,
    });
    expect(listeners).toBe(0);
  });
});
