import type { RecordedEvent, RunEvent } from '@camel/contracts';
import { promptHash } from '../engine/prompts';
import { configSet, configWith } from '../testing/sample-config';
import { RunDriver, type ScriptedModel } from '../testing/run-driver';
import { rebuildPrompt, runStateAt } from './replay';

/** The events as the store returns them: positions with gaps, as on PostgreSQL. */
function recorded(events: readonly RunEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({
    position: 4096 * (i + 1) + 3,
    streamId: 'run-r1',
    streamType: 'run',
    streamVersion: i + 1,
    id: `e${i}`,
    type: event.type,
    schemaVersion: 1,
    // As stored: JSON, not the objects the decider made.
    data: JSON.parse(JSON.stringify(event.data)),
    metadata: { actor: { type: 'system', id: 'worker' }, correlationId: 'c', time: '2026-03-01T10:00:00.000Z' },
    hash: '',
    recordedAt: '2026-03-01T10:00:00.000Z',
  }));
}

/** Every call the driver made is rebuilt from the stream alone, message for message, with the recorded hash. */
function expectEveryPromptRebuilt(driver: RunDriver) {
  const stream = recorded(driver.events);
  expect(driver.calls.length).toBeGreaterThan(0);
  for (const call of driver.calls) {
    const id = call.purpose === 'regenerate' && call.alternativeId ? call.alternativeId : call.callId;
    const rebuilt = rebuildPrompt(stream, id);
    expect({ id, messages: rebuilt?.messages }).toEqual({ id, messages: call.request.messages });
    expect(rebuilt?.sha256).toBe(promptHash(call.request.messages));
    expect(rebuilt?.recordedSha256).toBe(rebuilt?.sha256);
  }
}

const rolePlay: ScriptedModel = (call) => {
  if (call.purpose === 'task_specify') return 'Trade AAPL on moving-average crossovers.';
  if (call.purpose === 'critic') return `Option ${(call.place?.index ?? 0) % 2 + 1} is better.`;
  const index = call.place?.index ?? 0;
  const text = call.place?.role === 'user' ? `Instruction: step ${index}\nInput: None` : `Solution: step ${index - 1} done.\nNext request.`;
  return call.request.n && call.request.n > 1 ? [`${text} (a)`, `${text} (b)`] : text;
};

describe('replay', () => {
  it('rebuilds the exact prompt of every call of a multi-turn role-play: specifier, turns with candidates, critic, regeneration', () => {
    const config = configWith(
      {
        critiqued:
          'version: 1\nname: critiqued\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Build a trading bot.\ntask_specify:\n  agent: task_specifier\n  word_limit: 30\ncritic: reviewer\nmax_turns: 4\n',
      },
      // A short memory window, so the history sent is a slice of the conversation.
      (agents) => agents.replace('max_tokens: 256\n    memory_window: 20', 'max_tokens: 256\n    memory_window: 3'),
    );
    const driver = new RunDriver().start(config, 'critiqued', { critic: { candidates: 2 } });
    driver.drive(rolePlay);
    driver.dispatch({ type: 'RegenerateTurn', runId: 'r1', alternativeId: 'alt-1', turnId: 'turn-4', provider: 'openai', model: 'assistant-sft' });
    driver.drive(() => 'Solution: differently.\nNext request.');
    expect(driver.run.turns).toHaveLength(8);
    expect(driver.callsFor('critic')).toHaveLength(8);
    const assistantHistories = driver.run.turns.filter((t) => t.role === 'assistant').map((t) => (t.promptRef.kind === 'role_play' ? t.promptRef.history.length : -1));
    expect(assistantHistories).toEqual([1, 3, 3, 3]);
    expectEveryPromptRebuilt(driver);
    // A candidate that was not chosen shares its turn's prompt.
    const candidate = driver.run.alternatives.find((a) => a.source === 'critic-candidate');
    expect(rebuildPrompt(recorded(driver.events), candidate?.alternativeId ?? '')?.messages).toEqual(rebuildPrompt(recorded(driver.events), candidate?.turnId ?? '')?.messages);
  });

  it('rebuilds a person’s turn as the prompt they were shown', () => {
    const driver = new RunDriver().start(configSet(), 'stock_trading_bot', { agents: { stock_trader: { kind: 'human' } }, maxTurns: 2 });
    for (;;) {
      const waiting = driver.drive(rolePlay);
      if (waiting.type !== 'await_input' || waiting.input !== 'turn') break;
      const rebuilt = rebuildPrompt(recorded(driver.events), waiting.place.turnId);
      expect(rebuilt).toBeNull();
      driver.dispatch({ type: 'SubmitHumanTurn', runId: 'r1', turnId: waiting.place.turnId, agent: 'stock_trader', content: `Instruction: ${waiting.place.index}\nInput: None`, submittedBy: 'u1' });
      expect(rebuildPrompt(recorded(driver.events), waiting.place.turnId)?.messages).toEqual(waiting.prompt);
    }
    expect(driver.run.terminationReason).toBe('max_turns');
    expectEveryPromptRebuilt(driver);
  });

  it('rebuilds the exact prompt of every step of a pipeline over its iterations', () => {
    const driver = new RunDriver().start(configSet(), 'propose_execute_review');
    driver.drive((call) => `${call.place?.step?.id} output of iteration ${call.place?.step?.iteration}`);
    expect(driver.run.turns).toHaveLength(9);
    expectEveryPromptRebuilt(driver);
  });

  it('gives the run as of any event, by count or by global position', () => {
    const driver = new RunDriver().start(configSet(), 'stock_trading_bot', { maxTurns: 2 });
    driver.drive(rolePlay);
    const stream = recorded(driver.events);
    const types = stream.map((e) => e.type);
    expect(types).toEqual(['RunStarted', 'RunBegan', 'TaskSpecified', 'TurnRecorded', 'TurnRecorded', 'TurnRecorded', 'TurnRecorded', 'RunCompleted']);
    expect(runStateAt(stream, { count: 0 })).toEqual({ status: 'none' });
    expect(runStateAt(stream, { count: 1 })).toMatchObject({ status: 'queued', turns: [] });
    expect(runStateAt(stream, { count: 3 })).toMatchObject({ status: 'running', task: 'Trade AAPL on moving-average crossovers.', turns: [] });
    expect(runStateAt(stream, { position: stream[4].position })).toMatchObject({ status: 'running', turns: [{ turnId: 'turn-1' }, { turnId: 'turn-2' }] });
    expect(runStateAt(stream, { position: stream[4].position + 1 })).toEqual(runStateAt(stream, { count: 5 }));
    expect(runStateAt(stream)).toMatchObject({ status: 'completed', terminationReason: 'max_turns' });
    expect(runStateAt(stream)).toEqual(driver.state);
  });

  it('knows no call the stream does not hold', () => {
    const driver = new RunDriver().start(configSet(), 'stock_trading_bot', { maxTurns: 1 });
    driver.drive(rolePlay);
    const stream = recorded(driver.events);
    expect(rebuildPrompt(stream, 'turn-9')).toBeNull();
    expect(rebuildPrompt(stream, 'turn-1/critic')).toBeNull();
    expect(rebuildPrompt([], 'turn-1')).toBeNull();
  });
});
