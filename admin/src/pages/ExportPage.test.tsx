import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ExportOptions } from '../../../shared/contracts';
import { answerGets, task, template } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { ExportPage } from './ExportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const setup = (route = '/export', templates = [template()]) => {
  const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ status: 'queued' }) } }));
  setFetchClient({ get: answerGets(templates), post });
  const user = userEvent.setup();
  renderWithProviders(<ExportPage />, { route });
  return { post, user };
};

describe('ExportPage', () => {
  it('cannot be submitted without a content type', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Export' }));
    expect(await screen.findByText('This value is required.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('shows an error for filters that are not valid JSON, and does not submit', async () => {
    const { post, user } = setup();
    const filters = await screen.findByRole('textbox', { name: 'Filters (JSON)' });
    await user.click(filters);
    await user.paste('{"title": oops}');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('This is not valid JSON.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('shows an error for filters that are JSON but not an object', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('textbox', { name: 'Filters (JSON)' }));
    await user.paste('[1, 2]');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Filters must be a JSON object (between curly brackets).')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('exports the chosen content type with its options, then follows the task', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('combobox', { name: 'Content type' }));
    await user.click(await screen.findByRole('option', { name: 'Contact (collection type)' }));
    // The fields of the type, all selected.
    expect(await screen.findByRole('checkbox', { name: /zip/ })).toBeChecked();
    await user.click(screen.getByRole('checkbox', { name: /zip/ }));
    await user.click(screen.getByRole('button', { name: 'Export' }));

    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    const [url, body] = post.mock.calls[0];
    expect(url).toBe('/data-migration-center/export-tasks');
    expect(body as ExportOptions).toEqual({
      contentType: 'api::contact.contact',
      format: 'json',
      fields: ['firstName', 'lastName'],
      name: 'Contact export',
    });
    expect(await screen.findByText('Export: Articles')).toBeInTheDocument();
  });

  it('starts from the template of ?templateId=', async () => {
    const { post, user } = setup('/export?templateId=5');
    const picker = await screen.findByRole('combobox', { name: 'Template' });
    await waitFor(() => expect(picker).toHaveTextContent('Weekly articles (Article)'));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0][1]).toEqual(
      expect.objectContaining({ contentType: 'api::article.article', format: 'csv', templateId: 5, status: 'draft' })
    );
  });
});
