import { ConfigsReadModel, ConfigVersionRecord } from '@camel/configs/server';
import { CommandExecutor } from '@camel/server';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LlmProvidersModule } from '../providers';
import { RunCancellations } from '../runs/run-cancellations';
import { RunDeltaBus } from '../runs/run-deltas';
import { RunExecutor } from '../runs/run-executor';
import { RunRecord } from '../runs/run.entity';
import { RunsReadModel } from '../runs/runs.read-model';
import { RunDeltaPublisher } from './run-delta-relay';
import { RunProcessor } from './run-processor';
import { BullMqRunQueue } from './bullmq-run-queue';
import { bullMqRunQueueProvider } from './run-queue.provider';

/**
 * What a worker process needs to drive runs, and nothing it must not serve: the RunExecutor and
 * what it reads (the run's stream, the pinned config version, the runs read model for sweeps), the
 * processor, and the delta publisher. No controllers (the worker's port answers health only), no
 * projections (the api runs them; the executor decides without waiting for them).
 */
@Module({
  imports: [TypeOrmModule.forFeature([RunRecord, ConfigVersionRecord]), LlmProvidersModule],
  providers: [CommandExecutor, ConfigsReadModel, RunsReadModel, RunDeltaBus, RunCancellations, RunExecutor, bullMqRunQueueProvider, RunProcessor, RunDeltaPublisher],
  exports: [RunProcessor, RunDeltaBus, BullMqRunQueue],
})
export class RunWorkerModule {}
