import { openEventStore, type EventStore, type EventStoreLocation } from '@camel/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import sqlite3 from 'sqlite3';
import type { BenchContext, PostgresCluster } from '../harness';

export type Engine = 'postgres' | 'sqlite';

/** One row of the bare baseline table, its JSON document parsed. */
export interface BaselineRow {
  readonly id: number;
  readonly doc: { readonly streamId: string };
}

/**
 * The ceiling: a bare table `(id, data)` with one plain INSERT per append, no streams, no checks,
 * no hash chain, no idempotency, on the same engine, same settings, same client library.
 */
export interface Baseline {
  insertOne(doc: string): Promise<void>;
  /** One multi-row INSERT. */
  insertMany(docs: readonly string[]): Promise<void>;
  readPage(after: number, limit: number): Promise<BaselineRow[]>;
  /** The benchmark projection's upsert for every row, in one transaction. */
  project(rows: readonly BaselineRow[]): Promise<void>;
  close(): Promise<void>;
}

/** What a measured part cost the database beyond time (PostgreSQL only). */
export interface WriteCost {
  readonly xids: number;
  readonly walRecords: number;
  readonly walBytes: number;
}

/**
 * LOG_SIGNING_KEY of the measured stores: keyed appends, as the api runs them. A `--compare`d
 * checkout from before keyed hashes ignores it, so `vs compared` is the cost of keying.
 */
const BENCH_EVENT_KEY = 'bench-log-signing-key-kept-outside-the-database';

/** Opens a migrated store: this checkout's `openEventStore`, or another checkout's (`--compare`). */
export type StoreOpener = (location: EventStoreLocation) => Promise<EventStore>;

/** A fresh, empty database (PostgreSQL) or file (SQLite) for one measurement. */
export interface Target {
  readonly engine: Engine;
  openStore(): Promise<EventStore>;
  openBaseline(): Promise<Baseline>;
  /** Flushes what earlier steps wrote (PostgreSQL CHECKPOINT, SQLite WAL checkpoint) before timing. */
  settle(): Promise<void>;
  /** Transaction ids and WAL written since the last `settle()`; null where not measured (SQLite). */
  writeCost(): Promise<WriteCost | null>;
  dispose(): Promise<void>;
}

export interface Environment {
  readonly engine: Engine;
  /** Engine version and the durability settings in force. */
  describe(): Promise<Record<string, string>>;
  fresh(open?: StoreOpener): Promise<Target>;
  close(): Promise<void>;
}

export const POOL_SIZE = 20;

export const PROJECTION_TABLE_SQL =
  'CREATE TABLE IF NOT EXISTS bench_stream_counts (stream_id TEXT PRIMARY KEY, stream_type TEXT NOT NULL, events INTEGER NOT NULL, last_position BIGINT NOT NULL)';
/** $1 stream id, $2 stream type, $3 position. */
export const PROJECTION_UPSERT_SQL = `INSERT INTO bench_stream_counts (stream_id, stream_type, events, last_position) VALUES ($1, $2, 1, $3)
  ON CONFLICT (stream_id) DO UPDATE SET events = bench_stream_counts.events + 1, last_position = excluded.last_position`;

export const streamTypeOf = (streamId: string): string => streamId.split('-')[0];

async function closeStore(store: EventStore): Promise<void> {
  await store.close();
  // The PostgreSQL adapter's close() leaves its pool to the owner.
  if (store.engine === 'postgres') await store.db.close().catch(() => undefined);
}

// ---------------------------------------------------------------- PostgreSQL

interface WalPoint {
  readonly xid: number;
  readonly lsn: string;
  readonly bytes: number;
}

export class PostgresEnvironment implements Environment {
  readonly engine = 'postgres' as const;
  private databases = 0;

  private constructor(
    private readonly cluster: PostgresCluster,
    private readonly admin: Pool,
  ) {}

  /** fsync on unless told otherwise (`--smoke` runs check counts, not speed: they turn it off). */
  static async start(context: BenchContext, options: { fsync: boolean } = { fsync: true }): Promise<PostgresEnvironment> {
    const cluster = await context.startPostgres(options);
    const admin = new Pool({ connectionString: cluster.url, max: 2 });
    // Rows read tables as they are right after writing them: no statistics, as after a bulk load or
    // a restore (PostgreSQL 15 restores none). The ceiling's table gets the same.
    await admin.query('ALTER SYSTEM SET autovacuum = off');
    await admin.query('SELECT pg_reload_conf()');
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    return new PostgresEnvironment(cluster, admin);
  }

