/**
 * A share of the benchmark's socket.io clients, in one child process (forked by gateway.bench.ts
 * through child.cjs). Each client has its own connection and one subscription, and records, per
 * event, its position and the time the message arrived (clock.ts). Every client presents the access
 * token api-process.ts obtained in its handshake (`auth: { token }`). The checks run here at the end,
 * against the writer's list of positions, so only counts and histograms cross back to the parent.
 *
 * `raw`: socket.io-client with the protocol's typed events, acknowledging each batch on arrival. It
 * sees exactly what the gateway sends, so duplicates and order are checked on the wire.
 * `typed`: LiveEventsClient (@camel/console-data-access), what the console uses; it drops events at
 * or before its position, so duplicates and reordering from the server would be hidden.
 * `light`: the same protocol spoken directly over a `ws` WebSocket (Engine.IO 4 / Socket.IO 5 text
 * frames), reading event positions from the JSON text without parsing it. It stands in for clients
 * on other machines: on this 2-core box the clients' own JSON parsing competes with the api for CPU.
 * Each event object of an `events` message starts with `{"position":N,` (RecordedEvent's field
 * order); the messages are checked the same way.
 */
import {
  LIVE_EVENTS_PATH,
  LiveClientMessage,
  LiveServerMessage,
  type EventTopic,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type RecordedEvent,
} from '@camel/contracts';
import { LiveEventsClient } from '@camel/console-data-access';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { nowMs } from './clock';
import { Histogram } from './histogram';
import { topicFor, type ClientCounts, type ClientReply, type ClientRequest, type ClientStart } from './protocol';

interface Tracked {
  readonly positions: number[];
  readonly times: number[];
  /** Last position received (or acknowledged as looked at by the server). */
  last: number;
  messages: number;
  caughtUp: number;
  resyncs: number;
  disconnects: number;
  error: string | null;
  close(): void;
}

const send = (message: ClientReply): void => {
  process.send?.(message);
};

function record(tracked: Tracked, events: readonly RecordedEvent[], position: number): void {
  const arrived = nowMs();
  tracked.messages += 1;
  for (const event of events) {
    tracked.positions.push(event.position);
    tracked.times.push(arrived);
  }
  tracked.last = Math.max(tracked.last, position);
}

function emptyTracked(after: number): Omit<Tracked, 'close'> {
  return { positions: [], times: [], last: after, messages: 0, caughtUp: 0, resyncs: 0, disconnects: 0, error: null };
}

function rawClient(url: string, token: string, topic: EventTopic, after: number): Tracked {
  const socket: Socket<LiveServerToClientEvents, LiveClientToServerEvents> = io(url, {
    path: LIVE_EVENTS_PATH,
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 100,
  });
  const tracked: Tracked = { ...emptyTracked(after), close: () => socket.disconnect() };
  const subscriptionId = 'bench';
  const subscribe = () =>
    socket.emit(LiveClientMessage.Subscribe, { subscriptionId, topic, after: tracked.last }, (reply) => {
      if (!reply.ok) tracked.error = reply.error.message;
    });
  socket.on('connect', subscribe);
  socket.on('connect_error', (error) => {
    tracked.error = `handshake refused: ${error.message}`;
  });
  socket.on('disconnect', () => {
    tracked.disconnects += 1;
  });
  socket.on(LiveServerMessage.Events, (message, ack) => {
    record(tracked, message.events, message.position);
    ack();
  });
  socket.on(LiveServerMessage.CaughtUp, () => {
    tracked.caughtUp += 1;
  });
  socket.on(LiveServerMessage.Resync, () => {
    tracked.resyncs += 1;
    subscribe();
  });
  return tracked;
}

function typedClient(url: string, token: string, topic: EventTopic, after: number): Tracked {
  const client = new LiveEventsClient({ url, token, reconnectionDelayMs: 100 });
  const tracked: Tracked = { ...emptyTracked(after), close: () => client.close() };
  client.onState((state) => {
    if (state === 'reconnecting') tracked.disconnects += 1;
    if (state === 'unauthorized') tracked.error = 'handshake refused';
  });
  client.subscribe(topic, after, {
    onEvents: (events, position) => record(tracked, events, position),
    onCaughtUp: () => {
      tracked.caughtUp += 1;
      // Every caught-up after the first follows a resubscribe (resync or reconnect).
      if (tracked.caughtUp > 1) tracked.resyncs += 1;
    },
    onError: (error) => {
      tracked.error = error.message;
    },
  });
  return tracked;
}

/**
 * Positions of the event objects in an `events` message's JSON text (each starts with
 * `{"position":`), and the message's own `position` (the one key not opening an object).
 */
function scanEvents(json: string): { positions: number[]; position: number } {
  const positions: number[] = [];
  let position = NaN;
  const key = '"position":';
  for (let at = json.indexOf(key); at >= 0; at = json.indexOf(key, at + key.length)) {
    const value = parseInt(json.slice(at + key.length, at + key.length + 20), 10);
    if (json.charCodeAt(at - 1) === 123 /* { */) positions.push(value);
    else position = value;
  }
  return { positions, position: Number.isNaN(position) ? (positions[positions.length - 1] ?? 0) : position };
}

