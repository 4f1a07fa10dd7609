import '@testing-library/jest-dom';
import { screen, within } from '@testing-library/react';
import { task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient } from '../testing/strapiAdmin';
import { TaskProgressModal } from './TaskProgressModal';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

// A finished export with failures: the window does not ask the server again (no GET is expected).
const finished = task({
  id: 4,
  name: 'Articles',
  status: 'completed-with-errors',
  counts: { total: 3, processed: 3, created: 0, updated: 0, skipped: 0, failed: 1 },
  progress: 1,
  fileName: 'articles.json',
  hasErrorReport: true,
});

describe('TaskProgressModal', () => {
  it('offers the file and the error report of a finished export to a user who may download them', async () => {
    renderWithProviders(<TaskProgressModal task={finished} onClose={() => undefined} />);
    const dialog = await screen.findByRole('dialog', { name: 'Export: Articles' });
    expect(within(dialog).getByRole('button', { name: 'Download' })).toBeEnabled();
    expect(within(dialog).getByRole('button', { name: 'Error report' })).toBeInTheDocument();
  });

  it('shows no download when the user may not download the task (canDownload false)', async () => {
    renderWithProviders(<TaskProgressModal task={{ ...finished, canDownload: false }} onClose={() => undefined} />);
    const dialog = await screen.findByRole('dialog', { name: 'Export: Articles' });
    expect(within(dialog).getByText('Completed with errors')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Download' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Error report' })).not.toBeInTheDocument();
  });
});
