import { Badge } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { TaskStatus } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';

type Color = 'neutral' | 'primary' | 'success' | 'warning' | 'danger' | 'alternative';

/** One colour per status, in the design system's palette (as content-releases colours its statuses). */
export const STATUS_COLOR: Record<TaskStatus, Color> = {
  queued: 'neutral',
  running: 'primary',
  completed: 'success',
  'completed-with-errors': 'warning',
  failed: 'danger',
  cancelled: 'neutral',
  interrupted: 'alternative',
};

export const STATUS_LABEL: Record<TaskStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  'completed-with-errors': 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export const StatusBadge = ({ status }: { status: TaskStatus }) => {
  const { formatMessage } = useIntl();
  const color = STATUS_COLOR[status];
  return (
    <Badge textColor={`${color}600`} backgroundColor={`${color}100`} borderColor={`${color}200`}>
      {formatMessage({ id: getTranslation(`status.${status}`), defaultMessage: STATUS_LABEL[status] })}
    </Badge>
  );
};
