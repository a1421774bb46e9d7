import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve(__dirname, 'services.sh');

/** Runs the check with the given places to look (never installing: TEST_SERVICES_INSTALL=never). */
function check(env: Record<string, string>) {
  const result = spawnSync('bash', [script], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', TEST_SERVICES_INSTALL: 'never', ...env }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('tools/test/services.sh (the test suite checks its programs first)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'camel-services-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const executable = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };

  it('passes silently when PostgreSQL, Redis and Chromium are where the tests look', () => {
    executable('initdb');
    expect(check({ PG_BIN: dir, REDIS_SERVER: executable('redis-server'), CHROMIUM_PATH: executable('chromium') })).toEqual({ code: 0, out: '', err: '' });
  });

  it('stops at once naming the missing packages and the command that installs them', () => {
    const result = check({ PG_BIN: join(dir, 'none'), REDIS_SERVER: join(dir, 'none'), CHROMIUM_PATH: join(dir, 'none') });
    expect(result.code).toBe(3);
    expect(result.err).toContain('lacks: postgresql redis-server chromium');
    expect(result.err).toContain('sudo apt-get install -y --no-install-recommends postgresql redis-server chromium');
  });

  it('names only what is missing', () => {
    executable('initdb');
    const result = check({ PG_BIN: dir, REDIS_SERVER: executable('redis-server'), CHROMIUM_PATH: join(dir, 'none') });
    expect(result.code).toBe(3);
    expect(result.err).toContain('lacks: chromium.');
  });
});
