import { useFetchClient } from '@strapi/strapi/admin';
import { useCallback, useMemo } from 'react';
import type {
  CancelTask,
  ResumeTask,
  RevertTask,
  CreateExportTask,
  CreateImportTask,
  CreateMigrationTask,
  CreateTemplate,
  DeleteTask,
  DeleteTemplate,
  ExportOptions,
  ImportOptions,
  MigrationOptions,
  PreviewImport,
  ReadFileHead,
  Task,
  Template,
  TemplateId,
  UpdateTemplate,
  CreateBundleExport,
  ApplyDefinitions,
  BundleImportOptions,
  CreateBundleImport,
  CheckEnvironment,
  CreateEnvironment,
  DeleteEnvironment,
  Environment,
  FetchFromEnvironment,
  GetEnvironmentTask,
  SendToEnvironment,
  UpdateEnvironment,
} from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { buildImportFormData } from '../utils/forms';
import { useNotifyError } from './useNotifyError';

const base = `/${PLUGIN_ID}`;

/** A request's answer, or its error (the caller shows it). */
export type Attempt<T> = { ok: true; data: T } | { ok: false; error: unknown };

/** The multipart body of the bundle routes: the zip and the JSON options. */
const bundleFormData = (file: File, options: object): FormData => {
  const body = new FormData();
  body.append('options', JSON.stringify(options));
  body.append('file', file, file.name);
  return body;
};

/**
 * The plugin's write routes. Each call resolves to the answer's `data`, or to null after notifying the error
 * with the server's message.
 */
export const useApi = () => {
  const { get, post, put, del } = useFetchClient();
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

  /** Like `call`, but a failed request's error is answered, not notified: the page shows it where it belongs. */
  const attempt = useCallback(async <T>(request: () => Promise<{ data: { data: T } }>): Promise<Attempt<T>> => {
    try {
      return { ok: true, data: (await request()).data.data };
    } catch (error) {
      return { ok: false, error };
    }
  }, []);

  return useMemo(
    () => ({
      startExport: (options: ExportOptions, { wait = false }: { wait?: boolean } = {}): Promise<Task | null> =>
        call(() =>
          post<CreateExportTask.Response, ExportOptions>(`${base}/export-tasks`, options, {
            params: wait ? { wait: 'true' } : undefined,
          })
        ),

      /** A bundle export (several content types in one zip): `{ templateId }` runs a bundle template. */
      startBundleExport: (body: CreateBundleExport.Request['body']): Promise<Task | null> =>
        call(() => post<CreateBundleExport.Response, CreateBundleExport.Request['body']>(`${base}/bundle-exports`, body)),

      /**
       * A bundle import (the zip, and its options: a dry run previews it). A refusal (the schema check's 400 lists
       * each missing type and attribute) is answered for the page to show.
       */
      startBundleImport: (file: File, options: BundleImportOptions, { wait = false }: { wait?: boolean } = {}) =>
        attempt(() =>
          post<CreateBundleImport.Response, FormData>(`${base}/bundle-imports`, bundleFormData(file, options), {
            params: wait ? { wait: 'true' } : undefined,
          })
        ),

      /** What a bundle's definitions change here (dryRun), or their application (development mode); refusals answered. */
      applyDefinitions: (file: File, { dryRun }: { dryRun: boolean }) =>
        attempt(() => post<ApplyDefinitions.Response, FormData>(`${base}/bundle-definitions`, bundleFormData(file, { dryRun }))),

      /** The server's reading of a file's first 64 KB (format, fields, samples, JSONT configuration). */
      readFileHead: (body: ReadFileHead.Request['body'] | FormData) =>
        call(() => post<ReadFileHead.Response, ReadFileHead.Request['body'] | FormData>(`${base}/file-heads`, body)),

      /** A migration of entries already in the app (POST /migration-tasks). */
      startMigration: (body: MigrationOptions): Promise<Task | null> =>
        call(() => post<CreateMigrationTask.Response, MigrationOptions>(`${base}/migration-tasks`, body)),
      /** The first items of the file as read, as transformed and checked (POST /import-previews); nothing written. */
      previewImport: (file: File, options: ImportOptions, count = 10) => {
        const body = buildImportFormData(file, options);
        body.append('count', String(count));
        return call(() => post<PreviewImport.Response, FormData>(`${base}/import-previews`, body));
      },

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

      /** A revert task for a finished import (README, *Undo*): `force` restores entries changed since too. */
      revertTask: (task: Task, force: boolean): Promise<Task | null> =>
        call(() => post<RevertTask.Response, RevertTask.Request['body']>(`${base}/tasks/${task.id}/revert`, { force })),

      deleteTask: (task: Task): Promise<Task | null> => call(() => del<DeleteTask.Response>(`${base}/tasks/${task.id}`)),

      createTemplate: (body: CreateTemplate.Request['body']): Promise<Template | null> =>
        call(() => post<CreateTemplate.Response, CreateTemplate.Request['body']>(`${base}/templates`, body)),

      updateTemplate: (id: TemplateId, body: UpdateTemplate.Request['body']): Promise<Template | null> =>
        call(() => put<UpdateTemplate.Response, UpdateTemplate.Request['body']>(`${base}/templates/${encodeURIComponent(id)}`, body)),

      deleteTemplate: (template: Template): Promise<Template | null> =>
        call(() => del<DeleteTemplate.Response>(`${base}/templates/${encodeURIComponent(template.id)}`)),

      /** Environments: the form shows a refusal (a name taken, a URL that is not one) beside its fields. */
      createEnvironment: (body: CreateEnvironment.Request['body']) =>
        attempt(() => post<CreateEnvironment.Response, CreateEnvironment.Request['body']>(`${base}/environments`, body)),

      updateEnvironment: (id: number, body: UpdateEnvironment.Request['body']) =>
        attempt(() => put<UpdateEnvironment.Response, UpdateEnvironment.Request['body']>(`${base}/environments/${id}`, body)),

      deleteEnvironment: (environment: Environment): Promise<Environment | null> =>
        call(() => del<DeleteEnvironment.Response>(`${base}/environments/${environment.id}`)),

      /** The other instance's version, or why it cannot be reached or refuses the token (answered, shown in place). */
      checkEnvironment: (id: number) => attempt(() => post<CheckEnvironment.Response>(`${base}/environments/${id}/check`)),

      sendToEnvironment: (taskId: number, body: SendToEnvironment.Request['body']) =>
        attempt(() => post<SendToEnvironment.Response, SendToEnvironment.Request['body']>(`${base}/tasks/${taskId}/send`, body)),

      environmentTask: (id: number, taskId: number) => attempt(() => get<GetEnvironmentTask.Response>(`${base}/environments/${id}/tasks/${taskId}`)),

      fetchFromEnvironment: (id: number, body: FetchFromEnvironment.Request['body']) =>
        attempt(() => post<FetchFromEnvironment.Response, FetchFromEnvironment.Request['body']>(`${base}/environments/${id}/fetch`, body)),
    }),
    [attempt, call, del, get, post, put]
  );
};
