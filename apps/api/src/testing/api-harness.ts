import type { EventStore } from '@camel/event-store';
import { createTestPostgresDatabase, type Engine } from '@camel/event-store/testing';
import { EVENT_STORE } from '@camel/server';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first owner every test api starts with (ADMIN_EMAIL/ADMIN_PASSWORD). */
export const TEST_OWNER = { email: 'owner@example.test', password: 'owner-test-password-1' } as const;
/** Known to the tests so they can forge tokens (expired, wrong algorithm, …). */
export const TEST_JWT_SECRET = 'test-jwt-secret-of-at-least-thirty-two-characters';

export interface TestApi {
  readonly baseUrl: string;
  /** Access token of TEST_OWNER; `request` sends it unless the headers name another `authorization` ('' = none). */
  readonly ownerToken: string;
  readonly app: INestApplication;
  readonly store: EventStore;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/**
 * Starts the real api on a free port over real HTTP, on a fresh PostgreSQL database or SQLite file.
 * Configuration is read from the environment when the app module loads, so the module is imported
 * only after the environment is set (one app per test file).
 */
export async function startTestApi(engine: Engine): Promise<TestApi> {
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const database = await createTestPostgresDatabase('api');
    process.env['DATABASE_URL'] = database.url;
    cleanup = () => database.drop();
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'camel-api-'));
    delete process.env['DATABASE_URL'];
    process.env['DATA_DIR'] = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  process.env['PROJECTION_WAIT_MS'] ??= '10000';
  process.env['ADMIN_EMAIL'] = TEST_OWNER.email;
  process.env['ADMIN_PASSWORD'] = TEST_OWNER.password;
  process.env['JWT_SECRET'] ??= TEST_JWT_SECRET;
  // No sample configs: tests start from an empty log (the first-start import has its own test).
  process.env['CONFIGS_DIR'] = join(tmpdir(), 'camel-no-sample-configs');
  const { createApiApp } = await import('../bootstrap');
  const app = await createApiApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(TEST_OWNER),
  });
  if (login.status !== 200) throw new Error(`test owner could not sign in: ${login.status} ${await login.text()}`);
  const ownerToken = ((await login.json()) as { accessToken: string }).accessToken;
  return {
    baseUrl,
    ownerToken,
    app,
    store: app.get<EventStore>(EVENT_STORE),
    async request(method, path, body, headers = {}) {
      const auth: Record<string, string> = 'authorization' in headers ? {} : { authorization: `Bearer ${ownerToken}` };
      const sent = Object.fromEntries(Object.entries({ ...auth, ...headers }).filter(([, value]) => value !== ''));
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...sent },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (e.g. the Swagger UI page)
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
