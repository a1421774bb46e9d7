module.exports = async function globalTeardown() {
  globalThis.__camelPostgres?.stop();
  globalThis.__camelRedis?.stop();
};
