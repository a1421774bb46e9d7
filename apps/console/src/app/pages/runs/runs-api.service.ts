import { Injectable, inject } from '@angular/core';
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
  RunPreflight,
  RunReplay,
  RunView,
  StartRunRequest,
  SubmitHumanTurnRequest,
} from '@camel/contracts';
import { ApiError, RunsClient, type ReadList, type RunControl } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/** A run the api just accepted reaches its read models a moment later: how long a 404 is asked again. */
const NEW_RUN_RETRIES_MS = [50, 100, 200, 400, 800, 1600];

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The runs and logs routes for the runs, replay and logs pages, with `ApiService`'s handling of
 * errors (toasts, a 403 reloads who the user is). Apart from `ApiService` so it loads with those
 * pages, not with the console's first screen.
 */
@Injectable({ providedIn: 'root' })
export class RunsApiService {
  private readonly client = new RunsClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

  /** The queue board's cookie for this browser, and the board's URL (404 toasted: no Redis on this api). */
  openQueueBoard(): Promise<QueueBoardSession> {
    return this.api.call(() => this.client.openQueueBoard());
  }

  startRun(projectId: string, request: StartRunRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.startRun(projectId, request));
  }

  /** Not toasted: the dialog shows what is missing, and a refused request as a problem in place. */
  preflightRun(projectId: string, request: StartRunRequest): Promise<RunPreflight> {
    return this.client.preflightRun(projectId, request);
  }

  listRuns(projectId: string): Promise<RunList> {
    return this.api.call(() => this.client.listRuns(projectId));
  }

  /**
   * The run and its entries. The run page opens right after a start or re-run, possibly before the
   * read models hold the run: a 404 is asked again for about three seconds before it is shown.
   */
  readRun(projectId: string, runId: string): Promise<[RunView & { readonly readPosition: number }, ReadList<LogEntryView>]> {
    return this.api.call(async () => {
      for (const wait of [...NEW_RUN_RETRIES_MS, null]) {
        try {
          return await Promise.all([this.client.getRun(projectId, runId), this.client.listRunEntries(projectId, runId)]);
        } catch (error) {
          if (wait === null || !(error instanceof ApiError && error.status === 404)) throw error;
          await pause(wait);
        }
      }
      throw new Error('unreachable');
    });
  }

  controlRun(projectId: string, runId: string, control: RunControl): Promise<CommandAccepted> {
    return this.api.call(() => this.client.controlRun(projectId, runId, control));
  }

  submitHumanTurn(projectId: string, runId: string, request: SubmitHumanTurnRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.submitHumanTurn(projectId, runId, request));
  }

  chooseCandidate(projectId: string, runId: string, request: ChooseCandidateRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.chooseCandidate(projectId, runId, request));
  }

  regenerateTurn(projectId: string, runId: string, turnId: string, request: RegenerateTurnRequest): Promise<CommandAccepted> {
    return this.api.call(() => this.client.regenerateTurn(projectId, runId, turnId, request));
  }

  rerun(projectId: string, runId: string): Promise<CommandAccepted> {
    return this.api.call(() => this.client.rerun(projectId, runId));
  }

  getRunReplay(projectId: string, runId: string, count?: number): Promise<RunReplay> {
    return this.api.call(() => this.client.getRunReplay(projectId, runId, count));
  }

  queryLogs(projectId: string, query: LogQuery): Promise<LogPage> {
    return this.api.call(() => this.client.queryLogs(projectId, query));
  }

  getLogEntry(projectId: string, entryId: string): Promise<LogEntryDetail> {
    return this.api.call(() => this.client.getLogEntry(projectId, entryId));
  }
}
