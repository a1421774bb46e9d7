import type { Logger } from '@nestjs/common';
import { createBunRedisClient, Queue, type IRedisClient } from 'bullmq';
import { RedisClient } from './redis/redis-client';

/** A BullMQ connection over this workspace's RESP client (see RedisClient for why). */
export function bullmqConnection(url: string): IRedisClient {
  return createBunRedisClient(new RedisClient(url));
}

/**
 * A producer's BullMQ queue on its own connection, opened on first use, so a process that never
 * adds a job (a CLI command) never connects; `close` at shutdown. The run queue and the training
 * queue are each one.
 */
export class LazyQueue<Data> {
  private connection: IRedisClient | null = null;
  private queue: Queue<Data> | null = null;

  constructor(
    private readonly name: string,
    private readonly settings: { readonly redisUrl: string; readonly prefix: string },
    private readonly logger: Logger,
  ) {}

  open(): Queue<Data> {
    if (!this.queue) {
      this.connection = bullmqConnection(this.settings.redisUrl);
      this.queue = new Queue<Data>(this.name, { connection: this.connection, prefix: this.settings.prefix });
      this.queue.on('error', (error) => this.logger.error(`queue: ${error.message}`));
    }
    return this.queue;
  }

  counts(): Promise<Record<string, number>> {
    return this.open().getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async close(): Promise<void> {
    const { queue, connection } = this;
    this.queue = null;
    this.connection = null;
    await queue?.close();
    await connection?.quit();
  }
}
