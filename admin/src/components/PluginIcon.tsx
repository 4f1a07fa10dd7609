import { Database } from '@strapi/icons';

export const PluginIcon = () => <Database />;
