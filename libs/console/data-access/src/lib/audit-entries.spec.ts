import type { AuditEntry, RecordedEvent } from '@camel/contracts';
import { auditEntryOf, auditTopics, matchesAuditQuery, mergeAuditEvents } from './audit-entries';

function recorded(position: number, type: string, patch: { projectId?: string; time?: string; actorId?: string } = {}): RecordedEvent {
  return {
    position,
    streamId: `s-${position}`,
    streamType: 's',
    streamVersion: 1,
    id: `e${position}`,
    type,
    schemaVersion: 1,
    data: {},
    metadata: {
      actor: { type: 'user', id: patch.actorId ?? 'u1' },
      projectId: patch.projectId,
      correlationId: `c${position}`,
      requestId: `r${position}`,
      time: patch.time ?? '2026-01-01T10:00:00.000Z',
    },
    hash: 'h',
    recordedAt: '2026-01-01T10:00:00.000Z',
  };
}

describe('audit entries from live events', () => {
  it('maps an event like the audit projection', () => {
    expect(auditEntryOf(recorded(5, 'UserCreated'))).toEqual<AuditEntry>({
      position: 5,
      eventId: 'e5',
      type: 'UserCreated',
      streamId: 's-5',
      streamVersion: 1,
      projectId: null,
      actor: { type: 'user', id: 'u1' },
      requestId: 'r5',
      correlationId: 'c5',
      time: '2026-01-01T10:00:00.000Z',
    });
  });

  it.each([
    [{}, true],
    [{ projectId: 'p1' }, true],
    [{ projectId: 'p2' }, false],
    [{ actor: 'user:u1' }, true],
    [{ actor: 'user:u2' }, false],
    [{ type: 'ProjectRenamed' }, true],
    [{ type: 'Project*' }, true],
    [{ type: 'Project' }, false],
    [{ type: 'User*' }, false],
    [{ from: '2026-01-01T10:00:00.000Z' }, true],
    [{ from: '2026-01-01T10:00:00.001Z' }, false],
    [{ to: '2026-01-01T10:00:00.000Z' }, false],
    [{ to: '2026-01-01T11:00:00+01:00' }, false],
    [{ to: '2026-01-01T11:00:00.000Z' }, true],
  ])('query %j matches: %s', (query, expected) => {
    expect(matchesAuditQuery(auditEntryOf(recorded(1, 'ProjectRenamed', { projectId: 'p1' })), query)).toBe(expected);
  });

  it('puts matching new events first, each position once', () => {
    const list = [auditEntryOf(recorded(3, 'ProjectCreated', { projectId: 'p1' }))];
    const merged = mergeAuditEvents(
      list,
      [recorded(3, 'ProjectCreated', { projectId: 'p1' }), recorded(7, 'ProjectRenamed', { projectId: 'p1' }), recorded(5, 'UserCreated'), recorded(6, 'ProjectArchived', { projectId: 'p1' })],
      { projectId: 'p1' },
    );
    expect(merged.map((entry) => entry.position)).toEqual([7, 6, 3]);
  });

  it('follows one topic for a project or type filter, else every family', () => {
    const families = ['Project', 'User'];
    expect(auditTopics({ projectId: 'p1', type: 'User*' }, families)).toEqual([{ kind: 'project', projectId: 'p1' }]);
    expect(auditTopics({ type: 'User*' }, families)).toEqual([{ kind: 'type', prefix: 'User' }]);
    expect(auditTopics({ type: 'UserCreated' }, families)).toEqual([{ kind: 'type', prefix: 'UserCreated' }]);
    expect(auditTopics({ type: '*' }, families)).toEqual([
      { kind: 'type', prefix: 'Project' },
      { kind: 'type', prefix: 'User' },
    ]);
  });
});
