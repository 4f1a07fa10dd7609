import type { Core } from '@strapi/strapi';
import { prepareSqlite } from './services/sqlite';
import { getConfig } from './utils';

const register = async ({ strapi }: { strapi: Core.Strapi }) => {
  // SQLite: writers wait for each other without blocking the process, and reads do not wait for a writer
  // (services/sqlite.ts). Here, before Strapi's own bootstrap writes to the database.
  if (strapi.db.dialect.client === 'sqlite' && getConfig(strapi).sqliteConcurrentReads) await prepareSqlite(strapi);
};

export default register;
