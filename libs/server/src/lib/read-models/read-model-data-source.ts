import { PostgresDatabase, SqliteDatabase, type EventStore } from '@camel/event-store';
import * as pg from 'pg';
import sqlite3 from 'sqlite3';
import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/**
 * TypeORM's SQLite driver calls `sqlite3.verbose()`, which patches the module's prototypes for good:
 * from then on every call of every connection in the process — the event store's too — builds an
 * Error and `util.inspect`s its arguments (SQL and parameters) for long stack traces. That was most
 * of the ORM's cost in the rebuild benchmark, and slowed the store's own statements. TypeORM gets the
 * module with a `verbose()` that changes nothing.
 */
const sqlite3WithoutTrace = Object.assign(Object.create(sqlite3) as typeof sqlite3, { verbose: () => sqlite3 });

/**
 * The read models' TypeORM DataSource, on the event store's own database:
 * - PostgreSQL: TypeORM is handed the store's pool (same connections, same int8-as-number parsing),
 *   which it must not end: the store closes it.
 * - SQLite: TypeORM opens one read-only connection of its own to the store's file. Reads never block
 *   the writer in WAL mode, and a write outside a projector transaction fails instead of racing the
 *   store's single writer.
 * Writes never use TypeORM's own connections: projections write through the projector transaction's
 * connection (`entityManagerFor`), so read-model rows and the checkpoint commit together.
 */
export function createReadModelDataSource(store: EventStore, entities: EntityList): DataSource {
  const common = { entities, synchronize: false, migrationsRun: false, logging: false } as const;
  const db = store.db;
  if (db instanceof PostgresDatabase) {
    const pool = db.pool;
    // TypeORM ends its pool on destroy (callback style); this one stays open for the store.
    const keepOpen = (done?: () => void) => {
      done?.();
      return Promise.resolve();
    };
    const shared = new Proxy(pool, { get: (target, key) => (key === 'end' ? keepOpen : Reflect.get(target, key, target)) });
    // TypeORM creates its pool with `new driver.Pool(options)`: a constructor that returns the
    // store's pool hands over the existing connections instead.
    const driver = { ...pg, Pool: function SharedPool() { return shared; } };
    return new DataSource({ ...common, type: 'postgres', driver, installExtensions: false } as DataSourceOptions);
  }
  if (db instanceof SqliteDatabase) {
    return new DataSource({
      ...common,
      type: 'sqlite',
      driver: sqlite3WithoutTrace,
      database: db.filename,
      flags: sqlite3.OPEN_READONLY,
      busyTimeout: 10_000,
    });
  }
  throw new Error('read models: unsupported event store database');
}
