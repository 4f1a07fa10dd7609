import type { Environment, ListEnvironments } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { validationMessages } from './useNotifyError';
import { useGet } from './useGet';

const NONE: Environment[] = [];

/** The saved environments (GET /environments); `enabled` false asks nothing (a user without the action). */
export const useEnvironments = (enabled = true) => {
  const { data, isLoading, isError, refetch } = useGet<ListEnvironments.Response>(enabled ? `/${PLUGIN_ID}/environments` : null);
  return { environments: data?.data ?? NONE, isLoading, isError, refetch };
};

/** The server's words for a failed request (its validation details, else its message), or null. */
export const serverMessage = (error: unknown): string | null => {
  const details = validationMessages(error);
  if (details) return details;
  const message = (error as { response?: { data?: { error?: { message?: unknown } } } })?.response?.data?.error?.message;
  if (typeof message === 'string' && message) return message;
  return error instanceof Error && error.message ? error.message : null;
};

/** The field a 400 names (`details.errors[0].path[0]`), or null. */
export const fieldOf = (error: unknown): string | null => {
  const errors = (error as { response?: { data?: { error?: { details?: { errors?: Array<{ path?: unknown[] }> } } } } })?.response?.data?.error?.details?.errors;
  const first = Array.isArray(errors) ? errors[0]?.path?.[0] : undefined;
  return typeof first === 'string' ? first : null;
};
