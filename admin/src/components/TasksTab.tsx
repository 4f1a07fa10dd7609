import { Button, Checkbox, Dialog, EmptyStateLayout, Flex, Menu, Table, Tbody, Td, Th, Thead, Tooltip, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { ArrowsCounterClockwise, Download, Information, Upload } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { ConfirmDialog, Page, Pagination, useNotification, useQueryParams } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { Task, TaskKind } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { useContentTypes } from '../hooks/useContentTypes';
import type { Permissions } from '../hooks/usePermissions';
import { isActive, useTasks } from '../hooks/useTasks';
import { getTranslation } from '../utils/getTranslation';
import { SendToEnvironmentModal } from './EnvironmentTransfer';
import { SaveTemplateModal } from './SaveTemplateModal';
import { StatusBadge } from './StatusBadge';
import { TaskActions } from './TaskActions';
import { TaskCounts } from './TaskCounts';
import { TaskProgress } from './TaskProgress';

/** The kind column's words when the translation is missing. */
const KIND_LABELS: Record<TaskKind, string> = { import: 'Import', export: 'Export', 'bundle-export': 'Bundle export', 'bundle-import': 'Bundle import', revert: 'Revert' };

const COLUMNS = [
  { name: 'name', label: 'Name' },
  { name: 'kind', label: 'Type' },
  { name: 'contentType', label: 'Content type' },
  { name: 'format', label: 'Format' },
  { name: 'status', label: 'Status' },
  { name: 'items', label: 'Items' },
  { name: 'createdBy', label: 'Started by' },
  { name: 'createdAt', label: 'Started' },
] as const;

const DEFAULT_PAGE_SIZE = 10;

const positiveInt = (value: unknown, fallback: number) => {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : fallback;
};

/** The buttons that start a task: a new export, a new import (each only with its permission). */
export const NewTaskButtons = ({ permissions }: { permissions: Permissions }) => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  return (
    <Flex gap={2}>
      {permissions.canImport ? (
        <Button variant="secondary" startIcon={<Upload />} onClick={() => navigate('import')}>
          {formatMessage({ id: getTranslation('actions.newImport'), defaultMessage: 'New import' })}
        </Button>
      ) : null}
      {permissions.canExport ? (
        <Button startIcon={<Download />} onClick={() => navigate('export')}>
          {formatMessage({ id: getTranslation('actions.newExport'), defaultMessage: 'New export' })}
        </Button>
      ) : null}
      {permissions.canImport ? (
        <Button variant="tertiary" startIcon={<ArrowsCounterClockwise />} onClick={() => navigate('migrate')}>
          {formatMessage({ id: getTranslation('actions.newMigration'), defaultMessage: 'Migrate entries' })}
        </Button>
      ) : null}
      {permissions.canImport || permissions.canExport ? (
        <Menu.Root>
          <Menu.Trigger variant="tertiary" endIcon={null}>
            {formatMessage({ id: getTranslation('actions.newBundle'), defaultMessage: 'Bundle' })}
          </Menu.Trigger>
          <Menu.Content popoverPlacement="bottom-end">
            {permissions.canExport ? (
              <Menu.Item onSelect={() => navigate('bundle-export')}>
                {formatMessage({ id: getTranslation('actions.newBundleExport'), defaultMessage: 'Export a bundle' })}
              </Menu.Item>
            ) : null}
            {permissions.canImport ? (
              <Menu.Item onSelect={() => navigate('bundle-import')}>
                {formatMessage({ id: getTranslation('actions.newBundleImport'), defaultMessage: 'Import a bundle' })}
              </Menu.Item>
            ) : null}
          </Menu.Content>
        </Menu.Root>
      ) : null}
    </Flex>
  );
};

/**
 * The Import and Export tab: every task, newest first, a page at a time (`?page=&pageSize=`), refreshed every
 * second while one is queued or running.
 */
