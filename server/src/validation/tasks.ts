import { validateYupSchema, yup } from '@strapi/utils';
import { TASK_KINDS, TASK_STATUSES, type ListTasks } from '../../../shared/contracts';

const listTasksQuery = yup
  .object({
    kind: yup.string().oneOf([...TASK_KINDS]),
    status: yup.string().oneOf([...TASK_STATUSES]),
    page: yup.number().integer().min(1),
    pageSize: yup.number().integer().min(1).max(100),
  })
  .noUnknown();

/** Query strings arrive as text: cast (`page=2`), but refuse unknown keys and bad values. */
const listTasks = validateYupSchema(listTasksQuery, { strict: false });
export const validateListTasksQuery = async (query: unknown) => (await listTasks(query)) as ListTasks.Request['query'];
