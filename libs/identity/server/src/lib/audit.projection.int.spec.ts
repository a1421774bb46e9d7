import { projectStreamId, sessionStreamId, userStreamId, type RecordedEvent } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { AuditEntryRecord } from './audit-entry.entity';
import { auditProjection } from './audit.projection';
import { AuditReadModel } from './audit.read-model';

const P1 = '0190a000-0000-7000-8000-000000000031';
const U1 = '0190a000-0000-7000-8000-0000000000c1';

/** What the audit row of a recorded event holds: its place in the log and its metadata, never its data. */
const rowOf = (event: RecordedEvent) => ({
  position: event.position,
  eventId: event.id,
  type: event.type,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  projectId: event.metadata.projectId ?? null,
  actorType: event.metadata.actor.type,
  actorId: event.metadata.actor.id,
  requestId: event.metadata.requestId ?? null,
  correlationId: event.metadata.correlationId,
  time: event.metadata.time,
});

describe.each(ENGINES)('audit projection on %s', (engine) => {
  const spec = projectionSpec(engine, auditProjection);

  it('one row per event of every type, with its actor, request and project, in log order', async () => {
    const timeline = new EventTimeline();
    timeline.record(userStreamId(U1), [{ type: 'UserCreated', data: { userId: U1, email: 'a@example.test', name: 'a', globalRole: 'owner', status: 'active' } }], {
      actor: { type: 'system', id: 'first-owner' },
    });
    timeline.record(
      projectStreamId(P1),
      [
        { type: 'ProjectCreated', data: { projectId: P1, name: 'Alpha', description: '' } },
        { type: 'ProjectMemberAdded', data: { projectId: P1, userId: U1, role: 'admin' } },
      ],
      { actor: { type: 'user', id: U1 }, projectId: P1, requestId: 'req-1', correlationId: 'corr-1' },
    );
    timeline.record('probe-1', [{ type: 'SomethingNobodyProjects', data: { secret: 'not copied' } }], { actor: { type: 'api-key', id: 'k-1' }, projectId: P1 });
    await spec.given(timeline).then(async ({ manager, recorded }) => {
      expect(recorded.map((e) => e.type)).toEqual(['UserCreated', 'ProjectCreated', 'ProjectMemberAdded', 'SomethingNobodyProjects']);
      const rows = await manager.find(AuditEntryRecord, { order: { position: 'ASC' } });
      expect(rows).toEqual(recorded.map(rowOf));
      expect(rows[0]).toEqual({ ...rowOf(recorded[0]), type: 'UserCreated', streamVersion: 1, projectId: null, actorType: 'system', actorId: 'first-owner', requestId: null, time: timelineTime(0) });
      expect(rows[2]).toEqual({
        position: recorded[2].position,
        eventId: recorded[2].id,
        type: 'ProjectMemberAdded',
        streamId: projectStreamId(P1),
        streamVersion: 2,
        projectId: P1,
        actorType: 'user',
        actorId: U1,
        requestId: 'req-1',
        correlationId: 'corr-1',
        time: timelineTime(1),
      });
    });
  });

  it('the read model pages newest first and filters by project, actor and type prefix', async () => {
    const timeline = new EventTimeline();
    for (let i = 0; i < 5; i += 1) {
      timeline.record(projectStreamId(P1), [{ type: i % 2 ? 'ProjectRenamed' : 'ProbeAppended', data: { projectId: P1, n: i } }], {
        actor: { type: 'user', id: i < 3 ? U1 : 'u-other' },
        projectId: i === 4 ? undefined : P1,
      });
    }
    await spec.given(timeline).then(async ({ dataSource, recorded }) => {
      const audit = new AuditReadModel(dataSource.getRepository(AuditEntryRecord));
      const positions = recorded.map((e) => e.position);
      const first = await audit.page({ limit: 2 }, 'all');
      expect(first.entries.map((e) => e.position)).toEqual([positions[4], positions[3]]);
      expect(first.nextBefore).toBe(positions[3]);
      expect((await audit.page({ limit: 10, before: positions[3] }, 'all')).entries.map((e) => e.position)).toEqual([positions[2], positions[1], positions[0]]);
      expect((await audit.page({ actor: `user:${U1}`, type: 'Project*' }, [P1])).entries.map((e) => e.position)).toEqual([positions[1]]);
      expect((await audit.page({}, [P1])).entries).toHaveLength(4);
      expect(await audit.projectStreams(P1)).toEqual([projectStreamId(P1)]);
      // Leaving types out: exact, a family, several at once.
      expect((await audit.page({ exclude: 'ProjectRenamed' }, 'all')).entries.map((e) => e.position)).toEqual([positions[4], positions[2], positions[0]]);
      expect((await audit.page({ exclude: 'Probe*' }, 'all')).entries.map((e) => e.position)).toEqual([positions[3], positions[1]]);
      expect((await audit.page({ exclude: 'Probe*,ProjectRenamed' }, 'all')).entries).toEqual([]);
      expect((await audit.page({ type: 'Pro*', exclude: 'Project' }, 'all')).entries).toHaveLength(5);
    });
  });

  it('leaves token rotations out (bookkeeping), keeps sign-in and sign-out', async () => {
    const timeline = new EventTimeline();
    const S1 = '0190a000-0000-7000-8000-0000000000d1';
    const user = { actor: { type: 'user', id: U1 } } as const;
    timeline.record(sessionStreamId(S1), [{ type: 'SessionStarted', data: { sessionId: S1, userId: U1, expiresAt: timelineTime(9) } }], user);
    for (let generation = 1; generation <= 3; generation += 1) {
      timeline.record(sessionStreamId(S1), [{ type: 'SessionRefreshed', data: { sessionId: S1, userId: U1, generation, expiresAt: timelineTime(9) } }], user);
    }
    timeline.record(sessionStreamId(S1), [{ type: 'SessionRevoked', data: { sessionId: S1, userId: U1, reason: 'logout' } }], user);
    await spec.given(timeline).then(async ({ manager, recorded }) => {
      const rows = await manager.find(AuditEntryRecord, { order: { position: 'ASC' } });
      expect(rows.map((row) => row.type)).toEqual(['SessionStarted', 'SessionRevoked']);
      expect(rows).toEqual([recorded[0], recorded[4]].map(rowOf));
    });
  });
});
