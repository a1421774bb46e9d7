// End-to-end tier: build what `npm start` runs — the server code (into tmp/, next to node_modules)
// and the production console — once for the whole run. Tests start the built api as a process.
module.exports = async function e2eSetup() {
  const { mkdirSync, mkdtempSync } = require('node:fs');
  const { join, resolve } = require('node:path');
  const root = resolve(__dirname, '../..');
  const { build } = await import('../build/build-node.mjs');
  const { buildConsole } = await import('../build/build-console.mjs');
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const dist = mkdtempSync(join(root, 'tmp', 'e2e-dist-'));
  await build({ quiet: true, outDir: dist });
  process.env.E2E_DIST = dist;
  process.env.E2E_CONSOLE_DIR = buildConsole({ quiet: true });
};
