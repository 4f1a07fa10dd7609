import type { ContentTypeInfo, Template } from '../../../shared/contracts';
import { attribute } from '../testing/fixtures';
import {
  applyPresets,
  buildExportOptions,
  buildImportFormData,
  buildImportOptions,
  contentTypeFromConfiguration,
  copyName,
  EXPORT_DEFAULTS,
  exportValuesFromTemplate,
  IMPORT_DEFAULTS,
  importPresetFromConfiguration,
  importPresetFromTemplate,
  importValuesFromTemplate,
  parseFilters,
  presetFieldMapping,
  relationKeys,
  templateOptions,
  validateExportForm,
  validateImportForm,
} from './forms';

const contentType = (uid: string, extra: Partial<ContentTypeInfo> = {}): ContentTypeInfo => {
  const name = uid.split('.').pop() as string;
  return {
    uid,
    kind: 'collectionType',
    displayName: name[0].toUpperCase() + name.slice(1),
    singularName: name,
    pluralName: `${name}s`,
    draftAndPublish: false,
    localized: false,
    matchKeys: ['documentId'],
    attributes: [],
    ...extra,
  };
};

const category = contentType('api::category.category', { matchKeys: ['documentId', 'slug'] });
const tag = contentType('api::tag.tag', { matchKeys: ['documentId', 'name'] });
const article = contentType('api::article.article', {
  draftAndPublish: true,
  localized: true,
  matchKeys: ['documentId', 'slug'],
  attributes: [
    attribute('title', 'string', { required: true }),
    attribute('slug', 'uid', { unique: true }),
    attribute('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' }),
    attribute('tags', 'relation', { relation: 'manyToMany', target: 'api::tag.tag' }),
  ],
});
const contact = contentType('api::contact.contact', { attributes: [attribute('firstName', 'string'), attribute('zip', 'string')] });
const contentTypes = [article, category, contact, tag];

const template = (extra: Partial<Template>): Template => ({
  id: 7,
  name: 'Saved',
  kind: 'export',
  contentType: 'api::article.article',
  options: {},
  description: null,
  readOnly: false,
  broken: null,
  createdAt: null,
  updatedAt: null,
  schedule: null,
  nextRunAt: null,
  lastRunAt: null,
  lastRun: null,
  lastPush: null,
  ...extra,
});

