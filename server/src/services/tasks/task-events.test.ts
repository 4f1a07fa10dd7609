import { TASK_STATUSES } from '../../../../shared/contracts';
import { emitTaskEvent, taskEventOf, taskEventPayload } from './task-events';
import type { TaskRow } from './task-row';

const row = (extra: Partial<TaskRow>): TaskRow =>
  ({
    id: 7,
    kind: 'import',
    name: 'Import articles.jsonl',
    contentType: 'api::article.article',
    format: 'jsonl',
    state: 'completed-with-errors',
    options: { onError: 'continue' },
    total: 10,
    processed: 10,
    created: 6,
    updated: 2,
    skipped: null,
    failed: 2,
    error: null,
    writePath: 'bulk',
    errorReportKey: 'tasks/7/errors.jsonl',
    createdAt: new Date('2026-12-05T10:00:00Z'),
    startedAt: new Date('2026-12-05T10:00:01Z'),
    finishedAt: new Date('2026-12-05T10:00:03Z'),
    creatorId: 3,
    creatorName: 'Ada Lovelace',
    ...extra,
  } as TaskRow);

describe('task events', () => {
  it('completed and completed-with-errors emit task.completed, failed task.failed; cancelled, interrupted and unfinished states nothing', () => {
    const events = Object.fromEntries(TASK_STATUSES.map((status) => [status, taskEventOf(status)]));
    expect(events).toEqual({
      queued: null,
      running: null,
      completed: 'data-migration-center.task.completed',
      'completed-with-errors': 'data-migration-center.task.completed',
      failed: 'data-migration-center.task.failed',
      cancelled: null,
      interrupted: null,
    });
  });

  it('the payload says the task, its counts (skipped 0 when never set), its times and creator, without its options', () => {
    expect(taskEventPayload(row({}))).toEqual({
      id: 7,
      kind: 'import',
      name: 'Import articles.jsonl',
      contentType: 'api::article.article',
      format: 'jsonl',
      status: 'completed-with-errors',
      counts: { total: 10, processed: 10, created: 6, updated: 2, skipped: 0, failed: 2 },
      error: null,
      writePath: 'bulk',
      startedAt: '2026-12-05T10:00:01.000Z',
      finishedAt: '2026-12-05T10:00:03.000Z',
      createdBy: { kind: 'admin-user', id: 3, name: 'Ada Lovelace' },
    });
  });

  it('emits once, with the event name and { task }', async () => {
    const emitted: Array<[string, unknown]> = [];
    const event = await emitTaskEvent(
      async (name, payload) => emitted.push([name, payload]),
      row({ state: 'failed', error: 'boom' }),
      () => undefined
    );
    expect(event).toBe('data-migration-center.task.failed');
    expect(emitted).toHaveLength(1);
    expect(emitted[0][0]).toBe('data-migration-center.task.failed');
    expect((emitted[0][1] as { task: { error: string } }).task.error).toBe('boom');
  });

  it('emits nothing for a cancelled task', async () => {
    const emit = jest.fn(async () => undefined);
    expect(await emitTaskEvent(emit, row({ state: 'cancelled' }), () => undefined)).toBeNull();
    expect(emit).not.toHaveBeenCalled();
  });

  it('an emitter that throws is logged, never thrown', async () => {
    const warnings: string[] = [];
    const result = await emitTaskEvent(
      async () => {
        throw new Error('listener down');
      },
      row({ state: 'completed' }),
      (message) => warnings.push(message)
    );
    expect(result).toBeNull();
    expect(warnings).toEqual(['task 7: the data-migration-center.task.completed event was not sent: listener down']);
  });
});
