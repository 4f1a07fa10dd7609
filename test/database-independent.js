/**
 * API test files whose subject does not depend on the database: `npm run test:api` leaves them out when
 * DATABASE_CLIENT is postgres or mysql (CI's second and third runs); `npm test` runs them on SQLite. The project's
 * rule: slow matrices on one database in `npm test`, on all three in CI only where the database matters.
 *
 * A file belongs here only when what it checks is parsing, HTTP validation, permission wiring, templates, storage
 * backends, the command line's arguments and output, webhooks or secrets, and the SQL it runs on the way is the
 * plugin's ordinary import/export path that other files (import, import-matrix, bundle-import, export, resume,
 * revert, fidelity, naughty-strings, roundtrip, ...) check on every database. A file mixing both stays off this list.
 * docs/testing.md has the table of every file, its decision and its measured duration.
 *
 * Used by jest.config.js (testPathIgnorePatterns of the api project) and test/global-setup.js (prints the list).
 */
const DATABASE_INDEPENDENT = {
  'api-tokens': 'permission wiring of API tokens',
  'bad-input': 'hostile input to the readers',
  'batch-files': 'batch files read at start-up',
  'bundle-definitions': 'definitions written as files',
  'bundle-templates': 'bundle templates: validation, options merged',
  cli: "the command line's arguments, exit codes and output",
  environments: 'saved environments, HTTP between two instances',
  'read-limits': 'read limits of the parsers',
  secrets: 'encryption of private attributes',
  'storage-s3': 'S3 storage backend',
  'storage-s3-unreachable': 'S3 storage backend down',
  'templates-broken': 'template validation',
  'templates-shipped': 'shipped templates',
  transfer: 'push/pull over HTTP between two instances',
  transforms: 'JSONata transforms',
  webhooks: 'webhook wiring',
};

const client = process.env.DATABASE_CLIENT || 'sqlite';
/** True on the CI runs on PostgreSQL and MariaDB/MySQL: the files above are left out. */
const leftOut = client !== 'sqlite';

module.exports = {
  DATABASE_INDEPENDENT,
  leftOut,
  /** testPathIgnorePatterns entries for the api project (none on SQLite). */
  ignorePatterns: leftOut ? Object.keys(DATABASE_INDEPENDENT).map((name) => `/${name}\\.test\\.ts$`) : [],
  /** The one line printed at the start of a PostgreSQL or MariaDB API run. */
  summary: () =>
    `[api tests on ${client}] ${Object.keys(DATABASE_INDEPENDENT).length} database-independent files left out (they run on SQLite in npm test; test/database-independent.js): ` +
    Object.entries(DATABASE_INDEPENDENT)
      .map(([name, why]) => `${name} (${why})`)
      .join(', '),
};
