import {
  LIVE_EVENTS_PATH,
  type EventTopic,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type RecordedEvent,
  type ResyncMessage,
  type SubscribeReply,
} from '@camel/contracts';
import { LiveEventsClient } from '@camel/console-data-access';
import { uuidv7 } from '@camel/kernel';
import { type EventStore } from '@camel/event-store';
import type { Engine } from '@camel/event-store/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { eventsFrameStats } from '../live/events-frame';
import { LiveEventsGateway } from '../live/live-events.gateway';
import { startTestApi, type TestApi } from './api-harness';

export const TEST_BUFFER_LIMIT = 50;

const root = resolve(__dirname, '../../../..');

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function appendProbe(store: EventStore, projectId: string, n: number, type = 'ProbeAppended', stream = `probe-${projectId}`) {
  return store.append(
    stream,
    [
      {
        id: uuidv7(),
        type,
        data: { n },
        metadata: { actor: { type: 'system', id: 'test' }, projectId, correlationId: randomUUID(), time: new Date().toISOString() },
      },
    ],
    { expectedVersion: 'any' },
  );
}

/** What the log says a topic holds after `after`: the reference the deliveries are compared with. */
async function expectedEvents(store: EventStore, projectId: string, after = 0): Promise<number[]> {
  const all: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 1000 });
    if (page.length === 0) break;
    all.push(...page);
    cursor = page[page.length - 1].position;
  }
  return all.filter((e) => e.metadata.projectId === projectId).map((e) => e.position);
}

function collect(client: LiveEventsClient, topic: EventTopic, after = 0) {
  const received: RecordedEvent[] = [];
  let caughtUp = 0;
  const subscription = client.subscribe(topic, after, {
    onEvents: (events) => received.push(...events),
    onCaughtUp: () => (caughtUp += 1),
  });
  return {
    received,
    subscription,
    caughtUpCount: () => caughtUp,
    /**
     * Waits for the event at `position`. `caught-up` says every event up to its position was sent,
     * not that everything committed before subscribing was: on PostgreSQL a read stops before events
     * of transactions still open anywhere (commit-safe order; projection transactions count), so the
     * last events written before subscribing may arrive live just after caught-up.
     */
    until: (position: number) => waitFor(() => received.some((e) => e.position === position), `the event at ${position}`),
  };
}

type RawSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

/**
 * The live gateway over real socket.io connections against the real api: catch-up then live,
 * resume after dropped connections, delivery from another process, and the slow-client bound.
 * Run once per engine; cross-process delivery only where processes can share the log (PostgreSQL).
 */
