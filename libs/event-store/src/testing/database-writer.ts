import type { EventStore } from '../lib/types';

/**
 * Runs SQL as someone with write access to the database (but not the keys) would: with the
 * append-only triggers off, put back afterwards. For the tamper-evidence tests.
 */
export async function asDatabaseWriter(store: EventStore, sql: string, params: unknown[] = []): Promise<void> {
  if (store.engine === 'postgres') {
    await store.db.transaction(async (tx) => {
      await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await tx.query(sql, params);
      await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
    });
    return;
  }
  await store.db.exec('DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;');
  await store.db.query(sql, params);
  await store.db.exec(`
    CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
    CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;`);
}
