import { DatasetPairRecord, DatasetVersionRecord, DatasetsModule, DatasetsReadModel } from '@camel/datasets/server';
import { ModelRegistryModule } from '@camel/models/server';
import { ProjectsModule } from '@camel/projects/server';
import { APP_CONFIG, CommandExecutor, type AppConfig } from '@camel/server';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BullMqTrainingQueue } from './queue/bullmq-training-queue';
import { InProcessTrainingQueue } from './queue/in-process-training-queue';
import { RECOVER_TRAINING, TRAINING_QUEUE } from './queue/training-queue';
import { TrainingProcessor } from './queue/training-processor';
import { TrainingRunner } from './queue/training-runner';
import { TRAINING_ENTITIES } from './training-run.entities';
import { TRAINING_COMMAND_HANDLERS } from './training-runs.commands';
import { TrainingPresetsController, TrainingRunsController } from './training-runs.controller';
import { TRAINING_QUERY_HANDLERS } from './training-runs.queries';
import { TrainingRunsReadModel } from './training-runs.read-model';

const bullMqTrainingQueue: Provider = {
  provide: BullMqTrainingQueue,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new BullMqTrainingQueue({ redisUrl: config.redisUrl ?? 'redis://127.0.0.1:6379', prefix: config.queue.prefix }),
};

/**
 * Training runs in the api (and the CLI): launch, cancel, read; and where launched runs go, chosen
 * when the process starts — with REDIS_URL, BullMQ jobs on the `training` queue for the workers;
 * without (the embedded default), the in-process queue trains them here (`recover`: pick up
 * unfinished runs at start; the CLI never does).
 */
@Module({})
export class TrainingModule {
  static forRoot(options: { readonly recover: boolean }): DynamicModule {
    const queue: Provider = {
      provide: TRAINING_QUEUE,
      inject: [APP_CONFIG, BullMqTrainingQueue, InProcessTrainingQueue],
      useFactory: (config: AppConfig, bullmq: BullMqTrainingQueue, inProcess: InProcessTrainingQueue) => (config.redisUrl ? bullmq : inProcess),
    };
    return {
      module: TrainingModule,
      imports: [TypeOrmModule.forFeature(TRAINING_ENTITIES), ProjectsModule, DatasetsModule, ModelRegistryModule],
      controllers: [TrainingRunsController, TrainingPresetsController],
      providers: [
        CommandExecutor,
        TrainingRunsReadModel,
        TrainingRunner,
        bullMqTrainingQueue,
        InProcessTrainingQueue,
        { provide: RECOVER_TRAINING, inject: [APP_CONFIG], useFactory: (config: AppConfig) => options.recover && !config.redisUrl },
        queue,
        ...TRAINING_COMMAND_HANDLERS,
        ...TRAINING_QUERY_HANDLERS,
      ],
      exports: [TrainingRunsReadModel, TRAINING_QUEUE, TrainingRunner],
    };
  }
}

/**
 * What a worker process needs to train: the runner and what it reads (the run's stream, the
 * dataset pairs, the registry through MODEL_CATALOG), the BullMQ processor and its producer (sweeps).
 * No controllers, no projections (the api runs them).
 */
@Module({
  imports: [TypeOrmModule.forFeature([...TRAINING_ENTITIES, DatasetVersionRecord, DatasetPairRecord]), ModelRegistryModule],
  providers: [CommandExecutor, DatasetsReadModel, TrainingRunsReadModel, TrainingRunner, bullMqTrainingQueue, TrainingProcessor],
  exports: [TrainingProcessor, BullMqTrainingQueue, TrainingRunner],
})
export class TrainingWorkerModule {}
