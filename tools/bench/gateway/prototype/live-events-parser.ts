/**
 * PROTOTYPE of a change proposed for apps/api/src/live (measured by `--variant=cached-json`): a
 * socket.io parser whose encoder serializes each RecordedEvent once per process instead of once per
 * client. Everything else goes through the default socket.io-parser.
 *
 * Why: the gateway emits every batch to every subscription separately, and socket.io encodes each
 * emit on its own: `hasBinary` walks the whole payload, then `JSON.stringify` serializes it. With
 * 1,000 clients that is 1,000 serializations of the same events (about 60 % of the api's CPU in the
 * shipped gateway, plus the garbage). Event objects are shared: the fanout hands the same
 * RecordedEvent objects to every subscription, and subscriptions only re-slice arrays of them. So
 * the encoder keeps each event's JSON in a WeakMap and builds an `events` packet by concatenation;
 * the bytes on the wire are exactly those of the default encoder (same field order).
 *
 * Use: `@WebSocketGateway({ path: LIVE_EVENTS_PATH, serveClient: false, parser: liveEventsParser })`.
 */
import { LiveServerMessage, type EventsMessage, type RecordedEvent } from '@camel/contracts';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

const eventJson = new WeakMap<RecordedEvent, string>();

function jsonOf(event: RecordedEvent): string {
  let json = eventJson.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    eventJson.set(event, json);
  }
  return json;
}

function isEventsPacket(packet: Packet): boolean {
  if (packet.type !== PacketType.EVENT || !Array.isArray(packet.data) || packet.data.length !== 2) return false;
  if (packet.data[0] !== LiveServerMessage.Events) return false;
  const message = packet.data[1] as Partial<EventsMessage> | null;
  return typeof message === 'object' && message !== null && Array.isArray(message.events);
}

export class LiveEventsEncoder extends Encoder {
  override encode(packet: Packet): string[] {
    if (!isEventsPacket(packet)) return super.encode(packet) as string[];
    const message = packet.data[1] as EventsMessage;
    let head = `${PacketType.EVENT}`;
    if (packet.nsp && packet.nsp !== '/') head += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) head += `${packet.id}`;
    // Same text as JSON.stringify(packet.data) for { subscriptionId, events, position }.
    const events = message.events.map(jsonOf).join(',');
    return [
      `${head}["${LiveServerMessage.Events}",{"subscriptionId":${JSON.stringify(message.subscriptionId)},"events":[${events}],"position":${JSON.stringify(message.position)}}]`,
    ];
  }
}

export const liveEventsParser = { Encoder: LiveEventsEncoder, Decoder };
