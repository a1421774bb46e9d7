import type { RunDelta } from '@camel/contracts';
import { APP_CONFIG, type AppConfig } from '@camel/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RunDeltaBus } from '../runs/run-deltas';
import { queueKeys } from './queue-keys';
import { RedisClient } from './redis/redis-client';

/** What crosses the channel: a delta, or the end of a call's text in flight. */
type RelayMessage = { readonly delta: RunDelta } | { readonly settled: { readonly runId: string; readonly callId: string } };

/**
 * Worker side: every delta and settled call of this process's RunDeltaBus is published on the
 * deployment's Redis channel, in order (one connection). Ephemeral like the deltas themselves: a
 * message nobody hears is gone, the completed turn is in the log.
 */
@Injectable()
export class RunDeltaPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunDeltaPublisher');
  private redis: RedisClient | null = null;
  private readonly stops: (() => void)[] = [];
  private failing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deltas: RunDeltaBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.redisUrl) return;
    const redis = new RedisClient(this.config.redisUrl);
    this.redis = redis;
    await redis.connect();
    // Only an unexpected close carries an error; ours (shutdown) does not.
    redis.onclose = (error) => void (error && redis.connect().catch(() => undefined));
    const channel = queueKeys(this.config.queue.prefix).deltas;
    const publish = (message: RelayMessage) =>
      redis.send('PUBLISH', [channel, JSON.stringify(message)]).then(
        () => (this.failing = false),
        (error: Error) => {
          if (!this.failing) this.logger.warn(`publishing token deltas failed: ${error.message}`);
          this.failing = true;
        },
      );
    this.stops.push(
      this.deltas.onAny((delta) => void publish({ delta })),
      this.deltas.onSettled((runId, callId) => void publish({ settled: { runId, callId } })),
    );
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.redis?.close();
  }
}

/**
 * Api side: the worker's deltas feed this process's RunDeltaBus, which the socket gateway relays and
 * which keeps the text so far for clients subscribing mid-turn. A call that starts again from offset
 * 0 (another worker took the run over after a crash) first resets what the bus holds of it, so the
 * text so far is the new attempt's, not both glued together.
 */
@Injectable()
export class RunDeltaSubscriber implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunDeltaSubscriber');
  private redis: RedisClient | null = null;
  /** Next expected offset per call (`runId callId`: call ids repeat across runs) and choice. */
  private readonly offsets = new Map<string, Map<number, number>>();
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deltas: RunDeltaBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.redisUrl) return;
    await this.listen(new RedisClient(this.config.redisUrl));
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.redis?.close();
  }

  /** Applies one message from the channel (public for the relay's own spec). */
  receive(message: RelayMessage): void {
    if ('settled' in message) {
      this.offsets.delete(`${message.settled.runId} ${message.settled.callId}`);
      this.deltas.settle(message.settled.runId, message.settled.callId);
      return;
    }
    const { delta } = message;
    const call = `${delta.runId} ${delta.callId}`;
    const choices = this.offsets.get(call) ?? new Map<number, number>();
    this.offsets.set(call, choices);
    if (delta.reset) {
      choices.clear();
    } else if (delta.offset === 0 && (choices.get(delta.choice) ?? 0) > 0) {
      choices.clear();
      this.deltas.publish({ ...delta, offset: 0, text: '', reset: true });
    }
    if (!delta.reset) choices.set(delta.choice, delta.offset + delta.text.length);
    this.deltas.publish(delta);
  }

  private async listen(redis: RedisClient): Promise<void> {
    this.redis = redis;
    const channel = queueKeys(this.config.queue.prefix).deltas;
    redis.onclose = () => {
      if (this.closed) return;
      this.logger.warn('token delta channel lost; reconnecting');
      void this.listen(new RedisClient(redis.url)).catch((error: Error) => this.logger.error(`token delta channel: ${error.message}`));
    };
    await redis.connect();
    await redis.subscribe(channel, (_, text) => {
      try {
        this.receive(JSON.parse(text) as RelayMessage);
      } catch (error) {
        this.logger.warn(`unreadable token delta message: ${(error as Error).message}`);
      }
    });
  }
}
