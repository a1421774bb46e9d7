import { PostgresEventStore } from './postgres/postgres-event-store';
import { PostgresDatabase } from './sql/postgres-database';
import { SqliteDatabase } from './sql/sqlite-database';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import type { SqlEventStore } from './sql-event-store';
import type { EventStore } from './types';

export interface EventStoreLocation {
  /** postgres:// or postgresql:// URL. When absent, the SQLite file is used. */
  readonly databaseUrl?: string;
  readonly sqliteFile?: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
  /** LOG_SIGNING_KEY: appended events get keyed hashes and verify checks them (see hash.ts). */
  readonly eventKey?: string;
  /** Earlier keys (rotation): verify accepts events keyed with them. */
  readonly previousEventKeys?: readonly string[];
}

export const isPostgresUrl = (url: string | undefined): url is string =>
  !!url && /^postgres(ql)?:\/\//.test(url);

/** Opens the configured engine and applies the event store's migrations. */
export async function openEventStore(location: EventStoreLocation): Promise<EventStore> {
  let store: EventStore;
  if (isPostgresUrl(location.databaseUrl)) {
    store = new PostgresEventStore(
      new PostgresDatabase(location.databaseUrl, { max: location.poolSize, applicationName: location.applicationName }),
    );
  } else if (location.sqliteFile) {
    store = new SqliteEventStore(await SqliteDatabase.open(location.sqliteFile));
  } else {
    throw new Error('openEventStore: a postgres databaseUrl or a sqliteFile is required');
  }
  if (location.eventKey !== undefined) (store as SqlEventStore).eventKey = location.eventKey;
  (store as SqlEventStore).previousEventKeys = location.previousEventKeys ?? [];
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
