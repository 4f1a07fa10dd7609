import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import {
  isShippedTemplateId,
  type BundleTemplateOptions,
  type ExportOptions,
  type ImportOptions,
  type TemplateKind,
  type Template,
  type TemplateId,
  type TemplateInput,
  type TemplateSchedule,
  type TaskStatus,
} from '../../../../shared/contracts';
import { ENVIRONMENT_UID, TASK_UID, TEMPLATE_UID } from '../../constants';
import { parseBundleImportOptions } from '../../validation/bundle-import-options';
import { checkBundleTemplateOptions } from '../../validation/bundle-template-options';
import { fieldError } from '../../validation/import-options';
import { getService } from '../../utils';
import { readShippedTemplates, shippedTemplatesDir, type ShippedTemplate } from '../shipped-templates';
import { nextSlot, normalizeSchedule, watermark } from '../schedules/slots';
import { createTemplateFit } from './fit';
import { bundleTemplateOf, fromRow, KIND_IN_SENTENCE, KIND_TITLE, type TemplateBase, type TemplateRow } from './rows';

export type { TemplateRow } from './rows';

/**
 * A service factory as Strapi's own (a closure over `strapi` returning the service's methods): longer than 120
 * lines as a whole; each method and helper inside it is not.
 */
/**
 * Templates: the ones saved in the database (`dmc_templates`), and the read-only ones shipped with the plugin
 * (`templates/*.json`, ids `shipped:<file name>`). Shipped templates whose content type the app does not have are
 * left out (they are examples for the playground); any other template that its content type no longer fits is
 * listed with `broken` naming the attribute, and refused (400) when a task names it.
 */