function lightClient(url: string, token: string, topic: EventTopic, after: number): Tracked {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${LIVE_EVENTS_PATH}/?EIO=4&transport=websocket`);
  const tracked: Tracked = { ...emptyTracked(after), close: () => ws.close() };
  let nextAck = 0;
  const subscribeAcks = new Set<number>();
  const subscribe = () => {
    const id = nextAck++;
    subscribeAcks.add(id);
    ws.send(`42${id}${JSON.stringify([LiveClientMessage.Subscribe, { subscriptionId: 'bench', topic, after: tracked.last }])}`);
  };
  ws.on('close', () => {
    tracked.disconnects += 1;
  });
  ws.on('error', (error) => {
    tracked.error = String(error);
  });
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const engineType = text[0];
    if (engineType === '2') return void ws.send('3'); // ping → pong
    // open → connect to the default namespace, with the handshake's auth payload
    if (engineType === '0') return void ws.send(`40${JSON.stringify({ token })}`);
    if (engineType !== '4') return;
    const type = text[1];
    if (type === '0') return subscribe(); // namespace connected
    if (type === '4') return void (tracked.error = `handshake refused: ${text.slice(2)}`); // connect_error
    let at = 2;
    while (text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at += 1;
    const id = at > 2 ? Number(text.slice(2, at)) : null;
    const body = text.slice(at);
    if (type === '3' && id !== null && subscribeAcks.delete(id)) {
      const [reply] = JSON.parse(body) as [{ ok: boolean; error?: { message: string } }];
      if (!reply.ok) tracked.error = reply.error?.message ?? 'subscribe refused';
      return;
    }
    if (type !== '2') return;
    if (body.startsWith(`["${LiveServerMessage.Events}",`)) {
      const arrived = nowMs();
      const { positions, position } = scanEvents(body);
      tracked.messages += 1;
      for (const p of positions) {
        tracked.positions.push(p);
        tracked.times.push(arrived);
      }
      tracked.last = Math.max(tracked.last, position);
      if (id !== null) ws.send(`43${id}[]`);
    } else if (body.startsWith(`["${LiveServerMessage.CaughtUp}",`)) {
      tracked.caughtUp += 1;
    } else if (body.startsWith(`["${LiveServerMessage.Resync}",`)) {
      tracked.resyncs += 1;
      subscribe();
    }
  });
  return tracked;
}

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let clients: Tracked[] = [];
let start: ClientStart | null = null;

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function handleStart(message: ClientStart): Promise<void> {
  start = message;
  const began = nowMs();
  const make = message.kind === 'raw' ? rawClient : message.kind === 'typed' ? typedClient : lightClient;
  for (let i = 0; i < message.count; i += 1) {
    clients.push(make(message.url, message.token, topicFor(message.firstIndex + i), message.after));
    // Connect in small waves rather than all at once.
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const ok = await waitUntil(() => clients.every((c) => c.caughtUp > 0 || c.error), 60_000);
  const failed = clients.find((c) => c.error);
  if (!ok || failed) {
    send({ type: 'error', message: failed?.error ?? `only ${clients.filter((c) => c.caughtUp > 0).length} of ${clients.length} clients caught up` });
    return;
  }
  loopDelay.enable();
  send({ type: 'ready', connectMs: nowMs() - began });
}

function report(message: Extract<ClientRequest, { type: 'report' }>): ClientReply {
  loopDelay.disable();
  const index = new Map<number, number>();
  message.positions.forEach((position, i) => index.set(position, i));
  const after = start?.after ?? 0;
  const seen = new Uint8Array(message.positions.length);
  const commitToReceive = new Histogram();
  const fanoutToReceive = new Histogram();
  let delivered = 0;
  let missing = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let unexpected = 0;
  let messages = 0;
  let events = 0;
  let resyncs = 0;
  let disconnects = 0;
  let correctClients = 0;
  for (const client of clients) {
    seen.fill(0);
    const before = { duplicates, outOfOrder, unexpected, missing };
    let highest = -Infinity;
    messages += client.messages;
    events += client.positions.length;
    resyncs += client.resyncs;
    disconnects += client.disconnects;
    for (let k = 0; k < client.positions.length; k += 1) {
      const position = client.positions[k];
      const i = index.get(position);
      if (i === undefined) {
        unexpected += 1;
        continue;
      }
      if (seen[i]) {
        duplicates += 1;
        continue;
      }
      seen[i] = 1;
      if (position < highest) outOfOrder += 1;
      highest = Math.max(highest, position);
      if (message.measured[i]) {
        delivered += 1;
        commitToReceive.add(client.times[k] - message.commitTimes[i]);
        const fanout = message.fanoutTimes[i];
        if (!Number.isNaN(fanout)) fanoutToReceive.add(client.times[k] - fanout);
      }
    }
    for (let i = 0; i < seen.length; i += 1) if (!seen[i] && message.positions[i] > after) missing += 1;
    const clean =
      duplicates === before.duplicates && outOfOrder === before.outOfOrder && unexpected === before.unexpected && missing === before.missing;
    if (clean) correctClients += 1;
  }
  const counts: ClientCounts = { delivered, missing, duplicates, outOfOrder, unexpected, messages, events, resyncs, disconnects, correctClients };
  return {
    type: 'result',
    counts,
    commitToReceive: commitToReceive.serialize(),
    fanoutToReceive: fanoutToReceive.serialize(),
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
  };
}

process.on('message', (message: ClientRequest) => {
  switch (message.type) {
    case 'start':
      handleStart(message).catch((error: unknown) => send({ type: 'error', message: String(error) }));
      break;
    case 'wait-for':
      void waitUntil(() => clients.every((c) => c.last >= message.position), message.timeoutMs).then((ok) =>
        send({ type: 'reached', ok, behind: clients.filter((c) => c.last < message.position).length }),
      );
      break;
    case 'report':
      send(report(message));
      break;
    case 'stop':
      for (const client of clients) client.close();
      clients = [];
      setTimeout(() => process.exit(0), 50);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
