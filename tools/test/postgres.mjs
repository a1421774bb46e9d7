// Starts and stops a throwaway PostgreSQL cluster on a free loopback port (tests and benchmarks).
// Uses the Debian server binaries; as root, initdb and the server run as the `postgres` user.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findBinDir() {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error(
    'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and $PG_BIN). ' +
      'Install them: apt-get install -y postgresql',
  );
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin, args) {
  if (asRoot) {
    const quoted = [bin, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
    return execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' });
  }
  return execFileSync(bin, args, { stdio: 'pipe' });
}

/** @returns {Promise<{ url: string, port: number, dir: string, bin: string, stop: () => void }>} */
export async function startPostgres({ fsync = true } = {}) {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'camel-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=300',
    '-c shared_buffers=256MB',
    fsync ? '' : '-c fsync=off -c synchronous_commit=off',
  ].join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return { url, port, dir, bin, stop: () => stopPostgres(dir) };
}

/** Stops the cluster startPostgres created in `dir` and removes its files. */
export function stopPostgres(dir) {
  try {
    run(join(findBinDir(), 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// For a test that needs a cluster of its own (Jest cannot import this module):
//   node tools/test/postgres.mjs start      prints {"url","port","dir","bin"} and leaves it running
//   node tools/test/postgres.mjs stop DIR
// (No top-level await: Jest's global setup loads this module through require.)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, dir] = process.argv.slice(2);
  if (command === 'start') {
    startPostgres({ fsync: false }).then(({ url, port, dir: created, bin }) => {
      process.stdout.write(`${JSON.stringify({ url, port, dir: created, bin })}\n`);
    });
  } else if (command === 'stop' && dir) {
    stopPostgres(dir);
  } else {
    process.stderr.write('usage: node tools/test/postgres.mjs start | stop DIR\n');
    process.exit(2);
  }
}
