import contentTypes from './content-types';
import fileHeads from './file-heads';
import tasks from './tasks';
import templates from './templates';

export default {
  'content-types': contentTypes,
  'file-heads': fileHeads,
  tasks,
  templates,
};
