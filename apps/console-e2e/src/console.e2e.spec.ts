import { projectStreamId, type ProjectCreated } from '@camel/contracts';
import { openEventStore, uuidv7 } from '@camel/event-store';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ApiProcess } from '@camel/server/testing';
import { launchChromium, screenshot, watchPage } from './support/browser';

/**
 * The console as a person uses it: the built api serving the built console on the embedded default,
 * driven in Debian's Chromium. Zoneless Angular renders after the event, so every check waits for
 * the DOM (Playwright's expect-style polling via waitFor*), never for a fixed time.
 */
describe('console in a real browser', () => {
  let app: ApiProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const watches: ReturnType<typeof watchPage>[] = [];

  beforeAll(async () => {
    const dist = process.env['E2E_DIST'];
    const consoleDir = process.env['E2E_CONSOLE_DIR'];
    if (!dist || !consoleDir) throw new Error('E2E_DIST / E2E_CONSOLE_DIR are set by tools/test/e2e-setup.js');
    app = new ApiProcess({ dist, env: { CONSOLE_DIR: consoleDir } });
    await app.start();
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

  async function openPage(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    watches.push(watchPage(page));
    await page.goto(`${app.url}${path}`);
    return page;
  }

  const connection = (page: Page) => page.locator('[data-testid="connection-status"]');
  const waitForState = (page: Page, state: string, timeout = 20_000) =>
    page.waitForSelector(`[data-testid="connection-status"][data-state="${state}"]`, { timeout });
  const row = (page: Page, name: string) => page.locator('[data-testid="project-row"]', { hasText: name });

  async function createProject(page: Page, name: string, description = ''): Promise<void> {
    await page.fill('[data-testid="create-project-name"]', name);
    if (description) await page.fill('[data-testid="create-project-description"]', description);
    await page.click('[data-testid="create-project-submit"]');
  }

  it('serves the console at the api URL and shows every page (screenshots in test-output/e2e/screenshots)', async () => {
    const page = await openPage('/');
    await page.waitForURL(/\/projects$/);
    await waitForState(page, 'connected');
    expect(await page.title()).toContain('CAMEL');
    for (const label of ['Projects', 'Configs', 'Runs', 'Logs', 'Annotate', 'Datasets', 'Training', 'Models', 'Admin', 'Audit', 'Health']) {
      expect(await page.locator('nav a', { hasText: label }).count()).toBeGreaterThan(0);
    }
    await screenshot(page, 'projects');

    await page.click('nav a:has-text("Health")');
    await page.waitForSelector('[data-testid="health-status"]');
    await page.waitForFunction(() => /ok|up/i.test(document.querySelector('[data-testid="health-status"]')?.textContent ?? ''));
    expect(await page.locator('text=projects').count()).toBeGreaterThan(0);
    await screenshot(page, 'health');

    await page.click('nav a:has-text("Configs")');
    await page.waitForURL(/\/configs$/);
    await page.waitForSelector('h1:has-text("Configs")');
    await screenshot(page, 'placeholder-configs');

    // A client-side route survives a reload: the api answers it with the console.
    await page.reload();
    await page.waitForSelector('h1:has-text("Configs")');

    const signIn = await openPage('/sign-in');
    await signIn.waitForSelector('text=Sign in');
    await screenshot(signIn, 'sign-in');
  });

  it('shows a project created in one page in another page without reload, then its rename and archive', async () => {
    const first = await openPage('/projects');
    const second = await openPage('/projects');
    await waitForState(first, 'connected');
    await waitForState(second, 'connected');

    const name = `Live ${uuidv7().slice(-6)}`;
    await createProject(first, name, 'created in page 1');
    await row(second, name).waitFor();
    expect(await row(second, name).textContent()).toContain('created in page 1');

    // Created outside any page (another client of the API): it appears too.
    const response = await fetch(`${app.url}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${name} (API)` }),
    });
    expect(response.status).toBe(201);
    await row(first, `${name} (API)`).waitFor();
    await row(second, `${name} (API)`).waitFor();

    await row(first, `${name} (API)`).locator('[data-testid="rename-project"]').click();
    await first.fill('[data-testid="rename-project-name"]', `${name} renamed`);
    await first.click('[data-testid="rename-project-save"]');
    await row(second, `${name} renamed`).waitFor();

    await row(first, `${name} renamed`).locator('[data-testid="archive-project"]').click();
    await first.click('[data-testid="confirm-archive"]');
    await row(second, `${name} renamed`).waitFor({ state: 'detached' });
    await screenshot(second, 'projects-live');
  });

  it('shows the server’s error message when a request fails', async () => {
    const page = await openPage('/projects');
    await waitForState(page, 'connected');
    const blank = '   ';
    const expected = await fetch(`${app.url}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: blank }),
    });
    expect(expected.status).toBe(400);
    const { message } = (await expected.json()) as { message: string };
    await createProject(page, blank);
    const toast = page.locator('[data-testid="toast"]');
    await toast.waitFor();
    expect(await toast.textContent()).toContain(message);
    await screenshot(page, 'error-toast');
  });

  it('shows reconnecting while the server is down, then catches up with what happened meanwhile', async () => {
    const page = await openPage('/projects');
    await waitForState(page, 'connected');
    const before = `Before restart ${uuidv7().slice(-6)}`;
    await createProject(page, before);
    await row(page, before).waitFor();

    await app.kill('SIGKILL');
    await page.waitForSelector('[data-testid="connection-status"]:is([data-state="reconnecting"], [data-state="offline"])');
    expect(['reconnecting', 'offline']).toContain(await connection(page).getAttribute('data-state'));
    await screenshot(page, 'reconnecting');

    // While it is away, another process writes to the log (here: straight into the SQLite file).
    const store = await openEventStore({ sqliteFile: join(app.dataDir, 'camel.sqlite') });
    const missed = `While away ${uuidv7().slice(-6)}`;
    const projectId = uuidv7();
    const event: ProjectCreated = { type: 'ProjectCreated', data: { projectId, name: missed, description: 'appended offline' } };
    await store.append(
      projectStreamId(projectId),
      [
        {
          id: uuidv7(),
          ...event,
          metadata: { actor: { type: 'system', id: 'e2e' }, projectId, correlationId: uuidv7(), time: new Date().toISOString() },
        },
      ],
      { expectedVersion: 'no-stream', streamType: 'project' },
    );
    await store.close();

    await app.start();
    await waitForState(page, 'connected', 30_000);
    await row(page, missed).waitFor();
    // What was there before is still there exactly once.
    expect(await row(page, before).count()).toBe(1);
    expect(await row(page, missed).count()).toBe(1);
    await screenshot(page, 'caught-up');
  });
});
