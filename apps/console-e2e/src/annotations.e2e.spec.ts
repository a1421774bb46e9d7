import type { AgreementReport, CommandAccepted, CreateQueueResult, LogEntryView, NextItemResult, ProjectRole, QueueList, QueueProgress, RunView, UserCreatedResponse } from '@camel/contracts';
import { reply, rolePlayWorkflowYaml, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer, type RecordedRequest } from '@camel/workflows/server/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness, waitForConnection, type Credentials } from './support/harness';

const KEY_ENV = 'E2E_LLM_KEY';
const KEY = 'sk-e2e-annotations-secret';
const REGENERATION_MODEL = 'coder-2';

const agents = (baseUrl: string) => testAgentsYaml(baseUrl, KEY_ENV, [TEST_AGENTS.programmer, TEST_AGENTS.trader]);
const WORKFLOW = rolePlayWorkflowYaml({ maxTurns: 2 });
const RUNS = 3;
/** Every assistant turn (2 per run) is regenerated once: one pairwise item each. */
const ITEMS = RUNS * 2;
const CORRECTION = 'Solution: a corrected answer that reads the CSV with validation. Next request.';

const isUserCall = (request: RecordedRequest) => (request.body.messages[0]?.content ?? '').includes('Never forget you are a Stock Trader');

/** Reads until `done` holds (asynchronous work: runs, projections); throws with the last value after the timeout. */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Annotation in a real browser against the built api on the embedded default, with the local
 * OpenAI-compatible server as the only model: runs and regenerations make pairwise log entries; an
 * engineer makes a queue of them in the Queues admin; two annotators work it at the same time, one of
 * them with the keyboard only (help overlay, choices, a correction with its diff, submit, skip), the
 * other watching the shared progress move live; then the engineer snapshots the queue as a dataset
 * and downloads it as JSONL.
 */
