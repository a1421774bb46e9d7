import type { ApiErrorBody } from './domain-error';
import type { RecordedEvent } from './event-envelope';

/**
 * The live-event protocol between the api's socket.io gateway and its clients (console, worker,
 * tests, benchmarks). Both sides import these types; nobody hand-copies them.
 *
 * A client subscribes to a topic from a position. It receives every committed event of the topic
 * after that position, in position order (catch-up, then live), each exactly once as long as it
 * resubscribes from the last position it received (after a reconnect or a `resync`).
 */

/** socket.io path on the api (and proxied by the console's nginx). */
export const LIVE_EVENTS_PATH = '/socket.io';

/** Topics a client can follow. */
export type EventTopic =
  /** Every event whose metadata names this project. */
  | { readonly kind: 'project'; readonly projectId: string }
  /** One stream, e.g. `project-<id>`. */
  | { readonly kind: 'stream'; readonly streamId: string }
  /** A family of event types by name prefix, e.g. `Project` → ProjectCreated, ProjectRenamed… */
  | { readonly kind: 'type'; readonly prefix: string };

export type EventTopicKind = EventTopic['kind'];
export const EVENT_TOPIC_KINDS: readonly EventTopicKind[] = ['project', 'stream', 'type'];
export const TOPIC_VALUE_MAX_LENGTH = 200;

export function matchesTopic(topic: EventTopic, event: RecordedEvent): boolean {
  switch (topic.kind) {
    case 'project':
      return event.metadata.projectId === topic.projectId;
    case 'stream':
      return event.streamId === topic.streamId;
    case 'type':
      return event.type.startsWith(topic.prefix);
    default: {
      const never: never = topic;
      throw new Error(`unknown topic ${JSON.stringify(never)}`);
    }
  }
}

/** Socket event names, client → server. */
export const LiveClientMessage = {
  Subscribe: 'subscribe',
  Unsubscribe: 'unsubscribe',
} as const;

/** Socket event names, server → client. */
export const LiveServerMessage = {
  Events: 'events',
  CaughtUp: 'caught-up',
  Resync: 'resync',
  SubscriptionEnded: 'subscription-ended',
  AuthExpired: 'auth-expired',
} as const;

export interface SubscribeRequest {
  /** Chosen by the client, unique on its connection; names the subscription in server messages. */
  readonly subscriptionId: string;
  readonly topic: EventTopic;
  /** Deliver events strictly after this position (0 = from the beginning). */
  readonly after: number;
}

export type SubscribeReply =
  | { readonly ok: true; readonly subscriptionId: string; readonly head: number }
  | { readonly ok: false; readonly error: ApiErrorBody };

export interface UnsubscribeRequest {
  readonly subscriptionId: string;
}

/**
 * A batch of events of one subscription, in position order. `position` is how far the server has
 * looked for this topic (≥ the last event's position): resuming from it skips nothing.
 * The client acknowledges each batch (socket.io ack); unacknowledged batches count against its
 * buffer limit.
 */
export interface EventsMessage {
  readonly subscriptionId: string;
  readonly events: readonly RecordedEvent[];
  readonly position: number;
}

/** Catch-up has reached the live tail: every event up to `position` has been sent. */
export interface CaughtUpMessage {
  readonly subscriptionId: string;
  readonly position: number;
}

/**
 * The server ended the subscription: the client fell too far behind (its buffer limit was reached),
 * or reading the log failed. Nothing after `position` was sent: subscribe again from there (after a
 * pause for `server-error`) to continue.
 */
export interface ResyncMessage {
  readonly subscriptionId: string;
  readonly position: number;
  readonly reason: 'slow-consumer' | 'server-error';
}

/**
 * The server ended a subscription because its principal may no longer read the topic (membership
 * removed or role lowered). Subscribing again is refused until access is granted again.
 */
export interface SubscriptionEndedMessage {
  readonly subscriptionId: string;
  readonly position: number;
  readonly reason: 'forbidden';
}

/**
 * Sent just before the server disconnects a socket whose credentials stopped being valid: the access
 * token expired, the session was revoked, the user was disabled or the API key revoked. Reconnect
 * with a fresh token (socket.io's `auth` callback) and subscribe again from the last position.
 */
export interface AuthExpiredMessage {
  readonly reason: 'token-expired' | 'session-revoked' | 'user-disabled' | 'api-key-revoked';
}

/**
 * The handshake needs `auth: { token }` (an access token or an API key). A refused handshake fails
 * with socket.io's `connect_error`, whose `data` is an ApiErrorBody (statusCode 401, code `auth.*`).
 */
export interface LiveHandshakeAuth {
  readonly token: string;
}

/** Typed socket.io event maps (socket.io's `Socket<Listen, Emit>` generics). */
export interface LiveServerToClientEvents {
  events: (message: EventsMessage, ack: () => void) => void;
  'caught-up': (message: CaughtUpMessage) => void;
  resync: (message: ResyncMessage) => void;
  'subscription-ended': (message: SubscriptionEndedMessage) => void;
  'auth-expired': (message: AuthExpiredMessage) => void;
}

export interface LiveClientToServerEvents {
  subscribe: (request: SubscribeRequest, reply: (reply: SubscribeReply) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, reply: (reply: { ok: true }) => void) => void;
}
