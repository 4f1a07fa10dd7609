import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { answerGets, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { BundleExportPage } from './BundleExportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const setup = () => {
  const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ kind: 'bundle-export', name: 'Staging', status: 'queued' }) } }));
  setFetchClient({ get: answerGets(), post });
  const user = userEvent.setup();
  renderWithProviders(<BundleExportPage />, { route: '/bundle-export' });
  return { post, user };
};

describe('BundleExportPage', () => {
  it('cannot be submitted without a content type', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Choose at least one content type.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('exports the chosen types with dependencies and the files, then follows the task', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('checkbox', { name: 'Article' }));
    await user.click(screen.getByRole('checkbox', { name: 'Contact' }));
    await user.click(screen.getByRole('checkbox', { name: 'Media files' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Staging');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    const [url, body] = post.mock.calls[0];
    expect(url).toBe('/data-migration-center/bundle-exports');
    expect(body).toEqual({
      types: [{ contentType: 'api::article.article' }, { contentType: 'api::contact.contact' }],
      withDependencies: true,
      media: true,
      definitions: false,
      name: 'Staging',
    });
    expect(await screen.findByText('Export: Staging')).toBeInTheDocument();
  });

  it('"All content types" sends types "all"', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('checkbox', { name: 'All content types' }));
    expect(screen.getByRole('checkbox', { name: 'Article' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0][1]).toMatchObject({ types: 'all' });
  });
});
