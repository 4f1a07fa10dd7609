import task from './task';
import template from './template';
import appliedBatchFile from './applied-batch-file';
import bundleFile from './bundle-file';
import environment from './environment';

export default {
  task,
  template,
  'applied-batch-file': appliedBatchFile,
  'bundle-file': bundleFile,
  environment,
};
