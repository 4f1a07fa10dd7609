import type { Core } from '@strapi/strapi';
import type { SecretsHeader } from '../../pipeline/secrets';

/**
 * The keys of tasks with secrets (README, *Secrets*), held in this server's memory only: never in the task's row,
 * its answers, the logs, templates or error reports. A task whose key is not held here is not claimed here (the
 * runner asks `holds`), and a task that runs without its key (after a restart: the password is gone) fails saying so.
 */
export interface TaskSecrets {
  key: Buffer;
  /** Exports: the header written in the file. */
  header?: SecretsHeader;
}

export const createSecretKeysService = (_: { strapi: Core.Strapi }) => {
  const keys = new Map<number, TaskSecrets>();
  return {
    hold(taskId: number, secrets: TaskSecrets) {
      keys.set(taskId, secrets);
    },
    holds(taskId: number): boolean {
      return keys.has(taskId);
    },
    get(taskId: number): TaskSecrets | undefined {
      return keys.get(taskId);
    },
    /** Forgets a task's key (it finished, or was cancelled or deleted). */
    release(taskId: number) {
      keys.get(taskId)?.key.fill(0);
      keys.delete(taskId);
    },
  };
};

export type SecretKeysService = ReturnType<typeof createSecretKeysService>;

/** Why a task with secrets cannot run: its key is not in this server's memory. */
export const keyGone = (taskId: number) =>
  new Error(
    `Task ${taskId} has encrypted private fields, and their password is kept only in the memory of the server that received the task: that server restarted (or another one runs the task). Start it again with the password`
  );
