import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLatest } from './useLatest';
import { useNotifyError } from './useNotifyError';

export interface GetState<T> {
  data: T | undefined;
  isLoading: boolean;
  isError: boolean;
  refetch: () => Promise<void>;
}

/**
 * GET a plugin route and keep its answer; `url` null waits. A failure is notified (with the server's message)
 * and leaves `isError` set.
 */
export const useGet = <T>(url: string | null): GetState<T> => {
  const { get } = useFetchClient();
  const notifyError = useLatest(useNotifyError());
  const [data, setData] = useState<T>();
  const [isLoading, setIsLoading] = useState(url !== null);
  const [isError, setIsError] = useState(false);
  const current = useRef(url);
  current.current = url;

  const refetch = useCallback(async () => {
    if (url === null) return;
    setIsLoading(true);
    try {
      const response = await get<T>(url);
      if (current.current === url) {
        setData(response.data);
        setIsError(false);
      }
    } catch (error) {
      if (current.current === url) setIsError(true);
      notifyError.current(error);
    } finally {
      if (current.current === url) setIsLoading(false);
    }
  }, [get, notifyError, url]);

  useEffect(() => {
    void refetch();
  }, [refetch]);

  return { data, isLoading, isError, refetch };
};
