import type { ApiErrorBody, RecordedEvent, RunDelta, SubscribeRequest } from '@camel/contracts';
import type { LiveAuthProblem } from './live-events.client';

/**
 * The client against a scripted socket: the server's side of the protocol is played by the test
 * (handshake answers, auth-expired, subscription-ended), so each auth path runs without an api.
 * The client against the real gateway is tested in apps/api (live-events suite).
 */
class FakeSocket {
  connected = false;
  active = false;
  connects = 0;
  readonly emitted: Array<{ event: string; payload: unknown }> = [];
  /** The answer to `run-deltas:subscribe`. */
  deltaReply: { ok: boolean; error?: ApiErrorBody } = { ok: true };
  private readonly handlers = new Map<string, Array<(...args: unknown[]) => void>>();

  constructor(readonly options: { auth: (send: (data: object) => void) => void; autoConnect: boolean }) {}

  on(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (reply: unknown) => void): this {
    this.emitted.push({ event, payload });
    if (event === 'subscribe') ack?.({ ok: true, subscriptionId: (payload as SubscribeRequest).subscriptionId, head: 0 });
    if (event === 'run-deltas:subscribe') ack?.(this.deltaReply);
    return this;
  }

  connect(): this {
    this.connects += 1;
    this.active = true;
    return this;
  }

  disconnect(): this {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }

  /** The handshake as the server sees it: the auth payload the client sends now. */
  handshakeAuth(): Promise<object> {
    return new Promise((resolve) => this.options.auth(resolve));
  }

  acceptHandshake(): void {
    this.connected = true;
    this.fire('connect');
  }

  refuseHandshake(data: ApiErrorBody | undefined): void {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error(data?.message ?? 'xhr poll error'), { data }));
  }

  serverDisconnect(): void {
    this.connected = false;
    this.active = false;
    this.fire('disconnect', 'io server disconnect');
  }

  fire(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  subscribes(): SubscribeRequest[] {
    return this.emitted.filter((e) => e.event === 'subscribe').map((e) => e.payload as SubscribeRequest);
  }
}

let socket: FakeSocket;
jest.mock('socket.io-client', () => ({
  io: (options: ConstructorParameters<typeof FakeSocket>[0]) => {
    socket = new FakeSocket(options);
    if (options.autoConnect) socket.connect();
    return socket;
  },
}));

// Imported after the mock is in place.
import { LiveEventsClient } from './live-events.client';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

const expired: ApiErrorBody = { statusCode: 401, error: 'Unauthorized', message: 'token expired', code: 'auth.token-expired' };

function event(position: number): RecordedEvent {
  return {
    position,
    streamId: 'project-p1',
    streamType: 'project',
    streamVersion: position,
    id: `e${position}`,
    type: 'ProjectRenamed',
    schemaVersion: 1,
    data: {},
    metadata: { actor: { type: 'user', id: 'u1' }, correlationId: 'c', time: '2026-01-01T00:00:00.000Z' },
    hash: 'h',
    recordedAt: '2026-01-01T00:00:00.000Z',
  };
}

function setup(renewed: boolean | (() => Promise<boolean>) = true) {
  let token = 'first';
  const renewals: LiveAuthProblem[] = [];
  const client = new LiveEventsClient({
    token: () => token,
    reconnectionDelayMs: 1,
    renewToken: async (problem) => {
      renewals.push(problem);
      const ok = typeof renewed === 'function' ? await renewed() : renewed;
      if (ok) token = `renewed-${renewals.length}`;
      return ok;
    },
  });
  const states: string[] = [];
  client.onState((state) => states.push(state));
  const received: number[] = [];
  const subscription = client.subscribe({ kind: 'project', projectId: 'p1' }, 10, {
    onEvents: (events) => received.push(...events.map((e) => e.position)),
  });
  return { client, states, renewals, received, subscription };
}

