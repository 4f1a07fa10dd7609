import task from './task';
import template from './template';
import appliedBatchFile from './applied-batch-file';

export default {
  task,
  template,
  'applied-batch-file': appliedBatchFile,
};