export const createTemplatesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(TEMPLATE_UID);
  const contentTypes = () => getService(strapi, 'content-types');
  const { brokenReason } = createTemplateFit(strapi);

  let shipped: ShippedTemplate[] | null = null;
  /** The shipped templates, read once; a file that is not a valid template is logged and left out. */
  const allShipped = (): ShippedTemplate[] => {
    if (!shipped) {
      const { templates, problems } = readShippedTemplates(shippedTemplatesDir());
      for (const problem of problems) strapi.log.warn(`[data-migration-center] shipped template ${problem}`);
      shipped = templates;
    }
    return shipped;
  };
  /** The shipped templates for this app's content types (a bundle template: every type it names). */
  const visibleShipped = () =>
    allShipped().filter((template) => {
      if (template.kind !== 'bundle') return contentTypes().isOffered(template.contentType);
      const { types } = template.options as BundleTemplateOptions;
      return types === 'all' || types.every((type) => contentTypes().isOffered(type.contentType));
    });

  const getRow = async (id: number): Promise<TemplateRow> => {
    const row = (await query().findOne({ where: { id } })) as TemplateRow | null;
    if (!row) throw new errors.NotFoundError(`Template ${id} not found`);
    return row;
  };

  /** A template by id, saved or shipped, or a 404. */
  const getBase = async (id: TemplateId): Promise<TemplateBase> => {
    if (isShippedTemplateId(id)) {
      const found = visibleShipped().find((template) => template.id === id);
      if (!found) throw new errors.NotFoundError(`Template ${id} not found`);
      return found;
    }
    return fromRow(await getRow(id as number));
  };

  const assertWritable = (template: TemplateBase) => {
    if (template.readOnly) {
      // A PolicyError (403) keeps its message; Strapi blanks a plain ForbiddenError's.
      throw new errors.PolicyError(
        `Template "${template.name}" (${template.id}) is shipped with the plugin and read-only: duplicate it to change it`
      );
    }
  };

  /** Names are unique per kind (shipped templates included): an import and an export template may share a name. */
  const assertNameFree = async (name: string, kind: TemplateKind, exceptId?: number) => {
    const where: Record<string, unknown> = { name, kind };
    if (exceptId !== undefined) where.id = { $ne: exceptId };
    const taken =
      (await query().count({ where })) > 0 ||
      visibleShipped().some((template) => template.kind === kind && template.name === name);
    if (taken) throw fieldError('name', `${KIND_IN_SENTENCE[kind]} template named "${name}" already exists`);
  };

  const assertContentType = (uid: string | undefined, kind: TemplateKind) => {
    if (kind === 'bundle') {
      if (uid) throw fieldError('contentType', 'a bundle template has no contentType: its options name its types');
      return;
    }
    try {
      if (!uid) throw new Error('no content type');
      contentTypes().get(uid);
    } catch {
      throw fieldError(
        'contentType',
        `Unknown content type "${uid}": it does not exist or is not offered for migration`
      );
    }
  };

  /** A template is saved only when it fits its content type: else a 400 naming the attribute. */
  const assertFits = async (template: TemplateBase) => {
    // README, *Secrets*: a password is given with each task, never stored.
    if ((template.options as { secrets?: unknown } | null)?.secrets !== undefined) {
      throw fieldError('options.secrets', 'options.secrets: a template never stores a password; give secrets.password with each export or import that uses it');
    }
    const broken = await brokenReason(template, { locales: await contentTypes().localeCodes(), checkFilters: true });
    if (broken) throw fieldError('options', `The template's options do not fit ${template.kind === 'bundle' ? 'this app' : template.contentType}: ${broken}`);
  };

  /** The next run of a schedule; null for one the scheduler cannot read either (written into the table by hand). */
  const nextRun = (schedule: TemplateSchedule, now: Date): Date | null => {
    try {
      return nextSlot(schedule, now);
    } catch {
      return null;
    }
  };

  /** The schedule's next run, its last run and that run's task (one query for all of them). */
  const scheduleInfo = async (rows: TemplateRow[]) => {
    const taskIds = rows.map((row) => row.lastRunTaskId).filter((id): id is number => typeof id === 'number');
    const tasks =
      taskIds.length === 0
        ? []
        : ((await strapi.db.query(TASK_UID).findMany({ select: ['id', 'state'], where: { id: { $in: taskIds } } })) as Array<{ id: number; state: TaskStatus }>);
    const states = new Map(tasks.map((task) => [task.id, task.state]));
    const now = new Date();
    return new Map(
      rows.map((row) => {
        const next = row.schedule ? nextRun(row.schedule, now) : null;
        const state = row.lastRunTaskId ? states.get(row.lastRunTaskId) : undefined;
        return [
          row.id,
          {
            nextRunAt: next ? next.toISOString() : null,
            lastRunAt: row.lastRunAt ? new Date(row.lastRunAt).toISOString() : null,
            lastRun: row.lastRunTaskId && state ? { taskId: row.lastRunTaskId, status: state } : null,
            lastPush: row.lastPush ?? null,
          },
        ];
      })
    );
  };

  /** Templates as the API gives them: why each is broken (or null), and its schedule's runs (saved ones: `rows`). */
  const withBroken = async (templates: TemplateBase[], rows: TemplateRow[] = []): Promise<Template[]> => {
    const locales = await contentTypes().localeCodes();
    const runs = await scheduleInfo(rows);
    return Promise.all(
      templates.map(async (template) => ({
        ...template,
        broken: await brokenReason(template, { locales, checkFilters: false }),
        ...(typeof template.id === 'number' ? runs.get(template.id) : undefined) ?? { nextRunAt: null, lastRunAt: null, lastRun: null, lastPush: null },
      }))
    );
  };

  /** A schedule checked for its template's kind (export and bundle only), completed with its defaults; 400s. */
  const scheduleOf = (input: TemplateInput['schedule'], kind: TemplateKind): TemplateSchedule | null => {
    if (input === undefined || input === null) return null;
    if (kind === 'import') throw fieldError('schedule', 'Only export and bundle templates can have a schedule: an import needs a file');
    return normalizeSchedule(input);
  };

  /**
   * A schedule's push (bundle templates only): its environment exists and its options are a bundle import's; 400s
   * naming `schedule.push...`.
   */
  const assertPushable = async (schedule: TemplateSchedule | null, kind: TemplateKind) => {
    const push = schedule?.push;
    if (!push) return;
    if (kind !== 'bundle') throw fieldError('schedule.push', 'schedule.push sends a bundle to an environment: only a bundle template can push');
    const environment = await strapi.db.query(ENVIRONMENT_UID).findOne({ where: { id: push.environmentId }, select: ['id'] });
    if (!environment) throw fieldError('schedule.push.environmentId', `schedule.push.environmentId: environment ${push.environmentId} not found`);
    try {
      await parseBundleImportOptions(push.options);
    } catch (error) {
      const message = (error as Error).message;
      throw fieldError('schedule.push.options', `schedule.push.options: ${message}`);
    }
  };

  /** A template of this kind that can run: a 400 naming it when it does not exist, or naming why it is broken. */
  const runnable = async (id: TemplateId, kind: TemplateKind): Promise<TemplateBase> => {
    const template = await getBase(id).catch(() => null);
    const Label = KIND_TITLE[kind];
    if (!template || template.kind !== kind) throw fieldError('templateId', `${Label} template ${id} not found`);
    const broken = await brokenReason(template, { locales: await contentTypes().localeCodes(), checkFilters: true });
    if (broken) throw fieldError('templateId', `${Label} template "${template.name}" (${template.id}) is broken: ${broken}`);
    return template;
  };

  return {
    getRow,

    /**
     * The content type and options of a template of this kind, for `templateId`: a 400 naming it when it does not
     * exist, and naming the attribute when it is broken, before any task exists.
     */
    async settingsFor(id: TemplateId, kind: 'import' | 'export'): Promise<ImportOptions & ExportOptions> {
      const template = await runnable(id, kind);
      const { templateId: _templateId, ...options } = template.options as ImportOptions & ExportOptions;
      // A task run from a template is named after it (unless the template's options or the request name it).
      return { name: template.name, ...options, contentType: template.contentType };
    },

    /** The options of a bundle template, for `templateId` of a bundle export or import (400s as settingsFor's). */
    async bundleSettingsFor(id: TemplateId): Promise<BundleTemplateOptions> {
      return (await runnable(id, 'bundle')).options as BundleTemplateOptions;
    },

    /** Saved templates by name, then the shipped ones by name. */
    async list({ kind }: { kind?: TemplateKind } = {}): Promise<Template[]> {
      const rows = (await query().findMany({
        where: kind ? { kind } : {},
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      })) as TemplateRow[];
      const shippedOfKind = visibleShipped().filter((template) => !kind || template.kind === kind);
      return withBroken([...rows.map(fromRow), ...shippedOfKind], rows);
    },

    async findOne(id: TemplateId): Promise<Template> {
      if (isShippedTemplateId(id)) return (await withBroken([await getBase(id)]))[0];
      const row = await getRow(id as number);
      return (await withBroken([fromRow(row)], [row]))[0];
    },

    async create(input: TemplateInput): Promise<Template> {
      assertContentType(input.contentType, input.kind);
      await assertNameFree(input.name, input.kind);
      const contentType = input.contentType ?? '';
      const schedule = scheduleOf(input.schedule, input.kind);
      await assertPushable(schedule, input.kind);
      if (input.kind === 'bundle') checkBundleTemplateOptions(input.options ?? {});
      await assertFits({
        id: 0,
        name: input.name,
        kind: input.kind,
        contentType,
        options: input.options ?? {},
        description: null,
        readOnly: false,
        schedule,
        createdAt: null,
        updatedAt: null,
      });
      const row = (await query().create({
        data: {
          name: input.name,
          kind: input.kind,
          contentType,
          options: input.options ?? {},
          description: input.description ?? null,
          // Its slots from now on run (services/schedules/scheduler.ts).
          schedule,
          scheduleSlot: schedule ? watermark(new Date()) : null,
        },
      })) as TemplateRow;
      return this.findOne(row.id);
    },

    /** "Save as template": the settings of a finished task (its run-specific options left out). */
    async createFromTask({
      name,
      fromTaskId,
      description,
    }: {
      name: string;
      fromTaskId: number;
      description?: string | null;
    }): Promise<Template> {
      const task = await getService(strapi, 'tasks')
        .getRow(fromTaskId)
        .catch(() => null);
      if (!task) throw fieldError('fromTaskId', `Task ${fromTaskId} not found`);
      if (task.kind === 'bundle-export' || task.kind === 'bundle-import') {
        return this.create({ name, kind: 'bundle', options: bundleTemplateOf(task), description: description ?? null });
      }
      const {
        name: _name,
        dryRun: _dryRun,
        templateId: _templateId,
        contentType: _contentType,
        // A task's secrets (which attributes were encrypted) are not a setting: the password is given with each task.
        secrets: _secrets,
        ...options
      } = (task.options ?? {}) as Record<string, unknown>;
      return this.create({
        name,
        kind: task.kind as TemplateKind,
        contentType: task.contentType,
        options: options as ImportOptions | ExportOptions,
        description: description ?? null,
      });
    },

    async update(id: TemplateId, input: Partial<TemplateInput>): Promise<Template> {
      assertWritable(await getBase(id));
      const current = await getRow(id as number);
      const next = { ...current, ...input };
      if (input.contentType !== undefined || input.kind !== undefined) assertContentType(next.contentType, next.kind);
      if (input.name !== undefined || input.kind !== undefined) await assertNameFree(next.name, next.kind, current.id);
      const schedule = input.schedule === undefined ? (current.schedule ?? null) : scheduleOf(input.schedule, next.kind);
      if (input.schedule !== undefined) await assertPushable(schedule, next.kind);
      if (schedule && next.kind === 'import') throw fieldError('kind', 'An import template cannot have a schedule: remove it (schedule: null) first');
      // A new or changed cron expression or time zone: its slots from now on run, none before.
      const rescheduled = schedule !== null && (schedule.cron !== current.schedule?.cron || schedule.timezone !== current.schedule?.timezone);
      if (next.kind === 'bundle') checkBundleTemplateOptions(next.options ?? {});
      await assertFits({
        ...fromRow(current),
        kind: next.kind,
        contentType: next.contentType,
        options: next.options ?? {},
      });
      await query().update({
        where: { id: current.id },
        data: {
          name: next.name,
          kind: next.kind,
          contentType: next.contentType,
          options: next.options ?? {},
          description: next.description ?? null,
          schedule,
          ...(rescheduled ? { scheduleSlot: watermark(new Date()) } : {}),
        },
      });
      return this.findOne(current.id);
    },

    async delete(id: TemplateId): Promise<Template> {
      const template = await this.findOne(id);
      assertWritable(template);
      await query().delete({ where: { id: template.id } });
      return template;
    },
  };
};

export type TemplatesService = ReturnType<typeof createTemplatesService>;
