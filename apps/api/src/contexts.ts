import { AnnotationsModule } from '@camel/annotations/server';
import { ConfigsModule } from '@camel/configs/server';
import { DatasetsModule } from '@camel/datasets/server';
import { WebhooksModule } from '@camel/webhooks/server';
import { IdentityModule } from '@camel/identity/server';
import { LocalModelsModule, ModelsModule } from '@camel/models/server';
import { ProjectsModule } from '@camel/projects/server';
import { TrainingModule } from '@camel/training/server';
import { AppConfigModule, EventStoreModule, ProjectionsModule } from '@camel/server';
import { runQueueByConfig, WorkflowsModule } from '@camel/workflows/server';
import { CqrsModule } from '@nestjs/cqrs';
import { API_PROJECTIONS } from './projections';

/**
 * The contexts every entry point composes (the api's HTTP server and the CLI): the same command and
 * query handlers behind the same buses, so a rule checked for one entry point holds for all.
 * `followLog`: run the projections in this process (the api; a CLI command that decides on read
 * models catches them up first).
 */
export const contextModules = (options: { followLog: boolean; driveRuns?: boolean }) => [
  AppConfigModule.forRoot(),
  EventStoreModule,
  CqrsModule.forRoot(),
  ProjectionsModule.forRoot({ projections: API_PROJECTIONS, run: options.followLog }),
  IdentityModule,
  ProjectsModule,
  ConfigsModule,
  // REDIS_URL set: runs are BullMQ jobs the workers drive; unset (the embedded default): this process
  // drives them, and picks unfinished ones up at start (a CLI command never does).
  WorkflowsModule.forRoot({ queue: runQueueByConfig({ recover: options.followLog && options.driveRuns !== false }) }),
  AnnotationsModule,
  DatasetsModule,
  // The model registry; its global LocalModelsModule gives `type: local` providers to every context.
  ModelsModule,
  LocalModelsModule,
  // Training runs: BullMQ jobs for the workers with REDIS_URL, else trained here in training
  // processes (unfinished ones picked up at start; a CLI command never trains a queued run).
  TrainingModule.forRoot({ recover: options.followLog && options.driveRuns !== false }),
  // Webhook deliveries follow the log: only a process that follows it sends them (the api, not the CLI).
  WebhooksModule.forRoot({ deliver: options.followLog }),
];
