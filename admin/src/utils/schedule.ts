import type { Template, TemplateScheduleInput } from '../../../shared/contracts';
import type { FormErrors } from './forms';

/**
 * The Schedule section of an export template's form (README, *Scheduled exports*): a cron expression of five
 * fields, read in an IANA time zone, and how many runs to keep. The server checks the expression itself (400
 * naming schedule.cron); the form catches what it can before: the number of fields, an unknown time zone, keep.
 */
export interface ScheduleFormValues {
  enabled: boolean;
  cron: string;
  timezone: string;
  /** Digits, or '' to keep every run. */
  keep: string;
}

export type ScheduleFormField = 'scheduleCron' | 'scheduleTimezone' | 'scheduleKeep';

/** The browser's own zone when it has one: what a user most likely means by "03:00". */
const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

export const scheduleDefaults = (): ScheduleFormValues => ({
  enabled: false,
  cron: '0 3 * * *',
  timezone: browserZone(),
  keep: '7',
});

export const scheduleValuesFromTemplate = (template: Template): ScheduleFormValues =>
  template.schedule
    ? {
        enabled: true,
        cron: template.schedule.cron,
        timezone: template.schedule.timezone,
        keep: template.schedule.keep === null ? '' : String(template.schedule.keep),
      }
    : scheduleDefaults();

export const isTimeZone = (zone: string): boolean => {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() });
    return true;
  } catch {
    return false;
  }
};

export const validateScheduleForm = (values: ScheduleFormValues): FormErrors<ScheduleFormField> => {
  const errors: FormErrors<ScheduleFormField> = {};
  if (!values.enabled) return errors;
  const fields = values.cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) errors.scheduleCron = 'required';
  else if (fields.length !== 5) errors.scheduleCron = 'invalidCron';
  if (!isTimeZone(values.timezone))
    errors.scheduleTimezone = values.timezone.trim() === '' ? 'required' : 'invalidTimezone';
  if (values.keep.trim() !== '' && !/^[1-9]\d{0,2}$|^1000$/.test(values.keep.trim()))
    errors.scheduleKeep = 'invalidKeep';
  return errors;
};

/** What the template's `schedule` becomes: null when the schedule is off (saving removes it). */
export const buildSchedule = (values: ScheduleFormValues): TemplateScheduleInput | null =>
  values.enabled
    ? {
        cron: values.cron.trim().replace(/\s+/g, ' '),
        timezone: values.timezone.trim(),
        keep: values.keep.trim() === '' ? null : Number(values.keep.trim()),
      }
    : null;
