import type { DomainEvent } from '@camel/contracts';
import { createTestStoreLocation, ENGINES, testMetadata, type TestStoreLocation } from '../testing';
import { randomUUID } from 'node:crypto';
import { type Decider } from '@camel/kernel';
import { executeCommand } from './execute-command';
import { ConcurrencyError } from './errors';
import type { EventStore } from './types';

type CounterEvent = DomainEvent<'Incremented', { by: number }>;
const counter: Decider<{ by: number; max: number }, CounterEvent, number> = {
  initialState: 0,
  decide: (command, state) => (state + command.by > command.max ? [] : [{ type: 'Incremented', data: { by: command.by } }]),
  evolve: (state, event) => state + event.data.by,
};

const clock = { now: () => new Date('2026-03-04T05:06:07.000Z') };
const { correlationId, actor } = testMetadata();
const input = (by: number, max = 1000, maxAttempts?: number) => ({
  streamId: 'counter-1',
  streamType: 'counter',
  command: { by, max },
  metadata: { correlationId, actor },
  clock,
  newId: randomUUID,
  maxAttempts,
});

describe.each(ENGINES)('executeCommand on %s', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
  });
  afterEach(() => location.dispose());

  it('loads, decides, appends with metadata and the injected time', async () => {
    const first = await executeCommand(store, counter, input(2));
    expect(first).toMatchObject({ state: 2, version: 1 });
    const second = await executeCommand(store, counter, input(3));
    expect(second).toMatchObject({ state: 5, version: 2 });
    const events = await store.readStream('counter-1');
    expect(events[1].metadata).toEqual({ correlationId, actor, time: '2026-03-04T05:06:07.000Z' });
    expect(events[1].streamType).toBe('counter');
  });

  it('appends nothing when the decider decides nothing', async () => {
    const result = await executeCommand(store, counter, input(5000));
    expect(result).toMatchObject({ events: [], version: 0, append: null });
    expect(await store.headPosition()).toBe(0);
  });

  it('re-decides on fresh state when concurrent commands conflict, up to the attempt limit', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => executeCommand(store, counter, input(1, 1000, 20))));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const events = await store.readStream('counter-1');
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // The invariant is re-checked on each attempt: with max 10, only two more fit.
    const capped = await Promise.allSettled(Array.from({ length: 5 }, () => executeCommand(store, counter, input(1, 10, 20))));
    expect(capped.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await store.readStream('counter-1')).toHaveLength(10);
  });

  it('with the default attempts, 50 concurrent commands on one stream all succeed', async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => executeCommand(store, counter, input(1))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await store.readStream('counter-1')).map((e) => e.streamVersion)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('surfaces the concurrency error once attempts are exhausted', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => executeCommand(store, counter, input(1, 1000, 1))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect(await store.readStream('counter-1')).toHaveLength(8 - rejected.length);
  });
});
