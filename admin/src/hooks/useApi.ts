import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useMemo } from 'react';
import type {
  CancelTask,
  ResumeTask,
  CreateExportTask,
  CreateImportTask,
  CreateTemplate,
  DeleteTask,
  DeleteTemplate,
  ExportOptions,
  ImportOptions,
  ReadFileHead,
  Task,
  Template,
  TemplateId,
  UpdateTemplate,
} from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { buildImportFormData } from '../utils/forms';
import { useNotifyError } from './useNotifyError';

const base = `/${PLUGIN_ID}`;

/**
 * The plugin's write routes. Each call resolves to the answer's `data`, or to null after notifying the error
 * with the server's message.
 */
export const useApi = () => {
  const { post, put, del } = useFetchClient();
  const notifyError = useNotifyError();

  const call = useCallback(
    async <T>(request: () => Promise<{ data: { data: T } }>): Promise<T | null> => {
      try {
        return (await request()).data.data;
      } catch (error) {
        notifyError(error);
        return null;
      }
    },
    [notifyError]
  );

  return useMemo(
    () => ({
      startExport: (options: ExportOptions, { wait = false }: { wait?: boolean } = {}): Promise<Task | null> =>
        call(() =>
          post<CreateExportTask.Response, ExportOptions>(`${base}/export-tasks`, options, {
            params: wait ? { wait: 'true' } : undefined,
          })
        ),

      /** The server's reading of a file's first 64 KB (format, fields, samples, JSONT configuration). */
      readFileHead: (body: ReadFileHead.Request['body']) =>
        call(() => post<ReadFileHead.Response, ReadFileHead.Request['body']>(`${base}/file-heads`, body)),

      startImport: (file: File, options: ImportOptions, { wait = false }: { wait?: boolean } = {}): Promise<Task | null> =>
        call(() =>
          post<CreateImportTask.Response, FormData>(`${base}/import-tasks`, buildImportFormData(file, options), {
            params: wait ? { wait: 'true' } : undefined,
          })
        ),

      cancelTask: (task: Task): Promise<Task | null> =>
        call(() => post<CancelTask.Response>(`${base}/tasks/${task.id}/cancel`)),

      resumeTask: (task: Task): Promise<Task | null> =>
        call(() => post<ResumeTask.Response>(`${base}/tasks/${task.id}/resume`)),

      deleteTask: (task: Task): Promise<Task | null> => call(() => del<DeleteTask.Response>(`${base}/tasks/${task.id}`)),

      createTemplate: (body: CreateTemplate.Request['body']): Promise<Template | null> =>
        call(() => post<CreateTemplate.Response, CreateTemplate.Request['body']>(`${base}/templates`, body)),

      updateTemplate: (id: TemplateId, body: UpdateTemplate.Request['body']): Promise<Template | null> =>
        call(() => put<UpdateTemplate.Response, UpdateTemplate.Request['body']>(`${base}/templates/${encodeURIComponent(id)}`, body)),

      deleteTemplate: (template: Template): Promise<Template | null> =>
        call(() => del<DeleteTemplate.Response>(`${base}/templates/${encodeURIComponent(template.id)}`)),
    }),
    [call, del, post, put]
  );
};
