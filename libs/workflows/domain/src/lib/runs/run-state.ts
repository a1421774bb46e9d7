import type {
  AlternativeRecorded,
  CandidatesProposed,
  InputRequested,
  RegenerationRequested,
  RunEvent,
  RunOverrides,
  RunPlan,
  RunStatus,
  TaskSpecified,
  TerminationReason,
  TokenUsage,
  TurnFailed,
  TurnPlace,
  TurnRecorded,
} from '@camel/contracts';

export type RecordedTurn = TurnRecorded['data'];

/** A run as its stream says it is; every field is derived from events only. */
export interface Run {
  readonly status: RunStatus;
  readonly runId: string;
  readonly projectId: string;
  readonly workflow: string;
  readonly configVersion: number;
  readonly overrides: RunOverrides;
  readonly plan: RunPlan;
  readonly originalTask: string;
  /** The task the agents work on: the specified one once the specifier answered. */
  readonly task: string;
  /** The specifier's answer, once it came. */
  readonly specification: TaskSpecified['data'] | null;
  readonly turns: readonly RecordedTurn[];
  /** Candidates by turn id (kept after the choice: the critic's prompt is rebuilt from them). */
  readonly candidates: Readonly<Record<string, CandidatesProposed['data']>>;
  readonly awaiting: InputRequested['data'] | null;
  /** A step was asked for: pause after the next recorded turn. */
  readonly stepping: boolean;
  /** Tokens of the conversation's calls (regenerations are not counted against the budget). */
  readonly tokensUsed: number;
  readonly failure: TurnFailed['data'] | null;
  /** Regenerations asked for and not yet answered, oldest first. */
  readonly regenerations: readonly RegenerationRequested['data'][];
  readonly alternatives: readonly AlternativeRecorded['data'][];
  readonly terminationReason: TerminationReason | null;
}

export type RunState = { readonly status: 'none' } | Run;

export const initialRunState: RunState = { status: 'none' };

export const isRun = (state: RunState): state is Run => state.status !== 'none';
export const isFinished = (run: Run): boolean => run.status === 'completed' || run.status === 'cancelled';
export const turnById = (run: Run, turnId: string): RecordedTurn | undefined => run.turns.find((t) => t.turnId === turnId);

export function placeOf(turn: TurnPlace): TurnPlace {
  const { turnId, index, agent, role, step } = turn;
  return step ? { turnId, index, agent, role, step } : { turnId, index, agent, role };
}

/** Turn ids are `turn-<index>` (1-based over the run), so a re-run worker asks for the same id again. */
export const turnIdOf = (index: number): string => `turn-${index}`;

/** A regeneration's call id: its alternative's id, in a namespace no conversation call uses. */
export const regenerationCallId = (alternativeId: string): string => `regenerate/${alternativeId}`;

const tokens = (usage: TokenUsage | null | undefined): number => usage?.totalTokens ?? 0;

export function evolveRun(state: RunState, event: RunEvent): RunState {
  if (event.type === 'RunStarted') {
    const { runId, projectId, workflow, configVersion, overrides, plan, task } = event.data;
    return {
      status: 'queued',
      runId,
      projectId,
      workflow,
      configVersion,
      overrides,
      plan,
      originalTask: task,
      task,
      specification: null,
      turns: [],
      candidates: {},
      awaiting: null,
      stepping: false,
      tokensUsed: 0,
      failure: null,
      regenerations: [],
      alternatives: [],
      terminationReason: null,
    };
  }
  if (!isRun(state)) return state;
  switch (event.type) {
    case 'RunBegan':
      return { ...state, status: 'running' };
    case 'TaskSpecified':
      return { ...state, task: event.data.specifiedTask, specification: event.data, tokensUsed: state.tokensUsed + tokens(event.data.call.usage) };
    case 'CandidatesProposed':
      return {
        ...state,
        candidates: { ...state.candidates, [event.data.turnId]: event.data },
        tokensUsed: state.tokensUsed + tokens(event.data.call.usage),
      };
    case 'InputRequested':
      return { ...state, status: 'awaiting_input', awaiting: event.data };
    case 'TurnRecorded': {
      // With a critic the candidates' call was counted when they were proposed; only the critic's is new.
      const added = event.data.critic ? tokens(event.data.critic.call?.usage) : tokens(event.data.call?.usage);
      return {
        ...state,
        status: state.status === 'awaiting_input' ? 'running' : state.status,
        turns: [...state.turns, event.data],
        awaiting: null,
        tokensUsed: state.tokensUsed + added,
      };
    }
    case 'RegenerationRequested':
      return { ...state, regenerations: [...state.regenerations, event.data] };
    case 'AlternativeRecorded':
      return {
        ...state,
        alternatives: [...state.alternatives, event.data],
        regenerations: state.regenerations.filter((r) => r.alternativeId !== event.data.alternativeId),
      };
    case 'TurnFailed':
      if (event.data.purpose === 'regenerate') {
        return { ...state, regenerations: state.regenerations.filter((r) => regenerationCallId(r.alternativeId) !== event.data.callId) };
      }
      return { ...state, status: 'failed', failure: event.data, terminationReason: 'error' };
    case 'RunPaused':
      return { ...state, status: 'paused', stepping: false };
    case 'RunResumed':
      return { ...state, status: 'running', stepping: false };
    case 'StepRequested':
      return { ...state, status: 'running', stepping: true };
    case 'RunRetried':
      return { ...state, status: 'running', failure: null, terminationReason: null };
    case 'RunCancelled':
      return { ...state, status: 'cancelled', awaiting: null, stepping: false, terminationReason: 'stopped' };
    case 'RunCompleted':
      return { ...state, status: 'completed', awaiting: null, stepping: false, terminationReason: event.data.reason };
    default: {
      const unknown: never = event;
      throw new Error(`unknown run event ${JSON.stringify(unknown)}`);
    }
  }
}
