import type {
  ChooseCandidateRequest,
  CommandAccepted,
  LogEntryDetail,
  LogEntryView,
  LogPage,
  LogQuery,
  QueueBoardSession,
  RegenerateTurnRequest,
  RunList,
  RunListQuery,
  RunPreflight,
  RunReplay,
  RunView,
  StartRunRequest,
  SubmitHumanTurnRequest,
} from '@camel/contracts';
import type { ApiClient, ReadList } from './api-client';
import { queryString, readPosition } from './http';

const encode = encodeURIComponent;
const runsPath = (projectId: string) => `/api/projects/${encode(projectId)}/runs`;
const runPath = (projectId: string, runId: string) => `${runsPath(projectId)}/${encode(runId)}`;

/** The controls of a run (`POST …/runs/:runId/<control>`). */
export const RUN_CONTROLS = ['pause', 'resume', 'step', 'cancel', 'retry'] as const;
export type RunControl = (typeof RUN_CONTROLS)[number];

/**
 * The runs and logs routes (`libs/contracts/src/lib/runs-api.ts`), typed, over an `ApiClient`
 * (its token, refresh and `ApiError`s). Apart from `ApiClient` so the console loads it with the
 * pages that use it.
 */
export class RunsClient {
  constructor(private readonly client: ApiClient) {}

  /** Starts a run of a workflow (201, `id` = the run id); nothing starts while the preflight names problems. */
  startRun(projectId: string, body: StartRunRequest): Promise<CommandAccepted> {
    return this.call('POST', runsPath(projectId), body);
  }

  /** What would stop `body` from starting (missing keys, unknown models…); records nothing. */
  preflightRun(projectId: string, body: StartRunRequest): Promise<RunPreflight> {
    return this.call('POST', `${runsPath(projectId)}/preflight`, body);
  }

  /** The project's runs and the read position to follow the project topic from. */
  async listRuns(projectId: string, query: RunListQuery = {}): Promise<RunList> {
    const { body, headers } = await this.client.exchange<RunList>('GET', `${runsPath(projectId)}${queryString({ ...query })}`);
    return { runs: body.runs, position: Math.max(body.position ?? 0, readPosition(headers)) };
  }

  /** One run; `position` is the `x-read-position` header when the api sends one (else 0). */
  async getRun(projectId: string, runId: string): Promise<RunView & { readonly readPosition: number }> {
    const { body, headers } = await this.client.exchange<RunView>('GET', runPath(projectId, runId));
    return { ...body, readPosition: readPosition(headers) };
  }

  /** The run's log entries: turns, then alternatives, in order. */
  async listRunEntries(projectId: string, runId: string): Promise<ReadList<LogEntryView>> {
    const { body, headers } = await this.client.exchange<LogEntryView[]>('GET', `${runPath(projectId, runId)}/entries`);
    return { items: body, position: readPosition(headers) };
  }

  controlRun(projectId: string, runId: string, control: RunControl): Promise<CommandAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/${control}`);
  }

  /** A person's turn, while the run awaits it. */
  submitHumanTurn(projectId: string, runId: string, body: SubmitHumanTurnRequest): Promise<CommandAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/input`, body);
  }

  /** A person's pick among a turn's candidates, while the run awaits it. */
  chooseCandidate(projectId: string, runId: string, body: ChooseCandidateRequest): Promise<CommandAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/choice`, body);
  }

  /** Another answer to a turn's prompt (201, `id` = the alternative's id), stored beside the turn. */
  regenerateTurn(projectId: string, runId: string, turnId: string, body: RegenerateTurnRequest): Promise<CommandAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/turns/${encode(turnId)}/regenerate`, body);
  }

  /** A new run with the same config version, workflow and overrides (201, `id` = the new run). */
  rerun(projectId: string, runId: string): Promise<CommandAccepted> {
    return this.call('POST', `${runPath(projectId, runId)}/rerun`);
  }

  /** The run as of its `count`-th event (1 ≤ count ≤ total); as of its last one without `count`. */
  getRunReplay(projectId: string, runId: string, count?: number): Promise<RunReplay> {
    return this.call('GET', `${runPath(projectId, runId)}/replay${queryString({ count })}`);
  }

  /** One page of the logs explorer; pass the previous page's `next` as `after` for the next one. */
  queryLogs(projectId: string, query: LogQuery = {}): Promise<LogPage> {
    return this.call('GET', `/api/projects/${encode(projectId)}/logs${queryString({ ...query })}`);
  }

  /** One entry with its reconstructed prompt and its alternatives. */
  getLogEntry(projectId: string, entryId: string): Promise<LogEntryDetail> {
    return this.call('GET', `/api/projects/${encode(projectId)}/logs/${encode(entryId)}`);
  }

  /** Owners, on an api with Redis: sets the queue board's cookie (same-origin request) and names the board's URL to open. */
  openQueueBoard(): Promise<QueueBoardSession> {
    return this.call('POST', '/api/admin/queue-board/session');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.client.exchange<T>(method, path, body)).body;
  }
}