describe('LiveEventsClient auth', () => {
  it('sends the current token with every handshake', async () => {
    const { client } = setup();
    await expect(socket.handshakeAuth()).resolves.toEqual({ token: 'first' });
    client.close();

    const anonymous = new LiveEventsClient({ reconnectionDelayMs: 1 });
    await expect(socket.handshakeAuth()).resolves.toEqual({});
    anonymous.close();
  });

  it('renews the token after a refused handshake, reconnects with it and resubscribes from the last position', async () => {
    const { client, renewals, received, subscription } = setup();
    socket.acceptHandshake();
    socket.fire('events', { subscriptionId: socket.subscribes()[0]?.subscriptionId, events: [event(11), event(12)], position: 12 }, () => undefined);
    expect(received).toEqual([11, 12]);
    socket.serverDisconnect();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const connectsBefore = socket.connects;

    socket.refuseHandshake(expired);
    await tick();
    expect(renewals).toEqual([{ kind: 'refused', error: expired }]);
    expect(socket.connects).toBe(connectsBefore + 1);
    await expect(socket.handshakeAuth()).resolves.toEqual({ token: 'renewed-1' });
    socket.acceptHandshake();
    expect(client.state).toBe('connected');
    expect(socket.subscribes().map((s) => s.after)).toEqual([10, 12]);
    expect(subscription.position).toBe(12);
    client.close();
  });

  it('stops as unauthorized when no fresh token can be had, until connect()', async () => {
    const { client, states } = setup(false);
    const connects = socket.connects;
    socket.refuseHandshake(expired);
    await tick();
    expect(client.state).toBe('unauthorized');
    expect(states).toEqual(['connecting', 'unauthorized']);
    expect(socket.connects).toBe(connects);

    client.connect();
    expect(client.state).toBe('connecting');
    expect(socket.connects).toBe(connects + 1);
    client.close();
  });

  it('gives up after repeated refusals even when each renewal claims success', async () => {
    const { client, renewals } = setup(true);
    for (let i = 0; i < 5; i++) {
      socket.refuseHandshake(expired);
      await tick();
    }
    expect(renewals).toHaveLength(3);
    expect(client.state).toBe('unauthorized');
    client.close();
  });

  it('on auth-expired renews first, then reconnects after the server disconnects, resuming every subscription', async () => {
    let release: (ok: boolean) => void = () => undefined;
    const { client, renewals, subscription } = setup(() => new Promise<boolean>((resolve) => (release = resolve)));
    socket.acceptHandshake();
    socket.fire('events', { subscriptionId: socket.subscribes()[0]?.subscriptionId, events: [event(15)], position: 20 }, () => undefined);

    socket.fire('auth-expired', { reason: 'token-expired' });
    socket.serverDisconnect();
    expect(client.state).toBe('reconnecting');
    const connects = socket.connects;
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Not before the token is fresh: the old one would be refused.
    expect(socket.connects).toBe(connects);
    release(true);
    await tick();
    expect(renewals).toEqual([{ kind: 'expired', message: { reason: 'token-expired' } }]);
    expect(socket.connects).toBe(connects + 1);
    await expect(socket.handshakeAuth()).resolves.toEqual({ token: 'renewed-1' });
    socket.acceptHandshake();
    expect(socket.subscribes().at(-1)).toMatchObject({ subscriptionId: socket.subscribes()[0]?.subscriptionId, after: 20 });
    expect(subscription.position).toBe(20);
    client.close();
  });

  it('runs one renewal when the handshake refusal and auth-expired come together', async () => {
    let release: (ok: boolean) => void = () => undefined;
    const { client, renewals } = setup(() => new Promise<boolean>((resolve) => (release = resolve)));
    socket.acceptHandshake();
    socket.fire('auth-expired', { reason: 'session-revoked' });
    socket.serverDisconnect();
    socket.refuseHandshake(expired);
    release(false);
    await tick();
    await tick();
    expect(renewals).toHaveLength(1);
    expect(client.state).toBe('unauthorized');
    client.close();
  });

  it('ends a subscription the server ended (forbidden): the handler hears it and it is not resumed', async () => {
    const ended: unknown[] = [];
    const client = new LiveEventsClient({ token: 't', reconnectionDelayMs: 1 });
    const subscription = client.subscribe({ kind: 'project', projectId: 'p1' }, 0, {
      onEvents: () => undefined,
      onEnded: (message) => ended.push(message),
    });
    const other = client.subscribe({ kind: 'project', projectId: 'p2' }, 0, { onEvents: () => undefined });
    socket.acceptHandshake();
    const [first] = socket.subscribes();
    socket.fire('subscription-ended', { subscriptionId: first?.subscriptionId, position: 33, reason: 'forbidden' });
    expect(ended).toEqual([{ subscriptionId: first?.subscriptionId, position: 33, reason: 'forbidden' }]);
    expect(subscription.position).toBe(33);

    subscription.close();
    expect(socket.emitted.filter((e) => e.event === 'unsubscribe')).toEqual([]);
    socket.serverDisconnect();
    await new Promise((resolve) => setTimeout(resolve, 10));
    socket.acceptHandshake();
    expect(socket.subscribes().slice(2).map((s) => s.topic)).toEqual([other.topic]);
    client.close();
  });

  it('does not treat a network failure as an auth problem', async () => {
    const { client, renewals } = setup();
    socket.refuseHandshake(undefined);
    socket.refuseHandshake(undefined);
    socket.refuseHandshake(undefined);
    await tick();
    expect(renewals).toEqual([]);
    expect(client.state).toBe('offline');
    client.close();
  });

  it('waits for connect() when autoConnect is off, and disconnect() pauses until the next connect()', async () => {
    const client = new LiveEventsClient({ token: 't', autoConnect: false, reconnectionDelayMs: 1 });
    expect(socket.connects).toBe(0);
    client.connect();
    expect(socket.connects).toBe(1);
    socket.acceptHandshake();
    expect(client.state).toBe('connected');

    client.disconnect();
    expect(client.state).toBe('offline');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(socket.connects).toBe(1);
    client.connect();
    expect(socket.connects).toBe(2);
    client.close();
  });

  it('does not renew for a socket it has disconnected itself (signing out)', async () => {
    const { client, renewals } = setup();
    socket.acceptHandshake();
    client.disconnect();
    socket.fire('auth-expired', { reason: 'session-revoked' });
    socket.refuseHandshake(expired);
    await tick();
    expect(renewals).toEqual([]);
    expect(client.state).toBe('offline');
    client.connect();
    expect(socket.connects).toBe(2);
    client.close();
  });
});

