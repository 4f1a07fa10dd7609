import { Box, Button, Flex, Grid, Modal, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Task } from '../../../shared/contracts';
import { isExportKind, isImportKind, PLUGIN_ID } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { useDownload } from '../hooks/useDownload';
import { isActive, useTaskProgress } from '../hooks/useTasks';
import { getTranslation } from '../utils/getTranslation';
import { StatusBadge } from './StatusBadge';
import { TaskProgressBar } from './TaskProgressBar';
import { TypeCountsTable } from './TypeCountsTable';

export const taskFileName = (task: Task) => task.fileName ?? `${task.name}.${task.format ?? 'json'}`;
export const errorReportName = (task: Task, format: 'csv' | 'json') => `${task.name}-errors.${format}`;

/** A count with its label, as a small figure. */
export const Figure = ({ label, value, tone = 'neutral800' }: { label: string; value: string; tone?: string }) => (
  <Flex direction="column" alignItems="flex-start" gap={1}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    <Typography variant="beta" tag="p" textColor={tone}>
      {value}
    </Typography>
  </Flex>
);

/** What a task did: counts, as figures (created and updated only for imports). */
export const TaskFigures = ({ task, dryRun = false }: { task: Task; dryRun?: boolean }) => {
  const { formatMessage, formatNumber } = useIntl();
  const { processed, created, updated, skipped, failed } = task.counts;
  const figures = [
    {
      key: 'processed',
      label:
        isExportKind(task.kind)
          ? formatMessage({ id: getTranslation('figures.exported'), defaultMessage: 'Exported' })
          : formatMessage({ id: getTranslation('figures.processed'), defaultMessage: 'Processed' }),
      value: processed,
    },
    ...(isImportKind(task.kind)
      ? [
          {
            key: 'created',
            label: dryRun
              ? formatMessage({ id: getTranslation('figures.wouldCreate'), defaultMessage: 'Would create' })
              : formatMessage({ id: getTranslation('figures.created'), defaultMessage: 'Created' }),
            value: created,
          },
          {
            key: 'updated',
            label: dryRun
              ? formatMessage({ id: getTranslation('figures.wouldUpdate'), defaultMessage: 'Would update' })
              : formatMessage({ id: getTranslation('figures.updated'), defaultMessage: 'Updated' }),
            value: updated,
          },
          ...(skipped > 0
            ? [
                {
                  key: 'skipped',
                  label: dryRun
                    ? formatMessage({ id: getTranslation('figures.wouldSkip'), defaultMessage: 'Would skip' })
                    : formatMessage({ id: getTranslation('figures.skipped'), defaultMessage: 'Skipped (exist)' }),
                  value: skipped,
                },
              ]
            : []),
        ]
      : []),
    {
      key: 'failed',
      label: dryRun
        ? formatMessage({ id: getTranslation('figures.wouldFail'), defaultMessage: 'Would fail' })
        : formatMessage({ id: getTranslation('figures.failed'), defaultMessage: 'Failed' }),
      value: failed,
    },
  ];
  return (
    <Grid.Root gap={4}>
      {figures.map((figure) => (
        <Grid.Item key={figure.key} col={3} s={6} direction="column" alignItems="flex-start">
          <Figure
            label={figure.label}
            value={formatNumber(figure.value)}
            tone={figure.key === 'failed' && figure.value > 0 ? 'danger600' : 'neutral800'}
          />
        </Grid.Item>
      ))}
    </Grid.Root>
  );
};

export interface TaskProgressModalProps {
  /** The task as its creation answered; null closes the modal. */
  task: Task | null;
  onClose: () => void;
}

/**
 * The window that follows a task just started: live status and progress, its counts when done, and the
 * downloads (the exported file; the error report) when the user may download them.
 */
