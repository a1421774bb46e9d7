import { io } from 'socket.io-client';
import { CAMEL_TASK_DONE, LIVE_EVENTS_PATH, RunDeltaMessage, type RunDelta, type LogEntryDetail, type LogEntryView, type LogPage, type RunList, type RunView } from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { reply, rolePlayWorkflowYaml, startOpenAiTestServer, TEST_AGENTS, testAgentsYaml, type OpenAiTestServer, type RecordedRequest } from '@camel/workflows/server/testing';
import { startTestApi, type TestApi } from './api-harness';
import { pollUntil } from './poll-until';

const KEY_ENV = 'RUNS_SUITE_LLM_KEY';

const agents = (baseUrl: string) =>
  testAgentsYaml(baseUrl, KEY_ENV, [
    { ...TEST_AGENTS.programmer, temperature: 0.2 },
    TEST_AGENTS.trader,
    TEST_AGENTS.specifier,
    { name: 'proposer', role: 'Proposer', systemPrompt: 'Propose a plan.', model: 'plan-1' },
    { name: 'reviewer', role: 'Reviewer', systemPrompt: 'Review the plan.', model: 'review-1' },
  ]);
const ROLE_PLAY = rolePlayWorkflowYaml({ maxTurns: 5 });
const SPECIFIED = `version: 1
name: specified
type: role_playing
assistant: programmer
user: trader
task_prompt: Develop a trading bot.
task_specify:
  agent: specifier
  word_limit: 20
max_turns: 3
`;
const PIPELINE = `version: 1
name: loop
type: pipeline
task_prompt: Plan a picnic.
steps:
  - id: propose
    agent: proposer
    input: "Task: {{task}} Review: {{steps.review.output}}"
  - id: review
    agent: reviewer
    input: "Plan: {{previous.output}}"
max_iterations: 3
stop:
  step: review
  contains: APPROVED
`;

const system = (request: RecordedRequest) => request.body.messages[0]?.content ?? '';
const isUser = (request: RecordedRequest) => system(request).includes('Never forget you are a Stock Trader');

