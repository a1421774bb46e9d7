import {
  LIVE_EVENTS_PATH,
  LiveClientMessage,
  LiveServerMessage,
  RunDeltaMessage,
  type ApiErrorBody,
  type EventTopic,
  type EventsMessage,
  type LiveClientToServerEvents,
  type LiveServerToClientEvents,
  type AuthExpiredMessage,
  type RecordedEvent,
  type RunDelta,
  type RunDeltaSubscribeRequest,
  type SubscribeReply,
  type SubscriptionEndedMessage,
} from '@camel/contracts';
import { io, type Socket } from 'socket.io-client';

/**
 * - `connecting`: first connection attempt.
 * - `connected`: the socket is up; subscriptions are (re)established.
 * - `reconnecting`: the connection dropped; retrying, subscriptions resume from their position.
 * - `offline`: several attempts failed in a row (or the browser reports no network); still retrying.
 *   Also the state after `disconnect()`.
 * - `unauthorized`: the server refused the credentials and no fresh token could be obtained; not
 *   retrying until `connect()` (e.g. after signing in again).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'unauthorized';

/** The handshake's token: an access token or an API key (null/undefined = none). */
export type LiveTokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

/** Why the client needs a fresh token: the handshake was refused, or the server announced expiry. */
export type LiveAuthProblem =
  | { readonly kind: 'refused'; readonly error: ApiErrorBody }
  | { readonly kind: 'expired'; readonly message: AuthExpiredMessage };

export interface LiveEventsClientOptions {
  /** Origin of the api; omitted in the browser = the page's origin. */
  readonly url?: string;
  /** Failed reconnect attempts after which the state reads `offline` (default 3). */
  readonly offlineAfterAttempts?: number;
  readonly reconnectionDelayMs?: number;
  readonly reconnectionDelayMaxMs?: number;
  /** Asked on every (re)connect, so a reconnect always presents the current token. */
  readonly token?: string | LiveTokenProvider;
  /**
   * Obtain a fresh token after the server refused or expired the current one; resolve true to
   * reconnect with it, false to stop (state `unauthorized`). One call at a time.
   */
  readonly renewToken?: (problem: LiveAuthProblem) => Promise<boolean>;
  /** Connect right away (default true); otherwise on `connect()`. */
  readonly autoConnect?: boolean;
}

export interface SubscriptionHandlers {
  /** Events in position order, each once. */
  onEvents(events: readonly RecordedEvent[], position: number): void;
  /** Catch-up reached the live tail (again, after every resubscribe). */
  onCaughtUp?(position: number): void;
  /** The server refused the subscription (e.g. invalid topic, no permission). It is not retried. */
  onError?(error: ApiErrorBody): void;
  /** The server ended the subscription because the topic may no longer be read. Not retried. */
  onEnded?(message: SubscriptionEndedMessage): void;
}

export interface LiveSubscription {
  readonly topic: EventTopic;
  /** Last position received: where a resubscribe resumes. */
  readonly position: number;
  readonly caughtUp: boolean;
  close(): void;
}

export interface RunDeltaHandlers {
  /** A delta of a call in flight; after every (re)subscription the server first sends each call's text so far (offset 0). */
  onDelta(delta: RunDelta): void;
  /** The server refused the subscription (no permission, unknown run). It is not retried. */
  onError?(error: ApiErrorBody): void;
}

export interface RunDeltaSubscription {
  readonly runId: string;
  close(): void;
}

type LiveSocket = Socket<LiveServerToClientEvents, LiveClientToServerEvents>;

/** The token-delta side channel of the socket (not in the typed event maps: it carries no events). */
interface DeltaSocket {
  emit(event: string, request: RunDeltaSubscribeRequest, ack: (reply: { ok: boolean; error?: ApiErrorBody }) => void): void;
  on(event: string, listener: (delta: RunDelta) => void): void;
}

interface DeltaFollower {
  readonly request: RunDeltaSubscribeRequest;
  readonly handlers: Set<RunDeltaHandlers>;
  /** Bumped on every (re)subscribe: a reply of an older attempt is ignored. */
  attempt: number;
}

