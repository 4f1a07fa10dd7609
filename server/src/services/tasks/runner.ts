import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { isImportKind, type TaskKind, type TaskStatus } from '../../../../shared/contracts';
import { TASK_UID } from '../../constants';
import { getConfig, getService } from '../../utils';
import type { HeldLock } from './locks';
import { sweepRetention } from './retention';
import { createTaskContext, type ProgressUpdate, type TaskHandler } from './task-context';
import { commitsByBatch, describeStop, isFinished, type TaskRow } from './task-row';
import { emitTaskEvent } from './task-events';
import { waitForWriteLocks, writtenTypes } from './write-lock-wait';
import { columnOf, modelMeta } from '../../schema/model-metadata';

/**
 * The task runner: the one place tasks are claimed, run, beaten and finished. Several Strapi instances may
 * share one database (README, *Several Strapi instances on one database*), so the database is the coordinator:
 * - a queued task is claimed with an atomic conditional update (`queued` → `running`, with this instance's id);
 *   an instance whose update touched no row lost the claim;
 * - a running task's worker writes a heartbeat every `heartbeatInterval`; any instance marks a running task
 *   whose heartbeat is older than `heartbeatTimeout` as `interrupted` (its worker is gone), never one that a
 *   live instance keeps beating;
 * - a cancel request is a column (`cancelRequested`) that the worker's heartbeat reads, so it reaches the
 *   instance that runs the task, whichever instance received it.
 */

/**
 * The queued tasks this instance may claim: those whose upload its storage holds (with `local` storage and several
 * instances, an import runs only where its upload is), and those without files yet (exports), or recorded before
 * `storageId` existed.
 */
/** How long a queued task with secrets waits for the server holding its key before any server fails it. */
const SECRETS_ORPHAN_MS = 10 * 60 * 1000;

