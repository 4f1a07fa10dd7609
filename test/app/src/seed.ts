import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Core } from '@strapi/strapi';

/**
 * Demo content for the playground: a few dozen entries across every type, with relations, media, both
 * locales, drafts and published entries. Written through the Document Service, exactly as an editor would.
 * Deterministic: the same data on every fresh database.
 */

export const ensureLocales = async (strapi: Core.Strapi) => {
  const locales = strapi.plugin('i18n').service('locales');
  const existing: Array<{ code: string }> = await locales.find();
  if (!existing.some((l) => l.code === 'fr')) {
    await locales.create({ code: 'fr', name: 'French (fr)' });
  }
};

/** A small, valid PNG (solid colour), encoded here so the seed needs no image file in the repository. */
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const png = (width: number, height: number, [r, g, b]: [number, number, number]) => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

const uploadImage = async (strapi: Core.Strapi, name: string, alt: string, colour: [number, number, number]) => {
  const PNG = png(16, 16, colour);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-seed-'));
  const filepath = path.join(dir, name);
  fs.writeFileSync(filepath, PNG);
  try {
    const [file] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name, alternativeText: alt, caption: alt } },
        files: { filepath, originalFilename: name, mimetype: 'image/png', size: PNG.length },
      });
    return file as { id: number };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const paragraph = (text: string) => [{ type: 'paragraph', children: [{ type: 'text', text }] }];

const CATEGORIES = [
  ['News', 'news', 'What happened, as it happened.'],
  ['Reviews', 'reviews', 'Products and books, weighed.'],
  ['Tutorials', 'tutorials', 'Step-by-step guides.'],
  ['Opinion', 'opinion', 'Columns and editorials.'],
  ['Culture', 'culture', null],
] as const;

const TAGS = ['strapi', 'javascript', 'typescript', 'databases', 'migration', 'csv', 'json', 'performance'];

const AUTHORS = [
  ['Ada Lovelace', 'ada@example.com', '**Ada** writes about engines and numbers.'],
  ['Grace Hopper', 'grace@example.com', 'Compilers, *debugging*, and navy stories.'],
  ['Alan Turing', 'alan@example.com', null],
  ['Hedy Lamarr', 'hedy@example.com', 'Frequency hopping and film.'],
] as const;

const KINDS = ['news', 'review', 'tutorial', 'opinion'] as const;

const CONTACTS = [
  ['Marta', 'Puig', 'Puig & Fills', 'Carrer Major 12', 'Barcelona', '08123', '+34 931 000 001', ''],
  ['Jean', 'Dupont', 'Dupont SARL', '3 rue de la Paix', 'Paris', '75002', '+33 1 00 00 00 02', 'Prefers email'],
  ['Anna', 'Schmidt', '', 'Hauptstraße 5', 'Berlin', '10115', '+49 30 000003', '=not a formula'],
  ['Luca', 'Rossi', 'Rossi SpA', 'Via Roma 1', 'Milano', '20121', '', 'Call after 5pm'],
  ['Sofia', 'García', 'García y Asociados', 'Calle Luna 7', 'Madrid', '28004', '+34 910 000 005', ''],
  ['Tom', "O'Brien", 'Brien, Ltd', '1 "Quoted" Lane', 'Dublin', 'D02 X285', '+353 1 000 0006', 'Line one\nLine two'],
  ['Yuki', 'Tanaka', '', '', 'Tokyo', '100-0001', '+81 3 0000 0007', ''],
  ['Ola', 'Nordmann', 'Nordmann AS', 'Storgata 1', 'Oslo', '0155', '+47 22 00 00 08', ''],
  ['Zoë', 'Ñúñez', 'Ünïcödé GmbH', 'Bahnhofstr. 1', 'Zürich', '8001', '', 'Ünïcödé ✓'],
  ['Ed', 'Null', 'NULL', 'null', 'None', '00000', '-', ''],
];

export const seedDemoContent = async (strapi: Core.Strapi) => {
  const existing = await strapi.db.query('api::article.article').count();
  const existingCategories = await strapi.db.query('api::category.category').count();
  if (existing > 0 || existingCategories > 0) return;

  strapi.log.info('[playground] Seeding demo content (DMC_SEED=false skips this)');
  // One transaction: a seed that fails half-way leaves an empty database, and the next start seeds again.
  await strapi.db.transaction(() => seed(strapi));
};

