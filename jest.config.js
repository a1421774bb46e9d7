// The whole suite in tiers (DEVELOPMENT.md, "Tests"): unit specs need nothing; integration specs get a
// throwaway PostgreSQL cluster started by the global setup (one database per test file); end-to-end
// specs get the built api + console, which they start as processes and drive in Chromium.
const preset = require('./jest.preset.js');

const roots = ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'];

module.exports = {
  // A global option: Jest ignores testTimeout inside a project (integration tests start processes
  // and databases; the e2e harness raises it further for browser tests).
  testTimeout: 30_000,
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
      globalSetup: '<rootDir>/tools/test/global-setup.js',
      globalTeardown: '<rootDir>/tools/test/global-teardown.js',
    },
    {
      ...preset,
      displayName: 'e2e',
      roots: ['<rootDir>/apps'],
      testMatch: ['**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/tools/test/e2e-setup.js',
      globalTeardown: '<rootDir>/tools/test/e2e-teardown.js',
    },
  ],
};
