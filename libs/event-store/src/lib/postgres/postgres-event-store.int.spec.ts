import { createTestPostgresDatabase, eventStoreConformance, type TestDatabase } from '@camel/event-store/testing';
import { PostgresDatabase } from '../sql/postgres-database';
import { PostgresEventStore } from './postgres-event-store';

const databases = new WeakMap<object, TestDatabase>();

describe('PostgresEventStore conformance', () => {
  eventStoreConformance({
    engine: 'postgres',
    async open() {
      const database = await createTestPostgresDatabase('es');
      const store = new PostgresEventStore(new PostgresDatabase(database.url, { max: 20 }));
      await store.migrate();
      databases.set(store, database);
      return store;
    },
    async tamper(store, position, data) {
      await store.db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
        await tx.query('UPDATE events SET data = $2 WHERE position = $1', [position, JSON.stringify(data)]);
        await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
      });
    },
    async dispose(store) {
      await store.close();
      await store.db.close();
      await databases.get(store)?.drop();
    },
  });
});
