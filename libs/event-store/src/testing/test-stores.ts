import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '../lib/postgres/postgres-event-store';
import { PostgresDatabase } from '../lib/sql/postgres-database';
import { SqliteDatabase } from '../lib/sql/sqlite-database';
import { SqliteEventStore } from '../lib/sqlite/sqlite-event-store';
import type { EventStore } from '../lib/types';
import { createTestPostgresDatabase } from './test-database';

export type Engine = 'postgres' | 'sqlite';
export const ENGINES: readonly Engine[] = ['postgres', 'sqlite'];

export interface TestStoreLocation {
  readonly engine: Engine;
  /** postgres URL or SQLite file: open more stores on it to play other processes. */
  readonly location: string;
  /** `eventKey`: LOG_SIGNING_KEY, so appends get keyed hashes and verify checks them. */
  open(options?: { readonly eventKey?: string; readonly previousEventKeys?: readonly string[] }): Promise<EventStore>;
  dispose(): Promise<void>;
}

/** A fresh, empty location (database or file) for one test; open() gives a migrated store on it. */
export async function createTestStoreLocation(engine: Engine): Promise<TestStoreLocation> {
  const opened: EventStore[] = [];
  if (engine === 'postgres') {
    const database = await createTestPostgresDatabase('es');
    return {
      engine,
      location: database.url,
      async open(options = {}) {
        const store = new PostgresEventStore(new PostgresDatabase(database.url, { max: 20 }));
        store.eventKey = options.eventKey;
        store.previousEventKeys = options.previousEventKeys ?? [];
        await store.migrate();
        opened.push(store);
        return store;
      },
      async dispose() {
        for (const store of opened) await store.close();
        await database.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'camel-sqlite-'));
  const file = join(dir, 'events.sqlite');
  return {
    engine,
    location: file,
    async open(options = {}) {
      const store = new SqliteEventStore(await SqliteDatabase.open(file));
      store.eventKey = options.eventKey;
      store.previousEventKeys = options.previousEventKeys ?? [];
      await store.migrate();
      opened.push(store);
      return store;
    },
    async dispose() {
      for (const store of opened) await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
