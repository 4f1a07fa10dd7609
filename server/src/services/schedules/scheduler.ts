import type { Core } from '@strapi/strapi';
import type { BundleTemplateOptions, ExportOptions, TemplateSchedule } from '../../../../shared/contracts';
import { FINISHED_STATUSES } from '../../../../shared/contracts';
import { TASK_UID, TEMPLATE_UID } from '../../constants';
import { getConfig, getService } from '../../utils';
import type { TaskRow } from '../tasks/task-row';
import type { TemplateRow } from '../templates/rows';
import { createSchedulePush } from './push';
import { dueSlot } from './slots';

/**
 * Scheduled exports (README, *Scheduled exports*): an export or bundle template with a `schedule` runs by itself.
 * Every server looks every `scheduleInterval` ms; several servers may share one database, and each slot runs once:
 * - the slot to run is the latest time the cron expression fired (in its time zone) that is later than the
 *   template's `scheduleSlot` (the last slot claimed, or when the schedule was set: slots before it never run);
 *   a server that was down over several slots runs only the latest it missed, once;
 * - a slot is claimed with one atomic conditional update of the template's row (`scheduleSlot` moves forward only
 *   if it is still before the slot): the one server whose update touched the row creates the task, as the system
 *   (no creator), through the export and bundle-export services, which check the template as for any task;
 * - a run that cannot start (its content type was removed, its options no longer fit) is recorded as a failed
 *   task with the reason; the scheduler goes on;
 * - `keep`: once more than `keep` of the template's scheduled runs have finished, the older ones are deleted with
 *   their files (the task delete path); a task whose files another server's `local` storage holds is left to it.
 */

export interface ScheduledRun {
  templateId: number;
  slot: Date;
  taskId: number;
  /** The run could not start: its task is recorded failed with this reason. */
  failure: string | null;
}

type ScheduledRow = TemplateRow & { schedule: TemplateSchedule };

const toDate = (value: string | Date | null | undefined): Date | null =>
  value === null || value === undefined ? null : new Date(value);

