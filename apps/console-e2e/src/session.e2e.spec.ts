import type { AuditPage, CommandAccepted } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { signIn, useConsoleHarness, OWNER, waitForConnection } from './support/harness';

const ACCESS_TOKEN_TTL_S = 4;

/**
 * Short-lived access tokens (4 s): the console refreshes ahead of expiry, the gateway ends sockets
 * whose token expired and the console reconnects with a fresh one, and two tabs sharing one refresh
 * cookie never present the same refresh token twice (the api would revoke the session as a replay).
 */
describe('console session with short-lived access tokens', () => {
  const harness = useConsoleHarness({ ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_S) });

  const row = (page: Page, name: string) => page.locator('[data-testid="project-row"]', { hasText: name });

  it('stays signed in and live across many token lifetimes, in two tabs sharing one refresh cookie', async () => {
    const first = await harness.openPage('/projects');
    // A second tab of the same browser profile: same cookie jar, its own in-memory access token.
    const second = await harness.openTab(first, '/projects');
    await second.waitForSelector('[data-testid="user-menu"]');
    await waitForConnection(first, 'connected');
    await waitForConnection(second, 'connected');

    // Several access-token lifetimes: each tab refreshes on its own schedule (serialised by
    // navigator.locks) and each socket is ended by the gateway at expiry and reconnects.
    for (let round = 1; round <= 3; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, ACCESS_TOKEN_TTL_S * 1000));
      const name = `Round ${round} ${randomUUID().slice(0, 6)}`;
      const created = await harness.rest<CommandAccepted>('POST', '/api/projects', { name });
      expect(created.status).toBe(201);
      await row(first, name).waitFor({ timeout: 15_000 });
      await row(second, name).waitFor({ timeout: 15_000 });
    }

    // Both tabs still act with valid tokens (a REST write from the page itself).
    await second.bringToFront();
    const fromPage = `From the page ${randomUUID().slice(0, 6)}`;
    await second.fill('[data-testid="create-project-name"]', fromPage);
    await second.click('[data-testid="create-project-submit"]');
    await row(first, fromPage).waitFor();
    expect(await first.locator('[data-testid="sign-in-form"]').count()).toBe(0);
    expect(await second.locator('[data-testid="sign-in-form"]').count()).toBe(0);

    // Both tabs refreshed (the page's own write above came long after its first access token
    // expired), one after the other: no refresh token was ever presented twice. The rotations are
    // bookkeeping: the audit trail lists the sign-ins, not the renewals.
    const sessions = await harness.rest<AuditPage>('GET', '/api/audit?type=Session*&limit=500');
    expect(sessions.body.entries.map((entry) => entry.type).filter((type) => type !== 'SessionStarted')).toEqual([]);
    const revoked = await harness.rest<AuditPage>('GET', '/api/audit?type=SessionRevoked');
    expect(revoked.body.entries).toEqual([]);

    // The session was never revoked as a replay: a reload restores it from the cookie.
    await first.bringToFront();
    await first.reload();
    await first.waitForSelector('[data-testid="user-menu"]');
    await row(first, fromPage).waitFor();
    await screenshot(first, 'session-refreshed');
  });

  it('restores the session in tabs that reload at the same moment (one refresh at a time)', async () => {
    const first = await harness.openPage('/projects');
    const second = await harness.openTab(first, '/projects');
    await second.waitForSelector('[data-testid="user-menu"]');
    for (let round = 0; round < 5; round += 1) {
      // Both restore from the same cookie at once: unserialised, the second would present a spent
      // refresh token and the api would revoke the session.
      await Promise.all([first.reload(), second.reload()]);
      await first.waitForSelector('[data-testid="user-menu"]');
      await second.waitForSelector('[data-testid="user-menu"]');
    }
    const revoked = await harness.rest<AuditPage>('GET', '/api/audit?type=SessionRevoked');
    expect(revoked.body.entries).toEqual([]);
    await waitForConnection(first, 'connected');
  });

  it('signs every tab out when one signs out', async () => {
    const first = await harness.openPage('/projects');
    const second = await harness.openTab(first, '/projects');
    await second.waitForSelector('[data-testid="user-menu"]');

    // Chromium throttles the tab in the background: act in the front one.
    await first.bringToFront();
    await first.click('[data-testid="user-menu"]');
    await first.click('[data-testid="sign-out"]');
    await first.waitForURL(/\/sign-in$/);
    await second.waitForURL(/\/sign-in/);
    await second.waitForSelector('[data-testid="sign-in-form"]');

    // Signing in again in one tab brings the other back too.
    await signIn(first, OWNER);
    await second.waitForSelector('[data-testid="user-menu"]');
    await screenshot(second, 'signed-in-from-other-tab');
  });
});
