import fs from 'node:fs';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { PERMISSION_ACTIONS } from './constants';
import { createBundleExportHandler } from './services/tasks/bundle-export-task';
import { createBundleImportHandler } from './services/tasks/bundle-import-task';
import { createExportHandler } from './services/tasks/export-task';
import { createImportHandler } from './services/tasks/import-task';
import { createRevertHandler } from './services/tasks/revert-task';
import { registerTaskEvents } from './services/tasks/task-events';
import { allowConcurrentReads } from './services/sqlite';
import { getConfig, getService } from './utils';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(PERMISSION_ACTIONS);

  // Webhooks may subscribe to data-migration-center.task.completed / .failed (services/tasks/task-events.ts).
  registerTaskEvents(strapi);

  const runner = getService(strapi, 'runner');
  runner.registerHandler('import', createImportHandler(strapi));
  runner.registerHandler('export', createExportHandler(strapi));
  runner.registerHandler('bundle-export', createBundleExportHandler(strapi));
  runner.registerHandler('bundle-import', createBundleImportHandler(strapi));
  runner.registerHandler('revert', createRevertHandler(strapi));

  // SQLite: reads answer while an import holds the writer (services/sqlite.ts, prepared in register): the second
  // connection only once the HTTP server listens (not in command-line processes).
  // It does nothing where register did not prepare SQLite (other databases, the setting off).
  strapi.server.httpServer.once('listening', () => allowConcurrentReads(strapi));

  // Tasks left `running` by a server that stopped are marked interrupted; queued ones are picked up.
  await runner.start();
  // Scheduled exports (services/schedules): every server looks; one claims each slot. Not in the command line.
  if (!runner.runsOwnTasksOnly()) getService(strapi, 'scheduler').start();

  // Batch files, once the runner runs their tasks. A failing file with failOnError throws: start-up fails, naming it.
  const { batchFiles } = getConfig(strapi);
  const folder = path.resolve(strapi.dirs.app.root, batchFiles.folder);
  if (batchFiles.enabled && fs.existsSync(folder)) {
    await getService(strapi, 'batch-files').applyFolder(folder, { failOnError: batchFiles.failOnError });
  }
};

export default bootstrap;
