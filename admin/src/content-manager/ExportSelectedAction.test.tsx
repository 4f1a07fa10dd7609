import '@testing-library/jest-dom';
import type { BulkActionComponentProps } from '@strapi/content-manager/strapi-admin';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IntlProvider } from 'react-intl';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { messages } from '../testing/render';
import { ExportSelectedAction } from './ExportSelectedAction';
import { CENTER, grant } from './rbac.testing';

jest.mock('@strapi/strapi/admin', () => ({
  ...jest.requireActual('../testing/strapiAdmin'),
  ...jest.requireActual('./rbac.testing'),
}));

const ARTICLE = 'api::article.article';
const READ = `plugin::content-manager.explorer.read ${ARTICLE}`;

/** What the list view's bulk actions bar does with a description: a button, or nothing for null. */
const Bar = (props: BulkActionComponentProps) => {
  const action = ExportSelectedAction(props);
  return action ? <button onClick={action.onClick}>{action.label}</button> : <p>No action</p>;
};

const Landing = () => {
  const { pathname, search } = useLocation();
  return <output aria-label="Landed on">{`${pathname}${search}`}</output>;
};

const documents = (...ids: string[]) =>
  ids.map((documentId, id) => ({ id, documentId })) as BulkActionComponentProps['documents'];

const setup = (selected: BulkActionComponentProps['documents'], search = '') => {
  const user = userEvent.setup();
  render(
    <IntlProvider locale="en" messages={messages} defaultLocale="en">
      <MemoryRouter
        initialEntries={[`/content-manager/collection-types/${ARTICLE}${search}`]}
        future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
      >
        <Routes>
          <Route
            path="/content-manager/:collectionType/:slug"
            element={<Bar model={ARTICLE} collectionType="collection-types" documents={selected} />}
          />
          <Route path="*" element={<Landing />} />
        </Routes>
      </MemoryRouter>
    </IntlProvider>
  );
  return { user };
};

describe('ExportSelectedAction (a bulk action of the list view)', () => {
  it('opens the export page with the selected documents as filters, in the locale and order of the list', async () => {
    grant(...CENTER, READ);
    const { user } = setup(
      documents('abc', 'def'),
      '?sort=title:DESC&filters[$and][0][views][$gt]=1&plugins[i18n][locale]=en'
    );
    await user.click(screen.getByRole('button', { name: 'Export selected' }));
    const url = new URL(
      (await screen.findByRole('status', { name: 'Landed on' })).textContent ?? '',
      'http://admin.test'
    );
    expect(url.pathname).toBe('/plugins/data-migration-center/export');
    expect(Object.fromEntries(url.searchParams.entries())).toEqual({
      contentType: ARTICLE,
      filters: '{"documentId":{"$in":["abc","def"]}}',
      sort: 'title:DESC',
      locale: 'en',
    });
  });

  it.each([
    ['without the center export permission', ['plugin::data-migration-center.read', READ]],
    ['without Read on the type', [...CENTER, 'plugin::content-manager.explorer.read api::tag.tag']],
  ])('is not offered %s', (_case, permissions) => {
    grant(...permissions);
    setup(documents('abc'));
    expect(screen.getByText('No action')).toBeInTheDocument();
  });
});