export const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const templates = () => strapi.db.query(TEMPLATE_UID);
  const tasks = () => strapi.db.query(TASK_UID);
  const log = strapi.log;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<ScheduledRun[]> | null = null;
  /** Schedules whose problem was logged (template id and cron): once each, not at every look. */
  const reported = new Set<string>();
  /** Pushing schedules: each completed run sent to its environment (push.ts). */
  const pushes = createSchedulePush(strapi);

  /** The saved templates with a schedule (export and bundle templates only: others cannot be given one). */
  const scheduledRows = async (): Promise<ScheduledRow[]> => {
    const rows = (await templates().findMany({ where: { kind: { $in: ['export', 'bundle'] } } })) as TemplateRow[];
    return rows.filter((row): row is ScheduledRow => Boolean(row.schedule && typeof row.schedule.cron === 'string'));
  };

  /** One atomic conditional update: true for the one caller, on any server, that moved the row to this slot. */
  const claim = async (id: number, slot: Date): Promise<boolean> => {
    const { count } = await templates().updateMany({
      where: { id, $or: [{ scheduleSlot: { $null: true } }, { scheduleSlot: { $lt: slot } }] },
      data: { scheduleSlot: slot, lastRunAt: slot },
    });
    return count === 1;
  };

  /** Creates the run's task as a request would (same checks); a run that cannot start is a failed task. */
  const start = async (row: ScheduledRow, slot: Date): Promise<ScheduledRun> => {
    const scheduled = { templateId: row.id, slot };
    try {
      const task =
        row.kind === 'bundle'
          ? await getService(strapi, 'bundle-exports').create({
              body: {
                templateId: row.id,
                ...((row.options as BundleTemplateOptions & { name?: string }).name ? {} : { name: row.name }),
              },
              creator: null,
              scheduled,
            })
          : await getService(strapi, 'exports').create({ body: { templateId: row.id }, creator: null, scheduled });
      return { templateId: row.id, slot, taskId: task.id, failure: null };
    } catch (error) {
      const failure = `The scheduled run of template "${row.name}" (${
        row.id
      }) for ${slot.toISOString()} could not start: ${(error as Error).message}`;
      log.error(`[data-migration-center] ${failure}`);
      const task = await getService(strapi, 'tasks').create({
        kind: row.kind === 'bundle' ? 'bundle-export' : 'export',
        name: row.name,
        contentType: row.contentType ?? '',
        format: null,
        options: { templateId: row.id } as ExportOptions,
        failure,
        creator: null,
        scheduled,
      });
      return { templateId: row.id, slot, taskId: task.id, failure };
    }
  };

  /** Deletes the template's finished scheduled runs beyond the `keep` newest (by slot). Returns how many. */
  const prune = async (row: ScheduledRow): Promise<number> => {
    const { keep } = row.schedule;
    if (!keep) return 0;
    const old = (await tasks().findMany({
      select: ['id'],
      where: { scheduleTemplateId: row.id, state: { $in: FINISHED_STATUSES } },
      orderBy: [{ scheduleSlot: 'desc' }, { id: 'desc' }],
      offset: keep,
      limit: 100,
    })) as Array<Pick<TaskRow, 'id'>>;
    let deleted = 0;
    for (const { id } of old) {
      try {
        await getService(strapi, 'tasks').delete(id);
        deleted += 1;
      } catch (error) {
        // Another server deleted it first, or its files are in another server's local storage (that one deletes it).
        log.debug(
          `[data-migration-center] schedule of template ${row.id}: task ${id} not deleted here: ${
            (error as Error).message
          }`
        );
      }
    }
    return deleted;
  };

  /** One look at every schedule: runs the due slots this server claims, then applies `keep`. */
  const tickOnce = async (now: Date): Promise<ScheduledRun[]> => {
    const runs: ScheduledRun[] = [];
    for (const row of await scheduledRows()) {
      try {
        const slot = dueSlot(row.schedule, toDate(row.scheduleSlot), now);
        if (slot && (await claim(row.id, slot))) {
          const run = await start(row, slot);
          await templates().update({ where: { id: row.id }, data: { lastRunTaskId: run.taskId } });
          runs.push(run);
        }
        await prune(row);
      } catch (error) {
        // A schedule written into the table by hand that cron-parser cannot read, or a database error.
        const key = `${row.id}:${row.schedule.cron}:${(error as Error).message}`;
        if (!reported.has(key))
          log.error(
            `[data-migration-center] schedule of template "${row.name}" (${row.id}): ${(error as Error).message}`
          );
        reported.add(key);
      }
    }
    return runs;
  };

  return {
    /**
     * Looks at every schedule now (`now`: a test's clock). One look at a time per server: a call while one runs
     * waits for it and returns no runs.
     */
    async tick(now: Date = new Date()): Promise<ScheduledRun[]> {
      if (ticking) {
        await ticking.catch(() => undefined);
        return [];
      }
      ticking = tickOnce(now).finally(() => {
        ticking = null;
      });
      return ticking;
    },

    /** Looks every `scheduleInterval` ms, from now on (bootstrap); not in command-line processes. */
    start() {
      if (timer) return;
      pushes.start();
      const run = () => {
        this.tick().catch((error) => log.error(`[data-migration-center] scheduler: ${(error as Error).message}`));
      };
      timer = setInterval(run, getConfig(strapi).scheduleInterval);
      timer.unref();
      run();
    },

    /** Stops looking (destroy); a look under way finishes. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking?.catch(() => undefined);
      await pushes.stop();
    },

    /** Sends a completed scheduled run to its template's environment now (what its completion does by itself). */
    pushRun: (taskId: number) => pushes.pushRun(taskId),

    isStarted(): boolean {
      return timer !== null;
    },
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
