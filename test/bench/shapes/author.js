/**
 * `--type author`: name, a unique email, a richtext bio; matched by email. Without the `avatar` (media): the bench
 * uploads no files, so the media link rows are not measured.
 */
const item = (i) => ({
  name: `Author ${i}`,
  email: `author-${i}@bench.example.com`,
  bio: `## Author ${i}\n\nWrites about *topic ${i % 20}*.`,
});

module.exports = {
  uid: 'api::author.author',
  what: 'authors (name, unique email, richtext bio; no avatar)',
  item,
  matchBy: 'email',
  targets: [],
  csvColumns: ['name', 'email', 'bio'],
  documentData: (entry) => entry,
};
