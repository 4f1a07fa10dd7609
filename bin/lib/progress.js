// @ts-check
'use strict';

/**
 * What the command line shows while a task runs and once it has finished: a progress bar on a terminal (stderr,
 * redrawn in place), plain progress lines when stderr is not a terminal (a CI log), and the summary.
 */

/** @typedef {import('../../shared/contracts').Task} Task */

const number = new Intl.NumberFormat('en-US');

/** @param {number} seconds */
const duration = (seconds) =>
  seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;

/** Seconds a task has run (or ran), from its start. @param {Task} task @param {number} [now] */
const elapsedSeconds = (task, now = Date.now()) => {
  const start = Date.parse(task.startedAt ?? task.createdAt);
  const end = task.finishedAt ? Date.parse(task.finishedAt) : now;
  return Math.max(0, (end - start) / 1000);
};

/** @param {Task} task @param {number} seconds */
const rate = (task, seconds) => (seconds > 0 ? Math.round(task.counts.processed / seconds) : 0);

/**
 * One line of progress: `import #12 [#######-------]  48%  1,200/2,500 items  850 items/s`. While the total is
 * unknown (a file being read), the percentage is the share of the file read so far.
 * @param {Task} task @param {{ width?: number, bar?: boolean, now?: number }} [options]
 */
const progressLine = (task, { width = 80, bar = true, now = Date.now() } = {}) => {
  const seconds = elapsedSeconds(task, now);
  const { processed, total } = task.counts;
  const parts = [`${task.kind} #${task.id}`];
  if (task.status === 'queued') return `${parts[0]} queued`;
  if (task.waitingFor !== null && task.waitingFor !== undefined)
    return `${parts[0]} waiting for task #${task.waitingFor}, which writes ${task.contentType}`;
  const fraction = task.progress;
  const percent = fraction === null ? null : `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const counts =
    total === null ? `${number.format(processed)} items` : `${number.format(processed)}/${number.format(total)} items`;
  const tail = [percent, counts, `${number.format(rate(task, seconds))} items/s`].filter(Boolean).join('  ');
  if (bar && fraction !== null) {
    const room = Math.max(10, Math.min(40, width - parts[0].length - tail.length - 5));
    const filled = Math.round(fraction * room);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(room - filled)}]`);
  }
  parts.push(tail);
  return parts.join(' ').slice(0, Math.max(20, width - 1));
};

/**
 * Shows a running task's progress on `stream` (stderr): redrawn in place every `interval` ms on a terminal, a plain
 * line every `plainEvery` ms otherwise. `read()` returns the task's current state; `label(task)` goes before its line
 * (push and pull: which instance runs it).
 * @param {{ stream: NodeJS.WriteStream, read: () => Promise<Task>, interval?: number, plainEvery?: number, label?: (task: Task) => string }} options
 */
const showProgress = ({ stream, read, interval = 200, plainEvery = 5000, label = () => '' }) => {
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  let lastPlain = Date.now();
  let busy = false;
  /** @type {number | null} */
  let lastWaitingFor = null;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const task = await read();
      if (task.status !== 'queued' && task.status !== 'running') return;
      // Waiting for another task's write lock is said at once, and once per task waited for, even without a terminal.
      const waitingFor = task.waitingFor ?? null;
      if (waitingFor !== lastWaitingFor) {
        lastWaitingFor = waitingFor;
        if (waitingFor !== null && !tty) {
          stream.write(`${label(task)}${progressLine(task, { bar: false, width: 200 })}\n`);
          lastPlain = Date.now();
        }
      }
      if (tty) {
        stream.write(`\r${label(task)}${progressLine(task, { width: (stream.columns || 80) - label(task).length })}\x1b[K`);
        drawn = true;
      } else if (Date.now() - lastPlain >= plainEvery) {
        lastPlain = Date.now();
        stream.write(`${label(task)}${progressLine(task, { bar: false, width: 200 })}\n`);
      }
    } catch {
      // Progress is best effort: the task's end is what counts, and waiting for it reports any error.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(tick, tty ? interval : Math.min(plainEvery, 1000));
  return {
    /** Stops redrawing and clears the bar. */
    stop() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[K');
    },
  };
};

/** @param {Task} task */
/**
 * A task's counts in one line: an export's items written, an import's outcomes.
 * @param {Task} task
 */
const countsLine = (task) => {
  const { processed, created, updated, skipped = 0, failed } = task.counts;
  if (task.kind === 'export' || task.kind === 'bundle-export') return `${number.format(processed)} items written`;
  return `processed ${number.format(processed)}, created ${number.format(created)}, updated ${number.format(
    updated
  )}${skipped > 0 ? `, skipped ${number.format(skipped)}` : ''}, failed ${number.format(failed)}`;
};

/**
 * The summary of a finished task, as lines: status, counts, seconds, and where the file or error report is.
 * @param {Task} task @param {{ source?: string, out?: string | null, errorReport?: string | null }} where
 */
const summary = (task, { source, out, errorReport }) => {
  const dryRun = task.kind === 'import' && 'dryRun' in task.options && task.options.dryRun === true;
  const title = `${dryRun ? 'Dry run of import' : task.kind === 'import' ? 'Import' : task.kind === 'revert' ? 'Revert' : 'Export'} #${task.id} ${
    task.status
  } in ${duration(elapsedSeconds(task))}`;
  const lines = [title];
  if (task.kind === 'revert') lines.push(`  ${source ?? ''} → ${task.contentType}: ${task.writePath ?? ''}`);
  else if (task.kind === 'import')
    lines.push(`  ${source ?? task.fileName} → ${task.contentType} (${task.format ?? 'unknown format'})`);
  else lines.push(`  ${task.contentType} → ${out ?? task.fileName} (${task.format})`);
  lines.push(`  ${countsLine(task)}`);
  if (dryRun) lines.push('  dry run: nothing was written');
  if (errorReport) lines.push(`  error report: ${errorReport}`);
  if (task.error) lines.push(`  error: ${task.error}`);
  return lines.join('\n');
};

/**
 * Tasks as a table, one per line.
 * @param {Task[]} tasks
 */
const taskTable = (tasks) => {
  const header = ['ID', 'KIND', 'STATUS', 'TYPE', 'PROCESSED', 'CREATED', 'UPDATED', 'FAILED', 'CREATED AT', 'NAME'];
  const rows = tasks.map((task) => [
    String(task.id),
    task.kind,
    task.status,
    task.contentType,
    String(task.counts.processed),
    String(task.counts.created),
    String(task.counts.updated),
    String(task.counts.failed),
    task.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    task.name,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const numeric = new Set([0, 4, 5, 6, 7]);
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])
        )
        .join('  ')
    )
    .join('\n');
};

module.exports = { countsLine, duration, progressLine, showProgress, summary, taskTable };
