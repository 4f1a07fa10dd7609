import {
  Badge,
  Dialog,
  EmptyStateLayout,
  Flex,
  IconButton,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { Duplicate, Pencil, Play, Trash } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { ConfirmDialog, Page, useNotification } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { STATUS_LABEL } from './StatusBadge';
import { useNavigate } from 'react-router-dom';
import type { BundleTemplateOptions, Task, Template, TemplateId, TemplateKind } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { useContentTypes } from '../hooks/useContentTypes';
import type { Permissions } from '../hooks/usePermissions';
import { useTemplates } from '../hooks/useTemplates';
import { canExportType, canImportType } from '../utils/access';
import { copyName } from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';
import { TaskProgressModal } from './TaskProgressModal';

const KIND_LABELS: Record<TemplateKind, string> = { import: 'Import', export: 'Export', bundle: 'Bundle' };

const COLUMNS = [
  { name: 'name', label: 'Name' },
  { name: 'kind', label: 'Type' },
  { name: 'contentType', label: 'Content type' },
  { name: 'updatedAt', label: 'Updated' },
] as const;

/**
 * The Templates tab: saved import and export settings. Run one (an export starts at once; an import opens the
 * wizard with the template chosen), edit, duplicate or delete it. Templates shipped with the plugin are
 * read-only: they can be run and duplicated only. A broken template (its content type or an attribute it names is
 * gone) shows why, and cannot be run until it is edited.
 */
export const TemplatesTab = ({ permissions }: { permissions: Permissions }) => {
  const { formatMessage, formatDate } = useIntl();
  const navigate = useNavigate();
  const { toggleNotification } = useNotification();
  const { templates, isLoading, isError, refetch } = useTemplates();
  const { byUid, isLoading: isLoadingTypes } = useContentTypes();
  const api = useApi();
  const [toDelete, setToDelete] = useState<Template | null>(null);
  const [running, setRunning] = useState<Task | null>(null);
  const [busy, setBusy] = useState<TemplateId | null>(null);

  // The content types decide which templates this user may run: the list waits for them.
  if ((isLoading && templates.length === 0) || isLoadingTypes) return <Page.Loading />;
  if (isError && templates.length === 0) return <Page.Error />;

  if (templates.length === 0) {
    return (
      <EmptyStateLayout
        icon={<EmptyDocuments width="16rem" />}
        content={formatMessage({
          id: getTranslation('templates.empty'),
          defaultMessage: 'No templates yet. Save the settings of an import or export to run it again in one click.',
        })}
      />
    );
  }

  /**
   * Run needs the center's action of the template's kind and, in the Content Manager, Read (exports) or Create or
   * Update (imports) on its type: a template runs with the permissions of who runs it. A type the list does not
   * know is left to the server (the template is then marked broken).
   */
  /** The content type of a template, or a bundle template's types (all of them: "All content types"). */
  const contentTypesOf = (template: Template): string => {
    if (template.kind !== 'bundle') return byUid.get(template.contentType)?.displayName ?? template.contentType;
    const { types } = template.options as BundleTemplateOptions;
    if (types === 'all')
      return formatMessage({ id: getTranslation('templates.bundle.allTypes'), defaultMessage: 'All content types' });
    return types.map((type) => byUid.get(type.contentType)?.displayName ?? type.contentType).join(', ');
  };

  const canRun = (template: Template) => {
    // A bundle template runs a bundle export here (its import takes a zip: POST /bundle-imports with templateId).
    if (template.kind === 'bundle') {
      const { types } = template.options as BundleTemplateOptions;
      return (
        permissions.canExport &&
        (types === 'all' ||
          types.every((type) => !byUid.get(type.contentType) || canExportType(byUid.get(type.contentType)!)))
      );
    }
    const contentType = byUid.get(template.contentType);
    if (template.kind === 'export') return permissions.canExport && (!contentType || canExportType(contentType));
    return permissions.canImport && (!contentType || canImportType(contentType));
  };

  const run = async (template: Template) => {
    if (template.kind === 'import') {
      navigate(`import?templateId=${encodeURIComponent(template.id)}`);
      return;
    }
    setBusy(template.id);
    const task =
      template.kind === 'bundle'
        ? await api.startBundleExport({ templateId: template.id })
        : await api.startExport({ templateId: template.id, contentType: template.contentType });
    setBusy(null);
    if (task) setRunning(task);
  };

  const duplicate = async (template: Template) => {
    setBusy(template.id);
    const copy = await api.createTemplate({
      name: copyName(
        template.name,
        templates.filter((other) => other.kind === template.kind).map((other) => other.name)
      ),
      kind: template.kind,
      contentType: template.contentType,
      options: template.options,
      description: template.description,
    });
    setBusy(null);
    if (copy) {
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('templates.notification.created'), defaultMessage: 'Template "{name}" saved.' },
          { name: copy.name }
        ),
      });
      void refetch();
    }
  };

  const remove = async () => {
    if (!toDelete) return;
    const deleted = await api.deleteTemplate(toDelete);
    setToDelete(null);
    if (deleted) {
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('templates.notification.deleted'), defaultMessage: 'Template "{name}" deleted.' },
          { name: deleted.name }
        ),
      });
      void refetch();
    }
  };

  return (
    <>
      <Table colCount={COLUMNS.length + 1} rowCount={templates.length + 1}>
        <Thead>
          <Tr>
            {COLUMNS.map((column) => (
              <Th key={column.name}>
                <Typography variant="sigma" textColor="neutral600">
                  {formatMessage({
                    id: getTranslation(`templates.column.${column.name}`),
                    defaultMessage: column.label,
                  })}
                </Typography>
              </Th>
            ))}
            <Th>
              <VisuallyHidden>
                {formatMessage({ id: getTranslation('templates.column.actions'), defaultMessage: 'Actions' })}
              </VisuallyHidden>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {templates.map((template) => (
            <Tr key={template.id}>
              <Td maxWidth="40rem">
                {/* Stretched to the cell's width, so that a long description ends in an ellipsis instead of overflowing. */}
                <Flex direction="column" alignItems="stretch" gap={1} maxWidth="40rem">
                  <Flex gap={2}>
                    <Typography textColor="neutral800" fontWeight="semiBold" ellipsis>
                      {template.name}
                    </Typography>
                    {template.readOnly ? (
                      <Badge size="S">
                        {formatMessage({ id: getTranslation('templates.readOnly'), defaultMessage: 'Built-in' })}
                      </Badge>
                    ) : null}
                    {template.broken ? (
                      <Badge size="S" variant="warning">
                        {formatMessage({ id: getTranslation('templates.broken'), defaultMessage: 'Broken' })}
                      </Badge>
                    ) : null}
                  </Flex>
                  {template.broken ? (
                    <Typography variant="pi" textColor="warning700">
                      {formatMessage(
                        { id: getTranslation('templates.broken.reason'), defaultMessage: 'Cannot run: {reason}' },
                        { reason: template.broken }
                      )}
                    </Typography>
                  ) : null}
                  {template.schedule ? (
                    <Typography variant="pi" textColor="neutral600">
                      {formatMessage(
                        {
                          id: getTranslation('templates.schedule'),
                          defaultMessage: 'Scheduled: {cron} ({timezone}) · next run {next} · last run {last}',
                        },
                        {
                          cron: template.schedule.cron,
                          timezone: template.schedule.timezone,
                          next: template.nextRunAt
                            ? formatDate(template.nextRunAt, { dateStyle: 'medium', timeStyle: 'short' })
                            : '-',
                          last: template.lastRunAt
                            ? formatDate(template.lastRunAt, { dateStyle: 'medium', timeStyle: 'short' })
                            : '-',
                        }
                      )}
                      {template.lastRun
                        ? ` (${formatMessage({
                            id: getTranslation(`status.${template.lastRun.status}`),
                            defaultMessage: STATUS_LABEL[template.lastRun.status],
                          })})`
                        : null}
                    </Typography>
                  ) : null}
                  {template.description ? (
                    <Typography variant="pi" textColor="neutral600" ellipsis title={template.description}>
                      {template.description}
                    </Typography>
                  ) : null}
                </Flex>
              </Td>
              <Td>
                <Typography textColor="neutral800">
                  {formatMessage({
                    id: getTranslation(`kind.${template.kind}`),
                    defaultMessage: KIND_LABELS[template.kind],
                  })}
                </Typography>
              </Td>
              <Td>
                <Typography textColor="neutral800">{contentTypesOf(template)}</Typography>
              </Td>
              <Td>
                <Typography textColor="neutral800">
                  {template.updatedAt
                    ? formatDate(template.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })
                    : '-'}
                </Typography>
              </Td>
              <Td>
                <Flex gap={1} justifyContent="flex-end">
                  {canRun(template) ? (
                    <IconButton
                      variant="ghost"
                      disabled={busy === template.id || template.broken !== null}
                      label={formatMessage(
                        { id: getTranslation('templates.actions.run'), defaultMessage: 'Run {name}' },
                        { name: template.name }
                      )}
                      onClick={() => void run(template)}
                    >
                      <Play />
                    </IconButton>
                  ) : null}
                  {permissions.canManageTemplates && !template.readOnly && template.kind !== 'bundle' ? (
                    <IconButton
                      variant="ghost"
                      label={formatMessage(
                        { id: getTranslation('templates.actions.edit'), defaultMessage: 'Edit {name}' },
                        { name: template.name }
                      )}
                      onClick={() => navigate(`templates/${encodeURIComponent(template.id)}`)}
                    >
                      <Pencil />
                    </IconButton>
                  ) : null}
                  {permissions.canManageTemplates ? (
                    <IconButton
                      variant="ghost"
                      disabled={busy === template.id}
                      label={formatMessage(
                        { id: getTranslation('templates.actions.duplicate'), defaultMessage: 'Duplicate {name}' },
                        { name: template.name }
                      )}
                      onClick={() => void duplicate(template)}
                    >
                      <Duplicate />
                    </IconButton>
                  ) : null}
                  {permissions.canManageTemplates && !template.readOnly ? (
                    <IconButton
                      variant="ghost"
                      label={formatMessage(
                        { id: getTranslation('templates.actions.delete'), defaultMessage: 'Delete {name}' },
                        { name: template.name }
                      )}
                      onClick={() => setToDelete(template)}
                    >
                      <Trash />
                    </IconButton>
                  ) : null}
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>

      <Dialog.Root open={toDelete !== null} onOpenChange={(open: boolean) => !open && setToDelete(null)}>
        <ConfirmDialog onConfirm={remove} variant="danger">
          {formatMessage(
            { id: getTranslation('templates.delete.confirm'), defaultMessage: 'Delete the template "{name}"?' },
            { name: toDelete?.name ?? '' }
          )}
        </ConfirmDialog>
      </Dialog.Root>

      <TaskProgressModal task={running} onClose={() => setRunning(null)} />
    </>
  );
};
