import { DomainError, type DomainEvent } from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { SESSION_INVALID, USER_DISABLED, type SessionState, type SessionUserFacts } from './session.decider';

/**
 * The refresh token of a session (one token family), kept OUT of the event log: a rotation is
 * bookkeeping, not an action, so its generation lives in a credential table (`refresh_tokens`)
 * written with a compare-and-set on the generation. Each refresh rotates the token (generation + 1);
 * presenting a spent generation means the token was copied, so the whole family is revoked (OAuth 2.0
 * Security BCP, refresh token rotation with reuse detection) — that revocation IS an action and goes
 * to the session's stream as `SessionRevoked { reason: 'refresh-reuse' }`. One exception: the token
 * spent by the latest rotation, presented again within `reuseGraceMs` of it, is a concurrent refresh
 * (two tabs sharing the cookie) and gets the same successor; nothing changes.
 *
 * The events below are the credential row's changes, never appended to the log:
 * - `RefreshTokenIssued`: written in the transaction of `SessionStarted`;
 * - `RefreshTokenRotated`: the compare-and-set of a refresh;
 * - `RefreshTokenRevoked`: written in the transaction of `SessionRevoked` (sign-out or reuse);
 * - `RefreshTokenReused`: decided, not stored: the caller revokes the session (an event), whose
 *   transaction marks the row revoked.
 */
export type RefreshTokenEvent =
  | DomainEvent<'RefreshTokenIssued', { readonly sessionId: string; readonly userId: string; readonly expiresAt: string }>
  | DomainEvent<'RefreshTokenRotated', { readonly generation: number; readonly expiresAt: string; readonly rotatedAt: string }>
  | DomainEvent<'RefreshTokenReused', { readonly sessionId: string; readonly userId: string; readonly generation: number }>
  | DomainEvent<'RefreshTokenRevoked', { readonly revokedAt: string }>;

export interface RefreshTokenCommand {
  readonly type: 'RefreshToken';
  /** Generation carried by the presented (authentic) refresh token. */
  readonly generation: number;
  /** The successor's expiry. */
  readonly expiresAt: string;
  /** How long after a rotation the token it spent still gets the same successor. */
  readonly reuseGraceMs: number;
  /** The session's user as the caller found it (cross-aggregate facts). */
  readonly user: SessionUserFacts;
}

export type RefreshTokenState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'revoked';
      readonly sessionId: string;
      readonly userId: string;
      /** The generation of the only token still usable. */
      readonly generation: number;
      readonly expiresAt: string;
      /** When the latest rotation happened (unknown for rotations recorded without it: no grace). */
      readonly rotatedAt: string | null;
    };

const invalid = (message: string) => DomainError.unauthorized(SESSION_INVALID, message);

/** The token the latest rotation spent, presented again shortly after it: a concurrent refresh, not a copy. */
function withinReuseGrace(command: RefreshTokenCommand, state: Exclude<RefreshTokenState, { status: 'none' }>, now: Date): boolean {
  if (command.reuseGraceMs <= 0 || state.rotatedAt === null || command.generation !== state.generation - 1) return false;
  const since = now.getTime() - Date.parse(state.rotatedAt);
  return since >= 0 && since <= command.reuseGraceMs && Date.parse(state.expiresAt) > now.getTime();
}

function decide(command: RefreshTokenCommand, state: RefreshTokenState, context: { now: Date }): RefreshTokenEvent[] {
  if (state.status === 'none') throw invalid('the session does not exist');
  // Refused before reuse detection: a refresh the user may not make spends nothing.
  if (command.user.status !== 'active') throw DomainError.unauthorized(USER_DISABLED, 'the account is disabled');
  if (command.user.resetSinceStart) throw invalid('the password was reset; sign in again');
  if (state.status === 'revoked') throw invalid('the session has ended; sign in again');
  if (withinReuseGrace(command, state, context.now)) return [];
  if (command.generation < state.generation) {
    // A spent token came back: whoever holds the family now is not to be trusted.
    return [{ type: 'RefreshTokenReused', data: { sessionId: state.sessionId, userId: state.userId, generation: command.generation } }];
  }
  if (command.generation > state.generation) throw invalid('the refresh token is not valid');
  if (Date.parse(state.expiresAt) <= context.now.getTime()) throw invalid('the session has expired; sign in again');
  return [{ type: 'RefreshTokenRotated', data: { generation: state.generation + 1, expiresAt: command.expiresAt, rotatedAt: context.now.toISOString() } }];
}

function evolve(state: RefreshTokenState, event: RefreshTokenEvent): RefreshTokenState {
  switch (event.type) {
    case 'RefreshTokenIssued':
      return { status: 'active', sessionId: event.data.sessionId, userId: event.data.userId, generation: 0, expiresAt: event.data.expiresAt, rotatedAt: null };
    case 'RefreshTokenRotated':
      return state.status === 'none' ? state : { ...state, ...event.data };
    case 'RefreshTokenReused':
    case 'RefreshTokenRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const refreshTokenDecider: Decider<RefreshTokenCommand, RefreshTokenEvent, RefreshTokenState> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

/**
 * The refresh token of a session recorded before rotations left the log: its stream (with its
 * `SessionRefreshed` events) folded by the session decider. Used once per such session, to seed
 * its credential row.
 */
export function refreshTokenOfSession(session: SessionState): RefreshTokenState {
  if (session.status === 'none') return session;
  return {
    status: session.status,
    sessionId: session.id,
    userId: session.userId,
    generation: session.generation,
    expiresAt: session.expiresAt,
    rotatedAt: session.rotatedAt ?? null,
  };
}
