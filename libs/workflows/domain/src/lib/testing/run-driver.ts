import type { ChatMessage, FinishReason, RunEvent, TokenUsage } from '@camel/contracts';
import type { ValidConfigSet } from '@camel/configs';
import { ProviderError, type ChatResult } from '../llm/chat';
import { nextStep, type RunAction } from '../engine/next-step';
import type { PlannedCall } from '../engine/work';
import { runDecider, type RunCommand } from '../runs/run.decider';
import { STARTER } from './sample-config';
import { initialRunState, type Run, type RunState } from '../runs/run-state';

/** A scripted model: the answer's choices (one string per candidate), a full result, or a provider error. */
export type ScriptedReply = string | readonly string[] | ChatResult | ProviderError;
export type ScriptedModel = (call: PlannedCall, calls: readonly PlannedCall[]) => ScriptedReply;

export function chatResult(contents: readonly string[], usage: TokenUsage | null = null, finishReason: FinishReason = 'stop'): ChatResult {
  return { choices: contents.map((content) => ({ content, finishReason })), usage, model: 'scripted-model', latencyMs: 7, attempts: 1 };
}

/**
 * The worker's loop without a worker: ask the engine for the next step, answer model calls from a
 * script, decide the command, fold the events. Stops where a person must act (or nothing is left).
 */
export class RunDriver {
  readonly events: RunEvent[] = [];
  readonly calls: PlannedCall[] = [];
  state: RunState = initialRunState;
  now: Date;

  constructor(
    readonly runId = 'r1',
    start = new Date('2026-03-01T10:00:00Z'),
  ) {
    this.now = start;
  }

  get run(): Run {
    if (this.state.status === 'none') throw new Error('the run has not started');
    return this.state;
  }

  start(config: ValidConfigSet, workflow: string, overrides?: unknown): this {
    this.dispatch({ type: 'StartRun', projectStatus: 'active', runId: this.runId, projectId: 'p1', workflow, configVersion: 1, config, overrides, localModels: STARTER });
    return this;
  }

  /** Decides one command and folds what it appended; returns the appended events. */
  dispatch(command: RunCommand): readonly RunEvent[] {
    const events = runDecider.decide(command, this.state, { now: this.now });
    for (const event of events) {
      this.events.push(event);
      this.state = runDecider.evolve(this.state, event);
    }
    return events;
  }

  /** Answers one planned call as the worker would (the answer or the failure for its call id). */
  answer(call: PlannedCall, reply: ScriptedReply): readonly RunEvent[] {
    this.calls.push(call);
    if (reply instanceof ProviderError) {
      return this.dispatch({ type: 'RecordModelFailure', runId: this.runId, callId: call.callId, error: { kind: reply.kind, message: reply.message, retryable: reply.retryable } });
    }
    const answer = typeof reply === 'string' ? chatResult([reply]) : Array.isArray(reply) ? chatResult(reply) : (reply as ChatResult);
    return this.dispatch({ type: 'RecordModelAnswer', runId: this.runId, callId: call.callId, answer });
  }

  /** Runs the loop until the engine waits for a person or is idle (a run that never settles fails the test). */
  drive(model: ScriptedModel): RunAction {
    const action = this.advance(model, 500);
    if (action.type !== 'await_input' && action.type !== 'idle') throw new Error('the run did not settle within 500 steps');
    return action;
  }

  /** At most `steps` steps of the loop (fewer when it must wait); returns the action it would take next. */
  advance(model: ScriptedModel, steps: number): RunAction {
    for (let step = 0; step < steps; step++) {
      const action = nextStep(this.state);
      switch (action.type) {
        case 'begin':
          this.dispatch({ type: 'BeginRun', runId: this.runId });
          break;
        case 'call_model':
          this.answer(action.call, model(action.call, this.calls));
          break;
        case 'complete':
          this.dispatch({ type: 'CompleteRun', runId: this.runId });
          break;
        case 'await_input':
        case 'idle':
          return action;
        default: {
          const unknown: never = action;
          throw new Error(`unknown action ${JSON.stringify(unknown)}`);
        }
      }
    }
    return nextStep(this.state);
  }

  callsFor(purpose: PlannedCall['purpose']): PlannedCall[] {
    return this.calls.filter((c) => c.purpose === purpose);
  }

  typesOf(events: readonly RunEvent[] = this.events): string[] {
    return events.map((e) => e.type);
  }
}

export const messagesText = (messages: readonly ChatMessage[]): string => messages.map((m) => `${m.role}: ${m.content}`).join('\n---\n');
