import { deciderSpec } from '@camel/kernel/testing';
import { refreshTokenDecider, type RefreshTokenEvent, type RefreshTokenState } from './refresh-token.decider';
import { SESSION_INVALID, USER_DISABLED, type SessionUserFacts } from './session.decider';

const sessionId = 's1';
const userId = 'u1';
const now = new Date('2026-01-01T00:00:00.000Z');
const expiresAt = '2026-01-31T00:00:00.000Z';
const later = '2026-02-01T00:00:00.000Z';
const latest = '2026-02-02T00:00:00.000Z';
const spec = deciderSpec(refreshTokenDecider, { now });
const fold = (events: readonly RefreshTokenEvent[]): RefreshTokenState => events.reduce(refreshTokenDecider.evolve, refreshTokenDecider.initialState);

const issued: RefreshTokenEvent = { type: 'RefreshTokenIssued', data: { sessionId, userId, expiresAt } };
/** Rotations in a history happened an hour before `now`, long past the reuse grace. */
const anHourAgo = '2025-12-31T23:00:00.000Z';
const rotated = (generation: number, at: string, rotatedAt = anHourAgo): RefreshTokenEvent => ({
  type: 'RefreshTokenRotated',
  data: { generation, expiresAt: at, rotatedAt },
});
const reused = (generation: number): RefreshTokenEvent => ({ type: 'RefreshTokenReused', data: { sessionId, userId, generation } });
const revoked: RefreshTokenEvent = { type: 'RefreshTokenRevoked', data: { revokedAt: anHourAgo } };
const GRACE_MS = 10_000;
const secondsBeforeNow = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const activeUser: SessionUserFacts = { status: 'active', resetSinceStart: false };
const refresh = (generation: number, at = later, user = activeUser) =>
  ({ type: 'RefreshToken', generation, expiresAt: at, reuseGraceMs: GRACE_MS, user }) as const;
const invalid = { kind: 'unauthorized', code: SESSION_INVALID };
const userDisabled = { kind: 'unauthorized', code: USER_DISABLED };

