import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import createError from 'http-errors';
import type { Environment, EnvironmentInput, Task } from '../../../shared/contracts';
import { ENVIRONMENT_UID } from '../constants';
import { getService } from '../utils';
import { fieldError } from '../validation/import-options';
import type { Actor } from './permissions';
import type { NewTask, TaskRow } from './tasks/task-row';
import { createRemote, RemoteError, type Remote } from './transfer/remote';

/**
 * Saved environments (issue 19): other instances this one sends bundles to and fetches bundles from, each with an
 * API token that instance issued. The token is encrypted with Strapi's admin encryption service (AES-256-GCM, keyed
 * by the app's `admin.secrets.encryptionKey`) before it is written, decrypted only to call the other instance, and
 * never returned nor logged.
 *
 * What the other instance refuses or cannot answer becomes an HTTP error here, before anything is written on either
 * side: 400 with the reason for what the environment's settings or the request can fix (the token refused, an
 * action missing, a bundle format one side cannot read, the other side's 4xx); 502 when the other instance cannot
 * be reached or fails (no answer, a certificate not trusted, its 5xx); 504 when its export outlasts the wait.
 */

interface EnvironmentRow {
  id: number;
  name: string;
  url: string;
  token: string;
  createdAt: string | Date;
  updatedAt: string | Date;
}

interface Encryption {
  encrypt(value: string): string | null;
  decrypt(value: string): string | null;
}

/** How long POST /environments/:id/fetch waits for the other instance's export. */
export const FETCH_EXPORT_TIMEOUT_MS = 5 * 60 * 1000;

const iso = (value: string | Date) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString());

export const toEnvironment = (row: EnvironmentRow): Environment => ({
  id: row.id,
  name: row.name,
  url: row.url,
  hasToken: true,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

/** A RemoteError as the admin's answer (see above); other errors unchanged. */
export const remoteFailure = (error: unknown): unknown => {
  if (!(error instanceof RemoteError)) return error;
  if (error.status === null || error.status >= 500) return createError(502, error.message);
  return new errors.ApplicationError(error.message);
};

export const createEnvironmentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(ENVIRONMENT_UID);
  const encryption = () => strapi.service('admin::encryption') as unknown as Encryption;

  const noKey = () =>
    createError(
      500,
      'Environments need an encryption key to store their tokens: set admin.secrets.encryptionKey in config/admin (ENCRYPTION_KEY in the environment) and restart'
    );

  const encrypt = (token: string): string => {
    const encrypted = encryption().encrypt(token);
    if (!encrypted) throw noKey();
    return encrypted;
  };

  const getRow = async (id: number): Promise<EnvironmentRow> => {
    const row = (await query().findOne({ where: { id } })) as EnvironmentRow | null;
    if (!row) throw new errors.NotFoundError(`Environment ${id} not found`);
    return row;
  };

  const assertNameFree = async (name: string, except: number | null) => {
    const same = (await query().findOne({ where: { name: { $eqi: name }, ...(except ? { id: { $ne: except } } : {}) } })) as EnvironmentRow | null;
    if (same) throw fieldError('name', `name: an environment named "${same.name}" exists already`);
  };

  /** The other instance, with the environment's decrypted token. */
  const remoteOf = async (id: number): Promise<{ environment: EnvironmentRow; remote: Remote }> => {
    const environment = await getRow(id);
    if (!strapi.config.get('admin.secrets.encryptionKey')) throw noKey();
    let token: string | null = null;
    try {
      token = encryption().decrypt(environment.token);
    } catch {
      token = null;
    }
    if (!token) {
      throw new errors.ApplicationError(
        `The token of environment "${environment.name}" cannot be decrypted (the app's encryption key changed?): enter the token again`
      );
    }
    return { environment, remote: createRemote({ url: environment.url, token, pollInterval: 500 }) };
  };

  /** Runs `fn`, a RemoteError turned into the admin's answer. */
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw remoteFailure(error);
    }
  };

  return {
    async list(): Promise<Environment[]> {
      const rows = (await query().findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] })) as EnvironmentRow[];
      return rows.map(toEnvironment);
    },

    async create(input: EnvironmentInput): Promise<Environment> {
      await assertNameFree(input.name, null);
      const row = (await query().create({ data: { name: input.name, url: input.url, token: encrypt(input.token) } })) as EnvironmentRow;
      return toEnvironment(row);
    },

    async update(id: number, input: Partial<EnvironmentInput>): Promise<Environment> {
      await getRow(id);
      if (input.name !== undefined) await assertNameFree(input.name, id);
      const data = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.token !== undefined ? { token: encrypt(input.token) } : {}),
      };
      const row = (await query().update({ where: { id }, data })) as EnvironmentRow;
      return toEnvironment(row);
    },

    async delete(id: number): Promise<Environment> {
      const row = await getRow(id);
      await query().delete({ where: { id } });
      return toEnvironment(row);
    },

    /** Asks the other instance what it is: reachable, the token accepted, a center both sides can exchange bundles with. */
    async check(id: number): Promise<{ ok: true; version: string; bundleFormat: number }> {
      const { remote } = await remoteOf(id);
      return guarded(async () => {
        const info = await remote.info();
        return { ok: true as const, version: info.version, bundleFormat: info.bundleFormat };
      });
    },

    /** Sends a completed bundle export of this instance to the environment's bundle import: its task there. */
    async send(taskId: number, environmentId: number, importOptions: Record<string, unknown>, actor: Actor | null): Promise<Task> {
      const { remote } = await remoteOf(environmentId);
      return guarded(() => getService(strapi, 'transfer').send(taskId, remote, importOptions, actor));
    },

    /** A task of the other instance, as it answers (the admin polls a send's import there through this). */
    async remoteTask(environmentId: number, taskId: number): Promise<Task> {
      const { remote } = await remoteOf(environmentId);
      return guarded(() => remote.task(taskId));
    },

    /**
     * A bundle exported there, then imported here: the local import's task row (queued). Waits for the export up to
     * FETCH_EXPORT_TIMEOUT_MS (504 past it, the export there cancelled); an export that fails there is a 502.
     */
    async fetch(
      environmentId: number,
      { bundle, options }: { bundle: Record<string, unknown>; options: Record<string, unknown> },
      creator: NewTask['creator'],
      actor: Actor | null,
      timeoutMs = FETCH_EXPORT_TIMEOUT_MS
    ): Promise<TaskRow> {
      const { remote } = await remoteOf(environmentId);
      const signal = AbortSignal.timeout(timeoutMs);
      const { remote: exported, row } = await guarded(async () => {
        try {
          return await getService(strapi, 'transfer').fetchInto({ other: remote, bundle, importOptions: options, creator, actor, signal });
        } catch (error) {
          if (signal.aborted) {
            throw createError(504, `${remote.url} did not finish the bundle export within ${Math.round(timeoutMs / 1000)} s: it was cancelled there; export fewer types, or run the CLI's pull, which waits as long as it takes`);
          }
          throw error;
        }
      });
      if (!row) {
        throw createError(502, `The bundle export on ${remote.url} ended ${exported.status}${exported.error ? `: ${exported.error}` : ''}; nothing was imported here`);
      }
      return row;
    },
  };
};

export type EnvironmentsService = ReturnType<typeof createEnvironmentsService>;
