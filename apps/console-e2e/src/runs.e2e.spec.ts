import type { CommandAccepted, LogEntryView, ProjectRole, RunView, UserCreatedResponse } from '@camel/contracts';
import { reply, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer, type RecordedRequest, type TestReply } from '@camel/workflows/server/testing';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { screenshot } from './support/browser';
import { useConsoleHarness, waitForConnection, type Credentials } from './support/harness';

const KEY_ENV = 'E2E_LLM_KEY';
const KEY = 'sk-e2e-runs-secret';

const agents = (baseUrl: string) => testAgentsYaml(baseUrl, KEY_ENV, [{ ...TEST_AGENTS.programmer, temperature: 0.2 }, TEST_AGENTS.trader, TEST_AGENTS.codeReviewer]);
const WORKFLOW = `version: 1
name: trading
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot for the stock market.
max_turns: 2
`;

const CRITIQUED = `version: 1
name: critiqued
type: role_playing
assistant: programmer
user: trader
critic: reviewer
task_prompt: Write a CSV portfolio loader.
max_turns: 1
`;

const INSTRUCTION = 'Instruction: Write a loader that reads the portfolio from a CSV file, one position per line, with tests.\nInput: None';
const SOLUTION = 'Solution: load_portfolio() reads each line with the csv module and returns the positions. Next request.';
const REGENERATED = 'Solution: a pandas read_csv of the portfolio file, checked against a schema. Next request.';
const REGENERATION_MODEL = 'coder-2';
const candidate = (choice: number) => `Solution: option ${choice + 1} parses the file. Next request.`;

/** The user agent's calls carry CAMEL's user inception prompt. */
const isUserCall = (request: RecordedRequest) => (request.body.messages[0]?.content ?? '').includes('Never forget you are a Stock Trader');

/**
 * Workflow runs in a real browser against the built api on the embedded default, with the local
 * OpenAI-compatible server as the only model: start a run from the dialog, watch it stream token by
 * token, pause and resume it, regenerate a turn, find its log entry (prompt, keyword marked) and
 * replay it with the slider; a viewer watches a run without any control.
 */
