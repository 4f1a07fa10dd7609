import { validateYupSchema, yup } from '@strapi/utils';
import { HEAD_LENGTH } from '../../../shared/formats';
import type { ReadFileHead } from '../../../shared/contracts';

const fileHeadBody = yup
  .object({
    fileName: yup.string().required('fileName is required').max(1000, 'fileName must be at most 1000 characters'),
    head: yup
      .string()
      .defined('head is required: the first bytes of the file, as text')
      .max(HEAD_LENGTH, `head must be at most ${HEAD_LENGTH} characters (the first 64 KB of the file)`),
    complete: yup.boolean().strict().required('complete is required: whether head is the whole file'),
  })
  .noUnknown();

const validate = validateYupSchema(fileHeadBody, { strict: true });

/** POST /file-heads: the body, checked (400 naming the field). */
export const validateFileHeadBody = async (body: unknown): Promise<ReadFileHead.Request['body']> =>
  (await validate(body)) as ReadFileHead.Request['body'];
