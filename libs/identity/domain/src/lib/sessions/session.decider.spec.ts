import type { SessionEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { SESSION_INVALID, sessionDecider, USER_DISABLED, type SessionState, type SessionUserFacts } from './session.decider';

const sessionId = 's1';
const userId = 'u1';
const now = new Date('2026-01-01T00:00:00.000Z');
const expiresAt = '2026-01-31T00:00:00.000Z';
const later = '2026-02-01T00:00:00.000Z';
const latest = '2026-02-02T00:00:00.000Z';
const spec = deciderSpec(sessionDecider, { now });
const fold = (events: readonly SessionEvent[]): SessionState => events.reduce(sessionDecider.evolve, sessionDecider.initialState);

const started: SessionEvent = { type: 'SessionStarted', data: { sessionId, userId, expiresAt } };
/** Rotations in a history happened an hour before `now`, long past the reuse grace. */
const anHourAgo = '2025-12-31T23:00:00.000Z';
const refreshed = (generation: number, at: string, rotatedAt: string | undefined = anHourAgo): SessionEvent => ({
  type: 'SessionRefreshed',
  data: { sessionId, userId, generation, expiresAt: at, ...(rotatedAt === undefined ? {} : { rotatedAt }) },
});
const GRACE_MS = 10_000;
const secondsBeforeNow = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const revoked = (reason: 'logout' | 'refresh-reuse'): SessionEvent => ({ type: 'SessionRevoked', data: { sessionId, userId, reason } });
const activeUser: SessionUserFacts = { status: 'active', resetSinceStart: false };
const refresh = (generation: number, at = later, user = activeUser) =>
  ({ type: 'RefreshSession', sessionId, generation, expiresAt: at, reuseGraceMs: GRACE_MS, user }) as const;
const start = (userStatus: 'none' | 'invited' | 'active' | 'disabled' = 'active') => ({ type: 'StartSession', sessionId, userId, expiresAt, userStatus }) as const;
const invalid = { kind: 'unauthorized', code: SESSION_INVALID };
const userDisabled = { kind: 'unauthorized', code: USER_DISABLED };

describe('session decider', () => {
  it('names the invalid-session code', () => expect(SESSION_INVALID).toBe('auth.session-invalid'));

  describe('StartSession', () => {
    it('starts a session', () => spec.given([]).when(start()).then([started]));

    it('starts a session for an invited user (accepting the invite signs in)', () => spec.given([]).when(start('invited')).then([started]));

    it('refuses a disabled user', () => spec.given([]).when(start('disabled')).thenThrows(userDisabled));

    it('refuses a user that does not exist', () => spec.given([]).when(start('none')).thenThrows(invalid));

    it('starts at generation 0', () =>
      expect(fold([started])).toEqual({ status: 'active', id: sessionId, userId, generation: 0, expiresAt }));

    it('refuses to start the same session twice', () =>
      spec.given([started]).when(start()).thenThrows({
        kind: 'conflict',
        code: 'session.exists',
      }));

    it('refuses to restart a revoked session', () =>
      spec.given([started, revoked('logout')]).when(start()).thenThrows({
        kind: 'conflict',
        code: 'session.exists',
      }));
  });

  describe('RefreshSession', () => {
    it('rotates generation 0 to 1 with the new expiry and the rotation time', () =>
      spec.given([started]).when(refresh(0)).then([refreshed(1, later, now.toISOString())]));

    it('rotates generation 1 to 2', () =>
      spec.given([started, refreshed(1, later)]).when(refresh(1, latest)).then([refreshed(2, latest, now.toISOString())]));

    it('keeps the latest generation and expiry in the state', () =>
      expect(fold([started, refreshed(1, later), refreshed(2, latest)])).toMatchObject({
        status: 'active',
        generation: 2,
        expiresAt: latest,
      }));

    it.each([
      ['generation 0 after one rotation', [started, refreshed(1, later)], 0],
      ['generation 0 after two rotations', [started, refreshed(1, later), refreshed(2, latest)], 0],
      ['generation 1 after two rotations', [started, refreshed(1, later), refreshed(2, latest)], 1],
    ])('revokes the whole session when a spent token comes back (%s)', (_label, history, generation) =>
      spec.given(history).when(refresh(generation)).then([revoked('refresh-reuse')]));

    it('revokes on reuse even when the session has expired since', () =>
      spec
        .given([started, refreshed(1, '2025-12-31T00:00:00.000Z')])
        .when(refresh(0))
        .then([revoked('refresh-reuse')]));

    it('leaves a reused session revoked: its current token no longer refreshes', () =>
      spec.given([started, refreshed(1, later), revoked('refresh-reuse')]).when(refresh(1)).thenThrows(invalid));

    it.each([
      ['one ahead', [started], 1],
      ['far ahead', [started], 1000],
      ['ahead after a rotation', [started, refreshed(1, later)], 2],
    ])('refuses a generation from the future (%s)', (_label, history, generation) =>
      spec.given(history).when(refresh(generation)).thenThrows(invalid));

    it('refuses a session that does not exist', () => spec.given([]).when(refresh(0)).thenThrows(invalid));

    it.each([
      ['disabled', { status: 'disabled', resetSinceStart: false }],
      ['invited', { status: 'invited', resetSinceStart: false }],
      ['gone', { status: 'none', resetSinceStart: false }],
    ] as const)('refuses a user who is %s, and spends nothing', (_label, user) =>
      spec.given([started]).when(refresh(0, later, user)).thenThrows(userDisabled));

    it('refuses a disabled user presenting a spent token without revoking the session', () =>
      spec.given([started, refreshed(1, later)]).when(refresh(0, later, { status: 'disabled', resetSinceStart: false })).thenThrows(userDisabled));

    it('refuses a session started before a password reset', () =>
      spec.given([started]).when(refresh(0, later, { status: 'active', resetSinceStart: true })).thenThrows(invalid));

    it('refuses a session ended by logout', () => spec.given([started, revoked('logout')]).when(refresh(0)).thenThrows(invalid));

    it('refuses a spent token of a session ended by logout without revoking again', () =>
      spec.given([started, refreshed(1, later), revoked('logout')]).when(refresh(0)).thenThrows(invalid));

    it('refuses an expired session', () =>
      deciderSpec(sessionDecider, { now: new Date('2026-03-01T00:00:00.000Z') })
        .given([started])
        .when(refresh(0))
        .thenThrows(invalid));

    it('treats the expiry instant itself as expired', () =>
      deciderSpec(sessionDecider, { now: new Date(expiresAt) }).given([started]).when(refresh(0)).thenThrows(invalid));

    it('refreshes one millisecond before the expiry', () =>
      deciderSpec(sessionDecider, { now: new Date(Date.parse(expiresAt) - 1) })
        .given([started])
        .when(refresh(0))
        .then([refreshed(1, later, new Date(Date.parse(expiresAt) - 1).toISOString())]));

    it('checks the expiry of the latest rotation, not the start', () =>
      deciderSpec(sessionDecider, { now: new Date('2026-01-31T12:00:00.000Z') })
        .given([started, refreshed(1, later)])
        .when(refresh(1, latest))
        .then([refreshed(2, latest, '2026-01-31T12:00:00.000Z')]));

    describe('reuse grace (two tabs refreshing with the same token)', () => {
      it('decides nothing for the token the latest rotation spent, presented again within the grace', () =>
        spec.given([started, refreshed(1, later, secondsBeforeNow(5))]).when(refresh(0)).then([]));

      it('still grants it at the grace’s last millisecond', () =>
        spec.given([started, refreshed(1, later, secondsBeforeNow(GRACE_MS / 1000))]).when(refresh(0)).then([]));

      it('revokes the session one millisecond after the grace', () =>
        spec
          .given([started, refreshed(1, later, new Date(now.getTime() - GRACE_MS - 1).toISOString())])
          .when(refresh(0))
          .then([revoked('refresh-reuse')]));

      it('revokes for a token two rotations old, however recent', () =>
        spec
          .given([started, refreshed(1, later, secondsBeforeNow(2)), refreshed(2, latest, secondsBeforeNow(1))])
          .when(refresh(0))
          .then([revoked('refresh-reuse')]));

      it('gives no grace after a rotation recorded without its time (older events)', () =>
        spec.given([started, refreshed(1, later, undefined)]).when(refresh(0)).then([revoked('refresh-reuse')]));

      it('gives no grace with a zero grace', () =>
        spec
          .given([started, refreshed(1, later, secondsBeforeNow(1))])
          .when({ ...refresh(0), reuseGraceMs: 0 })
          .then([revoked('refresh-reuse')]));

      it('gives no grace to a revoked session or a disabled user', () => {
        spec.given([started, refreshed(1, later, secondsBeforeNow(1)), revoked('logout')]).when(refresh(0)).thenThrows(invalid);
        spec
          .given([started, refreshed(1, later, secondsBeforeNow(1))])
          .when(refresh(0, later, { status: 'disabled', resetSinceStart: false }))
          .thenThrows(userDisabled);
      });

      it('keeps the rotation time in the state', () =>
        expect(fold([started, refreshed(1, later, secondsBeforeNow(3))])).toMatchObject({ generation: 1, rotatedAt: secondsBeforeNow(3) }));
    });

    it('expires a rotated session at its new expiry', () =>
      deciderSpec(sessionDecider, { now: new Date(later) }).given([started, refreshed(1, later)]).when(refresh(1)).thenThrows(invalid));
  });

  describe('RevokeSession', () => {
    it('revokes an active session on logout', () =>
      spec.given([started]).when({ type: 'RevokeSession', sessionId, reason: 'logout' }).then([revoked('logout')]));

    it('revokes a rotated session', () =>
      spec.given([started, refreshed(1, later)]).when({ type: 'RevokeSession', sessionId, reason: 'logout' }).then([revoked('logout')]));

    it('is idempotent: a second logout decides nothing', () =>
      spec.given([started, revoked('logout')]).when({ type: 'RevokeSession', sessionId, reason: 'logout' }).then([]));

    it('decides nothing for a session revoked for reuse', () =>
      spec.given([started, revoked('refresh-reuse')]).when({ type: 'RevokeSession', sessionId, reason: 'logout' }).then([]));

    it('decides nothing for a session that does not exist', () =>
      spec.given([]).when({ type: 'RevokeSession', sessionId, reason: 'logout' }).then([]));

    it('marks the state revoked, keeping its generation', () =>
      expect(fold([started, refreshed(1, later), revoked('logout')])).toMatchObject({ status: 'revoked', generation: 1 }));
  });

  describe('evolve', () => {
    it('ignores events before the session started', () =>
      expect(fold([refreshed(1, later), revoked('logout')])).toEqual({ status: 'none' }));
  });
});
