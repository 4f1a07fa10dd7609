import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useCallback, useState } from 'react';
import { useIntl } from 'react-intl';
import { errorMessageOfBlob, fileNameFromDisposition, saveBlob } from '../utils/download';
import { getTranslation } from '../utils/getTranslation';
import { useNotifyError } from './useNotifyError';

/**
 * Downloads a plugin route's attachment with the admin's token (`responseType: 'blob'`) and saves it under the
 * name the server gives (`Content-Disposition`), else `fallbackName`. Errors are notified with the server's
 * message, which arrives as a Blob too.
 */
export const useDownload = () => {
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const notifyError = useNotifyError();
  const { formatMessage } = useIntl();
  const [pending, setPending] = useState<string | null>(null);

  const download = useCallback(
    async (url: string, fallbackName: string) => {
      setPending(url);
      try {
        const response = await get(url, { responseType: 'blob', validateStatus: () => true });
        if (response.status !== undefined && response.status >= 400) {
          const message =
            (await errorMessageOfBlob(response.data)) ??
            formatMessage(
              { id: getTranslation('download.error'), defaultMessage: 'The download failed ({status}).' },
              { status: response.status }
            );
          toggleNotification({ type: 'danger', message });
          return;
        }
        saveBlob(response.data, fileNameFromDisposition(response.headers?.get('Content-Disposition')) ?? fallbackName);
      } catch (error) {
        notifyError(error);
      } finally {
        setPending(null);
      }
    },
    [formatMessage, get, notifyError, toggleNotification]
  );

  return { download, pending };
};