describe('export form', () => {
  it('cannot be submitted without a content type', () => {
    expect(validateExportForm(EXPORT_DEFAULTS)).toEqual({ contentType: 'required' });
    expect(validateExportForm({ ...EXPORT_DEFAULTS, contentType: 'api::tag.tag' })).toEqual({});
  });

  it('checks the filters are a JSON object', () => {
    expect(parseFilters('')).toEqual({ value: undefined });
    expect(parseFilters(' {"views": {"$gt": 1}} ')).toEqual({ value: { views: { $gt: 1 } } });
    expect(parseFilters('{views: 1}')).toEqual({ error: 'invalidJson' });
    expect(parseFilters('[1]')).toEqual({ error: 'notAnObject' });
    expect(parseFilters('null')).toEqual({ error: 'notAnObject' });
    expect(validateExportForm({ ...EXPORT_DEFAULTS, contentType: 'api::tag.tag', filters: '{' })).toEqual({ filters: 'invalidJson' });
  });

  it('sends the sort as the Content Manager writes it, refuses entries that are not by an attribute, and reads it back from a template', () => {
    const values = { ...EXPORT_DEFAULTS, contentType: 'api::tag.tag' };
    expect(buildExportOptions({ ...values, sort: '' }, undefined).sort).toBeUndefined();
    expect(buildExportOptions({ ...values, sort: 'name:ASC' }, undefined).sort).toBe('name:ASC');
    expect(buildExportOptions({ ...values, sort: 'name:ASC, slug:DESC' }, undefined).sort).toEqual(['name:ASC', 'slug:DESC']);
    expect(validateExportForm({ ...values, sort: 'name:up' })).toEqual({ sort: 'invalidSort' });
    expect(validateExportForm({ ...values, sort: 'name:DESC' })).toEqual({});
    const saved = exportValuesFromTemplate(template({ kind: 'export', contentType: 'api::tag.tag', options: { sort: ['name:ASC', 'slug:DESC'] } }));
    expect(saved.sort).toBe('name:ASC, slug:DESC');
  });

  it('needs at least one field when fields are chosen', () => {
    expect(validateExportForm({ ...EXPORT_DEFAULTS, contentType: 'api::tag.tag', fields: [] })).toEqual({ fields: 'noFields' });
  });

  it('sends only what applies to the content type', () => {
    const values = { ...EXPORT_DEFAULTS, contentType: 'api::contact.contact', locale: 'fr', status: 'published' as const, relationsAs: 'slug' };
    expect(buildExportOptions(values, contact)).toEqual({ contentType: 'api::contact.contact', format: 'json' });
  });

  it('sends locale, status, relation key, filters, timestamps, name and template when set', () => {
    expect(
      buildExportOptions(
        {
          ...EXPORT_DEFAULTS,
          contentType: 'api::article.article',
          format: 'csv',
          locale: 'all',
          status: 'published',
          relationsAs: 'slug',
          filters: '{"title":{"$contains":"a"}}',
          includeTimestamps: true,
          name: '  Weekly  ',
          templateId: 3,
        },
        article
      )
    ).toEqual({
      contentType: 'api::article.article',
      format: 'csv',
      locale: 'all',
      status: 'published',
      relationsAs: 'slug',
      filters: { title: { $contains: 'a' } },
      includeTimestamps: true,
      name: 'Weekly',
      templateId: 3,
    });
  });

  it('leaves fields out when all are selected, and keeps the attribute order otherwise', () => {
    const base = { ...EXPORT_DEFAULTS, contentType: 'api::article.article' };
    expect(buildExportOptions({ ...base, fields: null }, article).fields).toBeUndefined();
    expect(buildExportOptions({ ...base, fields: ['tags', 'slug', 'title', 'category'] }, article).fields).toBeUndefined();
    expect(buildExportOptions({ ...base, fields: ['tags', 'title'] }, article).fields).toEqual(['title', 'tags']);
  });

  it('offers documentId and the unique keys of the relation targets', () => {
    expect(relationKeys(article, contentTypes)).toEqual(['documentId', 'slug', 'name']);
    expect(relationKeys(contact, contentTypes)).toEqual(['documentId']);
  });

  it('fills the form from a template', () => {
    const values = exportValuesFromTemplate(
      template({ options: { format: 'jsont', fields: ['title'], filters: { a: 1 }, locale: 'fr', relationsAs: 'slug', status: 'published', includeTimestamps: true } })
    );
    expect(values).toEqual({
      ...EXPORT_DEFAULTS,
      templateId: 7,
      contentType: 'api::article.article',
      format: 'jsont',
      fields: ['title'],
      filters: JSON.stringify({ a: 1 }, null, 2),
      locale: 'fr',
      relationsAs: 'slug',
      status: 'published',
      includeTimestamps: true,
    });
    expect(exportValuesFromTemplate(template({ options: { format: 'xml' as never } })).format).toBe('json');
  });

  it('saves templates without the task name, template link or dry run', () => {
    expect(templateOptions({ contentType: 'x', name: 'n', templateId: 1, format: 'csv' })).toEqual({ contentType: 'x', format: 'csv' });
    expect(templateOptions({ contentType: 'x', dryRun: true, onError: 'stop' })).toEqual({ contentType: 'x', onError: 'stop' });
  });
});

