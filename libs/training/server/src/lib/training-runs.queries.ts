import type { TrainingPresetList, TrainingRunDetail, TrainingRunList } from '@camel/contracts';
import { TRAINING_PRESETS, trainingRunNotFound } from '@camel/training';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TrainingRunsReadModel } from './training-runs.read-model';

export class ListTrainingRuns extends Query<TrainingRunList> {
  constructor(readonly projectId: string) {
    super();
  }
}

export class GetTrainingRun extends Query<TrainingRunDetail & { readonly position: number }> {
  constructor(readonly projectId: string, readonly runId: string) {
    super();
  }
}

export class ListTrainingPresets extends Query<TrainingPresetList> {}

@QueryHandler(ListTrainingRuns)
export class ListTrainingRunsHandler implements IQueryHandler<ListTrainingRuns> {
  constructor(private readonly runs: TrainingRunsReadModel) {}

  async execute({ projectId }: ListTrainingRuns): Promise<TrainingRunList> {
    const position = await this.runs.position();
    return { runs: await this.runs.list(projectId), position };
  }
}

@QueryHandler(GetTrainingRun)
export class GetTrainingRunHandler implements IQueryHandler<GetTrainingRun> {
  constructor(private readonly runs: TrainingRunsReadModel) {}

  async execute({ projectId, runId }: GetTrainingRun): Promise<TrainingRunDetail & { readonly position: number }> {
    const position = await this.runs.position();
    const detail = await this.runs.detail(projectId, runId);
    if (!detail) throw trainingRunNotFound(runId);
    return { ...detail, position };
  }
}

@QueryHandler(ListTrainingPresets)
export class ListTrainingPresetsHandler implements IQueryHandler<ListTrainingPresets> {
  execute(): Promise<TrainingPresetList> {
    return Promise.resolve({ presets: TRAINING_PRESETS });
  }
}

export const TRAINING_QUERY_HANDLERS = [ListTrainingRunsHandler, GetTrainingRunHandler, ListTrainingPresetsHandler];
