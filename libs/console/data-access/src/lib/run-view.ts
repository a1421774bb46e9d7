import {
  RUN_EVENT_TYPES,
  runStreamId,
  type LogEntryView,
  type ModelCall,
  type ProposedCandidate,
  type RecordedEvent,
  type RunEvent,
  type RunView,
  type TokenUsage,
} from '@camel/contracts';

export type RecordedRunEvent = RecordedEvent & RunEvent;

const RUN_TYPES: ReadonlySet<string> = new Set(RUN_EVENT_TYPES);
export const isRunEvent = (event: RecordedEvent): event is RecordedRunEvent => RUN_TYPES.has(event.type) && event.streamType === 'run';

/** The run id of a run stream's event (`run-<id>`). */
export const runIdOf = (event: RecordedRunEvent): string => event.data.runId;

const tokens = (usage: TokenUsage | null | undefined): number => usage?.totalTokens ?? 0;

/**
 * One run event folded into its `RunView`, as the api's runs projection does it (the same
 * transitions as the domain's `evolveRun`: docs/workflows.md, statuses). `RunStarted` makes the
 * view; any other event needs one. Tokens count the conversation's calls only: regenerations are
 * not counted against the budget, and a turn chosen by a critic adds the critic's call (its
 * candidates were counted when proposed). Pure; the caller checks stream versions.
 */
export function evolveRunView(view: RunView | null, event: RecordedRunEvent): RunView | null {
  const time = event.metadata.time;
  if (event.type === 'RunStarted') {
    if (view) return view;
    const { data } = event;
    const { actor } = event.metadata;
    return {
      id: data.runId,
      projectId: data.projectId,
      workflow: data.workflow,
      workflowType: data.plan.type,
      configVersion: data.configVersion,
      status: 'queued',
      terminationReason: null,
      task: data.task,
      specifiedTask: null,
      turns: 0,
      tokensUsed: 0,
      awaiting: null,
      regenerationsPending: 0,
      failure: null,
      version: event.streamVersion,
      createdAt: time,
      updatedAt: time,
      createdBy: `${actor.type}:${actor.id}`,
    };
  }
  if (!view) return null;
  const next = (patch: Partial<RunView>): RunView => ({ ...view, ...patch, version: event.streamVersion, updatedAt: time });
  switch (event.type) {
    case 'RunBegan':
      return next({ status: 'running' });
    case 'TaskSpecified':
      return next({ specifiedTask: event.data.specifiedTask, tokensUsed: view.tokensUsed + tokens(event.data.call.usage) });
    case 'CandidatesProposed':
      return next({ tokensUsed: view.tokensUsed + tokens(event.data.call.usage) });
    case 'InputRequested': {
      const { turnId, index, agent, role, step, input, deadline } = event.data;
      const place = { turnId, index, agent, role, ...(step ? { step } : {}), deadline };
      // The candidates come from the CandidatesProposed event before it (applyRunEvents fills them).
      return next({ status: 'awaiting_input', awaiting: input === 'turn' ? { ...place, input } : { ...place, input, candidates: [] } });
    }
    case 'TurnRecorded': {
      const added = event.data.critic ? tokens(event.data.critic.call?.usage) : tokens(event.data.call?.usage);
      return next({
        status: view.status === 'awaiting_input' ? 'running' : view.status,
        turns: view.turns + 1,
        awaiting: null,
        tokensUsed: view.tokensUsed + added,
      });
    }
    case 'RegenerationRequested':
      return next({ regenerationsPending: view.regenerationsPending + 1 });
    case 'AlternativeRecorded':
      // A critic's candidates are alternatives too; only a regenerated one answers a request.
      return next(event.data.source === 'regenerated' ? { regenerationsPending: Math.max(0, view.regenerationsPending - 1) } : {});
    case 'TurnFailed': {
      if (event.data.purpose === 'regenerate') return next({ regenerationsPending: Math.max(0, view.regenerationsPending - 1) });
      const { callId, errorKind, message, retryable } = event.data;
      return next({ status: 'failed', failure: { callId, errorKind, message, retryable }, terminationReason: 'error' });
    }
    case 'RunPaused':
      return next({ status: 'paused' });
    case 'RunResumed':
    case 'StepRequested':
      return next({ status: 'running' });
    case 'RunRetried':
      return next({ status: 'running', failure: null, terminationReason: null });
    case 'RunCancelled':
      return next({ status: 'cancelled', awaiting: null, terminationReason: 'stopped' });
    case 'RunCompleted':
      return next({ status: 'completed', awaiting: null, terminationReason: event.data.reason });
    default: {
      const unhandled: never = event;
      throw new Error(`evolveRunView: unhandled event ${JSON.stringify(unhandled)}`);
    }
  }
}


/** One run as the live run view shows it: the run, its log entries, and candidates awaiting a choice. */
export interface LiveRun {
  readonly run: RunView | null;
  /** In the order they were recorded, like `GET …/entries` (a regeneration comes after the turns before it). */
  readonly entries: readonly LogEntryView[];
  /** Candidates by turn id, from `CandidatesProposed` events seen (the read models do not hold them). */
  readonly candidates: Readonly<Record<string, readonly ProposedCandidate[]>>;
}

export const EMPTY_LIVE_RUN: LiveRun = { run: null, entries: [], candidates: {} };

export interface LiveRunFold {
  readonly state: LiveRun;
  /** A version was skipped (events the fold never saw): read the run again. */
  readonly gap: boolean;
}

/** As the logs projection writes them: `model` is the one that answered, else the one asked for. */
const callFields = (call: ModelCall | null) => ({
  provider: call?.provider ?? null,
  model: call?.answeredBy || call?.model || null,
  parameters: call?.parameters ?? null,
  usage: call?.usage ?? null,
  latencyMs: call?.latencyMs ?? null,
});

