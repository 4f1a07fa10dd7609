import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ContentTypeInfo, Template, TemplateInput } from '../../../shared/contracts';
import { contentTypes, limitedContentTypes, locales, noAccessContentTypes, template } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { TemplatePage } from './TemplatePage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

/** An import template saved by someone who may create, publish and read slugs. */
const saved = template({
  id: 7,
  name: 'Articles in',
  kind: 'import',
  contentType: 'api::article.article',
  options: {
    importStrategy: 'add-only',
    updateStrategy: 'patch',
    onError: 'stop',
    matchBy: 'slug',
    status: 'published',
    fieldMapping: { Title: 'title', Slug: 'slug' },
  },
});

const setup = ({ route, types, found = saved }: { route: string; types: ContentTypeInfo[]; found?: Template }) => {
  const get = jest.fn(async (url: unknown) => {
    if (url === '/data-migration-center/content-types') return { data: { data: types } };
    if (url === '/i18n/locales') return { data: locales };
    if (url === `/data-migration-center/templates/${found.id}`) return { data: { data: found } };
    throw new Error(`unexpected GET ${String(url)}`);
  });
  const put = jest.fn(async (_url: unknown, body: unknown) => ({ data: { data: { ...found, ...(body as object) } } }));
  const post = jest.fn(async (_url: unknown, body: unknown) => ({ data: { data: { ...found, ...(body as object) } } }));
  setFetchClient({ get, put, post });
  renderWithProviders(<TemplatePage />, { route, path: '/templates/:id?' });
  return { put, post, user: userEvent.setup() };
};

const TRIMMED =
  'This template names content or fields you may not use in the Content Manager: they are left out here, and saving keeps only what is shown.';

describe('TemplatePage', () => {
  it('shows a template as it is saved to a user who may use all of it', async () => {
    const { put, user } = setup({ route: '/templates/7', types: contentTypes });
    expect(await screen.findByRole('radio', { name: 'Only add new records' })).toBeChecked();
    expect(screen.queryByText(TRIMMED)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect((put.mock.calls[0][1] as TemplateInput).options).toEqual(
      expect.objectContaining({ importStrategy: 'add-only', status: 'published', matchBy: 'slug', fieldMapping: { Slug: 'slug', Title: 'title' } })
    );
  });

  it('trims an import template to what a limited user may use, says so, and saves only that', async () => {
    const { put, user } = setup({ route: '/templates/7', types: limitedContentTypes });
    expect(await screen.findByText(TRIMMED)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Add or update records' })).toBeChecked();
    expect(screen.queryByRole('radio', { name: 'Only add new records' })).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Import as' })).toHaveTextContent('Draft');
    expect(screen.getByRole('combobox', { name: 'Match existing entries by' })).toHaveTextContent('documentId');

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    const [url, body] = put.mock.calls[0];
    expect(url).toBe('/data-migration-center/templates/7');
    expect((body as TemplateInput).options).toEqual({
      contentType: 'api::article.article',
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'stop',
      matchBy: 'documentId',
      status: 'draft',
      fieldMapping: { Title: 'title', Slug: null },
    });
  });

  it('says why a new template has no content type to offer', async () => {
    setup({ route: '/templates?kind=export', types: noAccessContentTypes });
    expect(await screen.findByText(/^Nothing to export: you may not read any content type/)).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Content type' })).not.toBeInTheDocument();
  });

  const sorted = template({
    id: 8,
    name: 'Articles by title',
    kind: 'export',
    contentType: 'api::article.article',
    options: { format: 'csv', sort: ['title:ASC', 'views:DESC'] },
  });

  it("keeps an export template's sort: shown in the form and saved as it was", async () => {
    const { put, user } = setup({ route: '/templates/8', types: contentTypes, found: sorted });
    expect(await screen.findByRole('textbox', { name: 'Sort' })).toHaveValue('title:ASC, views:DESC');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect((put.mock.calls[0][1] as TemplateInput).options).toEqual(expect.objectContaining({ sort: ['title:ASC', 'views:DESC'] }));
  });

  it("refuses a sort that is not by an attribute, then saves the user's new sort", async () => {
    const { put, user } = setup({ route: '/templates/8', types: contentTypes, found: sorted });
    const sort = await screen.findByRole('textbox', { name: 'Sort' });
    await user.clear(sort);
    await user.type(sort, 'views:up');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Not a sort by an attribute: views:up')).toBeInTheDocument();
    expect(put).not.toHaveBeenCalled();
    await user.clear(sort);
    await user.type(sort, 'views:DESC');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect((put.mock.calls[0][1] as TemplateInput).options).toEqual(expect.objectContaining({ sort: 'views:DESC' }));
  });

  it("shows an export template's schedule with its next run, refuses a bad cron, saves the schedule or removes it", async () => {
    const scheduled = { ...sorted, schedule: { cron: '0 3 * * *', timezone: 'Europe/Paris', keep: 7 }, nextRunAt: '2026-12-07T02:00:00.000Z', lastRunAt: null };
    const { put, user } = setup({ route: '/templates/8', types: contentTypes, found: scheduled });
    const cron = await screen.findByRole('textbox', { name: /Cron expression/ });
    expect(cron).toHaveValue('0 3 * * *');
    expect(screen.getByRole('textbox', { name: /Time zone/ })).toHaveValue('Europe/Paris');
    expect(screen.getByText(/^Next run: .*2026.* · Last run: -$/)).toBeInTheDocument();

    await user.clear(cron);
    await user.type(cron, '0 3 * *');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/A cron expression has 5 fields/)).toBeInTheDocument();
    expect(put).not.toHaveBeenCalled();

    await user.type(cron, ' 1-5');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect((put.mock.calls[0][1] as TemplateInput).schedule).toEqual({ cron: '0 3 * * 1-5', timezone: 'Europe/Paris', keep: 7 });
  });

  it('removes a schedule: unticked, saved as null', async () => {
    const scheduled = { ...sorted, schedule: { cron: '0 3 * * *', timezone: 'UTC', keep: null }, nextRunAt: '2026-12-07T03:00:00.000Z' };
    const { put, user } = setup({ route: '/templates/8', types: contentTypes, found: scheduled });
    await user.click(await screen.findByRole('checkbox', { name: 'Run on a schedule' }));
    expect(screen.queryByRole('textbox', { name: /Cron expression/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(put).toHaveBeenCalledTimes(1));
    expect((put.mock.calls[0][1] as TemplateInput).schedule).toBeNull();
  });
});
