import { Injectable, inject } from '@angular/core';
import type {
  ChooseCandidateRequest,
  CommandAccepted,
  LogEntryDetail,
  LogEntryView,
  LogPage,
  LogQuery,
  RegenerateTurnRequest,
  RunList,
  RunPreflight,
  RunReplay,
  RunView,
  StartRunRequest,
  SubmitHumanTurnRequest,
} from '@camel/contracts';
import { RunsClient, type ReadList, type RunControl } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/**
 * The runs and logs routes for the runs, replay and logs pages, with `ApiService`'s handling of
 * errors (toasts, a 403 reloads who the user is). Apart from `ApiService` so it loads with those
 * pages, not with the console's first screen.
 */
@Injectable({ providedIn: 'root' })
export class RunsApiService {
  private readonly client = new RunsClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

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

  getRun(projectId: string, runId: string): Promise<RunView & { readonly readPosition: number }> {
    return this.api.call(() => this.client.getRun(projectId, runId));
  }

  listRunEntries(projectId: string, runId: string): Promise<ReadList<LogEntryView>> {
    return this.api.call(() => this.client.listRunEntries(projectId, runId));
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

  getRunReplay(projectId: string, runId: string, count: number): Promise<RunReplay> {
    return this.api.call(() => this.client.getRunReplay(projectId, runId, count));
  }

  queryLogs(projectId: string, query: LogQuery): Promise<LogPage> {
    return this.api.call(() => this.client.queryLogs(projectId, query));
  }

  getLogEntry(projectId: string, entryId: string): Promise<LogEntryDetail> {
    return this.api.call(() => this.client.getLogEntry(projectId, entryId));
  }
}
