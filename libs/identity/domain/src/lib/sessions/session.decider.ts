import { DomainError, type SessionEvent, type UserStatus } from '@camel/contracts';
import type { Decider } from '@camel/kernel';

/**
 * A sign-in session: one refresh-token family. Each refresh rotates the token (generation + 1);
 * presenting a spent generation means the token was copied, so the whole family is revoked
 * (OAuth 2.0 Security BCP, refresh token rotation with reuse detection). One exception: the token
 * spent by the latest rotation, presented again within `reuseGraceMs` of it, is a concurrent refresh
 * (two tabs sharing the cookie) and gets the same successor; nothing is appended.
 */
export type SessionCommand =
  | {
      readonly type: 'StartSession';
      readonly sessionId: string;
      readonly userId: string;
      readonly expiresAt: string;
      /** The user's standing, loaded by the caller (cross-aggregate fact). */
      readonly userStatus: UserStatus | 'none';
    }
  | {
      readonly type: 'RefreshSession';
      readonly sessionId: string;
      /** Generation carried by the presented (authentic) refresh token. */
      readonly generation: number;
      readonly expiresAt: string;
      /** How long after a rotation the token it spent still gets the same successor. */
      readonly reuseGraceMs: number;
      /** The session's user as the caller found it (cross-aggregate facts). */
      readonly user: SessionUserFacts;
    }
  | { readonly type: 'RevokeSession'; readonly sessionId: string; readonly reason: 'logout' };

export interface SessionUserFacts {
  readonly status: UserStatus | 'none';
  /** The user's password was reset after this session started: the session no longer counts. */
  readonly resetSinceStart: boolean;
}

export type SessionState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'revoked';
      readonly id: string;
      readonly userId: string;
      readonly generation: number;
      readonly expiresAt: string;
      /** When the latest rotation happened (events before rotatedAt was recorded: unknown, no grace). */
      readonly rotatedAt?: string;
    };

export const SESSION_INVALID = 'auth.session-invalid';

export const USER_DISABLED = 'auth.user-disabled';

const invalid = (message: string) => DomainError.unauthorized(SESSION_INVALID, message);
const disabled = () => DomainError.unauthorized(USER_DISABLED, 'the account is disabled');

/** The token the latest rotation spent, presented again shortly after it: a concurrent refresh, not a copy. */
function withinReuseGrace(command: Extract<SessionCommand, { type: 'RefreshSession' }>, state: SessionState, now: Date): boolean {
  if (state.status !== 'active' || state.rotatedAt === undefined || command.generation !== state.generation - 1) return false;
  const since = now.getTime() - Date.parse(state.rotatedAt);
  return since >= 0 && since <= command.reuseGraceMs && Date.parse(state.expiresAt) > now.getTime();
}

function decide(command: SessionCommand, state: SessionState, context: { now: Date }): SessionEvent[] {
  switch (command.type) {
    case 'StartSession':
      if (state.status !== 'none') throw DomainError.conflict('session.exists', `session ${command.sessionId} already exists`);
      if (command.userStatus === 'none') throw invalid('the user does not exist');
      if (command.userStatus === 'disabled') throw disabled();
      return [{ type: 'SessionStarted', data: { sessionId: command.sessionId, userId: command.userId, expiresAt: command.expiresAt } }];
    case 'RefreshSession': {
      if (state.status === 'none') throw invalid('the session does not exist');
      // Refused before reuse detection: a refresh the user may not make spends nothing.
      if (command.user.status !== 'active') throw disabled();
      if (command.user.resetSinceStart) throw invalid('the password was reset; sign in again');
      if (state.status === 'revoked') throw invalid('the session has ended; sign in again');
      if (withinReuseGrace(command, state, context.now)) return [];
      if (command.generation < state.generation) {
        // A spent token came back: whoever holds the family now is not to be trusted.
        return [{ type: 'SessionRevoked', data: { sessionId: state.id, userId: state.userId, reason: 'refresh-reuse' } }];
      }
      if (command.generation > state.generation) throw invalid('the refresh token is not valid');
      if (Date.parse(state.expiresAt) <= context.now.getTime()) throw invalid('the session has expired; sign in again');
      return [
        {
          type: 'SessionRefreshed',
          data: {
            sessionId: state.id,
            userId: state.userId,
            generation: state.generation + 1,
            expiresAt: command.expiresAt,
            rotatedAt: context.now.toISOString(),
          },
        },
      ];
    }
    case 'RevokeSession':
      if (state.status !== 'active') return [];
      return [{ type: 'SessionRevoked', data: { sessionId: state.id, userId: state.userId, reason: command.reason } }];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'SessionStarted':
      return { status: 'active', id: event.data.sessionId, userId: event.data.userId, generation: 0, expiresAt: event.data.expiresAt };
    case 'SessionRefreshed':
      return state.status === 'none'
        ? state
        : { ...state, generation: event.data.generation, expiresAt: event.data.expiresAt, rotatedAt: event.data.rotatedAt };
    case 'SessionRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const sessionDecider: Decider<SessionCommand, SessionEvent, SessionState> = { initialState: { status: 'none' }, decide, evolve };
