import contentTypes from './content-types';
import tasks from './tasks';
import templates from './templates';

export default {
  'content-types': contentTypes,
  tasks,
  templates,
};