  get url(): string {
    return this.cluster.url;
  }

  async describe(): Promise<Record<string, string>> {
    const settings: Record<string, string> = {};
    for (const name of ['server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'autovacuum']) {
      const { rows } = await this.admin.query<Record<string, string>>(`SHOW ${name}`);
      settings[name] = String(Object.values(rows[0])[0]);
    }
    return settings;
  }

  /** A new, empty database in the cluster; its URL. */
  async createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
    this.databases += 1;
    const name = `bench_${this.databases}`;
    await this.admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(this.cluster.url);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }

  async fresh(open: StoreOpener = openEventStore): Promise<Target> {
    const database = await this.createDatabase();
    const closers: (() => Promise<void>)[] = [];
    let since: WalPoint | null = null;
    return {
      engine: 'postgres',
      openStore: async () => {
        const store = await open({ databaseUrl: database.url, poolSize: POOL_SIZE, applicationName: 'bench', eventKey: BENCH_EVENT_KEY });
        closers.push(() => closeStore(store));
        return store;
      },
      openBaseline: async () => {
        const baseline = await PostgresBaseline.open(database.url);
        closers.push(() => baseline.close());
        return baseline;
      },
      settle: async () => {
        await this.admin.query('CHECKPOINT');
        since = await this.walPoint();
      },
      writeCost: async () => {
        if (!since) return null;
        // Asynchronous commits (a standalone wake-up) reach the flushed WAL within wal_writer_delay.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const now = await this.walPoint();
        const { rows } = await this.admin.query<{ records: string | null }>(
          'SELECT sum(count) AS records FROM pg_get_wal_stats($1, $2)',
          [since.lsn, now.lsn],
        );
        return { xids: now.xid - since.xid, walRecords: Number(rows[0].records ?? 0), walBytes: now.bytes - since.bytes };
      },
      dispose: async () => {
        for (const close of closers.splice(0)) await close().catch(() => undefined);
        await database.drop();
      },
    };
  }

