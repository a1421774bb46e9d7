import { initBackend } from '@camel/ml';
import { EventStoreHealthIndicator } from '@camel/server';
import { TrainingRunner } from '@camel/training/server';
import { RunQueueHealthIndicator } from '@camel/workflows/server';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

/**
 * The worker's own probes, on WORKER_PORT: ready when its database and Redis (with the run queue's
 * depth) answer; `training` names the TensorFlow.js backend its training processes run on (the one
 * that loads here: tensorflow, wasm or cpu) and the runs it trains now.
 */
@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly runQueue: RunQueueHealthIndicator,
    private readonly training: TrainingRunner,
  ) {}

  private backend: Promise<string> | null = null;

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.eventStore.database(),
      () => this.runQueue.redis(),
      async () => {
        this.backend ??= initBackend().catch((error: unknown) => `none (${(error as Error).message})`);
        return { training: { status: 'up' as const, backend: await this.backend, running: this.training.running.length } };
      },
    ]);
  }
}
