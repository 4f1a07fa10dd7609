/** `--type tag`: one unique string (the inverse side of the articles' tags, left empty), matched by name. */
const item = (i) => ({ name: `bench-tag-${i}` });

module.exports = {
  uid: 'api::tag.tag',
  what: 'tags (one unique name)',
  item,
  matchBy: 'name',
  targets: [],
  csvColumns: ['name'],
  documentData: (entry) => entry,
};
