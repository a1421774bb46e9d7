import type { CommandAccepted, DatasetAccepted, ModelList, TrainingRunDetail, TrainingRunList, UserCreatedResponse } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness } from './support/harness';

/** The tiny random Llama of libs/ml's fixtures as the one built-in model: a base small enough to train in seconds. */
const BASE = 'tiny-llama';
const TINY_LLAMA = join(__dirname, '../../../libs/ml/src/fixtures/tiny-llama');
const scratch = mkdtempSync(join(tmpdir(), 'camel-e2e-models-'));
const builtins = join(scratch, 'builtin');
/** Where imports may read from: a copy of the same weights, as a user's downloaded folder. */
const imports = join(scratch, 'imports');
for (const folder of [join(builtins, BASE), join(imports, 'downloaded-llama')]) {
  mkdirSync(folder, { recursive: true });
  for (const file of ['config.json', 'model.safetensors', 'tokenizer.json']) copyFileSync(join(TINY_LLAMA, file), join(folder, file));
}

/** Chosen replies say "yes", rejected ones "no": a property a DPO run can learn. */
const PAIRS = Array.from({ length: 12 }, (_, i) => ({ prompt: `question ${i}?`, chosen: `yes ${i}`, rejected: `no ${i}` }));

/** Reads until `done` holds; throws with the last value after the timeout. */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens a mat-select and picks the option with that test id. */
async function pick(page: Page, select: string, option: string): Promise<void> {
  await page.click(`[data-testid="${select}"]`);
  await page.click(`mat-option[data-testid="${option}"]`);
  await page.waitForSelector(`mat-option[data-testid="${option}"]`, { state: 'detached' });
}

const points = (page: Page, chart: string) => page.locator(`[data-testid="line-chart"][data-chart="${chart}"]`).getAttribute('data-points').then(Number);

/**
 * Training in a real browser against the built api on the embedded default (the in-process queue,
 * a forked training process): launch a DPO run from the form (presets, per-field problems), watch
 * its charts grow live, see it complete, find its model in the registry with its lineage, tag it
 * and compare it with its base.
 */
