import { liveEventWithheld } from '@camel/annotations';
import {
  DomainError,
  isAccessEvent,
  LIVE_EVENTS_PATH,
  permissions,
  type AccessEventType,
  type ApiErrorBody,
  type AuthExpiredMessage,
  type RecordedEvent,
  LiveClientMessage,
  LiveServerMessage,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  validationErrorBody,
  type SubscribeReply,
} from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import type { ProjectionRunner } from '@camel/event-store';
import { APP_CONFIG, type AppConfig, can, EVENT_STORE, isOwner, type Principal, PROJECTION_RUNNER } from '@camel/server';
import { Inject, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { Authenticator } from '@camel/identity/server';
import type { GlobalRole, ProjectRole } from '@camel/contracts';
import type { Server, Socket } from 'socket.io';
import { ClientSubscription, DEFAULT_LIMITS, type SubscriptionLimits } from './client-subscription';
import { EventFanout } from './event-fanout';
import { sendEventsFrame } from './events-frame';
import { parseSubscribeRequest } from './subscribe-request';

interface SocketData {
  subscriptions?: Map<string, ClientSubscription>;
  principal?: Principal;
  /** Kept in memory only, to re-check the credential when access changes. */
  token?: string;
  expiryTimer?: NodeJS.Timeout;
  /** Set the moment an event revokes the credential; nothing is delivered until the re-check ends. */
  suspended?: boolean;
}
type LiveSocket = Socket<LiveClientToServerEvents, LiveServerToClientEvents, object, SocketData>;

const EXPIRY_REASON: Record<string, AuthExpiredMessage['reason']> = {
  'auth.token-expired': 'token-expired',
  'auth.user-disabled': 'user-disabled',
  'auth.api-key-invalid': 'api-key-revoked',
};

/**
 * What goes out live of an event. An import's chunks (`DatasetPairsImported`, up to 1000 pairs
 * each) go without their pairs, which every client of the project would otherwise get whole: the
 * event still shows where the audit shows it, and the pairs are read with the preview and export
 * routes (`pairCount` says how many the chunk holds).
 */
export function liveForm(event: RecordedEvent): RecordedEvent {
  if (event.type !== 'DatasetPairsImported') return event;
  const { pairs, ...rest } = event.data as { pairs?: readonly unknown[] };
  return { ...event, data: { ...rest, pairCount: pairs?.length ?? 0, pairsOmitted: true } };
}

/**
 * Events without a project (users, sessions) are visible to owners only. Blind mode: an annotation
 * recorded while its item was open in a blind queue reaches only its annotator and managers. A
 * project's webhook events (their receivers' URLs) reach only who may see them over REST
 * (`webhook:manage`).
 */
export function mayReceive(principal: Principal, event: RecordedEvent): boolean {
  if (isOwner(principal)) return true;
  const projectId = event.metadata.projectId;
  if (projectId === undefined || !can(principal, permissions.subscribeEvents, projectId)) return false;
  if (event.type.startsWith('Webhook') && !can(principal, permissions.manageWebhooks, projectId)) return false;
  return !liveEventWithheld(event, { id: principal.actor.id, manages: can(principal, permissions.manageAnnotation, projectId) });
}

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 64;

/**
 * socket.io endpoint for live events. Every connection shares the process's one tail subscription
 * (EventFanout); each client subscription catches up from its own position, then follows live, with
 * a bounded buffer. The handshake needs an access token or API key; a client receives only events of
 * projects where it holds events:subscribe (owners: all). When access changes (membership, disable,
 * revocation) the affected sockets are re-checked; an expiring token ends its connection.
 */
@WebSocketGateway({ path: LIVE_EVENTS_PATH, serveClient: false })
export class LiveEventsGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, OnApplicationShutdown
{
  @WebSocketServer() readonly server!: Server<LiveClientToServerEvents, LiveServerToClientEvents, object, LiveSocket['data']>;
  private readonly logger = new Logger('LiveEvents');
  private readonly fanout: EventFanout;
  private readonly limits: SubscriptionLimits;

  private readonly accessWatcher = { onLive: (events: readonly RecordedEvent[]) => this.onAccessEvents(events) };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    private readonly authenticator: Authenticator,
  ) {
    this.fanout = new EventFanout(store, this.logger);
    this.limits = { ...DEFAULT_LIMITS, bufferLimit: config.liveBufferLimit };
  }

  /** Handshake authentication: a refused connection gets connect_error with an ApiErrorBody as `data`. */
  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      this.authenticator
        .authenticate(typeof token === 'string' ? token : undefined)
        .then((principal) => {
          const data = socket.data as SocketData;
          data.principal = principal;
          data.token = token as string;
          next();
        })
        .catch((error: unknown) => {
          const refused = new Error(error instanceof Error ? error.message : 'unauthorized') as Error & { data?: ApiErrorBody };
          refused.data = {
            statusCode: 401,
            error: 'Unauthorized',
            message: refused.message,
            code: error instanceof DomainError ? error.code : 'auth.required',
          };
          if (!(error instanceof DomainError)) this.logger.error(`handshake check failed: ${(error as Error).stack}`);
          next(refused);
        });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.fanout.start();
    this.fanout.add(this.accessWatcher);
  }

  async onApplicationShutdown(): Promise<void> {
    this.fanout.remove(this.accessWatcher);
    await this.fanout.stop();
  }

  handleConnection(socket: LiveSocket): void {
    socket.data.subscriptions = new Map();
    const expiresAt = socket.data.principal?.expiresAt;
    if (expiresAt !== undefined) {
      // Capped so a timer never overflows (ACCESS_TOKEN_TTL is at most a day anyway).
      const delay = Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1);
      socket.data.expiryTimer = setTimeout(() => this.expel(socket, 'token-expired'), delay);
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(socket.data.expiryTimer);
    for (const subscription of socket.data.subscriptions?.values() ?? []) subscription.close();
    socket.data.subscriptions?.clear();
  }

  @SubscribeMessage(LiveClientMessage.Subscribe)
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<SubscribeReply> {
    const parsed = parseSubscribeRequest(body);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const { subscriptionId, topic, after } = parsed.value;
    let principal = socket.data.principal;
    if (!principal) return { ok: false, error: { statusCode: 401, error: 'Unauthorized', code: 'auth.required', message: 'not authenticated' } };
    if (topic.kind === 'project' && !can(principal, permissions.subscribeEvents, topic.projectId)) {
      // Access granted a moment ago may not have reached this socket yet: look again before refusing.
      principal = await this.authenticator.authenticate(socket.data.token).catch(() => principal as Principal);
      if (!socket.data.suspended) socket.data.principal = principal;
    }
    if (topic.kind === 'project' && !can(principal, permissions.subscribeEvents, topic.projectId)) {
      const member = principal.roles.has(topic.projectId);
      return {
        ok: false,
        error: member
          ? { statusCode: 403, error: 'Forbidden', code: 'auth.forbidden', message: 'you lack the events:subscribe permission in this project' }
          : { statusCode: 404, error: 'Not Found', code: 'project.not-found', message: `project ${topic.projectId} does not exist` },
      };
    }
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
          const message = { subscriptionId, events: events.map(liveForm), position };
          if (!sendEventsFrame(socket, message, acknowledged)) socket.emit(LiveServerMessage.Events, message, acknowledged);
        },
        caughtUp: (position) => socket.emit(LiveServerMessage.CaughtUp, { subscriptionId, position }),
        visible: (event) => {
          const current = socket.data.principal;
          return current !== undefined && !socket.data.suspended && mayReceive(current, event);
        },
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

  /** Disconnects a socket whose credential stopped being valid, telling it why first. */
  private expel(socket: LiveSocket, reason: AuthExpiredMessage['reason']): void {
    socket.emit(LiveServerMessage.AuthExpired, { reason });
    socket.disconnect(true);
  }

  private onAccessEvents(events: readonly RecordedEvent[]): void {
    const users = new Set<string>();
    const keys = new Set<string>();
    for (const event of events) {
      // Access events (contracts) name the principals to resolve again: their access may have changed.
      if (!isAccessEvent(event.type)) continue;
      this.applyAccessChange(event.type, event);
      const data = event.data as { userId?: string; keyId?: string };
      if (data.userId) users.add(data.userId);
      if (data.keyId) keys.add(data.keyId);
    }
    if (users.size === 0 && keys.size === 0) return;
    const position = events[events.length - 1].position;
    void this.recheck(position, (principal) =>
      (principal.userId !== undefined && users.has(principal.userId)) || (principal.keyId !== undefined && keys.has(principal.keyId)),
    );
  }

  /**
   * Applies an access change to the cached principals at once, from the event itself: the fanout
   * hands each batch to this watcher before any subscription, so no event committed after a removal
   * or revocation is delivered under the old access. (Events earlier in the same batch are held back
   * too: access ends a little early, never late.) The database re-check then confirms it.
   */
  private applyAccessChange(type: AccessEventType, event: RecordedEvent): void {
    const data = event.data as { userId?: string; sessionId?: string; keyId?: string; projectId?: string; role?: ProjectRole; globalRole?: GlobalRole | null };
    for (const socket of this.server.sockets.sockets.values()) {
      const principal = socket.data.principal;
      if (!principal) continue;
      const mine = principal.userId !== undefined && principal.userId === data.userId;
      switch (type) {
        case 'ProjectMemberAdded':
        case 'ProjectMemberRoleChanged':
          if (mine && data.projectId && data.role) socket.data.principal = { ...principal, roles: new Map(principal.roles).set(data.projectId, data.role) };
          break;
        case 'ProjectMemberRemoved':
          if (mine && data.projectId) {
            const roles = new Map(principal.roles);
            roles.delete(data.projectId);
            socket.data.principal = { ...principal, roles };
          }
          break;
        case 'UserGlobalRoleChanged':
          if (mine) socket.data.principal = { ...principal, globalRole: data.globalRole ?? null };
          break;
        case 'UserDisabled':
        case 'UserPasswordResetIssued':
          if (mine) socket.data.suspended = true;
          break;
        case 'UserPasswordSet':
          // A password change ends the user's other sessions (the changing one is named in the event).
          if (mine && principal.sessionId !== data.sessionId) socket.data.suspended = true;
          break;
        case 'SessionRevoked':
          if (principal.sessionId !== undefined && principal.sessionId === data.sessionId) socket.data.suspended = true;
          break;
        case 'ApiKeyRevoked':
          if (principal.keyId !== undefined && principal.keyId === data.keyId) socket.data.suspended = true;
          break;
        default: {
          const unhandled: never = type;
          throw new Error(`live gateway: access event ${String(unhandled)} is not applied`);
        }
      }
    }
  }

  /** Re-resolves the affected sockets' credentials once the identity read model has the change. */
  private async recheck(position: number, affected: (principal: Principal) => boolean): Promise<void> {
    await this.projections.waitFor(position, { names: ['identity'], timeoutMs: 10_000 });
    for (const socket of this.server.sockets.sockets.values()) {
      const principal = socket.data.principal;
      if (!principal || !affected(principal)) continue;
      try {
        const updated = await this.authenticator.authenticate(socket.data.token);
        socket.data.principal = updated;
        socket.data.suspended = false;
        for (const [id, subscription] of socket.data.subscriptions ?? []) {
          const topic = subscription.topic;
          if (topic.kind === 'project' && !can(updated, permissions.subscribeEvents, topic.projectId)) {
            subscription.close();
            socket.data.subscriptions?.delete(id);
            socket.emit(LiveServerMessage.SubscriptionEnded, { subscriptionId: id, position: subscription.sentPosition, reason: 'forbidden' });
          }
        }
      } catch (error) {
        const code = error instanceof DomainError ? error.code : '';
        this.expel(socket as LiveSocket, EXPIRY_REASON[code] ?? 'session-revoked');
      }
    }
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
