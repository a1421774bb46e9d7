// Starts and stops a throwaway Redis on a free loopback port (tests), like postgres.mjs does for
// PostgreSQL. Uses Debian's redis-server (`.ci/run` installs it); nothing is persisted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './postgres.mjs';

function findServer() {
  const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'].filter(Boolean);
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('redis-server not found (looked at $REDIS_SERVER, /usr/bin, /usr/local/bin). Install it: apt-get install -y redis-server');
  return found;
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `port`: a given one (a test bringing a stopped Redis back at the same address), else a free one.
 * @returns {Promise<{ url: string, port: number, dir: string, stop: () => void }>}
 */
export async function startRedis(port = undefined) {
  const server = findServer();
  const dir = mkdtempSync(join(tmpdir(), 'camel-redis-'));
  port ??= await freePort();
  execFileSync(server, [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'yes',
    '--dir', dir,
    '--pidfile', join(dir, 'redis.pid'),
    '--logfile', join(dir, 'redis.log'),
  ], { stdio: 'pipe' });
  for (let i = 0; i < 100 && !(await ping(port)); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await ping(port))) {
    stopRedis(dir);
    throw new Error(`redis-server did not answer on port ${port}`);
  }
  return { url: `redis://127.0.0.1:${port}`, port, dir, stop: () => stopRedis(dir) };
}

/** Stops the server startRedis created in `dir` and removes its files. */
export function stopRedis(dir) {
  try {
    const pidFile = join(dir, 'redis.pid');
    if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

//   node tools/test/redis.mjs start [PORT]  prints {"url","port","dir"} and leaves it running
//   node tools/test/redis.mjs stop DIR
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [command, dir] = process.argv.slice(2);
  if (command === 'start') {
    startRedis(dir ? Number(dir) : undefined).then(({ url, port, dir: created }) => process.stdout.write(`${JSON.stringify({ url, port, dir: created })}\n`));
  } else if (command === 'stop' && dir) {
    stopRedis(dir);
  } else {
    process.stderr.write('usage: node tools/test/redis.mjs start [PORT] | stop DIR\n');
    process.exit(2);
  }
}
