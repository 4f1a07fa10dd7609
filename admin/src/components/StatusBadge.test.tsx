import '@testing-library/jest-dom';
import { screen } from '@testing-library/react';
import { TASK_STATUSES } from '../../../shared/contracts';
import { renderWithProviders } from '../testing/render';
import { STATUS_COLOR, StatusBadge } from './StatusBadge';

const LABELS = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  'completed-with-errors': 'Completed with errors',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
} as const;

describe('StatusBadge', () => {
  it.each(TASK_STATUSES.map((status) => [status, LABELS[status]]))('renders %s as "%s"', (status, label) => {
    renderWithProviders(<StatusBadge status={status} />);
    expect(screen.getByText(label)).toBeInTheDocument();
  });

  it('has a colour for every status, telling success, warnings and failures apart', () => {
    expect(Object.keys(STATUS_COLOR).sort()).toEqual([...TASK_STATUSES].sort());
    expect(STATUS_COLOR.completed).toBe('success');
    expect(STATUS_COLOR['completed-with-errors']).toBe('warning');
    expect(STATUS_COLOR.failed).toBe('danger');
  });
});
