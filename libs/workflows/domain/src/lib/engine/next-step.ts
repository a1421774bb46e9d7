import type { ChatMessage, RegenerationRequested, TurnPlace } from '@camel/contracts';
import { isFinished, isRun, placeOf, regenerationCallId, turnById, type Run, type RunState } from '../runs/run-state';
import { pipelineWork } from './pipeline';
import { messagesOf } from './prompts';
import { rolePlayWork } from './role-play';
import type { EngineFinish, PlannedCall, Work } from './work';

/** What the worker must do next for a run. */
export type RunAction =
  /** Record `BeginRun` (the run leaves the queue). */
  | { readonly type: 'begin' }
  /** Call the model, then record `RecordModelAnswer` (or `RecordModelFailure`) with `call.callId`. */
  | { readonly type: 'call_model'; readonly call: PlannedCall }
  /** A person must type the turn (`SubmitHumanTurn`); at `deadline` record `ExpireInput`. */
  | { readonly type: 'await_input'; readonly input: 'turn'; readonly place: TurnPlace; readonly prompt: readonly ChatMessage[]; readonly deadline: string | null }
  /** A person must pick a candidate (`ChooseCandidate`); at `deadline` record `ExpireInput`. */
  | { readonly type: 'await_input'; readonly input: 'choice'; readonly place: TurnPlace; readonly candidates: readonly string[]; readonly deadline: string | null }
  /** Record `CompleteRun`. */
  | { readonly type: 'complete'; readonly reason: EngineFinish }
  /** Nothing to do until a person acts (resume, retry) or ever. */
  | { readonly type: 'idle'; readonly reason: 'no_run' | 'paused' | 'failed' | 'finished' };

/** The conversation's next need from the plan and the recorded turns alone (status not considered). */
export function conversationWork(run: Run): Work {
  return run.plan.type === 'role_playing' ? rolePlayWork(run, run.plan) : pipelineWork(run, run.plan);
}

/** A regeneration is sent exactly the prompt of the turn it regenerates. */
export function regenerationCall(run: Run, regeneration: RegenerationRequested['data']): PlannedCall {
  const turn = turnById(run, regeneration.turnId);
  if (!turn) throw new Error(`run ${run.runId} has no turn ${regeneration.turnId}`);
  const { provider, model, parameters } = regeneration;
  return {
    callId: regenerationCallId(regeneration.alternativeId),
    purpose: 'regenerate',
    place: placeOf(turn),
    agent: turn.agent,
    request: { provider, model, parameters, messages: messagesOf(run, turn.promptRef, turn), n: 1 },
    promptRef: turn.promptRef,
    alternativeId: regeneration.alternativeId,
  };
}

/**
 * The CAMEL engine's answer to "what now?". Regenerations come first and run in any status (they
 * never change the conversation); then the status decides; then the conversation.
 */
export function nextStep(state: RunState): RunAction {
  if (!isRun(state)) return { type: 'idle', reason: 'no_run' };
  if (state.regenerations.length > 0) return { type: 'call_model', call: regenerationCall(state, state.regenerations[0]) };
  if (isFinished(state)) return { type: 'idle', reason: 'finished' };
  if (state.status === 'queued') return { type: 'begin' };
  if (state.status === 'paused' || state.status === 'failed') return { type: 'idle', reason: state.status };
  const work = conversationWork(state);
  const deadline = state.awaiting?.deadline ?? null;
  switch (work.type) {
    case 'call':
      return { type: 'call_model', call: work.call };
    case 'human_turn':
      return { type: 'await_input', input: 'turn', place: work.place, prompt: work.prompt, deadline };
    case 'choice':
      return { type: 'await_input', input: 'choice', place: work.place, candidates: work.candidates, deadline };
    case 'finish':
      return { type: 'complete', reason: work.reason };
    default: {
      const unknown: never = work;
      throw new Error(`unknown work ${JSON.stringify(unknown)}`);
    }
  }
}
