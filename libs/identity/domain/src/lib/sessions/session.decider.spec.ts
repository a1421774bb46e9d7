import type { SessionEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { refreshTokenOfSession } from './refresh-token.decider';
import { SESSION_INVALID, sessionDecider, USER_DISABLED, type SessionState } from './session.decider';

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
const revoked = (reason: 'logout' | 'refresh-reuse'): SessionEvent => ({ type: 'SessionRevoked', data: { sessionId, userId, reason } });
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

  describe('RevokeSession for reuse', () => {
    it('revokes an active session with the reason refresh-reuse', () =>
      spec.given([started]).when({ type: 'RevokeSession', sessionId, reason: 'refresh-reuse' }).then([revoked('refresh-reuse')]));
  });

  describe('evolve', () => {
    it('ignores events before the session started', () =>
      expect(fold([refreshed(1, later), revoked('logout')])).toEqual({ status: 'none' }));
  });

  describe('streams written before rotations left the log', () => {
    it('carries their latest rotation over to the refresh token', () =>
      expect(refreshTokenOfSession(fold([started, refreshed(1, later), refreshed(2, latest, anHourAgo)]))).toEqual({
        status: 'active',
        sessionId,
        userId,
        generation: 2,
        expiresAt: latest,
        rotatedAt: anHourAgo,
      }));

    it('carries a rotation recorded without its time as unknown (no grace)', () =>
      expect(refreshTokenOfSession(fold([started, { type: 'SessionRefreshed', data: { sessionId, userId, generation: 1, expiresAt: later } }]))).toMatchObject({ generation: 1, rotatedAt: null }));

    it('carries a revoked session over as revoked, and no session as none', () => {
      expect(refreshTokenOfSession(fold([started, revoked('logout')]))).toMatchObject({ status: 'revoked', generation: 0 });
      expect(refreshTokenOfSession(fold([]))).toEqual({ status: 'none' });
    });
  });
});
