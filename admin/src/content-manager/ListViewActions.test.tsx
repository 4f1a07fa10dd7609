import '@testing-library/jest-dom';
import { DesignSystemProvider } from '@strapi/design-system';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IntlProvider } from 'react-intl';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { messages, polyfillDom } from '../testing/render';
import { ListViewActions } from './ListViewActions';
import { CENTER, grant } from './rbac.testing';

jest.mock('@strapi/strapi/admin', () => ({
  ...jest.requireActual('../testing/strapiAdmin'),
  ...jest.requireActual('./rbac.testing'),
}));

beforeAll(polyfillDom);

const ARTICLE = 'api::article.article';
const READ = `plugin::content-manager.explorer.read ${ARTICLE}`;
const CREATE = `plugin::content-manager.explorer.create ${ARTICLE}`;
const UPDATE = `plugin::content-manager.explorer.update ${ARTICLE}`;

/** Where a link led: the page after the list. */
const Landing = () => {
  const { pathname, search } = useLocation();
  return <output aria-label="Landed on">{`${pathname}${search}`}</output>;
};

/** The list view's header, on the Content Manager's route (`/content-manager/:collectionType/:slug`). */
const setup = (search = '') => {
  const user = userEvent.setup();
  render(
    <DesignSystemProvider locale="en">
      <IntlProvider locale="en" messages={messages} defaultLocale="en">
        <MemoryRouter
          initialEntries={[`/content-manager/collection-types/${ARTICLE}${search}`]}
          future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
        >
          <Routes>
            <Route path="/content-manager/:collectionType/:slug" element={<ListViewActions />} />
            <Route path="*" element={<Landing />} />
          </Routes>
        </MemoryRouter>
      </IntlProvider>
    </DesignSystemProvider>
  );
  return { user };
};

const landed = async () => {
  const url = new URL(
    (await screen.findByRole('status', { name: 'Landed on' })).textContent ?? '',
    'http://admin.test'
  );
  return { path: url.pathname, params: Object.fromEntries(url.searchParams.entries()) };
};

describe('ListViewActions (the list view of a collection type)', () => {
  it('exports all entries: the export page with the type and the list locale', async () => {
    grant(...CENTER, READ, CREATE);
    const { user } = setup('?page=2&sort=title:ASC&filters[$and][0][views][$gt]=100&plugins[i18n][locale]=fr');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('menuitem', { name: 'All entries' }));
    expect(await landed()).toEqual({
      path: '/plugins/data-migration-center/export',
      params: { contentType: ARTICLE, locale: 'fr' },
    });
  });

  it('exports the current filters and sort of the list', async () => {
    grant(...CENTER, READ);
    const { user } = setup('?page=2&sort=title:ASC&filters[$and][0][views][$gt]=100&plugins[i18n][locale]=fr');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Entries of the current filters and sort' }));
    const { path, params } = await landed();
    expect(path).toBe('/plugins/data-migration-center/export');
    expect(params).toEqual({
      contentType: ARTICLE,
      filters: '{"$and":[{"views":{"$gt":"100"}}]}',
      sort: 'title:ASC',
      locale: 'fr',
    });
  });

  it('opens the import wizard with the type', async () => {
    grant(...CENTER, UPDATE);
    const { user } = setup();
    expect(screen.queryByRole('button', { name: 'Export' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await landed()).toEqual({ path: '/plugins/data-migration-center/import', params: { contentType: ARTICLE } });
  });

  it.each([
    ['no permission of the center', [READ, CREATE, UPDATE]],
    [
      'the center without read',
      ['plugin::data-migration-center.export', 'plugin::data-migration-center.import', READ, CREATE],
    ],
    ['no Content Manager permission on the type', [...CENTER, 'plugin::content-manager.explorer.read api::tag.tag']],
  ])('shows nothing with %s', (_case, permissions) => {
    grant(...permissions);
    setup();
    expect(screen.queryByRole('button', { name: 'Export' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Import' })).not.toBeInTheDocument();
  });

  it('offers export without import, and import without export, as the permissions say', () => {
    grant('plugin::data-migration-center.read', 'plugin::data-migration-center.export', READ, CREATE);
    setup();
    expect(screen.getByRole('button', { name: 'Export' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Import' })).not.toBeInTheDocument();
  });
});
