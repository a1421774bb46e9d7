import type { EventsMessage, RecordedEvent } from '@camel/contracts';
import type { Socket } from 'socket.io';

/**
 * Fast path for the `events` message: written as a pre-built WebSocket text frame whose large part
 * (the events' JSON) is one Buffer shared by every client that gets the same batch; per client only
 * a ~100-byte head (frame header, ack id, subscription id, position) is built. The client reads the
 * same Socket.IO packet as from `socket.emit('events', message, ack)`.
 *
 * Why: with a plain emit, each client's copy of a batch is walked for binaries, JSON-stringified,
 * concatenated, flattened and UTF-8 encoded again — per client, per byte. At 1,000 clients and
 * 500 events/s that saturated the api (p99 10 s); sharing the bytes brought p99 to ~150-190 ms on
 * this 2-core machine (docs/benchmarks/gateway.md).
 *
 * It relies on Socket.IO internals that socket.io-adapter itself uses for broadcasts (socket.io 4.8,
 * engine.io 6.6, ws 8): the namespace's ack counter `nsp._ids`, the socket's `acks` map and
 * `client.writeToEngine(packets, { wsPreEncodedFrame })`. Every one is checked before use; if any is
 * missing (an upgrade changed them), or the connection is not an uncompressed WebSocket, it returns
 * false and the caller emits normally. A test asserts the fast path is taken, so an upgrade that
 * silently disables it is noticed.
 */

interface SocketInternals {
  readonly nsp?: { readonly name?: string; _ids?: number };
  readonly acks?: Map<number, (...args: unknown[]) => void>;
  readonly client?: {
    writeToEngine?(packets: unknown[], options: { wsPreEncodedFrame: Buffer[] }): void;
    readonly conn?: {
      readonly readyState?: string;
      readonly transport?: {
        readonly name?: string;
        readonly perMessageDeflate?: unknown;
        readonly socket?: { readonly _sender?: { readonly sendFrame?: unknown } };
      };
    };
  };
}

export const eventsFrameStats = { shared: 0, fallback: 0 };

/** Switch for comparisons (the gateway benchmark's `--variant=plain-emit`); on in the product. */
export const sharedEventsFrames = { enabled: true };

const eventJson = new WeakMap<RecordedEvent, string>();

function jsonOf(event: RecordedEvent): string {
  let json = eventJson.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    eventJson.set(event, json);
  }
  return json;
}

interface Body {
  readonly events: readonly RecordedEvent[];
  /** `[event,event,...]}]`: the end of the packet, identical for every client of this batch. */
  readonly bytes: Buffer;
}

/** Recent bodies by their first event; a batch matches when it holds the very same event objects. */
const bodies = new WeakMap<RecordedEvent, Body[]>();
const BODIES_PER_FIRST_EVENT = 8;

function bodyOf(events: readonly RecordedEvent[]): Buffer {
  if (events.length === 0) return Buffer.from('[]}]');
  const first = events[0];
  const list = bodies.get(first) ?? [];
  for (const body of list) {
    if (body.events.length === events.length && body.events.every((event, i) => event === events[i])) return body.bytes;
  }
  const bytes = Buffer.from(`[${events.map(jsonOf).join(',')}]}]`);
  list.push({ events, bytes });
  if (list.length > BODIES_PER_FIRST_EVENT) list.shift();
  bodies.set(first, list);
  return bytes;
}

/** RFC 6455 §5.2 header of an unmasked, final text frame of `length` payload bytes. */
export function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  header.writeUInt32BE(length >>> 0, 6);
  return header;
}

/**
 * `socket.emit('events', message, acknowledged)` with the events' bytes shared between clients.
 * Returns false (nothing sent) when the fast path does not apply: the caller then emits normally.
 */
export function sendEventsFrame(socket: Socket, message: EventsMessage, acknowledged: () => void): boolean {
  const internals = socket as unknown as SocketInternals;
  const { nsp, acks, client } = internals;
  const conn = client?.conn;
  const usable =
    sharedEventsFrames.enabled &&
    nsp?.name === '/' &&
    typeof nsp._ids === 'number' &&
    acks instanceof Map &&
    typeof client?.writeToEngine === 'function' &&
    conn?.readyState === 'open' &&
    conn.transport?.name === 'websocket' &&
    !conn.transport.perMessageDeflate &&
    typeof conn.transport.socket?._sender?.sendFrame === 'function';
  if (!usable) {
    eventsFrameStats.fallback += 1;
    return false;
  }
  const id = (nsp._ids as number)++;
  acks.set(id, acknowledged);
  const body = bodyOf(message.events);
  // Engine.IO "4" (message) + Socket.IO "2" (event) + ack id + the JSON array, minus the shared end.
  const head = Buffer.from(
    `42${id}["events",{"subscriptionId":${JSON.stringify(message.subscriptionId)},"position":${JSON.stringify(message.position)},"events":`,
  );
  const frame = [Buffer.concat([textFrameHeader(head.length + body.length), head]), body];
  // The packet itself is never encoded: the transport sends the pre-built frame (checked above).
  (client as Required<Pick<NonNullable<SocketInternals['client']>, 'writeToEngine'>>).writeToEngine([''], { wsPreEncodedFrame: frame });
  eventsFrameStats.shared += 1;
  return true;
}
