import { validateYupSchema, yup } from '@strapi/utils';
import { TASK_KINDS, TASK_STATUSES, type ListTasks } from '../../../shared/contracts';

/** Query strings arrive as text: validated strictly as text (unknown keys refused), then converted. */
const positiveInteger = (name: string, max?: number) =>
  yup
    .string()
    .matches(/^[1-9]\d{0,8}$/, `${name} must be a positive integer`)
    .test('max', `${name} must be at most ${max}`, (value) => max === undefined || value === undefined || Number(value) <= max);

const listTasksQuery = yup
  .object({
    kind: yup.string().oneOf([...TASK_KINDS]),
    status: yup.string().oneOf([...TASK_STATUSES]),
    dryRun: yup.string().oneOf(['true', 'false']),
    page: positiveInteger('page'),
    pageSize: positiveInteger('pageSize', 100),
  })
  .noUnknown();

const listTasks = validateYupSchema(listTasksQuery);

export const validateListTasksQuery = async (query: unknown): Promise<ListTasks.Request['query']> => {
  const { kind, status, dryRun, page, pageSize } = (await listTasks(query)) as Record<string, string | undefined>;
  return {
    dryRun: dryRun === 'true',
    kind: kind as ListTasks.Request['query']['kind'],
    status: status as ListTasks.Request['query']['status'],
    page: page === undefined ? undefined : Number(page),
    pageSize: pageSize === undefined ? undefined : Number(pageSize),
  };
};
