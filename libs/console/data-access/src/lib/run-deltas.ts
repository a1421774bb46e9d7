import type { RecordedEvent, RunDelta, RunDeltaCall } from '@camel/contracts';
import { isRunEvent } from './run-view';

/** The text of one call (one choice of it) while the model generates, with what the call is (its turn, agent, alternative). */
export interface StreamingText extends RunDeltaCall {
  readonly choice: number;
  readonly text: string;
  /** A delta was missed (it started past the text so far): the text is incomplete until the call's event or a fresh snapshot. */
  readonly gap: boolean;
}

/** Call ids of regenerations: `regenerate/<alternativeId>`. */
export const REGENERATION_CALL_PREFIX = 'regenerate/';

/** The alternative id of a regeneration's call; null for the conversation's calls. */
export const regenerationOfCall = (callId: string): string | null =>
  callId.startsWith(REGENERATION_CALL_PREFIX) ? callId.slice(REGENERATION_CALL_PREFIX.length) : null;

/** `turn-3` → 3; null for other calls (`specify`, `turn-3/critic`, `regenerate/<id>`). */
export function turnIndexOfCall(callId: string): number | null {
  const match = /^turn-(\d+)$/.exec(callId);
  return match ? Number(match[1]) : null;
}

/** The call ids an event finishes (`all`: every call of the conversation): their texts are dropped and their late deltas ignored. */
export function callsFinishedBy(event: RecordedEvent): { readonly calls: readonly string[]; readonly all: boolean } {
  if (!isRunEvent(event)) return { calls: [], all: false };
  switch (event.type) {
    case 'TaskSpecified':
      return { calls: ['specify'], all: false };
    case 'CandidatesProposed':
      return { calls: [event.data.turnId], all: false };
    case 'TurnRecorded':
      return { calls: [event.data.turnId, `${event.data.turnId}/critic`], all: false };
    case 'AlternativeRecorded':
      return { calls: event.data.source === 'regenerated' ? [`${REGENERATION_CALL_PREFIX}${event.data.alternativeId}`] : [], all: false };
    case 'RunCancelled':
    case 'RunCompleted':
      return { calls: [], all: true };
    case 'TurnFailed':
    case 'RunStarted':
    case 'RunBegan':
    case 'InputRequested':
    case 'RegenerationRequested':
    case 'RunPaused':
    case 'RunResumed':
    case 'StepRequested':
    case 'RunRetried':
      return { calls: [], all: false };
    default: {
      const unhandled: never = event;
      throw new Error(`callsFinishedBy: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}

const keyOf = (callId: string, choice: number) => `${callId}#${choice}`;

/**
 * Concatenates a run's token deltas per call and choice, and drops a call's text when the event
 * that records it arrives (the event's content is the truth; the streamed text only shows progress).
 *
 * Deltas carry their offset in the call's text, so the assembler is exact whatever it receives:
 * a delta at the end appends; one overlapping the text (the snapshot a re-subscription starts
 * with, offset 0) replaces from its offset; one past the end marks a gap; a `reset` (the provider
 * retried the call) voids the text so far. A failed call's text is dropped too, but its id stays
 * usable: a retry streams the same call again. Deltas of calls already recorded are ignored (a
 * delta can arrive after its event). The end of the run ends its conversation, not its
 * regenerations: a finished run's turns may still be answered again.
 */
export class RunDeltaAssembler {
  private readonly texts = new Map<string, StreamingText>();
  private readonly finished = new Set<string>();
  private ended = false;

  constructor(readonly runId: string) {}

  /** Applies a delta; false when it changed nothing (another run, a finished call). */
  apply(delta: RunDelta): boolean {
    if (delta.runId !== this.runId || this.finished.has(delta.callId)) return false;
    if (this.ended && regenerationOfCall(delta.callId) === null) return false;
    const key = keyOf(delta.callId, delta.choice);
    const current = this.texts.get(key);
    const base = delta.reset || !current ? '' : current.text;
    let text: string;
    let gap = current?.gap ?? false;
    if (delta.reset) {
      text = delta.text;
      gap = delta.offset > 0;
    } else if (delta.offset <= base.length) {
      text = base.slice(0, delta.offset) + delta.text;
      if (delta.offset === 0) gap = false;
    } else {
      text = base + delta.text;
      gap = true;
    }
    if (current && current.text === text && current.gap === gap) return false;
    const { callId, purpose, turnId, index, agent, alternativeId, choice } = delta;
    this.texts.set(key, { callId, purpose, turnId, index, agent, alternativeId, choice, text, gap });
    return true;
  }

  /** Drops the texts of the calls the events record; true when something was dropped. */
  settle(events: readonly RecordedEvent[]): boolean {
    let changed = false;
    for (const event of events) {
      if (!isRunEvent(event) || event.data.runId !== this.runId) continue;
      const { calls, all } = callsFinishedBy(event);
      if (all) {
        this.ended = true;
        for (const [key, text] of this.texts) {
          if (regenerationOfCall(text.callId) !== null) continue;
          this.texts.delete(key);
          changed = true;
        }
        continue;
      }
      if (event.type === 'TurnFailed') {
        changed = this.drop(event.data.callId) || changed;
        continue;
      }
      changed = this.finish(calls) || changed;
    }
    return changed;
  }

  /** Marks calls as recorded (e.g. the turns a fresh read holds): their texts go, their late deltas are ignored. */
  finish(callIds: readonly string[]): boolean {
    let changed = false;
    for (const callId of callIds) {
      this.finished.add(callId);
      changed = this.drop(callId) || changed;
    }
    return changed;
  }

  /** What is being generated now, in call order (then choice). */
  get streaming(): readonly StreamingText[] {
    return [...this.texts.values()].sort((a, b) => (a.callId === b.callId ? a.choice - b.choice : a.callId < b.callId ? -1 : 1));
  }

  /** The text so far of one call's choice ('' when none). */
  textOf(callId: string, choice = 0): string {
    return this.texts.get(keyOf(callId, choice))?.text ?? '';
  }

  private drop(callId: string): boolean {
    let dropped = false;
    for (const [key, value] of this.texts) {
      if (value.callId === callId) {
        this.texts.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }
}