export const claimableHere = (storageId: string) => ({ $or: [{ storageId }, { storageId: { $null: true } }] });

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
export const createRunnerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const instanceId = randomUUID();
  const handlers = new Map<TaskKind, TaskHandler>();
  /** Tasks this instance is running, by id, with their live state. */
  const running = new Map<number, AbortController>();
  const live = new Map<number, TaskRow>();
  /** Settles when a task this server runs has finished (and its final state is stored). */
  const completions = new Map<number, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  /**
   * When set, this process claims only the tasks it created itself (their ids, until claimed): the command line
   * runs this way, so that it never picks up a task queued by a server and then abandons it when it exits.
   */
  let ownTasks: Set<number> | null = null;
  let stopped = true;
  let claiming: Promise<void> | null = null;
  /** A kick came while a claim was under way (it may have looked before the task was queued): claim again after it. */
  let kickedWhileClaiming = false;
  /** `waitFor` calls sleeping between two looks at a task, by task id: woken when this server claims the task. */
  const sleepers = new Map<number, Set<() => void>>();

  const query = () => strapi.db.query(TASK_UID);
  const log = (message: string) => strapi.log.info(`[data-migration-center] ${message}`);

  /** Marks running tasks with a stale (or missing) heartbeat as interrupted. Returns how many. */
  const sweepStaleTasks = async (): Promise<number> => {
    const cutoff = new Date(Date.now() - getConfig(strapi).heartbeatTimeout);
    const mine = [...running.keys()];
    const where = {
      state: 'running',
      $or: [{ heartbeatAt: { $lt: cutoff } }, { heartbeatAt: { $null: true } }],
      // Never this server's own tasks: their heartbeat may lag while a long transaction holds SQLite.
      ...(mine.length > 0 ? { id: { $notIn: mine } } : {}),
    };
    const stale = (await query().findMany({ where })) as TaskRow[];
    let count = 0;
    for (const task of stale) {
      // Its row holds what its committed transactions wrote (see TaskContext.checkpoint): the message says so.
      const result = await query().updateMany({
        where: { ...where, id: task.id },
        data: { state: 'interrupted', finishedAt: new Date(), writeLock: null, error: describeStop(task, 'interrupted', 'The server running this task stopped before it finished') },
      });
      count += result.count;
    }
    if (count > 0) log(`${count} task(s) interrupted: their server stopped beating`);
    return count;
  };

  /**
   * Tasks of this process whose handler runs in one transaction from start to end (a stop-mode import, a dry run): on
   * SQLite such a task holds the database's only write lock until it ends.
   */
  const wholeRunWriters = new Set<number>();
  /**
   * SQLite: a write made outside that transaction now would wait for it (retried until the lock is free) while holding
   * the pool's reading connection, and every request that reads (authentication, the task list, a cancel) would
   * wait until the import ends. Writes that can wait are skipped then (measured: a status request made after the
   * first heartbeat of a stop-mode import answered when the import had completed).
   */
  const writerHeldHere = () => strapi.db.dialect.client === 'sqlite' && wholeRunWriters.size > 0;

  /** Beats for every task this instance runs, and picks up cancel requests made on any instance. */
  const heartbeat = async () => {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    // Skipped while this process holds SQLite's write lock (see writerHeldHere): it is alive, its whole-run task
    // commits its final state with its data, and another process's sweep of it waits for that commit.
    if (!writerHeldHere()) await query().updateMany({ where: { id: { $in: ids }, instanceId }, data: { heartbeatAt: new Date() } });
    const cancelled = (await query().findMany({
      select: ['id'],
      where: { id: { $in: ids }, cancelRequested: true },
    })) as Array<{ id: number }>;
    for (const { id } of cancelled) running.get(id)?.abort(new Error('Cancelled'));
  };

  /** Progress columns, written with the bare knex connection (never inside a task's transaction). */
  const writeProgress = async (id: number, data: ProgressUpdate) => {
    const meta = modelMeta(strapi, TASK_UID);
    const columns = Object.fromEntries(Object.entries(data).map(([name, value]) => [columnOf(meta, name), value]));
    // Only while it runs: a write that waited for the row behind the task's own transaction must not overwrite
    // the final counts that transaction committed.
    await strapi.db.connection(meta.tableName).where({ id, [columnOf(meta, 'state')]: 'running' }).update(columns);
  };

  const finish = async (id: number, data: Record<string, unknown>) => {
    // Only the instance that owns the task may finish it (another may have marked it interrupted already).
    await query().updateMany({ where: { id, state: 'running', instanceId }, data: { ...data, finishedAt: new Date() } });
  };

  /**
   * After this instance finished a task (its final state stored): the task's webhook event (task-events.ts), read
   * from the stored row, so that it says what the database holds. Nothing when another instance had marked the task
   * interrupted meanwhile (the row is no longer this instance's outcome), nor for a state without an event. Never
   * throws: the task has ended whatever happens here.
   */
  const announce = async (id: number) => {
    try {
      const row = (await query().findOne({ where: { id } })) as TaskRow | null;
      if (!row || row.instanceId !== instanceId || !isFinished(row.state)) return;
      await emitTaskEvent((event, payload) => strapi.eventHub.emit(event, payload), row, (message) =>
        strapi.log.warn(`[data-migration-center] ${message}`)
      );
    } catch (error) {
      strapi.log.warn(`[data-migration-center] task ${id}: its webhook event was not sent: ${(error as Error).message}`);
    }
  };

  const run = async (task: TaskRow) => {
    const handler = handlers.get(task.kind);
    const controller = new AbortController();
    running.set(task.id, controller);

    const { context, flush, settled } = createTaskContext(task, controller.signal, {
      live,
      writeProgress,
      // updateMany writes the row alone: Strapi's update also reads it before and after (two selects a batch,
      // measured on MariaDB: 82 of an import's 323 statements). No lifecycle of the task type needs the rows.
      writeCheckpoint: async (id, data) => {
        await query().updateMany({ where: { id }, data });
      },
      // SQLite's one connection is held by the task's transaction: progress waits in memory until the task ends.
      progressWaits: () => strapi.db.dialect.client === 'sqlite' && strapi.db.inTransaction(),
      warn: (message) => strapi.log.warn(`[data-migration-center] ${message}`),
    });

    let lock: HeldLock | null = null;
    try {
      if (!handler) throw new Error(`No handler for ${task.kind} tasks`);
      // Imports that write take their content type's write lock first (waiting, visibly, for the task holding it).
      if (isImportKind(task.kind) && !task.dryRun) lock = await waitForWriteLock(task, controller.signal);
      if (isImportKind(task.kind) && !commitsByBatch(task)) wholeRunWriters.add(task.id);
      const outcome = await handler(task, context);
      flush(true);
      await settled();
      // The handler finished (and committed): a cancel that arrives now is too late to undo it.
      await finish(task.id, { state: outcome.status, error: outcome.error ?? null, ...outcome.counts, ...outcome.data });
    } catch (error) {
      flush(true);
      await settled();
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      const cancelled = controller.signal.aborted && !stopped;
      const status: TaskStatus = cancelled ? 'cancelled' : stopped ? 'interrupted' : 'failed';
      const message =
        status === 'failed' ? (reason as Error)?.message ?? String(reason) : describeStop(live.get(task.id) ?? task, status);
      if (status === 'failed') strapi.log.warn(`[data-migration-center] task ${task.id} failed: ${message}`);
      // An import that rolled back kept nothing: its counts say so (continue mode keeps its committed counts).
      const rolledBack = isImportKind(task.kind) && !task.dryRun && !commitsByBatch(task) ? { created: 0, updated: 0 } : {};
      await finish(task.id, { state: status, error: message, ...rolledBack }).catch(() => undefined);
    } finally {
      wholeRunWriters.delete(task.id);
      await lock?.release().catch((e) => strapi.log.warn(`[data-migration-center] task ${task.id}: lock not released: ${(e as Error).message}`));
      // Once its final state is stored and its lock released, while the task still counts as running here (a server
      // that stops waits for it); never throws.
      await announce(task.id);
      running.delete(task.id);
      live.delete(task.id);
      getService(strapi, 'secret-keys').release(task.id);
    }
  };

  /** Takes the task's write locks, waiting while another task holds one (shown as `waitingFor` on the task). */
  const waitForWriteLock = (task: TaskRow, signal: AbortSignal): Promise<HeldLock> => {
    const uids = writtenTypes(task);
    return waitForWriteLocks({
      locks: getService(strapi, 'locks'),
      uids,
      taskId: task.id,
      signal,
      async onWaiting(holder, busy) {
        live.set(task.id, { ...(live.get(task.id) as TaskRow), waitingFor: holder });
        // Informational (the live state has it): a busy database must not fail the waiting task, and on SQLite it is
        // not written while this process holds the write lock (see writerHeldHere).
        if (!writerHeldHere()) await query().update({ where: { id: task.id }, data: { waitingFor: holder } }).catch(() => undefined);
        log(busy ? `task ${task.id}: waiting for task ${holder ?? '(another process)'}, which writes ${busy}` : `task ${task.id}: the types it writes are free (${uids.join(', ')}); running`);
      },
    });
  };

  /**
   * A task with secrets runs where its key is held (secret-keys.ts: the password lives only in the memory of the
   * server that received it); one queued for longer than SECRETS_ORPHAN_MS whose key no server claimed it with is
   * claimed anyway, and fails saying that its password is gone (a restart), instead of staying queued for ever.
   */
  const claimsSecretsHere = (task: TaskRow) => {
    if (!(task.options as { secrets?: unknown } | null)?.secrets) return true;
    if (getService(strapi, 'secret-keys').holds(task.id)) return true;
    return Date.now() - new Date(task.createdAt).getTime() > SECRETS_ORPHAN_MS;
  };

  /** Claims queued tasks, oldest first, while this instance has free slots. */
  const claimQueued = async () => {
    const { concurrency } = getConfig(strapi);
    /** Tasks with secrets held by another server, passed over in this round (claimsSecretsHere). */
    const passed = new Set<number>();
    while (!stopped && running.size < concurrency && handlers.size > 0) {
      if (ownTasks?.size === 0) return;
      const storageId = getService(strapi, 'storage').id;
      const candidates = (await query().findMany({
        where: {
          state: 'queued',
          kind: { $in: [...handlers.keys()] },
          ...(ownTasks ? { id: { $in: [...ownTasks] } } : {}),
          ...claimableHere(storageId),
          ...(passed.size > 0 ? { $and: [{ id: { $notIn: [...passed] } }] } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        limit: concurrency - running.size,
      })) as TaskRow[];
      if (candidates.length === 0) return;
      for (const candidate of candidates) {
        if (!claimsSecretsHere(candidate)) {
          passed.add(candidate.id);
          continue;
        }
        const now = new Date();
        const { count } = await query().updateMany({
          where: { id: candidate.id, state: 'queued' },
          // The storage that will hold the task's files (an export's file is written where it runs).
          data: { state: 'running', instanceId, startedAt: now, heartbeatAt: now, storageId },
        });
        ownTasks?.delete(candidate.id);
        if (count !== 1) continue; // another instance claimed it first
        const claimed = (await query().findOne({ where: { id: candidate.id } })) as TaskRow;
        const done = run(claimed).finally(() => {
          completions.delete(claimed.id);
          kick();
        });
        completions.set(claimed.id, done);
        wake(claimed.id);
      }
    }
  };

  /** Looks for queued work now (after a task is created or one finishes), without overlapping itself. */
  const kick = () => {
    if (stopped) return;
    if (claiming) {
      kickedWhileClaiming = true;
      return;
    }
    claiming = (async () => {
      do {
        kickedWhileClaiming = false;
        await claimQueued();
      } while (kickedWhileClaiming && !stopped);
    })()
      .catch((e) => {
        strapi.log.error(`[data-migration-center] claiming tasks failed: ${(e as Error).message}`);
      })
      .finally(() => {
        claiming = null;
      });
  };

  /** Wakes the `waitFor` calls sleeping on a task (this server has just claimed it: they can wait for its end here). */
  const wake = (id: number) => {
    const waiting = sleepers.get(id);
    sleepers.delete(id);
    waiting?.forEach((resolve) => resolve());
  };

  /** Sleeps `ms`, or less when this server claims task `id` meanwhile (`wake`). */
  const sleepOn = (id: number, ms: number) =>
    new Promise<void>((resolve) => {
      let waiting = sleepers.get(id);
      if (!waiting) sleepers.set(id, (waiting = new Set()));
      const done = () => {
        clearTimeout(timer);
        const current = sleepers.get(id);
        current?.delete(done);
        if (current?.size === 0) sleepers.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
    });

  /**
   * The retention sweep (retention.ts), now and every `retention.checkInterval`; not in the command line (which runs
   * only its own tasks and exits).
   */
  const startRetention = (every: (ms: number, fn: () => Promise<unknown>) => void) => {
    if (ownTasks) return;
    let sweeping: Promise<unknown> | null = null;
    // One sweep at a time: a long one is not stacked with the next.
    const sweep = () =>
      (sweeping ??= sweepRetention(strapi).finally(() => {
        sweeping = null;
      }));
    every(getConfig(strapi).retention.checkInterval, sweep);
    sweep().catch((e) => strapi.log.warn(`[data-migration-center] retention: ${(e as Error).message}`));
  };

  /** Says in the log, at start-up, when the task file storage cannot be used (without holding the start-up). */
  const verifyStorage = () => {
    getService(strapi, 'storage')
      .verify()
      .catch((e) => strapi.log.error(`[data-migration-center] ${(e as Error).message}`));
  };

  return {
    instanceId,
    sweepStaleTasks,

    registerHandler(kind: TaskKind, handler: TaskHandler) {
      handlers.set(kind, handler);
    },

    /**
     * From now on this process runs only the tasks it creates (see `ownTasks`). The command line calls it between
     * the app's register and bootstrap phases, before the runner starts claiming.
     */
    runOwnTasksOnly() {
      ownTasks ??= new Set();
    },

    /** Whether this process runs only its own tasks (the command line): it then runs no schedules either. */
    runsOwnTasksOnly(): boolean {
      return ownTasks !== null;
    },

    /** A task was created in this process (the tasks service tells the runner). */
    created(id: number) {
      ownTasks?.add(id);
    },

    async start() {
      stopped = false;
      await sweepStaleTasks();
      const { heartbeatInterval, pollInterval } = getConfig(strapi);
      const every = (ms: number, fn: () => Promise<unknown>) => {
        const timer = setInterval(() => {
          fn().catch((e) => strapi.log.warn(`[data-migration-center] ${(e as Error).message}`));
        }, ms);
        timer.unref();
        timers.push(timer);
      };
      every(heartbeatInterval, heartbeat);
      every(pollInterval, async () => {
        await sweepStaleTasks();
        kick();
      });
      startRetention(every);
      verifyStorage();
      kick();
    },

    /** Stops claiming and beating; tasks still running are aborted (rolled back) and left `interrupted`. */
    async stop() {
      stopped = true;
      timers.splice(0).forEach(clearInterval);
      const ids = [...running.keys()];
      for (const controller of running.values()) controller.abort(new Error('The server is stopping'));
      const deadline = Date.now() + 10_000;
      while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (ids.length > 0) {
        await query()
          .updateMany({
            where: { id: { $in: ids }, state: 'running', instanceId },
            data: { state: 'interrupted', finishedAt: new Date(), error: 'The server stopped while this task ran' },
          })
          .catch(() => undefined);
      }
    },

    kick,

    /** Whether this instance claims and runs tasks (between `start()` and `stop()`). */
    isStarted(): boolean {
      return !stopped;
    },

    /** The live state of a task this server runs, or null. */
    snapshot(id: number): TaskRow | null {
      return live.get(id) ?? null;
    },

    /** Aborts a task if this instance runs it (other instances see `cancelRequested` at their next beat). */
    requestCancel(id: number) {
      running.get(id)?.abort(new Error('Cancelled'));
    },

    /** Resolves with the task once it has finished (for `?wait=true` and the CLI). */
    async waitFor(id: number, { signal, interval = 100 }: { signal?: AbortSignal; interval?: number } = {}): Promise<TaskRow> {
      for (;;) {
        const local = completions.get(id);
        if (local) await local;
        const row = (await query().findOne({ where: { id } })) as TaskRow | null;
        if (!row) throw new Error(`Task ${id} no longer exists`);
        if (isFinished(row.state)) return row;
        if (signal?.aborted) return row;
        if (completions.has(id)) continue; // claimed here while the row was read: wait for its end
        // Queued (a claim here wakes it), or running on another server: looked at again after `interval`.
        await sleepOn(id, interval);
      }
    },
  };
};

export type RunnerService = ReturnType<typeof createRunnerService>;
