import type { AuditEntry, RecordedEvent } from '@camel/contracts';
import { auditActionLabel, auditActorLabel, auditEntryOf, auditSubjectLabel, auditTopics, matchesAuditQuery, mergeAuditEvents } from './audit-entries';

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
    [{ exclude: 'ProjectRenamed' }, false],
    [{ exclude: 'Session*, Project*' }, false],
    [{ exclude: 'Project' }, true],
    [{ exclude: 'Session*,UserCreated' }, true],
    [{ type: 'Project*', exclude: 'ProjectCreated' }, true],
  ])('query %j matches: %s', (query, expected) => {
    expect(matchesAuditQuery(auditEntryOf(recorded(1, 'ProjectRenamed', { projectId: 'p1' })), query)).toBe(expected);
  });

  it('never lists a token rotation (bookkeeping the audit read model leaves out), even when asked for its type', () => {
    expect(matchesAuditQuery(auditEntryOf(recorded(1, 'SessionRefreshed')), {})).toBe(false);
    expect(matchesAuditQuery(auditEntryOf(recorded(1, 'SessionRefreshed')), { type: 'Session*' })).toBe(false);
    expect(matchesAuditQuery(auditEntryOf(recorded(2, 'SessionStarted')), { type: 'Session*' })).toBe(true);
  });

  it('names actors and subjects by name, ids only when the name is unknown', () => {
    const names = { 'user:u1': 'Ada Lovelace', 'api-key:k1': 'ci bot', 'project:p1': 'Support triage' };
    expect(auditActorLabel({ type: 'user', id: 'u1' }, names)).toBe('Ada Lovelace');
    expect(auditActorLabel({ type: 'user', id: 'u1' }, names, { type: 'user', id: 'u1' })).toBe('you');
    expect(auditActorLabel({ type: 'user', id: '0193abcdef-1' }, names)).toBe('user 0193abcd');
    expect(auditActorLabel({ type: 'api-key', id: 'k1' }, names)).toBe('API key “ci bot”');
    expect(auditActorLabel({ type: 'system', id: 'system' }, names)).toBe('the system');
    expect(auditActorLabel({ type: 'anonymous', id: '' }, names)).toBe('someone not signed in');
    expect(auditSubjectLabel('user-u1', names)).toBe('user Ada Lovelace');
    expect(auditSubjectLabel('project-p1', names)).toBe('project Support triage');
    expect(auditSubjectLabel('configs-p1', names)).toBe('configs of Support triage');
    expect(auditSubjectLabel('configs-p9abcdefgh', names)).toBe('configs of project p9abcdef');
    expect(auditSubjectLabel('api-key-k1', names)).toBe('API key “ci bot”');
    expect(auditSubjectLabel('annotation-queue-q1', names)).toBe('annotation queue q1');
    expect(auditSubjectLabel('session-s1', names)).toBe('a sign-in session');
    expect(auditSubjectLabel('probe', names)).toBe('probe');
    expect(auditActionLabel('SessionStarted')).toBe('signed in');
    expect(auditActionLabel('UserInvited')).toBe('invited the user');
    expect(auditActionLabel('SomethingNew')).toBe('SomethingNew');
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
