import { createBatchFilesService } from './batch-files';
import { createBundleDefinitionsService } from './bundle-definitions';
import { createBundleExportsService } from './tasks/bundle-exports';
import { createBundleImportsService } from './tasks/bundle-imports';
import { createContentTypesService } from './content-types';
import { createEnvironmentsService } from './environments';
import { createExportsService } from './tasks/exports';
import { createImportsService } from './tasks/imports';
import { createLocksService } from './tasks/locks';
import { createMigrationsService } from './tasks/migrations';
import { createPermissionsService } from './permissions';
import { createRunnerService } from './tasks/runner';
import { createSecretKeysService } from './tasks/secret-keys';
import { createSchedulerService } from './schedules/scheduler';
import { createSqliteService } from './sqlite';
import { createStorageService } from './storage/index';
import { createTasksService } from './tasks/tasks';
import { createTemplatesService } from './templates';
import { createTransferService } from './transfer';

const services = {
  'batch-files': createBatchFilesService,
  'bundle-definitions': createBundleDefinitionsService,
  'bundle-exports': createBundleExportsService,
  'bundle-imports': createBundleImportsService,
  'content-types': createContentTypesService,
  environments: createEnvironmentsService,
  exports: createExportsService,
  imports: createImportsService,
  locks: createLocksService,
  migrations: createMigrationsService,
  permissions: createPermissionsService,
  runner: createRunnerService,
  scheduler: createSchedulerService,
  'secret-keys': createSecretKeysService,
  sqlite: createSqliteService,
  storage: createStorageService,
  tasks: createTasksService,
  templates: createTemplatesService,
  transfer: createTransferService,
};

export type Services = { [K in keyof typeof services]: ReturnType<(typeof services)[K]> };

export default services;
