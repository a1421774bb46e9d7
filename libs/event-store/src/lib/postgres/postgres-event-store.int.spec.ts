import { createTestStoreLocation, eventStoreConformance, makeEvent } from '../../testing';

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

describe('PostgresEventStore recordedAt', () => {
  it('is the text Date.toISOString() gives for the stored timestamp (checkpoints hash it)', async () => {
    const location = await createTestStoreLocation('postgres');
    try {
      const store = await location.open();
      // Microsecond timestamps of every kind: the millisecond is cut, never rounded, on both sides.
      const rows = await store.db.query<{ parsed: Date; text: string }>(
        `SELECT t AS parsed, to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS text
           FROM (SELECT timestamptz '2026-01-01 00:00:00+02' + g * interval '1 microsecond' * 997 AS t
                   FROM generate_series(0, 20000) g) s`,
      );
      expect(rows.filter((row) => row.parsed.toISOString() !== row.text)).toEqual([]);
      await store.append('at-1', [makeEvent()], { expectedVersion: 'no-stream' });
      const [raw] = await store.db.query<{ recorded_at: Date }>('SELECT recorded_at FROM events');
      expect((await store.readStream('at-1'))[0].recordedAt).toBe(raw.recorded_at.toISOString());
      expect((await store.readAll({ after: 0, limit: 10 }))[0].recordedAt).toBe(raw.recorded_at.toISOString());
    } finally {
      await location.dispose();
    }
  });
});
