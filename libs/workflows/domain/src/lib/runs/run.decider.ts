import {
  DomainError,
  RUN_TEXT_MAX_LENGTH,
  type InputRequested,
  type ProviderErrorKind,
  type RunAgent,
  type RunEvent,
  type RunPlan,
} from '@camel/contracts';
import type { ValidConfigSet } from '@camel/configs';
import type { DecideContext, Decider } from '@camel/kernel';
import { conversationWork, regenerationCall } from '../engine/next-step';
import { SPECIFY_CALL_ID } from '../engine/role-play';
import type { PlannedCall } from '../engine/work';
import type { ChatResult } from '../llm/chat';
import { answerEvents, chosenTurn } from './answers';
import { pinLocalModels, type LocalModelResolution } from './local-models';
import { resolveRunPlan } from './plan';
import { evolveRun, initialRunState, isFinished, isRun, placeOf, regenerationCallId, turnById, type Run, type RunState } from './run-state';
import { optional, validInteger, validParameters, validText } from './validate';

export type RunCommand =
  | {
      readonly type: 'StartRun';
      readonly runId: string;
      readonly projectId: string;
      readonly workflow: string;
      readonly configVersion: number;
      /** The pinned version, parsed and validated by the caller. */
      readonly config: ValidConfigSet;
      /** Where the project stands (loaded by the handler from the projects read model). */
      readonly projectStatus: 'active' | 'archived' | 'none';
      readonly overrides?: unknown;
      /** What the project's model registry resolved the `type: local` agents' models to (loaded by the handler). */
      readonly localModels: LocalModelResolution;
    }
  | { readonly type: 'BeginRun'; readonly runId: string }
  | { readonly type: 'RecordModelAnswer'; readonly runId: string; readonly callId: string; readonly answer: ChatResult }
  | {
      readonly type: 'RecordModelFailure';
      readonly runId: string;
      readonly callId: string;
      readonly error: { readonly kind: ProviderErrorKind; readonly message: string; readonly retryable: boolean };
    }
  | { readonly type: 'SubmitHumanTurn'; readonly runId: string; readonly turnId: string; readonly agent: string; readonly content: unknown; readonly submittedBy: string }
  | { readonly type: 'ChooseCandidate'; readonly runId: string; readonly turnId: string; readonly candidate: unknown; readonly chosenBy: string }
  | { readonly type: 'ExpireInput'; readonly runId: string; readonly turnId: string }
  | { readonly type: 'PauseRun'; readonly runId: string }
  | { readonly type: 'ResumeRun'; readonly runId: string }
  | { readonly type: 'StepRun'; readonly runId: string }
  | { readonly type: 'CancelRun'; readonly runId: string; readonly reason?: string }
  | { readonly type: 'RetryRun'; readonly runId: string }
  | {
      readonly type: 'RegenerateTurn';
      readonly runId: string;
      /** Chosen by the caller (a UUID): a repeated request with the same id records nothing new. */
      readonly alternativeId: string;
      readonly turnId: unknown;
      readonly provider?: unknown;
      readonly model?: unknown;
      readonly parameters?: unknown;
    }
  | { readonly type: 'CompleteRun'; readonly runId: string };

const ALTERNATIVE_ID = /^[A-Za-z0-9_-]{1,64}$/;

function existing(state: RunState, runId: string): Run {
  if (!isRun(state)) throw DomainError.notFound('run.not-found', `run ${runId} does not exist`);
  return state;
}

const finished = (run: Run) => DomainError.conflict('run.finished', `run ${run.runId} is ${run.status}`);

/** An answer (or failure) for a call already recorded: a re-run worker's repeat, recorded nothing again. */
function callSettled(run: Run, callId: string): boolean {
  if (callId === SPECIFY_CALL_ID) return run.specification !== null;
  if (callId.startsWith(regenerationCallId(''))) return !run.regenerations.some((r) => regenerationCallId(r.alternativeId) === callId);
  const turn = /^turn-(\d+)(\/critic)?$/.exec(callId);
  if (!turn) return false;
  return Number(turn[1]) <= run.turns.length || (!turn[2] && callId in run.candidates);
}

