import { createTaskContext, type CheckpointData, type ProgressUpdate } from './task-context';
import type { TaskRow } from './task-row';

/** A task's context: progress throttled, checkpoints never overwritten by older progress, nothing lost at the end. */

const task = { id: 7, kind: 'import', state: 'running', processed: 0 } as unknown as TaskRow;

const setup = ({ waits = false } = {}) => {
  let clock = 1_000;
  const progressWrites: ProgressUpdate[] = [];
  const checkpoints: CheckpointData[] = [];
  const warnings: string[] = [];
  const live = new Map<number, TaskRow>();
  const state = { waits, failNext: false };
  const made = createTaskContext(task, new AbortController().signal, {
    live,
    writeProgress: async (_id, data) => {
      if (state.failNext) {
        state.failNext = false;
        throw new Error('database gone');
      }
      progressWrites.push(data);
    },
    writeCheckpoint: async (_id, data) => void checkpoints.push(data),
    progressWaits: () => state.waits,
    warn: (message) => warnings.push(message),
    now: () => clock,
    interval: 500,
  });
  return { ...made, live, progressWrites, checkpoints, warnings, state, tick: (ms: number) => (clock += ms) };
};

describe('a task context', () => {
  it('writes progress at most once per interval, keeps the rest live, and writes it all at the end', async () => {
    const t = setup();
    t.context.progress({ processed: 1 });
    t.context.progress({ processed: 2 });
    t.tick(100);
    t.context.progress({ processed: 3, created: 3 });
    await t.settled();
    expect(t.progressWrites).toEqual([{ processed: 1 }]);
    expect(t.live.get(7)).toMatchObject({ processed: 3, created: 3 });
    t.flush(true);
    await t.settled();
    expect(t.progressWrites).toEqual([{ processed: 1 }, { processed: 3, created: 3 }]);
    t.flush(true); // nothing pending: no empty write
    await t.settled();
    expect(t.progressWrites).toHaveLength(2);
  });

  it('never writes a column after a checkpoint wrote it (the checkpoint is newer and committed with its data)', async () => {
    const t = setup();
    t.tick(1_000);
    t.context.progress({ processed: 1 });
    t.tick(100);
    t.context.progress({ processed: 5, created: 5 });
    await t.context.checkpoint({ processed: 5, skipped: 0 });
    t.tick(1_000);
    t.context.progress({ processed: 4, fraction: 0.5 });
    t.flush(true);
    await t.settled();
    expect(t.checkpoints).toEqual([{ processed: 5, skipped: 0 }]);
    expect(t.progressWrites).toEqual([{ processed: 1 }, { created: 5, fraction: 0.5 }]);
    expect(t.live.get(7)).toMatchObject({ processed: 5, skipped: 0 });
  });

  it("keeps progress in memory while a write would wait behind the task's transaction, and writes it at the end", async () => {
    const t = setup({ waits: true });
    t.tick(1_000);
    t.context.progress({ processed: 10 });
    t.tick(1_000);
    t.context.progress({ processed: 20 });
    await t.settled();
    expect(t.progressWrites).toEqual([]);
    expect(t.live.get(7)).toMatchObject({ processed: 20 });
    t.flush(true);
    await t.settled();
    expect(t.progressWrites).toEqual([{ processed: 20 }]);
  });

  it('a failed progress write is logged and the next one still goes out', async () => {
    const t = setup();
    t.state.failNext = true;
    t.tick(1_000);
    t.context.progress({ processed: 1 });
    t.tick(1_000);
    t.context.progress({ processed: 2 });
    await t.settled();
    expect(t.warnings).toEqual(['task 7: progress not saved: database gone']);
    expect(t.progressWrites).toEqual([{ processed: 2 }]);
  });
});
