import { projectStreamId, runStreamId, type Actor, type LogEntryView, type LogQuery, type RunEvent } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { ProviderError } from '@camel/workflows';
import { chatResult, configSet, configWith, RunDriver, type ScriptedModel } from '@camel/workflows/testing';
import type { EntityManager } from 'typeorm';
import { LogEntryRecord, LogRunRecord } from './logs/log-entry.entity';
import { logsProjection } from './logs/logs.projection';
import { LogsReadModel } from './logs/logs.read-model';
import { RunRecord } from './runs/run.entity';
import { runsProjection } from './runs/runs.projection';

const ALICE: Actor = { type: 'user', id: 'u-alice' };
const WORKER: Actor = { type: 'system', id: 'worker' };
const ROLE_PLAY = 'stock_trading_bot';
const ORIGINAL = 'Develop a trading bot for the stock market.';
const SPECIFIED = 'Build a Python bot that trades AAPL on moving-average crossovers with a 2% stop-loss.';
const USAGE = { promptTokens: 30, completionTokens: 10, totalTokens: 40 };
const TRADER = { temperature: 0.7, max_tokens: 200 };
const PROGRAMMER = { temperature: 0.2, top_p: 1, max_tokens: 256 };
const SPECIFIER = { temperature: 1, max_tokens: 200 };

/** The specifier, then numbered instructions and solutions (each answer with 40 tokens of usage). */
const conversation: ScriptedModel = (call) => {
  if (call.purpose === 'task_specify') return chatResult([SPECIFIED], USAGE);
  const index = call.place?.index ?? 0;
  return chatResult([call.place?.role === 'user' ? `Instruction: step ${index}\nInput: None` : `Solution: did step ${index - 1}. Next request.`], USAGE);
};

/** One round of the role-play to its end, then an event of another stream the projection must ignore. */
function finishedRunAmongOtherEvents(timeline: EventTimeline) {
  const run = scriptedRun(timeline);
  run.driver.drive(conversation);
  run.record();
  timeline.record(projectStreamId('p1'), [{ type: 'ProjectRenamed', data: { projectId: 'p1', name: 'other', previousName: 'p' } }]);
  return run;
}

/** The sample config with a role-play that has a critic. */
const critiqued = () =>
  configWith({
    critiqued: 'version: 1\nname: critiqued\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Sort a list.\ncritic: reviewer\nmax_turns: 1\n',
  });

/** The conversation, but the call after `calls` earlier ones fails. */
const failingAt = (calls: number, error: ProviderError): ScriptedModel => (call, earlier) => (earlier.length === calls ? error : conversation(call, earlier));

/**
 * A scripted run on the timeline (one round of the sample role-play unless told otherwise): each
 * event its own step, the start by a user, the rest by the worker (or `actor`).
 */
function scriptedRun(timeline: EventTimeline, overrides: object = { maxTurns: 1 }, config = configSet(), workflow = ROLE_PLAY) {
  const driver = new RunDriver().start(config, workflow, overrides);
  let recorded = 0;
  return {
    driver,
    record(actor: Actor = WORKER) {
      for (const event of driver.events.slice(recorded)) {
        timeline.record(runStreamId(driver.runId), [event], { actor: recorded === 0 ? ALICE : actor, projectId: driver.run.projectId });
        recorded += 1;
      }
    },
  };
}

/** Every column of an entry the projection fills; `annotated` is another read model's. */
const entry = (fields: Partial<LogEntryRecord> & Pick<LogEntryRecord, 'id' | 'kind' | 'content'>): Omit<LogEntryRecord, 'position'> => ({
  projectId: 'p1',
  runId: 'r1',
  workflow: ROLE_PLAY,
  turnId: null,
  index: null,
  agent: 'task_specifier',
  agentKind: 'ai',
  role: null,
  step: null,
  iteration: null,
  source: null,
  provider: 'local',
  model: 'scripted-model',
  parameters: null,
  finishReason: 'stop',
  usage: USAGE,
  totalTokens: 40,
  latencyMs: 7,
  terminationReason: null,
  annotated: false,
  createdAt: timelineTime(0),
  ...fields,
});

const specifyEntry = (terminationReason: LogEntryRecord['terminationReason']) =>
  entry({ id: 'r1:specify', kind: 'task_specify', content: SPECIFIED, parameters: SPECIFIER, createdAt: timelineTime(2), terminationReason });
const turnEntry = (index: number, terminationReason: LogEntryRecord['terminationReason'], createdAt: string) =>
  entry({
    id: `r1:turn-${index}`,
    kind: 'turn',
    turnId: `turn-${index}`,
    index,
    agent: index % 2 ? 'stock_trader' : 'python_programmer',
    role: index % 2 ? 'user' : 'assistant',
    parameters: index % 2 ? TRADER : PROGRAMMER,
    content: index % 2 ? `Instruction: step ${index}\nInput: None` : `Solution: did step ${index - 1}. Next request.`,
    terminationReason,
    createdAt,
  });

