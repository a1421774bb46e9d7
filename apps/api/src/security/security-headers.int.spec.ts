import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../testing/api-harness';

/** Issue 12, item 6: the api and the console it serves answer with helmet's headers and the console's CSP. */
describe('security headers (SQLite)', () => {
  let api: TestApi;
  let consoleDir: string;
  beforeAll(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'camel-console-'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    process.env['CONSOLE_DIR'] = consoleDir;
    api = await startTestApi('sqlite');
  });
  afterAll(async () => {
    await api.close();
    delete process.env['CONSOLE_DIR'];
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it.each([
    ['an api answer', '/api/projects', 'application/json'],
    ['an error', '/api/no-such-route', 'application/json'],
    ['the console', '/projects', 'text/html'],
  ])('%s carries CSP, nosniff, referrer policy and no X-Powered-By', async (_, path, accept) => {
    const response = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${api.ownerToken}`, accept } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
    // Plain HTTP: no HSTS (it is sent only when the request came over TLS).
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
