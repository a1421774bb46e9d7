// `npm start`: build the server code (and the console, when its sources changed), then run the api
// (default) or the worker in the foreground. On the embedded default (no DATABASE_URL) everything
// lives in one SQLite file under DATA_DIR, and the api serves the console: one URL for everything.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from '../build/build-node.mjs';
import { buildConsole } from '../build/build-console.mjs';

const app = process.argv[2] ?? 'api';
const entries = { api: 'apps/api/src/main.js', worker: 'apps/worker/src/main.js', cli: 'apps/api/src/cli.js' };
if (!entries[app]) {
  console.error(`unknown app "${app}"; use one of: ${Object.keys(entries).join(', ')}`);
  process.exit(2);
}
const outDir = await build({ quiet: true });
const env = { ...process.env };
if (app === 'api' && !env.CONSOLE_DIR) {
  try {
    env.CONSOLE_DIR = buildConsole();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
const child = spawn(process.execPath, ['--enable-source-maps', join(outDir, entries[app]), ...process.argv.slice(3)], {
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
