import {
  Box,
  Button,
  Flex,
  Loader,
  Modal,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { useFetchClient } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import type { GetTask, ImportOptions, Task } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { useLatest } from '../hooks/useLatest';
import { isAbort, useNotifyError } from '../hooks/useNotifyError';
import { isActive, POLL_INTERVAL_MS } from '../hooks/useTasks';
import { PREVIEW_FAILURES, type ErrorReportResponse, type ErrorReportRow } from '../utils/errorReport';
import { getTranslation } from '../utils/getTranslation';
import { StatusBadge } from './StatusBadge';
import { TaskFigures } from './TaskProgressModal';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ImportPreviewModalProps {
  /** The import to preview; null closes the modal. */
  request: { file: File; options: ImportOptions } | null;
  onClose: () => void;
  /** The real import started (the modal closes; the page follows the task). */
  onStarted: (task: Task) => void;
}

/**
 * The import's preview: the same request as a dry run (`dryRun: true`, `?wait=true`), showing what would be
 * created, updated and fail, and the first failures; then "Start import" sends it for real.
 */
export const ImportPreviewModal = ({ request, onClose, onStarted }: ImportPreviewModalProps) => {
  const { formatMessage, formatNumber } = useIntl();
  const { get } = useFetchClient();
  const api = useApi();
  // The dry run starts when `request` changes, and only then.
  const latest = useLatest({ api, notifyError: useNotifyError() });
  const [dryRun, setDryRun] = useState<Task | null>(null);
  const [failures, setFailures] = useState<ErrorReportRow[]>([]);
  const [isChecking, setIsChecking] = useState(false);
  const [isStarting, setIsStarting] = useState(false);

  useEffect(() => {
    setDryRun(null);
    setFailures([]);
    if (!request) return undefined;
    let active = true;
    const check = async () => {
      setIsChecking(true);
      try {
        let task = await latest.current.api.startImport(request.file, { ...request.options, dryRun: true }, { wait: true });
        // `?wait=true` answers once the task has finished; a server that answers earlier is followed here.
        while (active && task && isActive(task)) {
          await wait(POLL_INTERVAL_MS);
          task = (await get<GetTask.Response>(`/${PLUGIN_ID}/tasks/${task.id}`)).data.data;
        }
        if (!active || !task) return;
        setDryRun(task);
        // The first failures come from the dry run's error report, when this user may read it (its creator may).
        if (task.hasErrorReport && task.canDownload) {
          const { data } = await get<ErrorReportResponse>(`/${PLUGIN_ID}/tasks/${task.id}/error-report`, {
            params: { format: 'json', limit: PREVIEW_FAILURES },
          });
          if (active) setFailures(Array.isArray(data) ? data.slice(0, PREVIEW_FAILURES) : []);
        }
      } catch (error) {
        if (active && !isAbort(error)) latest.current.notifyError(error);
      } finally {
        if (active) setIsChecking(false);
      }
    };
    void check();
    return () => {
      active = false;
    };
  }, [get, latest, request]);

  const start = async () => {
    if (!request) return;
    setIsStarting(true);
    const task = await api.startImport(request.file, request.options);
    setIsStarting(false);
    if (task) onStarted(task);
  };

  const canStart = dryRun !== null && (dryRun.status === 'completed' || dryRun.status === 'completed-with-errors');

  return (
    <Modal.Root open={request !== null} onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header closeLabel={formatMessage({ id: getTranslation('actions.close'), defaultMessage: 'Close' })}>
          <Modal.Title>
            {formatMessage({ id: getTranslation('preview.title'), defaultMessage: 'Preview of the import' })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {isChecking || !dryRun ? (
            <Flex direction="column" gap={4} padding={8}>
              {isChecking ? <Loader small /> : null}
              <Typography textColor="neutral600">
                {isChecking
                  ? formatMessage({
                      id: getTranslation('preview.checking'),
                      defaultMessage: 'Reading the whole file as a dry run: nothing is written.',
                    })
                  : formatMessage({
                      id: getTranslation('preview.unavailable'),
                      defaultMessage: 'The preview could not run.',
                    })}
              </Typography>
            </Flex>
          ) : (
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Flex gap={3}>
                <StatusBadge status={dryRun.status} />
                <Typography textColor="neutral600">
                  {formatMessage({
                    id: getTranslation('preview.dryRun'),
                    defaultMessage: 'Dry run: this is what the import would do. Nothing was written.',
                  })}
                </Typography>
              </Flex>
              <TaskFigures task={dryRun} dryRun />
              {!canStart ? (
                <Typography textColor="danger700">
                  {formatMessage({
                    id: getTranslation('preview.wouldFail'),
                    defaultMessage:
                      'The import would fail and write nothing. Fix the file or the settings, or choose to skip failed items.',
                  })}
                </Typography>
              ) : null}
              {dryRun.error ? (
                <Box background="danger100" borderColor="danger200" hasRadius padding={4}>
                  <Typography textColor="danger700">{dryRun.error}</Typography>
                </Box>
              ) : null}
              {failures.length > 0 ? (
                <Flex direction="column" alignItems="stretch" gap={2}>
                  <Typography variant="delta" tag="h3">
                    {formatMessage(
                      {
                        id: getTranslation('preview.failures'),
                        defaultMessage: 'First failures ({shown} of {total})',
                      },
                      // The report also holds entries written without a self relation, not counted failed.
                      { shown: failures.length, total: formatNumber(Math.max(dryRun.counts.failed, failures.length)) }
                    )}
                  </Typography>
                  <Table colCount={5} rowCount={failures.length + 1}>
                    <Thead>
                      <Tr>
                        {[
                          ['item', 'Item'],
                          ['line', 'Line'],
                          ['key', 'Key'],
                          ['stage', 'Stage'],
                          ['message', 'Reason'],
                        ].map(([id, label]) => (
                          <Th key={id}>
                            <Typography variant="sigma" textColor="neutral600">
                              {formatMessage({ id: getTranslation(`preview.column.${id}`), defaultMessage: label })}
                            </Typography>
                          </Th>
                        ))}
                      </Tr>
                    </Thead>
                    <Tbody>
                      {failures.map((failure, index) => (
                        <Tr key={`${failure.itemNumber}-${index}`}>
                          <Td>
                            <Typography>{failure.itemNumber}</Typography>
                          </Td>
                          <Td>
                            <Typography>{failure.line ?? '-'}</Typography>
                          </Td>
                          <Td>
                            <Typography>{failure.key ?? '-'}</Typography>
                          </Td>
                          <Td>
                            {/* Reports written before the stage column have none. */}
                            <Typography>{failure.stage ?? '-'}</Typography>
                          </Td>
                          <Td>
                            <Typography textColor="danger700">{failure.message}</Typography>
                          </Td>
                        </Tr>
                      ))}
                    </Tbody>
                  </Table>
                </Flex>
              ) : null}
            </Flex>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="tertiary" onClick={onClose}>
            {formatMessage({ id: getTranslation('actions.back'), defaultMessage: 'Back to the settings' })}
          </Button>
          <Button startIcon={<Play />} disabled={!canStart} loading={isStarting} onClick={() => void start()}>
            {formatMessage({ id: getTranslation('actions.startImport'), defaultMessage: 'Start import' })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
