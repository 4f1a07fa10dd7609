import type { Task } from '../../shared/contracts';
import { duration, progressLine, showProgress, summary, taskTable } from './progress';

const task = (overrides: Partial<Task> = {}): Task => ({
  id: 12,
  kind: 'import',
  name: 'Import contacts.csv',
  contentType: 'api::contact.contact',
  format: 'csv',
  status: 'running',
  options: { onError: 'continue' },
  counts: { total: null, processed: 1200, created: 1100, updated: 90, skipped: 0, failed: 10 },
  progress: 0.48,
  error: null,
  fileName: 'contacts.csv',
  hasErrorReport: false,
  canDownload: true,
  resumable: false,
  waitingFor: null,
  writePath: null,
  typeCounts: null,
  createdAt: '2026-11-22T10:00:00.000Z',
  startedAt: '2026-11-22T10:00:00.000Z',
  finishedAt: null,
  createdBy: null,
  scheduled: null,
  revertedBy: null,
  revertable: false,
  ...overrides,
});

const at = (seconds: number) => Date.parse('2026-11-22T10:00:00.000Z') + seconds * 1000;

describe('progressLine', () => {
  it('draws a bar, the percentage, processed/total and items per second', () => {
    const line = progressLine(task({ counts: { total: 2500, processed: 1200, created: 0, updated: 0, skipped: 0, failed: 0 } }), {
      width: 100,
      now: at(2),
    });
    expect(line).toMatch(/^import #12 \[#+-+\]  48%  1,200\/2,500 items  600 items\/s$/);
    const bar = /\[(#+)(-+)\]/.exec(line) as RegExpExecArray;
    expect(bar[1].length / (bar[1].length + bar[2].length)).toBeCloseTo(0.48, 1);
  });

  it('shows the processed count alone while the total is unknown, and no bar without progress', () => {
    expect(progressLine(task({ progress: null }), { now: at(4) })).toBe('import #12 1,200 items  300 items/s');
    expect(progressLine(task(), { bar: false, now: at(4) })).toBe('import #12  48%  1,200 items  300 items/s');
    expect(progressLine(task({ status: 'queued' }))).toBe('import #12 queued');
  });

  it('says which task it waits for while another task holds the write lock', () => {
    expect(progressLine(task({ waitingFor: 7, counts: { total: null, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 } }))).toBe(
      'import #12 waiting for task #7, which writes api::contact.contact'
    );
  });

  it('fits the width', () => {
    expect(progressLine(task(), { width: 40, now: at(1) }).length).toBeLessThanOrEqual(39);
  });
});

describe('summary', () => {
  it('says the status, the counts, the time and where the error report is', () => {
    const finished = task({
      status: 'completed-with-errors',
      finishedAt: '2026-11-22T10:00:02.500Z',
      hasErrorReport: true,
    });
    expect(summary(finished, { source: '/data/contacts.csv', errorReport: '/data/contacts.csv.errors.csv' })).toBe(
      [
        'Import #12 completed-with-errors in 2.5 s',
        '  /data/contacts.csv → api::contact.contact (csv)',
        '  processed 1,200, created 1,100, updated 90, failed 10',
        '  error report: /data/contacts.csv.errors.csv',
      ].join('\n')
    );
  });

  it('names a dry run and a failure', () => {
    const dry = task({
      status: 'failed',
      options: { dryRun: true },
      finishedAt: '2026-11-22T10:01:05.000Z',
      error: 'Stopped at item 3',
    });
    expect(summary(dry, { source: 'a.csv' }).split('\n')).toEqual([
      'Dry run of import #12 failed in 1 min 5 s',
      '  a.csv → api::contact.contact (csv)',
      '  processed 1,200, created 1,100, updated 90, failed 10',
      '  dry run: nothing was written',
      '  error: Stopped at item 3',
    ]);
  });

  it('describes an export by what it wrote and where', () => {
    const exported = task({
      kind: 'export',
      status: 'completed',
      format: 'jsonl',
      finishedAt: '2026-11-22T10:00:01.000Z',
    });
    expect(summary(exported, { out: '/tmp/contacts.jsonl' }).split('\n')).toEqual([
      'Export #12 completed in 1.0 s',
      '  api::contact.contact → /tmp/contacts.jsonl (jsonl)',
      '  1,200 items written',
    ]);
  });
});

describe('a revert', () => {
  it('says what it did to which import', () => {
    const reverted = task({
      kind: 'revert',
      status: 'completed',
      format: null,
      counts: { total: 3, processed: 3, created: 0, updated: 2, skipped: 0, failed: 0 },
      writePath: 'revert: 2 restored, 1 deleted, 0 conflicts left as they are',
      finishedAt: '2026-11-22T10:00:01.000Z',
    });
    expect(summary(reverted, { source: 'task #7' }).split('\n').slice(0, 2)).toEqual([
      'Revert #12 completed in 1.0 s',
      '  task #7 → api::contact.contact: revert: 2 restored, 1 deleted, 0 conflicts left as they are',
    ]);
  });
});

describe('taskTable and duration', () => {
  it('aligns columns, numbers to the right', () => {
    const rows = taskTable([
      task({ id: 7 }),
      task({ id: 12, kind: 'export', status: 'completed', name: 'Export contacts' }),
    ]).split('\n');
    expect(rows[0]).toBe(
      'ID  KIND    STATUS     TYPE                  PROCESSED  CREATED  UPDATED  FAILED  CREATED AT            NAME'
    );
    expect(rows[1]).toBe(
      ' 7  import  running    api::contact.contact       1200     1100       90      10  2026-11-22 10:00:00Z  Import contacts.csv'
    );
    expect(rows[2]).toBe(
      '12  export  completed  api::contact.contact       1200     1100       90      10  2026-11-22 10:00:00Z  Export contacts'
    );
  });

  it('formats durations', () => {
    expect(duration(0.04)).toBe('0.0 s');
    expect(duration(59.94)).toBe('59.9 s');
    expect(duration(125)).toBe('2 min 5 s');
  });
});

describe('showProgress', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const fakeStream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return {
      chunks,
      stream: { isTTY, columns: 100, write: (text: string) => chunks.push(text) } as unknown as NodeJS.WriteStream,
    };
  };

  it('redraws a bar in place on a terminal, and clears it when stopped', async () => {
    const { chunks, stream } = fakeStream(true);
    const progress = showProgress({ stream, read: async () => task(), interval: 5 });
    await sleep(60);
    progress.stop();
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks[0]).toMatch(/^\rimport #12 \[#+-+\]  48%  1,200 items  \d[\d,]* items\/s\x1b\[K$/);
    expect(chunks[chunks.length - 1]).toBe('\r\x1b[K');
    expect(chunks.join('')).not.toContain('\n');
  });

  it('prints plain lines, at most one per period, when not on a terminal', async () => {
    const { chunks, stream } = fakeStream(false);
    const progress = showProgress({ stream, read: async () => task(), plainEvery: 20 });
    await sleep(90);
    progress.stop();
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    expect(chunks.length).toBeLessThanOrEqual(5);
    for (const chunk of chunks) expect(chunk).toMatch(/^import #12  48%  1,200 items  \d[\d,]* items\/s\n$/);
  });

  it('says at once, without a terminal, when the task starts waiting for another one, and once per task waited for', async () => {
    const { chunks, stream } = fakeStream(false);
    let current = task({ waitingFor: 7 });
    const progress = showProgress({ stream, read: async () => current, plainEvery: 60_000 });
    await sleep(1_100);
    current = task({ waitingFor: 9 });
    await sleep(1_100);
    current = task();
    await sleep(1_100);
    progress.stop();
    expect(chunks).toEqual([
      'import #12 waiting for task #7, which writes api::contact.contact\n',
      'import #12 waiting for task #9, which writes api::contact.contact\n',
    ]);
  });

  it('draws nothing for a finished task', async () => {
    const { chunks, stream } = fakeStream(true);
    const progress = showProgress({ stream, read: async () => task({ status: 'completed' }), interval: 5 });
    await sleep(40);
    progress.stop();
    expect(chunks).toEqual([]);
  });
});
