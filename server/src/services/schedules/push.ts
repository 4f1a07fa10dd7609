import type { Core } from '@strapi/strapi';
import { TASK_EVENTS, type ScheduledPush, type TaskEventPayload } from '../../../../shared/contracts';
import { TASK_UID, TEMPLATE_UID } from '../../constants';
import { getService } from '../../utils';
import type { TaskRow } from '../tasks/task-row';
import type { TemplateRow } from '../templates/rows';

/**
 * Scheduled pushes (README, *Scheduled exports*): a bundle template whose schedule has `push` sends each run that
 * completed to its saved environment, where it is imported with the schedule's bundle import options. The instance
 * that ran the export sends it (it hears its own `task.completed` event, emitted once, by it), so a run is pushed
 * once however many servers share the database. The push is started after the event and not awaited by it: the
 * runner is not held while a bundle uploads. What the push did (its task there, or why it failed) is stored on the
 * template (`lastPush`) and logged; the import there reports itself (its own task list and webhooks).
 */

export const createSchedulePush = (strapi: Core.Strapi) => {
  const pending = new Set<Promise<void>>();
  let unsubscribe: (() => void) | null = null;

  const record = async (templateId: number, push: ScheduledPush) => {
    await strapi.db.query(TEMPLATE_UID).update({ where: { id: templateId }, data: { lastPush: push } });
  };

  /** Sends one completed scheduled run, if its template pushes. Never throws. */
  const pushRun = async (taskId: number): Promise<void> => {
    const task = (await strapi.db.query(TASK_UID).findOne({ where: { id: taskId } })) as (TaskRow & { scheduleTemplateId?: number | null }) | null;
    if (!task?.scheduleTemplateId || task.kind !== 'bundle-export' || task.state !== 'completed') return;
    const template = (await strapi.db.query(TEMPLATE_UID).findOne({ where: { id: task.scheduleTemplateId } })) as TemplateRow | null;
    const push = template?.schedule?.push;
    if (!template || !push) return;
    const at = () => new Date().toISOString();
    try {
      const remote = await getService(strapi, 'environments').send(taskId, push.environmentId, push.options ?? {}, null);
      await record(template.id, { taskId, environmentId: push.environmentId, remoteTaskId: remote.id, status: 'sent', error: null, at: at() });
      strapi.log.info(`[data-migration-center] scheduled run ${taskId} of template "${template.name}" sent to environment ${push.environmentId}: task ${remote.id} there`);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      strapi.log.error(`[data-migration-center] scheduled run ${taskId} of template "${template.name}" could not be sent to environment ${push.environmentId}: ${message}`);
      await record(template.id, { taskId, environmentId: push.environmentId, remoteTaskId: null, status: 'failed', error: message, at: at() }).catch(() => undefined);
    }
  };

  return {
    /** Listens for this instance's completed tasks (the scheduler's start). */
    start() {
      if (unsubscribe) return;
      // Returns at once (the emitter awaits its listeners): the push goes on in the background, tracked for stop().
      unsubscribe = strapi.eventHub.on(TASK_EVENTS.completed, async (...args: unknown[]) => {
        const task = (args[0] as { task?: TaskEventPayload } | undefined)?.task;
        const id = task?.kind === 'bundle-export' ? task.id : null;
        if (id === null) return;
        const sending: Promise<void> = pushRun(id)
          .catch((error: unknown) => {
            strapi.log.error(`[data-migration-center] scheduled push of task ${id}: ${(error as Error).message}`);
          })
          .finally(() => pending.delete(sending));
        pending.add(sending);
      });
    },

    /** Stops listening and waits for the pushes under way (the scheduler's stop). */
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await Promise.all([...pending]);
    },

    /** Sends a scheduled run now (tests, and a retry): what `task.completed` triggers. */
    pushRun,
  };
};
