/**
 * Gateway variants the api process can run (`--variant=`), to measure a proposed change to
 * apps/api/src/live without editing it: each patches the real gateway (or Socket.IO) before the app
 * starts, to behave as the proposed code would.
 * - `shipped`: the code as it is.
 * - `cached-json`: the gateway decorator given `parser: liveEventsParser` (prototype/live-events-parser.ts).
 * - `shared-frame`: the gateway's `send` calling sendEventsFrame (prototype/events-frame.ts) instead
 *   of `socket.emit` for `events` messages.
 */
import { LiveServerMessage, type EventsMessage } from '@camel/contracts';
import { GATEWAY_OPTIONS } from '@nestjs/websockets/constants';
import { Socket } from 'socket.io';
import { LiveEventsGateway } from '../../../apps/api/src/live/live-events.gateway';
import { sendEventsFrame } from './prototype/events-frame';
import { liveEventsParser } from './prototype/live-events-parser';
import type { Variant } from './protocol';

export function applyVariant(variant: Variant): void {
  switch (variant) {
    case 'shipped':
      return;
    case 'cached-json': {
      const options = (Reflect.getMetadata(GATEWAY_OPTIONS, LiveEventsGateway) ?? {}) as Record<string, unknown>;
      Reflect.defineMetadata(GATEWAY_OPTIONS, { ...options, parser: liveEventsParser }, LiveEventsGateway);
      return;
    }
    case 'shared-frame': {
      // The gateway emits `events` only from its send callback: route exactly those.
      const emit = Socket.prototype.emit;
      Socket.prototype.emit = function emitEvents(this: Socket, event: string, ...args: unknown[]): boolean {
        const [message, acknowledged] = args;
        if (event === LiveServerMessage.Events && args.length === 2 && typeof acknowledged === 'function') {
          if (sendEventsFrame(this, message as EventsMessage, acknowledged as () => void)) return true;
        }
        return emit.call(this, event, ...args);
      } as typeof emit;
      return;
    }
  }
}
