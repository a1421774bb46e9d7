import { Injectable, inject } from '@angular/core';
import type { LaunchTrainingRunRequest, TrainingPresetList, TrainingRunAccepted, TrainingRunList } from '@camel/contracts';
import { TrainingClient, type TrainingRunDetailRead } from '@camel/console-data-access';
import { API_CLIENT } from '../../core/api-client';
import { ApiService } from '../../core/api.service';

/** The training routes for the Training pages, with `ApiService`'s handling of errors. */
@Injectable({ providedIn: 'root' })
export class TrainingApiService {
  private readonly client = new TrainingClient(inject(API_CLIENT));
  private readonly api = inject(ApiService);

  listRuns(projectId: string): Promise<TrainingRunList> {
    return this.api.call(() => this.client.listRuns(projectId));
  }

  getRun(projectId: string, runId: string): Promise<TrainingRunDetailRead> {
    return this.api.call(() => this.client.getRun(projectId, runId));
  }

  /** A 400's `fields` are shown by the form too (`ApiError.body.fields`). */
  launch(projectId: string, request: LaunchTrainingRunRequest): Promise<TrainingRunAccepted> {
    return this.api.call(() => this.client.launch(projectId, request));
  }

  cancel(projectId: string, runId: string): Promise<TrainingRunAccepted> {
    return this.api.call(() => this.client.cancel(projectId, runId));
  }

  presets(): Promise<TrainingPresetList> {
    return this.api.call(() => this.client.presets());
  }
}
