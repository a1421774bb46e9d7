import { DomainError, type SessionEvent, type SessionRevokeReason, type UserStatus } from '@camel/contracts';
import type { Decider } from '@camel/kernel';

/**
 * A sign-in session: one refresh-token family. Its stream records what people do with it: sign-in
 * (`SessionStarted`) and its end (`SessionRevoked`: sign-out, or reuse of a spent refresh token).
 * Token rotations are bookkeeping kept out of the log (`refresh-token.decider.ts`); streams written
 * before that still carry `SessionRefreshed`, which `evolve` folds into the generation so such a
 * session's refresh token can be carried over (`refreshTokenOfSession`).
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
  | { readonly type: 'RevokeSession'; readonly sessionId: string; readonly reason: SessionRevokeReason };

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
      /** When the latest rotation happened (SessionRefreshed of older logs; absent: unknown, no grace). */
      readonly rotatedAt?: string;
    };

export const SESSION_INVALID = 'auth.session-invalid';

export const USER_DISABLED = 'auth.user-disabled';

const invalid = (message: string) => DomainError.unauthorized(SESSION_INVALID, message);
const disabled = () => DomainError.unauthorized(USER_DISABLED, 'the account is disabled');

function decide(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.type) {
    case 'StartSession':
      if (state.status !== 'none') throw DomainError.conflict('session.exists', `session ${command.sessionId} already exists`);
      if (command.userStatus === 'none') throw invalid('the user does not exist');
      if (command.userStatus === 'disabled') throw disabled();
      return [{ type: 'SessionStarted', data: { sessionId: command.sessionId, userId: command.userId, expiresAt: command.expiresAt } }];
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
    case 'SessionRefreshed': // streams written before rotations left the log
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
