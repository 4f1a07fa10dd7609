import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ContentTypeInfo, Template } from '../../../shared/contracts';
import type { Permissions } from '../hooks/usePermissions';
import { contentTypes, limitedContentTypes, template } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { TemplatesTab } from './TemplatesTab';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const ALL: Permissions = {
  isLoading: false,
  canRead: true,
  canImport: true,
  canExport: true,
  canManageTemplates: true,
};

const templates: Template[] = [
  template({ id: 5, name: 'Weekly articles' }),
  template({
    id: 6,
    name: 'Old contacts',
    kind: 'import',
    contentType: 'api::contact.contact',
    broken: 'fieldMapping maps "Fax" to "fax", which is not an attribute of api::contact.contact',
  }),
  template({
    id: 'shipped:published-articles-as-csv',
    name: 'Export published articles as CSV',
    readOnly: true,
    description: 'For a spreadsheet.',
  }),
];

const setup = (permissions = ALL, list: Template[] = templates, types: ContentTypeInfo[] = contentTypes) => {
  const get = jest.fn(async (url: unknown) => {
    if (url === '/data-migration-center/templates') return { data: { data: list } };
    if (url === '/data-migration-center/content-types') return { data: { data: types } };
    throw new Error(`unexpected GET ${String(url)}`);
  });
  const post = jest.fn(async (_url: unknown, _body: unknown) => ({
    data: { data: { ...templates[2], id: 9, name: 'copy', readOnly: false } },
  }));
  setFetchClient({ get, post });
  renderWithProviders(<TemplatesTab permissions={permissions} />);
  return { get, post, user: userEvent.setup() };
};

// The design system's icon buttons are disabled with aria-disabled (they stay focusable).
const rowOf = async (name: string) => (await screen.findByText(name)).closest('tr') as HTMLElement;

describe('TemplatesTab', () => {
  it('offers run, edit, duplicate and delete on a saved template', async () => {
    setup();
    const row = await rowOf('Weekly articles');
    for (const action of ['Run', 'Edit', 'Duplicate', 'Delete']) {
      expect(within(row).getByRole('button', { name: `${action} Weekly articles` })).not.toHaveAttribute(
        'aria-disabled',
        'true'
      );
    }
    expect(within(row).queryByText('Built-in')).not.toBeInTheDocument();
    expect(within(row).queryByText('Broken')).not.toBeInTheDocument();
  });

  it('shows a shipped template read-only: run and duplicate, no edit or delete', async () => {
    const { post, user } = setup();
    const row = await rowOf('Export published articles as CSV');
    expect(within(row).getByText('Built-in')).toBeInTheDocument();
    expect(within(row).getByText('For a spreadsheet.')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Run Export published articles as CSV' })).not.toHaveAttribute(
      'aria-disabled',
      'true'
    );
    expect(
      within(row).queryByRole('button', { name: 'Edit Export published articles as CSV' })
    ).not.toBeInTheDocument();
    expect(
      within(row).queryByRole('button', { name: 'Delete Export published articles as CSV' })
    ).not.toBeInTheDocument();

    // Duplicating makes an editable copy with its settings.
    await user.click(within(row).getByRole('button', { name: 'Duplicate Export published articles as CSV' }));
    expect(post).toHaveBeenCalledWith('/data-migration-center/templates', {
      name: 'Export published articles as CSV (copy)',
      kind: 'export',
      contentType: 'api::article.article',
      options: templates[2].options,
      description: 'For a spreadsheet.',
    });
  });

  it('marks a broken template with a warning badge and its reason, and does not run it', async () => {
    setup();
    const row = await rowOf('Old contacts');
    expect(within(row).getByText('Broken')).toBeInTheDocument();
    expect(
      within(row).getByText(
        'Cannot run: fieldMapping maps "Fax" to "fax", which is not an attribute of api::contact.contact'
      )
    ).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Run Old contacts' })).toHaveAttribute('aria-disabled', 'true');
    // It can still be edited (to fix it) or deleted.
    expect(within(row).getByRole('button', { name: 'Edit Old contacts' })).not.toHaveAttribute('aria-disabled', 'true');
    expect(within(row).getByRole('button', { name: 'Delete Old contacts' })).not.toHaveAttribute(
      'aria-disabled',
      'true'
    );
  });

  it('offers Run only for the templates whose content the user may use in the Content Manager', async () => {
    // Limited: articles readable and updatable (no create), contacts creatable but not readable.
    setup(
      ALL,
      [
        template({ id: 11, name: 'Articles out', kind: 'export', contentType: 'api::article.article' }),
        template({ id: 12, name: 'Contacts out', kind: 'export', contentType: 'api::contact.contact' }),
        template({ id: 13, name: 'Contacts in', kind: 'import', contentType: 'api::contact.contact' }),
      ],
      limitedContentTypes
    );
    expect(within(await rowOf('Articles out')).getByRole('button', { name: 'Run Articles out' })).toBeInTheDocument();
    expect(within(await rowOf('Contacts out')).queryByRole('button', { name: 'Run Contacts out' })).not.toBeInTheDocument();
    expect(within(await rowOf('Contacts in')).getByRole('button', { name: 'Run Contacts in' })).toBeInTheDocument();
    // Editing a template stays with the templates permission (its form then offers only what the user may use).
    expect(within(await rowOf('Contacts out')).getByRole('button', { name: 'Edit Contacts out' })).toBeInTheDocument();
  });

  it("shows a scheduled template's expression, next and last runs and the last run's status; the copy has no schedule", async () => {
    const scheduled = template({
      id: 11,
      name: 'Nightly articles',
      schedule: { cron: '0 3 * * *', timezone: 'Europe/Paris', keep: 7 },
      nextRunAt: '2026-12-07T02:00:00.000Z',
      lastRunAt: '2026-12-06T02:00:00.000Z',
      lastRun: { taskId: 40, status: 'failed' },
    });
    const { post, user } = setup(ALL, [scheduled]);
    const row = await rowOf('Nightly articles');
    expect(within(row).getByText(/^Scheduled: 0 3 \* \* \* \(Europe\/Paris\) · next run .*2026.* · last run .*2026.* \(Failed\)$/)).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Duplicate Nightly articles' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0][1]).not.toHaveProperty('schedule');
  });
});
