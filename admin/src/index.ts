import type { BulkActionComponent } from '@strapi/content-manager/strapi-admin';
import type { StrapiApp } from '@strapi/strapi/admin';
import { PLUGIN_ID, permission } from '../../shared/contracts';
import { PluginIcon } from './components/PluginIcon';
import { ExportSelectedAction } from './content-manager/ExportSelectedAction';
import { ListViewActions } from './content-manager/ListViewActions';

/** What this plugin uses of the Content Manager's admin APIs (`apis` is untyped on the admin's Plugin). */
interface ContentManagerApis {
  addBulkAction(actions: BulkActionComponent[]): void;
}

export default {
  register(app: StrapiApp) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: { id: `${PLUGIN_ID}.plugin.name`, defaultMessage: 'Data Migration Center' },
      permissions: [{ action: permission('read'), subject: null }],
      Component: () => import('./pages/App'),
    });

    app.registerPlugin({ id: PLUGIN_ID, name: 'Data Migration Center' });
  },

  /**
   * In the Content Manager's list view of a collection type: "Export" and "Import" in the header, and "Export
   * selected" among the bulk actions. Each shows itself only to users with the center's permission and the
   * Content Manager's on that type.
   */
  bootstrap(app: Pick<StrapiApp, 'getPlugin'>) {
    const contentManager = app.getPlugin('content-manager');
    if (!contentManager) return;
    contentManager.injectComponent('listView', 'actions', { name: `${PLUGIN_ID}-list-view-actions`, Component: ListViewActions });
    (contentManager.apis as unknown as ContentManagerApis).addBulkAction([ExportSelectedAction]);
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = await import(`./translations/${locale}.json`);
          return { data: prefixKeys(data), locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

const prefixKeys = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([key, value]) => [`${PLUGIN_ID}.${key}`, value]));
