import type { RecordedEvent } from '@camel/contracts';
import { normalizeAppend, requiredVersion, type NormalizedAppend } from '../append-input';
import { AppendConflictError, ConcurrencyError, IdempotencyConflictError } from '../errors';
import { computeEventHash } from '../hash';
import type { SqlExecutor } from '../sql/database';
import { migrate } from '../sql/migrator';
import type { SqliteDatabase } from '../sql/sqlite-database';
import { EVERY_POSITION, SqlEventStore } from '../sql-event-store';
import { rememberHint } from '../stream-hints';
import type { AppendOptions, AppendResult, ExpectedVersion, NewEvent, ReadStreamOptions } from '../types';
import { SQLITE_EVENT_STORE_MIGRATIONS } from './migrations';

/** Rows per INSERT statement: well below SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;
/** Columns bound per row. */
const COLUMNS = 10;
const INSERT_COLUMNS = 'stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash, mac';

/** A stream's last version and hash, as this process last wrote or read it. */
interface Head {
  readonly version: number;
  readonly hash: string;
}
const NO_STREAM: Head = { version: 0, hash: '' };

/** `($o+1, …, $o+10), …` for `rows` rows after `offset` other parameters. */
const placeholders = (rows: number, offset: number): string =>
  Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${offset + r * COLUMNS + c + 1}`).join(', ')})`,
  ).join(', ');

