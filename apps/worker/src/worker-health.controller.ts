import { EventStoreHealthIndicator } from '@camel/server';
import { RunQueueHealthIndicator } from '@camel/workflows/server';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

/** The worker's own probes, on WORKER_PORT: ready when its database and Redis (with the run queue's depth) answer. */
@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly runQueue: RunQueueHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.eventStore.database(), () => this.runQueue.redis()]);
  }
}
