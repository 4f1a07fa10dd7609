import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, exportFile, importFile, jsonl } from '../helpers/tasks';

/**
 * Relations in every combination of source and target (localized or not, draft & publish or not), to-one and
 * to-many, from the entry, a component and a dynamic zone, by documentId and by natural key, on both write paths.
 * The rows each imported entry links are read from the database and compared with those of a twin the Document
 * Service creates with the same relations (Strapi's own rule for the locale and the version of a target), and with
 * the rule spelled out (README "Relations and locales").
 *
 * Sources: city (not localized, no D&P), port (not localized, D&P), region (localized, no D&P).
 * Targets: country (localized, no D&P, unique non-localized `code`), category (neither), edition (D&P),
 * article (localized and D&P).
 */

type Row = { id: number; documentId: string; locale?: string | null; publishedAt?: string | null };
type Target = { documentId: string; locale: string | null; published: boolean };

const describeTarget = (row: Row | null | undefined): Target | null =>
  row ? { documentId: row.documentId, locale: row.locale ?? null, published: Boolean(row.publishedAt) } : null;

const TARGET_FIELDS = ['documentId', 'locale', 'publishedAt'];
const LINK_POPULATE = {
  country: { select: TARGET_FIELDS },
  countries: { select: TARGET_FIELDS },
};

interface Links {
  [name: string]: Target | Target[] | null | Array<Record<string, unknown>> | Record<string, unknown>;
}

/** The rows one version of an entry links (straight from the join tables, through the query engine). */
const linksOf = async (app: TestApp, uid: string, row: { id: number }): Promise<Links> => {
  const attributes = (app.strapi.contentType(uid as never) as unknown as { attributes: Record<string, { type: string }> })
    .attributes;
  const relations = Object.keys(attributes).filter(
    (name) => attributes[name].type === 'relation' && !['localizations', 'createdBy', 'updatedBy'].includes(name)
  );
  const populate: Record<string, unknown> = Object.fromEntries(
    relations.map((name) => [name, { select: TARGET_FIELDS }])
  );
  populate.link = { populate: LINK_POPULATE };
  populate.stops = true;
  const entry = (await app.strapi.db.query(uid as never).findOne({ where: { id: row.id }, populate } as never)) as Record<
    string,
    unknown
  >;
  const out: Links = {};
  for (const name of relations) {
    const value = entry[name] as Row | Row[] | null;
    out[name] = Array.isArray(value) ? value.map((v) => describeTarget(v)!) : describeTarget(value);
  }
  const link = entry.link as Record<string, unknown> | null;
  out.link = link
    ? { country: describeTarget(link.country as Row | null), countries: (link.countries as Row[]).map((r) => describeTarget(r)!) }
    : {};
  const stops = (entry.stops as Array<{ id: number; __component: string }>) ?? [];
  const stopLinks: Array<Record<string, unknown>> = [];
  for (const stop of stops) {
    const component = (await app.strapi.db
      .query(stop.__component as never)
      .findOne({ where: { id: stop.id }, populate: LINK_POPULATE } as never)) as Record<string, unknown>;
    stopLinks.push({
      country: describeTarget(component.country as Row | null),
      countries: (component.countries as Row[]).map((r) => describeTarget(r)!),
    });
  }
  out.stops = stopLinks;
  return out;
};

/** Every version (row) of a document: `${locale}|${draft|published}` → its links. */
const versionsOf = async (app: TestApp, uid: string, documentId: string) => {
  const rows = (await app.strapi.db.query(uid as never).findMany({ where: { documentId }, orderBy: { id: 'asc' } })) as Row[];
  const out: Record<string, Links> = {};
  for (const row of rows) out[`${row.locale ?? '-'}|${row.publishedAt ? 'published' : 'draft'}`] = await linksOf(app, uid, row);
  return out;
};

const documentIdOf = async (app: TestApp, uid: string, where: Record<string, unknown>) => {
  const row = (await app.strapi.db.query(uid as never).findOne({ where, select: ['documentId'] } as never)) as Row | null;
  if (!row) throw new Error(`no ${uid} with ${JSON.stringify(where)}`);
  return row.documentId;
};

