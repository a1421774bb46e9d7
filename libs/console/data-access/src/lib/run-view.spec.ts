import type { LogEntryView, RecordedEvent } from '@camel/contracts';
import { EMPTY_LIVE_RUN, alternativesByTurn, applyRunEvents, liveRunFromEvents, type LiveRun } from './run-view';
import { PLAN, T0, call, runStream } from './testing/run-events';

const RUN = 'r1';

/** given(state).when(events).then(…): the fold never mutates what it is given. */
function given(state: LiveRun) {
  return {
    when(events: readonly RecordedEvent[]) {
      const frozen = Object.freeze({ ...state, entries: Object.freeze(state.entries.map((entry) => Object.freeze({ ...entry }))) });
      const result = applyRunEvents(frozen, Object.freeze([...events]), RUN);
      return { result, then: (check: (fold: typeof result) => void) => check(result) };
    },
  };
}

function shuffled<T>(items: readonly T[]): T[] {
  return [...items].reverse();
}

describe('applyRunEvents', () => {
  const s = runStream(RUN);
  const started = s.recorded(s.started());
  const began = s.recorded(s.began());
  const turn1 = s.recorded(s.turn(1, 'Instruction: write a parser.\nInput: None'));
  const turn2 = s.recorded(s.turn(2, 'Solution: here it is.\nNext request.'));
  const history = [started, began, turn1, turn2];

  it('RunStarted makes the queued view, as the runs projection writes it; RunBegan runs it', () => {
    given(EMPTY_LIVE_RUN)
      .when([started])
      .then(({ state, gap }) => {
        expect(gap).toBe(false);
        expect(state.run).toEqual({
          id: RUN,
          projectId: 'p1',
          workflow: 'stock_trading_bot',
          workflowType: 'role_playing',
          configVersion: 3,
          status: 'queued',
          terminationReason: null,
          task: 'Build a bot.',
          specifiedTask: null,
          turns: 0,
          tokensUsed: 0,
          awaiting: null,
          regenerationsPending: 0,
          failure: null,
          version: 1,
          createdAt: s.time(1),
          updatedAt: s.time(1),
          createdBy: 'user:alice',
        });
        expect(state.entries).toEqual([]);
      });
    expect(liveRunFromEvents([started, began], RUN).state.run?.status).toBe('running');
  });

  it('a recorded turn is a log entry with its call; turns and tokens count up', () => {
    const { state } = liveRunFromEvents(history, RUN);
    expect(state.run).toMatchObject({ status: 'running', turns: 2, tokensUsed: 200, version: 4, updatedAt: s.time(4) });
    expect(state.entries.map((entry) => entry.id)).toEqual([`${RUN}:turn-1`, `${RUN}:turn-2`]);
    expect(state.entries[0]).toEqual<LogEntryView>({
      id: `${RUN}:turn-1`,
      kind: 'turn',
      projectId: 'p1',
      runId: RUN,
      workflow: 'stock_trading_bot',
      turnId: 'turn-1',
      index: 1,
      agent: 'stock_trader',
      agentKind: 'ai',
      role: 'user',
      step: null,
      iteration: null,
      source: null,
      provider: 'local',
      model: 'llama3.2',
      parameters: { temperature: 0.5 },
      content: 'Instruction: write a parser.\nInput: None',
      finishReason: 'stop',
      usage: call(100).usage,
      latencyMs: 120,
      terminationReason: null,
      annotated: false,
      createdAt: s.time(3),
    });
  });

  it('is idempotent by stream version: events a read already reflects change nothing', () => {
    const read = liveRunFromEvents(history, RUN).state;
    given(read)
      .when(history)
      .then(({ state, gap }) => {
        expect(gap).toBe(false);
        expect(state).toEqual(read);
      });
    // Following from the read position delivers the last events again, and then new ones.
    const paused = s.recorded({ type: 'RunPaused', data: { runId: RUN, reason: 'requested' } });
    given(read)
      .when([turn2, paused])
      .then(({ state }) => expect(state.run).toMatchObject({ status: 'paused', version: 5, turns: 2 }));
  });

  it('applies a batch in stream-version order whatever order it came in', () => {
    expect(liveRunFromEvents(shuffled(history), RUN)).toEqual(liveRunFromEvents(history, RUN));
  });

  it('reports a gap and stops before it when a version is missing', () => {
    given(EMPTY_LIVE_RUN)
      .when([started, turn1, turn2])
      .then(({ state, gap }) => {
        expect(gap).toBe(true);
        expect(state.run?.version).toBe(1);
        expect(state.entries).toEqual([]);
      });
    // Without RunStarted there is nothing to fold into.
    expect(liveRunFromEvents([began], RUN).gap).toBe(true);
  });

  it('ignores the events of other runs and other streams', () => {
    const other = runStream('r2');
    const foreign = [other.recorded(other.started()), { ...began, streamId: 'project-p1', streamType: 'project' }];
    expect(liveRunFromEvents([...history.slice(0, 1), ...foreign], RUN).state.run).toMatchObject({ version: 1, status: 'queued' });
  });

  describe('a critic', () => {
    const c = runStream(RUN);
    const proposed = [
      c.recorded(c.started()),
      c.recorded(c.began()),
      c.recorded({
        type: 'CandidatesProposed',
        data: {
          runId: RUN,
          turnId: 'turn-1',
          index: 1,
          agent: 'stock_trader',
          role: 'user',
          candidates: [
            { content: 'Option A', finishReason: 'stop' },
            { content: 'Option B', finishReason: 'length' },
          ],
          call: { ...call(300), n: 2 },
          promptRef: { kind: 'role_play', history: ['opening'], sha256: 'x' },
        },
      }),
      c.recorded({ type: 'InputRequested', data: { runId: RUN, turnId: 'turn-1', index: 1, agent: 'stock_trader', role: 'user', input: 'choice', deadline: null } }),
    ];
    const chosen = [
      c.recorded(
        c.turn(1, 'Option B', {
          call: { ...call(300), n: 2 },
          critic: { agent: null, chosen: 1, candidates: 2, rationale: null, parsed: true, call: null, promptRef: null, chosenBy: 'user:alice' },
          submittedBy: null,
        }),
      ),
      c.recorded({
        type: 'AlternativeRecorded',
        data: { runId: RUN, alternativeId: 'alt-c0', turnId: 'turn-1', source: 'critic-candidate', content: 'Option A', finishReason: 'stop', call: null, candidate: 0 },
      }),
    ];

    it('keeps the candidates while a person is asked to choose, then drops them for the chosen turn and its alternatives', () => {
      const asked = liveRunFromEvents(proposed, RUN).state;
      expect(asked.run).toMatchObject({
        status: 'awaiting_input',
        tokensUsed: 300,
        awaiting: {
          turnId: 'turn-1',
          index: 1,
          agent: 'stock_trader',
          role: 'user',
          input: 'choice',
          deadline: null,
          candidates: [
            { content: 'Option A', finishReason: 'stop' },
            { content: 'Option B', finishReason: 'length' },
          ],
        },
      });
      expect(asked.candidates['turn-1']?.map((candidate) => candidate.content)).toEqual(['Option A', 'Option B']);

      const { state } = applyRunEvents(asked, chosen, RUN);
      expect(state.candidates).toEqual({});
      // The candidates' call was counted when proposed; a person's choice costs nothing.
      expect(state.run).toMatchObject({ status: 'running', awaiting: null, turns: 1, tokensUsed: 300 });
      expect(state.entries.map((entry) => [entry.kind, entry.content, entry.source, entry.model])).toEqual([
        ['turn', 'Option B', null, 'llama3.2'],
        ['alternative', 'Option A', 'critic-candidate', 'llama3.2'],
      ]);
      expect(state.entries[1]).toMatchObject({ id: `${RUN}:alt-c0`, turnId: 'turn-1', index: 1, agent: 'stock_trader', role: 'user', usage: null });
    });

    it('learns candidates from an event the read already reflects (the read models do not hold them)', () => {
      const readAtVersion4 = { ...liveRunFromEvents(proposed, RUN).state, candidates: {} };
      expect(applyRunEvents(readAtVersion4, proposed, RUN).state.candidates['turn-1']).toHaveLength(2);
    });
  });

  it('a regeneration is an alternative with its own call, not counted against the budget', () => {
    const read = liveRunFromEvents(history, RUN).state;
    const regen = [
      s.recorded(
        { type: 'RegenerationRequested', data: { runId: RUN, alternativeId: 'alt-1', turnId: 'turn-2', provider: 'local', model: 'qwen', parameters: { temperature: 1 } } },
        { version: 5 },
      ),
      s.recorded({
        type: 'AlternativeRecorded',
        data: { runId: RUN, alternativeId: 'alt-1', turnId: 'turn-2', source: 'regenerated', content: 'Solution: another.', finishReason: 'stop', call: call(80, 'qwen'), candidate: null },
      }),
    ];
    expect(applyRunEvents(read, regen.slice(0, 1), RUN).state.run).toMatchObject({ regenerationsPending: 1 });
    const { state } = applyRunEvents(read, regen, RUN);
    expect(state.run).toMatchObject({ tokensUsed: 200, turns: 2, version: 6, regenerationsPending: 0 });
    expect([...alternativesByTurn(state.entries)].map(([turnId, alternatives]) => [turnId, alternatives.map((a) => a.id)])).toEqual([['turn-2', [`${RUN}:alt-1`]]]);
    expect(state.entries.at(-1)).toMatchObject({
      id: `${RUN}:alt-1`,
      kind: 'alternative',
      source: 'regenerated',
      turnId: 'turn-2',
      agent: 'python_programmer',
      role: 'assistant',
      model: 'qwen',
      usage: call(80).usage,
      content: 'Solution: another.',
    });
  });

  it('entries keep the recorded order, as GET …/entries sends them; the model is the one that answered', () => {
    const read = liveRunFromEvents(history, RUN).state;
    const answered = { ...call(80, 'coder'), answeredBy: 'coder-2026-01' };
    const later = [
      s.recorded(
        { type: 'RegenerationRequested', data: { runId: RUN, alternativeId: 'alt-1', turnId: 'turn-1', provider: 'local', model: 'coder', parameters: {} } },
        { version: 5 },
      ),
      s.recorded({
        type: 'AlternativeRecorded',
        data: { runId: RUN, alternativeId: 'alt-1', turnId: 'turn-1', source: 'regenerated', content: 'Instruction: another.', finishReason: 'stop', call: answered, candidate: null },
      }),
      s.recorded(s.turn(3, 'Instruction: next.', { call: { ...call(90), answeredBy: '' } })),
    ];
    const { state } = applyRunEvents(read, later, RUN);
    expect(state.entries.map((entry) => [entry.id, entry.model])).toEqual([
      [`${RUN}:turn-1`, 'llama3.2'],
      [`${RUN}:turn-2`, 'llama3.2'],
      [`${RUN}:alt-1`, 'coder-2026-01'],
      // An endpoint that names no model: the one asked for.
      [`${RUN}:turn-3`, 'llama3.2'],
    ]);
  });

  it('a failed call fails the run with the reason on every entry; a retry clears both', () => {
    const f = runStream(RUN);
    const events = [f.recorded(f.started()), f.recorded(f.began()), f.recorded(f.turn(1, 'Instruction: go'))];
    const failed = f.recorded({
      type: 'TurnFailed',
      data: { runId: RUN, callId: 'turn-2', purpose: 'turn', turnId: 'turn-2', errorKind: 'circuit_open', message: 'provider local is failing', retryable: true },
    });
    const afterFailure = liveRunFromEvents([...events, failed], RUN).state;
    expect(afterFailure.run).toMatchObject({
      status: 'failed',
      terminationReason: 'error',
      failure: { callId: 'turn-2', errorKind: 'circuit_open', message: 'provider local is failing', retryable: true },
    });
    expect(afterFailure.entries.map((entry) => entry.terminationReason)).toEqual(['error']);
    const retried = applyRunEvents(afterFailure, [f.recorded({ type: 'RunRetried', data: { runId: RUN, callId: 'turn-2' } })], RUN).state;
    expect(retried.run).toMatchObject({ status: 'running', failure: null, terminationReason: null });
    expect(retried.entries.map((entry) => entry.terminationReason)).toEqual([null]);
  });

  it('a failed regeneration changes nothing but the version', () => {
    const read = liveRunFromEvents(history, RUN).state;
    const failed = s.recorded(
      {
        type: 'TurnFailed',
        data: { runId: RUN, callId: 'regenerate/alt-9', purpose: 'regenerate', turnId: 'turn-2', errorKind: 'timeout', message: 'slow', retryable: true },
      },
      { version: 5 },
    );
    expect(applyRunEvents(read, [failed], RUN).state.run).toEqual({ ...read.run, version: failed.streamVersion, updatedAt: failed.metadata.time });
  });

  it('pause, step, resume, cancel and completion move the status; the end reason reaches every entry', () => {
    const p = runStream(RUN);
    const base = [p.recorded(p.started()), p.recorded(p.began()), p.recorded(p.turn(1, 'Instruction: go'))];
    const status = (events: readonly RecordedEvent[]) => liveRunFromEvents([...base, ...events], RUN).state;
    const paused = p.recorded({ type: 'RunPaused', data: { runId: RUN, reason: 'requested' } });
    expect(status([paused]).run?.status).toBe('paused');
    const step = p.recorded({ type: 'StepRequested', data: { runId: RUN } });
    expect(status([paused, step]).run?.status).toBe('running');
    const stepPaused = p.recorded({ type: 'RunPaused', data: { runId: RUN, reason: 'step' } });
    const resumed = p.recorded({ type: 'RunResumed', data: { runId: RUN } });
    expect(status([paused, step, stepPaused, resumed]).run?.status).toBe('running');
    const done = p.recorded({ type: 'RunCompleted', data: { runId: RUN, reason: 'task_done' } });
    const completed = status([paused, step, stepPaused, resumed, done]);
    expect(completed.run).toMatchObject({ status: 'completed', terminationReason: 'task_done', awaiting: null });
    expect(completed.entries.map((entry) => entry.terminationReason)).toEqual(['task_done']);

    const c = runStream(RUN);
    const cancelled = liveRunFromEvents(
      [c.recorded(c.started()), c.recorded({ type: 'RunCancelled', data: { runId: RUN, reason: 'by alice' } })],
      RUN,
    ).state;
    expect(cancelled.run).toMatchObject({ status: 'cancelled', terminationReason: 'stopped' });
  });

  it('the task specification comes first among the entries and sets the specified task', () => {
    const t = runStream(RUN);
    const { state } = liveRunFromEvents(
      [
        t.recorded(t.started()),
        t.recorded(t.began()),
        t.recorded({
          type: 'TaskSpecified',
          data: {
            runId: RUN,
            agent: 'task_specifier',
            originalTask: 'Build a bot.',
            specifiedTask: 'Build a momentum bot for NASDAQ.',
            call: call(50),
            finishReason: 'stop',
            promptRef: { kind: 'task_specify', sha256: 'x' },
          },
        }),
        t.recorded(t.turn(1, 'Instruction: go')),
      ],
      RUN,
    );
    expect(state.run).toMatchObject({ task: 'Build a bot.', specifiedTask: 'Build a momentum bot for NASDAQ.', tokensUsed: 150 });
    expect(state.entries.map((entry) => [entry.id, entry.kind, entry.agent])).toEqual([
      [`${RUN}:specify`, 'task_specify', 'task_specifier'],
      [`${RUN}:turn-1`, 'turn', 'stock_trader'],
    ]);
    expect(PLAN.type).toBe('role_playing');
    expect(state.entries.every((entry) => entry.createdAt > T0)).toBe(true);
  });
});
