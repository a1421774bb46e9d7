import {
  annotationQueueStreamId,
  DATASET_STREAM_TYPE,
  DEFAULT_DATASET_SPLIT,
  datasetStreamId,
  DomainError,
  type CreateDatasetSnapshotRequest,
  type DatasetAccepted,
  type ImportDatasetRequest,
} from '@camel/contracts';
import {
  datasetDecider,
  datasetIdFor,
  materializeImported,
  parsePreferenceJsonl,
  validDatasetName,
  validSelection,
  validSplit,
  type DatasetCommand,
} from '@camel/datasets';
import type { EventStore } from '@camel/event-store';
import type { ProjectionRunner } from '@camel/event-store';
import { ProjectsReadModel } from '@camel/projects/server';
import { APP_CONFIG, CommandExecutor, EVENT_STORE, PROJECTION_RUNNER, type AppConfig } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { datasetsProjection } from './datasets.projection';
import { DatasetsReadModel } from './datasets.read-model';
import { snapshotHandoff } from './snapshot-handoff';

export class CreateDatasetSnapshot extends Command<DatasetAccepted> {
  constructor(readonly projectId: string, readonly request: CreateDatasetSnapshotRequest) {
    super();
  }
}

export class ImportDataset extends Command<DatasetAccepted> {
  constructor(readonly projectId: string, readonly request: ImportDatasetRequest) {
    super();
  }
}

async function run(executor: CommandExecutor, command: DatasetCommand): Promise<DatasetAccepted> {
  const outcome = await executor.execute(datasetDecider, {
    streamId: datasetStreamId(command.datasetId),
    streamType: DATASET_STREAM_TYPE,
    projectId: command.projectId,
    command,
  });
  return { id: command.datasetId, version: outcome.version, position: outcome.position, datasetVersion: outcome.state.versions };
}

@CommandHandler(CreateDatasetSnapshot)
export class CreateDatasetSnapshotHandler implements ICommandHandler<CreateDatasetSnapshot> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly datasets: DatasetsReadModel,
    private readonly projects: ProjectsReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The snapshot is taken at the log's head, after waiting (bounded) for the datasets read model to
   * reach the log's head, so every answer recorded before the request counts (409 when it does not
   * get there in time). The event records that position; the projection writes the pairs computed
   * here (handed over in this process) or, rebuilding, materializes the same pairs from it.
   */
  async execute({ projectId, request }: CreateDatasetSnapshot): Promise<DatasetAccepted> {
    const name = validDatasetName(request.name);
    const selection = validSelection(request.selection);
    const split = validSplit(request.split ?? DEFAULT_DATASET_SPLIT);
    if (selection.kind === 'queue') await this.queueOfProject(projectId, selection.queueId);
    const head = await this.store.headPosition();
    const caughtUp = await this.projections.waitFor(head, { names: [datasetsProjection.name], timeoutMs: this.config.projectionWaitMs });
    // Never a snapshot that silently misses answers recorded before the request.
    if (!caughtUp) throw DomainError.conflict('dataset.read-model-behind', 'the datasets read model is still catching up with the log: try again in a moment');
    // The read model holds at least everything up to `head` (it may hold more: the snapshot reads as
    // of `head`). Not its checkpoint row, which may trail the events it applied by up to a second.
    const logPosition = head;
    const datasetId = datasetIdFor(projectId, name);
    const materialized = await this.datasets.snapshot(projectId, selection, logPosition, split);
    const projectStatus = await this.projects.standing(projectId);
    // The projection writes these same pairs instead of reading the runs' streams again.
    const key = { datasetId, selection, logPosition, split };
    snapshotHandoff.offer(key, materialized);
    try {
      return await run(this.executor, { type: 'CreateSnapshot', datasetId, projectId, name, description: request.description, selection, split, logPosition, projectStatus, materialized });
    } finally {
      snapshotHandoff.withdraw(key, materialized);
    }
  }

  /** A queue selection names a queue of this project (its stream's first event says which), else 404: not an empty dataset. */
  private async queueOfProject(projectId: string, queueId: string): Promise<void> {
    const [created] = await this.store.readStream(annotationQueueStreamId(queueId));
    if (created?.type === 'AnnotationQueueCreated' && (created.data as { projectId?: string }).projectId === projectId) return;
    throw DomainError.notFound('queue.not-found', `queue ${queueId} does not exist in this project`, 'selection.queueId');
  }
}

@CommandHandler(ImportDataset)
export class ImportDatasetHandler implements ICommandHandler<ImportDataset> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
  ) {}

  execute({ projectId, request }: ImportDataset): Promise<DatasetAccepted> {
    const name = validDatasetName(request.name);
    const split = validSplit(request.split ?? DEFAULT_DATASET_SPLIT);
    const pairs = parsePreferenceJsonl(request.content);
    return this.projects.standing(projectId).then((projectStatus) =>
      run(this.executor, {
        type: 'ImportDataset',
        datasetId: datasetIdFor(projectId, name),
        projectId,
        name,
        description: request.description,
        split,
        projectStatus,
        materialized: materializeImported(pairs, split),
      }),
    );
  }
}

export const DATASET_COMMAND_HANDLERS = [CreateDatasetSnapshotHandler, ImportDatasetHandler];