describe('import form', () => {
  const file = new File(['[]'], 'a.json');

  it('cannot go to the preview without a file or a content type', () => {
    expect(validateImportForm(IMPORT_DEFAULTS, null)).toEqual({ file: 'required', contentType: 'required' });
    expect(validateImportForm({ ...IMPORT_DEFAULTS, contentType: 'api::tag.tag' }, file)).toEqual({});
  });

  it('refuses two fields mapped to one attribute', () => {
    const mapping = [
      { source: 'a', target: 'title' },
      { source: 'b', target: 'title' },
      { source: 'c', target: null },
      { source: 'd', target: null },
    ];
    expect(validateImportForm({ ...IMPORT_DEFAULTS, contentType: 'x', mapping }, file)).toEqual({ mapping: 'duplicateTarget' });
  });

  it('builds the options, with the mapping as renames and ignores', () => {
    const values = {
      ...IMPORT_DEFAULTS,
      name: 'CRM',
      contentType: 'api::article.article',
      format: 'csv' as const,
      importStrategy: 'add-only' as const,
      onError: 'continue' as const,
      matchBy: 'slug',
      locale: 'fr',
      status: 'published' as const,
      templateId: 2,
      mapping: [
        { source: 'title', target: 'title' },
        { source: 'Slug', target: 'slug' },
        { source: 'colour', target: null },
      ],
    };
    expect(buildImportOptions(values, article, { dryRun: true })).toEqual({
      contentType: 'api::article.article',
      format: 'csv',
      importStrategy: 'add-only',
      updateStrategy: 'patch',
      onError: 'continue',
      matchBy: 'slug',
      fieldMapping: { Slug: 'slug', colour: null },
      locale: 'fr',
      status: 'published',
      dryRun: true,
      templateId: 2,
      name: 'CRM',
    });
    expect(buildImportOptions({ ...values, contentType: 'api::contact.contact', format: '', mapping: [] }, contact)).toEqual({
      contentType: 'api::contact.contact',
      importStrategy: 'add-only',
      updateStrategy: 'patch',
      onError: 'continue',
      matchBy: 'slug',
      templateId: 2,
      name: 'CRM',
    });
  });

  it('sends the encoding of a text file when it is not UTF-8, never for a workbook', () => {
    const values = { ...IMPORT_DEFAULTS, contentType: 'api::contact.contact', format: 'csv' as const };
    expect(IMPORT_DEFAULTS.encoding).toBe('');
    expect(buildImportOptions(values, contact).encoding).toBeUndefined();
    expect(buildImportOptions({ ...values, encoding: 'utf-8' }, contact).encoding).toBeUndefined();
    expect(buildImportOptions({ ...values, encoding: 'windows-1252' }, contact).encoding).toBe('windows-1252');
    expect(buildImportOptions({ ...values, format: 'jsonl', encoding: 'utf-16le' }, contact).encoding).toBe('utf-16le');
    expect(buildImportOptions({ ...values, format: '', encoding: 'utf-16be' }, contact).encoding).toBe('utf-16be');
    expect(buildImportOptions({ ...values, format: 'xlsx', encoding: 'windows-1252' }, contact).encoding).toBeUndefined();
  });

  it('sends lifecycles only when asked to run them (skip is the default), and reads it from a template', () => {
    const values = { ...IMPORT_DEFAULTS, contentType: 'api::contact.contact', format: 'jsonl' as const };
    expect(IMPORT_DEFAULTS.lifecycles).toBe('skip');
    expect(buildImportOptions(values, contact).lifecycles).toBeUndefined();
    expect(buildImportOptions({ ...values, lifecycles: 'run' }, contact).lifecycles).toBe('run');
    const saved = template({ kind: 'import', contentType: 'api::contact.contact', options: { lifecycles: 'run' } });
    expect(importPresetFromTemplate(saved).lifecycles).toBe('run');
    expect(importValuesFromTemplate(saved).lifecycles).toBe('run');
    const unknown = { lifecycles: 'always' } as unknown as Template['options'];
    expect(importPresetFromTemplate(template({ kind: 'import', contentType: 'api::contact.contact', options: unknown })).lifecycles).toBeUndefined();
  });

  it('sends the file and the options as multipart', async () => {
    const body = buildImportFormData(file, { contentType: 'api::tag.tag' });
    expect(JSON.parse(body.get('options') as string)).toEqual({ contentType: 'api::tag.tag' });
    expect((body.get('file') as File).name).toBe('a.json');
  });
});

