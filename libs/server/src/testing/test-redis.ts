/** The Redis the integration tier's global setup started (tools/test/redis.mjs), or TEST_REDIS_URL given from outside. */
export function testRedisUrl(): string {
  const url = process.env['TEST_REDIS_URL'];
  if (!url) throw new Error('TEST_REDIS_URL is not set: the integration global setup starts Redis (redis-server must be installed)');
  return url;
}
