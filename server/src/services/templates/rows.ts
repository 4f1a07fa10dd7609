import type {
  BundleTemplateOptions,
  ExportOptions,
  ImportOptions,
  ResolvedBundleExportOptions,
  ResolvedBundleImportOptions,
  Template,
  TemplateKind,
  TemplateSchedule,
  ScheduledPush,
} from '../../../../shared/contracts';
import type { TaskRow } from '../tasks/task-row';

/** A template's row in `dmc_templates`, and what a template is made of before it is checked against the app. */

export interface TemplateRow {
  id: number;
  name: string;
  kind: TemplateKind;
  contentType: string;
  options: ImportOptions | ExportOptions | BundleTemplateOptions | null;
  description: string | null;
  /** Export and bundle templates: when it runs by itself (services/schedules). */
  schedule: TemplateSchedule | null;
  /** The last slot claimed (or when the schedule was set): the scheduler's watermark. */
  scheduleSlot: string | Date | null;
  /** The slot of the last scheduled run, and its task. */
  lastRunAt: string | Date | null;
  lastRunTaskId: number | null;
  /** A pushing schedule: what its last push did (services/schedules/push.ts). */
  lastPush: ScheduledPush | null;
  createdAt: string | Date;
  updatedAt: string | Date;
}

/** A template before its `broken` state is known: a saved one (from its row) or a shipped one. */
export type TemplateBase = Omit<Template, 'broken' | 'nextRunAt' | 'lastRunAt' | 'lastRun' | 'lastPush'>;

export const fromRow = (row: TemplateRow): TemplateBase => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  contentType: row.contentType,
  options: row.options ?? {},
  description: row.description ?? null,
  readOnly: false,
  schedule: row.schedule ?? null,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

/**
 * "Save as template" of a bundle task: a bundle export's types with their options (the types it pulled in as
 * dependencies are not listed: "with dependencies" pulls them in again) and its bundle options; a bundle import's
 * onError and each type's import options (its status when it imported one version).
 */
export const bundleTemplateOf = (task: TaskRow): BundleTemplateOptions => {
  if (task.kind === 'bundle-export') {
    const { types, withDependencies, media, definitions } = task.options as unknown as ResolvedBundleExportOptions;
    return { types: types.map((type) => ({ ...type })), withDependencies, media, definitions };
  }
  const { types, onError } = task.options as unknown as ResolvedBundleImportOptions;
  return {
    onError,
    types: types.map((type) => ({
      contentType: type.contentType,
      importStrategy: type.importStrategy,
      updateStrategy: type.updateStrategy,
      matchBy: type.matchBy,
      ...(type.published === null && type.status ? { status: type.status } : {}),
      ...(type.lifecycles === 'run' ? { lifecycles: 'run' as const } : {}),
    })),
  };
};

/** How messages name a kind of template: "An import template named ..." and "Import template 4 not found". */
export const KIND_IN_SENTENCE: Record<TemplateKind, string> = {
  import: 'An import',
  export: 'An export',
  bundle: 'A bundle',
};
export const KIND_TITLE: Record<TemplateKind, string> = { import: 'Import', export: 'Export', bundle: 'Bundle' };
