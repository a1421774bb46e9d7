import { asDatabaseWriter, createTestStoreLocation, ENGINES, makeEvent, type TestStoreLocation } from '../testing';
import { randomUUID } from 'node:crypto';
import { createCheckpoint, verifyCheckpoint } from './checkpoint';
import { computeEventHash, computeEventMac, keyIdOf } from './hash';
import type { Row } from './sql/database';
import type { EventStore } from './types';

/** JSON text as the engine stores it (PostgreSQL's jsonb rewrites it), which the chain hash covers. */
async function asStored(store: EventStore, json: string): Promise<string> {
  if (store.engine === 'sqlite') return json;
  const [row] = await store.db.query<{ text: string }>('SELECT $1::jsonb::text AS text', [json]);
  return row.text;
}

const KEY = 'a-log-signing-key-kept-outside-the-database';

interface StoredRow extends Row {
  position: number;
  stream_type: string;
  stream_version: number;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: string;
  metadata: string;
  hash: string;
  mac: string | null;
}

async function stored(store: EventStore, streamId: string): Promise<StoredRow[]> {
  const cast = store.engine === 'postgres' ? '::text' : '';
  const rows = await store.db.query<StoredRow>(
    `SELECT position, stream_type, stream_version, event_id${cast} AS event_id, event_type, schema_version, data${cast} AS data,
            metadata${cast} AS metadata, hash, mac FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [streamId],
  );
  return rows.map((row) => ({ ...row, position: Number(row.position) }));
}

/**
 * Issue 12, item 1: per-event keyed hashes. A database writer without LOG_SIGNING_KEY who adds an
 * event after the newest checkpoint, edits one or reorders a stream and recomputes the chain, or
 * nulls the keyed hashes, is named by verify (stream, position, reason) on both engines; events from
 * before keys existed stay verifiable.
 */
describe.each(ENGINES)('keyed event hashes (%s)', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open({ eventKey: KEY });
    await store.append('project-a', [makeEvent('ProjectCreated'), makeEvent('ProjectRenamed')], { expectedVersion: 'no-stream' });
    await store.append('user-b', [makeEvent('UserCreated')], { expectedVersion: 'no-stream' });
  });
  afterEach(() => location.dispose());

  it('keys every appended event with the key named; an untouched log verifies', async () => {
    const rows = await stored(store, 'project-a');
    expect(rows.map((row) => row.mac?.split(':').slice(0, 2))).toEqual([
      ['m2', keyIdOf(KEY)],
      ['m2', keyIdOf(KEY)],
    ]);
    expect(await store.verify()).toEqual({ ok: true, streamsChecked: 2, eventsChecked: 3, failures: [], keyed: true, unkeyedEvents: 0 });
  });

  it('names a forged event appended at a stream’s tail with a recomputed chain hash but no keyed hash (mac-missing)', async () => {
    const [, last] = await stored(store, 'project-a');
    const data = await asStored(store, JSON.stringify({ userId: 'intruder', role: 'admin' }));
    const metadata = await asStored(store, JSON.stringify({ actor: { type: 'user', id: 'owner' } }));
    const eventId = '0190a000-0000-7000-8000-00000000f001';
    const hash = computeEventHash({ prevHash: last.hash, streamId: 'project-a', streamType: last.stream_type, streamVersion: 3, eventId, type: 'MemberAdded', schemaVersion: 1, dataText: data, metadataText: metadata });
    const position = last.position + 1_000_000;
    await asDatabaseWriter(
      store,
      `INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash)
       VALUES ($1, 'project-a', $2, 3, $3, 'MemberAdded', 1, $4, $5, $6)`,
      [position, last.stream_type, eventId, data, metadata, hash],
    );
    const report = await store.verify();
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ streamId: 'project-a', streamVersion: 3, position, reason: 'mac-missing' })]);
    // The unkeyed chain alone is fooled: the forged event follows its predecessor's hash.
    expect(report.failures.map((failure) => failure.reason)).not.toContain('hash-mismatch');
  });

  it('names a forged event with a made-up keyed hash (mac-key-unknown) or one computed with another key', async () => {
    const [row] = await stored(store, 'user-b');
    const content = { streamId: 'user-b', streamType: row.stream_type, streamVersion: row.stream_version, eventId: row.event_id, type: row.event_type, schemaVersion: row.schema_version, data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as unknown };
    await asDatabaseWriter(store, 'UPDATE events SET mac = $1 WHERE position = $2', [computeEventMac(`${KEY}-guessed`, content), row.position]);
    expect((await store.verify()).failures).toEqual([expect.objectContaining({ streamId: 'user-b', position: row.position, reason: 'mac-key-unknown' })]);
    // The key id copied from a genuine MAC does not help: the HMAC itself is wrong.
    const forged = `m2:${keyIdOf(KEY)}:${'0'.repeat(64)}`;
    await asDatabaseWriter(store, 'UPDATE events SET mac = $1 WHERE position = $2', [forged, row.position]);
    expect((await store.verify()).failures).toEqual([expect.objectContaining({ streamId: 'user-b', position: row.position, reason: 'mac-mismatch' })]);
  });

  it('names an edited event whose stream’s chain hashes were recomputed (mac-mismatch at the edited event)', async () => {
    const [first, second] = await stored(store, 'project-a');
    const data = await asStored(store, JSON.stringify({ name: 'rewritten' }));
    const base = { streamId: 'project-a', streamType: first.stream_type, schemaVersion: 1, metadataText: first.metadata };
    const firstHash = computeEventHash({ ...base, prevHash: '', streamVersion: 1, eventId: first.event_id, type: first.event_type, dataText: data });
    const secondHash = computeEventHash({ ...base, prevHash: firstHash, streamVersion: 2, eventId: second.event_id, type: second.event_type, dataText: second.data, metadataText: second.metadata });
    await asDatabaseWriter(store, 'UPDATE events SET data = $1, hash = $2 WHERE position = $3', [data, firstHash, first.position]);
    await asDatabaseWriter(store, 'UPDATE events SET hash = $1 WHERE position = $2', [secondHash, second.position]);
    const report = await store.verify();
    expect(report.failures).toEqual([expect.objectContaining({ streamId: 'project-a', streamVersion: 1, position: first.position, reason: 'mac-mismatch' })]);
  });

  it('names two events of a stream swapped with their chain hashes recomputed (mac-mismatch: the keyed hash covers the version)', async () => {
    const [first, second] = await stored(store, 'project-a');
    const swap = (into: StoredRow, from: StoredRow, eventId = from.event_id) =>
      asDatabaseWriter(store, 'UPDATE events SET event_id = $1, event_type = $2, data = $3, metadata = $4, mac = $5 WHERE position = $6', [
        eventId,
        from.event_type,
        from.data,
        from.metadata,
        from.mac,
        into.position,
      ]);
    await swap(first, second, randomUUID());
    await swap(second, first);
    await swap(first, second);
    const base = { streamId: 'project-a', streamType: first.stream_type, schemaVersion: 1 };
    const firstHash = computeEventHash({ ...base, prevHash: '', streamVersion: 1, eventId: second.event_id, type: second.event_type, dataText: second.data, metadataText: second.metadata });
    const secondHash = computeEventHash({ ...base, prevHash: firstHash, streamVersion: 2, eventId: first.event_id, type: first.event_type, dataText: first.data, metadataText: first.metadata });
    await asDatabaseWriter(store, 'UPDATE events SET hash = $1 WHERE position = $2', [firstHash, first.position]);
    await asDatabaseWriter(store, 'UPDATE events SET hash = $1 WHERE position = $2', [secondHash, second.position]);
    expect((await store.readStream('project-a')).map((event) => event.type)).toEqual(['ProjectRenamed', 'ProjectCreated']);
    const report = await store.verify();
    expect(report.failures).toEqual([expect.objectContaining({ streamId: 'project-a', streamVersion: 1, position: first.position, reason: 'mac-mismatch' })]);
  });

  it('names every event whose keyed hash was nulled, even all of them, when verified with a checkpoint (its signed keyedSince)', async () => {
    const checkpoint = await createCheckpoint(store, KEY, new Date());
    const [firstKeyed] = await stored(store, 'project-a');
    expect(checkpoint.keyedSince).toBe(firstKeyed.position);
    await store.append('user-b', [makeEvent('UserRenamed')], { expectedVersion: 1 });
    await asDatabaseWriter(store, 'UPDATE events SET mac = NULL');
    // Alone, a log without a single keyed hash looks like one from before keys (the gap a checkpoint closes).
    expect(await store.verify()).toMatchObject({ ok: true, keyed: true, unkeyedEvents: 4 });
    const sealed = await verifyCheckpoint(store, checkpoint, KEY);
    expect(sealed).toMatchObject({ ok: true, keyedSince: firstKeyed.position, eventsAfter: 1 });
    const report = await store.verify({ keyedSince: sealed.keyedSince });
    expect(report.failures.map((failure) => [failure.streamId, failure.streamVersion, failure.position, failure.reason])).toEqual([
      ['project-a', 1, firstKeyed.position, 'mac-missing'],
      ['user-b', 1, (await stored(store, 'user-b'))[0].position, 'mac-missing'],
    ]);
  });

  it('verifies a checkpoint signed before a key rotation with LOG_SIGNING_KEY_PREVIOUS, and names it without', async () => {
    const old = await createCheckpoint(store, KEY, new Date());
    const next = `${KEY}-next`;
    expect((await verifyCheckpoint(store, old, [next])).failures).toEqual([expect.objectContaining({ reason: 'checkpoint-key-unknown' })]);
    expect(await verifyCheckpoint(store, old, [next, KEY])).toMatchObject({ ok: true, failures: [] });
    // Signed with the old key: content edits are still caught.
    expect((await verifyCheckpoint(store, { ...old, keyedSince: null }, [next, KEY])).failures).toEqual([expect.objectContaining({ reason: 'checkpoint-forged' })]);
  });

  it('keys appends with any expected version at the version they get, also concurrent ones and inside a caller’s transaction', async () => {
    await Promise.all([
      ...Array.from({ length: 8 }, () => store.append('hot-1', [makeEvent('E'), makeEvent('E')], { expectedVersion: 'any' })),
      ...Array.from({ length: 4 }, () => store.db.transaction((tx) => store.appendInTransaction(tx, 'hot-1', [makeEvent('T')], { expectedVersion: 'any' }))),
    ]);
    const rows = await stored(store, 'hot-1');
    expect(rows.map((row) => row.stream_version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.verify({ streamId: 'hot-1' })).toMatchObject({ ok: true, keyed: true, eventsChecked: 20, unkeyedEvents: 0 });
  });

  it('accepts events keyed with a previous key after a rotation, only while that key is listed', async () => {
    const rotated = await location.open({ eventKey: `${KEY}-next`, previousEventKeys: [KEY] });
    await rotated.append('user-b', [makeEvent('UserRenamed')], { expectedVersion: 1 });
    const keyIds = (await stored(rotated, 'user-b')).map((row) => row.mac?.split(':')[1]);
    expect(keyIds).toEqual([keyIdOf(KEY), keyIdOf(`${KEY}-next`)]);
    expect(await rotated.verify()).toMatchObject({ ok: true, keyed: true, eventsChecked: 4 });
    const forgotten = await location.open({ eventKey: `${KEY}-next` });
    const report = await forgotten.verify();
    expect(report.failures.map((failure) => [failure.streamId, failure.streamVersion, failure.reason])).toEqual([
      ['project-a', 1, 'mac-key-unknown'],
      ['user-b', 1, 'mac-key-unknown'],
    ]);
  });

  it('keeps events from before keys existed verifiable (counted unkeyed), and refuses an unkeyed event after a keyed one', async () => {
    const legacy = await createTestStoreLocation(engine);
    try {
      const unkeyed = await legacy.open();
      await unkeyed.append('old-stream', [makeEvent('OldEvent'), makeEvent('OldEvent')], { expectedVersion: 'no-stream' });
      const keyed = await legacy.open({ eventKey: KEY });
      await keyed.append('old-stream', [makeEvent('NewEvent')], { expectedVersion: 2 });
      expect(await keyed.verify()).toEqual({ ok: true, streamsChecked: 1, eventsChecked: 3, failures: [], keyed: true, unkeyedEvents: 2 });
      // A process without the key appending later leaves a hole the keyed verify names.
      await unkeyed.append('old-stream', [makeEvent('Unkeyed')], { expectedVersion: 3 });
      const after = await keyed.verify();
      expect(after.failures).toEqual([expect.objectContaining({ streamId: 'old-stream', streamVersion: 4, reason: 'mac-missing' })]);
      // Without the key, verify checks the chains only and says so.
      expect(await unkeyed.verify()).toMatchObject({ ok: true, keyed: false });
    } finally {
      await legacy.dispose();
    }
  });
});
