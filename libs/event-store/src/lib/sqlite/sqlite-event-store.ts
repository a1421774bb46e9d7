import { normalizeAppend, requiredVersion } from '../append-input';
import { AppendConflictError, ConcurrencyError, IdempotencyConflictError } from '../errors';
import { computeEventHash } from '../hash';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { SqliteDatabase } from '../sql/sqlite-database';
import { SqlEventStore } from '../sql-event-store';
import type { AppendOptions, AppendResult, ExpectedVersion, NewEvent } from '../types';
import { SQLITE_EVENT_STORE_MIGRATIONS } from './migrations';

/** Rows per INSERT statement: well below SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;
/** Columns bound per row. */
const COLUMNS = 10;

export class SqliteEventStore extends SqlEventStore {
  readonly engine = 'sqlite' as const;
  protected readonly storedColumns = `position, stream_id, stream_type, stream_version, event_id, event_type,
    schema_version, data AS data_text, metadata AS metadata_text, hash, mac, recorded_at`;
  /** One writer at a time: positions are handed out in commit order, every committed one is final. */
  protected readonly finalPositions = '1 = 1';

  constructor(override readonly db: SqliteDatabase) {
    super(db);
  }

  async migrate(): Promise<void> {
    await migrate(this.db, 'event-store', SQLITE_EVENT_STORE_MIGRATIONS);
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.db.transaction((tx) => this.appendInTransaction(tx, streamId, events, options));
    if (!result.duplicate) this.wakes.wake();
    return result;
  }

  async appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const input = normalizeAppend(streamId, events, options);
    const ids = input.events.map((e) => e.id);
    // One statement for both checks: rows of earlier appends with these ids, and the stream's head.
    const found = await tx.query<{ kind: 'dup' | 'head'; position: number; stream_id: string; stream_version: number; hash: string }>(
      `SELECT 'dup' AS kind, position, stream_id, stream_version, hash FROM events
        WHERE event_id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})
       UNION ALL
       SELECT * FROM (SELECT 'head' AS kind, position, stream_id, stream_version, hash FROM events
                       WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1)`,
      [input.streamId, ...ids],
    );
    const existing = found.filter((row) => row.kind === 'dup').sort((a, b) => a.position - b.position);
    const head = found.filter((row) => row.kind === 'head');
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
      const content = {
        streamId: input.streamId,
        streamType: input.streamType,
        eventId: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
      };
      prevHash = computeEventHash({ prevHash, streamVersion, ...content, dataText, metadataText });
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
        this.macOf({ ...content, streamVersion, data: event.data, metadata: event.metadata }),
      ];
    });

    const positions: number[] = [];
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      const values = chunk
        .map((_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`)
        .join(', ');
      const inserted = await tx
        .query<{ position: number }>(
          `INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version,
                               data, metadata, hash, mac)
           VALUES ${values} RETURNING position`,
          chunk.flat(),
        )
        .catch((error: unknown) => {
          throw uniqueViolation(error, input.streamId, input.expectedVersion, current, ids);
        });
      positions.push(...inserted.map((row) => row.position).sort((a, b) => a - b));
    }
    return {
      positions,
      lastPosition: positions[positions.length - 1],
      nextExpectedVersion: current + rows.length,
      duplicate: false,
    };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The checks above run in the write transaction, so the unique keys cannot be hit by a concurrent
 * append (one writer per file); should one be hit anyway, it is a typed error, not a raw one.
 */
function uniqueViolation(error: unknown, streamId: string, expected: ExpectedVersion, current: number, ids: readonly string[]): unknown {
  const message = error instanceof Error ? error.message : '';
  if (!message.includes('UNIQUE constraint failed')) return error;
  if (message.includes('events.event_id')) return new IdempotencyConflictError(streamId, ids);
  if (message.includes('events.stream_version')) return new ConcurrencyError(streamId, expected, current);
  return new AppendConflictError(streamId, 'events', message);
}
