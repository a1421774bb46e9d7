import { asDatabaseWriter, createTestStoreLocation, ENGINES, makeEvent, type TestStoreLocation } from '../testing';
import { createCheckpoint, verifyCheckpoint, type LogCheckpoint } from './checkpoint';
import { computeEventHash } from './hash';
import type { EventStore } from './types';

const KEY = 'a-log-signing-key-kept-outside-the-database';
const NOW = new Date('2026-01-01T00:00:00.000Z');

/** The stored JSON text of an event, as the hash formula reads it. */
async function storedText(store: EventStore, position: number): Promise<{ data: string; metadata: string }> {
  const cast = store.engine === 'postgres' ? '::text' : '';
  const [row] = await store.db.query<{ data: string; metadata: string }>(`SELECT data${cast} AS data, metadata${cast} AS metadata FROM events WHERE position = $1`, [position]);
  return row;
}

describe.each(ENGINES)('signed log checkpoints (%s)', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;
  let checkpoint: LogCheckpoint;

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
    await store.append('project-a', [makeEvent('ProjectCreated'), makeEvent('ProjectRenamed'), makeEvent('MemberAdded')], { expectedVersion: 'no-stream' });
    await store.append('project-b', [makeEvent('ProjectCreated')], { expectedVersion: 'no-stream' });
    await store.append('user-c', [makeEvent('UserCreated'), makeEvent('UserActivated')], { expectedVersion: 'no-stream' });
    checkpoint = await createCheckpoint(store, KEY, NOW);
  });
  afterEach(() => location.dispose());

  const positionOf = async (streamId: string, version: number) => (await store.readStream(streamId))[version - 1].position;

  it('covers the whole log and verifies while nothing changed; later appends are counted, not failures', async () => {
    expect(checkpoint).toMatchObject({ count: 6, position: await positionOf('user-c', 2) });
    expect(Object.keys(checkpoint.streams).sort()).toEqual(['project-a', 'project-b', 'user-c']);
    await store.append('project-b', [makeEvent('ProjectRenamed')], { expectedVersion: 1 });
    expect(await verifyCheckpoint(store, checkpoint, KEY)).toEqual({ ok: true, checkpointPosition: checkpoint.position, eventsChecked: 6, eventsAfter: 1, failures: [], keyedSince: null });
    const exported = JSON.parse(JSON.stringify(checkpoint));
    expect((await verifyCheckpoint(store, exported, KEY)).ok).toBe(true);
  });

  it('refuses a checkpoint signed with another key or edited after signing', async () => {
    expect((await verifyCheckpoint(store, checkpoint, `${KEY}-other`)).failures[0].reason).toBe('checkpoint-key-unknown');
    expect((await verifyCheckpoint(store, { ...checkpoint, count: 5 }, KEY)).failures[0].reason).toBe('checkpoint-forged');
    expect((await verifyCheckpoint(store, { nonsense: true }, KEY)).failures[0].reason).toBe('checkpoint-invalid');
  });

  it('names an edit whose hashes were recomputed (the chains alone still verify)', async () => {
    const events = await store.readStream('project-a');
    // Rewrite version 2's data and recompute the chain from there, as a writer without the key can.
    let prevHash = events[0].hash;
    for (const event of events.slice(1)) {
      const data = event.streamVersion === 2 ? JSON.stringify({ n: 666 }) : (await storedText(store, event.position)).data;
      await asDatabaseWriter(store, `UPDATE events SET data = $2 WHERE position = $1`, [event.position, data]);
      const text = await storedText(store, event.position);
      const hash = computeEventHash({ prevHash, streamId: event.streamId, streamType: event.streamType, streamVersion: event.streamVersion, eventId: event.id, type: event.type, schemaVersion: event.schemaVersion, dataText: text.data, metadataText: text.metadata });
      await asDatabaseWriter(store, `UPDATE events SET hash = $2 WHERE position = $1`, [event.position, hash]);
      prevHash = hash;
    }
    expect((await store.verify()).ok).toBe(true);
    const report = await verifyCheckpoint(store, checkpoint, KEY);
    expect(report.failures).toEqual([expect.objectContaining({ streamId: 'project-a', streamVersion: 3, position: events[2].position, reason: 'history-rewritten' })]);
  });

  it('names the deletion of a stream’s last event', async () => {
    const last = await positionOf('project-a', 3);
    await asDatabaseWriter(store, 'DELETE FROM events WHERE position = $1', [last]);
    expect((await store.verify()).ok).toBe(true);
    expect((await verifyCheckpoint(store, checkpoint, KEY)).failures).toEqual([expect.objectContaining({ streamId: 'project-a', streamVersion: 3, position: last, reason: 'events-deleted' })]);
  });

  it('names the deletion of a whole stream', async () => {
    const head = await positionOf('user-c', 2);
    await asDatabaseWriter(store, 'DELETE FROM events WHERE stream_id = $1', ['user-c']);
    expect((await store.verify()).ok).toBe(true);
    expect((await verifyCheckpoint(store, checkpoint, KEY)).failures).toEqual([expect.objectContaining({ streamId: 'user-c', streamVersion: 2, position: head, reason: 'stream-deleted' })]);
  });

  // PostgreSQL positions have gaps a forger can fill; SQLite's are dense, so there a forged row can
  // only go to the tail, past every checkpoint (docs/security.md: what checkpoints do not prove).
  const onPostgres = engine === 'postgres' ? it : it.skip;
  onPostgres('names a forged INSERT with a valid chain hash at a position the checkpoint covers', async () => {
    const head = (await store.readStream('project-b'))[0];
    const forged = makeEvent('MemberAdded', { userId: 'intruder', role: 'admin' });
    const dataText = JSON.stringify(forged.data);
    const metadataText = JSON.stringify(forged.metadata);
    const position = head.position - 1;
    await asDatabaseWriter(
      store,
      `INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash)
       VALUES ($1, 'project-b', $2, 2, $3, 'MemberAdded', 1, $4, $5, 'pending')`,
      [position, head.streamType, forged.id, dataText, metadataText],
    );
    const text = await storedText(store, position);
    const hash = computeEventHash({ prevHash: head.hash, streamId: 'project-b', streamType: head.streamType, streamVersion: 2, eventId: forged.id, type: 'MemberAdded', schemaVersion: 1, dataText: text.data, metadataText: text.metadata });
    await asDatabaseWriter(store, 'UPDATE events SET hash = $2 WHERE position = $1', [position, hash]);
    expect((await store.verify()).ok).toBe(true);
    expect((await verifyCheckpoint(store, checkpoint, KEY)).failures).toEqual([expect.objectContaining({ streamId: 'project-b', streamVersion: 2, position, reason: 'event-inserted' })]);
  });
});
