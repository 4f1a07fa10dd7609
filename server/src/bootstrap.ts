import type { Core } from '@strapi/strapi';
import { PERMISSION_ACTIONS } from './constants';
import { createExportHandler } from './pipeline/export';
import { createImportHandler } from './pipeline/import';
import { getService } from './utils';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(PERMISSION_ACTIONS);

  const runner = getService(strapi, 'runner');
  runner.registerHandler('import', createImportHandler(strapi));
  runner.registerHandler('export', createExportHandler(strapi));

  // Tasks left `running` by a server that stopped are marked interrupted; queued ones are picked up.
  await runner.start();
};

export default bootstrap;
