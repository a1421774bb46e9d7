// Integration tier: one PostgreSQL cluster for the whole run (each test file creates its own
// database in it). TEST_PG_URL set from outside reuses a running server instead.
module.exports = async function globalSetup() {
  if (process.env.TEST_PG_URL) return;
  const { startPostgres } = await import('./postgres.mjs');
  const pg = await startPostgres({ fsync: false });
  globalThis.__camelPostgres = pg;
  process.env.TEST_PG_URL = pg.url;
};
