import { configSet, configWith } from '../testing/sample-config';
import { RunDriver, type ScriptedModel } from '../testing/run-driver';

const PIPELINE = 'propose_execute_review';
const TASK = 'Write a Python function that parses ISO-8601 durations, with tests.';

/** Proposer, executor and reviewer by iteration; the reviewer approves in iteration `approveAt`. */
function team(approveAt = Infinity): ScriptedModel {
  return (call) => {
    const { id, iteration } = call.place?.step ?? { id: '?', iteration: 0 };
    if (id === 'propose') return `plan ${iteration}`;
    if (id === 'execute') return `result ${iteration}`;
    return iteration >= approveAt ? 'APPROVED: all tests pass.' : `review ${iteration}: handle PT0S`;
  };
}

describe('pipeline workflows', () => {
  it('runs the steps in order, rendering inputs from earlier outputs, and stops when the review approves', () => {
    const driver = new RunDriver().start(configSet(), PIPELINE);
    expect(driver.drive(team(2))).toEqual({ type: 'idle', reason: 'finished' });
    const calls = driver.callsFor('turn');
    expect(calls.map((c) => `${c.place?.step?.id}#${c.place?.step?.iteration}`)).toEqual(['propose#1', 'execute#1', 'review#1', 'propose#2', 'execute#2', 'review#2']);
    const input = (i: number) => calls[i].request.messages[1].content;
    expect(input(0)).toBe(`Task: ${TASK}\nReview of the previous attempt (empty on the first iteration): \n`);
    expect(input(1)).toBe('plan 1');
    expect(input(2)).toBe(`Task: ${TASK}\nPlan: plan 1\nResult: result 1\n`);
    // The second iteration sees the previous iteration's review, and this iteration's plan.
    expect(input(3)).toBe(`Task: ${TASK}\nReview of the previous attempt (empty on the first iteration): review 1: handle PT0S\n`);
    expect(input(5)).toBe(`Task: ${TASK}\nPlan: plan 2\nResult: result 2\n`);
    expect(calls[0].request.messages[0]).toEqual({ role: 'system', content: expect.stringContaining('Propose a concrete plan for the task.') });
    expect(calls[2].request).toMatchObject({ provider: 'local', model: 'starter', parameters: { temperature: 0, max_tokens: 200 } });
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
    expect(calls[3].promptRef).toEqual({ kind: 'pipeline', bindings: { 'steps.review.output': 'turn-3' }, sha256: expect.any(String) });
  });

  it('stops after max_iterations when the stop condition never holds (max_turns)', () => {
    const driver = new RunDriver().start(configSet(), PIPELINE);
    driver.drive(team());
    expect(driver.run.turns).toHaveLength(9);
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'max_turns' });
  });

  it('runs every iteration when no stop condition is configured, rendering {{iteration}}', () => {
    const config = configWith({
      loop: 'version: 1\nname: loop\ntype: pipeline\ntask_prompt: Count.\nsteps:\n  - id: count\n    agent: executor\n    input: "Attempt {{iteration}} of {{task}} after {{ steps.count.output }}"\nmax_iterations: 3\n',
    });
    const driver = new RunDriver().start(config, 'loop', { maxIterations: 2 });
    driver.drive((call) => `out ${call.place?.step?.iteration}`);
    expect(driver.callsFor('turn').map((c) => c.request.messages[1].content)).toEqual(['Attempt 1 of Count. after ', 'Attempt 2 of Count. after out 1']);
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
  });

  it('tests the stop condition after the whole iteration', () => {
    const config = configWith({
      early: 'version: 1\nname: early\ntype: pipeline\ntask_prompt: T.\nsteps:\n  - id: check\n    agent: reviewer\n    input: "{{task}}"\n  - id: act\n    agent: executor\n    input: "{{previous.output}}"\nmax_iterations: 5\nstop:\n  step: check\n  contains: STOP\n',
    });
    const driver = new RunDriver().start(config, 'early');
    driver.drive((call) => (call.place?.step?.id === 'check' ? 'STOP now' : 'acted'));
    expect(driver.run.turns.map((t) => t.step?.id)).toEqual(['check', 'act']);
    expect(driver.run.terminationReason).toBe('task_done');
  });

  it('a human step awaits a person, shown the rendered input', () => {
    const driver = new RunDriver().start(configSet(), PIPELINE, { agents: { reviewer: { kind: 'human' } }, maxIterations: 1 });
    const awaiting = driver.drive(team());
    expect(awaiting).toMatchObject({ type: 'await_input', input: 'turn', place: { turnId: 'turn-3', agent: 'reviewer', role: 'step', step: { id: 'review', iteration: 1 } } });
    if (awaiting.type !== 'await_input' || awaiting.input !== 'turn') throw new Error('expected a human turn');
    expect(awaiting.prompt[1].content).toContain('Result: result 1');
    driver.dispatch({ type: 'SubmitHumanTurn', runId: 'r1', turnId: 'turn-3', agent: 'reviewer', content: 'APPROVED', submittedBy: 'u1' });
    expect(driver.run).toMatchObject({ status: 'completed', terminationReason: 'task_done' });
  });

  it('refuses role-play overrides on a pipeline, naming the field', () => {
    expect(() => new RunDriver().start(configSet(), PIPELINE, { maxTurns: 3 })).toThrow(expect.objectContaining({ kind: 'validation', field: 'overrides.maxTurns' }));
    expect(() => new RunDriver().start(configSet(), PIPELINE, { critic: { kind: 'human' } })).toThrow(expect.objectContaining({ field: 'overrides.critic' }));
  });
});
