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
    const statement = await this.prepare(sql, true);
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

  /** `placeholders`: `sql` is written with `$1`-style ones (converted once, when first prepared). */
  private prepare(sql: string, placeholders = false): Promise<sqlite3.Statement> {
    const key = placeholders ? sql : `\0${sql}`;
    const cached = this.statements.get(key);
    if (cached) {
      // Map order is the LRU order: move to the back.
      this.statements.delete(key);
      this.statements.set(key, cached);
      return cached;
    }
    const text = placeholders ? toSqlite(sql) : sql;
    const prepared = new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = this.connection.prepare(text, (error) => (error ? reject(error) : resolve(statement)));
    });
    this.statements.set(key, prepared);
    // A statement that fails to prepare (bad SQL) is not kept.
    prepared.catch(() => this.statements.get(key) === prepared && this.statements.delete(key));
    if (this.statements.size > STATEMENT_CACHE_SIZE) {
      const [oldestSql, oldest] = this.statements.entries().next().value as [string, Promise<sqlite3.Statement>];
      this.statements.delete(oldestSql);
      // Finalize is queued after the statement's pending operations.
      void oldest.then(finalize, () => undefined);
    }
    return prepared;
  }
}

/**
 * One write for `SqliteDatabase.write`. `attempt`: a single statement that writes all or nothing, or
 * undefined when it could not (a missed precondition, a unique key hit): then `run` does the write in a
 * transaction (a savepoint within a group). Results are never undefined.
 */
export interface WriteJob<T> {
  attempt?(executor: SqlExecutor): Promise<T | undefined>;
  /**
   * Whether a write alone may run its attempt as an autocommit statement (default true). False for
   * large statements: a multi-row INSERT measured faster inside BEGIN … COMMIT than on its own.
   */
  readonly autocommit?: boolean;
  run(tx: SqlExecutor): Promise<T>;
}

interface QueuedWrite {
  readonly job: WriteJob<unknown>;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** Writes per group: bounds how long the first of them waits for its commit. */
const MAX_GROUP = 64;

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
  /** The group the next write joins, until the writer takes it (`write`). */
  private forming: QueuedWrite[] | null = null;

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
    return this.writeLock.run(() => this.inTransaction(fn));
  }

  /**
   * Group commit: a write that arrives while the writer is busy joins the next group, and the group
   * commits in one transaction (one WAL sync instead of one per write). Each write keeps its own
   * answer: `attempt` is one statement (it writes everything or nothing, so a failure takes nothing
   * else with it; the group's attempts are sent at once and queue on the connection); `run`, when the
   * attempt answers undefined, runs after them under a savepoint of its own, rolled back alone if it
   * throws. A write alone in its group runs its attempt as an autocommit statement
   * (no BEGIN/COMMIT: one statement, like a bare INSERT; `autocommit: false` puts it in a transaction
   * too) and only `run` in a transaction. A group's
   * writes are answered once their commit is done; if the commit fails (or the process dies first),
   * none of the group's writes is kept and each gets the error.
   */
  write<T>(job: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = { job, resolve, reject } as QueuedWrite;
      const forming = this.forming;
      if (forming && forming.length < MAX_GROUP) {
        forming.push(queued);
        return;
      }
      const group = [queued];
      this.forming = group;
      void this.writeLock.run(async () => {
        if (this.forming === group) this.forming = null;
        await (group.length === 1 ? this.runAlone(queued) : this.runGroup(group));
      });
    });
  }

  private async runAlone({ job, resolve, reject }: QueuedWrite): Promise<void> {
    try {
      if (job.attempt && job.autocommit !== false) {
        const attempted = await job.attempt(this.writer);
        resolve(attempted !== undefined ? attempted : await this.inTransaction((tx) => job.run(tx)));
        return;
      }
      // A missed attempt wrote nothing (one statement), so `run` follows it in the same transaction.
      resolve(await this.inTransaction(async (tx) => (job.attempt ? await job.attempt(tx) : undefined) ?? (await job.run(tx))));
    } catch (error) {
      reject(error);
    }
  }

  private async runGroup(group: readonly QueuedWrite[]): Promise<void> {
    const done: { readonly write: QueuedWrite; readonly result: unknown }[] = [];
    try {
      await this.statement('BEGIN IMMEDIATE');
    } catch (error) {
      group.forEach((write) => write.reject(error));
      return;
    }
    // The attempts are single statements: sent together, they queue on the connection while the next
    // ones are prepared. What they miss runs after them, one savepoint each.
    const attempted = await Promise.all(
      group.map((write) =>
        (write.job.attempt ? write.job.attempt(this.writer) : Promise.resolve(undefined)).then(
          (result) => ({ ok: true as const, result }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      ),
    );
    for (const [index, write] of group.entries()) {
      const attempt = attempted[index];
      if (!attempt.ok) {
        write.reject(attempt.error);
        continue;
      }
      try {
        done.push({ write, result: attempt.result !== undefined ? attempt.result : await this.underSavepoint(write.job) });
      } catch (error) {
        write.reject(error);
      }
    }
    try {
      await this.statement('COMMIT');
    } catch (error) {
      await this.statement('ROLLBACK').catch(() => undefined);
      done.forEach(({ write }) => write.reject(error));
      return;
    }
    done.forEach(({ write, result }) => write.resolve(result));
  }

  private async underSavepoint(job: WriteJob<unknown>): Promise<unknown> {
    await this.statement('SAVEPOINT camel_write');
    try {
      const result = await job.run(this.writer);
      await this.statement('RELEASE camel_write');
      return result;
    } catch (error) {
      await this.statement('ROLLBACK TO camel_write');
      await this.statement('RELEASE camel_write');
      throw error;
    }
  }

  private async inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.statement('BEGIN IMMEDIATE');
    try {
      const result = await fn(this.writer);
      await this.statement('COMMIT');
      return result;
    } catch (error) {
      await this.statement('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Transaction control through the writer's prepared statements (no prepare per BEGIN/COMMIT). */
  private async statement(sql: string): Promise<void> {
    await this.writer.query(sql);
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
