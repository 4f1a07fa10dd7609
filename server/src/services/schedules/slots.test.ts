import { dueSlot, isTimeZone, latestSlot, nextSlot, normalizeSchedule, watermark } from './slots';

const at = (iso: string) => new Date(iso);
const everyMinute = { cron: '* * * * *', timezone: 'UTC', keep: null };
const nightlyParis = { cron: '0 3 * * *', timezone: 'Europe/Paris', keep: null };

const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as { details: { errors: Array<{ path: string[] }> } }).details.errors[0].path.join('.');
  }
  throw new Error('no error');
};

describe('normalizeSchedule', () => {
  it('completes a schedule with UTC and keep null, and collapses spaces', () => {
    expect(normalizeSchedule({ cron: ' */5  * * * * ' })).toEqual({ cron: '*/5 * * * *', timezone: 'UTC', keep: null });
    expect(normalizeSchedule({ cron: '0 3 * * 1-5', timezone: 'Europe/Paris', keep: 7 })).toEqual({
      cron: '0 3 * * 1-5',
      timezone: 'Europe/Paris',
      keep: 7,
    });
  });

  it.each([
    ['not a cron', 'schedule.cron'],
    ['99 * * * *', 'schedule.cron'],
    ['* * * *', 'schedule.cron'],
    ['0 * * * * *', 'schedule.cron'], // seconds: not offered
    ['@hourly', 'schedule.cron'],
    ['', 'schedule.cron'],
  ])('refuses the cron expression %p (400 naming %s)', (cron, field) => {
    expect(fieldOf(() => normalizeSchedule({ cron }))).toBe(field);
  });

  it('refuses an unknown time zone and a bad keep, naming the field', () => {
    expect(fieldOf(() => normalizeSchedule({ cron: '* * * * *', timezone: 'Mars/Olympus' }))).toBe('schedule.timezone');
    expect(fieldOf(() => normalizeSchedule({ cron: '* * * * *', timezone: '' }))).toBe('schedule.timezone');
    expect(fieldOf(() => normalizeSchedule({ cron: '* * * * *', keep: 0 }))).toBe('schedule.keep');
    expect(fieldOf(() => normalizeSchedule({ cron: '* * * * *', keep: 1.5 }))).toBe('schedule.keep');
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
  });
});

describe('slots, with a fake clock', () => {
  it('the latest slot at or before now counts now itself', () => {
    expect(latestSlot(everyMinute, at('2026-03-01T10:00:00.000Z'))).toEqual(at('2026-03-01T10:00:00.000Z'));
    expect(latestSlot(everyMinute, at('2026-03-01T10:00:59.999Z'))).toEqual(at('2026-03-01T10:00:00.000Z'));
    expect(nextSlot(everyMinute, at('2026-03-01T10:00:00.000Z'))).toEqual(at('2026-03-01T10:01:00.000Z'));
  });

  it('reads the expression in its time zone, across a change of daylight saving time', () => {
    // 03:00 in Paris is 02:00 UTC in winter, 01:00 UTC in summer (the clocks moved on 29 March 2026).
    expect(nextSlot(nightlyParis, at('2026-03-01T12:00:00Z'))).toEqual(at('2026-03-02T02:00:00Z'));
    expect(nextSlot(nightlyParis, at('2026-04-01T12:00:00Z'))).toEqual(at('2026-04-02T01:00:00Z'));
    expect(latestSlot(nightlyParis, at('2026-04-01T12:00:00Z'))).toEqual(at('2026-04-01T01:00:00Z'));
  });

  it('a slot is due once: until it is claimed, then not again', () => {
    const claimedAt9 = at('2026-03-01T09:59:00Z');
    const now = at('2026-03-01T10:00:20Z');
    expect(dueSlot(everyMinute, claimedAt9, now)).toEqual(at('2026-03-01T10:00:00Z'));
    expect(dueSlot(everyMinute, at('2026-03-01T10:00:00Z'), now)).toBeNull();
    expect(dueSlot(everyMinute, null, now)).toEqual(at('2026-03-01T10:00:00Z'));
  });

  it('a server that was down over many slots runs only the latest it missed', () => {
    const claimed = at('2026-03-01T02:00:00Z');
    // Back three days later at 14:00 UTC: the 03:00 Paris slot of that day (02:00 UTC), once.
    expect(dueSlot(nightlyParis, claimed, at('2026-03-04T14:00:00Z'))).toEqual(at('2026-03-04T02:00:00Z'));
    expect(dueSlot(nightlyParis, at('2026-03-04T02:00:00Z'), at('2026-03-04T14:00:05Z'))).toBeNull();
  });

  it('a schedule set after its slot does not run it: the watermark is when it was saved', () => {
    const saved = watermark(at('2026-03-01T10:00:00.700Z'));
    expect(saved).toEqual(at('2026-03-01T10:00:00Z'));
    expect(dueSlot(everyMinute, saved, at('2026-03-01T10:00:30Z'))).toBeNull();
    expect(dueSlot(everyMinute, saved, at('2026-03-01T10:01:00.010Z'))).toEqual(at('2026-03-01T10:01:00Z'));
    // A nightly schedule saved in the afternoon waits for the next night.
    const afternoon = watermark(at('2026-03-01T15:00:00Z'));
    expect(dueSlot(nightlyParis, afternoon, at('2026-03-01T15:00:30Z'))).toBeNull();
    expect(dueSlot(nightlyParis, afternoon, at('2026-03-02T02:00:10Z'))).toEqual(at('2026-03-02T02:00:00Z'));
  });
});
