import type { ApiErrorBody, ApiKeyView, CommandAccepted, ProjectRole, UserCreatedResponse } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { OWNER, signIn, useConsoleHarness, waitForConnection, type Credentials } from './support/harness';

/**
 * Identity in the console, in a real browser against the built api: sign-in and sign-out, the
 * session across reloads (refresh cookie), invitations, what each role sees, API keys shown once,
 * and the audit trail. Users, projects and memberships a test needs are made over REST by the owner.
 */
describe('console identity in a real browser', () => {
  const harness = useConsoleHarness();
  const unique = () => randomUUID().slice(0, 8);

  async function createProject(name = `Project ${unique()}`): Promise<{ id: string; name: string }> {
    const response = await harness.rest<CommandAccepted>('POST', '/api/projects', { name });
    expect(response.status).toBe(201);
    return { id: response.body.id, name };
  }

  /** A user with a password and, optionally, a role in a project. */
  async function createUser(label: string, membership?: { projectId: string; role: ProjectRole }): Promise<Credentials & { id: string; name: string }> {
    const suffix = unique();
    const user = { email: `${label}-${suffix}@example.test`, name: `${label} ${suffix}`, password: `pw-${suffix}-long-enough` };
    const created = await harness.rest<UserCreatedResponse>('POST', '/api/users', user);
    expect(created.status).toBe(201);
    if (membership) {
      const added = await harness.rest('POST', `/api/projects/${membership.projectId}/members`, { email: user.email, role: membership.role });
      expect(added.status).toBe(201);
    }
    return { ...user, id: created.body.id };
  }

  const projectRow = (page: Page, name: string) => page.locator('[data-testid="project-row"]', { hasText: name });
  const navItem = (page: Page, path: string) => page.locator(`[data-testid="nav-${path}"]`);

  it('shows the server’s message for a wrong password, signs in, and signs out', async () => {
    const refused = await harness.rest<ApiErrorBody>('POST', '/api/auth/login', { email: OWNER.email, password: 'not the password' }, '');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('auth.invalid-credentials');

    const page = await harness.openPage('/projects', null);
    await page.waitForURL(/\/sign-in\?returnUrl=%2Fprojects$/);
    await page.fill('[data-testid="sign-in-email"]', OWNER.email);
    await page.fill('[data-testid="sign-in-password"]', 'not the password');
    await page.click('[data-testid="sign-in-submit"]');
    const error = page.locator('[data-testid="sign-in-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain(refused.body.message);
    expect(await page.locator('[data-testid="user-menu"]').count()).toBe(0);
    await screenshot(page, 'sign-in-wrong-password');

    await signIn(page, OWNER);
    await page.waitForURL(/\/projects$/);
    await waitForConnection(page, 'connected');
    const me = await harness.rest<{ name: string }>('GET', '/api/auth/me');
    expect(await page.locator('[data-testid="user-name"]').textContent()).toContain(me.body.name);
    await screenshot(page, 'signed-in');

    await page.click('[data-testid="user-menu"]');
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL(/\/sign-in$/);
    // The session is over: a reload does not restore it, and pages send back to sign-in.
    await page.goto(`${harness.app.url}/projects`);
    await page.waitForURL(/\/sign-in\?returnUrl=/);
    await page.waitForSelector('[data-testid="sign-in-form"]');
    await screenshot(page, 'signed-out');
  });

  it('keeps the session across a reload (refresh cookie), with the access token in memory only', async () => {
    const page = await harness.openPage('/admin');
    await page.waitForSelector('[data-testid="user-row"]');
    await page.reload();
    await page.waitForSelector('[data-testid="user-row"]');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.locator('[data-testid="sign-in-form"]').count()).toBe(0);
    await waitForConnection(page, 'connected');

    const stored = await page.evaluate(() => ({
      cookies: document.cookie,
      storage: JSON.stringify({ ...localStorage, ...sessionStorage }),
    }));
    // The refresh cookie is HttpOnly; no token is kept in web storage.
    expect(stored.cookies).not.toContain('camel_refresh');
    expect(stored.storage).not.toMatch(/eyJ|camel_/);
    await screenshot(page, 'session-after-reload');
  });

  it('lets an owner invite a user; the link sets the password and signs the user in', async () => {
    const owner = await harness.openPage('/admin');
    const suffix = unique();
    const email = `invitee-${suffix}@example.test`;
    const name = `Invitee ${suffix}`;
    await owner.fill('[data-testid="create-user-email"]', email);
    await owner.fill('[data-testid="create-user-name"]', name);
    await owner.click('[data-testid="create-user-submit"]');

    const secret = owner.locator('[data-testid="one-time-value"]');
    await secret.waitFor();
    const link = (await secret.textContent())?.trim() ?? '';
    expect(link).toMatch(new RegExp(`^${harness.app.url}/accept-invite\\?token=.+`));
    await owner.click('[data-testid="copy-secret"]');
    await owner.waitForSelector('[data-testid="copy-secret"]:has-text("Copied")');
    const row = `[data-testid="user-row"][data-email="${email}"]`;
    await owner.waitForSelector(`${row}[data-status="invited"]`);
    await screenshot(owner, 'invite-link');

    const invitee = await harness.openPage(link.slice(harness.app.url.length), null);
    await invitee.fill('[data-testid="accept-invite-password"]', `chosen-${suffix}-password`);
    await invitee.fill('[data-testid="accept-invite-confirm"]', `chosen-${suffix}-password`);
    await invitee.click('[data-testid="accept-invite-submit"]');
    await invitee.waitForURL(/\/home$/);
    expect(await invitee.locator('[data-testid="user-name"]').textContent()).toContain(name);
    // Not an owner: no Admin, no Audit.
    expect(await navItem(invitee, 'admin').count()).toBe(0);
    expect(await navItem(invitee, 'audit').count()).toBe(0);
    await screenshot(invitee, 'invite-accepted');

    // The owner's list follows without a reload.
    await owner.waitForSelector(`${row}[data-status="active"]`);

    // The link works once.
    const again = await harness.openPage(link.slice(harness.app.url.length), null);
    await again.fill('[data-testid="accept-invite-password"]', `another-${suffix}-password`);
    await again.fill('[data-testid="accept-invite-confirm"]', `another-${suffix}-password`);
    await again.click('[data-testid="accept-invite-submit"]');
    await again.waitForSelector('[data-testid="accept-invite-error"]');

    // And the chosen password signs in over REST too.
    const login = await harness.rest('POST', '/api/auth/login', { email, password: `chosen-${suffix}-password` }, '');
    expect(login.status).toBe(200);
  });

  it('signs a disabled user out of an open console at once; enabled again, they sign back in', async () => {
    const project = await createProject();
    const user = await createUser('disabled', { projectId: project.id, role: 'engineer' });
    const page = await harness.openPage('/projects', user);
    await projectRow(page, project.name).waitFor();
    await waitForConnection(page, 'connected');

    const owner = await harness.openPage('/admin');
    const row = owner.locator(`[data-testid="user-row"][data-email="${user.email}"]`);
    await row.locator('[data-testid="user-disable"]').click();
    await owner.click('[data-testid="confirm-ok"]');
    await owner.waitForSelector(`[data-testid="user-row"][data-email="${user.email}"][data-status="disabled"]`);

    // The gateway ends the user's socket (auth-expired), the refresh is refused: back to sign-in.
    await page.waitForURL(/\/sign-in/);
    await page.locator('[data-testid="toast"]', { hasText: 'session has ended' }).waitFor();
    await screenshot(page, 'disabled-signed-out');
    await page.fill('[data-testid="sign-in-email"]', user.email);
    await page.fill('[data-testid="sign-in-password"]', user.password);
    await page.click('[data-testid="sign-in-submit"]');
    await page.locator('[data-testid="sign-in-error"]', { hasText: 'disabled' }).waitFor();

    await row.locator('[data-testid="user-enable"]').click();
    await owner.waitForSelector(`[data-testid="user-row"][data-email="${user.email}"][data-status="active"]`);
    await signIn(page, user);
    await projectRow(page, project.name).waitFor();
  });

  it('issues a password reset link that sets a new password', async () => {
    const user = await createUser('forgetful');
    const owner = await harness.openPage('/admin');
    await owner.locator(`[data-testid="user-row"][data-email="${user.email}"]`).locator('[data-testid="user-reset-password"]').click();
    await owner.click('[data-testid="confirm-ok"]');
    const link = (await owner.locator('[data-testid="one-time-value"]').textContent())?.trim() ?? '';
    expect(link).toContain('/accept-invite?token=');
    await screenshot(owner, 'reset-link');

    const page = await harness.openPage(link.slice(harness.app.url.length), null);
    await page.fill('[data-testid="accept-invite-password"]', `${user.password}-new`);
    await page.fill('[data-testid="accept-invite-confirm"]', `${user.password}-new`);
    await page.click('[data-testid="accept-invite-submit"]');
    await page.waitForURL(/\/home$/);
    expect((await harness.rest('POST', '/api/auth/login', { email: user.email, password: user.password }, '')).status).toBe(401);
    expect((await harness.rest('POST', '/api/auth/login', { email: user.email, password: `${user.password}-new` }, '')).status).toBe(200);
  });

  it('lets a user change their own password from the user menu', async () => {
    const user = await createUser('changer');
    const page = await harness.openPage('/projects', user);
    await page.click('[data-testid="user-menu"]');
    await page.click('[data-testid="change-password"]');
    await page.fill('[data-testid="current-password"]', 'not my password');
    await page.fill('[data-testid="new-password"]', `${user.password}-changed`);
    await page.click('[data-testid="change-password-submit"]');
    // The api names the offending field; the dialog stays open.
    await page.locator('[data-testid="toast"]', { hasText: 'currentPassword' }).waitFor();
    await page.fill('[data-testid="current-password"]', user.password);
    await page.click('[data-testid="change-password-submit"]');
    await page.locator('[data-testid="toast"]', { hasText: 'Password changed' }).waitFor();
    await page.waitForSelector('[data-testid="change-password-dialog"]', { state: 'detached' });
    expect((await harness.rest('POST', '/api/auth/login', { email: user.email, password: `${user.password}-changed` }, '')).status).toBe(200);
  });

  it('hides Training from an annotator and sends them away from /training', async () => {
    const project = await createProject();
    const annotator = await createUser('annotator', { projectId: project.id, role: 'annotator' });

    const page = await harness.openPage('/projects', annotator);
    await projectRow(page, project.name).waitFor();
    await navItem(page, 'annotate').waitFor();
    expect(await navItem(page, 'training').count()).toBe(0);
    expect(await navItem(page, 'admin').count()).toBe(0);
    expect(await navItem(page, 'audit').count()).toBe(0);
    await screenshot(page, 'annotator-nav');

    await page.goto(`${harness.app.url}/training`);
    await page.waitForURL(/\/projects$/);
    await page.locator('[data-testid="toast"]', { hasText: 'do not have access' }).waitFor();
    expect(await page.locator('h1', { hasText: 'Training' }).count()).toBe(0);
  });

  it('shows a viewer no member-management or API-key actions', async () => {
    const project = await createProject();
    const viewer = await createUser('viewer', { projectId: project.id, role: 'viewer' });
    await createUser('colleague', { projectId: project.id, role: 'engineer' });

    const page = await harness.openPage('/projects', viewer);
    const row = projectRow(page, project.name);
    await row.waitFor();
    expect(await page.locator('[data-testid="create-project-name"]').count()).toBe(0);
    expect(await row.locator('[data-testid="project-api-keys"]').count()).toBe(0);
    expect(await row.locator('[data-testid="rename-project"]').count()).toBe(0);
    expect(await row.locator('[data-testid="archive-project"]').count()).toBe(0);

    await row.locator('[data-testid="project-members"]').click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/members$`));
    await page.waitForSelector(`[data-testid="member-row"][data-email="${viewer.email}"]`);
    expect(await page.locator('[data-testid="member-row"]').count()).toBe(2);
    expect(await page.locator('[data-testid="add-member-form"]').count()).toBe(0);
    expect(await page.locator('[data-testid="member-remove"]').count()).toBe(0);
    expect(await page.locator('[data-testid="member-role-select"]').count()).toBe(0);
    expect(await page.locator('[data-testid="members-api-keys-link"]').count()).toBe(0);
    await screenshot(page, 'viewer-members');

    await page.goto(`${harness.app.url}/projects/${project.id}/api-keys`);
    await page.waitForURL(/\/projects$/);
  });

  it('lets an owner add a member, change the role and remove them; another page follows live', async () => {
    const project = await createProject();
    const user = await createUser('member');
    const path = `/projects/${project.id}/members`;
    const page = await harness.openPage(path);
    const other = await harness.openPage(path);
    await waitForConnection(other, 'connected');
    const row = `[data-testid="member-row"][data-email="${user.email}"]`;

    await page.fill('[data-testid="add-member-email"]', user.email);
    await page.click('[data-testid="add-member-submit"]');
    await other.waitForSelector(`${row}[data-role="viewer"]`);

    await page.locator(row).locator('[data-testid="member-role-select"]').click();
    await page.click('mat-option[data-testid="role-option-admin"]');
    await other.waitForSelector(`${row}[data-role="admin"]`);
    await screenshot(other, 'members-live');

    await page.locator(row).locator('[data-testid="member-remove"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await other.waitForSelector(row, { state: 'detached' });
    await page.waitForSelector(row, { state: 'detached' });
  });

  it('shows a new API key once; it works against the api until revoked, then answers 401', async () => {
    const project = await createProject();
    const page = await harness.openPage(`/projects/${project.id}/api-keys`);
    await page.waitForSelector('[data-testid="api-keys-empty"]');
    await page.fill('[data-testid="create-api-key-name"]', 'ci pipeline');
    await page.click('[data-testid="create-api-key-submit"]');

    const secret = page.locator('[data-testid="one-time-value"]');
    await secret.waitFor();
    const key = (await secret.textContent())?.trim() ?? '';
    expect(key).toMatch(/^camel_/);
    expect(await page.locator('[data-testid="one-time-warning"]').textContent()).toContain('only once');
    const row = '[data-testid="api-key-row"][data-name="ci pipeline"]';
    await page.waitForSelector(`${row}[data-status="active"]`);
    await page.click('[data-testid="copy-secret"]');
    await page.waitForSelector('[data-testid="copy-secret"]:has-text("Copied")');
    await screenshot(page, 'api-key-created');

    // The key is a credential for the REST api.
    const used = await harness.rest('GET', `/api/projects/${project.id}`, undefined, key);
    expect(used.status).toBe(200);

    // Gone from the page once dismissed; a reload shows the prefix only, and when it was last used.
    await page.click('[data-testid="dismiss-secret"]');
    await page.waitForSelector('[data-testid="one-time-secret"]', { state: 'detached' });
    expect(await page.content()).not.toContain(key);
    const listed = await harness.rest<ApiKeyView[]>('GET', `/api/projects/${project.id}/api-keys`);
    expect(listed.body[0]?.lastUsedAt).not.toBeNull();
    await page.reload();
    await page.waitForSelector(row);
    expect(await page.locator(row).locator('[data-testid="api-key-last-used"]').textContent()).not.toContain('never');
    expect(await page.content()).not.toContain(key);

    await page.locator(row).locator('[data-testid="api-key-revoke"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector(`${row}[data-status="revoked"]`);
    const refused = await harness.rest<ApiErrorBody>('GET', `/api/projects/${project.id}`, undefined, key);
    expect(refused.status).toBe(401);
    await screenshot(page, 'api-key-revoked');
  });

  it('shows a project admin the audit trail of their project only', async () => {
    const project = await createProject();
    const other = await createProject();
    const admin = await createUser('admin', { projectId: project.id, role: 'admin' });

    const page = await harness.openPage('/audit', admin);
    await page.waitForSelector('[data-testid="audit-row"][data-type="ProjectMemberAdded"]');
    const types = await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type')));
    expect(types).toEqual(expect.arrayContaining(['ProjectCreated', 'ProjectMemberAdded']));
    // Only this project's events: no sign-ins, no users, nothing of the other project.
    expect(types.filter((type) => type?.startsWith('Session') || type?.startsWith('User'))).toEqual([]);
    expect(await page.locator('[data-testid="audit-row"]').count()).toBe(2);

    // Live, within the project.
    await harness.rest('PATCH', `/api/projects/${other.id}`, { name: `${other.name} renamed` });
    await harness.rest('PATCH', `/api/projects/${project.id}`, { name: `${project.name} renamed` });
    await page.waitForSelector('[data-testid="audit-row"][data-type="ProjectRenamed"]');
    expect(await page.locator('[data-testid="audit-row"]').count()).toBe(3);

    await page.click('[data-testid="audit-verify"]');
    await page.waitForSelector('[data-testid="audit-verify-result"][data-ok="true"]');
    await screenshot(page, 'audit-project-admin');
  });

  it('lists the actions just done in the audit trail, adds new ones live, and verifies the chains', async () => {
    const project = await createProject();
    const created = await harness.rest<{ id: string }>('POST', `/api/projects/${project.id}/api-keys`, { name: 'audited', role: 'viewer' });
    expect(created.status).toBe(201);
    expect((await harness.rest('DELETE', `/api/projects/${project.id}/api-keys/${created.body.id}`)).status).toBe(200);

    const page = await harness.openPage('/audit');
    for (const type of ['ProjectCreated', 'ApiKeyCreated', 'ApiKeyRevoked', 'SessionStarted']) {
      await page.waitForSelector(`[data-testid="audit-row"][data-type="${type}"]`);
    }
    await waitForConnection(page, 'connected');

    // A new action appears without a reload.
    const later = await createProject(`Audited later ${unique()}`);
    const accepted = await harness.rest<CommandAccepted>('PATCH', `/api/projects/${later.id}`, { name: `${later.name} renamed` });
    await page.waitForSelector(`[data-testid="audit-row"][data-type="ProjectRenamed"][data-position="${accepted.body.position}"]`);

    // Filter by a family.
    await page.fill('[data-testid="audit-filter-type"]', 'ApiKey*');
    await page.click('[data-testid="audit-apply"]');
    await page.waitForFunction(() => {
      const types = Array.from(document.querySelectorAll('[data-testid="audit-row"]')).map((row) => row.getAttribute('data-type') ?? '');
      return types.length >= 2 && types.every((type) => type.startsWith('ApiKey'));
    });

    await page.click('[data-testid="audit-verify"]');
    const result = page.locator('[data-testid="audit-verify-result"]');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('OK');
    await screenshot(page, 'audit');
  });
});