describe('annotation in a real browser', () => {
  const harness = useConsoleHarness({ [KEY_ENV]: KEY });
  let llm: OpenAiTestServer;
  let projectId: string;
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(async () => {
    let calls = 0;
    llm = await startOpenAiTestServer({ apiKey: KEY });
    llm.respondWith((request) => {
      calls += 1;
      if (request.body.model === REGENERATION_MODEL) return reply.text(`Solution: regenerated answer ${calls} with pandas. Next request.`);
      return reply.text(isUserCall(request) ? `Instruction: step ${calls} of the loader.\nInput: None` : `Solution: answer ${calls} with the csv module. Next request.`);
    });
    const created = await harness.rest<CommandAccepted>('POST', '/api/projects', { name: `Annotations ${unique()}` });
    expect(created.status).toBe(201);
    projectId = created.body.id;
    const files = { 'agents.yaml': agents(llm.url), 'workflows/trading.yaml': WORKFLOW };
    expect((await harness.rest('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files, message: 'annotations e2e' })).status).toBe(201);
    for (let run = 0; run < RUNS; run++) {
      const started = await harness.rest<CommandAccepted>('POST', `/api/projects/${projectId}/runs`, { workflow: 'trading' });
      expect(started.status).toBe(201);
      const runId = started.body.id;
      await until('the run to complete', async () => (await harness.rest<RunView>('GET', `/api/projects/${projectId}/runs/${runId}`)).body, (view) => view?.status === 'completed');
      for (const turnId of ['turn-2', 'turn-4']) {
        const regenerated = await harness.rest('POST', `/api/projects/${projectId}/runs/${runId}/turns/${turnId}/regenerate`, { model: REGENERATION_MODEL });
        expect(regenerated.status).toBe(201);
      }
      await until(
        'the alternatives in the logs',
        async () => (await harness.rest<LogEntryView[]>('GET', `/api/projects/${projectId}/runs/${runId}/entries`)).body,
        (entries) => entries.filter((entry) => entry.kind === 'alternative').length === 2,
      );
    }
  });
  afterAll(async () => {
    await llm?.close();
  });

  async function createUser(label: string, role: ProjectRole): Promise<Credentials & { id: string }> {
    const suffix = unique();
    const user = { email: `${label}-${suffix}@example.test`, name: `${label} ${suffix}`, password: `pw-${suffix}-long-enough` };
    const created = await harness.rest<UserCreatedResponse>('POST', '/api/users', user);
    expect(created.status).toBe(201);
    expect((await harness.rest('POST', `/api/projects/${projectId}/members`, { email: user.email, role })).status).toBe(201);
    return { ...user, id: created.body.id };
  }

  const item = (page: Page) => page.locator('[data-testid="annotate-item"]');
  const itemId = async (page: Page) => (await item(page).getAttribute('data-item-id')) ?? '';
  /** The page shows a new item (another id than `before`) or says the queue is done for this annotator. */
  const nextShown = (page: Page, before: string) =>
    page.waitForFunction(
      (previous) => {
        if (document.querySelector('[data-testid="annotate-done"]')) return 'done';
        const id = document.querySelector('[data-testid="annotate-item"]')?.getAttribute('data-item-id');
        return id && id !== previous ? id : null;
      },
      before,
      { timeout: 20_000 },
    ).catch(async (error: unknown) => {
      await screenshot(page, `annotate-stuck-${before}`);
      throw new Error(`${String(error)}\n${(await page.locator('main, body').first().innerText()).slice(0, 3000)}`);
    });
  const progressOf = async (queueId: string) => (await harness.rest<QueueProgress>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/progress`)).body;

  it('two annotators work one pairwise queue at once (one by keyboard only), then an engineer snapshots and downloads it', async () => {
    const engineer = await createUser('engineer', 'engineer');
    const ada = await createUser('ada', 'annotator');
    const bob = await createUser('bob', 'annotator');

    // The engineer makes the queue in the Queues admin, from a logs filter.
    const admin = await harness.openPage(`/queues/${projectId}`, engineer);
    await waitForConnection(admin, 'connected');
    await admin.click('[data-testid="queue-new"]');
    await admin.fill('[data-testid="queue-name"]', 'Trading pairs');
    await admin.fill('[data-testid="queue-filter-workflow"]', 'trading');
    await admin.fill('[data-testid="queue-reservation"]', '2');
    await admin.click('[data-testid="queue-blind"]');
    await admin.click('[data-testid="queue-create"]');
    const row = admin.locator('[data-testid="queue-row"][data-name="Trading pairs"]');
    await row.waitFor();
    const queueId = (await row.getAttribute('data-queue-id')) ?? '';
    // Its items land with it or just after: the row follows them live.
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${queueId}"][data-items="${ITEMS}"]`);
    const queues = (await harness.rest<QueueList>('GET', `/api/projects/${projectId}/annotation-queues`)).body.queues;
    expect(queues.find((queue) => queue.id === queueId)).toMatchObject({ kind: 'pairwise', responsesRequired: 1, reservationSeconds: 120, blind: false });

    // Ada works by keyboard only; Bob with the mouse, in his own browser context, at the same time.
    const keyboard = await harness.openPage(`/annotate/${projectId}/${queueId}`, ada);
    const mouse = await harness.openPage(`/annotate/${projectId}/${queueId}`, bob);
    await waitForConnection(keyboard, 'connected');
    await waitForConnection(mouse, 'connected');
    await item(keyboard).waitFor();
    await item(mouse).waitFor();
    // The race for the first item: each holds a different one.
    const first = await itemId(keyboard);
    expect(await itemId(mouse)).not.toBe(first);
    expect(Number(await keyboard.getAttribute('[data-testid="annotate-countdown"]', 'data-seconds'))).toBeGreaterThan(100);

    // The help overlay lists every key; Esc closes it.
    await keyboard.keyboard.press('?');
    const help = keyboard.locator('[data-testid="annotate-help"]');
    await help.waitFor();
    const keys = await help.locator('[data-testid="annotate-help-row"] kbd').allTextContents();
    expect(keys).toEqual(expect.arrayContaining(['A', 'B', 'E', 'X', '1–9', 'Enter', 'S', '?', 'C', 'R']));
    await screenshot(keyboard, 'annotate-help');
    await keyboard.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // Enter without a choice says what is missing; B, a rating, then Enter submits.
    expect(await keyboard.locator('[data-testid="annotate-a"]').textContent()).toContain('csv module');
    expect(await keyboard.locator('[data-testid="annotate-b"]').textContent()).toContain('pandas');
    await keyboard.keyboard.press('Enter');
    await keyboard.locator('[data-testid="annotate-missing"]').waitFor();
    await keyboard.keyboard.press('b');
    await keyboard.waitForSelector('[data-testid="annotate-item"][data-choice="B"]');
    await keyboard.keyboard.press('4');
    await keyboard.waitForSelector('[data-testid="annotate-item"][data-rating="4"]');
    await screenshot(keyboard, 'annotate-item');
    await keyboard.keyboard.press('Enter');
    const answered = new Set<string>([first]);
    let current = (await (await nextShown(keyboard, first)).jsonValue()) as string;

    // Bob answers his item with the mouse: Ada's queue bar moves without a reload.
    const fractionBefore = Number(await keyboard.getAttribute('[data-testid="annotate-progress"]', 'data-fraction'));
    const bobFirst = await itemId(mouse);
    await mouse.click('[data-testid="annotate-choice-A"]');
    await mouse.click('[data-testid="annotate-submit"]');
    await keyboard.waitForFunction(
      (before) => Number(document.querySelector('[data-testid="annotate-progress"]')?.getAttribute('data-fraction')) > before + 0.1,
      fractionBefore,
      { timeout: 20_000 },
    );
    answered.add(bobFirst);

    // A correction by keyboard: C opens the editor on A's text, the diff marks the change, Ctrl+Enter submits.
    expect(current).not.toBe('done');
    await keyboard.keyboard.press('a');
    await keyboard.keyboard.press('c');
    const editor = keyboard.locator('[data-testid="annotate-correction"]');
    await editor.waitFor();
    await keyboard.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'annotate-correction');
    await keyboard.keyboard.press('ControlOrMeta+a');
    await keyboard.keyboard.type(CORRECTION);
    await keyboard.locator('[data-testid="annotate-correction-diff"] ins', { hasText: 'validation' }).waitFor();
    expect(await keyboard.locator('[data-testid="annotate-correction-diff"] del').count()).toBeGreaterThan(0);
    await screenshot(keyboard, 'annotate-correction');
    await keyboard.keyboard.press('Control+Enter');
    answered.add(current);
    current = (await (await nextShown(keyboard, current)).jsonValue()) as string;

    // S skips (the item goes back to the pool for the others).
    let skipped: string | null = null;
    if (current !== 'done') {
      skipped = current;
      await keyboard.keyboard.press('s');
      current = (await (await nextShown(keyboard, current)).jsonValue()) as string;
    }

    // Both work on until the queue is done for each: Ada by keys (A / B alternately), Bob by clicks.
    let bobCurrent = (await (await nextShown(mouse, bobFirst)).jsonValue()) as string;
    for (let turn = 0; (current !== 'done' || bobCurrent !== 'done') && turn < ITEMS * 3; turn++) {
      if (current !== 'done') {
        expect(answered.has(current)).toBe(false);
        await keyboard.keyboard.press(turn % 2 === 0 ? 'a' : 'b');
        await keyboard.keyboard.press('Enter');
        answered.add(current);
        current = (await (await nextShown(keyboard, current)).jsonValue()) as string;
      }
      if (bobCurrent !== 'done') {
        expect(answered.has(bobCurrent)).toBe(false);
        await mouse.click('[data-testid="annotate-choice-B"]');
        await mouse.click('[data-testid="annotate-submit"]');
        answered.add(bobCurrent);
        bobCurrent = (await (await nextShown(mouse, bobCurrent)).jsonValue()) as string;
      }
    }
    expect(current).toBe('done');
    expect(bobCurrent).toBe('done');
    // Every item answered exactly once between them (the skipped one by someone, later).
    expect(answered.size).toBe(ITEMS);
    if (skipped) expect(answered.has(skipped)).toBe(true);
    const progress = await until('the queue to complete', () => progressOf(queueId), (p) => p.counts.completed === ITEMS);
    expect(progress.counts.responses).toBe(ITEMS);
    const byPerson = new Map(progress.annotators.map((person) => [person.annotator, person]));
    expect((byPerson.get(ada.id)?.responses ?? 0) + (byPerson.get(bob.id)?.responses ?? 0)).toBe(ITEMS);
    expect(byPerson.get(ada.id)?.responses).toBeGreaterThan(0);
    expect(byPerson.get(bob.id)?.responses).toBeGreaterThan(0);
    // The engineer's admin page followed along live.
    await admin.waitForSelector(`[data-testid="queue-progress"][data-queue-id="${queueId}"][data-completed="${ITEMS}"]`, { timeout: 20_000 });
    await screenshot(admin, 'queues-admin');

    // The engineer snapshots the queue into a dataset and downloads it as JSONL.
    await admin.click(`[data-testid="queue-row"][data-queue-id="${queueId}"] [data-testid="queue-dataset"]`);
    await admin.waitForURL((url) => url.pathname === `/datasets/${projectId}`);
    await admin.locator('[data-testid="dataset-form"]').waitFor();
    await admin.fill('[data-testid="dataset-name"]', 'trading-prefs');
    await admin.fill('[data-testid="dataset-test-percent"]', '0');
    await admin.click('[data-testid="dataset-create"]');
    const version = admin.locator('[data-testid="dataset-detail"] [data-testid="dataset-version"][data-version="1"]');
    await version.waitFor({ timeout: 20_000 });
    await admin.locator('[data-testid="dataset-row"][data-name="trading-prefs"]').waitFor();
    const pairs = Number(await version.getAttribute('data-pairs'));
    // Every answer was A or B (no ties), and one also carried a correction.
    expect(pairs).toBeGreaterThanOrEqual(ITEMS);
    await admin.locator('[data-testid="dataset-pair"]').first().waitFor();
    await screenshot(admin, 'dataset');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid="dataset-download-standard"]')]);
    expect(download.suggestedFilename()).toBe('trading-prefs-v1.jsonl');
    const path = await download.path();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(pairs);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of parsed) {
      expect(Object.keys(line)).toEqual(['prompt', 'chosen', 'rejected']);
      expect(typeof line['prompt']).toBe('string');
      expect(line['chosen']).not.toBe(line['rejected']);
    }
    expect(parsed.some((line) => line['chosen'] === CORRECTION)).toBe(true);
    expect(parsed.filter((line) => String(line['chosen']).includes('pandas')).length).toBeGreaterThan(0);

    // The same version in TRL's conversational format: the prompt is the history as messages, each side one assistant message.
    const [conversational] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid="dataset-download-conversational"]')]);
    const talks = readFileSync(await conversational.path(), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { prompt: { role: string; content: string }[]; chosen: { role: string; content: string }[]; rejected: { role: string; content: string }[] });
    expect(talks).toHaveLength(pairs);
    for (const [index, talk] of talks.entries()) {
      expect(Object.keys(talk)).toEqual(['prompt', 'chosen', 'rejected']);
      expect(talk.prompt.length).toBeGreaterThan(0);
      expect(talk.prompt.every((m) => typeof m.role === 'string' && typeof m.content === 'string')).toBe(true);
      expect([talk.chosen.map((m) => m.role), talk.rejected.map((m) => m.role)]).toEqual([['assistant'], ['assistant']]);
      expect([talk.chosen[0].content, talk.rejected[0].content]).toEqual([parsed[index]['chosen'], parsed[index]['rejected']]);
    }
    // And as CSV: a header, then one quoted record per pair (the answers hold commas and newlines).
    const [csv] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid="dataset-download-csv"]')]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const table = readFileSync(await csv.path(), 'utf8');
    expect(table.startsWith('prompt,chosen,rejected\r\n')).toBe(true);
    const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    for (const line of parsed) expect(table).toContain(`,${field(String(line['chosen']))},${field(String(line['rejected']))}\r\n`);
  });

  it('reports agreement live and lets an engineer decide a disagreement; a viewer only reads it', async () => {
    const engineer = await createUser('reviewer', 'engineer');
    const viewer = await createUser('viewer', 'viewer');
    const people = await Promise.all(['cy', 'di'].map((name) => createUser(name, 'annotator')));
    const tokens = await Promise.all(people.map((person) => harness.app.signIn(person.email, person.password)));
    const created = await harness.rest<CreateQueueResult>('POST', `/api/projects/${projectId}/annotation-queues`, {
      name: 'Two opinions',
      kind: 'pairwise',
      responsesRequired: 2,
      blind: true,
      source: { filter: { workflow: 'trading' } },
    });
    expect(created.status).toBe(201);
    const queueId = created.body.id;
    const queuePath = `/api/projects/${projectId}/annotation-queues/${queueId}`;
    /** Both annotators answer the first one's next item: the first says A, the second `second`. */
    const answerBoth = async (second: 'A' | 'B') => {
      const work = (await harness.rest<NextItemResult>('POST', `${queuePath}/next`, undefined, tokens[0])).body.work;
      if (!work?.alternative) throw new Error('no pairwise item');
      for (const [index, token] of tokens.entries()) {
        const choice = index === 0 ? 'A' : second;
        const answer = await harness.rest(`POST`, `${queuePath}/items/${work.item.id}/responses`, { value: { preference: { alternativeEntryId: work.alternative.id, choice } } }, token);
        expect(answer.status).toBe(201);
      }
      return work.item.id;
    };
    const agreed = await answerBoth('A');

    const page = await harness.openPage(`/agreement/${projectId}/${queueId}`, engineer);
    await waitForConnection(page, 'connected');
    await page.waitForSelector('[data-testid="agreement-stat"][data-field="preference"][data-metric="percent_agreement"][data-value="1"]');
    // One category only so far: kappa is undefined, shown as such (null, not NaN).
    await page.waitForSelector('[data-testid="agreement-stat"][data-field="preference"][data-metric="cohens_kappa"][data-value="null"]');
    await page.locator('[data-testid="agreement-no-disagreements"]').waitFor();

    // A disagreement arrives while the page is open.
    const disputed = await answerBoth('B');
    expect(disputed).not.toBe(agreed);
    const item = page.locator(`[data-testid="disagreement"][data-item-id="${disputed}"]`);
    await item.waitFor({ timeout: 20_000 });
    await page.waitForSelector('[data-testid="agreement-stat"][data-field="preference"][data-metric="percent_agreement"][data-value="0.5"]');
    await screenshot(page, 'agreement');

    // A viewer reads the report, without the decision's buttons.
    const reader = await harness.openPage(`/agreement/${projectId}/${queueId}`, viewer);
    await reader.locator(`[data-testid="disagreement"][data-item-id="${disputed}"]`).waitFor();
    expect(await reader.locator('[data-testid="adjudicate-B"]').count()).toBe(0);

    await item.locator('[data-testid="adjudicate-note"]').fill('B handles the file format');
    await item.locator('[data-testid="adjudicate-B"]').click();
    await item.locator('[data-testid="adjudication"]', { hasText: 'B handles the file format' }).waitFor({ timeout: 20_000 });
    await reader.locator(`[data-testid="disagreement"][data-item-id="${disputed}"][data-adjudicated="true"]`).waitFor({ timeout: 20_000 });
    const report = (await harness.rest<AgreementReport>('GET', `${queuePath}/agreement`)).body;
    expect(report.disagreements.find((d) => d.itemId === disputed)?.adjudication).toMatchObject({ decidedBy: engineer.id, note: 'B handles the file format', value: { preference: { choice: 'B' } } });
  });

  it('shows an imported file’s problems by line and field, and stores nothing', async () => {
    const engineer = await createUser('importer', 'engineer');
    const page = await harness.openPage(`/datasets/${projectId}`, engineer);
    await page.click('[data-testid="dataset-import-open"]');
    const good = JSON.stringify({ prompt: 'Say hi', chosen: 'Hi!', rejected: 'No.' });
    const bad = JSON.stringify({ prompt: 'Say hi', chosen: 'Hi!' });
    await page.setInputFiles('[data-testid="dataset-import-file"]', { name: 'outside.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${good}\n${bad}\n`) });
    expect(await page.inputValue('[data-testid="dataset-import-name"]')).toBe('outside');
    await page.click('[data-testid="dataset-import-submit"]');
    const problem = page.locator('[data-testid="dataset-import-problem"][data-line="2"]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-field')).toBe('rejected');
    expect(await page.locator('[data-testid="dataset-row"][data-name="outside"]').count()).toBe(0);

    // A valid file is imported and listed live.
    await page.setInputFiles('[data-testid="dataset-import-file"]', { name: 'outside.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${good}\n`) });
    await page.click('[data-testid="dataset-import-submit"]');
    await page.locator('[data-testid="dataset-row"][data-name="outside"][data-pairs="1"]').waitFor({ timeout: 20_000 });
  });

  it('an engineer snapshots by keywords on the Datasets page: words no answered entry has are refused in place, matching ones make the version', async () => {
    const engineer = await createUser('keywords', 'engineer');
    const runs = (await harness.rest<{ runs: RunView[] }>('GET', `/api/projects/${projectId}/runs`)).body.runs;
    const runId = runs[0].id;
    const entries = (await harness.rest<LogEntryView[]>('GET', `/api/projects/${projectId}/runs/${runId}/entries`)).body;
    const turn = entries.find((e) => e.kind === 'turn' && e.role === 'assistant');
    expect(turn?.content).toContain('csv module');
    const correction = 'Solution: a corrected answer for the keyword snapshot. Next request.';
    expect((await harness.rest('POST', `/api/projects/${projectId}/annotations`, { entryId: turn?.id, value: { correction } })).status).toBe(201);

    const page = await harness.openPage(`/datasets/${projectId}`, engineer);
    await page.click('[data-testid="dataset-new"]');
    await page.locator('[data-testid="dataset-form"]').waitFor();
    const name = `by-keywords-${unique()}`;
    await page.fill('[data-testid="dataset-name"]', name);
    await page.fill('[data-testid="dataset-test-percent"]', '0');
    await page.fill('[data-testid="dataset-filter-run"]', runId);
    await page.fill('[data-testid="dataset-filter-q"]', 'zebra');
    await page.click('[data-testid="dataset-create"]');
    await page.locator('[data-testid="dataset-filter-error"]').waitFor();
    expect(await page.locator(`[data-testid="dataset-row"][data-name="${name}"]`).count()).toBe(0);
    await page.fill('[data-testid="dataset-filter-q"]', '"csv module"');
    await page.click('[data-testid="dataset-create"]');
    await page.locator(`[data-testid="dataset-row"][data-name="${name}"]`).waitFor();
    const list = (await harness.rest<{ datasets: { name: string; latest: { selection: unknown; counts: { pairs: number } } }[] }>('GET', `/api/projects/${projectId}/datasets`)).body.datasets;
    const made = list.find((d) => d.name === name);
    expect(made?.latest.selection).toEqual({ kind: 'filter', filter: { runId, q: '"csv module"' } });
    expect(made?.latest.counts.pairs).toBeGreaterThanOrEqual(1);
  });

  it('an engineer edits the label set and closes and reopens a queue; an annotator tags by keyboard, withdraws their last answer, and is told the queue closed', async () => {
    const engineer = await createUser('labeller', 'engineer');
    const cleo = await createUser('cleo', 'annotator');
    const queue = await harness.rest<CreateQueueResult>(
      'POST',
      `/api/projects/${projectId}/annotation-queues`,
      { name: `Tags ${unique()}`, kind: 'single', responsesRequired: 2, blind: false, source: { filter: { workflow: 'trading' } } },
    );
    expect(queue.status).toBe(201);
    const queueId = queue.body.id;
    const row = (page: Page) => page.locator(`[data-testid="queue-row"][data-queue-id="${queueId}"]`);

    // The label set, edited on the Queues page: two labels added and saved.
    const admin = await harness.openPage(`/queues/${projectId}`, engineer);
    await waitForConnection(admin, 'connected');
    const editor = admin.locator('[data-testid="label-set-editor"]');
    for (const name of ['helpful', 'off-topic']) {
      await editor.locator('[data-testid="label-add"]').click();
      await editor.locator('[data-testid="label-name"]').last().fill(name);
    }
    await editor.locator('[data-testid="label-save"]').click();
    await admin.waitForSelector('[data-testid="label-set-editor"][data-dirty="false"][data-count="2"]');
    const labels = await harness.rest<{ labels: { name: string }[] }>('GET', `/api/projects/${projectId}/label-set`);
    expect(labels.body.labels.map((l) => l.name)).toEqual(['helpful', 'off-topic']);

    // The annotator tags with Shift+2, rates with 4, submits with Enter, then withdraws that answer.
    const annotator = await harness.openPage(`/annotate/${projectId}/${queueId}`, cleo);
    await annotator.waitForSelector('[data-testid="annotate-item"]');
    const first = await itemId(annotator);
    await annotator.locator('[data-testid="annotate-item"]').focus();
    await annotator.keyboard.press('Shift+Digit2');
    await annotator.keyboard.press('4');
    await annotator.keyboard.press('Enter');
    await nextShown(annotator, first);
    const answered = await until(
      'the tagged answer',
      async () => (await harness.rest<{ annotations: { id: string; value: { tags?: string[]; rating?: number }; withdrawn: boolean }[] }>('GET', `/api/projects/${projectId}/annotations?queueId=${queueId}`)).body.annotations,
      (list) => list.length === 1,
    );
    expect(answered[0].value).toEqual({ tags: ['off-topic'], rating: 4 });
    await annotator.click('[data-testid="annotate-undo"]');
    await annotator.waitForSelector('[data-testid="annotate-last"]:has-text("withdrawn")');
    expect((await harness.rest<{ withdrawn: boolean }>('GET', `/api/projects/${projectId}/annotations/${answered[0].id}`)).body.withdrawn).toBe(true);

    // Closing shows on the Queues page live; the annotator asking again is told it is closed; reopen.
    await row(admin).locator('[data-testid="queue-close"]').click();
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${queueId}"] [data-status="closed"]`);
    await annotator.reload();
    await annotator.waitForSelector('[data-testid="annotate-closed"]');
    await screenshot(annotator, 'annotate-queue-closed');
    await row(admin).locator('[data-testid="queue-reopen"]').click();
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${queueId}"] [data-status="open"]`);
    await annotator.reload();
    await annotator.waitForSelector('[data-testid="annotate-item"]');
  });

  it('an engineer removes a single unanswered item and finds archived queues on the Queues page, live', async () => {
    const engineer = await createUser('curator', 'engineer');
    const dana = await createUser('dana', 'annotator');
    const queue = await harness.rest<CreateQueueResult>('POST', `/api/projects/${projectId}/annotation-queues`, {
      name: `Trim ${unique()}`,
      kind: 'single',
      responsesRequired: 2,
      blind: false,
      assignees: { kind: 'users', userIds: [dana.id] },
      source: { filter: { workflow: 'trading', role: 'assistant' } },
    });
    expect(queue.status).toBe(201);
    const queueId = queue.body.id;
    const admin = await harness.openPage(`/queues/${projectId}`, engineer);
    await waitForConnection(admin, 'connected');
    const row = admin.locator(`[data-testid="queue-row"][data-queue-id="${queueId}"]`);
    await row.locator('[data-testid="queue-items-toggle"]').click();
    const items = row.locator('[data-testid="queue-items"]');
    await admin.waitForSelector(`[data-testid="queue-items"][data-queue-id="${queueId}"][data-count="${queue.body.added}"]`);

    // Dana answers one item (through the api, another session): its Remove button goes, live.
    const annotator = await harness.app.signIn(dana.email, dana.password);
    const work = (await harness.rest<NextItemResult>('POST', `/api/projects/${projectId}/annotation-queues/${queueId}/next`, undefined, annotator)).body.work;
    expect(work).not.toBeNull();
    const answered = work?.item.id as string;
    expect((await harness.rest('POST', `/api/projects/${projectId}/annotation-queues/${queueId}/items/${answered}/responses`, { value: { rating: 3 } }, annotator)).status).toBe(201);
    await admin.waitForSelector(`[data-testid="queue-item"][data-item-id="${answered}"][data-responses="1"]`);
    expect(await items.locator(`[data-testid="queue-item"][data-item-id="${answered}"] [data-testid="queue-item-remove"]`).count()).toBe(0);

    // Remove one unanswered item: two clicks, the row goes live, the api says removed.
    const victim = (await items.locator('[data-testid="queue-item"][data-responses="0"]').first().getAttribute('data-item-id')) ?? '';
    const victimRow = items.locator(`[data-testid="queue-item"][data-item-id="${victim}"]`);
    await victimRow.locator('[data-testid="queue-item-remove"]').click();
    await victimRow.locator('[data-testid="queue-item-remove-confirm"]').click();
    await admin.waitForSelector(`[data-testid="queue-items"][data-queue-id="${queueId}"][data-count="${queue.body.added - 1}"]`);
    const removed = await harness.rest<{ items: { id: string }[] }>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/items?status=removed`);
    expect(removed.body.items.map((i) => i.id)).toEqual([victim]);
    await screenshot(admin, 'queues-items-removed');

    // Archive it; the archived list shows it read-only, and another queue archived elsewhere appears without a reload.
    await row.locator('[data-testid="queue-archive"]').click();
    await row.locator('[data-testid="queue-archive-confirm"]').click();
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${queueId}"]`, { state: 'detached' });
    await admin.locator('[data-testid="queues-archived-toggle"]').click();
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${queueId}"] [data-status="archived"]`);
    expect(await row.locator('[data-testid="queue-close"], [data-testid="queue-reopen"], [data-testid="queue-archive"], [data-testid="queue-work"]').count()).toBe(0);
    const other = await harness.rest<CreateQueueResult>('POST', `/api/projects/${projectId}/annotation-queues`, { name: `Old ${unique()}`, kind: 'single' });
    expect((await harness.rest('DELETE', `/api/projects/${projectId}/annotation-queues/${other.body.id}`)).status).toBe(200);
    await admin.waitForSelector(`[data-testid="queue-row"][data-queue-id="${other.body.id}"] [data-status="archived"]`);
    await screenshot(admin, 'queues-archived');
    await admin.locator('[data-testid="queues-archived-toggle"]').click();
    await admin.waitForSelector('[data-testid="queue-new"]');
    expect(await admin.locator(`[data-testid="queue-row"][data-queue-id="${other.body.id}"]`).count()).toBe(0);
  });

  it('a judge agent (the local test server) pre-fills a suggestion; the annotator takes it with G and submits it', async () => {
    const engineer = await createUser('judging', 'engineer');
    const dee = await createUser('dee', 'annotator');
    const latest = await harness.rest<{ version: number }>('GET', `/api/projects/${projectId}/configs`);
    const files = { 'agents.yaml': testAgentsYaml(llm.url, KEY_ENV, [TEST_AGENTS.programmer, TEST_AGENTS.trader, TEST_AGENTS.judge]), 'workflows/trading.yaml': WORKFLOW };
    expect((await harness.rest('POST', `/api/projects/${projectId}/configs`, { baseVersion: latest.body.version, files, message: 'a judge' })).status).toBe(201);
    llm.respondWith((request) => (request.body.model === TEST_AGENTS.judge.model ? reply.text('{"rating": 4, "rationale": "clear enough"}') : reply.text('not a judge call')));
    const queue = await harness.rest<CreateQueueResult>(
      'POST',
      `/api/projects/${projectId}/annotation-queues`,
      { name: `Judged ${unique()}`, kind: 'single', blind: false, suggestions: { agent: 'judge' }, source: { filter: { workflow: 'trading', agent: 'programmer' } } },
      (await harness.app.signIn(engineer.email, engineer.password)),
    );
    expect(queue.status).toBe(201);
    const queueId = queue.body.id;
    const items = (await harness.rest<{ items: { id: string }[] }>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/items?limit=200`)).body.items;
    for (const { id } of items) {
      await until(
        'the judge’s suggestion',
        async () => (await harness.rest<{ suggestion: { id: string } | null }>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/items/${id}`)).body,
        (work) => work.suggestion !== null,
      );
    }

    const annotator = await harness.openPage(`/annotate/${projectId}/${queueId}`, dee);
    const suggestion = annotator.locator('[data-testid="annotate-suggestion"]');
    await suggestion.waitFor();
    expect(await suggestion.innerText()).toContain('clear enough');
    const shown = await itemId(annotator);
    await annotator.locator('[data-testid="annotate-item"]').focus();
    await annotator.keyboard.press('g');
    await annotator.locator('[data-testid="annotate-take-suggestion"]', { hasText: 'Taken' }).waitFor();
    await screenshot(annotator, 'annotate-suggestion-taken');
    await annotator.keyboard.press('Enter');
    await nextShown(annotator, shown);
    const work = (await harness.rest<{ suggestion: { id: string }; mine: null }>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/items/${shown}`)).body;
    const answers = (await harness.rest<{ annotations: { itemId: string; value: unknown; fromSuggestion: string | null }[] }>('GET', `/api/projects/${projectId}/annotations?queueId=${queueId}`)).body.annotations;
    expect(answers.find((a) => a.itemId === shown)).toMatchObject({ value: { rating: 4, rationale: 'clear enough' }, fromSuggestion: work.suggestion.id });
  });

  it('the Logs explorer hands its selected entries to a new queue on the Queues page', async () => {
    const engineer = await createUser('selector', 'engineer');
    const logs = await harness.openPage(`/logs/${projectId}`, engineer);
    const boxes = logs.locator('[data-testid="log-row"] [data-testid="log-select"]');
    await boxes.nth(2).waitFor();
    const rows = logs.locator('[data-testid="log-row"]');
    const picked = [await rows.nth(0).getAttribute('data-entry-id'), await rows.nth(2).getAttribute('data-entry-id')];
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    await logs.locator('[data-testid="log-queue"]', { hasText: 'Queue 2 selected' }).click();
    await logs.waitForURL((url) => url.pathname === `/queues/${projectId}` && url.searchParams.has('entries'));
    const form = logs.locator('[data-testid="queue-form"]');
    await form.waitFor();
    expect((await form.locator('[data-testid="queue-entries"]').inputValue()).split(/[\s,]+/).filter(Boolean)).toEqual(picked);
    const name = `Selected ${unique()}`;
    await form.locator('[data-testid="queue-name"]').fill(name);
    await form.locator('[data-testid="queue-kind"]').click();
    await logs.locator('mat-option', { hasText: 'Single answers' }).click();
    await form.locator('[data-testid="queue-create"]').click();
    // The queue shows up live, then its two items (added right after it was created).
    const row = logs.locator(`[data-testid="queue-row"][data-name="${name}"][data-items="2"]`);
    await row.waitFor({ timeout: 20_000 });
    const queueId = (await row.getAttribute('data-queue-id')) ?? '';
    const items = (await harness.rest<{ items: { entryId: string }[] }>('GET', `/api/projects/${projectId}/annotation-queues/${queueId}/items`)).body.items;
    expect(items.map((i) => i.entryId)).toEqual(picked);
  });
});

