import type { RunEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { nextStep } from '../engine/next-step';
import { ProviderError } from '../llm/chat';
import { configSet, STARTER } from '../testing/sample-config';
import { RunDriver, chatResult } from '../testing/run-driver';
import { runDecider } from './run.decider';

const now = new Date('2026-03-01T10:00:00Z');
const spec = deciderSpec(runDecider, { now });
const config = configSet();
const ROLE_PLAY = 'stock_trading_bot';

/** A role-play history made by the real decider: started, specified, `turns` turns recorded. */
function history(turns: number, overrides?: unknown): { events: RunEvent[]; driver: RunDriver } {
  const driver = new RunDriver('r1', now).start(config, ROLE_PLAY, overrides);
  driver.dispatch({ type: 'BeginRun', runId: 'r1' });
  let answered = 0;
  for (;;) {
    const action = nextStep(driver.state);
    if (action.type !== 'call_model' || (action.call.purpose === 'turn' && answered === turns)) break;
    if (action.call.purpose === 'turn') answered++;
    driver.answer(action.call, action.call.purpose === 'task_specify' ? 'A specific task.' : `answer ${answered}`);
  }
  return { events: [...driver.events], driver };
}

const answer = (callId: string, content = 'Instruction: look\nInput: None') => ({
  type: 'RecordModelAnswer' as const,
  runId: 'r1',
  callId,
  answer: chatResult([content], { promptTokens: 10, completionTokens: 5, totalTokens: 15 }),
});

describe('run decider', () => {
  describe('StartRun', () => {
    it('pins the config version, the task and the resolved plan; the run is queued', () => {
      const [started] = runDecider.decide(
        { type: 'StartRun', projectStatus: 'active', runId: 'r1', projectId: 'p1', workflow: ROLE_PLAY, configVersion: 4, config, overrides: { maxTurns: 5 }, localModels: STARTER },
        runDecider.initialState,
        { now },
      );
      expect(started).toMatchObject({
        type: 'RunStarted',
        data: {
          runId: 'r1',
          projectId: 'p1',
          workflow: ROLE_PLAY,
          configVersion: 4,
          task: 'Develop a trading bot for the stock market.',
          overrides: { maxTurns: 5 },
          plan: { type: 'role_playing', maxTurns: 5, assistant: { name: 'python_programmer', role: 'Python Programmer', model: 'starter' } },
        },
      });
      expect(runDecider.evolve(runDecider.initialState, started).status).toBe('queued');
    });

    it.each([
      ['archived', { kind: 'conflict', code: 'project.archived' }],
      ['none', { kind: 'not-found', code: 'project.not-found' }],
    ] as const)('refuses a start in a project that is %s (a fact the handler loads)', (projectStatus, error) =>
      spec.given([]).when({ type: 'StartRun', projectStatus, runId: 'r1', projectId: 'p1', workflow: ROLE_PLAY, configVersion: 1, config, localModels: STARTER }).thenThrows(error));

    it('refuses a second start of the same run', () =>
      spec.given(history(0).events).when({ type: 'StartRun', projectStatus: 'active', runId: 'r1', projectId: 'p1', workflow: ROLE_PLAY, configVersion: 1, config, localModels: STARTER }).thenThrows({ kind: 'conflict', code: 'run.exists' }));

    it.each([
      ['an unknown workflow', 'nope', undefined, 'workflow'],
      ['an unknown override', ROLE_PLAY, { colour: 'red' }, 'overrides.colour'],
      ['maxIterations on a role-play', ROLE_PLAY, { maxIterations: 2 }, 'overrides.maxIterations'],
      ['a temperature out of range', ROLE_PLAY, { agents: { stock_trader: { parameters: { temperature: 3 } } } }, 'overrides.agents.stock_trader.parameters.temperature'],
      ['an agent that takes no turns', ROLE_PLAY, { agents: { reviewer: { model: 'x' } } }, 'overrides.agents.reviewer'],
      ['an unknown provider', ROLE_PLAY, { agents: { stock_trader: { provider: 'elsewhere' } } }, 'overrides.agents.stock_trader.provider'],
      ['a blank task', ROLE_PLAY, { task: '  ' }, 'overrides.task'],
      ['a zero budget', ROLE_PLAY, { maxTotalTokens: 0 }, 'overrides.maxTotalTokens'],
      ['an AI critic the workflow lacks', ROLE_PLAY, { critic: { candidates: 2 } }, 'overrides.critic'],
      ['one critic candidate', ROLE_PLAY, { critic: { kind: 'human', candidates: 1 } }, 'overrides.critic.candidates'],
      ['a human kind that is neither ai nor human', ROLE_PLAY, { agents: { stock_trader: { kind: 'robot' } } }, 'overrides.agents.stock_trader.kind'],
    ])('refuses %s with a 400 naming the field', (_label, workflow, overrides, field) =>
      spec
        .given([])
        .when({ type: 'StartRun', projectStatus: 'active', runId: 'r1', projectId: 'p1', workflow, configVersion: 1, config, overrides, localModels: STARTER })
        .thenThrows({ kind: 'validation', field }));

    const start = (localModels: Readonly<Record<string, string | null>>, overrides?: unknown) =>
      ({ type: 'StartRun', projectStatus: 'active', runId: 'r1', projectId: 'p1', workflow: ROLE_PLAY, configVersion: 1, config, overrides, localModels }) as const;

    it('pins the model id a local agent\'s name or tag resolved to, and every call asks for that id', () => {
      const [started] = runDecider.decide(start({ starter: 'model-7' }), runDecider.initialState, { now });
      expect(started).toMatchObject({ type: 'RunStarted', data: { plan: { assistant: { model: 'starter', modelId: 'model-7' }, user: { model: 'starter', modelId: 'model-7' } } } });
      const state = runDecider.evolve(runDecider.initialState, started);
      const begun = runDecider.evolve(state, { type: 'RunBegan', data: { runId: 'r1' } } as RunEvent);
      const action = nextStep(begun);
      expect(action).toMatchObject({ type: 'call_model', call: { request: { provider: 'local', model: 'model-7' } } });
    });

    it('refuses a local agent whose model the project does not have, naming the agent\'s model, before any event', () => {
      spec.given([]).when(start({ starter: null })).thenThrows({ kind: 'validation', code: 'run.model.unknown', field: 'agents.python_programmer.model.name' });
      spec.given([]).when(start({})).thenThrows({ kind: 'validation', code: 'run.model.unknown' });
    });

    it('names the override when the run changed the agent\'s model', () =>
      spec
        .given([])
        .when(start({ starter: 'starter', production: null }, { agents: { stock_trader: { model: 'production' } } }))
        .thenThrows({ kind: 'validation', code: 'run.model.unknown', field: 'overrides.agents.stock_trader.model' }));

    it('pins nothing for an agent on an OpenAI-compatible provider (its model is the endpoint\'s name)', () => {
      const [started] = runDecider.decide(start({ starter: 'starter' }, { agents: { stock_trader: { provider: 'openai', model: 'gpt-4o-mini' } } }), runDecider.initialState, { now });
      const plan = (started.data as { plan: { user: { modelId?: string; model: string } } }).plan;
      expect(plan.user).toMatchObject({ model: 'gpt-4o-mini' });
      expect(plan.user.modelId).toBeUndefined();
    });
  });

  describe('the worker protocol', () => {
    it('begins a queued run once; a redelivered job begins nothing', () => {
      const { events } = history(0);
      const started = events.slice(0, 1);
      spec.given(started).when({ type: 'BeginRun', runId: 'r1' }).then([{ type: 'RunBegan', data: { runId: 'r1' } }]);
      spec.given(events).when({ type: 'BeginRun', runId: 'r1' }).then([]);
    });

    it('records the expected turn; the same answer delivered again appends nothing', () => {
      const { events } = history(0);
      const [turn] = runDecider.decide(answer('turn-1'), events.reduce(runDecider.evolve, runDecider.initialState), { now });
      expect(turn).toMatchObject({ type: 'TurnRecorded', data: { turnId: 'turn-1', index: 1, agent: 'stock_trader', role: 'user', kind: 'ai' } });
      spec.given([...events, turn]).when(answer('turn-1')).then([]);
    });

    it('refuses an answer to a call the run does not expect, naming the call', () =>
      spec.given(history(0).events).when(answer('turn-4')).thenThrows({ kind: 'conflict', code: 'run.call.unexpected', field: 'callId' }));

    it('refuses answers for a run that has not begun', () => {
      const started = history(0).events.slice(0, 1);
      spec.given(started).when(answer('specify')).thenThrows({ kind: 'conflict', code: 'run.not-started' });
    });

    it('refuses a late answer after a cancel (the call was aborted)', () => {
      const { events } = history(1);
      spec.given([...events, { type: 'RunCancelled', data: { runId: 'r1', reason: 'cancelled' } }]).when(answer('turn-2')).thenThrows({ kind: 'conflict', code: 'run.finished' });
    });

    it('records a failed call and fails the run; answers wait for a retry, which runs the call again', () => {
      const { events } = history(1);
      const failure = { type: 'RecordModelFailure' as const, runId: 'r1', callId: 'turn-2', error: { kind: 'server_error' as const, message: 'HTTP 500', retryable: true } };
      const failed: RunEvent = {
        type: 'TurnFailed',
        data: { runId: 'r1', callId: 'turn-2', purpose: 'turn', turnId: 'turn-2', errorKind: 'server_error', message: 'HTTP 500', retryable: true },
      };
      spec.given(events).when(failure).then([failed]);
      spec.given([...events, failed]).when(failure).then([]);
      spec.given([...events, failed]).when(answer('turn-2')).thenThrows({ kind: 'conflict', code: 'run.failed' });
      spec.given([...events, failed]).when({ type: 'RetryRun', runId: 'r1' }).then([{ type: 'RunRetried', data: { runId: 'r1', callId: 'turn-2' } }]);
      spec.given(events).when({ type: 'RetryRun', runId: 'r1' }).thenThrows({ kind: 'conflict', code: 'run.not-failed' });
    });

    it('knows no run before it started', () => spec.given([]).when({ type: 'PauseRun', runId: 'r1' }).thenThrows({ kind: 'not-found', code: 'run.not-found' }));
  });

  describe('controls', () => {
    const paused: RunEvent = { type: 'RunPaused', data: { runId: 'r1', reason: 'requested' } };

    it('pauses a running run (twice is once) and resumes a paused one', () => {
      const { events } = history(1);
      spec.given(events).when({ type: 'PauseRun', runId: 'r1' }).then([paused]);
      spec.given([...events, paused]).when({ type: 'PauseRun', runId: 'r1' }).then([]);
      spec.given([...events, paused]).when({ type: 'ResumeRun', runId: 'r1' }).then([{ type: 'RunResumed', data: { runId: 'r1' } }]);
      spec.given(events).when({ type: 'ResumeRun', runId: 'r1' }).then([]);
    });

    it('records an in-flight answer while paused and stays paused', () => {
      const { events } = history(1);
      spec.given([...events, paused]).when(answer('turn-2', 'Solution: done. Next request.')).then([
        expect.objectContaining({ type: 'TurnRecorded', data: expect.objectContaining({ turnId: 'turn-2' }) }) as unknown as RunEvent,
      ]);
    });

    it('steps: one turn, then paused again', () => {
      const { events } = history(1);
      const stepped: RunEvent = { type: 'StepRequested', data: { runId: 'r1' } };
      spec.given([...events, paused]).when({ type: 'StepRun', runId: 'r1' }).then([stepped]);
      const [turn, pause] = runDecider.decide(answer('turn-2', 'Solution: x. Next request.'), [...events, paused, stepped].reduce(runDecider.evolve, runDecider.initialState), { now });
      expect([turn.type, pause]).toEqual(['TurnRecorded', { type: 'RunPaused', data: { runId: 'r1', reason: 'step' } }]);
    });

    it('a resume during a step ends the step: the run goes on instead of pausing after the turn', () => {
      const { events } = history(1);
      const stepped: RunEvent = { type: 'StepRequested', data: { runId: 'r1' } };
      const resumed: RunEvent = { type: 'RunResumed', data: { runId: 'r1' } };
      spec.given([...events, paused, stepped]).when({ type: 'ResumeRun', runId: 'r1' }).then([resumed]);
      spec.given([...events, paused, stepped, resumed]).when({ type: 'ResumeRun', runId: 'r1' }).then([]);
      const decided = runDecider.decide(answer('turn-2', 'Solution: x. Next request.'), [...events, paused, stepped, resumed].reduce(runDecider.evolve, runDecider.initialState), { now });
      expect(decided.map((e) => e.type)).toEqual(['TurnRecorded']);
    });

    it('cancels any unfinished run once; a completed run cannot be cancelled', () => {
      const { events } = history(1);
      const cancelled: RunEvent = { type: 'RunCancelled', data: { runId: 'r1', reason: 'cancelled' } };
      spec.given(events).when({ type: 'CancelRun', runId: 'r1' }).then([cancelled]);
      spec.given([...events, cancelled]).when({ type: 'CancelRun', runId: 'r1' }).then([]);
      const completed: RunEvent = { type: 'RunCompleted', data: { runId: 'r1', reason: 'task_done' } };
      spec.given([...events, completed]).when({ type: 'CancelRun', runId: 'r1' }).thenThrows({ kind: 'conflict', code: 'run.finished' });
      spec.given([...events, completed]).when({ type: 'PauseRun', runId: 'r1' }).thenThrows({ kind: 'conflict', code: 'run.not-running' });
      spec.given([...events, cancelled]).when({ type: 'ResumeRun', runId: 'r1' }).thenThrows({ kind: 'conflict', code: 'run.not-paused' });
    });
  });

  describe('human turns', () => {
    const human = { agents: { stock_trader: { kind: 'human', inputTimeoutSeconds: 60 } } };
    const submit = (content: unknown, agent = 'stock_trader', turnId = 'turn-1') => ({
      type: 'SubmitHumanTurn' as const,
      runId: 'r1',
      turnId,
      agent,
      content,
      submittedBy: 'u1',
    });

    it('requests the turn with its deadline when the run reaches it', () => {
      const { events } = history(0, human);
      expect(events.at(-1)).toEqual({
        type: 'InputRequested',
        data: { runId: 'r1', turnId: 'turn-1', index: 1, agent: 'stock_trader', role: 'user', input: 'turn', deadline: '2026-03-01T10:01:00.000Z' },
      });
    });

    it('records the turn of the awaited agent, once', () => {
      const { events } = history(0, human);
      const [turn] = runDecider.decide(submit('Instruction: plot prices\nInput: None'), events.reduce(runDecider.evolve, runDecider.initialState), { now });
      expect(turn).toMatchObject({ type: 'TurnRecorded', data: { kind: 'human', submittedBy: 'u1', call: null, content: 'Instruction: plot prices\nInput: None' } });
      spec.given([...events, turn]).when(submit('Instruction: plot prices\nInput: None')).then([]);
      spec.given([...events, turn]).when(submit('something else')).thenThrows({ kind: 'conflict', code: 'run.turn.recorded' });
    });

    it.each([
      ['another agent', submit('hi', 'python_programmer'), { kind: 'validation', field: 'agent' }],
      ['blank content', submit('   '), { kind: 'validation', field: 'content' }],
      ['content that is no string', submit(42), { kind: 'validation', field: 'content' }],
      ['a turn not awaited', submit('hi', 'stock_trader', 'turn-2'), { kind: 'conflict', code: 'run.input.not-awaited', field: 'turnId' }],
    ])('refuses %s', (_label, command, error) => spec.given(history(0, human).events).when(command).thenThrows(error));

    it('refuses a human turn no one awaits', () => spec.given(history(0).events).when(submit('hi')).thenThrows({ kind: 'conflict', code: 'run.input.not-awaited' }));
    it('names no field when the API asks for a person while nothing is awaited (the turn id is not in the request)', () =>
      spec.given(history(0).events).when(submit('hi', 'stock_trader', '')).thenThrows({ kind: 'conflict', code: 'run.input.not-awaited', field: undefined, message: 'run r1 is running: it awaits no turn from a person' }));

    it('refuses pausing while a person is awaited', () =>
      spec.given(history(0, human).events).when({ type: 'PauseRun', runId: 'r1' }).thenThrows({ kind: 'conflict', code: 'run.not-running' }));

    it('times out only once the deadline has passed', () => {
      const { events } = history(0, human);
      spec.given(events).when({ type: 'ExpireInput', runId: 'r1', turnId: 'turn-1' }).thenThrows({ kind: 'conflict', code: 'run.input.not-expired' });
      const later = deciderSpec(runDecider, { now: new Date('2026-03-01T10:01:00.001Z') });
      later.given(events).when({ type: 'ExpireInput', runId: 'r1', turnId: 'turn-1' }).then([{ type: 'RunCompleted', data: { runId: 'r1', reason: 'input_timeout' } }]);
      later.given(events).when(submit('too late')).thenThrows({ kind: 'conflict', code: 'run.input.expired' });
    });
  });

  describe('RegenerateTurn', () => {
    const regenerate = (extra: Record<string, unknown>) => ({ type: 'RegenerateTurn' as const, runId: 'r1', alternativeId: 'a1', turnId: 'turn-1', ...extra });

    it('asks for another answer to a turn with another model and parameters, on top of the turn’s own', () =>
      spec.given(history(2).events).when(regenerate({ model: 'gpt-4o', parameters: { temperature: 1.2 } })).then([
        {
          type: 'RegenerationRequested',
          data: { runId: 'r1', alternativeId: 'a1', turnId: 'turn-1', provider: 'local', model: 'gpt-4o', parameters: { temperature: 1.2, max_tokens: 200 } },
        },
      ]));

    it('asks once for one alternative id, and also for a finished run', () => {
      const { events, driver } = history(2);
      const requested = driver.dispatch(regenerate({}));
      spec.given([...events, ...requested]).when(regenerate({})).then([]);
      spec.given([...events, { type: 'RunCancelled', data: { runId: 'r1', reason: 'cancelled' } }]).when(regenerate({})).then([
        expect.objectContaining({ type: 'RegenerationRequested' }) as unknown as RunEvent,
      ]);
    });

    it('settles a regeneration that fails after the run ended (the run stays as it was)', () => {
      const { events, driver } = history(2);
      const cancelled: RunEvent = { type: 'RunCancelled', data: { runId: 'r1', reason: 'cancelled' } };
      const asked = driver.dispatch(regenerate({}));
      const error = { kind: 'bad_request' as const, message: 'no such model', retryable: false };
      spec
        .given([...events, ...asked, cancelled])
        .when({ type: 'RecordModelFailure', runId: 'r1', callId: 'regenerate/a1', error })
        .then([
          {
            type: 'TurnFailed',
            data: { runId: 'r1', callId: 'regenerate/a1', purpose: 'regenerate', turnId: 'turn-1', errorKind: 'bad_request', message: 'no such model', retryable: false },
          },
        ]);
    });

    it.each([
      ['an unknown turn', { turnId: 'turn-9' }, 'turnId'],
      ['an unknown provider', { provider: 'elsewhere' }, 'provider'],
      ['a top_p out of range', { parameters: { top_p: 2 } }, 'parameters.top_p'],
      ['an unknown parameter', { parameters: { temp: 1 } }, 'parameters.temp'],
      ['a malformed alternative id', { alternativeId: 'a/b' }, 'alternativeId'],
    ])('refuses %s, naming the field', (_label, extra, field) =>
      spec.given(history(2).events).when(regenerate(extra)).thenThrows({ kind: 'validation', field }));
  });

  it('a provider error keeps its retryable flag in the event', () => {
    const { driver } = history(0);
    const call = nextStep(driver.state);
    if (call.type !== 'call_model') throw new Error('expected a model call');
    const [failed] = driver.answer(call.call, new ProviderError('unauthorized', 'HTTP 401'));
    expect(failed).toMatchObject({ type: 'TurnFailed', data: { errorKind: 'unauthorized', retryable: false } });
    expect(driver.run.status).toBe('failed');
    expect(driver.run.terminationReason).toBe('error');
  });
});
