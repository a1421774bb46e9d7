import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { BullMqRunQueue, withTimeout } from './bullmq-run-queue';
import { RUN_QUEUE_NAME } from './queue-keys';
import { RunProcessor } from './run-processor';

/** A probe answers in time even when Redis does not (a stopped server leaves commands pending while the client reconnects). */
const REDIS_PROBE_TIMEOUT_MS = 2_000;

/**
 * The worker's readiness on Redis: its own connection answers PING, and the `workflow-runs`
 * queue's depth (waiting, active, delayed, failed jobs) as BullMQ counts it. Down — the worker's
 * /health/ready answers 503 — when REDIS_URL is not set or Redis does not answer.
 */
@Injectable()
export class RunQueueHealthIndicator {
  constructor(
    private readonly processor: RunProcessor,
    private readonly queue: BullMqRunQueue,
    private readonly health: HealthIndicatorService,
  ) {}

  async redis(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check('redis');
    const started = Date.now();
    try {
      await withTimeout(this.processor.ping(), REDIS_PROBE_TIMEOUT_MS);
      const latencyMs = Date.now() - started;
      const { waiting = 0, active = 0, delayed = 0, failed = 0 } = await withTimeout(this.queue.counts(), REDIS_PROBE_TIMEOUT_MS);
      return indicator.up({ latencyMs, queue: { name: RUN_QUEUE_NAME, waiting, active, delayed, failed } });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
