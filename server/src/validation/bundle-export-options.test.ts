import { errors } from '@strapi/utils';
import { parseBundleExportOptions, typeExportOptions } from './bundle-export-options';

/** The field a 400 names (its first error's path). */
const pathOf = async (body: unknown): Promise<string> => {
  try {
    await parseBundleExportOptions(body);
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    const details = (error as errors.ValidationError).details as { errors?: Array<{ path: string[] }> };
    return details.errors?.[0]?.path.join('.') ?? '';
  }
  throw new Error(`${JSON.stringify(body)} was accepted`);
};

describe('parseBundleExportOptions', () => {
  it('accepts a list of types with their options, or "all"', async () => {
    const body = {
      types: [{ contentType: 'api::article.article', fields: ['title'], filters: { slug: 'a' }, locale: 'all', status: 'published', relationsAs: 'slug' }],
      withDependencies: true,
      media: false,
      definitions: true,
      source: 'staging',
    };
    await expect(parseBundleExportOptions(body)).resolves.toEqual(body);
    await expect(parseBundleExportOptions({ types: 'all' })).resolves.toEqual({ types: 'all' });
  });

  it.each([
    ['a body that is not an object', [], 'types'],
    ['no types', {}, 'types'],
    ['no type', { types: [] }, 'types'],
    ['types neither a list nor all', { types: 'every' }, 'types'],
    ['a type without contentType', { types: [{ fields: ['a'] }] }, 'types[0].contentType'],
    ['a second type without contentType', { types: [{ contentType: 'api::a.a' }, { contentType: '' }] }, 'types[1].contentType'],
    ['fields not a list', { types: [{ contentType: 'api::a.a', fields: 'title' }] }, 'types[0].fields'],
    ['filters not an object', { types: [{ contentType: 'api::a.a', filters: [1] }] }, 'types[0].filters'],
    ['a status of no kind', { types: [{ contentType: 'api::a.a', status: 'archived' }] }, 'types[0].status'],
    ['an option a bundle type has not', { types: [{ contentType: 'api::a.a', format: 'csv' }] }, 'types[0]'],
    ['a type twice', { types: [{ contentType: 'api::a.a' }, { contentType: 'api::a.a' }] }, 'types[1].contentType'],
    ['media not a boolean', { types: 'all', media: 'yes' }, 'media'],
    ['definitions not a boolean', { types: 'all', definitions: 1 }, 'definitions'],
    ['an empty source', { types: 'all', source: '' }, 'source'],
  ])('refuses %s, naming the field', async (_name, body, field) => {
    expect(await pathOf(body)).toBe(field);
  });
});

describe('typeExportOptions', () => {
  it('reads a bundle type as a single-type JSONL export, defaults as nulls', () => {
    expect(typeExportOptions({ contentType: 'api::a.a', fields: ['x'], relationsAs: 'documentId' })).toEqual({
      contentType: 'api::a.a',
      format: 'jsonl',
      fields: ['x'],
      filters: null,
      locale: null,
      status: null,
      sort: null,
      relationsAs: 'documentId',
      csvDelimiter: ',',
      csvBom: false,
      includeTimestamps: false,
      templateId: null,
      name: '',
    });
  });
});
