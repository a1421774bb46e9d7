import type { RecordedEvent } from '@camel/contracts';
import { createTestStoreLocation, ENGINES, makeEvent, type TestStoreLocation } from '../testing';
import type { EventStore, Subscription } from './types';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store with its `readAll` statements counted (the subscriptions' reads all go through it). */
function countedReads(store: EventStore) {
  const counted: EventStore = Object.create(store);
  const state = { reads: 0 };
  counted.readAll = (options) => {
    state.reads += 1;
    return store.readAll(options);
  };
  return { store: counted, state };
}

/** A subscriber that records what it gets; `until(n)` waits (functionally) for n events. */
function follower(store: EventStore, handle: (events: RecordedEvent[]) => Promise<void> = async () => undefined, onError?: (error: unknown) => void) {
  const received: RecordedEvent[] = [];
  const listeners = new Set<() => void>();
  const subscription: Subscription = store.subscribe({ after: 0, pollIntervalMs: 60_000, ...(onError ? { onError } : {}) }, async (events) => {
    await handle(events);
    received.push(...events);
    listeners.forEach((l) => l());
  });
  const until = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count}`)), 15_000);
      const check = () => {
        if (received.length < count) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
    });
  return { received, until, subscription };
}

/**
 * Statement counts hold on both engines: the only wake-up of a commit is the local one (PostgreSQL
 * drops the NOTIFYs of the store's own connections: postgres-event-store.ts, ownBackends).
 */
describe.each(ENGINES)('the shared tail read on %s', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;
  const subscriptions: Subscription[] = [];
  const follow = (...args: Parameters<typeof follower>) => {
    const f = follower(...args);
    subscriptions.push(f.subscription);
    return f;
  };

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await location.dispose();
  });

  it('reads the log once per commit for all the live subscribers, not once each', async () => {
    await store.append('s-1', [makeEvent('First')], { expectedVersion: 'any' });
    const counted = countedReads(store);
    const followers = Array.from({ length: 8 }, () => follow(counted.store));
    await Promise.all(followers.map((f) => f.until(1)));
    counted.state.reads = 0;
    await store.append('s-1', [makeEvent('Second')], { expectedVersion: 'any' });
    await Promise.all(followers.map((f) => f.until(2)));
    // One read for the wake-up: 8 without sharing, 16 with the read after each delivery.
    expect(counted.state.reads).toBe(1);
    for (const f of followers) expect(f.received.map((e) => e.type)).toEqual(['First', 'Second']);
  });

  it('reads nothing more after a delivery when no wake-up came meanwhile', async () => {
    const counted = countedReads(store);
    const only = follow(counted.store);
    await store.append('s-1', [makeEvent('One')], { expectedVersion: 'any' });
    await only.until(1);
    const afterDelivery = counted.state.reads;
    expect(afterDelivery).toBeGreaterThanOrEqual(1);
    await sleep(300);
    expect(counted.state.reads).toBe(afterDelivery);
    expect(only.received.map((e) => e.type)).toEqual(['One']);
  });

  it('lets a slow subscriber lag without holding back the others, and it loses nothing', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = follow(store, async (events) => {
      if (events.some((e) => e.type === 'Blocks')) await gate;
    });
    const fast = follow(store);
    await store.append('s-1', [makeEvent('Blocks')], { expectedVersion: 'any' });
    for (let i = 0; i < 5; i += 1) await store.append(`s-${i % 2}`, [makeEvent('Later', { i })], { expectedVersion: 'any' });
    await fast.until(6);
    expect(slow.received).toHaveLength(0);
    release();
    await slow.until(6);
    expect(slow.received.map((e) => e.position)).toEqual(fast.received.map((e) => e.position));
    expect(new Set(slow.received.map((e) => e.id)).size).toBe(6);
  });

  it('keeps delivering to the others when one subscriber fails', async () => {
    const errors: unknown[] = [];
    follow(
      store,
      async () => {
        throw new Error('this subscriber fails');
      },
      (error) => errors.push(error),
    );
    const healthy = follow(store);
    await store.append('s-1', [makeEvent('A')], { expectedVersion: 'any' });
    await healthy.until(1);
    await store.append('s-1', [makeEvent('B')], { expectedVersion: 'any' });
    await healthy.until(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['this subscriber fails']);
    expect(healthy.received.map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('hands out frozen events: a subscriber cannot change what the others see', async () => {
    const attempts: string[] = [];
    const meddler = follow(store, async (events) => {
      for (const event of events) {
        try {
          (event.data as { n: number }).n = 99;
        } catch (error) {
          attempts.push((error as Error).name);
        }
        try {
          (event as { type: string }).type = 'Changed';
        } catch (error) {
          attempts.push((error as Error).name);
        }
      }
    });
    const other = follow(store);
    await store.append('s-1', [makeEvent('Kept', { n: 1 })], { expectedVersion: 'any' });
    await Promise.all([meddler.until(1), other.until(1)]);
    expect(attempts).toEqual(['TypeError', 'TypeError']);
    expect(other.received[0]).toMatchObject({ type: 'Kept', data: { n: 1 } });
    expect(Object.isFrozen(other.received[0].metadata)).toBe(true);
  });
});