interface Fixture {
  at: string;
  de: string;
  ch: string;
  news: string;
  editionPublished: string;
  editionDraft: string;
  articlePublished: string;
}

/** The targets, created through the Document Service (Austria in en and fr, Germany in en only, Switzerland in fr only). */
const seedTargets = async (app: TestApp): Promise<Fixture> => {
  const docs = (uid: string) =>
    app.strapi.documents(uid as never) as unknown as {
      create(p: Record<string, unknown>): Promise<{ documentId: string }>;
      update(p: Record<string, unknown>): Promise<{ documentId: string }>;
      publish(p: Record<string, unknown>): Promise<unknown>;
    };
  const country = docs('api::country.country');
  const at = (await country.create({ data: { name: 'Austria', code: 'AT' }, locale: 'en' })).documentId;
  await country.update({ documentId: at, data: { name: 'Autriche' }, locale: 'fr' });
  const de = (await country.create({ data: { name: 'Germany', code: 'DE' }, locale: 'en' })).documentId;
  const ch = (await country.create({ data: { name: 'Suisse', code: 'CH' }, locale: 'fr' })).documentId;
  const news = (await docs('api::category.category').create({ data: { name: 'News', slug: 'news' } })).documentId;
  const edition = docs('api::edition.edition');
  const editionPublished = (await edition.create({ data: { name: 'Spring', slug: 'spring' } })).documentId;
  await edition.publish({ documentId: editionPublished });
  const editionDraft = (await edition.create({ data: { name: 'Autumn', slug: 'autumn' } })).documentId;
  const article = docs('api::article.article');
  const articlePublished = (await article.create({ data: { title: 'Hello', slug: 'hello' }, locale: 'en' })).documentId;
  await article.update({ documentId: articlePublished, data: { title: 'Bonjour', slug: 'bonjour' }, locale: 'fr' });
  await article.publish({ documentId: articlePublished, locale: '*' });
  return { at, de, ch, news, editionPublished, editionDraft, articlePublished };
};

/** An item's relations in the file's form (keys as given) and in the Document Service's (documentIds). */
const relationsOf = (f: Fixture, byKey: boolean) => {
  const country = (code: 'AT' | 'DE', documentId: string) => (byKey ? { code } : documentId);
  return {
    file: {
      country: country('AT', f.at),
      countries: [country('DE', f.de), country('AT', f.at)],
      link: { label: 'main', country: country('DE', f.de), countries: [country('AT', f.at)] },
      stops: [{ __component: 'places.country-link', label: 'stop', country: country('AT', f.at), countries: [country('DE', f.de)] }],
    },
    documents: {
      country: f.at,
      countries: [f.de, f.at],
      link: { label: 'main', country: f.de, countries: [f.at] },
      stops: [{ __component: 'places.country-link', label: 'stop', country: f.at, countries: [f.de] }],
    },
  };
};

const target = (documentId: string, locale: string | null, published = true): Target => ({ documentId, locale, published });

/** Sorts to-many links (the twin and the import may order equal sets differently only if a bug does). */
const sameLinks = (imported: Record<string, Links>, twin: Record<string, Links>) => expect(imported).toEqual(twin);

