import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { permission, type Action } from '../../../shared/contracts';
import { ExportPage } from './ExportPage';
import { BundleExportPage } from './BundleExportPage';
import { BundleImportPage } from './BundleImportPage';
import { HomePage } from './HomePage';
import { ImportPage } from './ImportPage';
import { MigratePage } from './MigratePage';
import { TemplatePage } from './TemplatePage';

const allowed = (action: Action) => [{ action: permission(action), subject: null }];

/**
 * The center's routes, under /plugins/data-migration-center: the tabs, the export and import forms, and the
 * template form. Each page asks for its own permission on top of `read`.
 */
const App = () => (
  <Page.Protect permissions={allowed('read')}>
    <Routes>
      <Route index element={<HomePage />} />
      <Route
        path="export"
        element={
          <Page.Protect permissions={allowed('export')}>
            <ExportPage />
          </Page.Protect>
        }
      />
      <Route
        path="import"
        element={
          <Page.Protect permissions={allowed('import')}>
            <ImportPage />
          </Page.Protect>
        }
      />
      <Route
        path="migrate"
        element={
          <Page.Protect permissions={allowed('import')}>
            <MigratePage />
          </Page.Protect>
        }
      />
      <Route
        path="bundle-export"
        element={
          <Page.Protect permissions={allowed('export')}>
            <BundleExportPage />
          </Page.Protect>
        }
      />
      <Route
        path="bundle-import"
        element={
          <Page.Protect permissions={allowed('import')}>
            <BundleImportPage />
          </Page.Protect>
        }
      />
      <Route
        path="templates/new"
        element={
          <Page.Protect permissions={allowed('templates')}>
            <TemplatePage />
          </Page.Protect>
        }
      />
      <Route
        path="templates/:id"
        element={
          <Page.Protect permissions={allowed('templates')}>
            <TemplatePage />
          </Page.Protect>
        }
      />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export { App };
export default App;
