import bundleDefinitions from './bundle-definitions';
import contentTypes from './content-types';
import environments from './environments';
import fileHeads from './file-heads';
import info from './info';
import tasks from './tasks';
import templates from './templates';

export default {
  'bundle-definitions': bundleDefinitions,
  'content-types': contentTypes,
  environments,
  'file-heads': fileHeads,
  info,
  tasks,
  templates,
};
