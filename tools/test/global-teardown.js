module.exports = async function globalTeardown() {
  const pg = globalThis.__camelPostgres;
  if (pg) pg.stop();
};