export const TasksTab = ({ permissions }: { permissions: Permissions }) => {
  const { formatMessage, formatDate } = useIntl();
  const { toggleNotification } = useNotification();
  const [{ query }] = useQueryParams<{ page?: string; pageSize?: string }>();
  const page = positiveInt(query.page, 1);
  const pageSize = positiveInt(query.pageSize, DEFAULT_PAGE_SIZE);
  const { tasks, pagination, isLoading, isError, refetch } = useTasks({ page, pageSize });
  const { byUid } = useContentTypes();
  const api = useApi();
  const [toDelete, setToDelete] = useState<Task | null>(null);
  const [toRevert, setToRevert] = useState<Task | null>(null);
  const [forceRevert, setForceRevert] = useState(false);
  const [toSave, setToSave] = useState<Task | null>(null);
  const [toSend, setToSend] = useState<Task | null>(null);

  if (isLoading && !tasks) return <Page.Loading />;
  if (isError && !tasks) return <Page.Error />;

  // The empty state only when there is no task at all (not on a page left empty by a deletion).
  if (!tasks || (tasks.length === 0 && (pagination?.total ?? 0) === 0)) {
    return (
      <EmptyStateLayout
        icon={<EmptyDocuments width="16rem" />}
        content={formatMessage({
          id: getTranslation('tasks.empty'),
          defaultMessage: 'No import or export yet. Start one to move content in or out of this project.',
        })}
        action={<NewTaskButtons permissions={permissions} />}
      />
    );
  }

  const cancel = async (task: Task) => {
    const cancelled = await api.cancelTask(task);
    if (cancelled) {
      toggleNotification({
        type: 'info',
        message: formatMessage(
          { id: getTranslation('tasks.notification.cancelled'), defaultMessage: '"{name}" is being cancelled.' },
          { name: task.name }
        ),
      });
      void refetch();
    }
  };

  const resume = async (task: Task) => {
    const resumed = await api.resumeTask(task);
    if (resumed) {
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('tasks.notification.resumed'), defaultMessage: '"{name}" goes on where it stopped.' },
          { name: task.name }
        ),
      });
      void refetch();
    }
  };

  const askRevert = (task: Task) => {
    setForceRevert(false);
    setToRevert(task);
  };

  const revert = async () => {
    if (!toRevert) return;
    const started = await api.revertTask(toRevert, forceRevert);
    setToRevert(null);
    if (started) {
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('tasks.notification.reverting'), defaultMessage: '"{name}" is being reverted (task #{id}).' },
          { name: toRevert.name, id: started.id }
        ),
      });
      void refetch();
    }
  };

  const remove = async () => {
    if (!toDelete) return;
    const deleted = await api.deleteTask(toDelete);
    setToDelete(null);
    if (deleted) {
      toggleNotification({
        type: 'success',
        message: formatMessage(
          { id: getTranslation('tasks.notification.deleted'), defaultMessage: '"{name}" was deleted.' },
          { name: toDelete.name }
        ),
      });
      void refetch();
    }
  };

  const saveAsTemplate = async ({ name, description }: { name: string; description: string | null }) => {
    if (!toSave) return false;
    const template = await api.createTemplate({ name, fromTaskId: toSave.id, description });
    if (!template) return false;
    toggleNotification({
      type: 'success',
      message: formatMessage(
        { id: getTranslation('templates.notification.created'), defaultMessage: 'Template "{name}" saved.' },
        { name: template.name }
      ),
    });
    return true;
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Table colCount={COLUMNS.length + 1} rowCount={tasks.length + 1}>
        <Thead>
          <Tr>
            {COLUMNS.map((column) => (
              <Th key={column.name}>
                <Typography variant="sigma" textColor="neutral600">
                  {formatMessage({ id: getTranslation(`tasks.column.${column.name}`), defaultMessage: column.label })}
                </Typography>
              </Th>
            ))}
            <Th>
              <VisuallyHidden>
                {formatMessage({ id: getTranslation('tasks.column.actions'), defaultMessage: 'Actions' })}
              </VisuallyHidden>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {tasks.map((task) => (
            <Tr key={task.id}>
              <Td maxWidth="30rem">
                <Flex direction="column" alignItems="flex-start" gap={1}>
                  <Typography textColor="neutral800" fontWeight="semiBold" ellipsis>
                    {task.name}
                  </Typography>
                  {task.fileName ? (
                    <Typography variant="pi" textColor="neutral600" ellipsis>
                      {task.fileName}
                    </Typography>
                  ) : null}
                  {task.revertedBy !== null ? (
                    <Typography variant="pi" textColor="neutral600">
                      {formatMessage({ id: getTranslation('tasks.revertedBy'), defaultMessage: 'Reverted by task #{id}' }, { id: task.revertedBy })}
                    </Typography>
                  ) : null}
                </Flex>
              </Td>
              <Td>
                <Typography textColor="neutral800">
                  {formatMessage({
                    id: getTranslation(`kind.${task.kind}`),
                    defaultMessage: KIND_LABELS[task.kind],
                  })}
                </Typography>
              </Td>
              <Td>
                <Typography textColor="neutral800">{byUid.get(task.contentType)?.displayName ?? (task.contentType || '-')}</Typography>
              </Td>
              <Td>
                <Typography textColor="neutral800">{task.format?.toUpperCase() ?? (task.kind === 'bundle-export' ? 'ZIP' : '-')}</Typography>
              </Td>
              <Td>
                <Flex direction="column" alignItems="flex-start" gap={2}>
                  <Flex gap={1} alignItems="center">
                    <StatusBadge status={task.status} />
                    {task.error ? (
                      <Tooltip label={task.error}>
                        <Flex tabIndex={0} aria-label={task.error} color="danger600">
                          <Information fill="danger600" />
                        </Flex>
                      </Tooltip>
                    ) : null}
                  </Flex>
                  {isActive(task) ? <TaskProgress task={task} /> : null}
                  {task.waitingFor !== null && isActive(task) ? (
                    <Typography variant="pi" textColor="neutral600">
                      {formatMessage(
                        { id: getTranslation('tasks.waitingFor'), defaultMessage: 'Waiting for task #{id}, which writes the same content type' },
                        { id: task.waitingFor }
                      )}
                    </Typography>
                  ) : null}
                </Flex>
              </Td>
              <Td>
                <TaskCounts task={task} />
              </Td>
              <Td>
                <Typography textColor="neutral800">
                  {task.createdBy?.kind === 'api-token'
                    ? formatMessage(
                        { id: getTranslation('tasks.createdByToken'), defaultMessage: 'API token "{name}"' },
                        { name: task.createdBy.name }
                      )
                    : task.createdBy?.name ?? '-'}
                </Typography>
              </Td>
              <Td>
                <Typography textColor="neutral800">
                  {formatDate(task.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                </Typography>
              </Td>
              <Td>
                <Flex justifyContent="flex-end">
                  <TaskActions
                    task={task}
                    permissions={permissions}
                    onCancel={(target) => void cancel(target)}
                    onResume={(target) => void resume(target)}
                    onRevert={askRevert}
                    onDelete={setToDelete}
                    onSaveAsTemplate={setToSave}
                    onSendToEnvironment={setToSend}
                  />
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {pagination ? (
        <Pagination.Root pageCount={pagination.pageCount} total={pagination.total} defaultPageSize={pagination.pageSize}>
          <Pagination.PageSize options={['10', '20', '50', '100']} />
          <Pagination.Links />
        </Pagination.Root>
      ) : null}

      <Dialog.Root open={toDelete !== null} onOpenChange={(open: boolean) => !open && setToDelete(null)}>
        <ConfirmDialog onConfirm={remove} variant="danger">
          {formatMessage(
            {
              id: getTranslation('tasks.delete.confirm'),
              defaultMessage: 'Delete "{name}" and its files? This cannot be undone.',
            },
            { name: toDelete?.name ?? '' }
          )}
        </ConfirmDialog>
      </Dialog.Root>

      <Dialog.Root open={toRevert !== null} onOpenChange={(open: boolean) => !open && setToRevert(null)}>
        <ConfirmDialog onConfirm={revert} variant="danger-light">
          <Flex direction="column" alignItems="stretch" gap={3}>
            <Typography>
              {formatMessage(
                {
                  id: getTranslation('tasks.revert.confirm'),
                  defaultMessage:
                    'Revert "{name}"? The entries it created are deleted and the entries it updated are put back as they were before it. Entries changed since the import are left as they are and listed in the error report.',
                },
                { name: toRevert?.name ?? '' }
              )}
            </Typography>
            <Checkbox checked={forceRevert} onCheckedChange={(checked: boolean | 'indeterminate') => setForceRevert(checked === true)}>
              {formatMessage({
                id: getTranslation('tasks.revert.force'),
                defaultMessage: 'Also put back the entries changed since the import (force)',
              })}
            </Checkbox>
          </Flex>
        </ConfirmDialog>
      </Dialog.Root>

      <SaveTemplateModal
        open={toSave !== null}
        defaultName={toSave?.name ?? ''}
        onClose={() => setToSave(null)}
        onSave={saveAsTemplate}
      />
      {permissions.canManageEnvironments ? <SendToEnvironmentModal task={toSend} onClose={() => setToSend(null)} /> : null}
    </Flex>
  );
};
