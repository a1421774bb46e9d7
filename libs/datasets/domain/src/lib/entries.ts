import type { ChatMessage, DatasetLogFilter, RecordedEvent, TerminationReason, TurnRole } from '@camel/contracts';
import { isRun, matchesSearch, rebuildPrompt, runStateAt, turnById } from '@camel/workflows';

/** What a pair needs to know about one log entry: its text, the exact prompt of its call, what a filter matches on. */
export interface EntryFacts {
  readonly entryId: string;
  readonly runId: string;
  readonly workflow: string;
  readonly configVersion: number;
  readonly agent: string;
  readonly role: TurnRole;
  readonly model: string | null;
  /** The run's termination reason as of the events read (null while it runs). */
  readonly reason: TerminationReason | null;
  /** Time of the event that recorded the entry (ISO-8601). */
  readonly createdAt: string;
  readonly content: string;
  readonly prompt: readonly ChatMessage[];
}

const callIdOf = (entryId: string, runId: string): string | null => (entryId.startsWith(`${runId}:`) ? entryId.slice(runId.length + 1) : null);

/**
 * The facts of the wanted entries of one run, from the run's stream alone (turns and alternatives;
 * the task specification is not a reply and makes no pair). Entries the stream does not have are
 * left out. A turn's content and prompt never change once recorded; the run's termination reason
 * does, so the caller passes the events up to the position it selects at.
 */
export function entryFactsOfRun(events: readonly RecordedEvent[], wanted: ReadonlySet<string>): Map<string, EntryFacts> {
  const facts = new Map<string, EntryFacts>();
  const state = runStateAt(events);
  if (!isRun(state)) return facts;
  const recordedAt = new Map<string, string>();
  for (const event of events) {
    const data = event.data as { turnId?: string; alternativeId?: string };
    if (event.type === 'TurnRecorded' && data.turnId) recordedAt.set(data.turnId, event.metadata.time);
    if (event.type === 'AlternativeRecorded' && data.alternativeId) recordedAt.set(data.alternativeId, event.metadata.time);
  }
  for (const entryId of wanted) {
    const callId = callIdOf(entryId, state.runId);
    if (!callId) continue;
    const alternative = state.alternatives.find((a) => a.alternativeId === callId);
    const turn = turnById(state, alternative ? alternative.turnId : callId);
    if (!turn) continue;
    const prompt = rebuildPrompt(events, callId);
    if (!prompt) continue;
    const call = alternative ? (alternative.call ?? turn.call) : turn.call;
    facts.set(entryId, {
      entryId,
      runId: state.runId,
      workflow: state.workflow,
      configVersion: state.configVersion,
      agent: turn.agent,
      role: turn.role,
      model: call ? call.answeredBy || call.model || null : null,
      reason: state.terminationReason,
      createdAt: recordedAt.get(callId) ?? '',
      content: alternative ? alternative.content : turn.content,
      prompt: prompt.messages,
    });
  }
  return facts;
}

/**
 * Whether an entry of a counted answer matches a snapshot's logs filter (the explorer's semantics;
 * every such entry is annotated, so `annotated: false` matches none; `q` is matched in memory by
 * `matchesSearch`, the same on every engine).
 */
export function matchesFilter(entry: EntryFacts, filter: DatasetLogFilter): boolean {
  if (filter.workflow !== undefined && entry.workflow !== filter.workflow) return false;
  if (filter.runId !== undefined && entry.runId !== filter.runId) return false;
  if (filter.agent !== undefined && entry.agent !== filter.agent) return false;
  if (filter.role !== undefined && entry.role !== filter.role) return false;
  if (filter.model !== undefined && entry.model !== filter.model) return false;
  if (filter.reason !== undefined && entry.reason !== filter.reason) return false;
  if (filter.annotated === false) return false;
  if (filter.q !== undefined && !matchesSearch(entry.content, filter.q.trim())) return false;
  const at = Date.parse(entry.createdAt);
  if (filter.from !== undefined && !(at >= Date.parse(filter.from))) return false;
  if (filter.to !== undefined && !(at < Date.parse(filter.to))) return false;
  return true;
}
