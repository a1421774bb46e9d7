import { ApiProcess, TEST_ADMIN } from '@camel/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchPage } from './browser';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export const OWNER: Credentials = TEST_ADMIN;

export interface RestAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface ConsoleHarness {
  readonly app: ApiProcess;
  /** A fresh browser context (own cookies) on `path`, signed in as `as` (default: the owner), or not (`null`). */
  openPage(path: string, as?: Credentials | null): Promise<Page>;
  /** Another tab in the same context as `page` (same cookies, its own memory), on `path`. */
  openTab(page: Page, path: string): Promise<Page>;
  /**
   * The api over REST, as the owner (signing in again when the token expired) unless another bearer
   * token (access token or API key; '' = none) is given.
   */
  rest<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<RestAnswer<T>>;
  /** The owner's access token (signed in once per file). */
  ownerToken(): string;
}

/**
 * One api process per spec file (the built api serving the built console on a fresh data dir) and
 * one Chromium. Every page gets its own context, so its own refresh cookie: two contexts sharing a
 * cookie would spend the same refresh token and the api would revoke the session as a replay.
 * After each test: no request left 127.0.0.1 and no page threw.
 */
export function useConsoleHarness(env: Readonly<Record<string, string>> = {}): ConsoleHarness {
  let app: ApiProcess | undefined;
  let browser: Browser | undefined;
  let token = '';
  const contexts: BrowserContext[] = [];
  const watches: ReturnType<typeof watchPage>[] = [];
  // Jest applies `testTimeout` only globally, not per project: browser tests need more than 5 s.
  jest.setTimeout(60_000);

  beforeAll(async () => {
    const dist = process.env['E2E_DIST'];
    const consoleDir = process.env['E2E_CONSOLE_DIR'];
    if (!dist || !consoleDir) throw new Error('E2E_DIST / E2E_CONSOLE_DIR are set by tools/test/e2e-setup.js');
    // Many sign-ins per minute from one address and account: the default throttle would refuse them.
    app = new ApiProcess({ dist, env: { CONSOLE_DIR: consoleDir, LOGIN_RATE_LIMIT: '1000', LOGIN_RATE_LIMIT_IP: '10000', ...env } });
    await app.start();
    token = await app.signIn(OWNER.email, OWNER.password);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    // Nothing may leave the machine, and no page may throw.
    for (const watch of watches.splice(0)) {
      expect(watch.external).toEqual([]);
      expect(watch.errors).toEqual([]);
    }
  });

  const api = (): ApiProcess => {
    if (!app) throw new Error('the api is not started');
    return app;
  };

  return {
    get app() {
      return api();
    },
    async openPage(path, as = OWNER) {
      if (!browser) throw new Error('the browser is not started');
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      watches.push(watchPage(page));
      await page.goto(`${api().url}${path}`);
      if (as) {
        await signIn(page, as);
        // Back where the sign-in guard came from ('/' is the home page).
        const target = new URL(path, api().url).pathname;
        await page.waitForURL((url) => url.pathname === (target === '/' ? '/home' : target));
      }
      return page;
    },
    async openTab(page, path) {
      const tab = await page.context().newPage();
      watches.push(watchPage(tab));
      await tab.goto(`${api().url}${path}`);
      return tab;
    },
    async rest<T>(method: string, path: string, body?: unknown, bearer?: string): Promise<RestAnswer<T>> {
      const send = async (credential: string | undefined) => {
        const response = await fetch(`${api().url}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
      };
      if (bearer !== undefined) return send(bearer);
      const answer = await send(token);
      if (answer.status !== 401) return answer;
      // The owner's access token expired (short TTLs in some files): sign in again.
      token = await api().signIn(OWNER.email, OWNER.password);
      return send(token);
    },
    ownerToken: () => token,
  };
}

/** Fills the sign-in form (the guard has sent the page there) and submits it. */
export async function signIn(page: Page, { email, password }: Credentials): Promise<void> {
  await page.waitForSelector('[data-testid="sign-in-email"]');
  await page.fill('[data-testid="sign-in-email"]', email);
  await page.fill('[data-testid="sign-in-password"]', password);
  await page.click('[data-testid="sign-in-submit"]');
  await page.waitForSelector('[data-testid="user-menu"]');
}

/** Connection badge of the toolbar in a given state. */
export function waitForConnection(page: Page, state: string, timeout = 20_000) {
  return page.waitForSelector(`[data-testid="connection-status"][data-state="${state}"]`, { timeout });
}
