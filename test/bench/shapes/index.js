/**
 * What can be benched (`--type`): per shape, the item generator, the matchBy key, the targets it refers to, the CSV
 * columns (as the product writes them: component fields as dot paths, relations as JSON key objects; README, Formats)
 * and the Document Service data of the baseline. The rows an import writes for them are made from Strapi's metadata
 * (bench.js, createRowGenerator) and checked against the product's on a sample before anything is measured.
 */
const DATASETS = {
  article: require('./article'),
  contact: require('./contact'),
  tag: require('./tag'),
  author: require('./author'),
  city: require('./city'),
  region: require('./region'),
};

module.exports = { DATASETS, ...require('./targets') };
