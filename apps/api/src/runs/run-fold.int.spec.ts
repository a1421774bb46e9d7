import { applyRunEvents, EMPTY_LIVE_RUN, liveRunFromEvents, type LiveRun } from '@camel/console-data-access';
import { CAMEL_TASK_DONE, runStreamId, type LogEntryView, type RecordedEvent, type RunView } from '@camel/contracts';
import { ENGINES, type Engine } from '@camel/event-store/testing';
import { reply, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer, type RecordedRequest } from '@camel/workflows/server/testing';
import type { TestApi } from '../testing/api-harness';
import { deliveries } from '../testing/deliveries';
import { pollUntil } from '../testing/poll-until';

/*
 * The console's live run view folds a run's events (`applyRunEvents`) into what `GET …/runs/:id`
 * and `…/entries` answer: the client fold restates the runs and logs projections. Real runs through
 * the real api, one for each kind of history (task specifier, critic candidates, a person's turn and
 * its deadline, pause / step / resume, an outage and its retry, a regeneration, a cancel, a
 * pipeline); each run's stream folded from nothing, in shuffled batches re-delivered at their
 * edges, and from a read taken halfway must end equal to the api's read.
 */

const KEY_ENV = 'RUN_FOLD_LLM_KEY';
const AGENTS = (baseUrl: string) => testAgentsYaml(baseUrl, KEY_ENV, [{ ...TEST_AGENTS.programmer, temperature: 0.2 }, TEST_AGENTS.trader, TEST_AGENTS.specifier, TEST_AGENTS.codeReviewer]);
const WORKFLOWS = {
  'workflows/trading.yaml': `version: 1
name: trading
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot.
task_specify:
  agent: specifier
  word_limit: 20
max_turns: 4
`,
  'workflows/critiqued.yaml': `version: 1
name: critiqued
type: role_playing
assistant: programmer
user: trader
critic: reviewer
task_prompt: Write a CSV portfolio loader.
max_turns: 2
`,
  'workflows/loop.yaml': `version: 1
name: loop
type: pipeline
task_prompt: Plan a picnic.
steps:
  - id: propose
    agent: programmer
    input: "Task: {{task}} Review: {{steps.review.output}}"
  - id: review
    agent: reviewer
    input: "Plan: {{previous.output}}"
max_iterations: 2
stop:
  step: review
  contains: APPROVED
`,
};

const isUser = (request: RecordedRequest) => (request.body.messages[0]?.content ?? '').includes('Never forget you are a Stock Trader');

/** Batches of 1–4 events, each shuffled and starting up to 2 events before the previous one ended. */
const redelivered = (events: readonly RecordedEvent[], seed: number) => deliveries(events, seed, { maxBatch: 4, maxBack: 2 });

