import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ContentTypeInfo, ExportOptions } from '../../../shared/contracts';
import { answerGets, contentTypes, limitedContentTypes, noAccessContentTypes, task, template } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { ExportPage } from './ExportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const setup = (route = '/export', templates = [template()], types: ContentTypeInfo[] = contentTypes) => {
  const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ status: 'queued' }) } }));
  setFetchClient({ get: answerGets(templates, types), post });
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

  describe('opened from the Content Manager list view (?contentType=&filters=&sort=&locale=)', () => {
    const selected = { documentId: { $in: ['abc', 'def'] } };
    const route = (query: Record<string, string>) => `/export?${new URLSearchParams(query).toString()}`;

    it('starts with the type, filters, sort, locale and status of the link, and exports them', async () => {
      const { post, user } = setup(
        route({
          contentType: 'api::article.article',
          filters: JSON.stringify(selected),
          sort: 'title:ASC,views:DESC',
          locale: 'fr',
          status: 'published',
        })
      );
      expect(await screen.findByRole('combobox', { name: 'Content type' })).toHaveTextContent('Article (collection type)');
      expect(screen.getByRole('textbox', { name: 'Filters (JSON)' })).toHaveValue(JSON.stringify(selected, null, 2));
      expect(screen.getByRole('textbox', { name: 'Sort' })).toHaveValue('title:ASC, views:DESC');
      await waitFor(() => expect(screen.getByRole('combobox', { name: 'Locale' })).toHaveTextContent('French (fr)'));
      expect(screen.getByRole('combobox', { name: 'Version' })).toHaveTextContent('Published');
      // All the fields of the type, selected.
      expect(screen.getByRole('checkbox', { name: /slug/ })).toBeChecked();

      await user.click(screen.getByRole('button', { name: 'Export' }));
      await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
      expect(post.mock.calls[0][1]).toEqual({
        contentType: 'api::article.article',
        format: 'json',
        filters: selected,
        sort: ['title:ASC', 'views:DESC'],
        locale: 'fr',
        status: 'published',
        name: 'Article export',
      });
    });

    it('refuses a sort that is not by an attribute, and does not submit', async () => {
      const { post, user } = setup(route({ contentType: 'api::contact.contact', sort: 'lastName:ASC' }));
      const sort = await screen.findByRole('textbox', { name: 'Sort' });
      expect(sort).toHaveValue('lastName:ASC');
      await user.clear(sort);
      await user.type(sort, 'company.name:ASC, lastName:up');
      await user.click(screen.getByRole('button', { name: 'Export' }));
      expect(await screen.findByText('Not a sort by an attribute: company.name:ASC, lastName:up')).toBeInTheDocument();
      expect(post).not.toHaveBeenCalled();

      await user.clear(sort);
      await user.type(sort, 'lastName:DESC');
      expect(screen.queryByText(/Not a sort by an attribute/)).not.toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Export' }));
      await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
      expect(post.mock.calls[0][1]).toEqual(expect.objectContaining({ contentType: 'api::contact.contact', sort: 'lastName:DESC' }));
    });

    it('does not choose a type the user may not read', async () => {
      const { post, user } = setup(route({ contentType: 'api::contact.contact' }), [], limitedContentTypes);
      const picker = await screen.findByRole('combobox', { name: 'Content type' });
      await waitFor(() => expect(picker).not.toHaveTextContent('Contact'));
      await user.click(screen.getByRole('button', { name: 'Export' }));
      expect(await screen.findByText('This value is required.')).toBeInTheDocument();
      expect(post).not.toHaveBeenCalled();
    });
  });

  describe('for a user with limited Content Manager permissions', () => {
    it('lists only the types the user may read, and only their readable fields', async () => {
      const { post, user } = setup('/export', [], limitedContentTypes);
      await user.click(await screen.findByRole('combobox', { name: 'Content type' }));
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['Article (collection type)']);
      await user.click(screen.getByRole('option', { name: 'Article (collection type)' }));

      // title and views, not slug (not readable).
      expect(await screen.findByRole('checkbox', { name: /title/ })).toBeChecked();
      expect(screen.getByRole('checkbox', { name: /views/ })).toBeChecked();
      expect(screen.queryByRole('checkbox', { name: /slug/ })).not.toBeInTheDocument();
      expect(screen.getByText('2 of 2 fields selected. Private fields are never exported.')).toBeInTheDocument();

      await user.click(screen.getByRole('checkbox', { name: /views/ }));
      await user.click(screen.getByRole('button', { name: 'Export' }));
      await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
      expect(post.mock.calls[0][1]).toEqual(expect.objectContaining({ contentType: 'api::article.article', fields: ['title'] }));
    });

    it("keeps a template's settings within what the user may read", async () => {
      const saved = template({ options: { format: 'csv', fields: ['title', 'slug'], relationsAs: 'slug' } });
      const { post, user } = setup('/export?templateId=5', [saved], limitedContentTypes);
      const picker = await screen.findByRole('combobox', { name: 'Template' });
      await waitFor(() => expect(picker).toHaveTextContent('Weekly articles (Article)'));
      expect(screen.getByRole('checkbox', { name: /title/ })).toBeChecked();
      expect(screen.queryByRole('checkbox', { name: /slug/ })).not.toBeInTheDocument();
      await user.click(screen.getByRole('button', { name: 'Export' }));
      await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
      const body = post.mock.calls[0][1] as ExportOptions;
      expect(body).toEqual(expect.objectContaining({ contentType: 'api::article.article', fields: ['title'], templateId: 5 }));
    });

    it('says why there is nothing to export when the user may read no type', async () => {
      setup('/export', [template()], noAccessContentTypes);
      expect(
        await screen.findByText(
          'Nothing to export: you may not read any content type in the Content Manager. Ask an administrator for the Read permission on the content you need.'
        )
      ).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Export' })).not.toBeInTheDocument();
      expect(screen.queryByRole('combobox', { name: 'Content type' })).not.toBeInTheDocument();
    });
  });
});
