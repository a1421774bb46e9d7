/**
 * The shape of a stored event as every part of the product sees it: the API, the worker, the
 * gateway and the console. Shared here so that no side hand-copies it.
 */

export type ActorType = 'user' | 'api-key' | 'system' | 'anonymous';

export interface Actor {
  readonly type: ActorType;
  readonly id: string;
}

export interface EventMetadata {
  readonly actor: Actor;
  /** Project the event belongs to, when it belongs to one (the tenancy unit). */
  readonly projectId?: string;
  /** Shared by every event caused, directly or not, by one user action. */
  readonly correlationId: string;
  /** The request, command or event that directly caused this one. */
  readonly causationId?: string;
  readonly requestId?: string;
  /** ISO-8601 time from the injected clock, not from the database. */
  readonly time: string;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  /**
   * Global position: unique, strictly increasing in the order readers receive events (commit-safe
   * order), but not dense — gaps are normal. Compare positions, never count with them.
   */
  readonly position: number;
  readonly streamId: string;
  readonly streamType: string;
  /** 1-based, contiguous within a stream. */
  readonly streamVersion: number;
  readonly id: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** sha256 (hex) over the previous event's hash and this event's content. */
  readonly hash: string;
  readonly recordedAt: string;
}

/** A domain event before it is stored: what a decider returns. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly schemaVersion?: number;
}
