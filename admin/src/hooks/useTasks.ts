import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GetTask, ListTasks, Task } from '../../../shared/contracts';
import { FINISHED_STATUSES, PLUGIN_ID } from '../../../shared/contracts';
import { useLatest } from './useLatest';
import { isAbort, useNotifyError } from './useNotifyError';

/** How often a list or task with work under way is asked again. */
export const POLL_INTERVAL_MS = 1000;

export const isFinished = (task: Pick<Task, 'status'>): boolean => FINISHED_STATUSES.includes(task.status);
export const isActive = (task: Pick<Task, 'status'>): boolean => !isFinished(task);

/**
 * One page of tasks, newest first, asked again every second while any of them is queued or running (live
 * progress). A failure is notified once and stops the polling until the next change or `refetch`.
 */
export const useTasks = ({ page, pageSize }: { page: number; pageSize: number }) => {
  const { get } = useFetchClient();
  const notifyError = useLatest(useNotifyError());
  const [response, setResponse] = useState<ListTasks.Response>();
  const [isLoading, setIsLoading] = useState(true);
  const [isError, setIsError] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const generation = useRef(0);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    const mine = ++generation.current;
    try {
      const { data } = await get<ListTasks.Response>(`/${PLUGIN_ID}/tasks`, { params: { page, pageSize } });
      if (mine !== generation.current) return;
      setResponse(data);
      setIsError(false);
      if (data.data.some(isActive)) timer.current = setTimeout(() => void load(), POLL_INTERVAL_MS);
    } catch (error) {
      if (mine !== generation.current || isAbort(error)) return;
      setIsError(true);
      notifyError.current(error);
    } finally {
      if (mine === generation.current) setIsLoading(false);
    }
  }, [get, notifyError, page, pageSize]);

  useEffect(() => {
    void load();
    return () => {
      generation.current += 1;
      clearTimeout(timer.current);
    };
  }, [load]);

  return {
    tasks: response?.data,
    pagination: response?.meta.pagination,
    isLoading,
    isError,
    refetch: load,
  };
};

/**
 * One task, asked every second until it has finished (the progress of a task just started). `initial` is the
 * task as the request that created it answered.
 */
export const useTaskProgress = (initial: Task | null) => {
  const { get } = useFetchClient();
  const notifyError = useLatest(useNotifyError());
  const [task, setTask] = useState<Task | null>(initial);

  useEffect(() => {
    setTask(initial);
    if (!initial || isFinished(initial)) return undefined;
    let active = true;
    let timeout: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const { data } = await get<GetTask.Response>(`/${PLUGIN_ID}/tasks/${initial.id}`);
        if (!active) return;
        setTask(data.data);
        if (isActive(data.data)) timeout = setTimeout(() => void poll(), POLL_INTERVAL_MS);
      } catch (error) {
        if (active) notifyError.current(error);
      }
    };
    timeout = setTimeout(() => void poll(), POLL_INTERVAL_MS);
    return () => {
      active = false;
      clearTimeout(timeout);
    };
  }, [get, initial, notifyError]);

  return task;
};