function expectedCall(run: Run, callId: string): PlannedCall {
  const regeneration = run.regenerations.find((r) => regenerationCallId(r.alternativeId) === callId);
  if (regeneration) return regenerationCall(run, regeneration);
  if (isFinished(run)) throw finished(run);
  if (run.status === 'queued') throw DomainError.conflict('run.not-started', `run ${run.runId} has not begun`);
  if (run.status === 'failed') throw DomainError.conflict('run.failed', `run ${run.runId} failed: retry it first`);
  const work = conversationWork(run);
  if (work.type === 'call' && work.call.callId === callId) return work.call;
  const waiting = work.type === 'call' ? `it waits for ${work.call.callId}` : `it needs ${work.type.replace('_', ' ')}`;
  throw DomainError.conflict('run.call.unexpected', `run ${run.runId} expects no answer to ${callId}: ${waiting}`, 'callId');
}

/**
 * After every change: a conversation that reached its end is completed, a step pauses after its
 * turn, and a turn or choice that needs a person is requested with its deadline.
 */
function settle(state: Run, events: RunEvent[], now: Date): RunEvent[] {
  const after = events.reduce(evolveRun, state);
  if (!isRun(after) || isFinished(after) || after.status === 'failed' || after.status === 'queued') return events;
  const runId = after.runId;
  const work = conversationWork(after);
  if (work.type === 'finish') return [...events, { type: 'RunCompleted', data: { runId, reason: work.reason } }];
  if (after.status !== 'running') return events;
  if (after.stepping && events.some((e) => e.type === 'TurnRecorded')) return [...events, { type: 'RunPaused', data: { runId, reason: 'step' } }];
  if (work.type === 'human_turn' || work.type === 'choice') {
    const deadline = work.timeoutSeconds === null ? null : new Date(now.getTime() + work.timeoutSeconds * 1000).toISOString();
    const requested: InputRequested = { type: 'InputRequested', data: { ...work.place, runId, input: work.type === 'choice' ? 'choice' : 'turn', deadline } };
    return [...events, requested];
  }
  return events;
}

/** The input a person may give now: the run awaits exactly this turn (or choice), before its deadline. */
function awaited(run: Run, turnId: string, input: 'turn' | 'choice', now: Date): InputRequested['data'] {
  if (isFinished(run)) throw finished(run);
  const awaiting = run.awaiting;
  if (run.status !== 'awaiting_input' || !awaiting || awaiting.turnId !== turnId || awaiting.input !== input) {
    const what = input === 'turn' ? 'turn' : 'choice';
    // No turn id: the API asked on behalf of a person while the run awaited nothing of them.
    if (!turnId) throw DomainError.conflict('run.input.not-awaited', `run ${run.runId} is ${run.status}: it awaits no ${what} from a person`);
    throw DomainError.conflict('run.input.not-awaited', `run ${run.runId} awaits no ${what} ${turnId}`, 'turnId');
  }
  if (awaiting.deadline !== null && now.getTime() > Date.parse(awaiting.deadline)) {
    throw DomainError.conflict('run.input.expired', `the input for ${turnId} was due at ${awaiting.deadline}`, 'turnId');
  }
  return awaiting;
}

function agentOf(plan: RunPlan, name: string): RunAgent | undefined {
  if (plan.type === 'pipeline') return plan.agents[name];
  return [plan.user, plan.assistant].find((a) => a.name === name);
}

