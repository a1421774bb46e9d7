#!/usr/bin/env node
// Runs a TypeScript benchmark without a build step:
//   node tools/bench/run.mjs <name> [options]
//   node tools/bench/run.mjs --list        (the benchmark names, one a line)
// <name> `foo` runs tools/bench/foo/foo.bench.ts, `foo/bar` runs tools/bench/foo/bar.bench.ts.
// The module must export `run(context)` (see tools/bench/harness.ts, BenchContext).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/postgres.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const require = createRequire(import.meta.url);

function available() {
  const names = [];
  for (const entry of readdirSync(here, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of readdirSync(join(here, entry.name))) {
      if (!file.endsWith('.bench.ts')) continue;
      const base = file.slice(0, -'.bench.ts'.length);
      names.push(base === entry.name ? base : `${entry.name}/${base}`);
    }
  }
  return names.sort();
}

const [name, ...args] = process.argv.slice(2);
if (name === '--list') {
  process.stdout.write(`${available().join('\n')}\n`);
  process.exit(0);
}
if (!name || name === '--help' || name === '-h') {
  console.error(`usage: node tools/bench/run.mjs <name> [--quick|--smoke] [--json] [...] | --list\nbenchmarks: ${available().join(', ')}`);
  process.exit(name ? 0 : 2);
}
const file = name.includes('/') ? join(here, `${name}.bench.ts`) : join(here, name, `${name}.bench.ts`);
if (!existsSync(file)) {
  console.error(`unknown benchmark "${name}" (no ${file}); available: ${available().join(', ')}`);
  process.exit(2);
}

require('./ts-loader.cjs').register();
const bench = require(file);
if (typeof bench.run !== 'function') {
  console.error(`${file} does not export run(context)`);
  process.exit(2);
}
try {
  await bench.run({ args, root, startPostgres });
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
// Pools or timers a failed run left behind must not keep the process alive.
process.exit(process.exitCode ?? 0);
