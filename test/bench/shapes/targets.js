/**
 * The entries the shapes refer to, created through the Document Service before anything is measured (untimed):
 * categories and tags (articles, regions), countries (cities and regions: a localized type, created in the default
 * locale). Each shape names the kinds it needs (`targets`), so that a shape's own table is never seeded.
 */
const CATEGORIES = ['news', 'tech', 'life'];
const TAGS = Array.from({ length: 10 }, (_, t) => `tag-${t}`);
const COUNTRIES = ['ES', 'FR', 'DE', 'IT', 'PT', 'NL', 'BE'];

const SEEDS = {
  category: {
    uid: 'api::category.category',
    key: 'slug',
    entries: CATEGORIES.map((slug) => ({ name: slug, slug })),
  },
  tag: { uid: 'api::tag.tag', key: 'name', entries: TAGS.map((name) => ({ name })) },
  country: {
    uid: 'api::country.country',
    key: 'code',
    entries: COUNTRIES.map((code) => ({ name: `Country ${code}`, code })),
  },
};

/** Creates the `kinds` of targets; answers their ids and documentIds by natural key (`{ slug: 'news' }`). */
const seedTargets = async (strapi, kinds) => {
  const byKey = new Map();
  for (const kind of kinds) {
    const { uid, key, entries } = SEEDS[kind];
    for (const data of entries) byKey.set(`${uid}|${key}=${data[key]}`, await strapi.documents(uid).create({ data }));
  }
  const entryOf = (uid, ref) => {
    const [key, value] = Object.entries(ref)[0];
    const entry = byKey.get(`${uid}|${key}=${value}`);
    if (!entry) throw new Error(`No ${uid} with ${key} ${value}`);
    return entry;
  };
  return { idOf: (uid, ref) => entryOf(uid, ref).id, documentIdOf: (uid, ref) => entryOf(uid, ref).documentId };
};

module.exports = { CATEGORIES, TAGS, COUNTRIES, seedTargets };