describe('runs in a real browser', () => {
  const harness = useConsoleHarness({ [KEY_ENV]: KEY });
  let llm: OpenAiTestServer;
  let projectId: string;
  const unique = () => randomUUID().slice(0, 8);

  /** Replies by who is asked; `chunkDelayMs` between words, so the streaming is visible. */
  const script = (chunkDelayMs: number) => (request: RecordedRequest): TestReply => {
    if (request.body.model === REGENERATION_MODEL) return reply.text(REGENERATED, { chunkDelayMs });
    if ((request.body.n ?? 1) > 1) return reply.text((_, choice) => candidate(choice), { chunkDelayMs });
    return reply.text(isUserCall(request) ? INSTRUCTION : SOLUTION, { chunkDelayMs });
  };

  beforeAll(async () => {
    llm = await startOpenAiTestServer({ apiKey: KEY });
    const created = await harness.rest<CommandAccepted>('POST', '/api/projects', { name: `Runs ${unique()}` });
    expect(created.status).toBe(201);
    projectId = created.body.id;
    const files = { 'agents.yaml': agents(llm.url), 'workflows/trading.yaml': WORKFLOW, 'workflows/critiqued.yaml': CRITIQUED };
    expect((await harness.rest('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files, message: 'runs e2e' })).status).toBe(201);
  });
  afterEach(() => llm.respondWith(undefined));
  afterAll(async () => {
    await llm?.close();
  });

  async function createUser(label: string, role: ProjectRole): Promise<Credentials> {
    const suffix = unique();
    const user = { email: `${label}-${suffix}@example.test`, name: `${label} ${suffix}`, password: `pw-${suffix}-long-enough` };
    expect((await harness.rest<UserCreatedResponse>('POST', '/api/users', user)).status).toBe(201);
    expect((await harness.rest('POST', `/api/projects/${projectId}/members`, { email: user.email, role })).status).toBe(201);
    return user;
  }

  const summary = (page: Page, status: string) => page.waitForSelector(`[data-testid="run-summary"][data-status="${status}"]`, { timeout: 20_000 });
  /** The runs list has loaded (empty or not). */
  const listed = (page: Page) => page.waitForSelector('[data-testid="runs-empty"], [data-testid="run-row"]');
  const turn = (page: Page, turnId: string) => page.locator(`[data-testid="turn"][data-turn-id="${turnId}"]`);
  const runView = async (runId: string) => (await harness.rest<RunView>('GET', `/api/projects/${projectId}/runs/${runId}`)).body;

  it('starts a run from the dialog, streams it, pauses, resumes, regenerates a turn, opens its log entry and replays it', async () => {
    llm.respondWith(script(90));
    const engineer = await createUser('engineer', 'engineer');
    const page = await harness.openPage(`/runs/${projectId}`, engineer);
    await waitForConnection(page, 'connected');
    await listed(page);

    await page.click('[data-testid="run-start"]');
    await page.click('[data-testid="start-run-workflow"]');
    await page.click('[data-testid="workflow-option-trading"]');
    await page.waitForSelector('[data-testid="start-run-dialog"] [data-testid="start-run-preflight"][data-state="ok"]');
    expect(await page.inputValue('[data-testid="start-run-task"]')).toBe('Develop a trading bot for the stock market.');
    await screenshot(page, 'runs-start-dialog');
    await page.click('[data-testid="start-run-submit"]');
    await page.waitForURL(new RegExp(`/runs/${projectId}/[0-9a-f-]{36}$`));
    const runId = new URL(page.url()).pathname.split('/').at(-1) ?? '';

    // Token by token: part of the first instruction shows while no turn is recorded yet.
    const partial = await page.waitForFunction(
      (full) => {
        const text = document.querySelector('[data-testid="streaming-turn"][data-call-id="turn-1"] [data-testid="streaming-content"]')?.textContent ?? '';
        const clean = text.replace('▍', '');
        const recorded = document.querySelectorAll('[data-testid="turn"]').length;
        return clean.split(/\s+/).filter(Boolean).length >= 3 && clean.length < full.length && recorded === 0 ? clean : null;
      },
      INSTRUCTION,
      { timeout: 20_000 },
    );
    const streamed = (await partial.jsonValue()) as string;
    expect(INSTRUCTION.startsWith(streamed)).toBe(true);
    expect(streamed.length).toBeLessThan(INSTRUCTION.length);
    await screenshot(page, 'run-streaming');

    // Paused mid-turn: the answer in flight is still recorded, then nothing more is asked.
    await page.click('[data-testid="run-pause"]');
    await summary(page, 'paused');
    await page.waitForSelector('[data-testid="run-summary"][data-turns="1"]');
    await turn(page, 'turn-1').locator('[data-testid="turn-content"]', { hasText: 'portfolio from a CSV file' }).waitFor();
    expect(await turn(page, 'turn-1').textContent()).toContain('trader-1');
    expect(await page.locator('[data-testid="streaming-turn"]').count()).toBe(0);
    expect(llm.requests).toHaveLength(1);
    expect(await page.locator('[data-testid="run-resume"]').isEnabled()).toBe(true);
    await screenshot(page, 'run-paused');

    await page.click('[data-testid="run-resume"]');
    await summary(page, 'completed');
    expect(await page.getAttribute('[data-testid="run-summary"] [data-testid="run-status"]', 'data-reason')).toBe('max_turns');
    await page.waitForSelector('[data-testid="run-summary"][data-turns="4"]');
    expect(await page.locator('[data-testid="turn"]').evaluateAll((turns) => turns.map((t) => [t.getAttribute('data-index'), t.getAttribute('data-role')]))).toEqual([
      ['1', 'user'],
      ['2', 'assistant'],
      ['3', 'user'],
      ['4', 'assistant'],
    ]);
    expect(llm.requests.every((request) => request.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    // Regenerate the assistant's first answer with another model: the alternative shows beside it.
    await turn(page, 'turn-2').locator('[data-testid="turn-regenerate"]').click();
    await page.waitForSelector('[data-testid="regenerate-dialog"]');
    expect(await page.inputValue('[data-testid="regenerate-model"]')).toBe('coder-1');
    await page.fill('[data-testid="regenerate-model"]', REGENERATION_MODEL);
    await page.click('[data-testid="regenerate-submit"]');
    // Beside the turn from the request on, streaming, until the alternative is recorded.
    await turn(page, 'turn-2').locator('[data-testid="alternative-streaming"]', { hasText: 'Solution: a pandas' }).waitFor();
    const alternative = turn(page, 'turn-2').locator('[data-testid="alternative"][data-source="regenerated"]');
    await alternative.waitFor({ timeout: 20_000 });
    expect(await turn(page, 'turn-2').locator('[data-testid="alternative-streaming"]').count()).toBe(0);
    expect(await alternative.locator('[data-testid="alternative-content"]').textContent()).toBe(REGENERATED);
    expect(await alternative.textContent()).toContain(REGENERATION_MODEL);
    const original = await turn(page, 'turn-2').locator('article.bubble:not(.alternative)').boundingBox();
    const beside = await alternative.boundingBox();
    expect(original && beside && beside.x > original.x + original.width / 2 && Math.abs(beside.y - original.y) < 5).toBe(true);
    const regeneration = llm.requests.at(-1);
    expect(regeneration?.body.model).toBe(REGENERATION_MODEL);
    // The same prompt as the turn it answers again.
    expect(regeneration?.body.messages).toEqual(llm.requests[1]?.body.messages);
    await screenshot(page, 'run-regenerated');

    // Its log entry: the exact prompt, the answer; a keyword search marks the word everywhere in it.
    await turn(page, 'turn-2').locator('[data-testid="turn-log-link"]').click();
    await page.waitForURL((url) => url.pathname === `/logs/${projectId}`);
    const detail = page.locator(`[data-testid="log-detail"][data-entry-id="${runId}:turn-2"]`);
    await detail.locator('[data-testid="log-detail-response"]', { hasText: 'load_portfolio()' }).waitFor();
    const prompt = detail.locator('[data-testid="log-detail-prompt"] li');
    expect(await prompt.evaluateAll((items) => items.map((item) => item.getAttribute('data-role')))).toEqual(['system', 'user']);
    expect(await prompt.first().textContent()).toContain('Never flip roles! Never instruct me!');
    expect(await prompt.nth(1).textContent()).toContain(INSTRUCTION.split('\n')[0]);
    expect(await detail.locator('[data-testid="log-detail-alternative"]').textContent()).toContain(REGENERATED);
    expect(await page.locator('[data-testid="log-row"]').count()).toBe(5);
    await page.fill('[data-testid="log-filter-q"]', 'pandas');
    await page.click('[data-testid="log-search"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-row"]').length === 1);
    expect(await page.getAttribute('[data-testid="log-row"]', 'data-entry-id')).toBe(
      (await harness.rest<LogEntryView[]>('GET', `/api/projects/${projectId}/runs/${runId}/entries`)).body.find((e) => e.kind === 'alternative')?.id,
    );
    await detail.locator('[data-testid="log-detail-alternative"] mark[data-testid="highlight"]', { hasText: 'pandas' }).waitFor();
    await page.fill('[data-testid="log-filter-q"]', 'portfolio');
    await page.click('[data-testid="log-search"]');
    await detail.locator('[data-testid="log-detail-prompt"] mark[data-testid="highlight"]', { hasText: 'portfolio' }).first().waitFor();
    expect(await detail.locator('[data-testid="log-detail-response"] mark').allTextContents()).toEqual(['portfolio']);
    await screenshot(page, 'logs-entry');

    // Replay: the slider goes back to the first event and forward again.
    await detail.locator('[data-testid="log-detail-run-link"]').click();
    await page.click('[data-testid="run-replay-link"]');
    const total = (await runView(runId)).version;
    const timeline = page.locator(`[data-testid="replay-timeline"][data-count="${total}"][data-total="${total}"]`);
    await timeline.waitFor();
    expect(await page.getAttribute('[data-testid="replay-status"]', 'data-status')).toBe('completed');
    expect(await page.locator('[data-testid="replay-conversation"] [data-testid="turn"]').count()).toBe(4);
    expect(await page.locator('[data-testid="replay-conversation"] [data-testid="alternative"]').count()).toBe(1);
    await page.focus('[data-testid="replay-slider"]');
    await page.keyboard.press('Home');
    await page.waitForSelector('[data-testid="replay-timeline"][data-count="1"]');
    await page.waitForSelector('[data-testid="replay-event"][data-type="RunStarted"]');
    expect(await page.getAttribute('[data-testid="replay-status"]', 'data-status')).toBe('queued');
    expect(await page.locator('[data-testid="replay-conversation"] [data-testid="turn"]').count()).toBe(0);
    await page.click('[data-testid="replay-next"]');
    await page.waitForSelector('[data-testid="replay-event"][data-type="RunBegan"]');
    expect(await page.getAttribute('[data-testid="replay-status"]', 'data-status')).toBe('running');
    // Forward to the first recorded turn, one event at a time.
    while ((await page.getAttribute('[data-testid="replay-event"]', 'data-type')) !== 'TurnRecorded') {
      const count = Number(await page.getAttribute('[data-testid="replay-timeline"]', 'data-count'));
      await page.focus('[data-testid="replay-slider"]');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector(`[data-testid="replay-timeline"][data-count="${count + 1}"]`);
    }
    expect(await page.locator('[data-testid="replay-conversation"] [data-testid="turn"]').count()).toBe(1);
    expect(await page.locator('[data-testid="replay-position"]').textContent()).toContain(`of ${total}`);
    await screenshot(page, 'run-replay');
  });

  it('a viewer watches a run stream and finish, with no control on the list, the run or its replay', async () => {
    llm.respondWith(script(120));
    const viewer = await createUser('viewer', 'viewer');
    const page = await harness.openPage(`/runs/${projectId}`, viewer);
    await waitForConnection(page, 'connected');
    await listed(page);
    expect(await page.locator('[data-testid="run-start"]').count()).toBe(0);

    // Started elsewhere: its row shows up live.
    const started = await harness.rest<CommandAccepted>('POST', `/api/projects/${projectId}/runs`, { workflow: 'trading' });
    expect(started.status).toBe(201);
    const runId = started.body.id;
    await page.click(`[data-testid="run-row"][data-run-id="${runId}"] [data-testid="run-link"]`);
    await page.waitForSelector('[data-testid="run-summary"]');
    await page.waitForSelector('[data-testid="streaming-content"]', { timeout: 20_000 });
    await summary(page, 'completed');
    await page.waitForSelector('[data-testid="run-summary"][data-turns="4"]');
    await screenshot(page, 'run-viewer');
    for (const control of ['run-pause', 'run-resume', 'run-step', 'run-cancel', 'run-rerun', 'turn-regenerate']) {
      expect(await page.locator(`[data-testid="${control}"]`).count()).toBe(0);
    }
    // A regeneration asked for elsewhere streams beside its turn (its deltas name the turn), then is recorded there.
    const regenerate = await harness.rest('POST', `/api/projects/${projectId}/runs/${runId}/turns/turn-2/regenerate`, { model: REGENERATION_MODEL });
    expect(regenerate.status).toBeLessThan(300);
    await turn(page, 'turn-2').locator('[data-testid="alternative-streaming"]', { hasText: 'Solution: a pandas' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="streaming-regeneration"]').count()).toBe(0);
    await turn(page, 'turn-2').locator('[data-testid="alternative"][data-source="regenerated"]').waitFor({ timeout: 20_000 });
    await page.click('[data-testid="run-replay-link"]');
    await page.waitForSelector('[data-testid="replay-timeline"]');
    expect(await page.locator('[data-testid="replay-rerun"]').count()).toBe(0);
    // The api agrees: a viewer's control is refused.
    const token = await harness.app.signIn(viewer.email, viewer.password);
    expect((await harness.rest('POST', `/api/projects/${projectId}/runs/${runId}/rerun`, undefined, token)).status).toBe(403);
  });

  it('a person takes a seat and is the critic: the input box for their turn, then the candidates to choose from', async () => {
    llm.respondWith(script(30));
    const engineer = await createUser('engineer', 'engineer');
    const page = await harness.openPage(`/runs/${projectId}`, engineer);
    await waitForConnection(page, 'connected');
    await page.click('[data-testid="run-start"]');
    await page.click('[data-testid="start-run-workflow"]');
    await page.click('[data-testid="workflow-option-critiqued"]');
    await page.click('[data-testid="start-run-overrides"] mat-expansion-panel-header');
    await page.click('[data-testid="start-run-human-trader"] input');
    await page.click('[data-testid="start-run-critic-human"] input');
    await page.waitForSelector('[data-testid="start-run-preflight"][data-state="ok"]');
    await screenshot(page, 'runs-start-dialog-overrides');
    await page.click('[data-testid="start-run-submit"]');
    await page.waitForURL(new RegExp(`/runs/${projectId}/[0-9a-f-]{36}$`));

    await page.waitForSelector('[data-testid="run-awaiting"][data-input="turn"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="run-awaiting"] h2')).toContain('trader');
    await page.fill('[data-testid="human-turn-input"]', 'Instruction: Parse the portfolio file.\nInput: portfolio.csv');
    await page.click('[data-testid="human-turn-submit"]');
    await turn(page, 'turn-1').locator('[data-testid="turn-content"]', { hasText: 'Parse the portfolio file.' }).waitFor();
    expect(await turn(page, 'turn-1').textContent()).toContain('a person');

    // The assistant's three candidates, streamed and then offered to the person who is the critic.
    await page.waitForSelector('[data-testid="run-awaiting"][data-input="choice"]', { timeout: 20_000 });
    const options = page.locator('[data-testid="candidate"]');
    await options.nth(2).waitFor();
    expect(await options.allTextContents()).toEqual([0, 1, 2].map((choice) => expect.stringContaining(candidate(choice))));
    // After a reload the run itself names them (RunView.awaiting.candidates), not only the live events.
    await page.reload();
    await page.waitForSelector('[data-testid="run-awaiting"][data-input="choice"]');
    await options.nth(2).waitFor();
    expect(await options.allTextContents()).toEqual([0, 1, 2].map((choice) => expect.stringContaining(candidate(choice))));
    await screenshot(page, 'run-choice');
    await page.click('[data-testid="candidate-choose-1"]');

    await summary(page, 'completed');
    expect(await turn(page, 'turn-2').locator('[data-testid="turn-content"]').textContent()).toBe(candidate(1));
    const notChosen = turn(page, 'turn-2').locator('[data-testid="alternative"][data-source="critic-candidate"]');
    await notChosen.nth(1).waitFor();
    expect(await notChosen.locator('[data-testid="alternative-content"]').allTextContents()).toEqual([candidate(0), candidate(2)]);
    expect(llm.requests.filter((request) => request.body.n === 3)).toHaveLength(1);
  });
});
