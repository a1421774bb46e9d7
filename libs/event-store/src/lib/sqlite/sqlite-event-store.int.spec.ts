import { eventStoreConformance } from '../../testing';

describe('SqliteEventStore conformance', () => {
  eventStoreConformance({
    engine: 'sqlite',
    async tamper(store, position, data) {
      await store.db.exec(`
        DROP TRIGGER events_refuse_update;
        UPDATE events SET data = '${JSON.stringify(data)}' WHERE position = ${position};
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;`);
    },
  });
});
