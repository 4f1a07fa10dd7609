import { isFetchError, useAPIErrorHandler, useNotification } from '@strapi/strapi/admin';
import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';

/** Whether the error only says that the request was aborted (the page was left): nothing to show. */
export const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/**
 * The messages of a validation error's details (`{ details: { errors: [{ path, message }] } }`), whose own
 * message only says how many there are ("3 errors occurred").
 */
export const validationMessages = (error: unknown): string | null => {
  const details = (error as { response?: { data?: { error?: { details?: unknown } } } })?.response?.data?.error?.details;
  const errors = (details as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const messages = errors
    .map((entry) => (typeof entry === 'object' && entry !== null ? (entry as { message?: unknown }).message : undefined))
    .filter((message): message is string => typeof message === 'string' && message !== '');
  return messages.length > 0 ? [...new Set(messages)].join('; ') : null;
};

/** A notification for any failed request, with the server's message (Strapi's `{ error }` shape). */
export const useNotifyError = () => {
  const { toggleNotification } = useNotification();
  const { formatAPIError } = useAPIErrorHandler();
  const { formatMessage } = useIntl();

  return useCallback(
    (error: unknown) => {
      if (isAbort(error)) return;
      let message: string;
      if (isFetchError(error)) message = validationMessages(error) ?? formatAPIError(error);
      else if (error instanceof Error && error.message) message = error.message;
      else message = formatMessage({ id: getTranslation('notification.error'), defaultMessage: 'An error occurred' });
      toggleNotification({ type: 'danger', message });
    },
    [formatAPIError, formatMessage, toggleNotification]
  );
};
