// The whole suite in tiers (ARCHITECTURE.md §9): unit specs need nothing; integration specs get a
// throwaway PostgreSQL cluster started by the global setup (one database per test file); end-to-end
// specs get the built api + console, which they start as processes and drive in Chromium.
const preset = require('./jest.preset.js');

const roots = ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'];

module.exports = {
  projects: [
    {
      ...preset,
      displayName: 'unit',
      roots,
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '/node_modules/', '<rootDir>/apps/console/'],
    },
    {
      ...preset,
      displayName: 'integration',
      roots,
      testMatch: ['**/*.int.spec.ts'],
      testTimeout: 30_000,
      globalSetup: '<rootDir>/tools/test/global-setup.js',
      globalTeardown: '<rootDir>/tools/test/global-teardown.js',
    },
    {
      ...preset,
      displayName: 'e2e',
      roots: ['<rootDir>/apps'],
      testMatch: ['**/*.e2e.spec.ts'],
      testTimeout: 60_000,
      globalSetup: '<rootDir>/tools/test/e2e-setup.js',
      globalTeardown: '<rootDir>/tools/test/e2e-teardown.js',
    },
  ],
};
