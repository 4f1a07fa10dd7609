import { Flex, Tooltip, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { isImportKind, type Task } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';

/**
 * A task's counts: how many items were processed (of how many, when known), and below, what became of them.
 * Failures are red, with a tooltip saying how many of how many failed.
 */
export const TaskCounts = ({ task }: { task: Task }) => {
  const { formatMessage, formatNumber } = useIntl();
  const { processed, created, updated, skipped, failed, total } = task.counts;
  const of = total ?? processed;

  return (
    <Flex direction="column" alignItems="flex-start" gap={1}>
      <Typography textColor="neutral800">
        {total !== null && total !== processed
          ? formatMessage(
              { id: getTranslation('counts.processedOf'), defaultMessage: '{processed} of {total}' },
              { processed: formatNumber(processed), total: formatNumber(total) }
            )
          : formatNumber(processed)}
      </Typography>
      <Flex gap={2} wrap="wrap">
        {isImportKind(task.kind) ? (
          <>
            <Typography variant="pi" textColor="neutral600">
              {formatMessage(
                { id: getTranslation('counts.created'), defaultMessage: '{count} created' },
                { count: formatNumber(created) }
              )}
            </Typography>
            <Typography variant="pi" textColor="neutral600">
              {formatMessage(
                { id: getTranslation('counts.updated'), defaultMessage: '{count} updated' },
                { count: formatNumber(updated) }
              )}
            </Typography>
            {skipped > 0 ? (
              <Typography variant="pi" textColor="neutral600">
                {formatMessage(
                  { id: getTranslation('counts.skipped'), defaultMessage: '{count} skipped' },
                  { count: formatNumber(skipped) }
                )}
              </Typography>
            ) : null}
          </>
        ) : null}
        {failed > 0 ? (
          <Tooltip
            label={formatMessage(
              { id: getTranslation('counts.failedTooltip'), defaultMessage: '{failed} of {total} items failed' },
              { failed: formatNumber(failed), total: formatNumber(of) }
            )}
          >
            <Typography variant="pi" textColor="danger600" fontWeight="semiBold" tabIndex={0}>
              {formatMessage(
                { id: getTranslation('counts.failed'), defaultMessage: '{count} failed' },
                { count: formatNumber(failed) }
              )}
            </Typography>
          </Tooltip>
        ) : null}
      </Flex>
    </Flex>
  );
};