interface ActiveSubscription extends LiveSubscription {
  readonly id: string;
  readonly handlers: SubscriptionHandlers;
  position: number;
  caughtUp: boolean;
  closed: boolean;
  /** Bumped on every (re)subscribe: replies and batches of an older attempt are ignored. */
  attempt: number;
}

let nextId = 0;

/** Handshakes refused in a row, each after a renewed token, before giving up (`unauthorized`). */
const MAX_AUTH_RETRIES = 3;

function isAuthError(data: unknown): data is ApiErrorBody {
  if (!data || typeof data !== 'object') return false;
  const body = data as Partial<ApiErrorBody>;
  return body.statusCode === 401 || (typeof body.code === 'string' && body.code.startsWith('auth.'));
}

/**
 * The gateway's client: keeps one socket, follows topics from a position and resumes each one from
 * the last position it received after a reconnect or a server `resync`, so the handler sees every
 * event of the topic exactly once, in order. Framework-free: the console wraps it in signals; tests
 * and benchmarks use it as is.
 */
export class LiveEventsClient {
  private readonly socket: LiveSocket;
  private readonly subscriptions = new Map<string, ActiveSubscription>();
  /** Run-delta subscriptions by run id; several views of one run share one. */
  private readonly deltaFollowers = new Map<string, DeltaFollower>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private currentState: ConnectionState = 'connecting';
  private failedAttempts = 0;
  private readonly offlineAfter: number;
  private readonly retryAfterErrorMs: number;
  private closed = false;
  /** `disconnect()` was called: no reconnect until `connect()`. */
  private paused: boolean;
  private readonly tokenProvider: LiveTokenProvider | undefined;
  private readonly renewToken: ((problem: LiveAuthProblem) => Promise<boolean>) | undefined;
  /** The running renewal; a server disconnect waits for it before reconnecting. */
  private renewal: Promise<boolean> | null = null;
  private authRetries = 0;

