import { readFileSync, statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'jsonwebtoken';
import type { TestApi } from '../testing/api-harness';
import { startFreshApi as start } from './start-fresh-api';

/** Issue 12, item 2: a database backup alone must not be enough to mint tokens. */
describe('signing secrets live outside the database', () => {
  const saved = { JWT_SECRET: process.env['JWT_SECRET'], JWT_SECRET_FILE: process.env['JWT_SECRET_FILE'] };
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('embedded default with an empty JWT_SECRET: generated into DATA_DIR/keys (0600), not into the database', async () => {
    process.env['JWT_SECRET'] = '';
    const started = await start('sqlite');
    api = started;
    const dataDir = process.env['DATA_DIR'] as string;
    const keyFile = join(dataDir, 'keys', 'jwt.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(keyFile, 'utf8').trim();
    expect(() => verify(started.ownerToken, secret, { algorithms: ['HS256'] })).not.toThrow();
    const tables = await started.store.db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    expect(tables.map((t) => t.name)).not.toContain('server_secrets');
    for (const file of ['camel.sqlite', 'camel.sqlite-wal']) {
      let raw = '';
      try {
        raw = readFileSync(join(dataDir, file)).toString('latin1');
      } catch {
        continue;
      }
      expect(raw.includes(secret)).toBe(false);
    }
  });

  it('PostgreSQL without JWT_SECRET refuses to start, naming the variable', async () => {
    process.env['JWT_SECRET'] = '';
    await expect(start('postgres')).rejects.toThrow(/JWT_SECRET \(or JWT_SECRET_FILE, a file holding it\) is required when DATABASE_URL is set/);
  });

  it('PostgreSQL signs with the key file named by JWT_SECRET_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camel-key-'));
    const secret = 'a-mounted-secret-of-more-than-thirty-two-characters';
    writeFileSync(join(dir, 'jwt'), `${secret}\n`, { mode: 0o600 });
    process.env['JWT_SECRET'] = '';
    process.env['JWT_SECRET_FILE'] = join(dir, 'jwt');
    try {
      const started = await start('postgres');
      api = started;
      expect(() => verify(started.ownerToken, secret, { algorithms: ['HS256'] })).not.toThrow();
      const tables = await started.store.db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_name = 'server_secrets'");
      expect(tables).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
