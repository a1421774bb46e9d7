import type { AuditPage, UserCreatedResponse } from '@camel/contracts';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness } from './support/harness';

/**
 * A newcomer's first hour, in order: the owner lands on a home page that says what to do next,
 * creates a project (its name unique), writes configs from the editor's valid examples, invites an
 * annotator whose home points at annotation; the audit trail reads as actions with names, and the
 * pages stay usable at 390 px. One api per file: the steps build on each other (each test opens its
 * own pages; the harness closes them after it).
 */
describe('first contact: a new owner, then an invited annotator', () => {
  const harness = useConsoleHarness();
  const PROJECT = 'Support triage agents';
  let projectId = '';

  const nextStep = (page: Page, step: string) => page.waitForSelector(`[data-testid="home-next"][data-step="${step}"]`);
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('lands the owner on a home page whose next step is a project; the project name is unique', async () => {
    const owner = await harness.openPage('/');
    await owner.waitForURL(/\/home$/);
    await owner.locator('h2', { hasText: 'What this is for' }).waitFor();
    await nextStep(owner, 'create-project');
    expect(await owner.locator('[data-testid="home-api-docs"]').getAttribute('href')).toBe('/api/docs');
    await screenshot(owner, 'first-contact-home-owner');

    await owner.click('[data-testid="home-next-action"]');
    await owner.waitForURL(/\/projects$/);
    await owner.fill('[data-testid="create-project-name"]', PROJECT);
    await owner.click('[data-testid="create-project-submit"]');
    const link = owner.locator('[data-testid="project-name"]', { hasText: PROJECT });
    await link.waitFor();
    // The list speaks of changes, not event numbers, and has no Version column.
    expect(await owner.locator('[data-testid="projects-position"]').textContent()).not.toMatch(/event \d/);
    expect(await owner.locator('th', { hasText: 'Version' }).count()).toBe(0);

    // The same name again, in another case: refused at the field, nothing created.
    await owner.fill('[data-testid="create-project-name"]', ' support TRIAGE agents ');
    await owner.click('[data-testid="create-project-submit"]');
    await owner.locator('[data-testid="create-project-name-error"]', { hasText: 'already called' }).waitFor();
    expect(await owner.locator('[data-testid="project-row"]').count()).toBe(1);
    await screenshot(owner, 'first-contact-unique-name');

    // The name leads to the project's page.
    await link.click();
    await owner.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    projectId = new URL(owner.url()).pathname.split('/')[2] ?? '';
    await owner.locator('[data-testid="project-title"]', { hasText: PROJECT }).waitFor();
    for (const area of ['configs', 'runs', 'logs', 'members', 'api-keys']) await owner.waitForSelector(`[data-testid="project-area-${area}"]`);
    await screenshot(owner, 'first-contact-project-page');
  });

  it('writes configs from the editor’s valid examples, and the next step becomes a run', async () => {
    const owner = await harness.openPage('/home');
    await nextStep(owner, 'write-configs');
    await owner.click('[data-testid="home-next-action"]');
    await owner.waitForURL(new RegExp(`/configs/${projectId}$`));
    await owner.click('[data-testid="config-add-agents"]');
    await owner.waitForSelector('[data-testid="config-editor"][data-path="agents.yaml"]');
    await owner.fill('[data-testid="config-new-workflow"]', 'triage');
    await owner.click('[data-testid="config-add-workflow"]');
    await owner.waitForSelector('[data-testid="config-editor"][data-path="workflows/triage.yaml"]');
    await owner.locator('[data-testid="config-editor"] .cm-line', { hasText: 'assistant: assistant' }).waitFor();
    await owner.waitForSelector('[data-testid="config-validation"][data-state="ok"]');
    await owner.waitForSelector('[data-testid="config-problems-none"]');
    await owner.fill('[data-testid="config-save-message"]', 'first agents and workflow');
    await owner.click('[data-testid="config-save"]');
    await owner.waitForSelector('[data-testid="config-version"][data-version="1"]');
    await screenshot(owner, 'first-contact-configs');

    await owner.click('[data-testid="nav-home"]');
    await nextStep(owner, 'start-run');
  });

  it('invites an annotator, whose first page points at annotation; the audit names who did what', async () => {
    const invited = await harness.rest<UserCreatedResponse>('POST', '/api/users', { email: 'ann@example.test', name: 'Ann Notator' });
    expect(invited.status).toBe(201);
    expect((await harness.rest('POST', `/api/projects/${projectId}/members`, { email: 'ann@example.test', role: 'annotator' })).status).toBe(201);

    const annotator = await harness.openPage(`/accept-invite?token=${encodeURIComponent(invited.body.inviteToken ?? '')}`, null);
    await annotator.fill('[data-testid="accept-invite-password"]', 'ann-chose-this-password');
    await annotator.fill('[data-testid="accept-invite-confirm"]', 'ann-chose-this-password');
    await annotator.click('[data-testid="accept-invite-submit"]');
    await annotator.waitForURL(/\/home$/);
    await nextStep(annotator, 'annotate');
    await annotator.locator('h1', { hasText: 'Welcome, Ann' }).waitFor();
    await screenshot(annotator, 'first-contact-home-annotator');

    // The audit trail: actions by name, no token renewals; leaving out a family works.
    const owner = await harness.openPage('/audit');
    const invite = owner.locator('[data-testid="audit-row"][data-type="UserInvited"]');
    await invite.waitFor();
    await invite.locator('[data-testid="audit-subject"]', { hasText: 'user Ann Notator' }).waitFor();
    expect(await invite.locator('[data-testid="audit-actor"]').textContent()).toContain('you');
    await owner.locator('[data-testid="audit-row"][data-type="ProjectCreated"] [data-testid="audit-subject"]', { hasText: `project ${PROJECT}` }).waitFor();
    // Ann's sign-in arrives live, with her name.
    await owner.locator('[data-testid="audit-row"][data-type="SessionStarted"] [data-testid="audit-actor"]', { hasText: 'Ann Notator' }).waitFor();
    expect(await owner.locator('[data-testid="audit-row"][data-type="SessionRefreshed"]').count()).toBe(0);
    expect(await owner.locator('[data-testid="audit-row"]', { hasText: /system: system|[0-9a-f]{8}-[0-9a-f]{4}-/ }).count()).toBe(0);
    await screenshot(owner, 'first-contact-audit');
    await owner.fill('[data-testid="audit-filter-exclude"]', 'Session*');
    await owner.click('[data-testid="audit-apply"]');
    await owner.waitForFunction(() => {
      const types = Array.from(document.querySelectorAll('[data-testid="audit-row"]')).map((row) => row.getAttribute('data-type') ?? '');
      return types.length > 0 && types.every((type) => !type.startsWith('Session'));
    });
    const listed = await harness.rest<AuditPage>('GET', '/api/audit?limit=500');
    expect(listed.body.entries.filter((entry) => entry.type.startsWith('Session')).every((entry) => entry.type !== 'SessionRefreshed')).toBe(true);
  });

  it('opens a working page for every section in the navigation, none "coming"', async () => {
    const owner = await harness.openPage('/home');
    const links = await owner.locator('nav a[data-testid^="nav-"]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('data-testid') ?? ''));
    expect(links).toEqual(expect.arrayContaining(['nav-training', 'nav-models']));
    for (const [link, heading] of [
      ['nav-training', 'Training'],
      ['nav-models', 'Models'],
    ] as const) {
      await owner.click(`[data-testid="${link}"]`);
      await owner.locator('h1', { hasText: heading }).waitFor();
      expect(await owner.locator('main').textContent()).not.toMatch(/coming in a later|later issue|not work yet/i);
    }
  });

  it('stays usable 390 px wide: headers wrap, row actions stay reachable', async () => {
    const owner = await harness.openPage('/home');
    await owner.setViewportSize({ width: 390, height: 844 });
    await owner.goto(`${harness.app.url}/configs/${projectId}`);
    await owner.waitForSelector('[data-testid="config-version"][data-version="1"]');
    expect(await noSideScroll(owner)).toBe(true);
    await screenshot(owner, 'first-contact-configs-390');

    await owner.goto(`${harness.app.url}/projects`);
    const members = owner.locator('[data-testid="project-row"] [data-testid="project-members"]').first();
    await members.waitFor();
    const box = await members.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await noSideScroll(owner)).toBe(true);
    await screenshot(owner, 'first-contact-projects-390');
    await members.click();
    await owner.waitForURL(new RegExp(`/projects/${projectId}/members$`));
  });
});