/** The time of a run's first event matching `match` (each of a scripted run's events is one step of the timeline). */
const stepOf = (driver: RunDriver, match: (event: RunEvent) => boolean): string => timelineTime(driver.events.findIndex(match));

/** The entries without their positions (global log positions differ per engine), in log order. */
async function entries(manager: EntityManager): Promise<Omit<LogEntryRecord, 'position'>[]> {
  const rows = await manager.find(LogEntryRecord, { order: { position: 'ASC' } });
  return rows.map(({ position: _position, ...row }) => ({ ...row, annotated: Boolean(row.annotated) }));
}

describe.each(ENGINES)('runs projection on %s', (engine) => {
  const spec = projectionSpec(engine, runsProjection);
  let timeline: EventTimeline;

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it("a finished run: one row holding the domain's folded state and the view the API shows", async () => {
    const run = finishedRunAmongOtherEvents(timeline);
    await spec.given(timeline).then(async ({ manager }) => {
      expect(run.driver.typesOf()).toEqual(['RunStarted', 'RunBegan', 'TaskSpecified', 'TurnRecorded', 'TurnRecorded', 'RunCompleted']);
      const meta = { version: 6, createdAt: timelineTime(0), updatedAt: timelineTime(5) };
      expect(await manager.find(RunRecord)).toEqual([
        {
          id: 'r1',
          projectId: 'p1',
          workflow: ROLE_PLAY,
          status: 'completed',
          ...meta,
          state: run.driver.state,
          view: {
            id: 'r1',
            projectId: 'p1',
            workflow: ROLE_PLAY,
            workflowType: 'role_playing',
            configVersion: 1,
            status: 'completed',
            terminationReason: 'max_turns',
            task: ORIGINAL,
            specifiedTask: SPECIFIED,
            turns: 2,
            tokensUsed: 120,
            awaiting: null,
            regenerationsPending: 0,
            failure: null,
            ...meta,
            createdBy: 'user:u-alice',
          },
        },
      ]);
    });
  });

  it("a failed call fails the run: the failure in the view, the reason 'error'", async () => {
    const run = scriptedRun(timeline);
    run.driver.drive(failingAt(0, new ProviderError('rate_limited', 'HTTP 429', 429)));
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      const [row] = await manager.find(RunRecord);
      expect(row).toMatchObject({ status: 'failed', version: 3, state: run.driver.state });
      expect(row.view).toMatchObject({ status: 'failed', terminationReason: 'error', failure: { callId: 'specify', errorKind: 'rate_limited', message: 'HTTP 429', retryable: true } });
    });
  });

  it('a retried run completes: no failure left, the last event its version', async () => {
    const run = scriptedRun(timeline);
    run.driver.drive(failingAt(1, new ProviderError('rate_limited', 'HTTP 429', 429)));
    run.record();
    run.driver.dispatch({ type: 'RetryRun', runId: 'r1' });
    run.record(ALICE);
    run.driver.drive(conversation);
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      const [row] = await manager.find(RunRecord);
      expect(row).toMatchObject({ status: 'completed', version: run.driver.events.length, updatedAt: timelineTime(run.driver.events.length - 1), state: run.driver.state });
      expect(row.view).toMatchObject({ status: 'completed', terminationReason: 'max_turns', failure: null, createdBy: 'user:u-alice' });
    });
  });

  const awaitingPerson = () => {
    const run = scriptedRun(timeline, { agents: { stock_trader: { kind: 'human', inputTimeoutSeconds: 600 } }, maxTurns: 1 });
    run.driver.drive(conversation);
    run.record();
    return run;
  };

  it('a run awaiting a person shows what it awaits', async () => {
    const run = awaitingPerson();
    await spec.given(timeline).then(async ({ manager }) => {
      const [row] = await manager.find(RunRecord);
      expect(row).toMatchObject({ status: 'awaiting_input', state: run.driver.state });
      expect(row.view.awaiting).toEqual({ turnId: 'turn-1', index: 1, agent: 'stock_trader', role: 'user', input: 'turn', deadline: '2026-03-01T10:10:00.000Z' });
    });
  });

  it('a run awaiting a person to choose shows the candidates, in the order proposed', async () => {
    const run = scriptedRun(timeline, { critic: { kind: 'human', candidates: 2 }, maxTurns: 1 }, critiqued(), 'critiqued');
    run.driver.drive((call) => chatResult([1, 2].map((i) => `${call.place?.role} candidate ${i}`), USAGE));
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      const [row] = await manager.find(RunRecord);
      expect(row.view.awaiting).toEqual({
        turnId: 'turn-1',
        index: 1,
        agent: 'stock_trader',
        role: 'user',
        input: 'choice',
        deadline: null,
        candidates: [
          { content: 'user candidate 1', finishReason: 'stop' },
          { content: 'user candidate 2', finishReason: 'stop' },
        ],
      });
    });
  });

  it('a cancelled run awaits nothing any more', async () => {
    const run = awaitingPerson();
    run.driver.dispatch({ type: 'CancelRun', runId: 'r1' });
    run.record(ALICE);
    await spec.given(timeline).then(async ({ manager }) => {
      const [row] = await manager.find(RunRecord);
      expect(row).toMatchObject({ status: 'cancelled', version: run.driver.events.length, state: run.driver.state });
      expect(row.view).toMatchObject({ status: 'cancelled', terminationReason: 'stopped', awaiting: null });
    });
  });
});

