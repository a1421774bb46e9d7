import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { API_PREFIXES } from '../console-static';
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

  /** Directive lists compare by content, not by the spaces after `;`. */
  const normalized = (name: string, value: string) =>
    name.toLowerCase() === 'content-security-policy'
      ? value
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean)
          .join('; ')
      : value;

  /** `add_header` lines of each static location of apps/console/nginx.conf (the api's paths are proxied). */
  function nginxStaticHeaders(): Map<string, Map<string, string>> {
    const conf = readFileSync(resolve(__dirname, '../../../console/nginx.conf'), 'utf8');
    const blocks = new Map<string, Map<string, string>>();
    for (const match of conf.matchAll(/^\s*location\s+(.+?)\s*\{\s*$([\s\S]*?)^\s*\}\s*$/gm)) {
      const headers = new Map<string, string>();
      for (const line of match[2].matchAll(/add_header\s+([\w-]+)\s+"([^"]*)"/g)) headers.set(line[1].toLowerCase(), normalized(line[1], line[2]));
      if (!match[2].includes('proxy_pass')) blocks.set(match[1].trim(), headers);
    }
    return blocks;
  }

  it('apps/console/nginx.conf sends every security header the api sends for the console, with the same values', async () => {
    const response = await fetch(`${api.baseUrl}/projects`, { headers: { accept: 'text/html' } });
    const NOT_SECURITY = new Set(['cache-control', 'content-type', 'content-length', 'etag', 'last-modified', 'date', 'connection', 'keep-alive', 'accept-ranges', 'x-request-id', 'vary', 'transfer-encoding']);
    const sent = new Map([...response.headers.entries()].filter(([name]) => !NOT_SECURITY.has(name)).map(([name, value]) => [name, normalized(name, value)]));
    expect(sent.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const blocks = nginxStaticHeaders();
    expect(blocks.size).toBeGreaterThanOrEqual(2);
    for (const [location, headers] of blocks) {
      headers.delete('cache-control');
      expect({ location, headers: Object.fromEntries([...headers].sort()) }).toEqual({ location, headers: Object.fromEntries([...sent].sort()) });
    }
  });

  // curl, Python's requests and most SDK tools send `Accept: */*`, which also accepts HTML.
  it.each([
    ['/v1/models', 401, 'invalid_api_key'],
    ['/v1/no-such-route', 404, null],
    ['/api/no-such-route', 404, 'route.not-found'],
  ])('GET %s with Accept */* is answered by the api, never with the console page', async (path, status, code) => {
    const response = await fetch(`${api.baseUrl}${path}`, { headers: { accept: '*/*' } });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { code?: string; error?: { code: string | null } };
    expect(path.startsWith('/v1') ? body.error?.code : body.code).toBe(code);
  });

  it('apps/console/nginx.conf proxies every path prefix the api keeps from the console', () => {
    const conf = readFileSync(resolve(__dirname, '../../../console/nginx.conf'), 'utf8');
    const proxied = [...conf.matchAll(/^\s*location\s+\/([\w.]+)\/\s*\{([\s\S]*?)^\s*\}/gm)].filter((m) => m[2].includes('proxy_pass')).map((m) => m[1]);
    expect([...proxied].sort()).toEqual([...API_PREFIXES].sort());
  });
});
