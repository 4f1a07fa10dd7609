import { CronExpressionParser } from 'cron-parser';
import type { TemplateSchedule, TemplateScheduleInput } from '../../../../shared/contracts';
import { fieldError } from '../../validation/import-options';

/**
 * The time arithmetic of scheduled exports (README, *Scheduled exports*), with no database and no clock of its own:
 * every function takes `now`. Cron expressions are read by `cron-parser` (pinned), in the schedule's time zone.
 */

/** Five fields: minute hour day-of-month month day-of-week. No seconds: the scheduler looks every `scheduleInterval`. */
const FIELDS = 5;
/** The most runs a schedule may keep (`keep`). */
export const MAX_KEEP = 1000;

/** Whether Node (its ICU data) knows this IANA time zone. */
export const isTimeZone = (zone: string): boolean => {
  if (zone.trim() === '' || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const parse = (cron: string, timezone: string, currentDate: Date) =>
  CronExpressionParser.parse(cron, { currentDate, tz: timezone });

/**
 * A schedule as a request gives it, checked and completed (`timezone` UTC, `keep` null): a 400 naming
 * `schedule.cron`, `schedule.timezone` or `schedule.keep`.
 */
export const normalizeSchedule = (input: TemplateScheduleInput): TemplateSchedule => {
  const cron = typeof input.cron === 'string' ? input.cron.trim().replace(/\s+/g, ' ') : '';
  if (cron.split(' ').length !== FIELDS || cron.startsWith('@')) {
    throw fieldError(
      'schedule.cron',
      `schedule.cron must be a cron expression of 5 fields (minute hour day-of-month month day-of-week), such as "0 3 * * *"; got "${String(
        input.cron ?? ''
      )}"`
    );
  }
  const timezone = input.timezone ?? 'UTC';
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) {
    throw fieldError(
      'schedule.timezone',
      `schedule.timezone must be an IANA time zone such as "Europe/Paris" or "UTC"; got "${String(timezone)}"`
    );
  }
  try {
    parse(cron, timezone, new Date()).next();
  } catch (error) {
    throw fieldError(
      'schedule.cron',
      `schedule.cron "${cron}" is not a valid cron expression: ${(error as Error).message}`
    );
  }
  const keep = input.keep ?? null;
  if (keep !== null && !(Number.isInteger(keep) && keep >= 1 && keep <= MAX_KEEP)) {
    throw fieldError(
      'schedule.keep',
      `schedule.keep must be a whole number from 1 to ${MAX_KEEP} (how many scheduled runs to keep), or null to keep them all`
    );
  }
  // `push` only when asked: a schedule without one reads as before it existed.
  return { cron, timezone, keep, ...(input.push ? { push: { environmentId: input.push.environmentId, options: input.push.options ?? {} } } : {}) };
};

/** The latest time the schedule fired at or before `now` (a slot), or null if it never did (a date in the past). */
export const latestSlot = (schedule: TemplateSchedule, now: Date): Date | null => {
  // cron-parser's prev() is strictly before its current date: from one millisecond on, `now` itself counts.
  const expression = parse(schedule.cron, schedule.timezone, new Date(now.getTime() + 1));
  if (!expression.hasPrev()) return null;
  return expression.prev().toDate();
};

/** The next time the schedule fires after `now`, or null if it never will. */
export const nextSlot = (schedule: TemplateSchedule, now: Date): Date | null => {
  const expression = parse(schedule.cron, schedule.timezone, now);
  if (!expression.hasNext()) return null;
  return expression.next().toDate();
};

/**
 * The slot to run now, if any: the latest slot at or before `now`, when it is later than the last slot claimed
 * (`claimed`). Only the latest: a server that was down over several slots runs the last one it missed, once.
 */
export const dueSlot = (schedule: TemplateSchedule, claimed: Date | null, now: Date): Date | null => {
  const slot = latestSlot(schedule, now);
  if (!slot) return null;
  return claimed === null || slot.getTime() > claimed.getTime() ? slot : null;
};

/** The watermark stored when a schedule is set or changed: its slots from now on run, none before. */
export const watermark = (now: Date): Date => new Date(Math.floor(now.getTime() / 1000) * 1000);