function decide(command: RunCommand, state: RunState, { now }: DecideContext): RunEvent[] {
  if (command.type === 'StartRun') {
    if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
    if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', `project ${command.projectId} is archived and read-only`);
    if (isRun(state)) throw DomainError.conflict('run.exists', `run ${command.runId} already exists`);
    const resolved = resolveRunPlan(command.config, command.workflow, command.overrides);
    const { task, overrides } = resolved;
    const plan = pinLocalModels(command.config, resolved.plan, overrides, command.localModels);
    const { runId, projectId, workflow, configVersion } = command;
    return [{ type: 'RunStarted', data: { runId, projectId, workflow, configVersion, task, overrides, plan } }];
  }
  const run = existing(state, command.runId);
  const runId = run.runId;
  switch (command.type) {
    case 'BeginRun':
      return run.status === 'queued' ? settle(run, [{ type: 'RunBegan', data: { runId } }], now) : [];
    case 'RecordModelAnswer':
      if (callSettled(run, command.callId)) return [];
      return settle(run, answerEvents(run, expectedCall(run, command.callId), command.answer), now);
    case 'RecordModelFailure': {
      // Nothing to record for a repeat, or for a finished run's conversation call (a cancelled call
      // reports `aborted`); a regeneration may fail after the end and must still be settled.
      const regeneration = command.callId.startsWith(regenerationCallId(''));
      if (callSettled(run, command.callId) || (isFinished(run) && !regeneration) || run.failure?.callId === command.callId) return [];
      const call = expectedCall(run, command.callId);
      const { kind, message, retryable } = command.error;
      return settle(
        run,
        [{ type: 'TurnFailed', data: { runId, callId: call.callId, purpose: call.purpose, turnId: call.place?.turnId ?? null, errorKind: kind, message, retryable } }],
        now,
      );
    }
    case 'SubmitHumanTurn': {
      const content = validText(command.content, 'content', RUN_TEXT_MAX_LENGTH);
      const recorded = turnById(run, command.turnId);
      if (recorded?.kind === 'human' && recorded.content === content && recorded.submittedBy === command.submittedBy) return [];
      if (recorded) throw DomainError.conflict('run.turn.recorded', `turn ${command.turnId} is already recorded`, 'turnId');
      const awaiting = awaited(run, command.turnId, 'turn', now);
      if (command.agent !== awaiting.agent) {
        throw DomainError.validation('run.input.agent', 'agent', `turn ${command.turnId} is for agent ${awaiting.agent}, not ${command.agent}`);
      }
      const work = conversationWork(run);
      if (work.type !== 'human_turn') throw new Error(`run ${runId} awaits a turn its plan does not give a person`);
      const { promptRef } = work;
      return settle(
        run,
        [{ type: 'TurnRecorded', data: { ...placeOf(work.place), runId, kind: 'human', content, finishReason: null, call: null, promptRef, critic: null, submittedBy: command.submittedBy } }],
        now,
      );
    }
    case 'ChooseCandidate': {
      const recorded = turnById(run, command.turnId);
      if (recorded?.critic && recorded.critic.chosen === command.candidate && recorded.critic.chosenBy === command.chosenBy) return [];
      if (recorded) throw DomainError.conflict('run.turn.recorded', `turn ${command.turnId} is already recorded`, 'turnId');
      const awaiting = awaited(run, command.turnId, 'choice', now);
      const count = run.candidates[command.turnId]?.candidates.length ?? 0;
      const chosen = validInteger(command.candidate, 'candidate', 0, count - 1);
      const choice = { agent: null, chosen, rationale: null, parsed: true, call: null, promptRef: null, chosenBy: command.chosenBy };
      return settle(run, chosenTurn(run, placeOf(awaiting), choice), now);
    }
    case 'ExpireInput': {
      if (isFinished(run) || turnById(run, command.turnId)) return [];
      const awaiting = run.awaiting;
      if (run.status !== 'awaiting_input' || awaiting?.turnId !== command.turnId) {
        throw DomainError.conflict('run.input.not-awaited', `run ${runId} awaits no input for ${command.turnId}`, 'turnId');
      }
      if (awaiting.deadline === null || now.getTime() < Date.parse(awaiting.deadline)) {
        throw DomainError.conflict('run.input.not-expired', `the input for ${command.turnId} is due at ${awaiting.deadline ?? 'no deadline'}`, 'turnId');
      }
      return [{ type: 'RunCompleted', data: { runId, reason: 'input_timeout' } }];
    }
    case 'PauseRun':
      if (run.status === 'paused') return [];
      if (run.status !== 'running' && run.status !== 'queued') {
        throw DomainError.conflict('run.not-running', `run ${runId} is ${run.status}: only a queued or running run can be paused`);
      }
      return [{ type: 'RunPaused', data: { runId, reason: 'requested' } }];
    case 'ResumeRun':
      // A resume while a step is under way ends the step: the run goes on after its turn.
      if (run.status === 'running' && run.stepping) return [{ type: 'RunResumed', data: { runId } }];
      if (run.status === 'running') return [];
      if (run.status !== 'paused') throw DomainError.conflict('run.not-paused', `run ${runId} is ${run.status}: only a paused run can be resumed`);
      return settle(run, [{ type: 'RunResumed', data: { runId } }], now);
    case 'StepRun':
      if (run.status === 'running' && run.stepping) return [];
      if (run.status !== 'paused' && run.status !== 'running' && run.status !== 'queued') {
        throw DomainError.conflict('run.not-running', `run ${runId} is ${run.status}: only a paused or running run can step`);
      }
      return settle(run, [{ type: 'StepRequested', data: { runId } }], now);
    case 'CancelRun': {
      if (run.status === 'cancelled') return [];
      if (isFinished(run)) throw finished(run);
      const reason = optional(command.reason, (v) => validText(v, 'reason', 500)) ?? 'cancelled';
      return [{ type: 'RunCancelled', data: { runId, reason } }];
    }
    case 'RetryRun':
      if (run.status !== 'failed' || !run.failure) throw DomainError.conflict('run.not-failed', `run ${runId} is ${run.status}: only a failed run can be retried`);
      return settle(run, [{ type: 'RunRetried', data: { runId, callId: run.failure.callId } }], now);
    case 'RegenerateTurn':
      return regenerate(run, command);
    case 'CompleteRun': {
      if (isFinished(run)) return [];
      const work = conversationWork(run);
      if (work.type !== 'finish') throw DomainError.conflict('run.not-done', `run ${runId} has not reached its end`);
      return [{ type: 'RunCompleted', data: { runId, reason: work.reason } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown run command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Allowed on any run, finished or not: an alternative never changes the conversation. */
function regenerate(run: Run, command: Extract<RunCommand, { type: 'RegenerateTurn' }>): RunEvent[] {
  const { alternativeId } = command;
  if (typeof alternativeId !== 'string' || !ALTERNATIVE_ID.test(alternativeId)) {
    throw DomainError.validation('run.regenerate.id', 'alternativeId', 'alternativeId must be 1 to 64 letters, digits, _ or -');
  }
  if (run.regenerations.some((r) => r.alternativeId === alternativeId) || run.alternatives.some((a) => a.alternativeId === alternativeId)) return [];
  const turnId = validText(command.turnId, 'turnId', 64);
  const turn = turnById(run, turnId);
  if (!turn) throw DomainError.validation('run.turn.unknown', 'turnId', `run ${run.runId} has no turn ${turnId}`);
  const agent = agentOf(run.plan, turn.agent);
  const base = turn.call ?? agent;
  if (!base) throw new Error(`run ${run.runId} has no agent ${turn.agent}`);
  const provider = optional(command.provider, (v) => validText(v, 'provider', 64)) ?? base.provider;
  if (!run.plan.providers.includes(provider)) {
    throw DomainError.validation('run.regenerate.provider', 'provider', `provider ${provider} is not in the run's config version (${run.plan.providers.join(', ')})`);
  }
  const model = optional(command.model, (v) => validText(v, 'model', 200)) ?? base.model;
  const parameters = { ...base.parameters, ...validParameters(command.parameters, 'parameters') };
  return [{ type: 'RegenerationRequested', data: { runId: run.runId, alternativeId, turnId, provider, model, parameters } }];
}

export const runDecider: Decider<RunCommand, RunEvent, RunState> = {
  initialState: initialRunState,
  decide,
  evolve: evolveRun,
};
