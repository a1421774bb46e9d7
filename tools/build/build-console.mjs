// Builds the Angular console (production configuration) into dist/apps/console/browser, unless the
// build there is newer than every console source: `npm start` stays quick after the first run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const consoleDir = join(root, 'dist/apps/console/browser');
const inputs = ['apps/console', 'libs/contracts/src', 'libs/console', 'tsconfig.base.json', 'package-lock.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function consoleIsCurrent() {
  const index = join(consoleDir, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return inputs.every((input) => !existsSync(join(root, input)) || newestMtime(join(root, input)) <= built);
}

export function buildConsole({ quiet = false, force = false } = {}) {
  if (!force && consoleIsCurrent()) return consoleDir;
  const started = Date.now();
  if (!quiet) console.log('building the console (Angular, production)…');
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/nx/dist/bin/nx.js'), 'build', 'console', '--configuration', 'production', '--skip-nx-cache'],
    {
      cwd: root,
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`console build failed (exit ${result.status})${quiet ? `:\n${result.stdout}${result.stderr}` : ''}`);
  }
  if (!quiet) console.log(`console built into ${consoleDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return consoleDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildConsole({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
