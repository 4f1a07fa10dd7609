/**
 * Unit tests sit beside the code; API tests boot the playground (test/app) on a real database; browser tests (e2e)
 * drive the built admin panel of the playground in Chromium.
 */
/**
 * API test files whose subject does not depend on the database run on SQLite only: on PostgreSQL and MariaDB
 * (DATABASE_CLIENT set) they are left out. The list, with the reason of each, is test/database-independent.js.
 */
const databaseIndependent = require('./test/database-independent');

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
      testPathIgnorePatterns: ['/node_modules/', ...databaseIndependent.ignorePatterns],
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
