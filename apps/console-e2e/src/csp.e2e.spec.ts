import type { CommandAccepted } from '@camel/contracts';
import type { Page } from 'playwright-core';
import { useConsoleHarness, waitForConnection } from './support/harness';

/** Collected in the page from document start: every Content-Security-Policy violation it reports. */
const COLLECT_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline') + ' ' + (event.sourceFile || '') + ':' + event.lineNumber);
  });
`;

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);

/**
 * Issue 12, item 6: the console works under the api's Content-Security-Policy (the one
 * apps/console/nginx.conf sends too) and triggers no violation on its pages — with a control that
 * an inline script is refused and reported, so an empty list means something.
 */
describe('console under its Content-Security-Policy', () => {
  const harness = useConsoleHarness();

  it('runs its pages with the CSP and without a single violation', async () => {
    const project = await harness.rest<CommandAccepted>('POST', '/api/projects', { name: 'CSP' });
    expect(project.status).toBe(201);
    const page = await harness.openPage('/projects');
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.addInitScript(COLLECT_VIOLATIONS);
    const response = await page.reload();
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitForConnection(page, 'connected');
    await page.locator('[data-testid="project-row"]', { hasText: 'CSP' }).waitFor();

    for (const path of ['/configs', '/runs', '/logs', '/admin', '/audit', '/status', `/projects/${project.body.id}/members`, `/projects/${project.body.id}/api-keys`, '/projects']) {
      await page.goto(new URL(path, page.url()).toString());
      await waitForConnection(page, 'connected');
      // Angular has rendered the route once the shell's navigation is there again.
      await page.locator('[data-testid="user-menu"]').waitFor();
    }
    expect(await violations(page)).toEqual([]);
    expect(refused).toEqual([]);

    // Control: what the policy forbids is refused and reported (the collection above works).
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true;';
      document.head.appendChild(script);
    });
    await page.waitForFunction(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.length > 0);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    expect((await violations(page))[0]).toContain('script-src');
  });
});
