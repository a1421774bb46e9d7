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

describe('SqliteDatabase statement cache', () => {
  it('shares one statement between concurrent first uses and still closes cleanly', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { SqliteDatabase } = await import('../sql/sqlite-database');
    const dir = mkdtempSync(join(tmpdir(), 'camel-stmt-'));
    const db = await SqliteDatabase.open(join(dir, 'x.sqlite'));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => db.query<{ n: number }>('SELECT $1 AS n', [i])));
    expect(results.map((rows) => rows[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await expect(db.query('SELECT * FROM no_such_table')).rejects.toThrow(/no such table/);
    await expect(db.close()).resolves.toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });
});
