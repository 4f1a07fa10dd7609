import { errors, validateYupSchema, yup } from '@strapi/utils';
import { isShippedTemplateId, TEMPLATE_KINDS, type ListTemplates, type TemplateId, type TemplateInput } from '../../../shared/contracts';

/** A template id, as import and export options name it: a positive integer (`"12"` too), or `shipped:<name>`. */
export const templateIdSchema = yup
  .mixed<TemplateId>()
  .transform((value: unknown) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value))
  .test(
    'template-id',
    'templateId must be the id of a template: a positive integer, or shipped:<name> for a shipped template',
    (value) => value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || isShippedTemplateId(value)
  );

/** The `templateId` of a request body (an object), checked (400), or undefined. */
export const templateIdOf = async (body: unknown): Promise<TemplateId | undefined> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const raw = (body as { templateId?: unknown }).templateId;
  if (raw === undefined) return undefined;
  try {
    return await templateIdSchema.validate(raw);
  } catch (error) {
    const message = (error as Error).message;
    throw new errors.ValidationError(message, { errors: [{ path: ['templateId'], message, name: 'ValidationError' }] });
  }
};

const name = yup.string().trim().min(1).max(255);
const contentType = yup.string().matches(/^[a-z]+::[\w-]+\.[\w-]+$/, 'contentType must be a content type uid such as api::article.article');
const options = yup.object().test('plain-object', 'options must be an object', (value) => value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)));
const description = yup.string().max(2000).nullable();
/** Its shape; the cron expression, time zone and keep are checked by services/schedules/slots.ts (400 naming them). */
const schedule = yup
  .object({
    cron: yup.string().required('schedule.cron is required: a cron expression such as "0 3 * * *"'),
    timezone: yup.string(),
    keep: yup.number().integer('schedule.keep must be a whole number').nullable(),
    push: yup
      .object({
        environmentId: yup.number().integer().positive().required('schedule.push.environmentId is required: the id of a saved environment'),
        options: yup.object(),
      })
      .noUnknown()
      .nullable()
      .default(undefined),
  })
  .noUnknown()
  .nullable()
  .default(undefined);

/** An import or export template names its content type; a bundle template names its types in its options. */
const contentTypeOfKind = contentType.when('kind', {
  is: 'bundle',
  then: () => yup.string().oneOf(['', undefined], 'a bundle template has no contentType: its options name its types'),
  otherwise: () => contentType.required(),
});

export const createTemplateBody = yup
  .object({
    name: name.required(),
    kind: yup.string().oneOf([...TEMPLATE_KINDS]).required(),
    contentType: contentTypeOfKind,
    options,
    description,
    schedule,
  })
  .noUnknown();

const updateTemplateBody = yup
  .object({
    name,
    kind: yup.string().oneOf([...TEMPLATE_KINDS]),
    contentType,
    options,
    description,
    schedule,
  })
  .noUnknown();

const listTemplatesQuery = yup.object({ kind: yup.string().oneOf([...TEMPLATE_KINDS]) }).noUnknown();

const fromTaskBody = yup
  .object({
    name: name.required(),
    fromTaskId: yup.number().integer().positive().required(),
    description,
  })
  .noUnknown();

const createTemplate = validateYupSchema(createTemplateBody);
const createFromTask = validateYupSchema(fromTaskBody);
const updateTemplate = validateYupSchema(updateTemplateBody);
const listTemplates = validateYupSchema(listTemplatesQuery);

/** A template, or `{ name, fromTaskId, description? }`: save the settings of a finished task. */
export const validateCreateTemplate = async (
  body: unknown
): Promise<TemplateInput | { name: string; fromTaskId: number; description?: string | null }> => {
  if (body && typeof body === 'object' && 'fromTaskId' in body) {
    return (await createFromTask(body)) as { name: string; fromTaskId: number; description?: string | null };
  }
  return (await createTemplate(body)) as TemplateInput;
};
export const validateUpdateTemplate = async (body: unknown) => (await updateTemplate(body)) as Partial<TemplateInput>;
export const validateListTemplatesQuery = async (query: unknown) =>
  (await listTemplates(query)) as ListTemplates.Request['query'];
