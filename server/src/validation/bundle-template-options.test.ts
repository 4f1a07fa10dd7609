import { errors } from '@strapi/utils';
import type { BundleTemplateOptions } from '../../../shared/contracts';
import { bundleExportWithTemplate, bundleImportWithTemplate, checkBundleTemplateOptions, exportSideOf, importSideOf } from './bundle-template-options';

const ARTICLE = 'api::article.article';
const CATEGORY = 'api::category.category';
const TAG = 'api::tag.tag';

const template: BundleTemplateOptions = {
  types: [
    { contentType: ARTICLE, fields: ['title', 'category'], status: 'published', matchBy: 'slug', importStrategy: 'upsert' },
    { contentType: CATEGORY, filters: { slug: { $ne: 'old' } }, matchBy: 'slug', updateStrategy: 'overwrite' },
    { contentType: TAG },
  ],
  withDependencies: true,
  media: true,
  onError: 'continue',
};

/** The path a 400 names. */
const pathOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(errors.ValidationError);
    return ((error as errors.ValidationError).details as { errors: Array<{ path: string[] }> }).errors[0].path.join('.');
  }
  return undefined;
};

describe('checkBundleTemplateOptions', () => {
  it('takes types "all" or a list of types with export and import options', () => {
    expect(checkBundleTemplateOptions(template)).toBe(template);
    expect(checkBundleTemplateOptions({ types: 'all', definitions: true })).toEqual({ types: 'all', definitions: true });
  });

  it.each([
    [null, 'options'],
    [[], 'options'],
    [{}, 'options.types'],
    [{ types: [] }, 'options.types'],
    [{ types: 'some' }, 'options.types'],
    [{ types: 'all', media: 'yes' }, 'options.media'],
    [{ types: 'all', onError: 'skip' }, 'options.onError'],
    [{ types: 'all', dryRun: true }, 'options'],
    [{ types: [{ fields: ['a'] }] }, 'options.types[0].contentType'],
    [{ types: [{ contentType: TAG }, { contentType: ARTICLE, importStrategy: 'merge' }] }, 'options.types[1].importStrategy'],
    [{ types: [{ contentType: TAG, filters: [] }] }, 'options.types[0].filters'],
    [{ types: [{ contentType: TAG, color: 'red' }] }, 'options.types[0]'],
    [{ types: [{ contentType: TAG }, { contentType: TAG }] }, 'options.types[1].contentType'],
  ])('refuses %j naming %s', (options, path) => {
    expect(pathOf(() => checkBundleTemplateOptions(options))).toBe(path);
  });
});

describe('the two sides of a template', () => {
  it('a bundle export takes the types with their export options, and the bundle options', () => {
    expect(exportSideOf(template)).toEqual({
      types: [
        { contentType: ARTICLE, fields: ['title', 'category'], status: 'published' },
        { contentType: CATEGORY, filters: { slug: { $ne: 'old' } } },
        { contentType: TAG },
      ],
      withDependencies: true,
      media: true,
    });
    expect(exportSideOf({ types: 'all', definitions: true })).toEqual({ types: 'all', definitions: true });
  });

  it('a bundle import takes onError and the import options of the types the bundle holds', () => {
    expect(importSideOf(template, new Set([ARTICLE, TAG]))).toEqual({
      onError: 'continue',
      types: { [ARTICLE]: { importStrategy: 'upsert', matchBy: 'slug', status: 'published' } },
    });
    expect(importSideOf({ types: 'all' }, new Set([ARTICLE]))).toEqual({ types: {} });
  });

  it("the request's options apply over the template's: an export's types whole, an import's per type key by key", () => {
    expect(bundleExportWithTemplate(template, { templateId: 3, media: false, name: 'Nightly' })).toEqual({ ...exportSideOf(template), media: false, name: 'Nightly' });
    expect(bundleExportWithTemplate(template, { templateId: 3, types: [{ contentType: TAG }] }).types).toEqual([{ contentType: TAG }]);
    expect(
      bundleImportWithTemplate(template, { templateId: 3, dryRun: true, types: { [ARTICLE]: { matchBy: 'documentId' }, [TAG]: { importStrategy: 'add-only' } } }, new Set([ARTICLE, CATEGORY, TAG]))
    ).toEqual({
      onError: 'continue',
      dryRun: true,
      types: {
        [ARTICLE]: { importStrategy: 'upsert', matchBy: 'documentId', status: 'published' },
        [CATEGORY]: { matchBy: 'slug', updateStrategy: 'overwrite' },
        [TAG]: { importStrategy: 'add-only' },
      },
    });
  });
});

describe('lifecycles in bundle templates', () => {
  it('takes lifecycles for the whole bundle and per type, and a bundle import takes both (the request wins)', () => {
    const withHooks: BundleTemplateOptions = {
      types: [{ contentType: ARTICLE, lifecycles: 'run' }, { contentType: TAG }],
      lifecycles: 'skip',
    };
    expect(checkBundleTemplateOptions(withHooks)).toBe(withHooks);
    expect(importSideOf(withHooks, new Set([ARTICLE, TAG]))).toEqual({ lifecycles: 'skip', types: { [ARTICLE]: { lifecycles: 'run' } } });
    expect(bundleImportWithTemplate(withHooks, { lifecycles: 'run' }, new Set([ARTICLE, TAG]))).toEqual({
      lifecycles: 'run',
      types: { [ARTICLE]: { lifecycles: 'run' } },
    });
  });

  it('refuses another value, naming where', () => {
    expect(pathOf(() => checkBundleTemplateOptions({ types: 'all', lifecycles: 'always' } as unknown as BundleTemplateOptions))).toBe('options.lifecycles');
    expect(
      pathOf(() => checkBundleTemplateOptions({ types: [{ contentType: TAG, lifecycles: 'yes' }] } as unknown as BundleTemplateOptions))
    ).toBe('options.types[0].lifecycles');
  });
});