describe('refresh token decider', () => {
  it('starts at generation 0 with no rotation', () =>
    expect(fold([issued])).toEqual({ status: 'active', sessionId, userId, generation: 0, expiresAt, rotatedAt: null }));

  it('rotates generation 0 to 1 with the new expiry and the rotation time', () =>
    spec.given([issued]).when(refresh(0)).then([rotated(1, later, now.toISOString())]));

  it('rotates generation 1 to 2', () => spec.given([issued, rotated(1, later)]).when(refresh(1, latest)).then([rotated(2, latest, now.toISOString())]));

  it('keeps the latest generation, expiry and rotation time in the state', () =>
    expect(fold([issued, rotated(1, later), rotated(2, latest)])).toMatchObject({ status: 'active', generation: 2, expiresAt: latest, rotatedAt: anHourAgo }));

  it.each([
    ['generation 0 after one rotation', [issued, rotated(1, later)], 0],
    ['generation 0 after two rotations', [issued, rotated(1, later), rotated(2, latest)], 0],
    ['generation 1 after two rotations', [issued, rotated(1, later), rotated(2, latest)], 1],
  ])('decides reuse when a spent token comes back (%s)', (_label, history, generation) =>
    spec.given(history).when(refresh(generation)).then([reused(generation)]));

  it('decides reuse even when the session has expired since', () =>
    spec.given([issued, rotated(1, '2025-12-31T00:00:00.000Z')]).when(refresh(0)).then([reused(0)]));

  it('leaves a reused family revoked: its current token no longer refreshes', () =>
    spec.given([issued, rotated(1, later), reused(0)]).when(refresh(1)).thenThrows(invalid));

  it.each([
    ['one ahead', [issued], 1],
    ['far ahead', [issued], 1000],
    ['ahead after a rotation', [issued, rotated(1, later)], 2],
  ])('refuses a generation from the future (%s)', (_label, history, generation) => spec.given(history).when(refresh(generation)).thenThrows(invalid));

  it('refuses a session that does not exist', () => spec.given([]).when(refresh(0)).thenThrows(invalid));

  it.each([
    ['disabled', { status: 'disabled', resetSinceStart: false }],
    ['invited', { status: 'invited', resetSinceStart: false }],
    ['gone', { status: 'none', resetSinceStart: false }],
  ] as const)('refuses a user who is %s, and spends nothing', (_label, user) => spec.given([issued]).when(refresh(0, later, user)).thenThrows(userDisabled));

  it('refuses a disabled user presenting a spent token without deciding reuse', () =>
    spec.given([issued, rotated(1, later)]).when(refresh(0, later, { status: 'disabled', resetSinceStart: false })).thenThrows(userDisabled));

  it('refuses a session started before a password reset', () =>
    spec.given([issued]).when(refresh(0, later, { status: 'active', resetSinceStart: true })).thenThrows(invalid));

  it('refuses a session ended by sign-out', () => spec.given([issued, revoked]).when(refresh(0)).thenThrows(invalid));

  it('refuses a spent token of a signed-out session without deciding reuse again', () =>
    spec.given([issued, rotated(1, later), revoked]).when(refresh(0)).thenThrows(invalid));

  it('refuses an expired session', () =>
    deciderSpec(refreshTokenDecider, { now: new Date('2026-03-01T00:00:00.000Z') }).given([issued]).when(refresh(0)).thenThrows(invalid));

  it('treats the expiry instant itself as expired', () =>
    deciderSpec(refreshTokenDecider, { now: new Date(expiresAt) }).given([issued]).when(refresh(0)).thenThrows(invalid));

  it('refreshes one millisecond before the expiry', () =>
    deciderSpec(refreshTokenDecider, { now: new Date(Date.parse(expiresAt) - 1) })
      .given([issued])
      .when(refresh(0))
      .then([rotated(1, later, new Date(Date.parse(expiresAt) - 1).toISOString())]));

  it('checks the expiry of the latest rotation, not the start', () =>
    deciderSpec(refreshTokenDecider, { now: new Date('2026-01-31T12:00:00.000Z') })
      .given([issued, rotated(1, later)])
      .when(refresh(1, latest))
      .then([rotated(2, latest, '2026-01-31T12:00:00.000Z')]));

  it('expires a rotated session at its new expiry', () =>
    deciderSpec(refreshTokenDecider, { now: new Date(later) }).given([issued, rotated(1, later)]).when(refresh(1)).thenThrows(invalid));

  describe('reuse grace (two tabs refreshing with the same token)', () => {
    it('decides nothing for the token the latest rotation spent, presented again within the grace', () =>
      spec.given([issued, rotated(1, later, secondsBeforeNow(5))]).when(refresh(0)).then([]));

    it('still grants it at the grace’s last millisecond', () =>
      spec.given([issued, rotated(1, later, secondsBeforeNow(GRACE_MS / 1000))]).when(refresh(0)).then([]));

    it('decides reuse one millisecond after the grace', () =>
      spec
        .given([issued, rotated(1, later, new Date(now.getTime() - GRACE_MS - 1).toISOString())])
        .when(refresh(0))
        .then([reused(0)]));

    it('decides reuse for a token two rotations old, however recent', () =>
      spec
        .given([issued, rotated(1, later, secondsBeforeNow(2)), rotated(2, latest, secondsBeforeNow(1))])
        .when(refresh(0))
        .then([reused(0)]));

    it('gives no grace when the rotation time is unknown (carried over from an older log)', () => {
      const carried: RefreshTokenState = { status: 'active', sessionId, userId, generation: 1, expiresAt: later, rotatedAt: null };
      expect(refreshTokenDecider.decide(refresh(0), carried, { now })).toEqual([reused(0)]);
    });

    it('gives no grace with a zero grace: the loser of two concurrent refreshes revokes the family', () =>
      spec
        .given([issued, rotated(1, later, now.toISOString())])
        .when({ ...refresh(0), reuseGraceMs: 0 })
        .then([reused(0)]));

    it('gives no grace to a revoked session or a disabled user', () => {
      spec.given([issued, rotated(1, later, secondsBeforeNow(1)), revoked]).when(refresh(0)).thenThrows(invalid);
      spec
        .given([issued, rotated(1, later, secondsBeforeNow(1))])
        .when(refresh(0, later, { status: 'disabled', resetSinceStart: false }))
        .thenThrows(userDisabled);
    });
  });

  it('ignores changes before the token was issued', () => expect(fold([rotated(1, later), revoked])).toEqual({ status: 'none' }));
});
