import { AppConfigModule, EventStoreHealthIndicator, EventStoreModule, ProjectionsModule } from '@camel/server';
import { TrainingWorkerModule } from '@camel/training/server';
import { LocalModelsModule } from '@camel/models/server';
import { RunQueueHealthIndicator, RunWorkerModule } from '@camel/workflows/server';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WorkerHealthController } from './worker-health.controller';

/**
 * The queue worker: drives workflow runs from the `workflow-runs` BullMQ queue (REDIS_URL), trains
 * the `training` queue's runs in training processes (TRAINING_CONCURRENCY at once), and reports
 * health on WORKER_PORT. It runs no projections (the api does): `projections: []` gives it
 * the read-model DataSource only, for the tables its modules read.
 */
@Module({
  imports: [
    AppConfigModule.forRoot(),
    EventStoreModule,
    ProjectionsModule.forRoot({ projections: [], run: false }),
    TerminusModule.forRoot({ logger: false }),
    RunWorkerModule,
    TrainingWorkerModule,
    // `type: local` agents generate here too (the registry read from the api's tables; one generation thread).
    LocalModelsModule,
  ],
  controllers: [WorkerHealthController],
  providers: [EventStoreHealthIndicator, RunQueueHealthIndicator],
})
export class WorkerModule {}