describe('LiveEventsClient run deltas', () => {
  const delta = (runId: string, text: string): RunDelta => ({ runId, callId: 'turn-1', purpose: 'turn', turnId: 'turn-1', index: 1, agent: 'stock_trader', alternativeId: null, choice: 0, offset: 0, text });
  const deltaEmits = (event: string) => socket.emitted.filter((e) => e.event === event).map((e) => e.payload);

  it('subscribes once per run, delivers its deltas, and subscribes again after every reconnect', () => {
    const client = new LiveEventsClient({ reconnectionDelayMs: 1 });
    const first: string[] = [];
    const second: string[] = [];
    const a = client.subscribeRunDeltas({ projectId: 'p1', runId: 'r1' }, { onDelta: (d) => first.push(d.text) });
    client.subscribeRunDeltas({ projectId: 'p1', runId: 'r1' }, { onDelta: (d) => second.push(d.text) });
    expect(deltaEmits('run-deltas:subscribe')).toEqual([]);
    socket.acceptHandshake();
    expect(deltaEmits('run-deltas:subscribe')).toEqual([{ projectId: 'p1', runId: 'r1' }]);

    socket.fire('run-delta', delta('r1', 'Hel'));
    socket.fire('run-delta', delta('r2', 'other run'));
    expect(first).toEqual(['Hel']);
    expect(second).toEqual(['Hel']);

    socket.serverDisconnect();
    socket.acceptHandshake();
    expect(deltaEmits('run-deltas:subscribe')).toHaveLength(2);

    // The last view of a run unsubscribes; the first closing leaves the other one following.
    a.close();
    expect(deltaEmits('run-deltas:unsubscribe')).toEqual([]);
    socket.fire('run-delta', delta('r1', 'lo'));
    expect(first).toEqual(['Hel']);
    expect(second).toEqual(['Hel', 'lo']);
    client.close();
  });

  it('a refused subscription reports the error and is not retried', () => {
    const client = new LiveEventsClient({ reconnectionDelayMs: 1 });
    socket.deltaReply = { ok: false, error: { statusCode: 403, error: 'Forbidden', message: 'no run:read' } };
    const errors: string[] = [];
    const subscription = client.subscribeRunDeltas({ projectId: 'p1', runId: 'r1' }, { onDelta: () => undefined, onError: (e) => errors.push(e.message) });
    socket.acceptHandshake();
    expect(errors).toEqual(['no run:read']);
    socket.serverDisconnect();
    socket.acceptHandshake();
    expect(deltaEmits('run-deltas:subscribe')).toHaveLength(1);
    subscription.close();
    expect(deltaEmits('run-deltas:unsubscribe')).toEqual([]);
    client.close();
  });

  it('closing the last subscription while connected unsubscribes', () => {
    const client = new LiveEventsClient({ reconnectionDelayMs: 1 });
    socket.acceptHandshake();
    const subscription = client.subscribeRunDeltas({ projectId: 'p1', runId: 'r1' }, { onDelta: () => undefined });
    subscription.close();
    subscription.close();
    expect(deltaEmits('run-deltas:unsubscribe')).toEqual([{ projectId: 'p1', runId: 'r1' }]);
    client.close();
  });
});
