import type { ApiErrorBody } from '@camel/contracts';
import { screenshot } from './support/browser';
import { useConsoleHarness } from './support/harness';

/** Sign-in throttling as the console shows it: the api's 429 message in place. Own api: a low limit. */
describe('console sign-in throttling in a real browser', () => {
  const harness = useConsoleHarness({ LOGIN_RATE_LIMIT: '3' });

  it('shows the server’s message when sign-in attempts are throttled (429)', async () => {
    const email = 'nobody@example.test';
    const page = await harness.openPage('/sign-in', null);
    const error = page.locator('[data-testid="sign-in-error"]');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await page.fill('[data-testid="sign-in-email"]', email);
      await page.fill('[data-testid="sign-in-password"]', `wrong password ${attempt}`);
      await page.click('[data-testid="sign-in-submit"]');
      await page.waitForSelector('[data-testid="sign-in-submit"]:not([disabled])');
      await error.waitFor();
    }
    await page.fill('[data-testid="sign-in-password"]', 'wrong password 4');
    await page.click('[data-testid="sign-in-submit"]');
    await page.locator('[data-testid="sign-in-error"]', { hasText: 'too many' }).waitFor();

    const answer = await harness.rest<ApiErrorBody>('POST', '/api/auth/login', { email, password: 'x'.repeat(12) }, '');
    expect(answer.status).toBe(429);
    expect(answer.body.code).toBe('auth.throttled');
    expect(await error.textContent()).toContain('too many attempts for this account from this address');
    await screenshot(page, 'sign-in-throttled');
  });
});
