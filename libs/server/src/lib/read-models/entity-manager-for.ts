import type { SqlExecutor } from '@camel/event-store';
import type { PoolClient } from 'pg';
import type sqlite3 from 'sqlite3';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { SqliteDriver } from 'typeorm/driver/sqlite/SqliteDriver';
import { SqliteQueryRunner } from 'typeorm/driver/sqlite/SqliteQueryRunner';

/** A TypeORM query runner pinned to the PostgreSQL client of an open store transaction. */
class PinnedPostgresQueryRunner extends PostgresQueryRunner {
  constructor(driver: PostgresDriver, pinned: PoolClient) {
    super(driver, 'master');
    this.databaseConnection = pinned;
    this.databaseConnectionPromise = Promise.resolve(pinned);
  }
}

type StatementCallback = (this: sqlite3.RunResult, error: Error | null, rows?: unknown[]) => void;

/** The part of a sqlite3 Database that TypeORM's SQLite query runner calls. */
interface SqliteRunTarget {
  run(sql: string, params: unknown[], callback: StatementCallback): void;
  all(sql: string, params: unknown[], callback: StatementCallback): void;
}

/** What the store's SQLite executor offers: statements prepared once per connection, finalized at close. */
interface PreparingExecutor {
  prepared(sql: string): Promise<sqlite3.Statement>;
}

/**
 * TypeORM prepares every statement anew on SQLite, which costs as much as running a small one (the
 * rebuild benchmark measured 19 % of hand-written SQL's speed); projections repeat a few statements,
 * so they run on the store executor's prepared statements. The callback's `this` is the statement,
 * which carries `lastID` and `changes` as TypeORM expects.
 */
function preparedStatements(executor: PreparingExecutor): SqliteRunTarget {
  const call = (method: 'run' | 'all') => (sql: string, params: unknown[], callback: StatementCallback) => {
    executor.prepared(sql).then(
      (statement) => statement[method](params, callback),
      (error: Error) => callback.call({ lastID: 0, changes: 0 } as sqlite3.RunResult, error),
    );
  };
  return { run: call('run'), all: call('all') };
}

/** A TypeORM query runner pinned to the SQLite connection of an open store transaction. */
class PinnedSqliteQueryRunner extends SqliteQueryRunner {
  private readonly target: SqliteRunTarget;

  constructor(driver: SqliteDriver, executor: PreparingExecutor) {
    super(driver);
    this.target = preparedStatements(executor);
  }

  override connect(): Promise<sqlite3.Database> {
    return Promise.resolve(this.target as unknown as sqlite3.Database);
  }
}

const managers = new WeakMap<object, EntityManager>();

/**
 * An EntityManager whose every statement runs on the connection of `tx`, a transaction the event
 * store's Database opened (the projector's: its checkpoint update commits with these writes). The
 * runner is marked as inside a transaction so TypeORM never begins or commits one of its own.
 */
export function entityManagerFor(dataSource: DataSource, tx: SqlExecutor): EntityManager {
  const connection = tx.native as object;
  const cached = managers.get(connection);
  if (cached) return cached;
  const runner: QueryRunner =
    tx.dialect === 'postgres'
      ? new PinnedPostgresQueryRunner(dataSource.driver as PostgresDriver, connection as PoolClient)
      : new PinnedSqliteQueryRunner(dataSource.driver as SqliteDriver, tx as unknown as PreparingExecutor);
  (runner as { isTransactionActive: boolean }).isTransactionActive = true;
  const manager = dataSource.createEntityManager(runner);
  Object.assign(runner, { manager });
  managers.set(connection, manager);
  return manager;
}
