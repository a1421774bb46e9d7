// Integration tier: one PostgreSQL cluster and one Redis for the whole run (each test file creates
// its own database in the cluster and uses its own queue prefix in Redis). TEST_PG_URL and
// TEST_REDIS_URL set from outside reuse running servers instead.
module.exports = async function globalSetup() {
  if (!process.env.TEST_PG_URL) {
    const { startPostgres } = await import('./postgres.mjs');
    const pg = await startPostgres({ fsync: false });
    globalThis.__camelPostgres = pg;
    process.env.TEST_PG_URL = pg.url;
  }
  if (!process.env.TEST_REDIS_URL) {
    const { startRedis } = await import('./redis.mjs');
    const redis = await startRedis();
    globalThis.__camelRedis = redis;
    process.env.TEST_REDIS_URL = redis.url;
  }
};