/** The two INSERTs by row count, built once (batches repeat the same few sizes). */
const insertTexts = new Map<string, string>();
function insertSql(rows: number, guarded: boolean): string {
  const key = `${rows}${guarded ? 'g' : ''}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    sql = guarded
      ? `INSERT INTO events (${INSERT_COLUMNS}) SELECT * FROM (VALUES ${placeholders(rows, 3)})
          WHERE EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND stream_version = $2 AND hash = $3) RETURNING position`
      : `INSERT INTO events (${INSERT_COLUMNS}) VALUES ${placeholders(rows, 0)} RETURNING position`;
    if (insertTexts.size < 2 * INSERT_CHUNK) insertTexts.set(key, sql);
  }
  return sql;
}

export class SqliteEventStore extends SqlEventStore {
  readonly engine = 'sqlite' as const;
  protected readonly storedColumns = `position, stream_id, stream_type, stream_version, event_id, event_type,
    schema_version, data AS data_text, metadata AS metadata_text, hash, mac, recorded_at`;
  protected readonly recordedColumns = `position, stream_id, stream_type, stream_version, event_id, event_type,
    schema_version, data AS data_text, metadata AS metadata_text, hash, recorded_at`;
  /** One writer at a time: positions are handed out in commit order, every committed one is final. */
  protected readonly finalPositions = EVERY_POSITION;

  /**
   * Stream heads for the one-statement append. Only a hint: the append's guard checks it against the
   * table in the same statement, so a stale entry (another process wrote, a transaction rolled back)
   * costs the checked path, never a wrong version or hash.
   */
  private readonly heads = new Map<string, Head>();

  constructor(override readonly db: SqliteDatabase) {
    super(db);
  }

  async migrate(): Promise<void> {
    await migrate(this.db, 'event-store', SQLITE_EVENT_STORE_MIGRATIONS);
  }

  /**
   * Grouped with the appends that arrive meanwhile (`SqliteDatabase.write`). When this process knows
   * the stream's head, the append is one guarded INSERT; otherwise, or when the guard or a unique key
   * says the head moved (another process, an idempotent retry), it takes the checked path in a
   * transaction (savepoint).
   */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const input = normalizeAppend(streamId, events, options);
    // An unknown head is read on the reader connection, beside the writer's work instead of inside it.
    if (requiredVersion(input.expectedVersion) !== 0 && !this.heads.has(input.streamId)) await this.readHead(input.streamId);
    const result = await this.db.write({
      attempt: (executor) => this.appendAtKnownHead(executor, input),
      autocommit: input.events.length === 1,
      run: (tx) => this.appendChecked(tx, input),
    });
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
    // The caller's transaction may still roll back: this head is not remembered (see `heads`).
    this.heads.delete(input.streamId);
    return this.appendChecked(tx, input, false);
  }

  /** The last event's version and hash remembered as the stream's head (a hint, see `heads`). */
  override async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId, options);
    const last = events[events.length - 1];
    if (last) this.remember(streamId, { version: last.streamVersion, hash: last.hash });
    return events;
  }

  private async readHead(streamId: string): Promise<void> {
    const rows = await this.db.query<{ stream_version: number; hash: string }>(
      'SELECT stream_version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
      [streamId],
    );
    this.remember(streamId, rows[0] ? { version: rows[0].stream_version, hash: rows[0].hash } : NO_STREAM);
  }

  /**
   * One statement, no lookup: the rows after the head this process last wrote or read for the stream,
   * inserted only if that head is still the stream's last event (the guard, in the same statement:
   * another process, a rolled-back transaction or an out-of-band change make it false) and no event
   * id is taken (the unique key). Undefined when either fails: nothing was written.
   */
  private async appendAtKnownHead(executor: SqlExecutor, input: NormalizedAppend): Promise<AppendResult | undefined> {
    const required = requiredVersion(input.expectedVersion);
    const head = required === 0 ? NO_STREAM : this.heads.get(input.streamId);
    if (!head || (required !== null && required !== head.version) || input.events.length > INSERT_CHUNK) return undefined;
    const { rows, hash } = this.rowsAfter(input, head);
    // Version 0 needs no guard: the stream's version 1 taken is a unique-key hit.
    const guarded = head.version > 0;
    let inserted: { position: number }[];
    try {
      inserted = await executor.query<{ position: number }>(
        insertSql(rows.length, guarded),
        guarded ? [input.streamId, head.version, head.hash, ...rows.flat()] : rows.flat(),
      );
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
    if (inserted.length === 0) return undefined;
    return this.appended(input, head.version, hash, inserted);
  }

  /** Looks up earlier appends of these ids and the stream's head, then appends after it (in a transaction). */
  private async appendChecked(tx: SqlExecutor, input: NormalizedAppend, remember = true): Promise<AppendResult> {
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
    const headRow = found.find((row) => row.kind === 'head');
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

    const head: Head = headRow ? { version: headRow.stream_version, hash: headRow.hash } : NO_STREAM;
    const required = requiredVersion(input.expectedVersion);
    if (required !== null && required !== head.version) {
      if (remember) this.remember(input.streamId, head);
      throw new ConcurrencyError(input.streamId, input.expectedVersion, head.version);
    }

    const { rows, hash } = this.rowsAfter(input, head);
    const inserted: { position: number }[] = [];
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK);
      inserted.push(
        ...(await tx
          .query<{ position: number }>(
            insertSql(chunk.length, false),
            chunk.flat(),
          )
          .catch((error: unknown) => {
            throw uniqueViolation(error, input.streamId, input.expectedVersion, head.version, ids);
          })),
      );
    }
    return this.appended(input, head.version, hash, inserted, remember);
  }

  /** The rows to insert after `head`, each with its chained hash (and keyed hash), and the last hash. */
  private rowsAfter(input: NormalizedAppend, head: Head): { rows: unknown[][]; hash: string } {
    let prevHash = head.hash;
    const rows = input.events.map((event, index) => {
      const streamVersion = head.version + index + 1;
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
    return { rows, hash: prevHash };
  }

  private appended(
    input: NormalizedAppend,
    from: number,
    hash: string,
    inserted: readonly { position: number }[],
    remember = true,
  ): AppendResult {
    const positions = inserted.map((row) => row.position).sort((a, b) => a - b);
    const version = from + input.events.length;
    if (remember) this.remember(input.streamId, { version, hash });
    return { positions, lastPosition: positions[positions.length - 1], nextExpectedVersion: version, duplicate: false };
  }

  private remember(streamId: string, head: Head): void {
    rememberHint(this.heads, streamId, head);
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
  if (!isUniqueViolation(error)) return error;
  const message = messageOf(error);
  if (message.includes('events.event_id')) return new IdempotencyConflictError(streamId, ids);
  if (message.includes('events.stream_version')) return new ConcurrencyError(streamId, expected, current);
  return new AppendConflictError(streamId, 'events', message);
}

/** node-sqlite3's errors come from the addon's realm: checked by shape, not `instanceof Error`. */
const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
    ? (error as { message: string }).message
    : '';

const isUniqueViolation = (error: unknown): boolean => messageOf(error).includes('UNIQUE constraint failed');
