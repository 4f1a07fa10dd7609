/**
 * `--type city`: no draft & publish, a many-to-one and a many-to-many relation to a localized type (countries), and
 * the `link` component (places.country-link) holding a label and relations of its own; matched by code. The `stops`
 * dynamic zone is left empty.
 */
const { COUNTRIES } = require('./targets');

const country = (n) => ({ code: COUNTRIES[n % COUNTRIES.length] });

const item = (i) => ({
  name: `City ${i}`,
  code: `city-${i}`,
  country: country(i),
  countries: [country(i + 1), country(i + 2)],
  link: { label: `Link ${i}`, country: country(i + 3), countries: [country(i + 4), country(i + 5)] },
});

const byDocumentId = (targets, ref) => targets.documentIdOf('api::country.country', ref);

module.exports = {
  uid: 'api::city.city',
  what: 'cities (2 relations to countries, the link component with its own 2 relations)',
  item,
  matchBy: 'code',
  targets: ['country'],
  csvColumns: ['name', 'code', 'country', 'countries', 'link.label', 'link.country', 'link.countries'],
  documentData: (entry, targets) => ({
    ...entry,
    country: byDocumentId(targets, entry.country),
    countries: entry.countries.map((ref) => byDocumentId(targets, ref)),
    link: {
      label: entry.link.label,
      country: byDocumentId(targets, entry.link.country),
      countries: entry.link.countries.map((ref) => byDocumentId(targets, ref)),
    },
  }),
};
