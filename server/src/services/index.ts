import { createBatchFilesService } from './batch-files';
import { createContentTypesService } from './content-types';
import { createExportsService } from './exports';
import { createImportsService } from './imports';
import { createLocksService } from './locks';
import { createPermissionsService } from './permissions';
import { createRunnerService } from './runner';
import { createSqliteService } from './sqlite';
import { createStorageService } from './storage';
import { createTasksService } from './tasks';
import { createTemplatesService } from './templates';

const services = {
  'batch-files': createBatchFilesService,
  'content-types': createContentTypesService,
  exports: createExportsService,
  imports: createImportsService,
  locks: createLocksService,
  permissions: createPermissionsService,
  runner: createRunnerService,
  sqlite: createSqliteService,
  storage: createStorageService,
  tasks: createTasksService,
  templates: createTemplatesService,
};

export type Services = { [K in keyof typeof services]: ReturnType<(typeof services)[K]> };

export default services;
