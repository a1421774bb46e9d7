import type { RecordedEvent } from '@camel/contracts';
import type { Database, Row, SqlExecutor } from './sql/database';
import { startSubscription } from './subscription';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
  VerifyOptions,
  VerifyReport,
} from './types';
import { computeEventMac } from './hash';
import { verifyChains, verifyPages } from './verify';
import { WakeHub } from './wake';

/** An `events` row with data and metadata as stored text. */
interface EventRow<RecordedAt> extends Row {
  position: number;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data_text: string;
  metadata_text: string;
  hash: string;
  recorded_at: RecordedAt;
}

/** What reads select (`recordedColumns`): `recorded_at` as ISO text, no keyed hash. */
type RecordedRow = EventRow<string>;

/** What verify hashes (`storedColumns`), with the keyed hash. */
interface StoredRow extends EventRow<string | Date> {
  mac: string | null;
}

/** `finalPositions` of an engine where every committed position is final. */
export const EVERY_POSITION = '1 = 1';

/**
 * What both SQL adapters share: reads, subscriptions and verify over the same `events` table. An
 * adapter supplies its append, how to select the columns as text, and the bound below which
 * positions are final (PostgreSQL: below the oldest open transaction; SQLite: everything).
 */
export abstract class SqlEventStore implements EventStore {
  abstract readonly engine: EventStore['engine'];
  protected readonly wakes = new WakeHub();

  /**
   * LOG_SIGNING_KEY (kept outside the database): when set, every appended event gets a keyed hash
   * (`mac` column) and verify checks them. Set once, right after opening (`openEventStore`).
   */
  eventKey?: string;
  /** Earlier keys (LOG_SIGNING_KEY_PREVIOUS): verify still accepts events keyed with them. */
  previousEventKeys: readonly string[] = [];

  constructor(readonly db: Database) {}

  /** The keyed hash of an event about to be appended, or null without a key. */
  protected macOf(input: Parameters<typeof computeEventMac>[1]): string | null {
    return this.eventKey === undefined ? null : computeEventMac(this.eventKey, input);
  }

  /** Column list selecting data, metadata and event id as text, under the StoredRow names. */
  protected abstract readonly storedColumns: string;
  /**
   * What reads return (`RecordedRow`): the stored columns but the keyed hash, and `recorded_at` as
   * ISO text made by the engine (no Date parse and format per row).
   */
  protected abstract readonly recordedColumns: string;
  /** SQL condition true for positions no open transaction can still fill. */
  protected abstract readonly finalPositions: string;

  abstract migrate(): Promise<void>;
  abstract append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  abstract appendInTransaction(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  abstract close(): Promise<void>;

  notifyCommitted(): void {
    this.wakes.wake();
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.db.query<RecordedRow>(
      `SELECT ${this.recordedColumns} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1],
    );
    return rows.map(toRecorded);
  }

  /**
   * The page is cut by position in a subquery and only then by the commit-safe bound: a range with
   * both ends (position > after AND position < bound) made PostgreSQL estimate a handful of rows on
   * a table without statistics and pick a bitmap scan plus sort over everything after the cursor,
   * per page. The bound only ever cuts a page's tail, so the result is the same.
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = await this.db.query<RecordedRow>(this.readAllSql, [options.after, options.limit]);
    return rows.map(toRecorded);
  }

  /** Where every committed position is final (SQLite), the page is the bare key range. */
  private get readAllSql(): string {
    return this.finalPositions === EVERY_POSITION
      ? `SELECT ${this.recordedColumns} FROM events WHERE position > $1 ORDER BY position LIMIT $2`
      : `SELECT ${this.recordedColumns} FROM (${this.pageAfter('*')}) page WHERE ${this.finalPositions} ORDER BY position`;
  }

  async headPosition(): Promise<number> {
    const rows = await this.db.query<{ head: number }>(
      `SELECT coalesce(max(position), 0) AS head FROM events WHERE ${this.finalPositions}`,
    );
    return Number(rows[0].head);
  }

  async countAfter(position: number, cap: number): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM (${this.pageAfter('position')}) page WHERE ${this.finalPositions}`,
      [position, cap],
    );
    return Number(rows[0].n);
  }

  /** The first `$2` events after position `$1` by the primary key, committed-safe or not. */
  private pageAfter(columns: string): string {
    return `SELECT ${columns} FROM events WHERE position > $1 ORDER BY position LIMIT $2`;
  }

  subscribe(options: SubscribeOptions, handler: (events: RecordedEvent[]) => Promise<void>): Subscription {
    return startSubscription(this, this.wakes, options, handler);
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    const filter = options.streamId === undefined ? '' : 'AND stream_id = $4';
    const keyed =
      this.eventKey === undefined
        ? undefined
        : { keys: [this.eventKey, ...this.previousEventKeys], firstKeyedPosition: earliest(await this.firstKeyedPosition(), options.keyedSince ?? null) };
    return verifyChains(
      verifyPages(async (after, limit) => {
        const params: unknown[] = [after.streamId, after.streamVersion, limit];
        if (options.streamId !== undefined) params.push(options.streamId);
        const rows = await this.db.query<StoredRow>(
          `SELECT ${this.storedColumns} FROM events
            WHERE (stream_id, stream_version) > ($1, $2) ${filter}
            ORDER BY stream_id, stream_version LIMIT $3`,
          params,
        );
        return rows.map((r) => ({
          position: Number(r.position),
          streamId: r.stream_id,
          streamType: r.stream_type,
          streamVersion: r.stream_version,
          eventId: r.event_id,
          type: r.event_type,
          schemaVersion: r.schema_version,
          dataText: r.data_text,
          metadataText: r.metadata_text,
          hash: r.hash,
          mac: r.mac,
        }));
      }),
      keyed,
    );
  }

  /** The oldest event with a keyed hash: the log is keyed from there on. */
  private async firstKeyedPosition(): Promise<number | null> {
    const rows = await this.db.query<{ p: number | null }>('SELECT min(position) AS p FROM events WHERE mac IS NOT NULL');
    return rows[0]?.p === null || rows[0]?.p === undefined ? null : Number(rows[0].p);
  }
}

/** The earlier of two positions, either of which may be unknown. */
const earliest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

function toRecorded(row: RecordedRow): RecordedEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    id: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data_text) as unknown,
    metadata: JSON.parse(row.metadata_text) as RecordedEvent['metadata'],
    hash: row.hash,
    recordedAt: row.recorded_at,
  };
}
