import { PLUGIN_ID } from '../../../shared/contracts';

/** Translation keys carry the plugin id: `data-migration-center.tasks.title`. */
export const getTranslation = (id: string) => `${PLUGIN_ID}.${id}`;
