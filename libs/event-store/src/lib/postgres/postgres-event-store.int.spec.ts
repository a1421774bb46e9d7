import { eventStoreConformance } from '../../testing';

describe('PostgresEventStore conformance', () => {
  eventStoreConformance({
    engine: 'postgres',
    async tamper(store, position, data) {
      await store.db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
        await tx.query('UPDATE events SET data = $2 WHERE position = $1', [position, JSON.stringify(data)]);
        await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
      });
    },
  });
});
