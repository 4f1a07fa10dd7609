import { AccessibleIcon, IconButton, Menu } from '@strapi/design-system';
import { Cross, Download, FileError, More, Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Task } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { useDownload } from '../hooks/useDownload';
import type { Permissions } from '../hooks/usePermissions';
import { isActive, isFinished } from '../hooks/useTasks';
import { getTranslation } from '../utils/getTranslation';
import { errorReportName, taskFileName } from './TaskProgressModal';

export interface TaskActionsProps {
  task: Task;
  permissions: Permissions;
  onCancel: (task: Task) => void;
  onDelete: (task: Task) => void;
  onSaveAsTemplate: (task: Task) => void;
}

/** The file a task can hand out: an export's result once written, an import's uploaded file. */
export const hasDownloadableFile = (task: Task): boolean =>
  task.kind === 'export'
    ? task.status === 'completed' || task.status === 'completed-with-errors'
    : task.fileName !== null;

/**
 * A task row's menu: downloads (file, error report as CSV or JSON), save as template, cancel, delete. An item
 * shows only when the task's state allows it and the admin has the permission (cancel and delete need the
 * action of the task's kind, as the server checks).
 */
export const TaskActions = ({ task, permissions, onCancel, onDelete, onSaveAsTemplate }: TaskActionsProps) => {
  const { formatMessage } = useIntl();
  const { download } = useDownload();
  const canChange = task.kind === 'import' ? permissions.canImport : permissions.canExport;
  const base = `/${PLUGIN_ID}/tasks/${task.id}`;
  const hasAny =
    hasDownloadableFile(task) ||
    task.hasErrorReport ||
    (permissions.canManageTemplates && isFinished(task)) ||
    canChange;
  if (!hasAny) return null;

  return (
    <Menu.Root>
      <Menu.Trigger
        tag={IconButton}
        variant="tertiary"
        endIcon={null}
        icon={
          <AccessibleIcon
            label={formatMessage(
              { id: getTranslation('tasks.actions.label'), defaultMessage: 'Actions for {name}' },
              { name: task.name }
            )}
          >
            <More />
          </AccessibleIcon>
        }
      />
      <Menu.Content popoverPlacement="bottom-end">
        {hasDownloadableFile(task) ? (
          <Menu.Item startIcon={<Download />} onSelect={() => void download(`${base}/file`, taskFileName(task))}>
            {task.kind === 'export'
              ? formatMessage({ id: getTranslation('tasks.actions.downloadExport'), defaultMessage: 'Download file' })
              : formatMessage({
                  id: getTranslation('tasks.actions.downloadImport'),
                  defaultMessage: 'Download imported file',
                })}
          </Menu.Item>
        ) : null}
        {task.hasErrorReport ? (
          <>
            <Menu.Item
              startIcon={<FileError />}
              onSelect={() => void download(`${base}/error-report?format=csv`, errorReportName(task, 'csv'))}
            >
              {formatMessage({ id: getTranslation('tasks.actions.errorReportCsv'), defaultMessage: 'Error report (CSV)' })}
            </Menu.Item>
            <Menu.Item
              startIcon={<FileError />}
              onSelect={() => void download(`${base}/error-report?format=json`, errorReportName(task, 'json'))}
            >
              {formatMessage({
                id: getTranslation('tasks.actions.errorReportJson'),
                defaultMessage: 'Error report (JSON)',
              })}
            </Menu.Item>
          </>
        ) : null}
        {permissions.canManageTemplates && isFinished(task) ? (
          <Menu.Item startIcon={<Plus />} onSelect={() => onSaveAsTemplate(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.saveAsTemplate'), defaultMessage: 'Save as template' })}
          </Menu.Item>
        ) : null}
        {canChange && isActive(task) ? (
          <Menu.Item startIcon={<Cross />} variant="danger" onSelect={() => onCancel(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.cancel'), defaultMessage: 'Cancel task' })}
          </Menu.Item>
        ) : null}
        {canChange && isFinished(task) ? (
          <Menu.Item startIcon={<Trash />} variant="danger" onSelect={() => onDelete(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.delete'), defaultMessage: 'Delete' })}
          </Menu.Item>
        ) : null}
      </Menu.Content>
    </Menu.Root>
  );
};
