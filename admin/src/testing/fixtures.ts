import type { AttributeInfo, ContentTypeInfo, Task, Template } from '../../../shared/contracts';

/** An attribute as GET /content-types describes it (not required, unique or private unless `extra` says). */
export const attribute = (name: string, type: AttributeInfo['type'], extra: Partial<AttributeInfo> = {}): AttributeInfo => ({
  name,
  type,
  required: false,
  unique: false,
  private: false,
  ...extra,
});

export const articleType: ContentTypeInfo = {
  uid: 'api::article.article',
  kind: 'collectionType',
  displayName: 'Article',
  singularName: 'article',
  pluralName: 'articles',
  draftAndPublish: true,
  localized: true,
  matchKeys: ['documentId', 'slug'],
  attributes: [
    attribute('title', 'string', { required: true }),
    attribute('slug', 'uid', { unique: true }),
    attribute('views', 'integer'),
  ],
};

export const contactType: ContentTypeInfo = {
  uid: 'api::contact.contact',
  kind: 'collectionType',
  displayName: 'Contact',
  singularName: 'contact',
  pluralName: 'contacts',
  draftAndPublish: false,
  localized: false,
  matchKeys: ['documentId'],
  attributes: [attribute('firstName', 'string'), attribute('lastName', 'string'), attribute('zip', 'string')],
};

export const contentTypes = [articleType, contactType];

/**
 * The same types as a limited role sees them (GET /content-types with `access`): articles readable and updatable
 * on `title` and `views` only, without Create nor Publish; contacts creatable (firstName, zip) but not readable.
 */
export const limitedArticleType: ContentTypeInfo = {
  ...articleType,
  access: { read: true, create: false, update: true, publish: false, readable: ['title', 'views'], writable: ['title', 'views'] },
};
export const limitedContactType: ContentTypeInfo = {
  ...contactType,
  access: { read: false, create: true, update: false, publish: false, readable: [], writable: ['firstName', 'zip'] },
};
export const limitedContentTypes = [limitedArticleType, limitedContactType];

/** A role with no Content Manager permission at all: every type listed, none usable. */
const NO_ACCESS = { read: false, create: false, update: false, publish: false, readable: [], writable: [] };
export const noAccessContentTypes: ContentTypeInfo[] = contentTypes.map((type) => ({ ...type, access: NO_ACCESS }));

export const locales = [
  { id: 1, code: 'en', name: 'English (en)', isDefault: true },
  { id: 2, code: 'fr', name: 'French (fr)', isDefault: false },
];

export const task = (extra: Partial<Task> = {}): Task => ({
  id: 1,
  kind: 'export',
  name: 'Articles',
  contentType: 'api::article.article',
  format: 'json',
  status: 'queued',
  options: {},
  counts: { total: null, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 },
  progress: 0,
  error: null,
  fileName: null,
  hasErrorReport: false,
  canDownload: true,
  resumable: false,
  waitingFor: null,
  writePath: null,
  typeCounts: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  createdBy: null,
  scheduled: null,
  revertedBy: null,
  revertable: false,
  ...extra,
});

export const template = (extra: Partial<Template> = {}): Template => ({
  id: 5,
  name: 'Weekly articles',
  kind: 'export',
  contentType: 'api::article.article',
  options: { format: 'csv' },
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

/** A GET handler answering the routes the forms read. */
export const answerGets =
  (templates: Template[] = [], types: ContentTypeInfo[] = contentTypes) =>
  async (url: unknown) => {
    const path = String(url);
    if (path === '/data-migration-center/content-types') return { data: { data: types } };
    if (path === '/i18n/locales') return { data: locales };
    if (path.startsWith('/data-migration-center/templates')) {
      const kind = /kind=(\w+)/.exec(path)?.[1];
      return { data: { data: templates.filter((candidate) => !kind || candidate.kind === kind) } };
    }
    throw new Error(`unexpected GET ${path}`);
  };
