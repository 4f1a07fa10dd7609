import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ExportOptions, ImportOptions, TaskKind, Template, TemplateInput } from '../../../shared/contracts';
import { TEMPLATE_UID } from '../constants';
import { getService } from '../utils';

export interface TemplateRow {
  id: number;
  name: string;
  kind: TaskKind;
  contentType: string;
  options: ImportOptions | ExportOptions | null;
  description: string | null;
  createdAt: string | Date;
  updatedAt: string | Date;
}

const toTemplate = (row: TemplateRow): Template => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  contentType: row.contentType,
  options: row.options ?? {},
  description: row.description ?? null,
  readOnly: false,
  createdAt: new Date(row.createdAt).toISOString(),
  updatedAt: new Date(row.updatedAt).toISOString(),
});

const fieldError = (path: string, message: string) =>
  new errors.ValidationError(message, { errors: [{ path: [path], message, name: 'ValidationError' }] });

export const createTemplatesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const query = () => strapi.db.query(TEMPLATE_UID);

  const getRow = async (id: number): Promise<TemplateRow> => {
    const row = (await query().findOne({ where: { id } })) as TemplateRow | null;
    if (!row) throw new errors.NotFoundError(`Template ${id} not found`);
    return row;
  };

  /** Names are unique per kind: an import and an export template may share a name. */
  const assertNameFree = async (name: string, kind: TaskKind, exceptId?: number) => {
    const where: Record<string, unknown> = { name, kind };
    if (exceptId !== undefined) where.id = { $ne: exceptId };
    if ((await query().count({ where })) > 0) {
      throw fieldError('name', `An ${kind} template named "${name}" already exists`);
    }
  };

  const assertContentType = (uid: string) => {
    try {
      getService(strapi, 'content-types').get(uid);
    } catch {
      throw fieldError('contentType', `Unknown content type "${uid}": it does not exist or is not offered for migration`);
    }
  };

  return {
    getRow,

    /** The content type and options of a template of this kind, for `templateId` (a 400 naming it otherwise). */
    async settingsFor(id: number, kind: TaskKind): Promise<ImportOptions & ExportOptions> {
      const row = await getRow(id).catch(() => null);
      if (!row || row.kind !== kind) throw fieldError('templateId', `${kind === 'import' ? 'Import' : 'Export'} template ${id} not found`);
      return { ...((row.options ?? {}) as ImportOptions & ExportOptions), contentType: row.contentType };
    },

    async list({ kind }: { kind?: TaskKind } = {}): Promise<Template[]> {
      const rows = (await query().findMany({
        where: kind ? { kind } : {},
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      })) as TemplateRow[];
      return rows.map(toTemplate);
    },

    async findOne(id: number): Promise<Template> {
      return toTemplate(await getRow(id));
    },

    async create(input: TemplateInput): Promise<Template> {
      assertContentType(input.contentType);
      await assertNameFree(input.name, input.kind);
      const row = (await query().create({
        data: {
          name: input.name,
          kind: input.kind,
          contentType: input.contentType,
          options: input.options ?? {},
          description: input.description ?? null,
        },
      })) as TemplateRow;
      return toTemplate(row);
    },

    /** "Save as template": the settings of a finished task (its run-specific options left out). */
    async createFromTask({ name, fromTaskId, description }: { name: string; fromTaskId: number; description?: string | null }): Promise<Template> {
      const task = await getService(strapi, 'tasks')
        .getRow(fromTaskId)
        .catch(() => null);
      if (!task) throw fieldError('fromTaskId', `Task ${fromTaskId} not found`);
      const { name: _name, dryRun: _dryRun, templateId: _templateId, contentType: _contentType, ...options } = (task.options ?? {}) as Record<string, unknown>;
      return this.create({ name, kind: task.kind, contentType: task.contentType, options: options as ImportOptions | ExportOptions, description: description ?? null });
    },

    async update(id: number, input: Partial<TemplateInput>): Promise<Template> {
      const current = await getRow(id);
      const next = { ...current, ...input };
      if (input.contentType !== undefined) assertContentType(next.contentType);
      if (input.name !== undefined || input.kind !== undefined) await assertNameFree(next.name, next.kind, id);
      const row = (await query().update({
        where: { id },
        data: {
          name: next.name,
          kind: next.kind,
          contentType: next.contentType,
          options: next.options ?? {},
          description: next.description ?? null,
        },
      })) as TemplateRow;
      return toTemplate(row);
    },

    async delete(id: number): Promise<Template> {
      const row = await getRow(id);
      await query().delete({ where: { id } });
      return toTemplate(row);
    },
  };
};

export type TemplatesService = ReturnType<typeof createTemplatesService>;
