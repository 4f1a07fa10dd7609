import type { Core } from '@strapi/strapi';
import { PERMISSION_ACTIONS } from './constants';
import { getService } from './utils';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(PERMISSION_ACTIONS);

  // Tasks left `running` by a server that stopped are marked interrupted; queued ones are picked up.
  await getService(strapi, 'runner').start();
};

export default bootstrap;
