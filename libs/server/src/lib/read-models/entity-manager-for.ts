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

/** A TypeORM query runner pinned to the SQLite connection of an open store transaction. */
class PinnedSqliteQueryRunner extends SqliteQueryRunner {
  constructor(
    driver: SqliteDriver,
    private readonly pinned: sqlite3.Database,
  ) {
    super(driver);
  }

  override connect(): Promise<sqlite3.Database> {
    return Promise.resolve(this.pinned);
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
      : new PinnedSqliteQueryRunner(dataSource.driver as SqliteDriver, connection as sqlite3.Database);
  (runner as { isTransactionActive: boolean }).isTransactionActive = true;
  const manager = dataSource.createEntityManager(runner);
  Object.assign(runner, { manager });
  managers.set(connection, manager);
  return manager;
}
