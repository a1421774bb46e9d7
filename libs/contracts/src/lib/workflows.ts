/**
 * Workflow runs (docs/workflows.md): the events of a run's stream, the resolved plan a run pins at
 * start, and the shapes the API returns for runs and log entries. A run's whole state, every turn and
 * the exact prompt of every model call are rebuilt from its stream alone: the plan carries the
 * resolved agents and prompt templates, each call carries a reference to its prompt, not a copy.
 */
import type { DomainEvent } from './event-envelope';

export const RUN_STREAM_TYPE = 'run';
export const runStreamId = (runId: string): string => `run-${runId}`;

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content: string;
}

/** Sampling parameters as configured on an agent (agents.yaml `model:`), overridable per run or turn. */
export interface ModelParameters {
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export type ProviderErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'malformed_response'
  | 'circuit_open'
  | 'overloaded'
  | 'bad_request'
  | 'unauthorized'
  | 'not_configured'
  | 'aborted';

export const RUN_STATUSES = ['queued', 'running', 'paused', 'awaiting_input', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINATION_REASONS = ['task_done', 'max_turns', 'max_tokens_exceeded', 'stopped', 'input_timeout', 'error'] as const;
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

/** CAMEL's token: a user turn containing it ends a role-play at once. */
export const CAMEL_TASK_DONE = '<CAMEL_TASK_DONE>';

export type AgentKind = 'ai' | 'human';
/** Role-play turns are `user` or `assistant`; pipeline turns are `step` (with the step id and iteration). */
export const TURN_ROLES = ['user', 'assistant', 'step'] as const;
export type TurnRole = (typeof TURN_ROLES)[number];

/** An agent as a run uses it: the config's agent with the run's overrides applied. */
export interface RunAgent {
  readonly name: string;
  /** How the other agents see it, e.g. "Python Programmer". */
  readonly role: string;
  readonly kind: AgentKind;
  readonly systemPrompt: string;
  readonly provider: string;
  /** As configured (or overridden): for `type: local`, a registry model's name, id or tag. */
  readonly model: string;
  /**
   * `type: local` agents: the registry model id `model` resolved to when the run started (a tag or
   * name pinned), what every call of the run asks for; absent for other providers.
   */
  readonly modelId?: string;
  readonly parameters: ModelParameters;
  /** History messages kept in context (the system message is always kept); null: all. */
  readonly memoryWindow: number | null;
  /** Human agents: how long a person has for a turn; null: no deadline. */
  readonly inputTimeoutSeconds: number | null;
}

/** The texts the engine fills in (`{assistant_role}`, `{user_role}`, `{task}`, `{word_limit}`, `{options}`…). */
export interface RolePlayPrompts {
  readonly assistant: string;
  readonly user: string;
  /** The first message the user agent receives. */
  readonly opening: string;
  readonly taskSpecify: string;
  readonly criticSystem: string;
  readonly criticOptions: string;
}

export type RunCritic =
  | { readonly kind: 'ai'; readonly agent: RunAgent; readonly candidates: number }
  | { readonly kind: 'human'; readonly candidates: number; readonly inputTimeoutSeconds: number | null };

export interface RolePlayPlan {
  readonly type: 'role_playing';
  readonly assistant: RunAgent;
  readonly user: RunAgent;
  readonly taskSpecifier: { readonly agent: RunAgent; readonly wordLimit: number } | null;
  readonly critic: RunCritic | null;
  /** Rounds: one instruction of the user and the assistant's answer (CAMEL's chat_turn_limit). */
  readonly maxTurns: number;
  readonly terminationTokens: readonly string[];
  readonly maxTotalTokens: number | null;
  readonly prompts: RolePlayPrompts;
  /** Provider ids of the pinned config: what a regeneration may name. */
  readonly providers: readonly string[];
}

export interface PipelinePlanStep {
  readonly id: string;
  readonly agent: string;
  readonly input: string;
}

export interface PipelinePlan {
  readonly type: 'pipeline';
  readonly steps: readonly PipelinePlanStep[];
  readonly agents: Readonly<Record<string, RunAgent>>;
  readonly maxIterations: number;
  readonly stop: { readonly step: string; readonly contains: string } | null;
  readonly maxTotalTokens: number | null;
  readonly providers: readonly string[];
}

export type RunPlan = RolePlayPlan | PipelinePlan;

/** What a person may change for one run (the start-run dialog). */
export interface AgentOverride {
  readonly kind?: AgentKind;
  readonly provider?: string;
  readonly model?: string;
  readonly parameters?: ModelParameters;
  readonly inputTimeoutSeconds?: number;
}

export interface RunOverrides {
  readonly task?: string;
  readonly maxTurns?: number;
  readonly maxIterations?: number;
  /** Token budget over every conversation call (specifier, turns, candidates, critic). */
  readonly maxTotalTokens?: number;
  readonly agents?: Readonly<Record<string, AgentOverride>>;
  /** A person as the critic (`kind: human`), or another number of candidates. */
  readonly critic?: { readonly kind?: AgentKind; readonly candidates?: number; readonly inputTimeoutSeconds?: number };
}

/** One model call as it was made. */
export interface ModelCall {
  readonly provider: string;
  /** The model asked for. */
  readonly model: string;
  /** The model that answered, as the endpoint named it. */
  readonly answeredBy: string;
  readonly parameters: ModelParameters;
  readonly n: number;
  readonly usage: TokenUsage | null;
  readonly latencyMs: number;
  readonly attempts: number;
}

/** The `opening` entry of a role-play history: CAMEL's first message to the user agent. */
export const OPENING_REF = 'opening';

/**
 * How to rebuild the exact message list of a call: from the plan, the task and the turns referred
 * to. `sha256` is the hash of that list as sent (JSON of `[{role, content}]`).
 */
export type PromptRef =
  /** `[system, …history]`: each entry a turn id (own turns as `assistant`, the peer's as `user`) or OPENING_REF. */
  | { readonly kind: 'role_play'; readonly history: readonly string[]; readonly sha256: string }
  /** `[system, user: the step's input]`, the input rendered from these variables' turns (null: empty). */
  | { readonly kind: 'pipeline'; readonly bindings: Readonly<Record<string, string | null>>; readonly sha256: string }
  | { readonly kind: 'task_specify'; readonly sha256: string }
  /** The critic's `[system, user: the candidates of that turn]`. */
  | { readonly kind: 'critic'; readonly turnId: string; readonly sha256: string };

export interface TurnPlace {
  readonly turnId: string;
  /** 1-based, over the whole run. */
  readonly index: number;
  readonly agent: string;
  readonly role: TurnRole;
  /** Pipeline turns only. */
  readonly step?: { readonly id: string; readonly iteration: number };
}

export interface CriticChoice {
  /** The critic agent's name; null when a person chose. */
  readonly agent: string | null;
  /** 0-based index into the turn's candidates. */
  readonly chosen: number;
  readonly candidates: number;
  /** What the critic answered (its reasons); null for a person. */
  readonly rationale: string | null;
  /** False when the critic's answer named no valid option and the first one was taken. */
  readonly parsed: boolean;
  readonly call: ModelCall | null;
  readonly promptRef: PromptRef | null;
  readonly chosenBy: string | null;
}

export type RunStarted = DomainEvent<
  'RunStarted',
  {
    runId: string;
    projectId: string;
    workflow: string;
    configVersion: number;
    /** The task prompt the run works on (the workflow's or the override). */
    task: string;
    overrides: RunOverrides;
    plan: RunPlan;
  }
>;
export type RunBegan = DomainEvent<'RunBegan', { runId: string }>;
export type TaskSpecified = DomainEvent<
  'TaskSpecified',
  { runId: string; agent: string; originalTask: string; specifiedTask: string; call: ModelCall; finishReason: FinishReason; promptRef: PromptRef }
>;
/** The acting agent's N candidates, waiting for the critic. */
export type CandidatesProposed = DomainEvent<
  'CandidatesProposed',
  TurnPlace & { runId: string; candidates: readonly { content: string; finishReason: FinishReason }[]; call: ModelCall; promptRef: PromptRef }
>;
export type InputRequested = DomainEvent<
  'InputRequested',
  TurnPlace & { runId: string; input: 'turn' | 'choice'; deadline: string | null }
>;
export type TurnRecorded = DomainEvent<
  'TurnRecorded',
  TurnPlace & {
    runId: string;
    kind: AgentKind;
    content: string;
    /** null for a person's turn. */
    finishReason: FinishReason | null;
    /** The acting agent's call (with a critic: the call that made the candidates); null for a person. */
    call: ModelCall | null;
    promptRef: PromptRef;
    critic: CriticChoice | null;
    /** The user who typed a human turn. */
    submittedBy: string | null;
  }
>;
export type AlternativeSource = 'critic-candidate' | 'regenerated';
export type RegenerationRequested = DomainEvent<
  'RegenerationRequested',
  { runId: string; alternativeId: string; turnId: string; provider: string; model: string; parameters: ModelParameters }
>;
/** Another answer to a recorded turn's prompt, stored beside the original. */
export type AlternativeRecorded = DomainEvent<
  'AlternativeRecorded',
  {
    runId: string;
    alternativeId: string;
    turnId: string;
    source: AlternativeSource;
    content: string;
    finishReason: FinishReason;
    /** Regenerations: their own call. Candidates: null (the turn's call made them all). */
    call: ModelCall | null;
    /** Candidates: 0-based index among the turn's candidates. */
    candidate: number | null;
  }
>;
export type TurnFailed = DomainEvent<
  'TurnFailed',
  {
    runId: string;
    callId: string;
    purpose: CallPurpose;
    turnId: string | null;
    errorKind: ProviderErrorKind;
    message: string;
    retryable: boolean;
  }
>;
export type RunPaused = DomainEvent<'RunPaused', { runId: string; reason: 'requested' | 'step' }>;
export type RunResumed = DomainEvent<'RunResumed', { runId: string }>;
export type StepRequested = DomainEvent<'StepRequested', { runId: string }>;
export type RunRetried = DomainEvent<'RunRetried', { runId: string; callId: string }>;
export type RunCancelled = DomainEvent<'RunCancelled', { runId: string; reason: string }>;
export type RunCompleted = DomainEvent<'RunCompleted', { runId: string; reason: Exclude<TerminationReason, 'stopped' | 'error'> }>;

export type CallPurpose = 'task_specify' | 'turn' | 'critic' | 'regenerate';

export type RunEvent =
  | RunStarted
  | RunBegan
  | TaskSpecified
  | CandidatesProposed
  | InputRequested
  | TurnRecorded
  | RegenerationRequested
  | AlternativeRecorded
  | TurnFailed
  | RunPaused
  | RunResumed
  | StepRequested
  | RunRetried
  | RunCancelled
  | RunCompleted;
export type RunEventType = RunEvent['type'];
export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'RunStarted',
  'RunBegan',
  'TaskSpecified',
  'CandidatesProposed',
  'InputRequested',
  'TurnRecorded',
  'RegenerationRequested',
  'AlternativeRecorded',
  'TurnFailed',
  'RunPaused',
  'RunResumed',
  'StepRequested',
  'RunRetried',
  'RunCancelled',
  'RunCompleted',
];

/** Longest human turn, override task or similar free text accepted. */
export const RUN_TEXT_MAX_LENGTH = 20_000;

export interface StartRunRequest {
  readonly workflow: string;
  /** The config version to pin; the latest when absent. */
  readonly configVersion?: number;
  readonly overrides?: RunOverrides;
}

export interface SubmitHumanTurnRequest {
  readonly agent: string;
  readonly content: string;
}

export interface ChooseCandidateRequest {
  /** 0-based index of the candidate. */
  readonly candidate: number;
}

export interface RegenerateTurnRequest {
  readonly provider?: string;
  readonly model?: string;
  readonly parameters?: ModelParameters;
}

/** A critic's option while a person has not chosen yet. */
export interface ProposedCandidate {
  readonly content: string;
  readonly finishReason: FinishReason;
}

/**
 * What a run waits for a person to do: write a turn (`input: 'turn'`), or choose one of the acting
 * agent's candidates (`input: 'choice'`, with `candidates` in the order proposed: a choice is its
 * 0-based index).
 */
export type RunAwaiting = TurnPlace & { readonly deadline: string | null } & (
    | { readonly input: 'turn' }
    | { readonly input: 'choice'; readonly candidates: readonly ProposedCandidate[] }
  );

/** A run as the runs list and the live view show it. */
export interface RunView {
  readonly id: string;
  readonly projectId: string;
  readonly workflow: string;
  readonly workflowType: RunPlan['type'];
  readonly configVersion: number;
  readonly status: RunStatus;
  readonly terminationReason: TerminationReason | null;
  readonly task: string;
  readonly specifiedTask: string | null;
  readonly turns: number;
  readonly tokensUsed: number;
  readonly awaiting: RunAwaiting | null;
  /** Regenerations asked for whose alternative is not recorded yet (each ends as an alternative or a failure). */
  readonly regenerationsPending: number;
  readonly failure: { readonly callId: string; readonly errorKind: ProviderErrorKind; readonly message: string; readonly retryable: boolean } | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

export type LogEntryKind = 'turn' | 'alternative' | 'task_specify';

/** One model answer or human turn in the logs explorer. */
export interface LogEntryView {
  /** `<runId>:<turnId>` for turns, `<runId>:<alternativeId>` for alternatives, `<runId>:specify`. */
  readonly id: string;
  readonly kind: LogEntryKind;
  readonly projectId: string;
  readonly runId: string;
  readonly workflow: string;
  readonly turnId: string | null;
  readonly index: number | null;
  readonly agent: string;
  readonly agentKind: AgentKind;
  readonly role: TurnRole | null;
  readonly step: string | null;
  readonly iteration: number | null;
  readonly source: AlternativeSource | null;
  readonly provider: string | null;
  readonly model: string | null;
  readonly parameters: ModelParameters | null;
  readonly content: string;
  readonly finishReason: FinishReason | null;
  readonly usage: TokenUsage | null;
  readonly latencyMs: number | null;
  readonly terminationReason: TerminationReason | null;
  readonly annotated: boolean;
  readonly createdAt: string;
}

export interface LogEntryDetail extends LogEntryView {
  /** The exact messages of the call, rebuilt from the run's stream. */
  readonly prompt: readonly ChatMessage[];
  readonly promptSha256: string;
  readonly alternatives: readonly LogEntryView[];
}