function runFoldSuite(engine: Engine): void {
  let api: TestApi;
  let llm: OpenAiTestServer;
  let projectId: string;
  const base = () => `/api/projects/${projectId}`;
  const runs: { name: string; id: string }[] = [];
  /** What the api answered for each run once it settled, and a read of it taken halfway. */
  const server = new Map<string, { run: RunView; entries: LogEntryView[]; events: RecordedEvent[] }>();

  const view = async (runId: string) => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView;
  const entries = async (runId: string) => (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as LogEntryView[];
  const until = (runId: string, done: (run: RunView) => boolean) => pollUntil(`run ${runId}`, () => view(runId), done, { timeoutMs: 20_000, intervalMs: 25 });
  const start = async (name: string, workflow: string, overrides?: unknown) => {
    const started = await api.request('POST', `${base()}/runs`, { workflow, ...(overrides ? { overrides } : {}) });
    expect(started.status).toBe(201);
    runs.push({ name, id: started.body.id });
    return started.body.id as string;
  };
  const post = async (path: string, body?: unknown) => expect((await api.request('POST', `${base()}${path}`, body)).status).toBeLessThan(300);
  const streamOf = (runId: string) => api.store.readStream(runStreamId(runId));
  /** The api's read of a run once its logs caught up with its stream (the logs projection may trail the runs one). */
  const settledRead = async (runId: string) => {
    const events = await streamOf(runId);
    const run = await until(runId, (read) => read.version === events.length);
    const expected = liveRunFromEvents(events, runId).state.entries.length;
    const list = await pollUntil(`entries of ${runId}`, () => entries(runId), (read) => read.length === expected, { timeoutMs: 10_000, intervalMs: 25 });
    return { run, entries: list, events };
  };

  beforeAll(async () => {
    process.env[KEY_ENV] = 'sk-run-fold';
    llm = await startOpenAiTestServer();
    await jest.isolateModulesAsync(async () => {
      const harness = await import('../testing/api-harness');
      api = await harness.startTestApi(engine);
    });
    projectId = (await api.request('POST', '/api/projects', { name: `Folds ${engine}` })).body.id;
    const saved = await api.request('POST', `${base()}/configs`, { baseVersion: 0, files: { 'agents.yaml': AGENTS(llm.url), ...WORKFLOWS }, message: 'folds' });
    expect(saved.status).toBe(201);

    // Task specifier, then a role-play to the done token.
    llm.enqueue(reply.text('Build a momentum bot in Python.'), reply.text('Instruction: fetch prices.\nInput: None'), reply.text('Solution: fetch(). Next request.'), reply.text(CAMEL_TASK_DONE));
    const specified = await start('specified', 'trading');
    await until(specified, (run) => run.status === 'completed');
    // A regeneration of its second turn with another model.
    llm.enqueue(reply.text('Solution: a second opinion. Next request.'));
    await post(`/runs/${specified}/turns/turn-2/regenerate`, { model: 'coder-2', parameters: { temperature: 0.9 } });

    // An AI critic: three candidates per assistant turn, two become alternatives.
    llm.respondWith((request) => {
      if (isUser(request)) return reply.text('Instruction: load the CSV.\nInput: None');
      if ((request.body.messages[0]?.content ?? '').includes('You review code')) return reply.text('Option 2 is best.');
      return reply.text([0, 1, 2].map((i) => `Solution: option ${i + 1}. Next request.`));
    });
    const critiqued = await start('critic', 'critiqued');
    await until(critiqued, (run) => run.status === 'completed');

    // A person's seat: one typed turn, then the second wait ends at its deadline.
    llm.respondWith(() => reply.text('Instruction: say hello.\nInput: None'));
    const human = await start('human', 'trading', { agents: { programmer: { kind: 'human', inputTimeoutSeconds: 2 } } });
    const awaiting = await until(human, (run) => run.status === 'awaiting_input');
    halfway.set(human, { run: awaiting, entries: await entries(human), events: await streamOf(human) });
    await post(`/runs/${human}/input`, { agent: awaiting.awaiting?.agent ?? 'programmer', content: 'Solution: hello. Next request.' });
    await until(human, (run) => run.status === 'completed');

    // Pause, step one turn, resume, then cancel mid-generation.
    llm.respondWith((request) => (isUser(request) ? reply.text('Instruction: more.\nInput: None', { chunkDelayMs: 20 }) : reply.text('Solution: more. Next request.', { chunkDelayMs: 20 })));
    const steered = await start('steered', 'trading', { maxTurns: 40 });
    await until(steered, (run) => run.turns >= 1);
    await post(`/runs/${steered}/pause`);
    await until(steered, (run) => run.status === 'paused');
    await post(`/runs/${steered}/step`);
    await until(steered, (run) => run.status === 'paused' && run.turns >= 2);
    await post(`/runs/${steered}/resume`);
    await until(steered, (run) => run.turns >= 4);
    await post(`/runs/${steered}/cancel`);
    await until(steered, (run) => run.status === 'cancelled');

    // An outage fails the run; a retry continues it to the end.
    llm.respondWith(() => reply.serverError(500));
    const retried = await start('retried', 'trading');
    await until(retried, (run) => run.status === 'failed');
    halfway.set(retried, { run: await view(retried), entries: await entries(retried), events: await streamOf(retried) });
    llm.respondWith((request) => (isUser(request) ? reply.text(CAMEL_TASK_DONE) : reply.text('Solution: x. Next request.')));
    await post(`/runs/${retried}/retry`);
    await until(retried, (run) => run.status === 'completed');

    // A pipeline that iterates and stops on its condition.
    llm.respondWith((request) => reply.text((request.body.messages[0]?.content ?? '').includes('You review code') ? 'APPROVED' : 'A plan.'));
    const pipeline = await start('pipeline', 'loop');
    await until(pipeline, (run) => run.status === 'completed');

    for (const { id } of runs) server.set(id, await settledRead(id));
  }, 120_000);

  const halfway = new Map<string, { run: RunView; entries: LogEntryView[]; events: RecordedEvent[] }>();

  afterAll(async () => {
    await api?.close();
    await llm?.close();
    delete process.env[KEY_ENV];
  });

  const expectAgrees = (runId: string, state: LiveRun) => {
    const read = server.get(runId);
    expect(state.run).toEqual(read?.run);
    expect(state.entries).toEqual(read?.entries);
  };

  it('each run kind produced the history it is here for', () => {
    const types = (name: string) => new Set(server.get(runs.find((run) => run.name === name)?.id ?? '')?.events.map((event) => event.type));
    expect([...types('specified')]).toEqual(expect.arrayContaining(['TaskSpecified', 'RegenerationRequested', 'AlternativeRecorded']));
    expect([...types('critic')]).toEqual(expect.arrayContaining(['CandidatesProposed', 'AlternativeRecorded']));
    expect([...types('human')]).toEqual(expect.arrayContaining(['InputRequested', 'RunCompleted']));
    expect([...types('steered')]).toEqual(expect.arrayContaining(['RunPaused', 'StepRequested', 'RunResumed', 'RunCancelled']));
    expect([...types('retried')]).toEqual(expect.arrayContaining(['TurnFailed', 'RunRetried', 'RunCompleted']));
    expect(server.get(runs.find((run) => run.name === 'human')?.id ?? '')?.run.terminationReason).toBe('input_timeout');
  });

  it('every run folded from its whole stream, in order, is what the api answers', () => {
    for (const { id } of runs) {
      const fold = liveRunFromEvents(server.get(id)?.events ?? [], id);
      expect(fold.gap).toBe(false);
      expectAgrees(id, fold.state);
    }
  });

  it('batches shuffled within and re-delivered at their edges end the same', () => {
    for (const { id } of runs) {
      for (const seed of [1, 7, 42, 1234]) {
        let state = EMPTY_LIVE_RUN;
        for (const batch of redelivered(server.get(id)?.events ?? [], seed)) {
          const fold = applyRunEvents(state, batch, id);
          expect(fold.gap).toBe(false);
          state = fold.state;
        }
        expectAgrees(id, state);
      }
    }
  });

  it('from a read taken halfway, following from before it, ends the same; a skipped version is a gap', () => {
    expect(halfway.size).toBe(2);
    for (const [id, read] of halfway) {
      const events = server.get(id)?.events ?? [];
      const after = events.slice(Math.max(0, read.events.length - 2));
      let state: LiveRun = { run: read.run, entries: read.entries, candidates: {} };
      for (const batch of redelivered(after, 3)) state = applyRunEvents(state, batch, id).state;
      expectAgrees(id, state);
      const skipped = applyRunEvents({ run: read.run, entries: read.entries, candidates: {} }, events.slice(read.events.length + 1), id);
      expect(skipped.gap).toBe(true);
    }
  });
}

describe.each(ENGINES)('the console’s run fold agrees with the runs and logs read models (%s)', (engine) => runFoldSuite(engine));
