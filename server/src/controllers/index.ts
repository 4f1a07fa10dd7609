import bundleDefinitions from './bundle-definitions';
import contentTypes from './content-types';
import environments from './environments';
import fileHeads from './file-heads';
import importPreviews from './import-previews';
import info from './info';
import tasks from './tasks';
import templates from './templates';

export default {
  'bundle-definitions': bundleDefinitions,
  'content-types': contentTypes,
  environments,
  'file-heads': fileHeads,
  'import-previews': importPreviews,
  info,
  tasks,
  templates,
};
