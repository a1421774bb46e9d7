import {
  LIVE_EVENTS_PATH,
  LiveClientMessage,
  LiveServerMessage,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  validationErrorBody,
  type SubscribeReply,
} from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '@camel/server';
import { Inject, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { ClientSubscription, DEFAULT_LIMITS, type SubscriptionLimits } from './client-subscription';
import { EventFanout } from './event-fanout';
import { sendEventsFrame } from './events-frame';
import { parseSubscribeRequest } from './subscribe-request';

type LiveSocket = Socket<LiveClientToServerEvents, LiveServerToClientEvents, object, { subscriptions?: Map<string, ClientSubscription> }>;

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 64;

/**
 * socket.io endpoint for live events. Every connection shares the process's one tail subscription
 * (EventFanout); each client subscription catches up from its own position, then follows live, with
 * a bounded buffer. Permissions per topic arrive with identity (issue C).
 */
@WebSocketGateway({ path: LIVE_EVENTS_PATH, serveClient: false })
export class LiveEventsGateway implements OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, OnApplicationShutdown {
  @WebSocketServer() readonly server!: Server<LiveClientToServerEvents, LiveServerToClientEvents, object, LiveSocket['data']>;
  private readonly logger = new Logger('LiveEvents');
  private readonly fanout: EventFanout;
  private readonly limits: SubscriptionLimits;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.fanout = new EventFanout(store, this.logger);
    this.limits = { ...DEFAULT_LIMITS, bufferLimit: config.liveBufferLimit };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.fanout.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fanout.stop();
  }

  handleConnection(socket: LiveSocket): void {
    socket.data.subscriptions = new Map();
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const subscription of socket.data.subscriptions?.values() ?? []) subscription.close();
    socket.data.subscriptions?.clear();
  }

  @SubscribeMessage(LiveClientMessage.Subscribe)
  subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): SubscribeReply {
    const parsed = parseSubscribeRequest(body);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { subscriptionId, topic, after } = parsed.value;
    const subscriptions = (socket.data.subscriptions ??= new Map<string, ClientSubscription>());
    // Resubscribing under the same id replaces the old subscription (a client resuming after resync).
    subscriptions.get(subscriptionId)?.close();
    subscriptions.delete(subscriptionId);
    if (subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return {
        ok: false,
        error: validationErrorBody([
          { field: 'subscriptionId', message: `at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection` },
        ]),
      };
    }

    const subscription: ClientSubscription = new ClientSubscription(
      topic,
      after,
      this.store,
      this.fanout,
      {
        send: (events, position, acknowledged) => {
          const message = { subscriptionId, events, position };
          if (!sendEventsFrame(socket, message, acknowledged)) socket.emit(LiveServerMessage.Events, message, acknowledged);
        },
        caughtUp: (position) => socket.emit(LiveServerMessage.CaughtUp, { subscriptionId, position }),
        resync: (position, reason) => {
          if (reason === 'slow-consumer') {
            this.logger.warn(`subscription ${subscriptionId} of ${socket.id} fell behind; told to resync from ${position}`);
          }
          if (subscriptions.get(subscriptionId) === subscription) subscriptions.delete(subscriptionId);
          socket.emit(LiveServerMessage.Resync, { subscriptionId, position, reason });
        },
      },
      this.limits,
      (error) => this.logger.error(`catch-up of ${subscriptionId} failed: ${(error as Error).message}`),
    );
    subscriptions.set(subscriptionId, subscription);
    subscription.start();
    return { ok: true, subscriptionId, head: this.fanout.position };
  }

  @SubscribeMessage(LiveClientMessage.Unsubscribe)
  unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): { ok: true } {
    const id = typeof body === 'object' && body !== null ? (body as { subscriptionId?: unknown }).subscriptionId : undefined;
    if (typeof id === 'string') {
      socket.data.subscriptions?.get(id)?.close();
      socket.data.subscriptions?.delete(id);
    }
    return { ok: true };
  }
}
