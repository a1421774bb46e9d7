import type { RecordedEvent } from '@camel/contracts';
import type { EventStore, ReadAllOptions } from '@camel/event-store';
import { createTestStoreLocation, makeEvent, testMetadata, type TestStoreLocation } from '@camel/event-store/testing';
import { waitFor } from '../testing/live-events.suite';
import { ClientSubscription, type SubscriptionSink } from './client-subscription';
import { EventFanout } from './event-fanout';

/**
 * The subscription state machine on a real (SQLite) log and a real fanout, with the moments that
 * integration tests over sockets cannot aim at: a commit landing between a catch-up read's snapshot
 * and the switch to live, and a client that stops acknowledging while it catches up.
 */
describe('ClientSubscription', () => {
  let location: TestStoreLocation;
  let store: EventStore;
  let fanout: EventFanout;

  beforeEach(async () => {
    location = await createTestStoreLocation('sqlite');
    store = await location.open();
    fanout = new EventFanout(store, { error: () => undefined });
    await fanout.start();
  });

  afterEach(async () => {
    await fanout.stop();
    await location.dispose();
  });

  const append = async (count: number, projectId = 'p1') => {
    for (let i = 0; i < count; i += 1) {
      await store.append('s-1', [{ ...makeEvent('Probe'), metadata: testMetadata({ projectId }) }], { expectedVersion: 'any' });
    }
  };

  const allPositions = async () => (await store.readAll({ after: 0, limit: 100_000 })).map((e) => e.position);

  /** A sink that records, and acknowledges only when told to. */
  function recordingSink(autoAck: boolean) {
    const received: RecordedEvent[] = [];
    const pendingAcks: (() => void)[] = [];
    const resyncs: number[] = [];
    const sink: SubscriptionSink = {
      send: (events, _position, ack) => {
        received.push(...events);
        if (autoAck) ack();
        else pendingAcks.push(ack);
      },
      caughtUp: () => undefined,
      resync: (position) => resyncs.push(position),
    };
    return {
      sink,
      received,
      resyncs,
      ackAll: () => {
        for (const ack of pendingAcks.splice(0)) ack();
      },
    };
  }

  it('keeps an event committed while its last catch-up read was in flight (delivered live during the read)', async () => {
    await append(5);
    let reads = 0;
    const racingStore = {
      readAll: async (options: ReadAllOptions) => {
        const page = await store.readAll(options);
        reads += 1;
        if (reads === 1) {
          // Commit after the read's snapshot and let the fanout deliver it before the read "returns".
          await append(2);
          const head = await store.headPosition();
          await waitFor(() => fanout.position >= head, 'fanout delivery');
        }
        return page;
      },
    };
    const recorder = recordingSink(true);
    const subscription = new ClientSubscription({ kind: 'project', projectId: 'p1' }, 0, racingStore, fanout, recorder.sink);
    subscription.start();
    await waitFor(() => subscription.state === 'live', 'live');
    expect(recorder.received.map((e) => e.position)).toEqual(await allPositions());
    expect(recorder.received).toHaveLength(7);

    await append(3);
    await waitFor(() => recorder.received.length === 10, 'live events');
    expect(recorder.received.map((e) => e.position)).toEqual(await allPositions());
    subscription.close();
  });

  it('reads at most one page ahead of a client that stops acknowledging, drops held live events past the limit, and reads them from the log later', async () => {
    await append(30);
    const recorder = recordingSink(false);
    const limits = { bufferLimit: 10, inFlightBatches: 1, batchSize: 5 };
    const subscription = new ClientSubscription({ kind: 'project', projectId: 'p1' }, 0, store, fanout, recorder.sink, limits);
    subscription.start();
    await waitFor(() => recorder.received.length === 5, 'first batch');
    await new Promise((r) => setTimeout(r, 50));
    // One batch in flight, at most one page queued: the rest stays in the log.
    expect(recorder.received).toHaveLength(5);
    expect(subscription.queued).toBeLessThanOrEqual(limits.batchSize);

    // Live events past the buffer limit arrive while it is stuck: they are not held in memory…
    await append(25);
    const head = await store.headPosition();
    await waitFor(() => fanout.position === head, 'fanout delivered the live events');
    expect(subscription.state).toBe('catching-up');

    // …and once the client acknowledges again, catch-up reads them from the log: all, in order, once.
    while (subscription.state !== 'live') {
      recorder.ackAll();
      await new Promise((r) => setTimeout(r, 5));
    }
    while (subscription.queued > 0 || recorder.received.length < 55) {
      recorder.ackAll();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(recorder.received.map((e) => e.position)).toEqual(await allPositions());
    expect(recorder.resyncs).toEqual([]);
    subscription.close();
  });

  it('tells a live client that stops acknowledging to resync from the last position sent, and holds nothing after', async () => {
    const recorder = recordingSink(false);
    const limits = { bufferLimit: 10, inFlightBatches: 2, batchSize: 3 };
    const subscription = new ClientSubscription({ kind: 'project', projectId: 'p1' }, 0, store, fanout, recorder.sink, limits);
    subscription.start();
    await waitFor(() => subscription.state === 'live', 'live');
    await append(40);
    await waitFor(() => recorder.resyncs.length === 1, 'resync');
    expect(subscription.state).toBe('closed');
    expect(subscription.queued).toBe(0);
    expect(fanout.listenerCount).toBe(0);
    const sent = recorder.received.map((e) => e.position);
    expect(recorder.resyncs[0]).toBe(sent[sent.length - 1]);
    expect(sent).toEqual((await allPositions()).slice(0, sent.length));
  });
});
