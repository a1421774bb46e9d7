/**
 * PROTOTYPE of a change proposed for apps/api/src/live (measured by `--variant=shared-frame`):
 * the `events` message is written as a pre-built WebSocket text frame whose large part (the events
 * JSON) is one Buffer shared by every client that gets the same batch; per client only a ~100-byte
 * head (frame header, ack id, subscription id, position) is built. Wire-compatible: the client reads
 * the same Socket.IO packet, with `position` before `events` in the JSON object.
 *
 * Why: with the shipped gateway each client's copy of a batch is serialized and copied several
 * times in JavaScript (hasBinary walk, JSON.stringify, string concatenation, flattening, UTF-8
 * encoding in ws) — per-client, per-byte work that grows with clients × events/s.
 *
 * It relies on Socket.IO internals, the same ones socket.io-adapter uses for its own broadcasts
 * (socket.io 4.8 / engine.io 6.6 / ws 8): the namespace's ack id counter `nsp._ids`, the socket's
 * `acks` map, `client.writeToEngine(packets, { wsPreEncodedFrame })`. It falls back to a plain emit
 * when the connection is not a WebSocket without per-message deflate.
 */
import type { EventsMessage, RecordedEvent } from '@camel/contracts';
import type { Socket } from 'socket.io';

interface SocketInternals {
  readonly nsp: { _ids: number };
  readonly acks: Map<number, (...args: unknown[]) => void>;
  readonly client: {
    writeToEngine(packets: unknown[], options: { wsPreEncodedFrame: Buffer[] }): void;
    readonly conn: { readonly readyState: string; readonly transport: { readonly name: string; readonly perMessageDeflate?: unknown } };
  };
}

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

/** RFC 6455 header of an unmasked, final text frame of `length` bytes. */
function textFrameHeader(length: number): Buffer {
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
 * `socket.emit('events', message, acknowledged)`, with the events' bytes shared between clients.
 * Returns false (nothing sent) when the fast path does not apply: the caller emits normally.
 */
export function sendEventsFrame(socket: Socket, message: EventsMessage, acknowledged: () => void): boolean {
  const internals = socket as unknown as SocketInternals;
  const conn = internals.client.conn;
  if (conn.readyState !== 'open' || conn.transport.name !== 'websocket' || conn.transport.perMessageDeflate) return false;
  const id = internals.nsp._ids++;
  internals.acks.set(id, acknowledged);
  const body = bodyOf(message.events);
  // Engine.IO "4" (message) + Socket.IO "2" (event) + ack id + the JSON array, minus the shared end.
  const head = Buffer.from(
    `42${id}["events",{"subscriptionId":${JSON.stringify(message.subscriptionId)},"position":${JSON.stringify(message.position)},"events":`,
  );
  const frame = [Buffer.concat([textFrameHeader(head.length + body.length), head]), body];
  // The packet text is only used if the frame cannot be (it can: checked above); keep it lazy-cheap.
  internals.client.writeToEngine([''], { wsPreEncodedFrame: frame });
  return true;
}
