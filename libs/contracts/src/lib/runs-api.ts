import type { CallPurpose, LogEntryView, RunStatus, RunView, TerminationReason, TurnRole } from './workflows';

/**
 * The REST and live shapes of workflow runs and the logs explorer (docs/api.md lists the routes):
 *
 *   POST /api/projects/:id/runs                          StartRunRequest → 201 CommandAccepted (id = run id)
 *   POST /api/projects/:id/runs/preflight                StartRunRequest → 200 RunPreflight (nothing recorded)
 *   GET  /api/projects/:id/runs?status&workflow          → RunList (+ x-read-position)
 *   GET  /api/projects/:id/runs/:runId                   → RunView
 *   GET  /api/projects/:id/runs/:runId/entries           → LogEntryView[] of the run (turns, then alternatives), in order
 *   POST /api/projects/:id/runs/:runId/{pause|resume|step|cancel|retry}   → 200 CommandAccepted
 *   POST /api/projects/:id/runs/:runId/input             SubmitHumanTurnRequest → 200 CommandAccepted
 *   POST /api/projects/:id/runs/:runId/choice            ChooseCandidateRequest → 200 CommandAccepted
 *   POST /api/projects/:id/runs/:runId/turns/:turnId/regenerate   RegenerateTurnRequest → 201 CommandAccepted (id = alternative id)
 *   POST /api/projects/:id/runs/:runId/rerun             → 201 CommandAccepted (id = the new run's id)
 *   GET  /api/projects/:id/runs/:runId/replay?count=N    → RunReplay (the run as of its N-th event)
 *   GET  /api/projects/:id/logs?…LogQuery                → LogPage
 *   GET  /api/projects/:id/logs/:entryId                 → LogEntryDetail
 *
 * Permissions: reads `run:read` (every member role), start/rerun `run:start`, controls, human turns,
 * choices and regeneration `run:control` (engineers and admins).
 */
export interface RunList {
  readonly runs: readonly RunView[];
  /** The runs read model's checkpoint: follow the project topic from here. */
  readonly position: number;
}

export interface RunListQuery {
  readonly status?: RunStatus;
  readonly workflow?: string;
}

/** What must be fixed before a run can start (e.g. "provider openai: OPENAI_API_KEY is not set"). */
export interface RunPreflightProblem {
  /** `unknown_agent`, `unknown_provider`, `unsupported_provider`, `not_configured`, `unknown_model` (a `type: local` agent's model is not in the project's catalog). */
  readonly code: string;
  readonly message: string;
  readonly agent?: string;
  readonly provider?: string;
  /** The input to change, when one is named (e.g. `agents.helper.model.name`). */
  readonly field?: string;
}

export interface RunPreflight {
  readonly ok: boolean;
  readonly configVersion: number;
  readonly problems: readonly RunPreflightProblem[];
}

export const LOG_SORTS = ['newest', 'oldest', 'latency', 'tokens'] as const;
export type LogSort = (typeof LOG_SORTS)[number];
export const LOG_PAGE_MAX = 200;

/** Filters of the logs explorer; every field optional. `q` is a full-text query over the content. */
export interface LogQuery {
  readonly workflow?: string;
  readonly runId?: string;
  readonly agent?: string;
  readonly role?: TurnRole;
  readonly model?: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: TerminationReason;
  readonly annotated?: boolean;
  readonly q?: string;
  readonly sort?: LogSort;
  readonly limit?: number;
  /** The `next` cursor of the previous page (opaque). */
  readonly after?: string;
}

/**
 * The filters of a logs query without sort and paging: what selects a queue's items and a dataset
 * snapshot's answers (one filter, validated by `validLogFilter` of `@camel/workflows`).
 */
export type LogFilter = Omit<LogQuery, 'sort' | 'limit' | 'after'>;
export const LOG_FILTER_FIELDS = ['workflow', 'runId', 'agent', 'role', 'model', 'from', 'to', 'reason', 'annotated', 'q'] as const satisfies readonly (keyof LogFilter)[];
/** Longest value of a text filter (names, ids, the full-text query). */
export const LOG_FILTER_TEXT_MAX = 500;

export interface LogPage {
  readonly entries: readonly LogEntryView[];
  /** Cursor of the next page, null on the last one. */
  readonly next: string | null;
}

/** A run as of one of its events (the replay slider): 1 ≤ count ≤ total. */
export interface RunReplay {
  readonly count: number;
  readonly total: number;
  /** Type and time of the event at `count`. */
  readonly event: { readonly type: string; readonly time: string; readonly position: number };
  readonly run: RunView;
  readonly entries: readonly LogEntryView[];
}

/**
 * The call a token delta belongs to, so a client can place its bubble before the call's event
 * arrives: the turn it generates (its id, 1-based index and agent; null for the task specifier), and
 * for a regeneration the alternative it becomes. A critic's call names the turn it judges and the
 * critic as agent.
 */
export interface RunDeltaCall {
  readonly callId: string;
  readonly purpose: CallPurpose;
  readonly turnId: string | null;
  readonly index: number | null;
  readonly agent: string;
  readonly alternativeId: string | null;
}

/**
 * Token deltas while a model generates: ephemeral (not events), worker → api → browser. The client
 * emits `run-deltas:subscribe` { projectId, runId } (ack: { ok } or { ok: false, error }) and gets
 * `run-delta` messages; on subscribe it first gets, per call still in flight, one delta with the
 * text so far (offset 0), so a client connecting mid-turn continues from there. The completed turn
 * arrives as an event on the project topic; concatenated deltas of a call equal its content, and a
 * `reset` delta (the provider retried the call) voids the text so far.
 */
export interface RunDelta extends RunDeltaCall {
  readonly runId: string;
  readonly choice: number;
  /** Offset of `text` in the call's text so far. */
  readonly offset: number;
  readonly text: string;
  readonly reset?: true;
}

export interface RunDeltaSubscribeRequest {
  readonly projectId: string;
  readonly runId: string;
}

export const RunDeltaMessage = {
  Subscribe: 'run-deltas:subscribe',
  Unsubscribe: 'run-deltas:unsubscribe',
  Delta: 'run-delta',
} as const;

/**
 * The queue board (Bull Board over the `workflow-runs` queue), for owners, on an api with REDIS_URL.
 * A browser navigation carries no bearer token, so the console first asks
 * `POST /api/admin/queue-board/session` (owner; 404 `queues.board-unavailable` without Redis), which
 * sets an HttpOnly, SameSite=Strict cookie scoped to the board's path for `expiresAt`, then opens `url`.
 */
export const QUEUE_BOARD_PATH = '/api/admin/queues';
export const QUEUE_BOARD_COOKIE = 'camel_queue_board';

export interface QueueBoardSession {
  readonly url: string;
  readonly expiresAt: string;
}
