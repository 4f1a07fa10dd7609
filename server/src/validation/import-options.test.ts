import { errors } from '@strapi/utils';
import type { ContentTypeInfo } from '../../../shared/contracts';
import { parseImportOptions, resolveImportOptions } from './import-options';

const CONTACT = 'api::contact.contact';
const describeType = (uid: string) => ({ uid, matchKeys: ['documentId'], attributes: [], localized: false, draftAndPublish: false }) as unknown as ContentTypeInfo;
const resolve = (...layers: Array<Record<string, unknown> | null>) =>
  resolveImportOptions({ layers, format: 'jsonl', fileName: 'c.jsonl', describe: describeType, locales: ['en'] });

/** The path a 400 names. */
const pathOf = async (fn: () => unknown): Promise<string | undefined> => {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    return ((error as errors.ValidationError).details as { errors: Array<{ path: string[] }> }).errors[0].path.join('.');
  }
  return undefined;
};

describe('import option lifecycles', () => {
  it('is skip by default; run from the request, else the template', () => {
    expect(resolve({ contentType: CONTACT }).lifecycles).toBe('skip');
    expect(resolve({ contentType: CONTACT, lifecycles: 'run' }).lifecycles).toBe('run');
    expect(resolve({ contentType: CONTACT }, { lifecycles: 'run' }).lifecycles).toBe('run');
    expect(resolve({ contentType: CONTACT, lifecycles: 'skip' }, { lifecycles: 'run' }).lifecycles).toBe('skip');
  });

  it('another value is a 400 naming lifecycles, in the request and in a template', async () => {
    expect(await pathOf(() => parseImportOptions(JSON.stringify({ lifecycles: 'always' })))).toBe('lifecycles');
    expect(await pathOf(() => resolve({ contentType: CONTACT }, { lifecycles: 'always' }))).toBe('lifecycles');
  });
});
