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
    expect(signed).toMatchObject({ status: 200, body: { format: 'camel-log-checkpoint/1', mac: expect.stringMatching(/^[0-9a-f]{64}$/) } });

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
});
