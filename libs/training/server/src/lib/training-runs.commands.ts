import { DomainError, TRAINING_RUN_STREAM_TYPE, trainingRunStreamId, type LaunchTrainingRunRequest, type TrainingRunAccepted } from '@camel/contracts';
import { DatasetsReadModel } from '@camel/datasets/server';
import { MODEL_CATALOG, type ModelCatalog } from '@camel/models/server';
import { ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { trainingRunDecider, trainingRunNotFound, validLaunch, type TrainingRunCommand } from '@camel/training';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TRAINING_QUEUE, type TrainingQueue } from './queue/training-queue';
import { TrainingRunsReadModel } from './training-runs.read-model';

export class LaunchTrainingRun extends Command<TrainingRunAccepted> {
  constructor(readonly projectId: string, readonly request: LaunchTrainingRunRequest) {
    super();
  }
}

export class CancelTrainingRun extends Command<TrainingRunAccepted> {
  constructor(readonly projectId: string, readonly runId: string) {
    super();
  }
}

const notFound = (code: string, field: string, message: string) => new DomainError('not-found', code, message, field);

async function decide(executor: CommandExecutor, projectId: string, command: TrainingRunCommand): Promise<TrainingRunAccepted> {
  const outcome = await executor.execute(trainingRunDecider, { streamId: trainingRunStreamId(command.runId), streamType: TRAINING_RUN_STREAM_TYPE, projectId, command });
  return { id: command.runId, version: outcome.version, position: outcome.position };
}

/**
 * A launch: the request checked field by field first (400 naming it), then the facts of other
 * contexts — the dataset version (404 `datasetId` / `datasetVersion`, no train pairs: 400
 * `dataset.empty`), the base model (404 `baseModel`), the model name (409 `modelName`) — then the
 * decider, then the queue.
 */
@CommandHandler(LaunchTrainingRun)
export class LaunchTrainingRunHandler implements ICommandHandler<LaunchTrainingRun> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    private readonly datasets: DatasetsReadModel,
    private readonly runs: TrainingRunsReadModel,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(TRAINING_QUEUE) private readonly queue: TrainingQueue,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
  ) {}

  async execute({ projectId, request }: LaunchTrainingRun): Promise<TrainingRunAccepted> {
    const launch = validLaunch(request);
    const projectStatus = await this.projects.standing(projectId);
    const version = await this.datasets.version(projectId, launch.datasetId, launch.datasetVersion);
    if (!version) {
      const dataset = await this.datasets.detail(projectId, launch.datasetId);
      if (!dataset) throw notFound('dataset.not-found', 'datasetId', `dataset ${launch.datasetId} does not exist in this project`);
      throw notFound('dataset.version-not-found', 'datasetVersion', `dataset ${launch.datasetId} has no version ${launch.datasetVersion}`);
    }
    if (version.counts.train === 0) throw DomainError.validation('dataset.empty', 'datasetVersion', `dataset ${version.name} version ${version.version} has no training pairs (${version.counts.pairs} pairs, ${version.counts.test} in the test split)`);
    const base = await this.catalog.resolve(projectId, launch.baseModel);
    if (!base) throw notFound('model.not-found', 'baseModel', `no model ${launch.baseModel} in the registry of this project`);
    if ((await this.catalog.nameTaken(projectId, launch.modelName)) || (await this.runs.nameInTraining(projectId, launch.modelName))) {
      throw DomainError.conflict('model.name-taken', `a model named ${launch.modelName} exists or is being trained`, 'modelName');
    }
    const runId = this.newId();
    const accepted = await decide(this.executor, projectId, {
      type: 'LaunchTrainingRun',
      runId,
      projectId,
      projectStatus,
      request,
      baseModelId: base.view.id,
      datasetContentHash: version.contentHash,
    });
    await this.queue.enqueue(runId);
    return accepted;
  }
}

@CommandHandler(CancelTrainingRun)
export class CancelTrainingRunHandler implements ICommandHandler<CancelTrainingRun> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly runs: TrainingRunsReadModel,
  ) {}

  async execute({ projectId, runId }: CancelTrainingRun): Promise<TrainingRunAccepted> {
    // A run of another project does not exist for this one.
    if (!(await this.runs.get(projectId, runId))) throw trainingRunNotFound(runId);
    return decide(this.executor, projectId, { type: 'RequestTrainingCancel', runId });
  }
}

export const TRAINING_COMMAND_HANDLERS = [LaunchTrainingRunHandler, CancelTrainingRunHandler];
