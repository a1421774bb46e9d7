import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './app-config';
import { readOrCreateKeyFile, resolveKey } from './key-material';

const SECRET = 'a-secret-of-at-least-thirty-two-characters!';

describe('resolveKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'camel-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const base = { variable: 'JWT_SECRET', fileVariable: 'JWT_SECRET_FILE' };

  it('takes the environment first, then the key file', () => {
    const file = join(dir, 'jwt');
    writeFileSync(file, `${SECRET}-file\n`);
    expect(resolveKey({ ...base, value: SECRET, file })).toEqual({ secret: SECRET, source: 'environment' });
    expect(resolveKey({ ...base, file })).toEqual({ secret: `${SECRET}-file`, source: 'file' });
  });

  it('without either and without a place to generate one (production) refuses, naming the variable', () => {
    expect(() => resolveKey(base)).toThrow(ConfigError);
    expect(() => resolveKey(base)).toThrow(/JWT_SECRET \(or JWT_SECRET_FILE/);
  });

  it('refuses a short secret and an unreadable file, naming the variable without echoing the value', () => {
    expect(() => resolveKey({ ...base, value: 'short-secret' })).toThrow(/JWT_SECRET: the secret must be at least 32/);
    expect(() => resolveKey({ ...base, value: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => resolveKey({ ...base, file: join(dir, 'missing') })).toThrow(/JWT_SECRET_FILE=.*cannot read the key file \(ENOENT\)/);
  });

  it('generates a key file with mode 0600 in a 0700 folder once, and reads the same key afterwards', () => {
    const file = join(dir, 'keys', 'jwt.key');
    const first = resolveKey({ ...base, generatedFile: file });
    expect(first.source).toBe('generated');
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(resolveKey({ ...base, generatedFile: file }).secret).toBe(first.secret);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
  });

  it('keeps the first key when another process already created it', () => {
    const file = join(dir, 'jwt.key');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    expect(readOrCreateKeyFile(file)).toBe(SECRET);
  });
});