  constructor(options: LiveEventsClientOptions = {}) {
    this.offlineAfter = options.offlineAfterAttempts ?? 3;
    this.retryAfterErrorMs = options.reconnectionDelayMs ?? 500;
    const token = options.token;
    this.tokenProvider = typeof token === 'string' ? () => token : token;
    this.renewToken = options.renewToken;
    this.paused = options.autoConnect === false;
    const socketOptions = {
      path: LIVE_EVENTS_PATH,
      transports: ['websocket'],
      reconnectionDelay: options.reconnectionDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectionDelayMaxMs ?? 5000,
      autoConnect: !this.paused,
      // The function form runs on every (re)connect: a reconnect presents the current token.
      auth: (send: (data: object) => void) => {
        void this.currentToken().then((value) => send(value ? { token: value } : {}));
      },
    };
    this.socket = options.url ? io(options.url, socketOptions) : io(socketOptions);

    this.socket.on('connect', () => {
      this.failedAttempts = 0;
      this.authRetries = 0;
      this.setState('connected');
      for (const subscription of this.subscriptions.values()) this.sendSubscribe(subscription);
      // The server forgets delta subscriptions with the connection: subscribe again (its snapshot restores the texts).
      for (const follower of this.deltaFollowers.values()) this.sendDeltaSubscribe(follower);
    });
    (this.socket as unknown as DeltaSocket).on(RunDeltaMessage.Delta, (delta) => {
      const follower = this.deltaFollowers.get(delta.runId);
      if (follower) for (const handlers of [...follower.handlers]) handlers.onDelta(delta);
    });
    this.socket.on('disconnect', (reason) => {
      for (const subscription of this.subscriptions.values()) subscription.caughtUp = false;
      if (reason === 'io client disconnect') return;
      this.setState('reconnecting');
      // socket.io does not retry after a server-side disconnect (e.g. an api shutting down
      // gracefully during a rolling restart, or a token that expired): retry ourselves, after the
      // token renewal when one runs; the subscriptions resume as usual.
      if (reason === 'io server disconnect') {
        const renewal = this.renewal;
        if (renewal) void renewal.then((renewed) => renewed && this.reconnectNow());
        else setTimeout(() => this.reconnectNow(), this.retryAfterErrorMs);
      }
    });
    this.socket.on('connect_error', (error) => {
      // A refused handshake is final for socket.io (no retry): renew the token, then reconnect.
      if (isAuthError(error.data)) {
        if (this.paused) return;
        this.authRetries += 1;
        if (this.authRetries > MAX_AUTH_RETRIES) return this.setState('unauthorized');
        void this.renew({ kind: 'refused', error: error.data }).then((renewed) => {
          if (renewed) this.reconnectNow();
          else this.setState('unauthorized');
        });
        return;
      }
      this.failedAttempts += 1;
      if (this.currentState === 'connected') return;
      this.setState(this.failedAttempts >= this.offlineAfter ? 'offline' : this.currentState === 'connecting' ? 'connecting' : 'reconnecting');
    });
    this.socket.on(LiveServerMessage.AuthExpired, (message) => {
      if (this.paused) return;
      // The server disconnects right after this message; renew meanwhile.
      void this.renew({ kind: 'expired', message }).then((renewed) => {
        if (!renewed) return this.setState('unauthorized');
        // Should the server not have disconnected, present the fresh token ourselves.
        if (this.socket.connected) {
          this.socket.disconnect();
          this.reconnectNow();
        }
      });
    });
    this.socket.on(LiveServerMessage.SubscriptionEnded, (message) => {
      const subscription = this.subscriptions.get(message.subscriptionId);
      if (!subscription) return;
      subscription.position = Math.max(subscription.position, message.position);
      // Ended by the server: nothing to unsubscribe.
      subscription.closed = true;
      this.subscriptions.delete(subscription.id);
      subscription.handlers.onEnded?.(message);
    });
    this.socket.on(LiveServerMessage.Events, (message, ack) => {
      ack();
      this.receive(message);
    });
    this.socket.on(LiveServerMessage.CaughtUp, ({ subscriptionId, position }) => {
      const subscription = this.subscriptions.get(subscriptionId);
      if (!subscription) return;
      subscription.position = Math.max(subscription.position, position);
      subscription.caughtUp = true;
      subscription.handlers.onCaughtUp?.(subscription.position);
    });
    this.socket.on(LiveServerMessage.Resync, ({ subscriptionId, reason }) => {
      const subscription = this.subscriptions.get(subscriptionId);
      if (!subscription) return;
      subscription.caughtUp = false;
      const attempt = subscription.attempt;
      const resubscribe = () => {
        if (!subscription.closed && attempt === subscription.attempt && this.socket.connected) this.sendSubscribe(subscription);
      };
      if (reason === 'server-error') setTimeout(resubscribe, this.retryAfterErrorMs);
      else resubscribe();
    });
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Calls the listener with the current state, then on every change; returns an unsubscribe. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.currentState);
    return () => this.stateListeners.delete(listener);
  }

  /** Follows `topic` from `after` (exclusive; 0 = from the beginning). */
  subscribe(topic: EventTopic, after: number, handlers: SubscriptionHandlers): LiveSubscription {
    nextId += 1;
    const subscription: ActiveSubscription = {
      id: `s${nextId}`,
      topic,
      handlers,
      position: after,
      caughtUp: false,
      closed: false,
      attempt: 0,
      close: () => {
        if (subscription.closed) return;
        subscription.closed = true;
        this.subscriptions.delete(subscription.id);
        if (this.socket.connected) this.socket.emit(LiveClientMessage.Unsubscribe, { subscriptionId: subscription.id }, () => undefined);
      },
    };
    this.subscriptions.set(subscription.id, subscription);
    if (this.socket.connected) this.sendSubscribe(subscription);
    return subscription;
  }

  /**
   * Follows a run's token deltas (ephemeral: not events). Re-subscribes after every reconnect; the
   * server then sends each call's text so far, so a `RunDeltaAssembler` ends with the right text.
   */
  subscribeRunDeltas(request: RunDeltaSubscribeRequest, handlers: RunDeltaHandlers): RunDeltaSubscription {
    let follower = this.deltaFollowers.get(request.runId);
    if (!follower) {
      follower = { request: { projectId: request.projectId, runId: request.runId }, handlers: new Set(), attempt: 0 };
      this.deltaFollowers.set(request.runId, follower);
      if (this.socket.connected) this.sendDeltaSubscribe(follower);
    }
    const own = { ...handlers };
    follower.handlers.add(own);
    const shared = follower;
    let closed = false;
    return {
      runId: request.runId,
      close: () => {
        if (closed) return;
        closed = true;
        shared.handlers.delete(own);
        if (shared.handlers.size > 0 || this.deltaFollowers.get(request.runId) !== shared) return;
        this.deltaFollowers.delete(request.runId);
        if (this.socket.connected) (this.socket as unknown as DeltaSocket).emit(RunDeltaMessage.Unsubscribe, shared.request, () => undefined);
      },
    };
  }

  /** Connects (again) after `disconnect()`, `autoConnect: false` or `unauthorized`. */
  connect(): void {
    if (this.closed) return;
    this.paused = false;
    this.authRetries = 0;
    if (this.socket.connected || this.socket.active) return;
    if (this.currentState === 'offline' || this.currentState === 'unauthorized') this.setState('connecting');
    this.socket.connect();
  }

  /**
   * Drops the connection (e.g. on sign-out) until `connect()`. Subscriptions stay and resume from
   * their positions on the next connect.
   */
  disconnect(): void {
    this.paused = true;
    this.socket.disconnect();
    this.setState('offline');
  }

  /** Closes the socket for good. */
  close(): void {
    this.closed = true;
    for (const subscription of [...this.subscriptions.values()]) subscription.close();
    this.deltaFollowers.clear();
    this.socket.disconnect();
    this.setState('offline');
    this.stateListeners.clear();
  }

  private async currentToken(): Promise<string | null | undefined> {
    try {
      return await this.tokenProvider?.();
    } catch {
      return undefined;
    }
  }

  private renew(problem: LiveAuthProblem): Promise<boolean> {
    const renewToken = this.renewToken;
    if (!renewToken) return Promise.resolve(false);
    this.renewal ??= renewToken(problem)
      .catch(() => false)
      .finally(() => (this.renewal = null));
    return this.renewal;
  }

  private reconnectNow(): void {
    if (this.closed || this.paused || this.socket.connected) return;
    this.socket.connect();
  }

  private sendSubscribe(subscription: ActiveSubscription): void {
    subscription.attempt += 1;
    subscription.caughtUp = false;
    const attempt = subscription.attempt;
    this.socket.emit(
      LiveClientMessage.Subscribe,
      { subscriptionId: subscription.id, topic: subscription.topic, after: subscription.position },
      (reply: SubscribeReply) => {
        if (reply.ok || subscription.closed || attempt !== subscription.attempt) return;
        subscription.close();
        subscription.handlers.onError?.(reply.error);
      },
    );
  }

  private sendDeltaSubscribe(follower: DeltaFollower): void {
    follower.attempt += 1;
    const attempt = follower.attempt;
    (this.socket as unknown as DeltaSocket).emit(RunDeltaMessage.Subscribe, follower.request, (reply) => {
      if (reply.ok || attempt !== follower.attempt || this.deltaFollowers.get(follower.request.runId) !== follower) return;
      this.deltaFollowers.delete(follower.request.runId);
      const error = reply.error ?? { statusCode: 500, error: 'Error', message: 'The live token stream was refused.' };
      for (const handlers of [...follower.handlers]) handlers.onError?.(error);
    });
  }

  private receive(message: EventsMessage): void {
    const subscription = this.subscriptions.get(message.subscriptionId);
    if (!subscription) return;
    // Batches of an earlier attempt can still be in flight after a resubscribe: positions tell.
    const fresh = message.events.filter((event) => event.position > subscription.position);
    if (message.position <= subscription.position && fresh.length === 0) return;
    subscription.position = Math.max(subscription.position, message.position);
    if (fresh.length > 0) subscription.handlers.onEvents(fresh, subscription.position);
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
