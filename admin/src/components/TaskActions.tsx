import { AccessibleIcon, Flex, IconButton, Menu, Tooltip } from '@strapi/design-system';
import { ArrowsCounterClockwise, Cross, Download, FileError, Lock, More, Play, Plus, Trash, Upload } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Task } from '../../../shared/contracts';
import { isExportKind, isImportKind, PLUGIN_ID } from '../../../shared/contracts';
import { useDownload } from '../hooks/useDownload';
import type { Permissions } from '../hooks/usePermissions';
import { isActive, isFinished } from '../hooks/useTasks';
import { getTranslation } from '../utils/getTranslation';
import { errorReportName, taskFileName } from './TaskProgressModal';

export interface TaskActionsProps {
  task: Task;
  permissions: Permissions;
  onCancel: (task: Task) => void;
  /** Resumes an interrupted or cancelled continue-mode import (absent: not offered). */
  onResume?: (task: Task) => void;
  /** Asks to revert a finished import that kept pre-images (absent: not offered). */
  onRevert?: (task: Task) => void;
  onDelete: (task: Task) => void;
  onSaveAsTemplate: (task: Task) => void;
  /** Sends a completed bundle export to a saved environment (absent: not offered). */
  onSendToEnvironment?: (task: Task) => void;
}

/** The file a task can hand out: an export's result once written, an import's uploaded file. */
export const hasDownloadableFile = (task: Task): boolean =>
  isExportKind(task.kind)
    ? task.status === 'completed' || task.status === 'completed-with-errors'
    : task.fileName !== null;

/** Whether the task has a file or an error report at all (whoever may download them). */
export const hasDownloads = (task: Task): boolean => hasDownloadableFile(task) || task.hasErrorReport;

/**
 * A task row's menu: downloads (file, error report as CSV or JSON), save as template, cancel, delete. An item
 * shows only when the task's state allows it and the admin has the permission (cancel and delete need the
 * action of the task's kind, as the server checks). Downloads show only when the server says this user may
 * download them (`canDownload`: the task's creator, or a user who may read that content); otherwise a lock
 * beside the menu says why they are missing.
 */
export const TaskActions = ({ task, permissions, onCancel, onResume, onRevert, onDelete, onSaveAsTemplate, onSendToEnvironment }: TaskActionsProps) => {
  const { formatMessage } = useIntl();
  const { download } = useDownload();
  const canChange = isImportKind(task.kind) ? permissions.canImport : permissions.canExport;
  const base = `/${PLUGIN_ID}/tasks/${task.id}`;
  const showFile = task.canDownload && hasDownloadableFile(task);
  const showErrorReport = task.canDownload && task.hasErrorReport;
  const withheld = !task.canDownload && hasDownloads(task);
  // A completed bundle export whose file this user may take, for a user with the environments action.
  const showSend = Boolean(onSendToEnvironment) && permissions.canManageEnvironments === true && task.kind === 'bundle-export' && task.status === 'completed' && task.canDownload;
  const hasAny = showFile || showErrorReport || showSend || (permissions.canManageTemplates && isFinished(task)) || canChange;
  // (Resume, like cancel and delete, needs the action of the task's kind: `canChange`.)
  if (!hasAny && !withheld) return null;

  const withheldLabel = formatMessage({
    id: getTranslation('tasks.actions.downloadsWithheld'),
    defaultMessage:
      'Its files and error report are only for the user who started it and for users who may read all of this content in the Content Manager.',
  });
  const lock = withheld ? (
    <Tooltip label={withheldLabel}>
      <Flex tabIndex={0} aria-label={withheldLabel} padding={2}>
        <Lock fill="neutral500" aria-hidden />
      </Flex>
    </Tooltip>
  ) : null;
  if (!hasAny) return lock;

  const menu = (
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
      {/* The design system caps a menu at 15rem and scrolls inside it: this one shows all its items (up to eight). */}
      <Menu.Content popoverPlacement="bottom-end" maxHeight="none">
        {showFile ? (
          <Menu.Item startIcon={<Download />} onSelect={() => void download(`${base}/file`, taskFileName(task))}>
            {isExportKind(task.kind)
              ? formatMessage({ id: getTranslation('tasks.actions.downloadExport'), defaultMessage: 'Download file' })
              : formatMessage({
                  id: getTranslation('tasks.actions.downloadImport'),
                  defaultMessage: 'Download imported file',
                })}
          </Menu.Item>
        ) : null}
        {showErrorReport ? (
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
        {showSend && onSendToEnvironment ? (
          <Menu.Item startIcon={<Upload />} onSelect={() => onSendToEnvironment(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.sendToEnvironment'), defaultMessage: 'Send to environment' })}
          </Menu.Item>
        ) : null}
        {permissions.canManageTemplates && isFinished(task) && task.kind !== 'bundle-export' ? (
          <Menu.Item startIcon={<Plus />} onSelect={() => onSaveAsTemplate(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.saveAsTemplate'), defaultMessage: 'Save as template' })}
          </Menu.Item>
        ) : null}
        {canChange && isActive(task) ? (
          <Menu.Item startIcon={<Cross />} variant="danger" onSelect={() => onCancel(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.cancel'), defaultMessage: 'Cancel task' })}
          </Menu.Item>
        ) : null}
        {canChange && task.resumable && onResume ? (
          <Menu.Item startIcon={<Play />} onSelect={() => onResume(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.resume'), defaultMessage: 'Resume' })}
          </Menu.Item>
        ) : null}
        {canChange && task.revertable && onRevert ? (
          <Menu.Item startIcon={<ArrowsCounterClockwise />} onSelect={() => onRevert(task)}>
            {formatMessage({ id: getTranslation('tasks.actions.revert'), defaultMessage: 'Revert' })}
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
  return lock ? (
    <Flex gap={1}>
      {lock}
      {menu}
    </Flex>
  ) : (
    menu
  );
};
