import type { RecordedEvent } from '@camel/contracts';
import type { EventStore, SubscribeOptions, Subscription } from './types';
import type { WakeHub } from './wake';

const DEFAULT_BATCH = 500;
const DEFAULT_POLL_MS = 1000;
const FIRST_RETRY_MS = 5;

/**
 * Catch-up then live, built only on `readAll`, so both engines share it. Live delivery is woken by
 * the adapter (local appends, PostgreSQL NOTIFY) and falls back to polling. A wake-up followed by an
 * empty read means a commit is held back behind an older open transaction (or was rolled back): the
 * loop then re-reads with a short exponential back-off instead of waiting for the next poll.
 */
export function startSubscription(
  store: Pick<EventStore, 'readAll'>,
  wakes: WakeHub,
  options: SubscribeOptions,
  handler: (events: RecordedEvent[]) => Promise<void>,
): Subscription {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  let cursor = options.after;
  let stopped = false;
  let wakeCount = 0;
  let wakeSinceDelivery = false;
  let interrupt: (() => void) | null = null;

  const unsubscribe = wakes.on(() => {
    wakeCount += 1;
    wakeSinceDelivery = true;
    interrupt?.();
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = null;
        resolve();
      }
      interrupt = done;
    });

  const loop = async () => {
    let retryMs = 0;
    while (!stopped) {
      const seen = wakeCount;
      const batch = await store.readAll({ after: cursor, limit: batchSize });
      if (stopped) return;
      if (batch.length > 0) {
        await handler(batch);
        cursor = batch[batch.length - 1].position;
        retryMs = 0;
        if (wakeCount === seen) wakeSinceDelivery = false;
        continue;
      }
      if (wakeCount !== seen) continue;
      retryMs = wakeSinceDelivery ? Math.min(retryMs ? retryMs * 2 : FIRST_RETRY_MS, pollMs) : pollMs;
      if (retryMs >= pollMs) wakeSinceDelivery = false;
      await sleep(retryMs);
    }
  };

  const running = loop().catch((error: unknown) => {
    stopped = true;
    if (options.onError) options.onError(error);
    else console.error('event subscription stopped', error);
  });

  return {
    get position() {
      return cursor;
    },
    async stop() {
      stopped = true;
      unsubscribe();
      interrupt?.();
      await running;
    },
  };
}
