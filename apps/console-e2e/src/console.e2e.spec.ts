import { projectStreamId, type ProjectCreated } from '@camel/contracts';
import { uuidv7 } from '@camel/kernel';
import { openEventStore } from '@camel/event-store';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness, waitForConnection } from './support/harness';

/**
 * The console as a person uses it: the built api serving the built console on the embedded default,
 * driven in Debian's Chromium, signed in as the first owner. Zoneless Angular renders after the event,
 * so every check waits for the DOM (Playwright's expect-style polling via waitFor*), never for a
 * fixed time.
 */
describe('console in a real browser', () => {
  const harness = useConsoleHarness();
  const openPage = (path: string) => harness.openPage(path);
  const connection = (page: Page) => page.locator('[data-testid="connection-status"]');
  const waitForState = waitForConnection;
  const row = (page: Page, name: string) => page.locator('[data-testid="project-row"]', { hasText: name });

  async function createProject(page: Page, name: string, description = ''): Promise<void> {
    await page.fill('[data-testid="create-project-name"]', name);
    if (description) await page.fill('[data-testid="create-project-description"]', description);
    await page.click('[data-testid="create-project-submit"]');
  }

  it('serves the console at the api URL and shows every page (screenshots in test-output/e2e/screenshots)', async () => {
    const page = await openPage('/');
    await page.waitForURL(/\/home$/);
    await waitForState(page, 'connected');
    expect(await page.title()).toContain('CAMEL');
    for (const label of ['Home', 'Projects', 'Configs', 'Runs', 'Logs', 'Annotate', 'Datasets', 'Training', 'Models', 'Admin', 'Audit', 'Health']) {
      expect(await page.locator('nav a', { hasText: label }).count()).toBeGreaterThan(0);
    }
    await screenshot(page, 'projects');

    await page.click('nav a:has-text("Health")');
    await page.waitForSelector('[data-testid="health-status"]');
    await page.waitForFunction(() => /ok|up/i.test(document.querySelector('[data-testid="health-status"]')?.textContent ?? ''));
    expect(await page.locator('text=projects').count()).toBeGreaterThan(0);
    await screenshot(page, 'health');

    await page.click('nav a:has-text("Configs")');
    // Configs opens the first project (or says there is none yet).
    await page.waitForURL(/\/configs(\/[^/]+)?$/);
    await page.waitForSelector('h1:has-text("Configs")');
    await screenshot(page, 'configs');

    // A client-side route survives a reload: the api answers it with the console.
    await page.reload();
    await page.waitForSelector('h1:has-text("Configs")');

    const signIn = await harness.openPage('/sign-in', null);
    await signIn.waitForSelector('[data-testid="sign-in-form"]');
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
    const response = await harness.rest('POST', '/api/projects', { name: `${name} (API)` });
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
    const expected = await harness.rest<{ message: string }>('POST', '/api/projects', { name: blank });
    expect(expected.status).toBe(400);
    const { message } = expected.body;
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

    await harness.app.kill('SIGKILL');
    await page.waitForSelector('[data-testid="connection-status"]:is([data-state="reconnecting"], [data-state="offline"])');
    expect(['reconnecting', 'offline']).toContain(await connection(page).getAttribute('data-state'));
    await screenshot(page, 'reconnecting');

    // While it is away, another process writes to the log (here: straight into the SQLite file).
    const store = await openEventStore({ sqliteFile: join(harness.app.dataDir, 'camel.sqlite') });
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

    await harness.app.start();
    await waitForState(page, 'connected', 30_000);
    await row(page, missed).waitFor();
    // What was there before is still there exactly once.
    expect(await row(page, before).count()).toBe(1);
    expect(await row(page, missed).count()).toBe(1);
    await screenshot(page, 'caught-up');
  });
});