describe.each(ENGINES)('logs projection on %s', (engine) => {
  const spec = projectionSpec(engine, logsProjection);
  let timeline: EventTimeline;

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it("the specifier's answer and every turn are entries; the run's termination reason reaches all of them", async () => {
    finishedRunAmongOtherEvents(timeline);
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await entries(manager)).toEqual([specifyEntry('max_turns'), turnEntry(1, 'max_turns', timelineTime(3)), turnEntry(2, 'max_turns', timelineTime(4))]);
      expect(await manager.find(LogRunRecord)).toEqual([{ runId: 'r1', projectId: 'p1', workflow: ROLE_PLAY, terminationReason: 'max_turns' }]);
    });
  });

  it("a failure marks the run's entries so far 'error'", async () => {
    const run = scriptedRun(timeline);
    run.driver.drive(failingAt(2, new ProviderError('timeout', 'timed out')));
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      expect(run.driver.typesOf().slice(-1)).toEqual(['TurnFailed']);
      expect(await entries(manager)).toEqual([specifyEntry('error'), turnEntry(1, 'error', timelineTime(3))]);
    });
  });

  it('after a retry and a completion every entry, earlier ones too, carries the final reason; a cancelled run says stopped', async () => {
    const run = scriptedRun(timeline);
    run.driver.drive(failingAt(2, new ProviderError('timeout', 'timed out')));
    run.record();
    run.driver.dispatch({ type: 'RetryRun', runId: 'r1' });
    run.record(ALICE);
    run.driver.drive(conversation);
    run.record();
    const other = new RunDriver('r2');
    other.start(configSet(), ROLE_PLAY, { agents: { stock_trader: { kind: 'human', inputTimeoutSeconds: 600 } } }).drive(conversation);
    other.dispatch({ type: 'CancelRun', runId: 'r2' });
    timeline.record(runStreamId('r2'), other.events, { actor: ALICE, projectId: 'p1' });
    await spec.given(timeline).then(async ({ manager }) => {
      const rows = await entries(manager);
      expect(rows.filter((row) => row.runId === 'r1').map((row) => [row.id, row.terminationReason])).toEqual([
        ['r1:specify', 'max_turns'],
        ['r1:turn-1', 'max_turns'],
        ['r1:turn-2', 'max_turns'],
      ]);
      expect(rows.filter((row) => row.runId === 'r2').map((row) => [row.id, row.terminationReason])).toEqual([['r2:specify', 'stopped']]);
      expect(await manager.find(LogRunRecord, { order: { runId: 'ASC' } })).toMatchObject([{ terminationReason: 'max_turns' }, { terminationReason: 'stopped' }]);
    });
  });

  it("a critic's other candidates are alternatives of the turn: its agent, role, place and model call, no usage of their own", async () => {
    const run = scriptedRun(timeline, { critic: { candidates: 2 }, maxTurns: 1 }, critiqued(), 'critiqued');
    run.driver.drive((call) => {
      if (call.purpose === 'critic') return 'I pick 2.';
      return chatResult([1, 2].map((i) => `${call.place?.role} candidate ${i}`), USAGE);
    });
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      const rows = await entries(manager);
      const turn = rows.find((row) => row.id === 'r1:turn-1');
      expect(turn).toMatchObject({ kind: 'turn', agent: 'stock_trader', content: 'user candidate 2', usage: USAGE, totalTokens: 40 });
      const [candidate] = run.driver.run.alternatives;
      expect(candidate).toMatchObject({ turnId: 'turn-1', candidate: 0, call: null });
      expect(rows.filter((row) => row.kind === 'alternative').map((row) => [row.turnId, row.agent, row.content])).toEqual([
        ['turn-1', 'stock_trader', 'user candidate 1'],
        ['turn-2', 'python_programmer', 'assistant candidate 1'],
      ]);
      expect(rows.find((row) => row.id === `r1:${candidate.alternativeId}`)).toEqual({
        ...entry({ id: `r1:${candidate.alternativeId}`, kind: 'alternative', content: 'user candidate 1' }),
        workflow: 'critiqued',
        turnId: 'turn-1',
        index: 1,
        agent: 'stock_trader',
        role: 'user',
        source: 'critic-candidate',
        parameters: turn?.parameters,
        usage: null,
        totalTokens: 0,
        latencyMs: null,
        terminationReason: 'max_turns',
        createdAt: stepOf(run.driver, (e) => e.type === 'AlternativeRecorded' && e.data.turnId === 'turn-1'),
      });
    });
  });

  it('a regeneration is an alternative of the turn with its own call; the agent and place are the turn\'s', async () => {
    const run = scriptedRun(timeline);
    const regenerating: ScriptedModel = (call, calls) => (call.purpose === 'regenerate' ? chatResult(['Instruction: buy low\nInput: None'], USAGE) : conversation(call, calls));
    run.driver.drive(conversation);
    run.record();
    run.driver.dispatch({ type: 'RegenerateTurn', runId: 'r1', alternativeId: 'alt-1', turnId: 'turn-1', model: 'gpt-4o', parameters: { temperature: 1.2 } });
    run.record(ALICE);
    run.driver.drive(regenerating);
    run.record();
    await spec.given(timeline).then(async ({ manager }) => {
      expect((await entries(manager)).find((row) => row.id === 'r1:alt-1')).toEqual(
        entry({
          id: 'r1:alt-1',
          kind: 'alternative',
          content: 'Instruction: buy low\nInput: None',
          turnId: 'turn-1',
          index: 1,
          agent: 'stock_trader',
          role: 'user',
          source: 'regenerated',
          parameters: { temperature: 1.2, max_tokens: 200 },
          terminationReason: 'max_turns',
          createdAt: stepOf(run.driver, (e) => e.type === 'AlternativeRecorded'),
        }),
      );
    });
  });

  it('keyword search finds entries by their words, any case, all words required', async () => {
    const run = scriptedRun(timeline);
    run.driver.drive(conversation);
    run.record();
    await spec.given(timeline).then(async ({ dataSource, store }) => {
      const logs = new LogsReadModel(dataSource.getRepository(LogEntryRecord), store);
      const found = async (q: string) => (await logs.page('p1', { q, sort: 'oldest' })).entries.map((e) => e.id);
      expect(await found('aapl crossovers')).toEqual(['r1:specify']);
      expect(await found('Instruction step')).toEqual(['r1:turn-1']);
      expect(await found('solution')).toEqual(['r1:turn-2']);
      expect(await found('solution crossovers')).toEqual([]);
      expect(await found('dividends')).toEqual([]);
    });
  });

  /** Every page of `query` (`limit` entries each), following `next`. */
  const allPages = async (logs: LogsReadModel, query: LogQuery): Promise<LogEntryView[]> => {
    const seen: LogEntryView[] = [];
    let after: string | undefined;
    do {
      const page = await logs.page('p1', { ...query, limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.entries);
      after = page.next ?? undefined;
    } while (after);
    return seen;
  };

  it('keyword and time-range pages follow their cursors: every match once, newest first (oldest first when asked)', async () => {
    const run = scriptedRun(timeline, { maxTurns: 3 });
    run.driver.drive(conversation);
    run.record();
    await spec.given(timeline).then(async ({ dataSource, store }) => {
      const logs = new LogsReadModel(dataSource.getRepository(LogEntryRecord), store);
      const all = await allPages(logs, {});
      const turns = all.filter((e) => e.kind === 'turn');
      expect(turns).toHaveLength(6);
      expect((await allPages(logs, { q: 'step' })).map((e) => e.id)).toEqual(turns.map((e) => e.id));
      expect((await allPages(logs, { q: 'step', sort: 'oldest' })).map((e) => e.id)).toEqual(turns.map((e) => e.id).reverse());
      expect((await allPages(logs, { q: 'instruction' })).map((e) => e.index)).toEqual([5, 3, 1]);
      const window = { from: turns[4].createdAt, to: turns[0].createdAt };
      const inWindow = all.filter((e) => e.createdAt >= window.from && e.createdAt < window.to);
      expect(inWindow).toHaveLength(4);
      expect((await allPages(logs, window)).map((e) => e.id)).toEqual(inWindow.map((e) => e.id));
      expect((await allPages(logs, { ...window, sort: 'oldest' })).map((e) => e.id)).toEqual(inWindow.map((e) => e.id).reverse());
      expect((await allPages(logs, { ...window, q: 'solution' })).map((e) => e.index)).toEqual([4, 2]);
      // A cursor only pages the kind of query it came from.
      const timeCursor = (await logs.page('p1', { ...window, limit: 1 })).next as string;
      await expect(logs.page('p1', { after: timeCursor })).rejects.toMatchObject({ kind: 'validation', field: 'after' });
    });
  });
});
