import type { Core } from '@strapi/strapi';
import { TASK_EVENTS, type TaskEvent, type TaskEventPayload, type TaskStatus } from '../../../../shared/contracts';
import { toTask, type TaskRow } from './task-row';

/**
 * The Strapi webhook events of the center (README, *Webhooks*). Registered as allowed events of Strapi's webhook store
 * (register phase), so that a webhook may subscribe to them; emitted on Strapi's event hub by the instance that
 * finished a task, once its final state is stored: Strapi's webhook runner then posts `{ event, createdAt, task }` to
 * every enabled webhook that lists the event. An emission that fails is logged; it never changes the task.
 */

/** The event a task that ended in `state` emits, or null (cancelled, interrupted: a stop, not an outcome). */
export const taskEventOf = (state: TaskStatus): TaskEvent | null => {
  if (state === 'completed' || state === 'completed-with-errors') return TASK_EVENTS.completed;
  if (state === 'failed') return TASK_EVENTS.failed;
  return null;
};

/** What a task event says of the task: its API shape without its options, download flags and progress. */
export const taskEventPayload = (row: TaskRow): TaskEventPayload => {
  const task = toTask(row);
  return {
    id: task.id,
    kind: task.kind,
    name: task.name,
    contentType: task.contentType,
    format: task.format,
    status: task.status,
    counts: task.counts,
    error: task.error,
    writePath: task.writePath,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
    createdBy: task.createdBy,
  };
};

/** The part of Strapi's webhook store the center uses. */
interface WebhookStore {
  addAllowedEvent(key: string, value: string): void;
}

/** Makes the events selectable by webhooks (Strapi refuses a webhook naming an event it does not allow). */
export const registerTaskEvents = (strapi: Core.Strapi) => {
  const store = strapi.get('webhookStore') as WebhookStore;
  store.addAllowedEvent('DMC_TASK_COMPLETED', TASK_EVENTS.completed);
  store.addAllowedEvent('DMC_TASK_FAILED', TASK_EVENTS.failed);
};

/**
 * Emits the event of a finished task (nothing for a state without one). Never throws: a listener that fails (or a
 * webhook whose receiver is down: Strapi's runner logs that itself) is logged as a warning.
 */
export const emitTaskEvent = async (
  emit: (event: string, payload: { task: TaskEventPayload }) => Promise<unknown>,
  row: TaskRow,
  warn: (message: string) => void
): Promise<TaskEvent | null> => {
  try {
    const event = taskEventOf(row.state);
    if (!event) return null;
    await emit(event, { task: taskEventPayload(row) });
    return event;
  } catch (error) {
    warn(
      `task ${row.id}: the ${taskEventOf(row.state)} event was not sent: ${(error as Error)?.message ?? String(error)}`
    );
    return null;
  }
};