/** The log entry an event adds, given the entries so far (an alternative takes its place from its turn). */
function entryOf(event: RecordedRunEvent, run: RunView, entries: readonly LogEntryView[]): LogEntryView | null {
  const base = {
    projectId: run.projectId,
    runId: run.id,
    workflow: run.workflow,
    terminationReason: run.terminationReason,
    annotated: false,
    createdAt: event.metadata.time,
  };
  switch (event.type) {
    case 'TaskSpecified':
      return {
        ...base,
        ...callFields(event.data.call),
        id: `${run.id}:specify`,
        kind: 'task_specify',
        turnId: null,
        index: null,
        agent: event.data.agent,
        agentKind: 'ai',
        role: null,
        step: null,
        iteration: null,
        source: null,
        content: event.data.specifiedTask,
        finishReason: event.data.finishReason,
      };
    case 'TurnRecorded': {
      const { data } = event;
      return {
        ...base,
        ...callFields(data.call),
        id: `${run.id}:${data.turnId}`,
        kind: 'turn',
        turnId: data.turnId,
        index: data.index,
        agent: data.agent,
        agentKind: data.kind,
        role: data.role,
        step: data.step?.id ?? null,
        iteration: data.step?.iteration ?? null,
        source: null,
        content: data.content,
        finishReason: data.finishReason,
      };
    }
    case 'AlternativeRecorded': {
      const { data } = event;
      const turn = entries.find((entry) => entry.kind === 'turn' && entry.turnId === data.turnId);
      if (!turn) return null;
      // Candidates came from the turn's own call; a regeneration made its own.
      const call = data.call ? callFields(data.call) : { ...callFields(null), provider: turn.provider, model: turn.model, parameters: turn.parameters };
      return {
        ...turn,
        ...base,
        ...call,
        id: `${run.id}:${data.alternativeId}`,
        kind: 'alternative',
        source: data.source,
        agentKind: 'ai',
        content: data.content,
        finishReason: data.finishReason,
      };
    }
    default:
      return null;
  }
}

/**
 * Keeps one run (its view, entries and pending candidates) current from the events of its stream,
 * as `GET …/runs/:runId` and `…/entries` would return them. Events of other streams are ignored.
 *
 * - Idempotent by stream version: an event at or below the view's `version` is already reflected
 *   (the view was read at a checkpoint, and following from there may deliver it again).
 * - Order-safe: a batch is applied in stream-version order whatever order it came in; a version
 *   missing between the view and the next event is reported as a `gap` (nothing after it is
 *   applied), so the caller reads the run again instead of showing a state that never was.
 * - The termination reason of a run is also every entry's (the logs explorer filters entries by it).
 *
 * Pure: never mutates its inputs.
 */
export function applyRunEvents(state: LiveRun, events: readonly RecordedEvent[], runId: string): LiveRunFold {
  const streamId = runStreamId(runId);
  const ordered = events.filter((event): event is RecordedRunEvent => event.streamId === streamId && isRunEvent(event));
  ordered.sort((a, b) => a.streamVersion - b.streamVersion);
  let { run, entries, candidates } = state;
  let gap = false;
  for (const event of ordered) {
    const version = run?.version ?? 0;
    if (event.streamVersion <= version) {
      // Candidates are not in the read model: an earlier event still tells them (same content every time).
      if (event.type === 'CandidatesProposed' && !entries.some((entry) => entry.turnId === event.data.turnId && entry.kind === 'turn')) {
        candidates = { ...candidates, [event.data.turnId]: event.data.candidates };
      }
      continue;
    }
    if (event.streamVersion !== version + 1) {
      gap = true;
      break;
    }
    const evolved = evolveRunView(run, event);
    if (!evolved) {
      gap = true;
      break;
    }
    run = evolved;
    if (event.type === 'CandidatesProposed') candidates = { ...candidates, [event.data.turnId]: event.data.candidates };
    if (event.type === 'InputRequested' && run.awaiting?.input === 'choice') {
      run = { ...run, awaiting: { ...run.awaiting, candidates: candidates[run.awaiting.turnId] ?? [] } };
    }
    if (event.type === 'TurnRecorded' && event.data.turnId in candidates) {
      const { [event.data.turnId]: _chosen, ...rest } = candidates;
      candidates = rest;
    }
    const entry = entryOf(event, run, entries);
    // Versions only grow here, so an entry is new: appending keeps the recorded order.
    if (entry && !entries.some((existing) => existing.id === entry.id)) entries = [...entries, entry];
    const reason = run.terminationReason;
    if (entries.some((existing) => existing.terminationReason !== reason)) {
      entries = entries.map((existing) => (existing.terminationReason === reason ? existing : { ...existing, terminationReason: reason }));
    }
  }
  return { state: { run, entries, candidates }, gap };
}

/** The whole run from its stream's events alone (e.g. events a test or a replay holds). */
export function liveRunFromEvents(events: readonly RecordedEvent[], runId: string): LiveRunFold {
  return applyRunEvents(EMPTY_LIVE_RUN, events, runId);
}

/** A run's alternatives by the id of the turn they answer, in the order recorded. */
export function alternativesByTurn(entries: readonly LogEntryView[]): ReadonlyMap<string, readonly LogEntryView[]> {
  const byTurn = new Map<string, LogEntryView[]>();
  for (const entry of entries) {
    if (entry.kind !== 'alternative' || !entry.turnId) continue;
    byTurn.set(entry.turnId, [...(byTurn.get(entry.turnId) ?? []), entry]);
  }
  return byTurn;
}