/** Workflow runs through the real api and a local OpenAI-compatible server: the CAMEL loop end to end. */
export function runsApiSuite(engine: Engine): void {
  describe(`runs API on ${engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}`, () => {
    let api: TestApi;
    let llm: OpenAiTestServer;
    let projectId: string;
    const base = () => `/api/projects/${projectId}`;

    const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> =>
      pollUntil(what, read, done, { timeoutMs, intervalMs: 25 });
    const run = async (runId: string) => (await api.request('GET', `${base()}/runs/${runId}`)).body as RunView;
    const runUntil = (runId: string, done: (view: RunView) => boolean) => until(`run ${runId}`, () => run(runId), done);
    const start = async (workflow: string, overrides?: unknown) => {
      const started = await api.request('POST', `${base()}/runs`, { workflow, ...(overrides ? { overrides } : {}) });
      expect(started.status).toBe(201);
      return started.body.id as string;
    };
    const entries = async (runId: string) => (await api.request('GET', `${base()}/runs/${runId}/entries`)).body as LogEntryView[];
    // The runs and logs read models are separate projections: the logs one may trail by a batch.
    const entriesOf = (runId: string, count: number) => until(`${count} entries of ${runId}`, () => entries(runId), (list) => list.length >= count);

    beforeAll(async () => {
      process.env[KEY_ENV] = 'sk-test-runs-suite-secret';
      llm = await startOpenAiTestServer();
      api = await startTestApi(engine);
      projectId = (await api.request('POST', '/api/projects', { name: 'Runs' })).body.id;
      const files = {
        'agents.yaml': agents(llm.url),
        'workflows/trading.yaml': ROLE_PLAY,
        'workflows/specified.yaml': SPECIFIED,
        'workflows/loop.yaml': PIPELINE,
      };
      const saved = await api.request('POST', `${base()}/configs`, { baseVersion: 0, files, message: 'runs' });
      expect(saved.status).toBe(201);
    });
    afterEach(() => llm.respondWith(undefined));
    afterAll(async () => {
      await api?.close();
      await llm?.close();
      delete process.env[KEY_ENV];
    });

    it('plays a CAMEL role-play to the done token, with CAMEL’s prompts, and ends without another assistant call', async () => {
      const before = llm.requests.length;
      llm.enqueue(
        reply.text('Instruction: Write a function that fetches prices.\nInput: None'),
        reply.text('Solution: here is fetch_prices(). Next request.'),
        reply.text(`${CAMEL_TASK_DONE}`),
      );
      const runId = await start('trading');
      const done = await runUntil(runId, (view) => view.status === 'completed');
      expect(done).toMatchObject({ terminationReason: 'task_done', turns: 3, workflow: 'trading', workflowType: 'role_playing', configVersion: 1 });
      const requests = llm.requests.slice(before);
      expect(requests).toHaveLength(3);
      expect(isUser(requests[0])).toBe(true);
      expect(requests[0].body.messages[1]).toEqual({ role: 'user', content: 'Now start to give me instructions one by one. Only reply with Instruction and Input.' });
      expect(system(requests[1])).toContain('Never flip roles! Never instruct me!');
      expect(system(requests[1])).toContain('Solution:');
      expect(system(requests[1])).toContain('Next request.');
      expect(system(requests[0])).toContain('Instruction:');
      expect(system(requests[0])).toContain(CAMEL_TASK_DONE);
      expect(requests[1].body.messages.at(-1)).toEqual({ role: 'user', content: 'Instruction: Write a function that fetches prices.\nInput: None' });
      expect(requests[1].headers.authorization).toBe('Bearer sk-test-runs-suite-secret');
      expect(requests[1].body).toMatchObject({ model: 'coder-1', temperature: 0.2, stream: true });

      const recorded = await entriesOf(runId, 3);
      expect(recorded.map((e) => [e.kind, e.agent, e.role, e.index])).toEqual([
        ['turn', 'trader', 'user', 1],
        ['turn', 'programmer', 'assistant', 2],
        ['turn', 'trader', 'user', 3],
      ]);
      expect(recorded.every((e) => e.terminationReason === 'task_done')).toBe(true);
      const detail = (await api.request('GET', `${base()}/logs/${encodeURIComponent(recorded[1].id)}`)).body as LogEntryDetail;
      expect(detail.prompt).toEqual(requests[1].body.messages);
      expect(detail.model).toBe('coder-1');
    });

    it('replaces the task with the specifier’s answer in both system prompts', async () => {
      const before = llm.requests.length;
      llm.enqueue(
        reply.text('Build a momentum bot for tech stocks with a 2% stop loss.'),
        reply.text('Instruction: Load prices.\nInput: None'),
        reply.text('Solution: done. Next request.'),
        reply.text(CAMEL_TASK_DONE),
      );
      const runId = await start('specified');
      const done = await runUntil(runId, (view) => view.status === 'completed');
      expect(done.specifiedTask).toBe('Build a momentum bot for tech stocks with a 2% stop loss.');
      const requests = llm.requests.slice(before);
      expect(requests[0].body.messages.at(-1)?.content).toMatch(/more specific.*20 words or less/s);
      for (const request of requests.slice(1)) {
        expect(system(request)).toContain('Build a momentum bot for tech stocks with a 2% stop loss.');
        expect(system(request)).not.toContain('Develop a trading bot.');
      }
      expect((await entriesOf(runId, 4)).map((e) => e.kind)).toEqual(['task_specify', 'turn', 'turn', 'turn']);
    });

    it('iterates a pipeline over earlier outputs and stops when its condition holds', async () => {
      const before = llm.requests.length;
      llm.enqueue(reply.text('plan one'), reply.text('needs shade'), reply.text('plan two'), reply.text('APPROVED'));
      const runId = await start('loop');
      const done = await runUntil(runId, (view) => view.status === 'completed');
      expect(done).toMatchObject({ terminationReason: 'task_done', turns: 4 });
      const inputs = llm.requests.slice(before).map((r) => r.body.messages.at(-1)?.content);
      expect(inputs).toEqual(['Task: Plan a picnic. Review: ', 'Plan: plan one', 'Task: Plan a picnic. Review: needs shade', 'Plan: plan two']);
    });

    it('pauses between turns, resumes, steps one turn, and cancels mid-generation (the HTTP call is aborted)', async () => {
      llm.respondWith((request) => (isUser(request) ? reply.text('Instruction: next step.\nInput: None') : reply.text('Solution: ok. Next request.', { chunkDelayMs: 30 })));
      const runId = await start('trading', { maxTurns: 50 });
      await runUntil(runId, (view) => view.turns >= 2);
      expect((await api.request('POST', `${base()}/runs/${runId}/pause`)).status).toBe(200);
      const paused = await runUntil(runId, (view) => view.status === 'paused');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const settled = await run(runId);
      expect(settled.turns).toBeLessThanOrEqual(paused.turns + 1);
      const turnsWhilePaused = settled.turns;
      expect((await api.request('POST', `${base()}/runs/${runId}/step`)).status).toBe(200);
      const stepped = await runUntil(runId, (view) => view.status === 'paused' && view.turns === turnsWhilePaused + 1);
      expect(stepped.turns).toBe(turnsWhilePaused + 1);
      expect((await api.request('POST', `${base()}/runs/${runId}/resume`)).status).toBe(200);
      llm.respondWith(() => reply.hang());
      const inFlight = await llm.waitForInFlight(1);
      expect((await api.request('POST', `${base()}/runs/${runId}/cancel`)).status).toBe(200);
      const cancelled = await runUntil(runId, (view) => view.status === 'cancelled');
      expect(cancelled.terminationReason).toBe('stopped');
      await inFlight[0].done;
      expect(inFlight[0].closedByClient).toBe(true);
      expect((await api.request('POST', `${base()}/runs/${runId}/resume`)).status).toBe(409);
    });

    it('waits for a person in a human seat, takes the typed turn, and ends a second wait at its deadline', async () => {
      llm.respondWith(() => reply.text('Instruction: say hello.\nInput: None'));
      const runId = await start('trading', { agents: { programmer: { kind: 'human', inputTimeoutSeconds: 2 } } });
      const awaiting = await runUntil(runId, (view) => view.status === 'awaiting_input');
      expect(awaiting.awaiting).toMatchObject({ agent: 'programmer', input: 'turn', index: 2 });
      const typed = await api.request('POST', `${base()}/runs/${runId}/input`, { agent: 'programmer', content: 'Solution: hello. Next request.' });
      expect(typed.status).toBe(200);
      const second = await runUntil(runId, (view) => view.status === 'awaiting_input' && view.turns === 3);
      expect(second.awaiting?.index).toBe(4);
      const timedOut = await runUntil(runId, (view) => view.status === 'completed');
      expect(timedOut.terminationReason).toBe('input_timeout');
      const typedEntry = (await entriesOf(runId, 3)).find((e) => e.index === 2);
      expect(typedEntry).toMatchObject({ agentKind: 'human', content: 'Solution: hello. Next request.' });
    });

    it('streams token deltas that add up to the recorded turn, also for a client that joins mid-turn', async () => {
      const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
      llm.respondWith((request) => (isUser(request) ? reply.text(CAMEL_TASK_DONE) : reply.text(`Solution: ${words}. Next request.`, { chunkDelayMs: 15 })));
      llm.enqueue(reply.text('Instruction: stream please.\nInput: None'));
      const runId = await start('trading');
      const subscribe = async () => {
        const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
        const deltas: RunDelta[] = [];
        socket.on(RunDeltaMessage.Delta, (delta: RunDelta) => deltas.push(delta));
        const ack = await socket.timeout(5000).emitWithAck(RunDeltaMessage.Subscribe, { projectId, runId });
        expect(ack).toEqual({ ok: true });
        return { socket, deltas };
      };
      const early = await subscribe();
      await until('streaming', async () => early.deltas.filter((d) => d.callId === 'turn-2').length, (n) => n >= 10);
      const late = await subscribe();
      await runUntil(runId, (view) => view.status === 'completed');
      const turn = (await entriesOf(runId, 3)).find((e) => e.turnId === 'turn-2');
      const text = (deltas: RunDelta[]) => {
        let value = '';
        for (const d of deltas.filter((x) => x.callId === 'turn-2' && x.choice === 0)) {
          if (d.reset) value = '';
          else value = value.slice(0, d.offset) + d.text;
        }
        return value;
      };
      expect(text(early.deltas)).toBe(turn?.content);
      // Every delta names its turn and agent (where a client puts the bubble), the snapshot a late client starts with too.
      const place = { purpose: 'turn', turnId: 'turn-2', index: 2, agent: turn?.agent, alternativeId: null };
      for (const d of [...early.deltas, ...late.deltas].filter((x) => x.callId === 'turn-2')) expect(d).toMatchObject(place);
      expect(late.deltas.find((d) => d.callId === 'turn-2')).toMatchObject({ offset: 0 });
      expect(text(late.deltas)).toBe(turn?.content);
      const refused = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
      expect(await refused.timeout(5000).emitWithAck(RunDeltaMessage.Subscribe, { projectId, runId: 7 })).toMatchObject({ ok: false, error: { statusCode: 400 } });
      for (const socket of [early.socket, late.socket, refused]) socket.close();
    });

    it('fails a run on an outage with a clear reason, and a retry continues it', async () => {
      llm.respondWith(() => reply.serverError(500));
      const runId = await start('trading');
      const failed = await runUntil(runId, (view) => view.status === 'failed');
      expect(failed.failure).toMatchObject({ errorKind: 'server_error', retryable: true });
      expect(failed.terminationReason).toBe('error');
      llm.respondWith((request) => (isUser(request) ? reply.text(CAMEL_TASK_DONE) : reply.text('Solution: x. Next request.')));
      expect((await api.request('POST', `${base()}/runs/${runId}/retry`)).status).toBe(200);
      const done = await runUntil(runId, (view) => view.status === 'completed');
      expect(done).toMatchObject({ terminationReason: 'task_done', failure: null });
    });

    it('regenerates a turn with another model beside the original, from the same prompt', async () => {
      llm.enqueue(reply.text('Instruction: a.\nInput: None'), reply.text('Solution: first. Next request.'), reply.text(CAMEL_TASK_DONE));
      const runId = await start('trading');
      await runUntil(runId, (view) => view.status === 'completed');
      const before = llm.requests.length;
      llm.enqueue(reply.text('Solution: second opinion. Next request.', { latencyMs: 3000 }));
      const regenerated = await api.request('POST', `${base()}/runs/${runId}/turns/turn-2/regenerate`, { model: 'coder-2', parameters: { temperature: 0.9 } });
      expect(regenerated.status).toBe(201);
      // The run says a regeneration is under way (the alternative is not in the logs yet), then that none is.
      await runUntil(runId, (view) => view.regenerationsPending === 1);
      const alternative = await until('the alternative', () => entries(runId), (list) => list.some((e) => e.kind === 'alternative'));
      expect((await runUntil(runId, (view) => view.regenerationsPending === 0)).status).toBe('completed');
      expect(alternative.find((e) => e.kind === 'alternative')).toMatchObject({ turnId: 'turn-2', source: 'regenerated', model: 'coder-2', content: 'Solution: second opinion. Next request.' });
      const [request] = llm.requests.slice(before);
      const original = (await api.request('GET', `${base()}/logs/${encodeURIComponent(`${runId}:turn-2`)}`)).body as LogEntryDetail;
      expect(request.body.messages).toEqual(original.prompt);
      expect(request.body).toMatchObject({ model: 'coder-2', temperature: 0.9 });
      expect(original.alternatives).toHaveLength(1);
    });

    it('filters, searches and pages the logs; replays a run as of any event; bad input is a 400 naming the field', async () => {
      const all: LogEntryView[] = [];
      let after: string | null = null;
      do {
        const page: LogPage = (await api.request('GET', `${base()}/logs?limit=3${after ? `&after=${after}` : ''}`)).body;
        all.push(...page.entries);
        after = page.next;
      } while (after);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      const newestFirst = [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      expect(all.map((e) => e.createdAt)).toEqual(newestFirst.map((e) => e.createdAt));
      const hits: LogPage = (await api.request('GET', `${base()}/logs?q=momentum`)).body;
      expect(hits.entries.length).toBeGreaterThan(0);
      expect(hits.entries.every((e) => e.content.toLowerCase().includes('momentum'))).toBe(true);
      const byAgent: LogPage = (await api.request('GET', `${base()}/logs?agent=reviewer&reason=task_done`)).body;
      expect(byAgent.entries.map((e) => e.content).sort()).toEqual(['APPROVED', 'needs shade']);
      // The same query language on both engines: alternatives with `or`, exclusions with `-word`.
      const reviewer = async (q: string) =>
        ((await api.request('GET', `${base()}/logs?agent=reviewer&workflow=loop&q=${encodeURIComponent(q)}`)).body as LogPage).entries.map((e) => e.content).sort();
      expect(await reviewer('approved or shade')).toEqual(['APPROVED', 'needs shade']);
      expect(await reviewer('shade -needs')).toEqual([]);
      expect(await reviewer('-approved')).toEqual(['needs shade']);
      expect(await reviewer('"needs shade"')).toEqual(['needs shade']);
      expect((await api.request('GET', `${base()}/logs?role=boss`)).body).toMatchObject({ statusCode: 400, fields: [expect.objectContaining({ field: 'role' })] });
      expect((await api.request('GET', `${base()}/logs?after=nonsense`)).body).toMatchObject({ statusCode: 400, fields: [{ field: 'after', message: expect.any(String) }] });

      const runs = (await api.request('GET', `${base()}/runs?workflow=loop`)).body as RunList;
      const loop = runs.runs[0];
      const first = (await api.request('GET', `${base()}/runs/${loop.id}/replay?count=1`)).body;
      expect(first).toMatchObject({ count: 1, event: { type: 'RunStarted' }, run: { status: 'queued', turns: 0 }, entries: [] });
      const last = (await api.request('GET', `${base()}/runs/${loop.id}/replay`)).body;
      expect(last.run).toMatchObject({ status: 'completed', turns: 4 });
      expect(last.entries).toHaveLength(4);
      expect((await api.request('GET', `${base()}/runs/${loop.id}/replay?count=${last.total + 1}`)).status).toBe(400);
      const rerun = await api.request('POST', `${base()}/runs/${loop.id}/rerun`);
      expect(rerun.status).toBe(201);
      llm.enqueue(reply.text('p'), reply.text('APPROVED'));
      expect(await runUntil(rerun.body.id, (view) => view.status === 'completed')).toMatchObject({ workflow: 'loop', configVersion: loop.configVersion });
    });

    it('refuses bad starts with a 4xx naming the field and records nothing', async () => {
      const head = (await api.request('GET', `${base()}/runs`)).body.position as number;
      const bad = [
        [{ workflow: 'nope' }, 'workflow'],
        [{ workflow: 'trading', overrides: { maxTurns: 0 } }, 'overrides.maxTurns'],
        [{ workflow: 'trading', overrides: { agents: { programmer: { parameters: { temperature: 9 } } } } }, 'overrides.agents.programmer.parameters.temperature'],
        [{ workflow: 'trading', configVersion: 99 }, 'configVersion'],
        [{ workflow: 7 }, 'workflow'],
      ] as const;
      for (const [body, field] of bad) {
        const refused = await api.request('POST', `${base()}/runs`, body);
        expect(refused.status).toBeGreaterThanOrEqual(400);
        expect(refused.status).toBeLessThan(500);
        expect(refused.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      expect((await api.request('GET', `${base()}/runs`)).body.position).toBe(head);
      delete process.env[KEY_ENV];
      const preflight = await api.request('POST', `${base()}/runs/preflight`, { workflow: 'trading' });
      process.env[KEY_ENV] = 'sk-test-runs-suite-secret';
      expect(preflight.body).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'not_configured', message: `provider local: ${KEY_ENV} is not set` })] });
    });

    it('has no queue board without Redis (the runs use no queue): the session answers 404 saying so, the board path is no route', async () => {
      expect((await api.request('POST', '/api/admin/queue-board/session')).body).toMatchObject({ statusCode: 404, code: 'queues.board-unavailable' });
      expect((await api.request('GET', '/api/admin/queues/api/queues')).body).toMatchObject({ statusCode: 404, code: 'route.not-found' });
    });
  });
}
