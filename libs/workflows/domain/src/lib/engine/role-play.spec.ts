import { CAMEL_TASK_DONE, type ChatMessage } from '@camel/contracts';
import { ProviderError } from '../llm/chat';
import { configSet, configWith } from '../testing/sample-config';
import { RunDriver, chatResult, type ScriptedModel } from '../testing/run-driver';
import type { PlannedCall } from './work';

const ROLE_PLAY = 'stock_trading_bot';
const SPECIFIED = 'Build a Python bot that trades AAPL on 5-minute moving-average crossovers with a 2% stop-loss.';
const ORIGINAL = 'Develop a trading bot for the stock market.';

const flat = (text: string) => text.replace(/\s+/g, ' ');
const system = (call: PlannedCall) => flat(call.request.messages[0].content);

/** A conversation script: the specifier, then numbered instructions and solutions until `doneAt`. */
function conversation(doneAt = Infinity): ScriptedModel {
  return (call) => {
    if (call.purpose === 'task_specify') return SPECIFIED;
    const index = call.place?.index ?? 0;
    if (call.place?.role === 'user') return index >= doneAt ? CAMEL_TASK_DONE : `Instruction: step ${index}\nInput: None`;
    return `Solution: did step ${index - 1}. Next request.`;
  };
}

const roles = (messages: readonly ChatMessage[]) => messages.map((m) => m.role);

