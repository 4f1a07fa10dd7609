import type { Core } from '@strapi/strapi';
import { ensureLocales, seedDemoContent } from './seed';

export default {
  register() {},

  /**
   * Every start: make sure the playground's two locales exist (en is Strapi's default, fr is added).
   * On an empty database, unless DMC_SEED=false: seed the demo content.
   */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    await ensureLocales(strapi);
    if (process.env.DMC_SEED !== 'false') {
      await seedDemoContent(strapi);
    }
  },
};
