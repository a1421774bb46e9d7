import type { ApiErrorBody, CommandAccepted, ConfigFiles, ConfigSetView, ConfigVersionView, ProjectRole, UserCreatedResponse } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness, waitForConnection, type Credentials } from './support/harness';

const WORKFLOW = 'workflows/stock-trading-role-play.yaml';

/** The sample set of the repository's configs/ folder, as the api stores it (path → text). */
function sampleFiles(): ConfigFiles {
  const root = resolve(__dirname, '../../../configs');
  const files: Record<string, string> = { 'agents.yaml': readFileSync(join(root, 'agents.yaml'), 'utf8') };
  for (const name of readdirSync(join(root, 'workflows')).filter((file) => file.endsWith('.yaml'))) {
    files[`workflows/${name}`] = readFileSync(join(root, 'workflows', name), 'utf8');
  }
  return files;
}

/** 1-based number of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

/**
 * The config editor in a real browser against the built api: an engineer edits a workflow, sees the
 * api's validation at the right line as they type, fixes it, saves a version, compares versions and
 * restores one; the history follows saves made elsewhere; a stale save is merged; a viewer reads
 * only. The first version of each project is seeded over REST from the repository's configs/.
 */
describe('configs in a real browser', () => {
  const harness = useConsoleHarness();
  const unique = () => randomUUID().slice(0, 8);
  const samples = sampleFiles();

  async function createProject(): Promise<{ id: string; name: string }> {
    const name = `Configs ${unique()}`;
    const response = await harness.rest<CommandAccepted>('POST', '/api/projects', { name });
    expect(response.status).toBe(201);
    return { id: response.body.id, name };
  }

  async function createUser(label: string, projectId: string, role: ProjectRole): Promise<Credentials> {
    const suffix = unique();
    const user = { email: `${label}-${suffix}@example.test`, name: `${label} ${suffix}`, password: `pw-${suffix}-long-enough` };
    expect((await harness.rest<UserCreatedResponse>('POST', '/api/users', user)).status).toBe(201);
    expect((await harness.rest('POST', `/api/projects/${projectId}/members`, { email: user.email, role })).status).toBe(201);
    return user;
  }

  async function seed(projectId: string, files: ConfigFiles = samples, baseVersion = 0, message = 'samples from configs/'): Promise<number> {
    const saved = await harness.rest<CommandAccepted | ApiErrorBody>('POST', `/api/projects/${projectId}/configs`, { baseVersion, files, message });
    expect(saved.status).toBe(201);
    return (saved.body as CommandAccepted).version;
  }

  const editor = (page: Page) => page.locator('[data-testid="config-editor"]');
  const line = (page: Page, text: string) => editor(page).locator('.cm-line', { hasText: text });
  const fileButton = (page: Page, path: string) => page.locator(`[data-testid="config-file"][data-path="${path}"]`);
  const versionRow = (page: Page, version: number) => page.locator(`[data-testid="config-version-row"][data-version="${version}"]`);
  const waitForVersion = (page: Page, version: number) => page.waitForSelector(`[data-testid="config-version"][data-version="${version}"]`);

  async function openConfigs(projectId: string, as?: Credentials): Promise<Page> {
    const page = await harness.openPage(`/configs/${projectId}`, as);
    await page.waitForSelector('[data-testid="config-editor"] .cm-content');
    await waitForConnection(page, 'connected');
    return page;
  }

  /** Puts the cursor at the end of the line containing `text` and replaces its last `count` characters. */
  async function retype(page: Page, text: string, count: number, replacement: string): Promise<void> {
    await line(page, text).click();
    await page.keyboard.press('End');
    for (let i = 0; i < count; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type(replacement);
  }

  it('validates as an engineer types, saves a version, shows the history and the diff, and restores', async () => {
    const project = await createProject();
    const engineer = await createUser('engineer', project.id, 'engineer');
    expect(await seed(project.id)).toBe(1);

    const page = await openConfigs(project.id, engineer);
    await waitForVersion(page, 1);
    expect(await page.locator('[data-testid="config-file"]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-path')))).toEqual([
      'agents.yaml',
      'workflows/propose-execute-review.yaml',
      WORKFLOW,
    ]);
    await versionRow(page, 1).waitFor();
    await page.waitForSelector('[data-testid="config-validation"][data-state="ok"]');

    await fileButton(page, WORKFLOW).click();
    await page.waitForSelector(`[data-testid="config-editor"][data-path="${WORKFLOW}"]`);
    const maxTurnsLine = lineOf(samples[WORKFLOW] ?? '', 'max_turns: 20');

    // An error typed in the browser: the api's problem shows at its line, inline and in the panel.
    await retype(page, 'max_turns: 20', 2, 'lots');
    const problem = page.locator(`[data-testid="config-problem"][data-file="${WORKFLOW}"]`);
    await problem.waitFor();
    expect(await problem.getAttribute('data-line')).toBe(String(maxTurnsLine));
    expect(await problem.textContent()).toContain(`${WORKFLOW}:${maxTurnsLine}:`);
    expect(await problem.textContent()).toContain('max_turns');
    await page.waitForSelector(`[data-testid="config-editor"][data-lint-lines="${maxTurnsLine}"]`);
    await line(page, 'max_turns: lots').locator('.cm-lintRange-error').waitFor();
    expect(await editor(page).locator('.cm-lint-marker-error').count()).toBe(1);
    expect(await fileButton(page, WORKFLOW).getAttribute('data-problems')).toBe('1');
    expect(await fileButton(page, WORKFLOW).getAttribute('data-modified')).toBe('true');
    await page.waitForSelector('[data-testid="config-validation"][data-state="problems"]');
    // Save waits for the fix, and says so.
    await page.fill('[data-testid="config-save-message"]', 'not yet');
    expect(await page.locator('[data-testid="config-save"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="config-save-hint"]', { hasText: 'Fix the problem listed under Problems to save.' }).waitFor();
    await page.fill('[data-testid="config-save-message"]', '');
    await screenshot(page, 'configs-validation-error');

    // Clicking the problem puts the cursor on its line (after looking at another file).
    await fileButton(page, 'agents.yaml').click();
    await page.waitForSelector('[data-testid="config-editor"][data-path="agents.yaml"]');
    await problem.click();
    await page.waitForSelector(`[data-testid="config-editor"][data-path="${WORKFLOW}"]`);
    await editor(page).locator('.cm-activeLine', { hasText: 'max_turns: lots' }).waitFor();

    // Fixed: no problems left; saved with a message.
    await retype(page, 'max_turns: lots', 4, '30');
    await page.waitForSelector('[data-testid="config-problems-none"]');
    await page.waitForSelector('[data-testid="config-editor"][data-lint-lines=""]');
    await page.fill('[data-testid="config-save-message"]', 'Longer role-play: 30 turns');
    await page.click('[data-testid="config-save"]');
    await waitForVersion(page, 2);
    await page.locator('[data-testid="toast"]', { hasText: 'Saved as version 2' }).waitFor();
    await versionRow(page, 2).locator('[data-testid="config-version-message"]', { hasText: 'Longer role-play: 30 turns' }).waitFor();
    expect(await page.locator('[data-testid="config-dirty"]').count()).toBe(0);
    const latest = await harness.rest<ConfigSetView>('GET', `/api/projects/${project.id}/configs`);
    expect(latest.body.version).toBe(2);
    expect(latest.body.files[WORKFLOW]).toBe((samples[WORKFLOW] ?? '').replace('max_turns: 20', 'max_turns: 30'));

    // The diff between the two versions, side by side (the selects default to latest - 1 → latest).
    expect(await page.inputValue('[data-testid="config-compare-from"]')).toBe('1');
    expect(await page.inputValue('[data-testid="config-compare-to"]')).toBe('2');
    await page.click('[data-testid="config-compare"]');
    const changed = page.locator(`[data-testid="config-diff-file"][data-path="${WORKFLOW}"][data-status="changed"]`);
    await changed.waitFor();
    expect(await page.locator('[data-testid="config-comparison"] [data-testid="config-diff-file"]').count()).toBe(1);
    const changeRow = changed.locator('[data-testid="config-diff-row"][data-kind="change"]');
    expect(await changeRow.count()).toBe(1);
    expect(await changeRow.locator('[data-testid="config-diff-left"]').textContent()).toBe('max_turns: 20');
    expect(await changeRow.locator('[data-testid="config-diff-right"]').textContent()).toBe('max_turns: 30');
    await screenshot(page, 'configs-history-diff');

    // Restore version 1: it becomes version 3 and the editor shows it.
    await versionRow(page, 1).locator('[data-testid="config-restore"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await waitForVersion(page, 3);
    await page.waitForSelector('[data-testid="config-version-row"][data-version="3"][data-source="restore"]');
    await line(page, 'max_turns: 20').waitFor();
    const restored = await harness.rest<ConfigSetView>('GET', `/api/projects/${project.id}/configs`);
    expect(restored.body).toMatchObject({ version: 3, source: 'restore', restoredFrom: 1, files: samples });
    expect(await versionRow(page, 3).locator('[data-testid="config-restore"]').count()).toBe(0);
    await screenshot(page, 'configs-restored');
  });

  it('follows saves made elsewhere; with unsaved edits a stale save shows the diff and merges', async () => {
    const project = await createProject();
    const engineer = await createUser('merger', project.id, 'engineer');
    await seed(project.id);
    const page = await openConfigs(project.id, engineer);
    await waitForVersion(page, 1);

    // No unsaved edits: another client's version appears in the history and in the editor.
    const v2 = { ...samples, [WORKFLOW]: (samples[WORKFLOW] ?? '').replace('max_turns: 20', 'max_turns: 25') };
    expect(await seed(project.id, v2, 1, 'elsewhere: 25 turns')).toBe(2);
    await versionRow(page, 2).waitFor();
    await waitForVersion(page, 2);
    await fileButton(page, WORKFLOW).click();
    await line(page, 'max_turns: 25').waitFor();

    // Unsaved edits on version 2 while version 3 is saved elsewhere (another line of the file).
    await retype(page, 'word_limit: 50', 2, '80');
    await page.waitForSelector(`[data-testid="config-file"][data-path="${WORKFLOW}"][data-modified="true"]`);
    const v3 = { ...v2, [WORKFLOW]: (v2[WORKFLOW] ?? '').replace('max_turns: 25', 'max_turns: 40') };
    expect(await seed(project.id, v3, 2, 'elsewhere: 40 turns')).toBe(3);
    await versionRow(page, 3).waitFor();
    await page.waitForSelector('[data-testid="config-newer-version"][data-latest="3"]');
    // The editor keeps the edits (still on version 2).
    await waitForVersion(page, 2);
    await line(page, 'word_limit: 80').waitFor();
    await line(page, 'max_turns: 25').waitFor();
    await screenshot(page, 'configs-newer-version');

    // Saving anyway: 409 with the diff from version 2 to 3.
    await page.fill('[data-testid="config-save-message"]', 'longer task specification');
    await page.click('[data-testid="config-save"]');
    await page.waitForSelector('[data-testid="config-stale"]');
    await page.locator('[data-testid="toast"]', { hasText: 'is not the latest' }).waitFor();
    const staleChange = page.locator(`[data-testid="config-newer-version"] [data-testid="config-diff-file"][data-path="${WORKFLOW}"] [data-kind="change"]`);
    expect(await staleChange.locator('[data-testid="config-diff-right"]').textContent()).toBe('max_turns: 40');
    await screenshot(page, 'configs-stale-save');

    // Merge: both changes, on top of version 3; then the save goes through.
    await page.click('[data-testid="config-merge"]');
    await waitForVersion(page, 3);
    await line(page, 'max_turns: 40').waitFor();
    await line(page, 'word_limit: 80').waitFor();
    expect(await page.locator('[data-testid="config-merge-conflicts"]').count()).toBe(0);
    await page.click('[data-testid="config-save"]');
    await waitForVersion(page, 4);
    const merged = await harness.rest<ConfigSetView>('GET', `/api/projects/${project.id}/configs`);
    expect(merged.body.files[WORKFLOW]).toBe((v3[WORKFLOW] ?? '').replace('word_limit: 50', 'word_limit: 80'));
    expect(merged.body.message).toBe('longer task specification');
  });

  it('edits an agent’s model parameters in a form, keeping the comments of agents.yaml', async () => {
    const project = await createProject();
    const engineer = await createUser('tuner', project.id, 'engineer');
    await seed(project.id);
    const page = await openConfigs(project.id, engineer);
    await waitForVersion(page, 1);

    await page.click('[data-testid="config-view-form"]');
    await page.waitForSelector('[data-testid="agent-model-form"] [data-testid="agent-model-agent"]');
    await page.selectOption('[data-testid="agent-model-agent"]', { label: 'stock_trader' });
    await page.waitForFunction(() => (document.querySelector('[data-testid="agent-model-temperature"]') as HTMLInputElement | null)?.value === '0.7');
    expect(await page.inputValue('[data-testid="agent-model-stop"]')).toBe('<CAMEL_TASK_DONE>');
    await page.fill('[data-testid="agent-model-temperature"]', '0.3');
    await page.fill('[data-testid="agent-model-top-p"]', '0.9');
    await page.click('[data-testid="agent-model-apply"]');
    await page.waitForSelector('[data-testid="config-file"][data-path="agents.yaml"][data-modified="true"]');
    await page.waitForSelector('[data-testid="config-validation"][data-state="ok"]');
    await screenshot(page, 'configs-model-form');

    // Back in the YAML view (CodeMirror renders only the lines in view: the agent is further down).
    await page.click('[data-testid="config-view-yaml"]');
    await page.waitForSelector('[data-testid="config-editor"][data-path="agents.yaml"]:visible');
    await page.waitForSelector('[data-testid="config-dirty"]');
    await page.fill('[data-testid="config-save-message"]', 'cooler stock trader');
    await page.click('[data-testid="config-save"]');
    await waitForVersion(page, 2);
    const saved = await harness.rest<ConfigSetView>('GET', `/api/projects/${project.id}/configs`);
    const agents = saved.body.files['agents.yaml'] ?? '';
    expect(agents).toContain('# Agents and the model providers they use (format: docs/configs.md).');
    expect(agents).toContain('      temperature: 0.3\n      top_p: 0.9\n      max_tokens: 200\n      stop: ["<CAMEL_TASK_DONE>"]');
    // Nothing else changed: the rest of the file is the sample, line for line.
    const before = (samples['agents.yaml'] ?? '').split('\n');
    const after = agents.split('\n');
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((text) => !before.includes(text))).toEqual(['      temperature: 0.3', '      top_p: 0.9']);
  });

  it('adds and removes workflow files, and asks before leaving with unsaved edits', async () => {
    const project = await createProject();
    const engineer = await createUser('filer', project.id, 'engineer');
    await seed(project.id);
    const page = await openConfigs(project.id, engineer);
    await waitForVersion(page, 1);

    await page.fill('[data-testid="config-new-workflow"]', 'Bad Name');
    await page.click('[data-testid="config-add-workflow"]');
    await page.locator('[data-testid="config-add-error"]', { hasText: 'lower-case' }).waitFor();
    await page.fill('[data-testid="config-new-workflow"]', 'code-review');
    await page.click('[data-testid="config-add-workflow"]');
    await page.waitForSelector('[data-testid="config-editor"][data-path="workflows/code-review.yaml"]');
    await line(page, 'name: code_review').waitFor();
    // The new file starts valid: a role-play between the first two agents of the set.
    await line(page, 'assistant: python_programmer').waitFor();
    await line(page, 'user: stock_trader').waitFor();
    await page.waitForSelector('[data-testid="config-validation"][data-state="ok"]');
    expect(await page.locator('[data-testid="config-problem"][data-file="workflows/code-review.yaml"]').count()).toBe(0);

    await fileButton(page, 'workflows/propose-execute-review.yaml').locator('xpath=..').locator('[data-testid="config-remove-file"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector('[data-testid="config-file-removed"][data-path="workflows/propose-execute-review.yaml"]');
    expect(await fileButton(page, 'workflows/propose-execute-review.yaml').count()).toBe(0);
    await screenshot(page, 'configs-files-edited');

    // Leaving asks first: cancel stays, confirm leaves.
    await page.click('[data-testid="nav-projects"]');
    await page.click('[data-testid="confirm-cancel"]');
    await page.waitForSelector('[data-testid="confirm-dialog"]', { state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/configs/${project.id}`);
    await page.click('[data-testid="nav-projects"]');
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForURL(/\/projects$/);
    expect((await harness.rest<ConfigVersionView[]>('GET', `/api/projects/${project.id}/configs/versions`)).body).toHaveLength(1);
  });

  it('exports the bundle, refuses an invalid import with its problems, and imports a valid one', async () => {
    const project = await createProject();
    const engineer = await createUser('porter', project.id, 'engineer');
    await seed(project.id);
    const page = await openConfigs(project.id, engineer);
    await waitForVersion(page, 1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="config-export"]')]);
    expect(download.suggestedFilename()).toMatch(/-configs-v1\.yaml$/);
    const path = await download.path();
    const bundle = readFileSync(path, 'utf8');
    expect(bundle).toContain('format: camel-configs/1');
    expect(bundle).toContain('max_turns: 20');

    const invalid = bundle.replace('max_turns: 20', 'max_turns: lots');
    await page.setInputFiles('[data-testid="config-import-file"]', { name: 'broken.yaml', mimeType: 'application/yaml', buffer: Buffer.from(invalid) });
    await page.click('[data-testid="confirm-ok"]');
    const importProblem = page.locator('[data-testid="config-import-problem"]', { hasText: WORKFLOW });
    await importProblem.waitFor();
    expect(await importProblem.textContent()).toContain('max_turns');
    await screenshot(page, 'configs-import-refused');
    expect((await harness.rest<ConfigVersionView[]>('GET', `/api/projects/${project.id}/configs/versions`)).body).toHaveLength(1);

    const valid = bundle.replace('max_turns: 20', 'max_turns: 12');
    await page.setInputFiles('[data-testid="config-import-file"]', { name: 'tuned.yaml', mimeType: 'application/yaml', buffer: Buffer.from(valid) });
    await page.click('[data-testid="confirm-ok"]');
    await waitForVersion(page, 2);
    await page.waitForSelector('[data-testid="config-version-row"][data-version="2"][data-source="import"]');
    const imported = await harness.rest<ConfigSetView>('GET', `/api/projects/${project.id}/configs`);
    expect(imported.body.files[WORKFLOW]).toContain('max_turns: 12');
  });

  it('shows a viewer the configuration read-only, without Save, Restore or Import', async () => {
    const project = await createProject();
    const viewer = await createUser('viewer', project.id, 'viewer');
    await seed(project.id);
    await seed(project.id, { ...samples, [WORKFLOW]: (samples[WORKFLOW] ?? '').replace('max_turns: 20', 'max_turns: 21') }, 1, 'one more turn');

    const page = await openConfigs(project.id, viewer);
    await waitForVersion(page, 2);
    await page.waitForSelector('[data-testid="config-editor"][data-readonly="true"]');
    expect(await editor(page).locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    await page.waitForSelector('[data-testid="config-read-only"]');
    for (const action of ['config-save', 'config-save-message', 'config-import', 'config-restore', 'config-remove-file', 'config-add-workflow']) {
      expect(await page.locator(`[data-testid="${action}"]`).count()).toBe(0);
    }
    await versionRow(page, 1).waitFor();

    // Typing changes nothing.
    await line(page, 'version: 1').first().click();
    await page.keyboard.type('xyz');
    expect(await line(page, 'xyz').count()).toBe(0);
    expect(await page.locator('[data-testid="config-dirty"]').count()).toBe(0);

    // Reading is allowed: the diff and the form (disabled).
    await page.click('[data-testid="config-compare"]');
    await page.locator('[data-testid="config-diff-file"]').first().waitFor();
    await page.click('[data-testid="config-view-form"]');
    await page.waitForSelector('[data-testid="agent-model-temperature"]:disabled');
    expect(await page.locator('[data-testid="agent-model-apply"]').count()).toBe(0);
    await screenshot(page, 'configs-viewer-read-only');
  });
});
