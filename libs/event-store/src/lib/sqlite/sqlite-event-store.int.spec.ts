import { eventStoreConformance } from '@camel/event-store/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../sql/sqlite-database';
import { SqliteEventStore } from './sqlite-event-store';

const dirs = new WeakMap<object, string>();

describe('SqliteEventStore conformance', () => {
  eventStoreConformance({
    engine: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'camel-sqlite-'));
      const store = new SqliteEventStore(await SqliteDatabase.open(join(dir, 'events.sqlite')));
      await store.migrate();
      dirs.set(store, dir);
      return store;
    },
    async tamper(store, position, data) {
      await store.db.exec(`
        DROP TRIGGER events_refuse_update;
        UPDATE events SET data = '${JSON.stringify(data)}' WHERE position = ${position};
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;`);
    },
    async dispose(store) {
      await store.close();
      const dir = dirs.get(store);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  });
});
