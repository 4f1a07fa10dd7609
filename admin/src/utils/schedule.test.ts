import { template } from '../testing/fixtures';
import { buildSchedule, scheduleValuesFromTemplate, validateScheduleForm, type ScheduleFormValues } from './schedule';

const on = (extra: Partial<ScheduleFormValues> = {}): ScheduleFormValues => ({
  enabled: true,
  cron: '0 3 * * *',
  timezone: 'Europe/Paris',
  keep: '7',
  ...extra,
});

describe('schedule form', () => {
  it('checks nothing while the schedule is off', () => {
    expect(validateScheduleForm(on({ enabled: false, cron: 'x', timezone: 'nowhere', keep: '-1' }))).toEqual({});
  });

  it('names each field that is wrong', () => {
    expect(validateScheduleForm(on())).toEqual({});
    expect(validateScheduleForm(on({ cron: '' }))).toEqual({ scheduleCron: 'required' });
    expect(validateScheduleForm(on({ cron: '0 0 3 * * *' }))).toEqual({ scheduleCron: 'invalidCron' });
    expect(validateScheduleForm(on({ timezone: 'Europe/Atlantis' }))).toEqual({ scheduleTimezone: 'invalidTimezone' });
    expect(validateScheduleForm(on({ timezone: ' ' }))).toEqual({ scheduleTimezone: 'required' });
    expect(validateScheduleForm(on({ keep: '0' }))).toEqual({ scheduleKeep: 'invalidKeep' });
    expect(validateScheduleForm(on({ keep: '1001' }))).toEqual({ scheduleKeep: 'invalidKeep' });
    expect(validateScheduleForm(on({ keep: '1000' }))).toEqual({});
    expect(validateScheduleForm(on({ keep: '' }))).toEqual({});
  });

  it('builds the request: null when off (removes it), keep null when empty', () => {
    expect(buildSchedule(on({ enabled: false }))).toBeNull();
    expect(buildSchedule(on({ cron: ' */15   * * * * ', keep: '' }))).toEqual({
      cron: '*/15 * * * *',
      timezone: 'Europe/Paris',
      keep: null,
    });
    expect(buildSchedule(on())).toEqual({ cron: '0 3 * * *', timezone: 'Europe/Paris', keep: 7 });
  });

  it('reads a template: its schedule, or the defaults off', () => {
    expect(
      scheduleValuesFromTemplate(template({ schedule: { cron: '5 4 * * *', timezone: 'UTC', keep: null } }))
    ).toEqual({
      enabled: true,
      cron: '5 4 * * *',
      timezone: 'UTC',
      keep: '',
    });
    expect(scheduleValuesFromTemplate(template()).enabled).toBe(false);
  });
});
