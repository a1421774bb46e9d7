import type { ApiKeyView, CommandAccepted } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import { screenshot } from './support/browser';
import { useConsoleHarness } from './support/harness';

/**
 * Issue 12, item 5 (optional expiry on API keys) in the console: the create form sets the expiry day,
 * the table shows it (live and after a reload), and a key without one shows "never".
 */
describe('API key expiry in a real browser', () => {
  const harness = useConsoleHarness();

  it('sets an expiry day at creation and shows it in the table; a key without one never expires', async () => {
    const created = await harness.rest<CommandAccepted>('POST', '/api/projects', { name: `Keys ${randomUUID().slice(0, 8)}` });
    expect(created.status).toBe(201);
    const projectId = created.body.id;
    const page = await harness.openPage(`/projects/${projectId}/api-keys`);
    await page.waitForSelector('[data-testid="api-keys-empty"]');

    const day = new Date(Date.now() + 30 * 86_400_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const expiresOn = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
    await page.fill('[data-testid="create-api-key-name"]', 'nightly export');
    await page.fill('[data-testid="create-api-key-expires"]', expiresOn);
    await page.click('[data-testid="create-api-key-submit"]');
    await page.locator('[data-testid="one-time-value"]').waitFor();
    const row = page.locator('[data-testid="api-key-row"][data-name="nightly export"][data-status="active"]');
    await row.waitFor();
    const shown = row.locator('[data-testid="api-key-expires"] time');
    const listed = await harness.rest<ApiKeyView[]>('GET', `/api/projects/${projectId}/api-keys`);
    const expiresAt = listed.body.find((key) => key.name === 'nightly export')?.expiresAt ?? '';
    // The end of the chosen day in the browser's time zone (the harness runs browser and test on one machine).
    expect(expiresAt).toBe(new Date(`${expiresOn}T23:59:59.999`).toISOString());
    expect(await shown.getAttribute('datetime')).toBe(expiresAt);
    // The form is ready for the next key, without the previous expiry.
    expect(await page.inputValue('[data-testid="create-api-key-expires"]')).toBe('');

    await page.fill('[data-testid="create-api-key-name"]', 'ci forever');
    await page.click('[data-testid="create-api-key-submit"]');
    const forever = page.locator('[data-testid="api-key-row"][data-name="ci forever"]');
    await forever.waitFor();
    expect(await forever.locator('[data-testid="api-key-expires"]').textContent()).toContain('never');
    await screenshot(page, 'api-key-expiry');

    await page.reload();
    await page.locator('[data-testid="api-key-row"][data-name="nightly export"] [data-testid="api-key-expires"] time').waitFor();
    expect(await page.locator('[data-testid="api-key-row"][data-name="nightly export"] [data-testid="api-key-expires"] time').getAttribute('datetime')).toBe(expiresAt);
  });
});