export function liveEventsSuite(engine: Engine): void {
  let api: TestApi;
  const clients: LiveEventsClient[] = [];
  const sockets: RawSocket[] = [];
  const newClient = () => {
    const client = new LiveEventsClient({ url: api.baseUrl, token: api.ownerToken, reconnectionDelayMs: 50, reconnectionDelayMaxMs: 200 });
    clients.push(client);
    return client;
  };
  const rawSocket = () => {
    const socket: RawSocket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token: api.ownerToken } });
    sockets.push(socket);
    return socket;
  };
  const serverSockets = () => [...api.app.get(LiveEventsGateway).server.sockets.sockets.values()];

  beforeAll(async () => {
    process.env['LIVE_BUFFER_LIMIT'] = String(TEST_BUFFER_LIMIT);
    api = await startTestApi(engine);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  afterAll(async () => {
    delete process.env['LIVE_BUFFER_LIMIT'];
    await api?.close();
  });

  it('delivers committed events of the topic from the position (catch-up), then live ones, in order, once', async () => {
    const projectId = randomUUID();
    const otherProject = randomUUID();
    let last = 0;
    for (let n = 1; n <= 30; n += 1) {
      last = (await appendProbe(api.store, projectId, n)).lastPosition;
      await appendProbe(api.store, otherProject, n);
    }
    const { received, caughtUpCount, until } = collect(newClient(), { kind: 'project', projectId });
    await waitFor(() => caughtUpCount() === 1, 'catch-up');
    await until(last);
    expect(received.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    for (let n = 31; n <= 60; n += 1) {
      await appendProbe(api.store, otherProject, n);
      await appendProbe(api.store, projectId, n);
    }
    await waitFor(() => received.length >= 60, 'live events');
    expect(received.map((e) => e.position)).toEqual(await expectedEvents(api.store, projectId));
    expect(received.every((e) => e.metadata.projectId === projectId)).toBe(true);
    // Batches went out as shared pre-built frames (a socket.io upgrade that disables it shows here).
    expect(eventsFrameStats.shared).toBeGreaterThan(0);
    expect(eventsFrameStats.fallback).toBe(0);
  });

  it('delivers catch-up batches larger than 64 KiB intact (64-bit frame length)', async () => {
    const projectId = randomUUID();
    const big = 'x'.repeat(2000);
    let last = 0;
    for (let n = 1; n <= 60; n += 1) {
      ({ lastPosition: last } = await api.store.append(
        `probe-${projectId}`,
        [{ id: uuidv7(), type: 'ProbeAppended', data: { n, big }, metadata: { actor: { type: 'system', id: 'test' }, projectId, correlationId: randomUUID(), time: new Date().toISOString() } }],
        { expectedVersion: 'any' },
      ));
    }
    const { received, caughtUpCount, until } = collect(newClient(), { kind: 'project', projectId });
    await waitFor(() => caughtUpCount() === 1, 'catch-up');
    await until(last);
    expect(received.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(received.every((e) => (e.data as { big: string }).big === big)).toBe(true);
  });

  it('starts after the given position and filters by stream and by event-type family', async () => {
    const projectId = randomUUID();
    const first = await appendProbe(api.store, projectId, 1, 'ProbeAppended');
    await appendProbe(api.store, projectId, 2, 'OtherThing');
    const third = await appendProbe(api.store, projectId, 3, 'ProbeAppended');
    const byStream = collect(newClient(), { kind: 'stream', streamId: `probe-${projectId}` }, first.lastPosition);
    const byType = collect(newClient(), { kind: 'type', prefix: 'Probe' }, first.lastPosition);
    await waitFor(() => byStream.caughtUpCount() === 1 && byType.caughtUpCount() === 1, 'catch-up');
    await byStream.until(third.lastPosition);
    await byType.until(third.lastPosition);
    expect(byStream.received.map((e) => (e.data as { n: number }).n)).toEqual([2, 3]);
    expect(byType.received.filter((e) => e.metadata.projectId === projectId).map((e) => (e.data as { n: number }).n)).toEqual([3]);
    expect(byType.received.every((e) => e.type.startsWith('Probe'))).toBe(true);
  });

  it('resumes from the last position after dropped connections and server disconnects: no gap, no duplicate, under concurrent appends', async () => {
    const projectId = randomUUID();
    const client = newClient();
    const states: string[] = [];
    client.onState((state) => states.push(state));
    const { received, until } = collect(client, { kind: 'project', projectId });

    let writing = true;
    let last = 0;
    // One stream per writer: the test is about delivery under concurrent commits to the project,
    // not about four writers racing for one stream's next version.
    const writers = Array.from({ length: 4 }, async (_, w) => {
      let n = 0;
      while (writing) {
        const { lastPosition } = await appendProbe(api.store, projectId, w * 100_000 + ++n, 'ProbeAppended', `probe-${projectId}-w${w}`);
        last = Math.max(last, lastPosition);
      }
    });
    // Should the test time out, a writer failing on the closed store must not crash the run.
    for (const writer of writers) writer.catch(() => undefined);
    try {
      for (let drop = 0; drop < 3; drop += 1) {
        await waitFor(() => received.length > (drop + 1) * 40, 'events between drops');
        // A transport drop (engine-level close), then a server-side disconnect (what a gracefully
        // stopping api does): the client reconnects by itself either way.
        for (const socket of serverSockets()) {
          if (drop === 1) socket.disconnect(true);
          else socket.conn.close();
        }
        await waitFor(() => states.filter((s) => s === 'reconnecting').length > drop, 'reconnecting state');
        await waitFor(() => client.state === 'connected', 'reconnected');
      }
    } finally {
      // Stop the writers even when a wait fails, so none outlives the test's database.
      writing = false;
      await Promise.all(writers);
    }
    await until(last);
    const expected = await expectedEvents(api.store, projectId);
    await waitFor(() => received.length >= expected.length, `all ${expected.length} events`);
    expect(received.map((e) => e.position)).toEqual(expected);
  }, 60_000);

  it('validates subscribe messages and names the offending field', async () => {
    const socket = rawSocket();
    const reply = (body: unknown) =>
      new Promise<SubscribeReply>((done) => (socket.emit as (...args: unknown[]) => void)('subscribe', body, done));
    const badKind = await reply({ subscriptionId: 'a', after: 0, topic: { kind: 'everything' } });
    expect(badKind).toMatchObject({ ok: false, error: { statusCode: 400, fields: [{ field: 'topic.kind' }] } });
    const badAfter = await reply({ subscriptionId: 'b', after: -1, topic: { kind: 'project', projectId: 'x' } });
    expect(badAfter).toMatchObject({ ok: false, error: { fields: [{ field: 'after' }] } });
    const extra = await reply({ subscriptionId: 'c', after: 0, topic: { kind: 'stream', streamId: 's' }, admin: true });
    expect(extra).toMatchObject({ ok: false, error: { fields: [{ field: 'admin' }] } });
    const missing = await reply({ subscriptionId: 'd', after: 0, topic: { kind: 'stream' } });
    expect(missing).toMatchObject({ ok: false, error: { fields: [{ field: 'topic.streamId' }] } });
    const ok = await reply({ subscriptionId: 'e', after: 0, topic: { kind: 'stream', streamId: 's' } });
    expect(ok).toMatchObject({ ok: true, subscriptionId: 'e' });
  });

  it('bounds a client that does not keep up: it is told to resync from its position, then resumes without gap', async () => {
    const projectId = randomUUID();
    const socket = rawSocket();
    const received: RecordedEvent[] = [];
    let resync: ResyncMessage | undefined;
    // Never acknowledges: every batch stays in flight, so the server has to queue.
    socket.on('events', (message) => received.push(...message.events));
    socket.on('resync', (message) => (resync = message));
    await new Promise<void>((done) => socket.on('connect', () => done()));
    const head = await api.store.headPosition();
    const reply = await new Promise<SubscribeReply>((done) =>
      socket.emit('subscribe', { subscriptionId: 'slow', topic: { kind: 'project', projectId }, after: head }, done),
    );
    expect(reply.ok).toBe(true);
    await waitFor(() => serverSockets().some((s) => s.data.subscriptions?.get('slow')?.state === 'live'), 'live mode');

    let last = 0;
    for (let n = 1; n <= TEST_BUFFER_LIMIT * 20 && !resync; n += 1) last = (await appendProbe(api.store, projectId, n)).lastPosition;
    await waitFor(() => resync !== undefined, 'resync message');
    expect(resync).toMatchObject({ subscriptionId: 'slow', reason: 'slow-consumer' });
    const resyncAt = (resync as ResyncMessage).position;
    // The server dropped the subscription and its queue: nothing is held for this client any more.
    expect(serverSockets().every((s) => !s.data.subscriptions?.has('slow'))).toBe(true);
    // Everything sent before the resync ends at the announced position, in order, without gaps.
    const all = await expectedEvents(api.store, projectId, head);
    expect(received.map((e) => e.position)).toEqual(all.filter((p) => p <= resyncAt));

    // A well-behaved client resumes from there and gets exactly the rest.
    const rest = collect(newClient(), { kind: 'project', projectId }, resyncAt);
    await waitFor(() => rest.caughtUpCount() === 1, 'catch-up after resync');
    await rest.until(last);
    expect([...received, ...rest.received].map((e) => e.position)).toEqual(await expectedEvents(api.store, projectId, head));
  });

  if (engine === 'postgres') {
    it('delivers events appended by another process (PostgreSQL NOTIFY wakes the api)', async () => {
      const projectId = randomUUID();
      const { received, caughtUpCount } = collect(newClient(), { kind: 'project', projectId });
      await waitFor(() => caughtUpCount() === 1, 'subscribed');
      const child = spawn(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(resolve(root, 'tools/bench/ts-loader.cjs'))}).register();` +
            `require(${JSON.stringify(resolve(root, 'apps/api/src/testing/append-process.ts'))});`,
        ],
        {
          env: { ...process.env, DATABASE_URL: process.env['DATABASE_URL'], APPEND_COUNT: '25', APPEND_PROJECT_ID: projectId },
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      );
      const code = await new Promise<number | null>((done) => child.on('exit', done));
      expect(code).toBe(0);
      await waitFor(() => received.length >= 25, 'events from the other process');
      expect(received.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(received.every((e) => e.metadata.actor.id === 'append-process')).toBe(true);
    });
  }
}
