import type { RecordedEvent } from '@camel/contracts';
import { tailReaderOf, type TailRead } from './tail-reader';
import type { EventStore, SubscribeOptions, Subscription } from './types';
import type { WakeHub } from './wake';

const DEFAULT_BATCH = 500;
const DEFAULT_POLL_MS = 1000;
const FIRST_RETRY_MS = 5;

/**
 * Catch-up then live, built only on `readAll`, so both engines share it. Live delivery is woken by
 * the adapter (local appends, PostgreSQL NOTIFY) and falls back to polling. Reads go through the
 * store's one `TailReader`: subscribers at the same cursor (the live ones, after a commit) share one
 * statement; each keeps its own cursor, so a slow or failing one neither holds back nor loses events
 * for the others. After a delivery the loop reads again only if the page was full or a wake-up came
 * since the read began (otherwise that read saw everything there was to see). A wake-up followed by
 * an empty read means a commit is held back behind an older open transaction (or was rolled back):
 * the loop then re-reads with a short exponential back-off instead of waiting for the next poll.
 *
 * The events handed to the handler are frozen and shared with the store's other subscribers (each
 * gets its own array): a handler must not change them.
 */
export function startSubscription(
  store: Pick<EventStore, 'readAll'>,
  wakes: WakeHub,
  options: SubscribeOptions,
  handler: (events: RecordedEvent[]) => Promise<void>,
): Subscription {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const tail = tailReaderOf(store, wakes);
  let cursor = options.after;
  let stopped = false;
  let wakeSinceDelivery = false;
  let interrupt: (() => void) | null = null;

  const unsubscribe = wakes.on(() => {
    wakeSinceDelivery = true;
    interrupt?.();
  });

  /** Resolves true when a wake-up (or stop) cut the sleep short, false when the time ran out. */
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(true);
      const timer = setTimeout(() => done(false), ms);
      function done(woken: boolean) {
        clearTimeout(timer);
        interrupt = null;
        resolve(woken);
      }
      interrupt = () => done(true);
    });

  /** A shared read that failed is tried once more on this subscriber's own, so one error stops only those it reaches twice. */
  const read = async (fresh: boolean): Promise<TailRead> => {
    try {
      return await tail.read(cursor, batchSize, fresh);
    } catch {
      if (stopped) return { events: [], generation: wakes.generation };
      return tail.readOwn(cursor, batchSize);
    }
  };

  const loop = async () => {
    let retryMs = 0;
    let fresh = true;
    while (!stopped) {
      const { events, generation } = await read(fresh);
      if (stopped) return;
      const wokenSince = () => wakes.generation !== generation;
      if (events.length > 0) {
        await handler(events.slice());
        cursor = events[events.length - 1].position;
        retryMs = 0;
        if (!wokenSince()) wakeSinceDelivery = false;
        fresh = false;
        if (events.length >= batchSize || wokenSince()) continue;
        fresh = !(await sleep(pollMs));
        continue;
      }
      if (wokenSince()) {
        fresh = false;
        continue;
      }
      retryMs = wakeSinceDelivery ? Math.min(retryMs ? retryMs * 2 : FIRST_RETRY_MS, pollMs) : pollMs;
      if (retryMs >= pollMs) wakeSinceDelivery = false;
      fresh = !(await sleep(retryMs));
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
