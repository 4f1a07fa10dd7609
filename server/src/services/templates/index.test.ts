import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ContentTypeInfo } from '../../../../shared/contracts';
import { createTemplatesService } from '.';

/**
 * The shipped templates in an app that is not the playground: those for content types the app lacks are left
 * out (listed nowhere, 404, refused as templateId), the others listed and checked against the app's own schema.
 */

const contact: ContentTypeInfo = {
  uid: 'api::contact.contact',
  kind: 'collectionType',
  displayName: 'Contact',
  singularName: 'contact',
  pluralName: 'contacts',
  draftAndPublish: false,
  localized: false,
  matchKeys: ['documentId'],
  attributes: ['firstName', 'lastName', 'company', 'address', 'city', 'zip', 'phone', 'notes'].map((name) => ({
    name,
    type: 'string' as const,
    required: false,
    unique: false,
    private: false,
  })),
};

/** An app with one content type (`contact`, maybe without some attributes) and no saved template. */
const appWith = (type: ContentTypeInfo) => {
  const contentTypes = {
    isOffered: (uid: string) => uid === type.uid,
    get: (uid: string) => {
      if (uid !== type.uid) throw new errors.ValidationError(`Unknown content type "${uid}"`);
      return type;
    },
    localeCodes: async () => ['en'],
  };
  const strapi = {
    plugin: () => ({ service: (name: string) => (name === 'content-types' ? contentTypes : undefined) }),
    db: { query: () => ({ findMany: async () => [], findOne: async () => null, count: async () => 0 }) },
    log: { warn: jest.fn() },
  } as unknown as Core.Strapi;
  return createTemplatesService({ strapi });
};

describe('shipped templates in another app', () => {
  it('lists only those whose content type the app has (a bundle template of every type fits any app)', async () => {
    const templates = appWith(contact);
    expect((await templates.list()).map((template) => [template.id, template.broken])).toEqual([
      ['shipped:contacts-from-a-spreadsheet', null],
      ['shipped:whole-content-model', null],
    ]);
    await expect(templates.findOne('shipped:articles-by-slug')).rejects.toThrow(
      'Template shipped:articles-by-slug not found'
    );
    await expect(templates.settingsFor('shipped:articles-by-slug', 'import')).rejects.toThrow(
      'Import template shipped:articles-by-slug not found'
    );
    await expect(templates.settingsFor('shipped:contacts-from-a-spreadsheet', 'import')).resolves.toMatchObject({
      contentType: 'api::contact.contact',
      importStrategy: 'add-only',
    });
  });

  it('marks one broken when the app has the content type with other attributes', async () => {
    const templates = appWith({
      ...contact,
      attributes: contact.attributes.filter((attribute) => attribute.name !== 'zip'),
    });
    const [template] = await templates.list();
    expect(template.broken).toMatch(
      /^fieldMapping maps "ZIP" to "zip", which is not an attribute of api::contact\.contact/
    );
    await expect(templates.settingsFor('shipped:contacts-from-a-spreadsheet', 'import')).rejects.toThrow(
      /^Import template "Contacts from a spreadsheet \(CSV\)" \(shipped:contacts-from-a-spreadsheet\) is broken: fieldMapping maps "ZIP"/
    );
  });
});
