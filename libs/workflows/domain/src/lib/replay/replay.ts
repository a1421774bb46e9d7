import type { ChatMessage, PromptRef, RecordedEvent, RunEvent, TurnPlace } from '@camel/contracts';
import { messagesOf, promptHash } from '../engine/prompts';
import { SPECIFY_CALL_ID, criticCallId } from '../engine/role-play';
import { evolveRun, initialRunState, isRun, placeOf, turnById, type Run, type RunState } from '../runs/run-state';

type StoredRunEvent = RecordedEvent | RunEvent;

const asRunEvent = (event: StoredRunEvent): RunEvent => ({ type: event.type, data: event.data } as RunEvent);

/**
 * The run as of one event of its stream: up to and including the event at that global `position`,
 * or the first `count` events. Without `at`, the run as it is now.
 */
export function runStateAt(events: readonly StoredRunEvent[], at?: { readonly position: number } | { readonly count: number }): RunState {
  const upTo = !at
    ? events
    : 'count' in at
      ? events.slice(0, Math.max(0, at.count))
      : events.filter((e) => 'position' in e && e.position <= at.position);
  return upTo.map(asRunEvent).reduce(evolveRun, initialRunState);
}

export interface RebuiltPrompt {
  readonly messages: readonly ChatMessage[];
  /** Hash of the rebuilt messages. */
  readonly sha256: string;
  /** Hash recorded with the call; equal to `sha256` unless the stream or the code disagree. */
  readonly recordedSha256: string;
}

/**
 * The exact messages of a recorded call, from the stream alone. `callId` names it as the engine did:
 * `specify`, a turn id (`turn-3`: the acting agent's call, also for a person's turn), `turn-3/critic`,
 * or an alternative id (a regeneration or a critic's candidate: the prompt of its turn).
 * Returns null when the stream has no such call.
 */
export function rebuildPrompt(events: readonly StoredRunEvent[], callId: string): RebuiltPrompt | null {
  const state = runStateAt(events);
  return isRun(state) ? promptOfRun(state, callId) : null;
}

/**
 * The same from a run's folded state (the runs read model keeps it): a recorded call's prompt only
 * depends on what the run held when it was made, which a later state still holds. Null when the
 * state has no such call (yet).
 */
export function promptOfRun(state: Run, callId: string): RebuiltPrompt | null {
  const found = recordedRef(state, callId);
  if (!found) return null;
  const messages = messagesOf(state, found.ref, found.place);
  return { messages, sha256: promptHash(messages), recordedSha256: found.ref.sha256 };
}

function recordedRef(run: Run, callId: string): { ref: PromptRef; place: TurnPlace | null } | null {
  if (callId === SPECIFY_CALL_ID) {
    return run.specification ? { ref: run.specification.promptRef, place: null } : null;
  }
  const turn = turnById(run, callId);
  if (turn) return { ref: turn.promptRef, place: placeOf(turn) };
  const critic = run.turns.find((t) => criticCallId(t.turnId) === callId);
  if (critic?.critic?.promptRef) return { ref: critic.critic.promptRef, place: placeOf(critic) };
  const alternative = run.alternatives.find((a) => a.alternativeId === callId);
  const of = alternative ? turnById(run, alternative.turnId) : undefined;
  return of ? { ref: of.promptRef, place: placeOf(of) } : null;
}
