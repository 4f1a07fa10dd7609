import { Flex, Typography } from '@strapi/design-system';
import { TaskProgressBar } from './TaskProgressBar';
import { useIntl } from 'react-intl';
import type { Task } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';

/**
 * A running task's progress: a bar when the total is known, else how many items are done so far.
 */
export const TaskProgress = ({ task, size = 'S' }: { task: Task; size?: 'S' | 'M' }) => {
  const { formatMessage, formatNumber } = useIntl();
  const percent = task.progress === null ? null : Math.round(Math.min(Math.max(task.progress, 0), 1) * 100);
  const label =
    percent === null
      ? formatMessage(
          { id: getTranslation('progress.items'), defaultMessage: '{processed} items so far' },
          { processed: formatNumber(task.counts.processed) }
        )
      : formatMessage({ id: getTranslation('progress.percent'), defaultMessage: '{percent}%' }, { percent });

  return (
    <Flex gap={2} alignItems="center">
      {percent !== null ? (
        <TaskProgressBar
          value={percent}
          size={size}
          aria-label={formatMessage(
            { id: getTranslation('progress.label'), defaultMessage: 'Progress of {name}' },
            { name: task.name }
          )}
        />
      ) : null}
      <Typography variant="pi" textColor="neutral600">
        {label}
      </Typography>
    </Flex>
  );
};
