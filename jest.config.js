/**
 * Unit tests sit beside the code; API tests boot the playground (test/app) on a real database; browser tests (e2e)
 * drive the built admin panel of the playground in Chromium.
 */
/**
 * API test files whose subject does not depend on the database (storage, start-up files, templates, read limits,
 * parsing of hostile input, definitions written as files): run on SQLite only. CI runs the other API files again on
 * PostgreSQL and MariaDB (DATABASE_CLIENT set); these would only repeat themselves there.
 */
const DATABASE_INDEPENDENT = [
  'bad-input',
  'batch-files',
  'bundle-definitions',
  'read-limits',
  'storage-s3',
  'storage-s3-unreachable',
  'templates-broken',
  'templates-shipped',
];
const otherDatabase = (process.env.DATABASE_CLIENT || 'sqlite') !== 'sqlite';

const tsJest = ['ts-jest', { tsconfig: { jsx: 'react-jsx', esModuleInterop: true, module: 'commonjs', target: 'es2022', isolatedModules: true } }];

module.exports = {
  testTimeout: 120000,
  testSequencer: '<rootDir>/test/e2e/sequencer.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/server/src', '<rootDir>/shared', '<rootDir>/bin'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
    },
    {
      displayName: 'admin',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/admin/src'],
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
      transform: { '^.+\\.tsx?$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/admin/src/testing/setup.ts'],
    },
    {
      displayName: 'api',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/api'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...(otherDatabase ? DATABASE_INDEPENDENT.map((name) => `/${name}\\.test\\.ts$`) : [])],
      transform: { '^.+\\.tsx?$': tsJest },
      globalSetup: '<rootDir>/test/global-setup.js',
    },
    {
      // Browser tests (playwright-core + Debian's Chromium) against the playground started as a child process.
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      globalSetup: '<rootDir>/test/e2e/global-setup.js',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
    },
  ],
};
