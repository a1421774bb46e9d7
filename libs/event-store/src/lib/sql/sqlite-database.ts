import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type { Database, Row, SqlExecutor } from './database';
import { Mutex } from './mutex';

/** `$1` → `?1`: SQLite's numbered parameters bind the same array positions. */
const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

const toParam = (value: unknown): unknown => {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
};

function open(filename: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(filename, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}

/** Prepared statements kept per connection: preparing costs as much as running a small query. */
const STATEMENT_CACHE_SIZE = 256;

class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  /** Promises, so concurrent first uses of one SQL text share a single prepared statement. */
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();

  constructor(protected readonly connection: sqlite3.Database) {}

  get native(): sqlite3.Database {
    return this.connection;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const statement = await this.prepare(toSqlite(sql));
    return new Promise((resolve, reject) => {
      statement.all(params.map(toParam), (error: Error | null, rows: unknown[]) =>
        error ? reject(error) : resolve(rows as T[]),
      );
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.connection.exec(sql, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Finalizes every cached statement (required before the connection can close). */
  async finalizeAll(): Promise<void> {
    const pending = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(pending.map((p) => p.then(finalize, () => undefined)));
  }

  /**
   * A statement prepared once and kept (finalized at close) for code that runs SQL of its own on this
   * connection inside the same transaction (the read models' ORM); `sql` uses SQLite's placeholders.
   */
  prepared(sql: string): Promise<sqlite3.Statement> {
    return this.prepare(sql);
  }

  private prepare(sql: string): Promise<sqlite3.Statement> {
    const cached = this.statements.get(sql);
    if (cached) {
      // Map order is the LRU order: move to the back.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.connection.prepare(sql, (error) => (error ? reject(error) : resolve(statement)));
    });
    this.statements.set(sql, prepared);
    // A statement that fails to prepare (bad SQL) is not kept.
    prepared.catch(() => this.statements.get(sql) === prepared && this.statements.delete(sql));
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const [oldestSql, oldest] = this.statements.entries().next().value as [string, Promise<sqlite3.Statement>];
      this.statements.delete(oldestSql);
      // Finalize is queued after the statement's pending operations.
      void oldest.then(finalize, () => undefined);
    }
    return prepared;
  }
}

const finalize = (statement: sqlite3.Statement) =>
  new Promise<void>((done) => statement.finalize(() => done()));

/**
 * One writer connection (transactions serialised by a mutex, `BEGIN IMMEDIATE` so another process
 * waits on the file lock instead of failing mid-transaction) and one reader connection, which in
 * WAL mode sees the last committed state and never an open transaction's writes.
 */
export class SqliteDatabase extends SqliteExecutor implements Database {
  private readonly writeLock = new Mutex();
  private readonly writer: SqliteExecutor;

  private constructor(
    readonly filename: string,
    private readonly writerConnection: sqlite3.Database,
    private readonly reader: sqlite3.Database,
  ) {
    super(reader);
    this.writer = new SqliteExecutor(writerConnection);
  }

  static async open(filename: string): Promise<SqliteDatabase> {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    const writer = await open(filename, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
    const init = new SqliteExecutor(writer);
    await init.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    writer.configure('busyTimeout', 10_000);
    const reader = await open(filename, sqlite3.OPEN_READONLY);
    reader.configure('busyTimeout', 10_000);
    return new SqliteDatabase(filename, writer, reader);
  }

  /** Statements that write must go through the writer; outside a transaction they are wrapped in one. */
  override query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (/^\s*(select|with)\b/i.test(sql) && !/\b(insert|update|delete)\b/i.test(sql)) {
      return super.query<T>(sql, params);
    }
    return this.transaction((tx) => tx.query<T>(sql, params));
  }

  override exec(sql: string): Promise<void> {
    return this.writeLock.run(() => this.writer.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.writeLock.run(async () => {
      await this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writer);
        await this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        await this.writer.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      await this.finalizeAll();
      await this.writer.finalizeAll();
      for (const connection of [this.reader, this.writerConnection]) {
        await new Promise<void>((resolve, reject) => connection.close((e) => (e ? reject(e) : resolve())));
      }
    });
  }
}
