import { computeEventHash } from '@camel/event-store';
import { ENGINES } from '@camel/event-store/testing';
import type { TestApi } from '../testing/api-harness';
import { startFreshApi } from './start-fresh-api';

/** Issue 12, item 1, over HTTP: an owner signs a checkpoint, keeps it, and later finds what changed. */
describe.each(ENGINES)('audit checkpoints over HTTP (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    process.env['LOG_SIGNING_KEY'] = 'a-test-log-signing-key-of-32-characters-or-more';
    api = await startFreshApi(engine);
  });
  afterAll(async () => {
    await api.close();
    delete process.env['LOG_SIGNING_KEY'];
  });

  it('signs a checkpoint, verifies it, and names the deletion of a stream’s last event', async () => {
    const project = (await api.request('POST', '/api/projects', { name: 'Sealed' })).body as { id: string };
    expect((await api.request('PATCH', `/api/projects/${project.id}`, { name: 'Sealed twice' })).status).toBe(200);
    const signed = await api.request('POST', '/api/audit/checkpoints');
    expect(signed).toMatchObject({ status: 200, body: { format: 'camel-log-checkpoint/2', keyedSince: expect.any(Number), mac: expect.stringMatching(/^[0-9a-f]{64}$/) } });

    expect(await api.request('POST', '/api/audit/verify')).toMatchObject({ status: 200, body: { ok: true } });
    const clean = await api.request('POST', '/api/audit/verify', { checkpoint: signed.body });
    expect(clean).toMatchObject({ status: 200, body: { ok: true, checkpoint: { ok: true, failures: [] } } });

    const streamId = `project-${project.id}`;
    const last = (await api.store.readStream(streamId)).at(-1);
    if (!last) throw new Error('no events');
    if (engine === 'postgres') {
      await api.store.db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
        await tx.query('DELETE FROM events WHERE position = $1', [last.position]);
        await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
      });
    } else {
      await api.store.db.exec(`DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE position = ${last.position};
        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;`);
    }
    expect((await api.request('POST', '/api/audit/verify')).body.ok).toBe(true);
    const tampered = await api.request('POST', '/api/audit/verify', { checkpoint: signed.body });
    expect(tampered.body).toMatchObject({
      ok: false,
      checkpoint: { ok: false, failures: [{ streamId, streamVersion: last.streamVersion, position: last.position, reason: 'events-deleted' }] },
    });
    const forged = await api.request('POST', '/api/audit/verify', { checkpoint: { ...signed.body, count: 1 } });
    expect(forged.body.checkpoint.failures[0].reason).toBe('checkpoint-forged');
    expect((await api.request('POST', `/api/audit/verify?projectId=${project.id}`, { checkpoint: signed.body })).body).toMatchObject({ code: 'audit.checkpoint.whole-log' });
  });

  /** Runs SQL as a database writer who removed the append-only guard (and puts it back). */
  async function asWriter(statements: (run: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<void>): Promise<void> {
    if (engine === 'postgres') {
      await api.store.db.transaction(async (tx) => {
        await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
        await statements((sql, params) => tx.query(sql, params));
        await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
      });
      return;
    }
    await api.store.db.exec('DROP TRIGGER events_refuse_update');
    await statements((sql, params) => api.store.db.query(sql, params));
    await api.store.db.exec(`CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;`);
  }

  it('names events of a stream reordered after the newest checkpoint, chain hashes recomputed (mac-mismatch: the keyed hash covers the version)', async () => {
    const project = (await api.request('POST', '/api/projects', { name: 'Reordered' })).body as { id: string };
    const signed = await api.request('POST', '/api/audit/checkpoints');
    expect((await api.request('PATCH', `/api/projects/${project.id}`, { name: 'Reordered A' })).status).toBe(200);
    expect((await api.request('PATCH', `/api/projects/${project.id}`, { name: 'Reordered B' })).status).toBe(200);
    const streamId = `project-${project.id}`;
    const events = await api.store.readStream(streamId);
    const [renamedA, renamedB] = events.slice(-2);
    const cast = engine === 'postgres' ? '::text' : '';
    const textOf = async (position: number) =>
      (await api.store.db.query<{ data: string; metadata: string }>(`SELECT data${cast} AS data, metadata${cast} AS metadata FROM events WHERE position = $1`, [position]))[0];
    const [a, b] = [await textOf(renamedA.position), await textOf(renamedB.position)];
    const [macA, macB] = (await api.store.db.query<{ mac: string }>('SELECT mac FROM events WHERE position IN ($1, $2) ORDER BY position', [renamedA.position, renamedB.position])).map((row) => row.mac);
    // The two renames swap places: B's content at A's version and the other way round, hashes recomputed.
    const hashA = computeEventHash({ prevHash: events.at(-3)?.hash ?? '', streamId, streamType: renamedA.streamType, streamVersion: renamedA.streamVersion, eventId: renamedB.id, type: renamedB.type, schemaVersion: 1, dataText: b.data, metadataText: b.metadata });
    const hashB = computeEventHash({ prevHash: hashA, streamId, streamType: renamedB.streamType, streamVersion: renamedB.streamVersion, eventId: renamedA.id, type: renamedA.type, schemaVersion: 1, dataText: a.data, metadataText: a.metadata });
    await asWriter(async (run) => {
      const set = 'UPDATE events SET event_id = $1, data = $2, metadata = $3, mac = $4, hash = $5 WHERE position = $6';
      await run(set, ['0190a000-0000-7000-8000-0000000000aa', b.data, b.metadata, macB, hashA, renamedA.position]);
      await run(set, [renamedA.id, a.data, a.metadata, macA, hashB, renamedB.position]);
      await run('UPDATE events SET event_id = $1 WHERE position = $2', [renamedB.id, renamedA.position]);
    });
    expect((await api.store.readStream(streamId)).slice(-2).map((event) => (event.data as { name: string }).name)).toEqual(['Reordered B', 'Reordered A']);
    const verified = await api.request('POST', '/api/audit/verify', { checkpoint: signed.body });
    expect(verified.body).toMatchObject({
      ok: false,
      firstBroken: { streamId, streamVersion: renamedA.streamVersion, position: renamedA.position, reason: 'mac-mismatch' },
      checkpoint: { ok: true, eventsAfter: 2 },
    });
  });

  it('names events whose keyed hashes were all nulled, when verified with a checkpoint (it signs where the keyed log starts)', async () => {
    const project = (await api.request('POST', '/api/projects', { name: 'Nulled' })).body as { id: string };
    const signed = await api.request('POST', '/api/audit/checkpoints');
    expect((await api.request('PATCH', `/api/projects/${project.id}`, { name: 'Nulled later' })).status).toBe(200);
    await asWriter((run) => run('UPDATE events SET mac = NULL').then(() => undefined));
    // Without a checkpoint the log reads as one from before keys: the gap documented in docs/security.md.
    expect((await api.request('POST', '/api/audit/verify')).body).toMatchObject({ ok: true, keyed: true });
    const verified = await api.request('POST', '/api/audit/verify', { checkpoint: signed.body });
    const [first] = await api.store.readAll({ after: 0, limit: 1 });
    expect(verified.body).toMatchObject({ ok: false, firstBroken: { streamId: first.streamId, streamVersion: 1, position: first.position, reason: 'mac-missing' }, checkpoint: { ok: true } });
    expect(verified.body.brokenStreams).toBeGreaterThanOrEqual(3);
  });

  it('names a forged event INSERTed after the newest checkpoint, its chain hash recomputed (keyed hashes: mac-missing)', async () => {
    const project = (await api.request('POST', '/api/projects', { name: 'Forged into' })).body as { id: string };
    const signed = await api.request('POST', '/api/audit/checkpoints');
    expect(signed.status).toBe(200);
    const streamId = `project-${project.id}`;
    const last = (await api.store.readStream(streamId)).at(-1);
    if (!last) throw new Error('no events');
    // A user with no project made admin, credited to the owner: what a writer without the key can do.
    const text = async (value: unknown) => {
      const json = JSON.stringify(value);
      if (engine === 'sqlite') return json;
      return (await api.store.db.query<{ t: string }>('SELECT $1::jsonb::text AS t', [json]))[0].t;
    };
    const data = await text({ projectId: project.id, userId: '0190a000-0000-7000-8000-00000000dead', role: 'admin' });
    const metadata = await text(last.metadata);
    const eventId = '0190a000-0000-7000-8000-00000000f00d';
    const version = last.streamVersion + 1;
    const hash = computeEventHash({ prevHash: last.hash, streamId, streamType: last.streamType, streamVersion: version, eventId, type: 'ProjectMemberAdded', schemaVersion: 1, dataText: data, metadataText: metadata });
    const position = (await api.store.headPosition()) + 1;
    const insert = `INSERT INTO events (position, stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash)
      VALUES ($1, $2, $3, $4, $5, 'ProjectMemberAdded', 1, $6, $7, $8)`;
    await api.store.db.query(insert, [position, streamId, last.streamType, version, eventId, data, metadata, hash]);

    const verified = await api.request('POST', '/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: false, keyed: true, firstBroken: { streamId, streamVersion: version, position, reason: 'mac-missing' } });
    // The checkpoint alone cannot see it: the event is after it.
    const sealed = await api.request('POST', '/api/audit/verify', { checkpoint: signed.body });
    expect(sealed.body.checkpoint).toMatchObject({ ok: true, eventsAfter: 1 });
  });
});