export const TaskProgressModal = ({ task: initial, onClose }: TaskProgressModalProps) => {
  const { formatMessage } = useIntl();
  const task = useTaskProgress(initial);
  const { download, pending } = useDownload();
  const { cancelTask } = useApi();

  const title = task
    ? formatMessage(
        isExportKind(task.kind)
          ? { id: getTranslation('progress.exportTitle'), defaultMessage: 'Export: {name}' }
          : { id: getTranslation('progress.importTitle'), defaultMessage: 'Import: {name}' },
        { name: task.name }
      )
    : '';
  const active = task ? isActive(task) : false;
  const percent = task?.progress === null || task?.progress === undefined ? null : Math.round(task.progress * 100);
  // The server says whether this user may download the task's files (`canDownload`); without it, no download shows.
  const mayDownload = task?.canDownload === true;
  const fileReady = task ? isExportKind(task.kind) && (task.status === 'completed' || task.status === 'completed-with-errors') : false;

  return (
    <Modal.Root open={initial !== null} onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={formatMessage({ id: getTranslation('actions.close'), defaultMessage: 'Close' })}>
          <Modal.Title>{title}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {task ? (
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Flex gap={3} alignItems="center">
                <StatusBadge status={task.status} />
                <Typography variant="omega" textColor="neutral600">
                  {active
                    ? formatMessage({
                        id: getTranslation('progress.keepWorking'),
                        defaultMessage: 'The task goes on if you close this window; follow it in the list.',
                      })
                    : null}
                </Typography>
              </Flex>
              {active ? (
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <TaskProgressBar
                    $fullWidth
                    value={percent}
                    aria-label={formatMessage(
                      { id: getTranslation('progress.label'), defaultMessage: 'Progress of {name}' },
                      { name: task.name }
                    )}
                  />
                  <Typography variant="pi" textColor="neutral600">
                    {percent === null
                      ? formatMessage(
                          { id: getTranslation('progress.items'), defaultMessage: '{processed} items so far' },
                          { processed: task.counts.processed }
                        )
                      : formatMessage({ id: getTranslation('progress.percent'), defaultMessage: '{percent}%' }, { percent })}
                  </Typography>
                </Flex>
              ) : null}
              <TaskFigures task={task} />
              {task.typeCounts && task.typeCounts.length > 0 ? <TypeCountsTable typeCounts={task.typeCounts} /> : null}
              {task.error ? (
                <Box background="danger100" borderColor="danger200" hasRadius padding={4}>
                  <Typography textColor="danger700">{task.error}</Typography>
                </Box>
              ) : null}
            </Flex>
          ) : null}
        </Modal.Body>
        <Modal.Footer>
          <Flex gap={2}>
            {task && active ? (
              <Button variant="danger-light" onClick={() => void cancelTask(task)}>
                {formatMessage({ id: getTranslation('actions.cancelTask'), defaultMessage: 'Cancel task' })}
              </Button>
            ) : (
              <Button variant="tertiary" onClick={onClose}>
                {formatMessage({ id: getTranslation('actions.close'), defaultMessage: 'Close' })}
              </Button>
            )}
          </Flex>
          <Flex gap={2}>
            {mayDownload && task?.hasErrorReport ? (
              <Button
                variant="secondary"
                startIcon={<Download />}
                loading={pending?.includes('error-report') ?? false}
                onClick={() =>
                  void download(`/${PLUGIN_ID}/tasks/${task.id}/error-report?format=csv`, errorReportName(task, 'csv'))
                }
              >
                {formatMessage({ id: getTranslation('actions.errorReport'), defaultMessage: 'Error report' })}
              </Button>
            ) : null}
            {mayDownload && (task ? isExportKind(task.kind) : false) ? (
              <Button
                startIcon={<Download />}
                disabled={!fileReady}
                loading={pending?.endsWith('/file') ?? false}
                onClick={() => void download(`/${PLUGIN_ID}/tasks/${task.id}/file`, taskFileName(task))}
              >
                {formatMessage({ id: getTranslation('actions.download'), defaultMessage: 'Download' })}
              </Button>
            ) : null}
          </Flex>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
