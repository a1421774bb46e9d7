/**
 * Test helpers shared by the integration suites of every lib and app. Not exported from the main
 * entry point: production code never imports this file.
 */
export { createTestPostgresDatabase, type TestDatabase } from './testing/test-database';
export { eventStoreConformance, type ConformanceHarness } from './testing/conformance';
export { makeEvent, testMetadata } from './testing/fixtures';
export { createTestStoreLocation, ENGINES, type Engine, type TestStoreLocation } from './testing/test-stores';
export { startOwnPostgres, type OwnPostgres } from './testing/own-postgres';
export { asDatabaseWriter } from './testing/database-writer';