  /** The next transaction id and the flushed WAL position (reading them assigns no transaction id). */
  private async walPoint(): Promise<WalPoint> {
    const { rows } = await this.admin.query<{ xid: string; lsn: string; bytes: string }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid, pg_current_wal_flush_lsn()::text AS lsn,
              pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::text AS bytes`,
    );
    return { xid: Number(rows[0].xid), lsn: rows[0].lsn, bytes: Number(rows[0].bytes) };
  }

  async close(): Promise<void> {
    try {
      await this.admin.end();
    } finally {
      this.cluster.stop();
    }
  }
}

class PostgresBaseline implements Baseline {
  private constructor(private readonly pool: Pool) {}

  static async open(url: string): Promise<PostgresBaseline> {
    const pool = new Pool({ connectionString: url, max: POOL_SIZE, application_name: 'bench-baseline' });
    pool.on('error', () => undefined);
    await pool.query('CREATE TABLE bench_events (id bigserial PRIMARY KEY, data jsonb NOT NULL)');
    await pool.query(PROJECTION_TABLE_SQL);
    return new PostgresBaseline(pool);
  }

  async insertOne(doc: string): Promise<void> {
    await this.pool.query('INSERT INTO bench_events (data) VALUES ($1)', [doc]);
  }

  async insertMany(docs: readonly string[]): Promise<void> {
    const values = docs.map((_, i) => `($${i + 1})`).join(', ');
    await this.pool.query(`INSERT INTO bench_events (data) VALUES ${values}`, docs as string[]);
  }

  async readPage(after: number, limit: number): Promise<BaselineRow[]> {
    const { rows } = await this.pool.query<{ id: string; data: BaselineRow['doc'] }>(
      'SELECT id, data FROM bench_events WHERE id > $1 ORDER BY id LIMIT $2',
      [after, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), doc: row.data }));
  }

  async project(rows: readonly BaselineRow[]): Promise<void> {
    const client: PoolClient = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const row of rows) {
        await client.query(PROJECTION_UPSERT_SQL, [row.doc.streamId, streamTypeOf(row.doc.streamId), row.id]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

// ---------------------------------------------------------------- SQLite

const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

function openSqlite(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (error) =>
      error ? reject(error) : resolve(db),
    );
  });
}

const sqliteExec = (db: sqlite3.Database, sql: string): Promise<void> =>
  new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));

const sqliteRun = (db: sqlite3.Database, sql: string, params: readonly unknown[]): Promise<void> =>
  new Promise((resolve, reject) => db.run(sql, params, (error: Error | null) => (error ? reject(error) : resolve())));

const sqliteAll = <T>(db: sqlite3.Database, sql: string, params: readonly unknown[]): Promise<T[]> =>
  new Promise((resolve, reject) => db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));

const sqliteClose = (db: sqlite3.Database): Promise<void> =>
  new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));

export class SqliteEnvironment implements Environment {
  readonly engine = 'sqlite' as const;
  private readonly dir = mkdtempSync(join(tmpdir(), 'camel-bench-sqlite-'));
  private files = 0;

  async describe(): Promise<Record<string, string>> {
    const db = await openSqlite(':memory:');
    try {
      const [row] = await sqliteAll<{ v: string }>(db, 'SELECT sqlite_version() AS v', []);
      // The adapter's settings (SqliteDatabase.open); the baseline uses the same.
      return { sqlite_version: row.v, journal_mode: 'wal', synchronous: 'normal' };
    } finally {
      await sqliteClose(db);
    }
  }

  async fresh(open: StoreOpener = openEventStore): Promise<Target> {
    this.files += 1;
    const file = join(this.dir, `bench-${this.files}.sqlite`);
    const closers: (() => Promise<void>)[] = [];
    return {
      engine: 'sqlite',
      openStore: async () => {
        const store = await open({ sqliteFile: file, eventKey: BENCH_EVENT_KEY });
        closers.push(() => closeStore(store));
        return store;
      },
      openBaseline: async () => {
        const baseline = await SqliteBaseline.open(file);
        closers.push(() => baseline.close());
        return baseline;
      },
      settle: async () => {
        const db = await openSqlite(file);
        try {
          await sqliteAll(db, 'PRAGMA wal_checkpoint(TRUNCATE)', []);
        } finally {
          await sqliteClose(db);
        }
      },
      writeCost: async () => null,
      dispose: async () => {
        for (const close of closers.splice(0)) await close().catch(() => undefined);
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    };
  }

  async close(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

class SqliteBaseline implements Baseline {
  private constructor(private readonly db: sqlite3.Database) {}

  static async open(file: string): Promise<SqliteBaseline> {
    const db = await openSqlite(file);
    // Same settings as the adapter's SqliteDatabase.open.
    await sqliteExec(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.configure('busyTimeout', 10_000);
    await sqliteExec(db, `CREATE TABLE bench_events (id INTEGER PRIMARY KEY, data TEXT NOT NULL); ${PROJECTION_TABLE_SQL};`);
    return new SqliteBaseline(db);
  }

  insertOne(doc: string): Promise<void> {
    return sqliteRun(this.db, 'INSERT INTO bench_events (data) VALUES (?)', [doc]);
  }

  insertMany(docs: readonly string[]): Promise<void> {
    return sqliteRun(this.db, `INSERT INTO bench_events (data) VALUES ${docs.map(() => '(?)').join(', ')}`, docs);
  }

  async readPage(after: number, limit: number): Promise<BaselineRow[]> {
    const rows = await sqliteAll<{ id: number; data: string }>(
      this.db,
      'SELECT id, data FROM bench_events WHERE id > ? ORDER BY id LIMIT ?',
      [after, limit],
    );
    return rows.map((row) => ({ id: row.id, doc: JSON.parse(row.data) as BaselineRow['doc'] }));
  }

  async project(rows: readonly BaselineRow[]): Promise<void> {
    await sqliteExec(this.db, 'BEGIN IMMEDIATE');
    try {
      const sql = toSqlite(PROJECTION_UPSERT_SQL);
      for (const row of rows) await sqliteRun(this.db, sql, [row.doc.streamId, streamTypeOf(row.doc.streamId), row.id]);
      await sqliteExec(this.db, 'COMMIT');
    } catch (error) {
      await sqliteExec(this.db, 'ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return sqliteClose(this.db);
  }
}