describe.each([
  ['bulk', true],
  ['Document Service', false],
])('relations matrix, %s path', (_path, bulk) => {
  let app: TestApp;
  let token: string;
  let f: Fixture;

  beforeAll(async () => {
    app = await startApp({ env: { DMC_BULK_WRITES: String(bulk) } });
    token = await registerSuperAdmin(app);
    f = await seedTargets(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const importItems = (contentType: string, items: unknown[], options: Record<string, unknown> = {}) =>
    importFile(app, token, {
      fileName: 'items.jsonl',
      content: jsonl(items),
      options: { contentType, matchBy: 'code', onError: 'continue', ...options },
    });

  /** The failed items of a task (none: the report answers 404). */
  const reportOf = async (taskId: number) => {
    const res = await errorReport(app, token, taskId);
    if (res.status === 404) return [];
    return JSON.parse(res.text) as Array<{ itemNumber: number; message: string }>;
  };

  const twin = async (uid: string, data: Record<string, unknown>, params: Record<string, unknown> = {}) =>
    (
      await (app.strapi.documents(uid as never) as unknown as {
        create(p: Record<string, unknown>): Promise<{ documentId: string }>;
      }).create({ data, ...params })
    ).documentId;

  test.each([
    ['by natural key', true],
    ['by documentId', false],
  ])('city (not localized) → country (localized): the default locale, %s', async (_how, byKey) => {
    const code = byKey ? 'vie' : 'gra';
    const { file, documents } = relationsOf(f, byKey);
    const task = await importItems('api::city.city', [
      {
        name: 'City',
        code,
        ...file,
        edition: f.editionPublished,
        articles: [f.articlePublished],
      },
    ]);
    expect(await reportOf(task.id)).toEqual([]);
    expect(task.counts).toMatchObject({ created: 1, failed: 0 });
    const imported = await versionsOf(app, 'api::city.city', await documentIdOf(app, 'api::city.city', { code }));
    // The rule, spelled out: Austria's and Germany's English rows. A draft & publish target (edition, article) is
    // linked in both its versions (Strapi's getRelationTargetStatus for a source without draft & publish).
    expect(imported['-|published']).toMatchObject({
      country: target(f.at, 'en'),
      countries: [target(f.de, 'en'), target(f.at, 'en')],
      link: { country: target(f.de, 'en'), countries: [target(f.at, 'en')] },
      stops: [{ country: target(f.at, 'en'), countries: [target(f.de, 'en')] }],
      articles: [target(f.articlePublished, 'en', false), target(f.articlePublished, 'en', true)],
    });
    const twinId = await twin('api::city.city', {
      name: 'City',
      code: `${code}-twin`,
      ...documents,
      edition: f.editionPublished,
      articles: [f.articlePublished],
    });
    sameLinks(imported, await versionsOf(app, 'api::city.city', twinId));
  });

  test.each([
    ['api::city.city', {}, {}],
    ['api::port.port', { status: 'published' }, { edition: { slug: 'spring' } }],
    ['api::region.region', {}, { locale: 'fr', category: { slug: 'news' } }],
  ])('%s without components or links to both versions: written by the path under test', async (uid, options, extra) => {
    const code = `plain-${uid}`;
    const item = { name: 'Plain', code, country: { code: 'AT' }, countries: [{ code: 'AT' }], ...extra };
    const task = await importItems(uid, [item], options);
    expect(await reportOf(task.id)).toEqual([]);
    expect(task).toMatchObject({ writePath: bulk ? 'bulk' : 'document-service', counts: { created: 1 } });
    const imported = await versionsOf(app, uid, await documentIdOf(app, uid, { code }));
    const locale = 'locale' in extra ? extra.locale : 'en';
    for (const version of Object.values(imported)) {
      expect(version).toMatchObject({ country: target(f.at, locale), countries: [target(f.at, locale)] });
    }
    const data: Record<string, unknown> = { name: 'Plain', code: `${code}-twin`, country: f.at, countries: [f.at] };
    if ('category' in extra) data.category = f.news;
    if ('edition' in extra && extra.edition) data.edition = f.editionPublished;
    const twinId = await twin(uid, data, { ...('locale' in extra ? { locale: extra.locale } : {}), ...options });
    sameLinks(imported, await versionsOf(app, uid, twinId));
  });

  test('city → a country without a default-locale entry, a draft-only edition: item errors naming the locale', async () => {
    const task = await importItems('api::city.city', [
      { name: 'Zurich', code: 'zrh', country: { code: 'CH' } },
      { name: 'Basel', code: 'bsl', countries: [f.ch] },
      { name: 'Linz', code: 'lnz', edition: f.editionDraft },
    ]);
    const report = await reportOf(task.id);
    expect(report.map((r) => r.itemNumber)).toEqual([1, 2]);
    expect(report[0].message).toContain('no api::country.country matches {"code":"CH"} in locale en');
    expect(report[1].message).toContain(`no api::country.country matches "${f.ch}" in locale en`);
    // A draft-only target from a type without draft & publish: linked as the Document Service links it (its draft).
    const linz = await versionsOf(app, 'api::city.city', await documentIdOf(app, 'api::city.city', { code: 'lnz' }));
    expect(linz['-|published'].edition).toEqual(target(f.editionDraft, null, false));
    const twinId = await twin('api::city.city', { name: 'Linz', code: 'lnz-twin', edition: f.editionDraft });
    sameLinks(linz, await versionsOf(app, 'api::city.city', twinId));
    expect(task.counts).toMatchObject({ created: 1, failed: 2 });
  });

  test.each([['published'], ['draft']])(
    'port (not localized, draft & publish) → country, edition, article: imported as %s',
    async (status) => {
      const code = `port-${status}`;
      const { file, documents } = relationsOf(f, true);
      const task = await importItems(
        'api::port.port',
        [{ name: 'Port', code, ...file, edition: { slug: 'spring' }, articles: [{ slug: 'hello' }] }],
        { status }
      );
      expect(await reportOf(task.id)).toEqual([]);
      const imported = await versionsOf(app, 'api::port.port', await documentIdOf(app, 'api::port.port', { code }));
      expect(Object.keys(imported).sort()).toEqual(status === 'published' ? ['-|draft', '-|published'] : ['-|draft']);
      // The draft links the targets' drafts, the published version their published versions.
      expect(imported['-|draft']).toMatchObject({
        country: target(f.at, 'en'),
        edition: target(f.editionPublished, null, false),
        articles: [target(f.articlePublished, 'en', false)],
      });
      if (status === 'published') {
        expect(imported['-|published']).toMatchObject({
          country: target(f.at, 'en'),
          edition: target(f.editionPublished, null, true),
          articles: [target(f.articlePublished, 'en', true)],
        });
      }
      const twinId = await twin(
        'api::port.port',
        { name: 'Port', code: `${code}-twin`, ...documents, edition: f.editionPublished, articles: [f.articlePublished] },
        { status }
      );
      sameLinks(imported, await versionsOf(app, 'api::port.port', twinId));
    }
  );

  test.each([
    ['en', 'by natural key', true],
    ['fr', 'by natural key', true],
    ['fr', 'by documentId', false],
  ])('region (localized) in %s → country (localized): the source locale, %s', async (locale, _how, byKey) => {
    const code = `tyrol-${locale}-${byKey}`;
    const { file, documents } = relationsOf(f, byKey);
    const items = [{ name: 'Tyrol', code, locale, category: { slug: 'news' }, articles: [{ slug: locale === 'en' ? 'hello' : 'bonjour' }], ...file }];
    const task = await importItems('api::region.region', items);
    const report = await reportOf(task.id);
    if (locale === 'fr') {
      // Germany has no French entry: Strapi links a localized target in the source's locale only.
      expect(report).toHaveLength(1);
      expect(report[0].message).toMatch(/no api::country\.country matches (\{"code":"DE"\}|"[a-z0-9]+") in locale fr/);
      const onlyAustria = {
        ...items[0],
        countries: [file.country],
        link: { label: 'main', country: file.country, countries: [file.country] },
        stops: [{ __component: 'places.country-link', label: 'stop', country: file.country, countries: [] }],
      };
      const retry = await importItems('api::region.region', [onlyAustria]);
      expect(await reportOf(retry.id)).toEqual([]);
      const imported = await versionsOf(app, 'api::region.region', await documentIdOf(app, 'api::region.region', { code }));
      expect(imported['fr|published']).toMatchObject({
        country: target(f.at, 'fr'),
        countries: [target(f.at, 'fr')],
        link: { country: target(f.at, 'fr'), countries: [target(f.at, 'fr')] },
        stops: [{ country: target(f.at, 'fr'), countries: [] }],
        category: target(f.news, null),
        articles: [target(f.articlePublished, 'fr', false), target(f.articlePublished, 'fr', true)],
      });
      const twinId = await twin(
        'api::region.region',
        {
          name: 'Tyrol',
          code: `${code}-twin`,
          category: f.news,
          articles: [f.articlePublished],
          country: f.at,
          countries: [f.at],
          link: { label: 'main', country: f.at, countries: [f.at] },
          stops: [{ __component: 'places.country-link', label: 'stop', country: f.at, countries: [] }],
        },
        { locale: 'fr' }
      );
      sameLinks(imported, await versionsOf(app, 'api::region.region', twinId));
      return;
    }
    expect(report).toEqual([]);
    const imported = await versionsOf(app, 'api::region.region', await documentIdOf(app, 'api::region.region', { code }));
    expect(imported['en|published']).toMatchObject({
      country: target(f.at, 'en'),
      countries: [target(f.de, 'en'), target(f.at, 'en')],
      category: target(f.news, null),
      articles: [target(f.articlePublished, 'en', false), target(f.articlePublished, 'en', true)],
    });
    const twinId = await twin(
      'api::region.region',
      { name: 'Tyrol', code: `${code}-twin`, category: f.news, articles: [f.articlePublished], ...documents },
      { locale: 'en' }
    );
    sameLinks(imported, await versionsOf(app, 'api::region.region', twinId));
  });
});

describe('export → import round trip of the matrix types', () => {
  const EXPORTS: Array<{ options: Record<string, unknown>; importOptions: Record<string, unknown> }> = [
    { options: { contentType: 'api::category.category' }, importOptions: {} },
    { options: { contentType: 'api::edition.edition', status: 'published' }, importOptions: { status: 'published' } },
    { options: { contentType: 'api::edition.edition', status: 'draft' }, importOptions: { status: 'draft' } },
    { options: { contentType: 'api::article.article', locale: 'all', status: 'published' }, importOptions: { status: 'published' } },
    { options: { contentType: 'api::country.country', locale: 'all' }, importOptions: {} },
    { options: { contentType: 'api::city.city' }, importOptions: {} },
    { options: { contentType: 'api::port.port', status: 'published' }, importOptions: { status: 'published' } },
    { options: { contentType: 'api::port.port', status: 'draft' }, importOptions: { status: 'draft' } },
    { options: { contentType: 'api::region.region', locale: 'all' }, importOptions: {} },
  ];

  test('every type comes back byte for byte, its relations linked', async () => {
    const source = await startApp();
    const originals: string[] = [];
    try {
      const token = await registerSuperAdmin(source);
      const f = await seedTargets(source);
      const docs = (uid: string) =>
        source.strapi.documents(uid as never) as unknown as { create(p: Record<string, unknown>): Promise<unknown> };
      const { documents } = relationsOf(f, false);
      await docs('api::city.city').create({ data: { name: 'Vienna', code: 'vie', ...documents, edition: f.editionPublished, articles: [f.articlePublished] } });
      await docs('api::port.port').create({ data: { name: 'Port', code: 'p1', ...documents, edition: f.editionPublished }, status: 'published' });
      await docs('api::region.region').create({ data: { name: 'Tyrol', code: 't1', ...documents, category: f.news }, locale: 'en' });
      for (const { options } of EXPORTS) originals.push((await exportFile(source, token, { ...options, format: 'jsonl' })).text);
    } finally {
      await source.stop();
    }
    expect(originals[5]).toContain('"code":"vie"');
    const target = await startApp();
    try {
      const token = await registerSuperAdmin(target);
      for (const [i, { options, importOptions }] of EXPORTS.entries()) {
        const task = await importFile(target, token, {
          fileName: 'items.jsonl',
          content: originals[i],
          options: { contentType: options.contentType, matchBy: 'documentId', ...importOptions },
        });
        expect({ type: options.contentType, status: task.status, failed: task.counts.failed }).toEqual({
          type: options.contentType,
          status: 'completed',
          failed: 0,
        });
      }
      for (const [i, { options }] of EXPORTS.entries()) {
        expect((await exportFile(target, token, { ...options, format: 'jsonl' })).text).toBe(originals[i]);
      }
    } finally {
      await target.stop();
    }
  });
});
