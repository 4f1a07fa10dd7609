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
 * On every database the task row records the locks it holds (`writeLock`), which tells a waiting task whom it waits for.
 */

export interface HeldLock {
  release(): Promise<void>;
}


/** The 64-bit advisory key (two int4) and the GET_LOCK name (at most 64 characters) of a lock name. */
const digest = (name: string) => createHash('sha1').update(name).digest();

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
export const createLocksService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection as unknown as Knex;
  const client = () => strapi.db.dialect.client as string;
  /** The database (schema) the app works in, as its connection settings name it. */
  const databaseName = () => String((knex().client as unknown as { config?: { connection?: { database?: string } } }).config?.connection?.database ?? '');
  const meta = () => modelMeta(strapi, TASK_UID);
  const column = (name: string) => columnOf(meta(), name);

  /** The lock name of a content type (one for the whole database on SQLite). */
  const lockName = (uid: string) => (client() === 'sqlite' ? 'dmc:sqlite-writer' : `dmc:${uid}`);

  /**
   * Session locks (PostgreSQL, MySQL) on ONE connection taken from the pool for as long as they are held: all of
   * them, or none (answers the first name another session holds). One connection whatever the number of locks: a
   * bundle of twelve types once took twelve of the pool's ten connections and its own transaction waited for one
   * forever.
   */
  const trySessionLocks = async (names: string[]): Promise<HeldLock | { busy: string }> => {
    const pool = knex().client as unknown as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
    const connection = await pool.acquireConnection();
    const raw = (sql: string, bindings: readonly unknown[]) => knex().raw(sql, bindings as Knex.RawBinding[]).connection(connection as never);
    const keyOf = (name: string) => {
      const hash = digest(name);
      // PostgreSQL's advisory locks belong to the database; MySQL's GET_LOCK names are the whole server's: the
      // database's name is part of them, or two apps (two test databases) on one server would wait for each other.
      return { pg: [hash.readInt32BE(0), hash.readInt32BE(4)], mysql: `dmc_${digest(`${databaseName()}\u0000${name}`).toString('hex')}` };
    };
    const take = async (name: string) => {
      const key = keyOf(name);
      if (client() === 'postgres') {
        const result = (await raw('SELECT pg_try_advisory_lock(?::int4, ?::int4) AS ok', key.pg)) as { rows: Array<{ ok: boolean }> };
        return result.rows[0]?.ok === true;
      }
      const [rows] = (await raw('SELECT GET_LOCK(?, 0) AS ok', [key.mysql])) as unknown as [Array<{ ok: number }>];
      return Number(rows[0]?.ok) === 1;
    };
    const unlock = async (name: string) => {
      const key = keyOf(name);
      if (client() === 'postgres') await raw('SELECT pg_advisory_unlock(?::int4, ?::int4)', key.pg);
      else await raw('SELECT RELEASE_LOCK(?)', [key.mysql]);
    };
    const held: string[] = [];
    const releaseAll = async () => {
      try {
        for (const name of [...held].reverse()) await unlock(name);
      } finally {
        held.length = 0;
        await pool.releaseConnection(connection);
      }
    };
    let busy: string | null = null;
    try {
      for (const name of names) {
        if (!(await take(name))) {
          busy = name;
          break;
        }
        held.push(name);
      }
    } catch (error) {
      await releaseAll().catch(() => undefined);
      throw error;
    }
    if (busy !== null) {
      await releaseAll();
      return { busy };
    }
    let released = false;
    return {
      async release() {
        if (released) return;
        released = true;
        await releaseAll();
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
        where: { $or: [{ writeLock: lockName(uid) }, { writeLock: { $contains: ` ${lockName(uid)} ` } }], state: 'running', id: { $ne: exceptTaskId } },
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

    /**
     * Takes the write locks of `uids` for a task (all of them or none), or answers the first type whose lock another
     * task holds. Callers pass the types in a fixed order (two bundles that share types take their locks in the same
     * order: neither holds one the other waits for while waiting itself).
     */
    async tryAcquireAll(uids: string[], taskId: number): Promise<{ lock: HeldLock } | { busy: string }> {
      const names = [...new Map(uids.map((uid) => [lockName(uid), uid])).entries()];
      if (names.length === 0) return { lock: { release: async () => undefined } };
      const clearRow = async () => {
        await strapi.db.query(TASK_UID).update({ where: { id: taskId }, data: { writeLock: null } });
      };
      if (client() === 'sqlite') {
        // One lock for the whole database (lockName). A running task that holds it is seen by a read (which never
        // waits in WAL mode): no write is tried then, so that a waiting process (the command line beside a server)
        // says whom it waits for at once.
        const [name, uid] = names[0];
        if ((await holderOf(uid, taskId)) !== null) return { busy: uid };
        try {
          if (!(await tryRowLock(name, taskId))) return { busy: uid };
        } catch (error) {
          // Another process (a command line beside the server) holds SQLite's write lock: try again later. The
          // error reaches here only after the connection's own wait for the lock (services/sqlite.ts: SQLITE_BUSY
          // is retried up to acquireConnectionTimeout, forever for the command line), so this is the rare case of
          // a writer that held the lock longer than that.
          if (isSqliteBusy(error)) return { busy: uid };
          throw error;
        }
        return { lock: { release: clearRow } };
      }
      const held = await trySessionLocks(names.map(([name]) => name));
      if ('busy' in held) return { busy: names.find(([name]) => name === held.busy)?.[1] ?? held.busy };
      // The row names every lock, each between spaces: a task waiting for any of them finds its holder (holderOf).
      await strapi.db.query(TASK_UID).update({ where: { id: taskId }, data: { writeLock: ` ${names.map(([name]) => name).join(' ')} `, waitingFor: null } });
      return {
        lock: {
          async release() {
            await clearRow().catch(() => undefined);
            await held.release();
          },
        },
      };
    },

    holderOf,
  };
};

export type LocksService = ReturnType<typeof createLocksService>;
