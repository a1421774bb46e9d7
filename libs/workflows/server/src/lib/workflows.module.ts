import { ConfigsModule } from '@camel/configs/server';
import { ProjectsModule } from '@camel/projects/server';
import { CommandExecutor } from '@camel/server';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LogEntryRecord, LogRunRecord } from './logs/log-entry.entity';
import { LogsController } from './logs/logs.controller';
import { LogsReadModel } from './logs/logs.read-model';
import { LlmProvidersModule } from './providers';
import { QueueBoard } from './queue/board/queue-board';
import { QueueBoardController } from './queue/board/queue-board.controller';
import { QueueBoardTickets } from './queue/board/queue-board-tickets';
import { InProcessRunQueue, RECOVER_RUNS } from './runs/in-process-run-queue';
import { RunCancellations } from './runs/run-cancellations';
import { RunConfigs } from './runs/run-config';
import { RunDeltaBus } from './runs/run-deltas';
import { RunExecutor } from './runs/run-executor';
import { RUN_QUEUE } from './runs/run-queue';
import { RunRecord } from './runs/run.entity';
import { RUN_COMMAND_HANDLERS } from './runs/runs.commands';
import { RunsController } from './runs/runs.controller';
import { RUN_QUERY_HANDLERS } from './runs/runs.queries';
import { RunsReadModel } from './runs/runs.read-model';

export interface WorkflowsModuleOptions {
  /**
   * Where run work goes: `in-process` drives runs in this process (the embedded default); a provider
   * of RUN_QUEUE (the BullMQ queue) hands them to workers.
   */
  readonly queue: 'in-process' | Provider;
  /** In-process queue: drive the unfinished runs found at start (default true). */
  readonly recover?: boolean;
}

/** Workflow runs: start and steer them, the CAMEL engine driving them, their logs, replay. */
@Module({})
export class WorkflowsModule {
  static forRoot(options: WorkflowsModuleOptions = { queue: 'in-process' }): DynamicModule {
    const queue: Provider[] =
      options.queue === 'in-process'
        ? [InProcessRunQueue, { provide: RUN_QUEUE, useExisting: InProcessRunQueue }, { provide: RECOVER_RUNS, useValue: options.recover ?? true }]
        : [options.queue];
    return {
      module: WorkflowsModule,
      global: true,
      imports: [TypeOrmModule.forFeature([RunRecord, LogEntryRecord, LogRunRecord]), ProjectsModule, ConfigsModule, LlmProvidersModule],
      controllers: [RunsController, LogsController, QueueBoardController],
      providers: [
        CommandExecutor,
        RunsReadModel,
        LogsReadModel,
        RunConfigs,
        RunDeltaBus,
        RunCancellations,
        RunExecutor,
        ...queue,
        ...RUN_COMMAND_HANDLERS,
        ...RUN_QUERY_HANDLERS,
        QueueBoardTickets.provider,
        QueueBoard,
      ],
      exports: [RunsReadModel, LogsReadModel, RunDeltaBus, RunExecutor, RUN_QUEUE],
    };
  }
}
