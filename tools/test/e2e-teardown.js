module.exports = async function e2eTeardown() {
  const { rmSync } = require('node:fs');
  if (process.env.E2E_DIST) rmSync(process.env.E2E_DIST, { recursive: true, force: true });
};