const seed = async (strapi: Core.Strapi) => {

  const categories = [];
  for (const [name, slug, description] of CATEGORIES) {
    categories.push(await strapi.documents('api::category.category').create({ data: { name, slug, description } }));
  }

  const tags = [];
  for (const name of TAGS) {
    tags.push(await strapi.documents('api::tag.tag').create({ data: { name } }));
  }

  const authors = [];
  for (const [i, [name, email, bio]] of AUTHORS.entries()) {
    const avatar = i < 2 ? await uploadImage(strapi, `avatar-${i + 1}.png`, `Portrait of ${name}`, [40 + i * 90, 90, 160]) : null;
    authors.push(
      await strapi.documents('api::author.author').create({ data: { name, email, bio, avatar: avatar?.id ?? null } })
    );
  }

  const cover = await uploadImage(strapi, 'cover.png', 'A cover image', [220, 120, 30]);

  const articles = [];
  for (let i = 1; i <= 20; i++) {
    const published = i % 3 !== 0;
    const data = {
      title: `Article ${i}: ${['Streams', 'Batches', 'Locales', 'Relations', 'Drafts'][i % 5]} in practice`,
      slug: `article-${i}`,
      body: paragraph(`Body of article ${i}.`),
      summary: i % 4 === 0 ? null : `Summary of article ${i}.`,
      views: i * 101,
      rating: Math.round((i % 5) * 10 + 5) / 10,
      price: `${i}.99`,
      bigViews: `${9007199254740993n + BigInt(i)}`,
      featured: i % 5 === 0,
      publishDate: `2026-0${(i % 9) + 1}-1${i % 10}`,
      reviewTime: `1${i % 10}:30:00.000`,
      lastReviewedAt: `2026-10-${String((i % 28) + 1).padStart(2, '0')}T08:15:00.000Z`,
      kind: KINDS[i % 4],
      metadata: { source: 'seed', index: i, flags: i % 2 === 0 ? ['even'] : [] },
      secretNote: `Private note ${i}`,
      cover: i % 2 === 0 ? cover.id : null,
      category: categories[i % categories.length].documentId,
      author: authors[i % authors.length].documentId,
      tags: [tags[i % tags.length].documentId, tags[(i + 3) % tags.length].documentId],
      related: articles.length > 0 && i % 4 === 1 ? [articles[articles.length - 1].documentId] : [],
      seo: { metaTitle: `Article ${i}`, metaDescription: `About article ${i}`, noIndex: i % 7 === 0, keywords: ['demo'] },
      sections:
        i % 2 === 0
          ? [
              { __component: 'sections.text-block', heading: `Part ${i}`, body: `Some **markdown** for ${i}.` },
              { __component: 'sections.quote', text: `Quote ${i}`, attribution: 'Someone' },
            ]
          : [],
    };
    const article = await strapi.documents('api::article.article').create({
      data,
      locale: 'en',
      status: published ? 'published' : 'draft',
    });
    articles.push(article);

    if (i % 2 === 0) {
      const french: Record<string, unknown> = {
          ...data,
          title: `Article ${i} : en pratique`,
          slug: `article-${i}-fr`,
          body: paragraph(`Corps de l'article ${i}.`),
          summary: `Résumé de l'article ${i}.`,
          seo: { metaTitle: `Article ${i} (fr)`, metaDescription: null, noIndex: false, keywords: ['démo'] },
      };
      await strapi.documents('api::article.article').update({ documentId: article.documentId, locale: 'fr', data: french });
      if (published) {
        await strapi.documents('api::article.article').publish({ documentId: article.documentId, locale: 'fr' });
      }
    }
  }

  for (const [firstName, lastName, company, address, city, zip, phone, notes] of CONTACTS) {
    await strapi
      .documents('api::contact.contact')
      .create({ data: { firstName, lastName, company, address, city, zip, phone, notes } });
  }

  await strapi.documents('api::homepage.homepage').create({
    data: {
      headline: 'Welcome to the Data Migration Center playground',
      intro: 'Open **Data Migration Center** in the menu to export or import this content.',
      featuredArticles: articles.slice(0, 3).map((a) => a.documentId),
      seo: { metaTitle: 'Playground', metaDescription: 'Demo content', noIndex: true, keywords: [] },
    },
  });

  strapi.log.info(
    `[playground] Seeded ${categories.length} categories, ${tags.length} tags, ${authors.length} authors, ` +
      `${articles.length} articles (en, half with fr), ${CONTACTS.length} contacts and the homepage`
  );
};
