import type { Core } from '@strapi/strapi';
import { getConfig } from '../../utils';
import { createLocalStorage } from './local';
import { createS3Storage } from './s3';
import type { TaskFileStorage } from './types';

export type { TaskFileStorage } from './types';

/** The task files' storage the configuration names (`storage.provider`: `local` or `s3`; see types.ts). */
export const createStorageService = ({ strapi }: { strapi: Core.Strapi }): TaskFileStorage => {
  const { storage } = getConfig(strapi);
  if (storage.provider === 's3') {
    if (!storage.s3) throw new Error('data-migration-center: storage.provider is "s3" but storage.s3 is not set');
    return createS3Storage(storage.s3);
  }
  return createLocalStorage(strapi);
};

export type StorageService = ReturnType<typeof createStorageService>;
