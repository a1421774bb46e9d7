import type { EventMetadata, RecordedEvent } from '@camel/contracts';
import { normalizeAppend, requiredVersion } from '../append-input';
import { ConcurrencyError, IdempotencyConflictError } from '../errors';
import { computeEventHash } from '../hash';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { SqliteDatabase } from '../sql/sqlite-database';
import { startSubscription } from '../subscription';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
  VerifyReport,
} from '../types';
import { verifyChains, verifyPages } from '../verify';
import { WakeHub } from '../wake';
import { SQLITE_EVENT_STORE_MIGRATIONS } from './migrations';

const EVENT_COLUMNS = `position, stream_id, stream_type, stream_version, event_id, event_type, schema_version,
  data, metadata, hash, recorded_at`;

interface EventRow extends Record<string, unknown> {
  position: number;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: string;
  metadata: string;
  hash: string;
  recorded_at: string;
}

const toRecorded = (row: EventRow): RecordedEvent => ({
  position: row.position,
  streamId: row.stream_id,
  streamType: row.stream_type,
  streamVersion: row.stream_version,
  id: row.event_id,
  type: row.event_type,
  schemaVersion: row.schema_version,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as EventMetadata,
  hash: row.hash,
  recordedAt: row.recorded_at,
});

/** Rows per INSERT statement: well below SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

export class SqliteEventStore implements EventStore {
  readonly engine = 'sqlite' as const;
  private readonly wakes = new WakeHub();

  constructor(readonly db: SqliteDatabase) {}

  async migrate(): Promise<void> {
    await migrate(this.db, 'event-store', SQLITE_EVENT_STORE_MIGRATIONS);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.db.transaction((tx) => this.appendInTransaction(tx, streamId, events, options));
    if (!result.duplicate) this.wakes.wake();
    return result;
  }

  notifyCommitted(): void {
    this.wakes.wake();
  }

  async appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const input = normalizeAppend(streamId, events, options);
    const ids = input.events.map((e) => e.id);
    const existing = await tx.query<{ position: number; stream_id: string; stream_version: number }>(
      `SELECT position, stream_id, stream_version FROM events
        WHERE event_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY position`,
      ids,
    );
    if (existing.length > 0) {
      if (existing.length !== ids.length || existing.some((row) => row.stream_id !== input.streamId)) {
        throw new IdempotencyConflictError(input.streamId, ids);
      }
      const positions = existing.map((row) => row.position);
      return {
        positions,
        lastPosition: positions[positions.length - 1],
        nextExpectedVersion: existing[existing.length - 1].stream_version,
        duplicate: true,
      };
    }

    const head = await tx.query<{ stream_version: number; hash: string }>(
      'SELECT stream_version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
      [input.streamId],
    );
    const current = head[0]?.stream_version ?? 0;
    const required = requiredVersion(input.expectedVersion);
    if (required !== null && required !== current) {
      throw new ConcurrencyError(input.streamId, input.expectedVersion, current);
    }

    let prevHash = head[0]?.hash ?? '';
    const rows = input.events.map((event, index) => {
      const streamVersion = current + index + 1;
      const dataText = JSON.stringify(event.data);
      const metadataText = JSON.stringify(event.metadata);
      prevHash = computeEventHash({
        prevHash,
        streamId: input.streamId,
        streamType: input.streamType,
        streamVersion,
        eventId: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataText,
        metadataText,
      });
      return [
        input.streamId,
        input.streamType,
        streamVersion,
        event.id,
        event.type,
        event.schemaVersion,
        dataText,
        metadataText,
        prevHash,
      ];
    });

    const positions: number[] = [];
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      const values = chunk
        .map((_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(', ')})`)
        .join(', ');
      const inserted = await tx.query<{ position: number }>(
        `INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version,
                             data, metadata, hash)
         VALUES ${values} RETURNING position`,
        chunk.flat(),
      );
      positions.push(...inserted.map((row) => row.position).sort((a, b) => a - b));
    }
    return {
      positions,
      lastPosition: positions[positions.length - 1],
      nextExpectedVersion: current + rows.length,
      duplicate: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [options.after, options.limit],
    );
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<number> {
    const rows = await this.db.query<{ head: number }>('SELECT coalesce(max(position), 0) AS head FROM events');
    return rows[0].head;
  }

  async countAfter(position: number, cap: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE position > $1 LIMIT $2)',
      [position, cap],
    );
    return rows[0].n;
  }

  subscribe(options: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription {
    return startSubscription(this, this.wakes, options, handler);
  }

  async verify(options: { streamId?: string } = {}): Promise<VerifyReport> {
    const filter = options.streamId === undefined ? '' : 'AND stream_id = $4';
    return verifyChains(
      verifyPages(async (after, limit) => {
        const params: unknown[] = [after.streamId, after.streamVersion, limit];
        if (options.streamId !== undefined) params.push(options.streamId);
        const rows = await this.db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events
            WHERE (stream_id > $1 OR (stream_id = $1 AND stream_version > $2)) ${filter}
            ORDER BY stream_id, stream_version LIMIT $3`,
          params,
        );
        return rows.map((r) => ({
          position: r.position,
          streamId: r.stream_id,
          streamType: r.stream_type,
          streamVersion: r.stream_version,
          eventId: r.event_id,
          type: r.event_type,
          schemaVersion: r.schema_version,
          dataText: r.data,
          metadataText: r.metadata,
          hash: r.hash,
        }));
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
