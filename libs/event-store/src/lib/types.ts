import type { EventMetadata, RecordedEvent } from '@camel/contracts';
import type { Database, SqlExecutor } from './sql/database';

/**
 * `number`: the stream's current version must be exactly this (0 = no events yet).
 * `'no-stream'`: the stream must not exist. `'any'`: no check.
 */
export type ExpectedVersion = number | 'no-stream' | 'any';

export interface NewEvent {
  /** UUID chosen by the caller: appending the same id twice is a no-op. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion?: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  /** Recorded on every event of the stream, e.g. `project`. Defaults to the id's prefix. */
  readonly streamType?: string;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  readonly nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly number[];
  readonly lastPosition: number;
  /** True when every event id was already stored: nothing was written, original positions returned. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (1-based, inclusive). */
  readonly fromVersion?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this global position (0 = from the beginning). */
  readonly after: number;
  readonly limit: number;
}

export interface SubscribeOptions {
  readonly after: number;
  readonly batchSize?: number;
  /** Fallback poll interval when no wake-up arrives (ms). */
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Position of the last event handed to the handler. */
  readonly position: number;
  stop(): Promise<void>;
}

export interface VerifyFailure {
  readonly streamId: string;
  readonly streamVersion: number;
  readonly position: number;
  /**
   * `mac-missing`: no keyed hash on an event after the first keyed one (added without the key);
   * `mac-mismatch`: the keyed hash does not match the content (edited, or forged without the key);
   * `mac-key-unknown`: made with another key than the configured LOG_SIGNING_KEY (or a forged field).
   */
  readonly reason: 'hash-mismatch' | 'version-gap' | 'mac-missing' | 'mac-mismatch' | 'mac-key-unknown';
  readonly expected: string;
  readonly actual: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** The first broken link of every broken stream. */
  readonly failures: readonly VerifyFailure[];
  /** Whether keyed hashes were checked (the store has LOG_SIGNING_KEY). */
  readonly keyed?: boolean;
  /** Events older than the first keyed one (appended before keys existed): covered by chains and checkpoints only. */
  readonly unkeyedEvents?: number;
}

export interface EventStore {
  readonly engine: 'postgres' | 'sqlite';
  /** The database the events live in; read models and checkpoints share it (one transaction). */
  readonly db: Database;
  /** Applies the store's schema migrations. */
  migrate(): Promise<void>;
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Committed events only, in commit-safe order: a reader looping on this never skips one. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from `after`, then live, in order; the handler is awaited before the next batch. */
  subscribe(options: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription;
  /** Highest committed, readable position (0 when empty). */
  headPosition(): Promise<number>;
  /** Number of readable events after `position`, counted up to `cap`. */
  countAfter(position: number, cap: number): Promise<number>;
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /**
   * Appends inside a transaction of `db` that the caller owns, e.g. events and a read-model write in
   * one commit. Call `notifyCommitted()` after the commit to wake subscribers at once.
   */
  appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  notifyCommitted(): void;
  /** Stops wake-ups and closes the database connections (the store owns its `db`). */
  close(): Promise<void>;
}

export interface VerifyOptions {
  /** One stream only. */
  readonly streamId?: string;
  /**
   * Where the keyed part of the log starts, as a signed checkpoint says (`CheckpointReport.keyedSince`):
   * events from there on must carry a keyed hash even if every one of them was nulled since.
   */
  readonly keyedSince?: number | null;
}
