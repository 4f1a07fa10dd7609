/** Unit tests sit beside the code; API tests boot the playground (test/app) on a real database. */
const tsJest = ['ts-jest', { isolatedModules: true, tsconfig: { jsx: 'react-jsx', esModuleInterop: true, module: 'commonjs', target: 'es2022' } }];

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/server/src', '<rootDir>/shared'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
    },
    {
      displayName: 'admin',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/admin/src'],
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
      transform: { '^.+\\.tsx?$': tsJest },
    },
    {
      displayName: 'api',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/api'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.tsx?$': tsJest },
      globalSetup: '<rootDir>/test/global-setup.js',
    },
  ],
};