describe('presets', () => {
  it('finds the content type a configuration names', () => {
    expect(contentTypeFromConfiguration({ contentType: 'api::tag.tag' }, contentTypes)).toBe('api::tag.tag');
    expect(contentTypeFromConfiguration({ className: 'api::contact.contact' }, contentTypes)).toBe('api::contact.contact');
    expect(contentTypeFromConfiguration({ className: 'com.liferay.object.rest.dto.v1_0.ObjectEntry', taskItemDelegateName: 'C_Article' }, contentTypes)).toBe(
      'api::article.article'
    );
    expect(contentTypeFromConfiguration({ className: 'com.liferay.headless.admin.taxonomy.dto.v1_0.Category' }, contentTypes)).toBe(
      'api::category.category'
    );
    expect(contentTypeFromConfiguration({ className: 'com.example.Tags' }, contentTypes)).toBe('api::tag.tag');
    expect(contentTypeFromConfiguration({ contentType: 'api::unknown.unknown' }, contentTypes)).toBeUndefined();
    expect(contentTypeFromConfiguration({ className: 42 }, contentTypes)).toBeUndefined();
  });

  it('reads our configuration keys', () => {
    expect(
      importPresetFromConfiguration(
        {
          contentType: 'api::article.article',
          importStrategy: 'add-only',
          updateStrategy: 'overwrite',
          onError: 'continue',
          matchBy: 'slug',
          locale: 'fr',
          status: 'published',
          fieldMapping: { Headline: 'title', Skip: null, Bad: 3 },
        },
        contentTypes
      )
    ).toEqual({
      contentType: 'api::article.article',
      importStrategy: 'add-only',
      updateStrategy: 'overwrite',
      onError: 'continue',
      matchBy: 'slug',
      locale: 'fr',
      status: 'published',
      fieldMapping: { Headline: 'title', Skip: null },
    });
  });

  it("reads Liferay's parameters", () => {
    expect(
      importPresetFromConfiguration(
        {
          className: 'com.liferay.headless.admin.taxonomy.dto.v1_0.Category',
          parameters: { createStrategy: 'INSERT', importStrategy: 'ON_ERROR_CONTINUE', updateStrategy: 'UPDATE' },
        },
        contentTypes
      )
    ).toEqual({ contentType: 'api::category.category', importStrategy: 'add-only', onError: 'continue', updateStrategy: 'overwrite' });
    expect(
      importPresetFromConfiguration({ parameters: { createStrategy: 'UPSERT', importStrategy: 'ON_ERROR_FAIL', updateStrategy: 'PARTIAL_UPDATE' } }, [])
    ).toEqual({ importStrategy: 'upsert', onError: 'stop', updateStrategy: 'patch' });
    expect(importPresetFromConfiguration({ parameters: { createStrategy: 'toString' } }, [])).toEqual({});
  });

  it('reads a template', () => {
    expect(
      importPresetFromTemplate(
        template({ kind: 'import', contentType: 'api::contact.contact', options: { format: 'csv', onError: 'continue', fieldMapping: { Zip: 'zip' } } })
      )
    ).toEqual({ templateId: 7, contentType: 'api::contact.contact', format: 'csv', onError: 'continue', fieldMapping: { Zip: 'zip' } });
  });

  it("applies a template's encoding, as it does its delimiter (an unknown one left out)", () => {
    const options = { format: 'csv', csvDelimiter: ';', encoding: 'windows-1252' } as const;
    const preset = importPresetFromTemplate(template({ kind: 'import', contentType: 'api::contact.contact', options }));
    expect(preset).toEqual(expect.objectContaining({ csvDelimiter: ';', encoding: 'windows-1252' }));
    expect(applyPresets(IMPORT_DEFAULTS, preset).encoding).toBe('windows-1252');
    expect(importValuesFromTemplate(template({ kind: 'import', contentType: 'api::contact.contact', options })).encoding).toBe('windows-1252');
    const unknown = { encoding: 'latin-9' } as unknown as Template['options'];
    expect(importPresetFromTemplate(template({ kind: 'import', contentType: 'api::contact.contact', options: unknown })).encoding).toBeUndefined();
  });

  it('applies presets over the defaults, later ones first, keeping the name and mapping', () => {
    const current = { ...IMPORT_DEFAULTS, name: 'Mine', onError: 'continue' as const, mapping: [{ source: 'a', target: null }] };
    const config = { contentType: 'api::tag.tag', importStrategy: 'add-only' as const, fieldMapping: { a: 'x', b: 'y' } };
    const fromTemplate = { contentType: 'api::contact.contact', templateId: 4, fieldMapping: { b: 'z' } };
    expect(applyPresets(current, config, fromTemplate)).toEqual({
      ...IMPORT_DEFAULTS,
      name: 'Mine',
      mapping: [{ source: 'a', target: null }],
      contentType: 'api::contact.contact',
      importStrategy: 'add-only',
      templateId: 4,
    });
    expect(presetFieldMapping(config, fromTemplate)).toEqual({ a: 'x', b: 'z' });
    expect(presetFieldMapping({}, {})).toBeUndefined();
  });

  it('fills the template form from an import template, mapping rows included', () => {
    const values = importValuesFromTemplate(
      template({ kind: 'import', contentType: 'api::contact.contact', options: { fieldMapping: { 'First Name': 'firstName', Notes: null } } })
    );
    expect(values.contentType).toBe('api::contact.contact');
    expect(values.mapping).toEqual([
      { source: 'First Name', target: 'firstName' },
      { source: 'Notes', target: null },
    ]);
  });
});

describe('copyName', () => {
  it('finds a free name for a copy', () => {
    expect(copyName('Articles', ['Articles'])).toBe('Articles (copy)');
    expect(copyName('Articles', ['Articles', 'Articles (copy)'])).toBe('Articles (copy 2)');
    expect(copyName('Articles', ['Articles (copy)', 'Articles (copy 2)'])).toBe('Articles (copy 3)');
  });
});
