import type { RecordedEvent } from '@camel/contracts';
import { Client } from 'pg';
import { normalizeAppend, requiredVersion, type NormalizedAppend } from '../append-input';
import { AppendConflictError, ConcurrencyError, IdempotencyConflictError, InvalidAppendError } from '../errors';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { PostgresDatabase } from '../sql/postgres-database';
import { SqlEventStore } from '../sql-event-store';
import { rememberHint } from '../stream-hints';
import type { AppendOptions, AppendResult, NewEvent, SubscribeOptions, Subscription } from '../types';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from './migrations';
import { NotifyCoalescer } from './notify-coalescer';

export const EVENTS_CHANNEL = 'camel_events';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Keyed 'any' appends read the version, then append with it; after this many lost races they lock the stream first. */
const OPTIMISTIC_VERSION_ATTEMPTS = 3;

/** Streams whose version a process keeps as the first guess of a keyed 'any' append. */
/** Attempts after a position collision, each after moving the position clock (es_rebase_positions). */
const POSITION_ATTEMPTS = 2;

type Failure = { readonly retry: true; readonly rebase?: boolean } | { readonly retry: false; readonly error: unknown };

export class PostgresEventStore extends SqlEventStore {
  readonly engine = 'postgres' as const;
  protected readonly storedColumns = `position, stream_id, stream_type, stream_version, event_id::text AS event_id,
    event_type, schema_version, data::text AS data_text, metadata::text AS metadata_text, hash, mac, recorded_at`;
  /** `recorded_at` to the millisecond in UTC, as `Date.toISOString()` writes it. */
  protected readonly recordedColumns = `position, stream_id, stream_type, stream_version, event_id::text AS event_id,
    event_type, schema_version, data::text AS data_text, metadata::text AS metadata_text, hash,
    to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;
  /** Below this bound every transaction has ended: nothing can still appear there. */
  protected readonly finalPositions = 'position < (SELECT es_final_bound())';
  private readonly notifications = new NotifyCoalescer(() =>
    this.db.query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify('${EVENTS_CHANNEL}', '')`).then(() => undefined),
  );
  private listener: Client | null = null;
  private listenerStarting: Promise<void> | null = null;
  private closed = false;

  /**
   * Streams' versions as this process last appended or was told by a refused append: what a keyed
   * 'any' append expects first, instead of reading it (one round trip fewer). Only a hint: es_append
   * checks it under the stream's lock.
   */
  private readonly versions = new Map<string, number>();

  /**
   * Server process ids of this store's own pool connections. Their NOTIFYs follow commits this
   * process has already woken its subscribers for (every own commit wakes locally), so the listener
   * drops them: a second wake-up would find nothing and send every subscriber into the back-off
   * reads meant for a commit held back behind an open transaction.
   */
  private readonly ownBackends = new Set<number>();

  constructor(override readonly db: PostgresDatabase) {
    super(db);
    const pid = (client: unknown) => (client as { processID?: number | null }).processID ?? null;
    db.pool.on('connect', (client) => {
      const id = pid(client);
      if (id !== null) this.ownBackends.add(id);
    });
    db.pool.on('remove', (client) => {
      const id = pid(client);
      if (id !== null) this.ownBackends.delete(id);
    });
  }

  /** Applies the migrations, then moves the position clock past the log if the database was restored elsewhere. */
  async migrate(): Promise<void> {
    await migrate(this.db, 'event-store', POSTGRES_EVENT_STORE_MIGRATIONS);
    await this.rebasePositions();
  }

  /**
   * How far the position clock moved (0 when new transactions already map above the head). Needed
   * once after a restore into another cluster; `migrate()` does it.
   */
  async rebasePositions(): Promise<number> {
    const rows = await this.db.query<{ moved: number }>('SELECT es_rebase_positions() AS moved');
    return Number(rows[0].moved);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const input = normalizeAppend(streamId, events, options);
    const versionFirst = this.needsVersionFirst(input);
    for (let attempt = 1; ; attempt += 1) {
      if (versionFirst && attempt > OPTIMISTIC_VERSION_ATTEMPTS) {
        // A stream this hot: take its lock, read, append, in one transaction (no lost race possible).
        const result = await this.db.transaction((tx) => this.appendInTransaction(tx, streamId, events, options));
        if (!result.duplicate) this.notifyCommitted();
        return result;
      }
      const ticket = this.notifications.begin();
      let committed = false;
      try {
        // A keyed 'any' append keys the version it expects (the one this process last saw, else read);
        // es_append refuses it if another writer came first, naming the version it found.
        const exact = versionFirst ? { ...input, expectedVersion: this.versions.get(input.streamId) ?? (await this.streamVersion(input.streamId)) } : input;
        const result = await this.callAppend(this.db, exact, ticket.carry);
        committed = !result.duplicate;
        if (committed) {
          this.wakes.wake();
          this.rememberVersion(input.streamId, result.nextExpectedVersion);
        }
        return result;
      } catch (error) {
        if (versionFirst && (error as PgError).code === 'CE409') {
          this.rememberVersion(input.streamId, Number((error as PgError).detail));
          continue;
        }
        const failure = await this.classifyFailure(error, input, attempt);
        if (!failure.retry) throw failure.error;
        if (failure.rebase) await this.rebasePositions();
      } finally {
        this.notifications.end(ticket, committed);
      }
    }
  }

  /**
   * Appends inside a transaction the caller owns (several streams, or read-model writes, in one
   * commit). Wake-ups are the caller's to send after commit via `notifyCommitted()`; subscribers
   * also find the events by polling.
   */
  async appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    let input = normalizeAppend(streamId, events, options);
    try {
      if (this.needsVersionFirst(input)) input = { ...input, expectedVersion: await this.lockedVersion(tx, input.streamId) };
      return await this.callAppend(tx, input, false);
    } catch (error) {
      // The caller's transaction is aborted: nothing can be retried inside it.
      const failure = await this.classifyFailure(error, input, Number.POSITIVE_INFINITY);
      throw failure.retry ? new ConcurrencyError(input.streamId, input.expectedVersion, await this.streamVersion(input.streamId)) : failure.error;
    }
  }

  override notifyCommitted(): void {
    this.wakes.wake();
    this.notifications.committedElsewhere();
  }

  /**
   * A keyed hash covers the event's stream version, which es_append assigns: an append with a given
   * expected version knows it; an 'any' append of a keyed store reads it first and appends with it
   * (`append`: one more statement, again when another writer came first; inside a caller's
   * transaction, under es_append's stream lock taken first, so nobody appends in between).
   */
  private needsVersionFirst(input: NormalizedAppend): boolean {
    return this.eventKey !== undefined && requiredVersion(input.expectedVersion) === null;
  }

  private async lockedVersion(tx: SqlExecutor, streamId: string): Promise<number> {
    await tx.query('SELECT pg_advisory_xact_lock(1667329381, hashtext($1))', [streamId]);
    const rows = await tx.query<{ v: number | null }>('SELECT max(stream_version) AS v FROM events WHERE stream_id = $1', [streamId]);
    return Number(rows[0]?.v ?? 0);
  }

  /** The events as es_append takes them, each with its keyed hash when the store has a key. */
  private withMacs(input: NormalizedAppend): readonly object[] {
    if (this.eventKey === undefined) return input.events;
    const base = requiredVersion(input.expectedVersion) ?? 0;
    return input.events.map((event, index) => ({
      ...event,
      mac: this.macOf({
        streamId: input.streamId,
        streamType: input.streamType,
        streamVersion: base + index + 1,
        eventId: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
      }),
    }));
  }

  private async callAppend(executor: SqlExecutor, input: NormalizedAppend, notify: boolean): Promise<AppendResult> {
    const required = requiredVersion(input.expectedVersion);
    const rows = await executor.query<{ out_position: number; out_version: number; out_duplicate: boolean }>(
      'SELECT out_position, out_version, out_duplicate FROM es_append($1, $2, $3, $4, $5)',
      [input.streamId, input.streamType, required ?? -1, JSON.stringify(this.withMacs(input)), notify],
      { name: 'camel_es_append_2' },
    );
    const positions = rows.map((r) => r.out_position);
    return {
      positions,
      lastPosition: positions[positions.length - 1],
      nextExpectedVersion: rows[rows.length - 1].out_version,
      duplicate: rows[0].out_duplicate,
    };
  }

  /**
   * Maps database errors to typed ones, or says the append should be tried again. Appends to one
   * stream queue on a lock inside es_append, so unique violations are rare: a repeated event id on
   * another stream racing this append, or a position taken because the clock is behind the log.
   */
  private async classifyFailure(error: unknown, input: NormalizedAppend, attempt: number): Promise<Failure> {
    const pg = error as PgError;
    switch (pg.code) {
      case 'CE409':
        return { retry: false, error: new ConcurrencyError(input.streamId, input.expectedVersion, Number(pg.detail)) };
      case 'CE422':
        return { retry: false, error: new IdempotencyConflictError(input.streamId, input.events.map((e) => e.id)) };
      case 'CE413':
        return { retry: false, error: new InvalidAppendError((error as Error).message) };
      case 'CE410':
        return this.positionClockBehind(input, attempt);
      case '23505':
        return this.classifyUniqueViolation(pg.constraint ?? 'unknown', input, attempt);
      default:
        return { retry: false, error };
    }
  }

  private async classifyUniqueViolation(constraint: string, input: NormalizedAppend, attempt: number): Promise<Failure> {
    switch (constraint) {
      case 'events_event_id_key':
        // Retried, the append finds the ids and answers duplicate or IdempotencyConflictError.
        if (attempt < 2) return { retry: true };
        return { retry: false, error: new IdempotencyConflictError(input.streamId, input.events.map((e) => e.id)) };
      case 'events_stream_version_key':
        // Only a writer bypassing es_append's stream lock gets here. 'any' never fails for contention.
        if (input.expectedVersion === 'any') return { retry: true };
        return {
          retry: false,
          error: new ConcurrencyError(input.streamId, input.expectedVersion, await this.streamVersion(input.streamId)),
        };
      case 'events_pkey':
        return this.positionClockBehind(input, attempt);
      default:
        return { retry: false, error: new AppendConflictError(input.streamId, constraint, `unique key ${constraint} violated`) };
    }
  }

  /** The database was restored from another cluster and not migrated since: move the clock, then retry. */
  private positionClockBehind(input: NormalizedAppend, attempt: number): Failure {
    if (attempt < POSITION_ATTEMPTS) return { retry: true, rebase: true };
    return {
      retry: false,
      error: new AppendConflictError(input.streamId, 'events_pkey', 'the position clock is behind the log (run migrate)'),
    };
  }

  private rememberVersion(streamId: string, version: number): void {
    if (Number.isInteger(version)) rememberHint(this.versions, streamId, version);
  }

  private async streamVersion(streamId: string): Promise<number> {
    const rows = await this.db.query<{ v: number | null }>(
      'SELECT max(stream_version) AS v FROM events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.v ?? 0;
  }

  override subscribe(
    options: SubscribeOptions,
    handler: (events: RecordedEvent[]) => Promise<void>,
  ): Subscription {
    void this.ensureListener();
    return super.subscribe(options, handler);
  }

  /** One LISTEN connection per process; if it drops, polling carries on and it reconnects. */
  private ensureListener(): Promise<void> {
    if (this.listener || this.listenerStarting || this.closed) return this.listenerStarting ?? Promise.resolve();
    this.listenerStarting = (async () => {
      const client = new Client({ connectionString: this.db.connectionString, application_name: 'camel-listen' });
      client.on('notification', (message) => {
        if (!this.ownBackends.has(message.processId)) this.wakes.wake();
      });
      client.on('error', () => {
        this.listener = null;
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.ensureListener(), 1000).unref();
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${EVENTS_CHANNEL}`);
        if (this.closed) await client.end();
        else this.listener = client;
      } catch {
        client.end().catch(() => undefined);
        if (!this.closed) setTimeout(() => void this.ensureListener(), 1000).unref();
      } finally {
        this.listenerStarting = null;
      }
    })();
    return this.listenerStarting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listenerStarting;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.notifications.close();
    await this.db.close();
  }
}