describe('training and the model registry in a real browser', () => {
  const harness = useConsoleHarness({ BUILTIN_MODELS_DIR: builtins, MODEL_IMPORT_DIRS: imports });
  let projectId: string;
  let datasetId: string;
  /** The model the launched run registered (the last test gives it to an agent). */
  let trained = '';
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(async () => {
    const created = await harness.rest<CommandAccepted>('POST', '/api/projects', { name: `Training ${unique()}` });
    expect(created.status).toBe(201);
    projectId = created.body.id;
    const imported = await harness.rest<DatasetAccepted>('POST', `/api/projects/${projectId}/datasets/import`, {
      name: 'yes-or-no',
      content: PAIRS.map((pair) => JSON.stringify(pair)).join('\n'),
      split: { testRatio: 0.25, seed: 1 },
    });
    expect(imported.status).toBe(201);
    datasetId = imported.body.id;
  });

  it('lists the registry, imports a folder, tags, compares and archives models', async () => {
    const page = await harness.openPage(`/models/${projectId}`);
    const base = page.locator(`[data-testid="model-row"][data-name="${BASE}"]`);
    await base.waitFor();
    expect(await base.getAttribute('data-source')).toBe('builtin');
    await base.locator('[data-testid="model-open"]').click();
    await page.waitForURL(new RegExp(`/models/${projectId}/${BASE}$`));
    await page.waitForSelector('[data-testid="model-architecture"]');
    expect(await page.textContent('[data-testid="model-architecture"]')).toContain('27,584');
    // A built-in cannot be tagged or archived.
    expect(await page.locator('[data-testid="model-archive"]').count()).toBe(0);

    // Import: the form's own checks, then the api's (a folder outside MODEL_IMPORT_DIRS), each under its field.
    await page.click('[data-testid="model-import-open"]');
    await page.click('[data-testid="model-import-submit"]');
    await page.waitForSelector('[data-testid="model-import-error"][data-field="name"]');
    await page.waitForSelector('[data-testid="model-import-error"][data-field="path"]');
    await page.fill('[data-testid="model-import-name"]', 'downloaded');
    await page.fill('[data-testid="model-import-path"]', builtins);
    await page.click('[data-testid="model-import-submit"]');
    await page.locator('[data-testid="model-import-error"][data-field="path"]', { hasText: 'MODEL_IMPORT_DIRS' }).waitFor();
    await page.fill('[data-testid="model-import-path"]', join(imports, 'downloaded-llama'));
    await page.click('[data-testid="model-import-submit"]');
    await page.waitForSelector('[data-testid="model-detail"] [data-testid="model-detail-name"]:has-text("downloaded")');
    // The registry list has it without a reload.
    const imported = page.locator('[data-testid="model-row"][data-name="downloaded"]');
    await imported.waitFor();
    expect(await imported.getAttribute('data-source')).toBe('import');

    // Tags: refused in place when malformed, then shown on the model and in the list.
    await page.fill('[data-testid="model-tag-input"]', 'Production!');
    await page.click('[data-testid="model-tag-add"]');
    await page.waitForSelector('[data-testid="model-tag-error"]');
    await page.fill('[data-testid="model-tag-input"]', 'production');
    await page.click('[data-testid="model-tag-add"]');
    await page.waitForSelector('[data-testid="model-tag"][data-tag="production"]');
    await imported.locator('.tag:has-text("production")').waitFor();

    // Compare the two.
    await imported.locator('[data-testid="model-compare-tick"] input').check();
    await base.locator('[data-testid="model-compare-tick"] input').check();
    await page.click('[data-testid="model-compare"]');
    const comparison = page.locator('[data-testid="model-comparison"]');
    await comparison.waitFor();
    expect(await comparison.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['downloaded', BASE]));
    await screenshot(page, 'models-registry');

    // Archive: it asks first (the tags go, the name is freed); gone from the list, back with "Archived too".
    await page.click('[data-testid="model-archive"]');
    await page.click('[data-testid="confirm-ok"]');
    await imported.waitFor({ state: 'detached' });
    await page.click('[data-testid="models-archived"] button[role="switch"]');
    await imported.waitFor();
    const listed = await harness.rest<ModelList>('GET', `/api/projects/${projectId}/models?includeArchived=true`);
    expect(listed.body.models.find((m) => m.name === 'downloaded')).toMatchObject({ source: 'import', archived: true, tags: [] });
  });

  it('launches a run from the form, draws its charts live, and registers its model', async () => {
    const page = await harness.openPage(`/training/${projectId}`);
    await page.waitForSelector('[data-testid="training-empty"]');
    // A second tab on the list follows the launch live.
    const list = await harness.openTab(page, `/training/${projectId}`);
    await list.waitForSelector('[data-testid="training-empty"]');
    await page.click('[data-testid="training-new"]');
    await page.waitForSelector('[data-testid="training-form"]');

    // Nothing filled in: every missing field says so, and nothing is sent.
    await page.click('[data-testid="training-launch"]');
    await page.waitForSelector('[data-testid="training-form-problems"]');
    for (const field of ['modelName', 'datasetId']) await page.waitForSelector(`[data-testid="training-error"][data-field="${field}"]`);
    expect((await harness.rest<TrainingRunList>('GET', `/api/projects/${projectId}/training-runs`)).body.runs).toHaveLength(0);

    // A preset fills the form.
    await pick(page, 'training-preset', 'training-preset-dpo-lora-quick');
    expect(await page.inputValue('[data-testid="training-epochs"]')).toBe('1');
    expect(await page.isChecked('[data-testid="training-lora"] button[role="switch"]')).toBe(true);

    const modelName = `yes-${unique()}`;
    trained = modelName;
    await page.fill('[data-testid="training-model-name"]', modelName);
    await pick(page, 'training-dataset', 'training-dataset-yes-or-no');
    await pick(page, 'training-base-model', `training-base-${BASE}`);
    // Enough steps for several progress reports (two a second at most).
    await page.fill('[data-testid="training-epochs"]', '10');
    await page.fill('[data-testid="training-batch-size"]', '1');
    // A micro-batch larger than the batch is named under its field before anything is sent.
    await page.fill('[data-testid="training-micro-batch"]', '2');
    await page.click('[data-testid="training-launch"]');
    await page.waitForSelector('[data-testid="training-error"][data-field="hyperparameters.microBatch"]');
    await page.fill('[data-testid="training-micro-batch"]', '1');
    await page.fill('[data-testid="training-checkpoint-every"]', '40');
    // The tiny model's context.
    await page.fill('[data-testid="training-max-length"]', '64');
    // The api's own check shows in place: a description longer than it keeps.
    await page.fill('[data-testid="training-description"]', 'x'.repeat(2001));
    await page.click('[data-testid="training-launch"]');
    await page.waitForSelector('[data-testid="training-error"][data-field="description"]');
    expect((await harness.rest<TrainingRunList>('GET', `/api/projects/${projectId}/training-runs`)).body.runs).toHaveLength(0);
    await page.fill('[data-testid="training-description"]', 'Says yes.');
    await screenshot(page, 'training-form');
    await page.click('[data-testid="training-launch"]');

    await page.waitForURL(new RegExp(`/training/${projectId}/[0-9a-f-]{36}$`));
    const runId = page.url().split('/').pop() ?? '';
    expect((await harness.rest<TrainingRunDetail>('GET', `/api/projects/${projectId}/training-runs/${runId}`)).body.run.hyperparameters).toMatchObject({ batchSize: 1, microBatch: 1 });
    // The loss chart grows while the run goes: several different point counts before it ends.
    const seen = new Set<number>();
    await until(
      'the run to complete',
      async () => {
        seen.add(await points(page, 'loss'));
        return page.getAttribute('[data-testid="training-summary"]', 'data-status');
      },
      (status) => status === 'completed' || status === 'failed',
      150_000,
    );
    expect(await page.getAttribute('[data-testid="training-summary"]', 'data-status')).toBe('completed');
    const counts = [...seen].filter((count) => count > 0).sort((a, b) => a - b);
    expect(counts.length).toBeGreaterThanOrEqual(2);
    for (const chart of ['loss', 'rewards', 'accuracies', 'margins', 'throughput']) expect(await points(page, chart)).toBeGreaterThan(counts[0] ?? 0);
    // rewards/chosen and rewards/rejected are two series of one chart.
    expect(await page.locator('[data-chart="rewards"] [data-testid="line-chart-series"]').count()).toBe(2);
    expect(await page.textContent('[data-testid="training-checkpoint"]')).toMatch(/step \d+/);
    expect(await page.textContent('[data-testid="training-backend"]')).toMatch(/wasm|cpu|tensorflow/);
    expect(await page.textContent('[data-testid="training-dataset-link"]')).toContain('yes-or-no v1');
    await screenshot(page, 'training-run');

    // The other tab showed the run appear and end without a reload.
    await list.waitForSelector(`[data-testid="training-run-row"][data-run-id="${runId}"][data-status="completed"]`);
    expect(await list.getAttribute(`[data-testid="training-run-row"][data-run-id="${runId}"] [data-testid="training-run-step"]`, 'data-step')).toBe(
      await page.getAttribute('[data-testid="training-step"]', 'data-step'),
    );
    expect(await list.locator('[data-testid="training-empty"]').count()).toBe(0);
    await page.click('a:has-text("All runs")');
    await page.waitForSelector(`[data-testid="training-run-row"][data-run-id="${runId}"][data-status="completed"]`);

    // Its model is in the registry, with lineage back to the run and the base model.
    await page.goto(`${harness.app.url}/training/${projectId}/${runId}`);
    await page.click('[data-testid="training-model-link"]');
    await page.waitForSelector(`[data-testid="model-detail"] [data-testid="model-detail-name"]:has-text("${modelName}")`);
    await page.waitForSelector(`[data-testid="lineage-training-run"]`);
    expect(await page.textContent('[data-testid="lineage-base-model"]')).toContain(BASE);
    expect(await points(page, 'loss')).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="model-card"]')).toContain(modelName);

    // Compare it with its base model.
    await page.locator(`[data-testid="model-row"][data-name="${modelName}"] [data-testid="model-compare-tick"] input`).check();
    await page.locator(`[data-testid="model-row"][data-name="${BASE}"] [data-testid="model-compare-tick"] input`).check();
    await page.click('[data-testid="model-compare"]');
    await page.waitForSelector('[data-testid="model-comparison-row"][data-metric="loss"]');
    await screenshot(page, 'models-compare');

    const models = await harness.rest<ModelList>('GET', `/api/projects/${projectId}/models`);
    expect(models.body.models.find((m) => m.name === modelName)).toMatchObject({ source: 'training', lineage: { datasetId, trainingRunId: runId, baseModelId: BASE } });
  }, 180_000);

  it('gives the trained model to an agent in the config editor, runs a workflow on it, and chats with it in the playground', async () => {
    expect(trained).not.toBe('');
    const files = {
      'agents.yaml': `version: 1
providers:
  - id: own
    type: local
agents:
  - name: programmer
    role: Python Programmer
    system_prompt: You write Python.
    model: { provider: own, name: ${BASE}, max_tokens: 6 }
  - name: trader
    role: Stock Trader
    system_prompt: You trade stocks.
    model: { provider: own, name: ${BASE}, max_tokens: 6 }
`,
      'workflows/trading.yaml': `version: 1
name: trading
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot for the stock market.
max_turns: 1
`,
    };
    const saved = await harness.rest<CommandAccepted>('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files, message: 'local models' });
    expect(saved.status).toBe(201);

    // The form offers the registry's models; the programmer gets the trained one.
    const page = await harness.openPage(`/configs/${projectId}`);
    await page.waitForSelector(`[data-testid="config-version"][data-version="${saved.body.version}"]`);
    await page.click('[data-testid="config-view-form"]');
    await page.waitForSelector('[data-testid="agent-model-form"] [data-testid="agent-model-agent"]');
    await page.selectOption('[data-testid="agent-model-agent"]', { label: 'programmer' });
    const offered = await page.locator('[data-testid="agent-model-form"] datalist option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining([trained, BASE]));
    await page.fill('[data-testid="agent-model-name"]', trained);
    await page.click('[data-testid="agent-model-apply"]');
    await page.waitForSelector('[data-testid="config-validation"][data-state="ok"]');
    await page.click('[data-testid="config-view-yaml"]');
    await page.fill('[data-testid="config-save-message"]', 'the trained model for the programmer');
    await page.click('[data-testid="config-save"]');
    await page.waitForSelector(`[data-testid="config-version"][data-version="${saved.body.version + 1}"]`);

    // A run of the workflow: its turns come from the local models.
    await page.goto(`${harness.app.url}/runs/${projectId}`);
    await page.click('[data-testid="run-start"]');
    await page.click('[data-testid="start-run-workflow"]');
    await page.click('[data-testid="workflow-option-trading"]');
    await page.waitForSelector('[data-testid="start-run-dialog"] [data-testid="start-run-preflight"][data-state="ok"]');
    await page.click('[data-testid="start-run-submit"]');
    await page.waitForURL(new RegExp(`/runs/${projectId}/[0-9a-f-]{36}$`));
    const runId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
    await page.waitForSelector('[data-testid="turn"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="run-status"][data-status="completed"]', { timeout: 60_000 });
    await screenshot(page, 'training-model-run');

    // The model's lineage lists the run that used it; the playground streams a reply.
    const models = await harness.rest<ModelList>('GET', `/api/projects/${projectId}/models`);
    const modelId = models.body.models.find((m) => m.name === trained)?.id ?? '';
    await page.goto(`${harness.app.url}/models/${projectId}/${modelId}`);
    await page.locator(`[data-testid="model-used-by"] a[href$="/runs/${projectId}/${runId}"]`).waitFor();
    await page.fill('[data-testid="playground-max-tokens"]', '8');
    await page.fill('[data-testid="playground-input"]', 'shall we?');
    await page.click('[data-testid="playground-send"]');
    await page.waitForSelector('[data-testid="playground-message"][data-role="assistant"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="playground-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="playground-message"][data-role="user"]').textContent()).toContain('shall we?');
    await screenshot(page, 'models-playground');
  }, 120_000);

  it('queues a second run behind the first and cancels both from their pages', async () => {
    const long = { datasetId, datasetVersion: 1, baseModel: BASE, method: 'dpo', hyperparameters: { epochs: 100, batchSize: 1, maxLength: 64, checkpointEvery: 1000 } };
    const first = await harness.rest<{ id: string }>('POST', `/api/projects/${projectId}/training-runs`, { ...long, modelName: `long-${unique()}` });
    const second = await harness.rest<{ id: string }>('POST', `/api/projects/${projectId}/training-runs`, { ...long, modelName: `long-${unique()}` });
    expect([first.status, second.status]).toEqual([201, 201]);

    // One training process at a time on the embedded default: the second waits, and says so.
    const page = await harness.openPage(`/training/${projectId}`);
    const queued = page.locator(`[data-testid="training-run-row"][data-run-id="${second.body.id}"]`);
    await queued.locator('[data-testid="training-queue-position"]').waitFor();
    expect(await queued.getAttribute('data-status')).toBe('queued');

    await queued.locator('[data-testid="training-run-link"]').click();
    await page.waitForSelector('[data-testid="training-summary"][data-status="queued"] [data-testid="training-queue-position"]');
    await page.click('[data-testid="training-cancel"]');
    await page.waitForSelector('[data-testid="training-summary"][data-status="cancelled"]');
    expect(await page.locator('[data-testid="training-cancel"]').count()).toBe(0);

    // The running one stops within seconds of its Cancel, short of its last step, and registers no model.
    await page.goto(`${harness.app.url}/training/${projectId}/${first.body.id}`);
    await page.waitForSelector('[data-testid="training-summary"][data-status="running"] [data-testid="training-step"]:not([data-step="0"])');
    await page.click('[data-testid="training-cancel"]');
    await page.waitForSelector('[data-testid="training-summary"][data-status="cancelled"]', { timeout: 20_000 });
    const [step, total] = ((await page.textContent('[data-testid="training-step"]')) ?? '').split(/[ /]+/).map(Number);
    expect(step).toBeLessThan(total ?? 0);
    await screenshot(page, 'training-cancelled');
    const runs = await harness.rest<TrainingRunList>('GET', `/api/projects/${projectId}/training-runs`);
    expect(runs.body.runs.filter((run) => [first.body.id, second.body.id].includes(run.id)).map((run) => [run.status, run.modelId])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
    ]);
  }, 120_000);

  it('shows a viewer the runs and the registry without the actions a viewer may not take', async () => {
    const suffix = unique();
    const viewer = { email: `viewer-${suffix}@example.test`, name: `Viewer ${suffix}`, password: `pw-${suffix}-long-enough` };
    expect((await harness.rest<UserCreatedResponse>('POST', '/api/users', viewer)).status).toBe(201);
    expect((await harness.rest('POST', `/api/projects/${projectId}/members`, { email: viewer.email, role: 'viewer' })).status).toBe(201);
    const running = await harness.rest<{ id: string }>('POST', `/api/projects/${projectId}/training-runs`, {
      modelName: `watched-${suffix}`,
      datasetId,
      datasetVersion: 1,
      baseModel: BASE,
      method: 'dpo',
      hyperparameters: { epochs: 100, batchSize: 1, maxLength: 64, checkpointEvery: 1000 },
    });
    expect(running.status).toBe(201);

    const page = await harness.openPage(`/training/${projectId}/${running.body.id}`, viewer);
    // It follows the run like anyone, but cannot cancel it or launch one.
    await page.waitForSelector('[data-testid="training-summary"][data-status="running"] [data-testid="training-step"]:not([data-step="0"])');
    expect(await page.locator('[data-testid="training-cancel"]').count()).toBe(0);
    await page.click('a:has-text("All runs")');
    await page.waitForSelector(`[data-testid="training-run-row"][data-run-id="${running.body.id}"]`);
    expect(await page.locator('[data-testid="training-new"]').count()).toBe(0);
    expect((await harness.rest('POST', `/api/projects/${projectId}/training-runs/${running.body.id}/cancel`)).status).toBe(202);

    // The registry: no import, tags or archive; the playground is there (model:read is enough for /v1).
    const modelId = (await harness.rest<ModelList>('GET', `/api/projects/${projectId}/models`)).body.models.find((m) => m.name === trained)?.id ?? '';
    await page.goto(`${harness.app.url}/models/${projectId}/${modelId}`);
    await page.waitForSelector('[data-testid="model-detail"] [data-testid="model-architecture"]');
    await page.waitForSelector('[data-testid="model-playground"]');
    for (const action of ['model-import-open', 'model-archive', 'model-tag-input', 'model-untag']) expect(await page.locator(`[data-testid="${action}"]`).count()).toBe(0);
  }, 120_000);
});
