/**
 * `--type region`: localized (written in the default locale), a non-localized unique `code` (the matchBy), relations
 * to countries and a category, and the localized `link` component with its own relations.
 */
const { CATEGORIES, COUNTRIES } = require('./targets');

const country = (n) => ({ code: COUNTRIES[n % COUNTRIES.length] });

const item = (i) => ({
  name: `Region ${i}`,
  code: `region-${i}`,
  country: country(i),
  countries: [country(i + 2), country(i + 4)],
  category: { slug: CATEGORIES[i % CATEGORIES.length] },
  link: { label: `Region link ${i}`, country: country(i + 1), countries: [country(i + 3)] },
});

const byDocumentId = (targets, ref) => targets.documentIdOf('api::country.country', ref);

module.exports = {
  uid: 'api::region.region',
  what: 'regions (localized, a non-localized code, relations to countries and a category, the link component)',
  item,
  matchBy: 'code',
  targets: ['country', 'category'],
  csvColumns: ['name', 'code', 'country', 'countries', 'category', 'link.label', 'link.country', 'link.countries'],
  documentData: (entry, targets) => ({
    ...entry,
    country: byDocumentId(targets, entry.country),
    countries: entry.countries.map((ref) => byDocumentId(targets, ref)),
    category: targets.documentIdOf('api::category.category', entry.category),
    link: {
      label: entry.link.label,
      country: byDocumentId(targets, entry.link.country),
      countries: entry.link.countries.map((ref) => byDocumentId(targets, ref)),
    },
  }),
};
