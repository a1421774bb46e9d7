import type { RecordedEvent } from '@camel/contracts';
import { Client } from 'pg';
import { normalizeAppend, requiredVersion, type NormalizedAppend } from '../append-input';
import { ConcurrencyError, IdempotencyConflictError, InvalidAppendError } from '../errors';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { PostgresDatabase } from '../sql/postgres-database';
import { SqlEventStore } from '../sql-event-store';
import type { AppendOptions, AppendResult, NewEvent, SubscribeOptions, Subscription } from '../types';
import { POSTGRES_EVENT_STORE_MIGRATIONS } from './migrations';

export const EVENTS_CHANNEL = 'camel_events';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

const MAX_ANY_RETRIES = 10;

export class PostgresEventStore extends SqlEventStore {
  readonly engine = 'postgres' as const;
  protected readonly storedColumns = `position, stream_id, stream_type, stream_version, event_id::text AS event_id,
    event_type, schema_version, data::text AS data_text, metadata::text AS metadata_text, hash, recorded_at`;
  /** Below this bound every transaction has ended: nothing can still appear there. */
  protected readonly finalPositions = 'position < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint * 4096)';
  private listener: Client | null = null;
  private listenerStarting: Promise<void> | null = null;
  private notifying = false;
  private notifyPending = false;
  private closed = false;

  constructor(override readonly db: PostgresDatabase) {
    super(db);
  }

  async migrate(): Promise<void> {
    await migrate(this.db, 'event-store', POSTGRES_EVENT_STORE_MIGRATIONS);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const input = normalizeAppend(streamId, events, options);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.callAppend(this.db, input);
        if (!result.duplicate) this.afterCommit();
        return result;
      } catch (error) {
        const retry = await this.classifyFailure(error, input, attempt);
        if (!retry) throw error;
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
    const input = normalizeAppend(streamId, events, options);
    try {
      return await this.callAppend(tx, input);
    } catch (error) {
      await this.classifyFailure(error, input, MAX_ANY_RETRIES);
      throw error;
    }
  }

  override notifyCommitted(): void {
    this.afterCommit();
  }

  private async callAppend(executor: SqlExecutor, input: NormalizedAppend): Promise<AppendResult> {
    const required = requiredVersion(input.expectedVersion);
    const rows = await executor.query<{ out_position: number; out_version: number; out_duplicate: boolean }>(
      'SELECT out_position, out_version, out_duplicate FROM es_append($1, $2, $3, $4)',
      [input.streamId, input.streamType, required ?? -1, JSON.stringify(input.events)],
      { name: 'camel_es_append' },
    );
    const positions = rows.map((r) => r.out_position);
    return {
      positions,
      lastPosition: positions[positions.length - 1],
      nextExpectedVersion: rows[rows.length - 1].out_version,
      duplicate: rows[0].out_duplicate,
    };
  }

  /** Maps database errors to typed ones; returns true when the append should simply be retried. */
  private async classifyFailure(error: unknown, input: NormalizedAppend, attempt: number): Promise<boolean> {
    const pg = error as PgError;
    switch (pg.code) {
      case 'CE409':
        throw new ConcurrencyError(input.streamId, input.expectedVersion, Number(pg.detail));
      case 'CE422':
        throw new IdempotencyConflictError(input.streamId, input.events.map((e) => e.id));
      case 'CE413':
        throw new InvalidAppendError((error as Error).message);
      case '23505':
        // A concurrent append committed first. Same event ids: retry and return the original
        // positions. Same version: an exact expectation failed; 'any' just tries again.
        if (pg.constraint === 'events_event_id_key' && attempt < 2) return true;
        if (pg.constraint === 'events_stream_version_key') {
          if (input.expectedVersion === 'any' && attempt < MAX_ANY_RETRIES) return true;
          throw new ConcurrencyError(input.streamId, input.expectedVersion, await this.streamVersion(input.streamId));
        }
        return false;
      default:
        return false;
    }
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

  /** Wake local subscribers now; other processes through one coalesced NOTIFY at a time. */
  private afterCommit(): void {
    this.wakes.wake();
    if (this.notifying) {
      this.notifyPending = true;
      return;
    }
    this.notifying = true;
    const send = (): void => {
      this.notifyPending = false;
      this.db
        .query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`)
        .catch(() => undefined)
        .finally(() => {
          if (this.notifyPending && !this.closed) send();
          else this.notifying = false;
        });
    };
    send();
  }

  /** One LISTEN connection per process; if it drops, polling carries on and it reconnects. */
  private ensureListener(): Promise<void> {
    if (this.listener || this.listenerStarting || this.closed) return this.listenerStarting ?? Promise.resolve();
    this.listenerStarting = (async () => {
      const client = new Client({ connectionString: this.db.connectionString, application_name: 'camel-listen' });
      client.on('notification', () => this.wakes.wake());
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
    while (this.notifying) await new Promise((r) => setTimeout(r, 5));
    await this.db.close();
  }
}
