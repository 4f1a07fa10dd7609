import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { TASK_UID } from '../../constants';
import { isSqliteBusy } from '../sqlite';
import { columnOf, modelMeta } from '../../schema/model-metadata';

/**
 * The write lock of a content type: two imports that write the same type (on any instance, the command line
 * included) never interleave their writes, so that two upserts of the same keys cannot both find a key missing and
 * both create it. The lock lives in the database, so that every instance sharing it sees it:
 * - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`), held on a connection of its own for the whole
 *   task, released by the database itself if the process dies;
 * - MySQL / MariaDB: `GET_LOCK`, the same way;
 * - SQLite: one writer for the whole file, so the lock is one for the whole database (an import of another type
 *   would wait for the file anyway, and a command line beside the server would fail on `database is locked`): the
 *   task row claims it (`writeLock`) with one conditional UPDATE, which SQLite runs alone; a holder that died is
 *   released when the runner marks its task interrupted (stale heartbeat).
 * On every database the task row records the lock it holds (`writeLock`), which tells a waiting task whom it waits for.
 */

export interface HeldLock {
  release(): Promise<void>;
}


/** The 64-bit advisory key (two int4) and the GET_LOCK name (at most 64 characters) of a lock name. */
const digest = (name: string) => createHash('sha1').update(name).digest();

export const createLocksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection as unknown as Knex;
  const client = () => strapi.db.dialect.client as string;
  const meta = () => modelMeta(strapi, TASK_UID);
  const column = (name: string) => columnOf(meta(), name);

  /** The lock name of a content type (one for the whole database on SQLite). */
  const lockName = (uid: string) => (client() === 'sqlite' ? 'dmc:sqlite-writer' : `dmc:${uid}`);

  /** A session lock (PostgreSQL, MySQL) on a connection taken from the pool for as long as it is held. */
  const trySessionLock = async (name: string): Promise<HeldLock | null> => {
    const pool = knex().client as unknown as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
    const connection = await pool.acquireConnection();
    const raw = (sql: string, bindings: readonly unknown[]) => knex().raw(sql, bindings as Knex.RawBinding[]).connection(connection as never);
    const hash = digest(name);
    let taken = false;
    try {
      if (client() === 'postgres') {
        const result = (await raw('SELECT pg_try_advisory_lock(?::int4, ?::int4) AS ok', [hash.readInt32BE(0), hash.readInt32BE(4)])) as { rows: Array<{ ok: boolean }> };
        taken = result.rows[0]?.ok === true;
      } else {
        const [rows] = (await raw('SELECT GET_LOCK(?, 0) AS ok', [`dmc_${hash.toString('hex')}`])) as unknown as [Array<{ ok: number }>];
        taken = Number(rows[0]?.ok) === 1;
      }
    } finally {
      if (!taken) await pool.releaseConnection(connection);
    }
    if (!taken) return null;
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        try {
          if (client() === 'postgres') await raw('SELECT pg_advisory_unlock(?::int4, ?::int4)', [hash.readInt32BE(0), hash.readInt32BE(4)]);
          else await raw('SELECT RELEASE_LOCK(?)', [`dmc_${hash.toString('hex')}`]);
        } finally {
          await pool.releaseConnection(connection);
        }
      },
    };
  };

  /** SQLite: the task row claims the lock unless a running task holds it (one statement: SQLite runs it alone). */
  const tryRowLock = async (name: string, taskId: number): Promise<boolean> => {
    const { tableName } = meta();
    const [writeLock, state] = [column('writeLock'), column('state')];
    const updated = await knex().raw(
      `UPDATE ?? SET ?? = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM ?? AS other WHERE other.?? = ? AND other.?? = 'running' AND other.id <> ?)`,
      [tableName, writeLock, name, taskId, tableName, writeLock, name, state, taskId]
    );
    const changes = (updated as { changes?: number }).changes;
    if (typeof changes === 'number') return changes === 1;
    const row = (await strapi.db.query(TASK_UID).findOne({ where: { id: taskId }, select: ['writeLock'] })) as { writeLock: string | null } | null;
    return row?.writeLock === name;
  };

  /** The running task that holds the lock of `uid` (null: none recorded, or the database is busy). */
  const holderOf = async (uid: string, exceptTaskId: number): Promise<number | null> => {
    try {
      const row = (await strapi.db.query(TASK_UID).findOne({
        where: { writeLock: lockName(uid), state: 'running', id: { $ne: exceptTaskId } },
        select: ['id'],
      })) as { id: number } | null;
      return row?.id ?? null;
    } catch (error) {
      if (isSqliteBusy(error)) return null;
      throw error;
    }
  };

  return {
    lockName,

    /** Takes the write lock of `uid` for a task, or answers null when another task holds it. */
    async tryAcquire(uid: string, taskId: number): Promise<HeldLock | null> {
      const name = lockName(uid);
      const release = async () => {
        await strapi.db.query(TASK_UID).update({ where: { id: taskId }, data: { writeLock: null } });
      };
      if (client() === 'sqlite') {
        // A running task that holds it is seen by a read (which never waits in WAL mode): no write is tried then,
        // so that a waiting process (the command line beside a server) says whom it waits for at once.
        if ((await holderOf(uid, taskId)) !== null) return null;
        try {
          if (!(await tryRowLock(name, taskId))) return null;
        } catch (error) {
          // Another process (a command line beside the server) holds SQLite's write lock: try again later. The
          // error reaches here only after the connection's own wait for the lock (services/sqlite.ts: SQLITE_BUSY
          // is retried up to acquireConnectionTimeout, forever for the command line), so this is the rare case of
          // a writer that held the lock longer than that.
          if (isSqliteBusy(error)) return null;
          throw error;
        }
        return { release };
      }
      const held = await trySessionLock(name);
      if (!held) return null;
      await strapi.db.query(TASK_UID).update({ where: { id: taskId }, data: { writeLock: name, waitingFor: null } });
      return {
        async release() {
          await release().catch(() => undefined);
          await held.release();
        },
      };
    },

    holderOf,
  };
};

export type LocksService = ReturnType<typeof createLocksService>;