describe('CAMEL role-playing', () => {
  it('sends CAMEL’s inception prompts, the opening message and each agent’s own history', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 2 });
    driver.drive(conversation());
    const [user1, assistant2, user3, assistant4] = driver.callsFor('turn');

    expect(system(user1)).toContain('Never forget you are a Stock Trader and I am a Python Programmer. Never flip roles! You will always instruct me.');
    expect(user1.request.messages[0].content).toContain('Instruction: <YOUR_INSTRUCTION>\nInput: <YOUR_INPUT>');
    expect(user1.request.messages[0].content).toContain('Instruction: <YOUR_INSTRUCTION>\nInput: None');
    expect(system(user1)).toContain('never ask');
    expect(system(user1)).toContain(`When the task is completed, you must only reply with a single word ${CAMEL_TASK_DONE}.`);
    expect(user1.request.messages.slice(1)).toEqual([{ role: 'user', content: 'Now start to give me instructions one by one. Only reply with Instruction and Input.' }]);

    expect(system(assistant2)).toContain('Never forget you are a Python Programmer and I am a Stock Trader. Never flip roles! Never instruct me!');
    expect(system(assistant2)).toContain('Unless I say the task is completed, you should always start with: Solution: <YOUR_SOLUTION>');
    expect(system(assistant2)).toContain('Always end <YOUR_SOLUTION> with: Next request.');
    expect(assistant2.request.messages.slice(1)).toEqual([{ role: 'user', content: 'Instruction: step 1\nInput: None' }]);

    // The agent's own turns come back as `assistant`, the peer's as `user`.
    expect(roles(user3.request.messages)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(user3.request.messages[3].content).toBe('Solution: did step 1. Next request.');
    expect(roles(assistant4.request.messages)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(assistant4.request.messages[3].content).toBe('Instruction: step 3\nInput: None');
  });

  it('appends the agent’s own system prompt as its persona, after the inception prompt', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 1 });
    driver.drive(conversation());
    const [user1, assistant2] = driver.callsFor('turn');
    expect(user1.request.messages[0].content).toMatch(/completed the task\.\n\nYou trade equities/);
    expect(assistant2.request.messages[0].content).toMatch(/Next request\.\n\nYou write clear, idiomatic Python 3/);
  });

  it('specifies the task first; the specified task replaces the original in both system prompts and is recorded', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 1 });
    driver.drive(conversation());
    const [specify] = driver.callsFor('task_specify');
    expect(specify.request.messages[1].content).toContain(`with this task: ${ORIGINAL}`);
    expect(specify.request.messages[1].content).toContain('make it more specific');
    expect(specify.request.messages[1].content).toContain('in 50 words or less');
    expect(driver.events.find((e) => e.type === 'TaskSpecified')?.data).toMatchObject({ originalTask: ORIGINAL, specifiedTask: SPECIFIED, agent: 'task_specifier' });
    for (const call of driver.callsFor('turn')) {
      expect(call.request.messages[0].content).toContain(SPECIFIED);
      expect(call.request.messages[0].content).not.toContain(ORIGINAL);
    }
  });

  it('uses the workflow’s word limit, and no specifier when none is configured', () => {
    const config = configWith({
      plain: 'version: 1\nname: plain\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Sort a list.\nmax_turns: 1\n',
      wordy: 'version: 1\nname: wordy\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Sort a list.\ntask_specify:\n  agent: task_specifier\nmax_turns: 1\n',
    });
    const plain = new RunDriver().start(config, 'plain');
    plain.drive(conversation());
    expect(plain.callsFor('task_specify')).toEqual([]);
    expect(plain.callsFor('turn')[0].request.messages[0].content).toContain('The task: Sort a list.');
    const wordy = new RunDriver().start(config, 'wordy');
    wordy.drive(conversation());
    expect(wordy.callsFor('task_specify')[0].request.messages[1].content).toContain(`in 50 words or less`);
  });

  it('ends at once on a user turn with the done token, without calling the assistant again', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY);
    const last = driver.drive(conversation(5));
    expect(last).toEqual({ type: 'idle', reason: 'finished' });
    expect(driver.callsFor('turn').map((c) => c.place?.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
    expect(driver.typesOf().slice(-2)).toEqual(['TurnRecorded', 'RunCompleted']);
  });

  it('never sends the done token as a stop sequence (the endpoint would cut it from the answer)', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 1 });
    driver.drive(conversation());
    const user = driver.callsFor('turn')[0];
    expect(user.agent).toBe('stock_trader');
    expect(user.request.parameters).toEqual({ temperature: 0.7, max_tokens: 200 });
  });

  it('ends on a configured termination token in any turn', () => {
    const config = configWith({
      tokens: 'version: 1\nname: tokens\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Sort a list.\nmax_turns: 9\ntermination_tokens: ["ALL DONE"]\n',
    });
    const driver = new RunDriver().start(config, 'tokens');
    driver.drive((call) => (call.place?.index === 4 ? 'Solution: sorted. ALL DONE' : 'Instruction: sort\nInput: None'));
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
    expect(driver.run.turns).toHaveLength(4);
  });

  it('ends after max_turns rounds (an instruction and its solution each)', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 3 });
    driver.drive(conversation());
    expect(driver.run.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'max_turns' });
  });

  it('ends when the token budget is spent, counting the specifier', () => {
    const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTotalTokens: 100 });
    driver.drive((call) => chatResult([call.purpose === 'task_specify' ? SPECIFIED : 'Instruction: x\nInput: None'], { promptTokens: 30, completionTokens: 10, totalTokens: 40 }));
    expect(driver.calls).toHaveLength(3);
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'max_tokens_exceeded', tokensUsed: 120 });
  });

  it('keeps the system message and the last memory_window messages of the history', () => {
    const config = configWith({}, (agents) => agents.replace('max_tokens: 200\n      stop: ["<CAMEL_TASK_DONE>"]\n    memory_window: 20', 'max_tokens: 200\n    memory_window: 2'));
    const driver = new RunDriver().start(config, ROLE_PLAY, { maxTurns: 3 });
    driver.drive(conversation());
    const users = driver.callsFor('turn').filter((c) => c.place?.role === 'user');
    expect(users.map((c) => c.request.messages.length)).toEqual([2, 3, 3]);
    expect(users[2].request.messages.map((m) => m.content.slice(0, 14))).toEqual([expect.stringContaining('Never forget'), 'Instruction: s', 'Solution: did ']);
    expect(users[2].promptRef).toMatchObject({ kind: 'role_play', history: ['turn-3', 'turn-4'] });
  });

  describe('with a critic', () => {
    const critic = (extra = '') =>
      configWith({
        critiqued: `version: 1\nname: critiqued\ntype: role_playing\nassistant: python_programmer\nuser: stock_trader\ntask_prompt: Sort a list.\ncritic: reviewer\nmax_turns: 1\n${extra}`,
      });

    it('asks the acting agent for N candidates; the critic picks one; the others become alternatives of the turn', () => {
      const driver = new RunDriver().start(critic(), 'critiqued', { critic: { candidates: 3 } });
      driver.drive((call) => {
        if (call.purpose === 'critic') return call.place?.role === 'user' ? 'Option 2 is the clearest.' : 'I pick 3: it is complete.';
        return [1, 2, 3].map((i) => `${call.place?.role} candidate ${i}`);
      });
      const turnCalls = driver.callsFor('turn');
      expect(turnCalls.map((c) => c.request.n)).toEqual([3, 3]);
      const [criticOfUser] = driver.callsFor('critic');
      expect(criticOfUser.agent).toBe('reviewer');
      expect(criticOfUser.request.messages[1].content).toContain('Option 1:\nuser candidate 1\n\nOption 2:\nuser candidate 2\n\nOption 3:\nuser candidate 3');
      expect(driver.run.turns.map((t) => [t.content, t.critic?.chosen, t.critic?.parsed])).toEqual([
        ['user candidate 2', 1, true],
        ['assistant candidate 3', 2, true],
      ]);
      expect(driver.run.alternatives.map((a) => [a.turnId, a.source, a.candidate, a.content])).toEqual([
        ['turn-1', 'critic-candidate', 0, 'user candidate 1'],
        ['turn-1', 'critic-candidate', 2, 'user candidate 3'],
        ['turn-2', 'critic-candidate', 0, 'assistant candidate 1'],
        ['turn-2', 'critic-candidate', 1, 'assistant candidate 2'],
      ]);
    });

    it('takes the first candidate when the critic names no valid option, and says so', () => {
      const driver = new RunDriver().start(critic(), 'critiqued', { critic: { candidates: 2 } });
      driver.drive((call) => (call.purpose === 'critic' ? 'Option 7, clearly.' : ['a', 'b']));
      expect(driver.run.turns[0].critic).toMatchObject({ chosen: 0, parsed: false, rationale: 'Option 7, clearly.' });
    });

    it('lets a person be the critic: the run awaits the choice', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { critic: { kind: 'human', candidates: 2, inputTimeoutSeconds: 300 }, maxTurns: 1 });
      const awaiting = driver.drive(conversationWith(['first', 'second']));
      expect(awaiting).toMatchObject({ type: 'await_input', input: 'choice', candidates: ['first', 'second'], deadline: '2026-03-01T10:05:00.000Z' });
      expect(driver.run.status).toBe('awaiting_input');
      expect(() => driver.dispatch({ type: 'ChooseCandidate', runId: 'r1', turnId: 'turn-1', candidate: 2, chosenBy: 'u1' })).toThrow(
        expect.objectContaining({ kind: 'validation', field: 'candidate' }),
      );
      driver.dispatch({ type: 'ChooseCandidate', runId: 'r1', turnId: 'turn-1', candidate: 1, chosenBy: 'u1' });
      expect(driver.run.turns[0]).toMatchObject({ content: 'second', critic: { agent: null, chosen: 1, chosenBy: 'u1' } });
      expect(driver.run.alternatives).toMatchObject([{ turnId: 'turn-1', content: 'first', source: 'critic-candidate' }]);
      expect(driver.drive(conversationWith(['third', 'fourth']))).toMatchObject({ input: 'choice', place: { turnId: 'turn-2', role: 'assistant' } });
    });
  });

  describe('a human agent', () => {
    it('awaits a person’s turn (shown the prompt a model would get), then the AI answers it', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { agents: { stock_trader: { kind: 'human', inputTimeoutSeconds: 600 } }, maxTurns: 1 });
      const awaiting = driver.drive(conversation());
      expect(awaiting).toMatchObject({ type: 'await_input', input: 'turn', place: { turnId: 'turn-1', agent: 'stock_trader' }, deadline: '2026-03-01T10:10:00.000Z' });
      if (awaiting.type !== 'await_input' || awaiting.input !== 'turn') throw new Error('expected a human turn');
      expect(awaiting.prompt[1].content).toContain('Now start to give me instructions');
      expect(driver.run.status).toBe('awaiting_input');
      driver.dispatch({ type: 'SubmitHumanTurn', runId: 'r1', turnId: 'turn-1', agent: 'stock_trader', content: 'Instruction: fetch prices\nInput: AAPL', submittedBy: 'u1' });
      expect(driver.drive(conversation())).toEqual({ type: 'idle', reason: 'finished' });
      expect(driver.callsFor('turn')[0].request.messages[1]).toEqual({ role: 'user', content: 'Instruction: fetch prices\nInput: AAPL' });
      expect(driver.run).toMatchObject({ terminationReason: 'max_turns' });
    });

    it('ends with input_timeout once the deadline passed', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { agents: { stock_trader: { kind: 'human', inputTimeoutSeconds: 60 } } });
      driver.drive(conversation());
      driver.now = new Date('2026-03-01T10:01:01Z');
      driver.dispatch({ type: 'ExpireInput', runId: 'r1', turnId: 'turn-1' });
      expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'input_timeout' });
    });

    it('a person typing the done token ends the run', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { agents: { stock_trader: { kind: 'human' } } });
      const awaiting = driver.drive(conversation());
      expect(awaiting).toMatchObject({ deadline: null });
      driver.dispatch({ type: 'SubmitHumanTurn', runId: 'r1', turnId: 'turn-1', agent: 'stock_trader', content: `${CAMEL_TASK_DONE}`, submittedBy: 'u1' });
      expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
    });
  });

  describe('controls in the loop', () => {
    it('a worker re-run after a crash answers the same call again: nothing is recorded twice', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 2 });
      driver.advance(conversation(), 3);
      const before = driver.events.length;
      const repeated = driver.calls.at(-1);
      if (!repeated) throw new Error('no call made');
      expect(driver.answer(repeated, 'a different answer from the second attempt')).toEqual([]);
      expect(driver.events).toHaveLength(before);
      driver.drive(conversation());
      expect(driver.run.turns.map((t) => t.turnId)).toEqual(['turn-1', 'turn-2', 'turn-3', 'turn-4']);
    });

    it('pause stops between turns, step does one turn, resume continues, cancel ends', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 5 });
      driver.advance(conversation(), 3);
      driver.dispatch({ type: 'PauseRun', runId: 'r1' });
      expect(driver.drive(conversation())).toEqual({ type: 'idle', reason: 'paused' });
      const turns = driver.run.turns.length;
      driver.dispatch({ type: 'StepRun', runId: 'r1' });
      expect(driver.drive(conversation())).toEqual({ type: 'idle', reason: 'paused' });
      expect(driver.run.turns).toHaveLength(turns + 1);
      driver.dispatch({ type: 'ResumeRun', runId: 'r1' });
      driver.advance(conversation(), 2);
      driver.dispatch({ type: 'CancelRun', runId: 'r1' });
      expect(driver.drive(conversation())).toEqual({ type: 'idle', reason: 'finished' });
      expect(driver.run).toMatchObject({ status: 'cancelled', terminationReason: 'stopped' });
    });

    it('a failed call fails the run; retry makes the same call again', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 1 });
      let failures = 1;
      const flaky: ScriptedModel = (call, calls) => {
        if (call.place?.role === 'assistant' && failures-- > 0) return new ProviderError('circuit_open', 'provider openai: circuit open');
        return conversation()(call, calls);
      };
      expect(driver.drive(flaky)).toEqual({ type: 'idle', reason: 'failed' });
      expect(driver.run.failure).toMatchObject({ callId: 'turn-2', errorKind: 'circuit_open', retryable: true });
      driver.dispatch({ type: 'RetryRun', runId: 'r1' });
      expect(driver.drive(flaky)).toEqual({ type: 'idle', reason: 'finished' });
      const assistantCalls = driver.callsFor('turn').filter((c) => c.callId === 'turn-2');
      expect(assistantCalls).toHaveLength(2);
      expect(assistantCalls[1].promptRef.sha256).toBe(assistantCalls[0].promptRef.sha256);
    });

    it('regenerates a turn of a finished run with another model, from the same prompt', () => {
      const driver = new RunDriver().start(configSet(), ROLE_PLAY, { maxTurns: 2 });
      driver.drive(conversation());
      const original = driver.callsFor('turn').find((c) => c.callId === 'turn-2');
      driver.dispatch({ type: 'RegenerateTurn', runId: 'r1', alternativeId: 'alt-1', turnId: 'turn-2', model: 'gpt-4o', parameters: { temperature: 1 } });
      driver.drive(() => 'Solution: another way. Next request.');
      const [regenerated] = driver.callsFor('regenerate');
      expect(regenerated.request).toMatchObject({ provider: 'local', model: 'gpt-4o', parameters: { temperature: 1, top_p: 1, max_tokens: 256 }, n: 1 });
      expect(regenerated.request.messages).toEqual(original?.request.messages);
      expect(driver.run.alternatives).toMatchObject([{ alternativeId: 'alt-1', turnId: 'turn-2', source: 'regenerated', content: 'Solution: another way. Next request.', call: { model: 'gpt-4o' } }]);
      expect(driver.run.turns[1].content).toBe('Solution: did step 1. Next request.');
      expect(driver.run.status).toBe('completed');
    });
  });
});

function conversationWith(candidates: string[]): ScriptedModel {
  return (call) => (call.purpose === 'task_specify' ? SPECIFIED : candidates);
}
