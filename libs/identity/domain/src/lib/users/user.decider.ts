import {
  DomainError,
  EMAIL_MAX_LENGTH,
  USER_NAME_MAX_LENGTH,
  type GlobalRole,
  type PasswordChangeReason,
  type UserEvent,
  type UserStatus,
} from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { checkPasswordPolicy } from './password-policy';

/**
 * Users. The id is derived from the normalised email (see `userIdForEmail`), so "one account per
 * email" is enforced by the stream's no-stream expectation, atomically, on both databases.
 * Passwords are checked here for policy only; hashing and storage happen outside the log.
 */
export type UserCommand =
  | {
      readonly type: 'CreateUser';
      readonly userId: string;
      readonly email: string;
      readonly name: string;
      readonly globalRole: GlobalRole | null;
      /** A password was supplied (hashed by the caller); otherwise the user is invited. */
      readonly password?: string;
      /** When the invite token expires (invitations only). */
      readonly inviteExpiresAt?: string;
      /** The password was generated, not chosen (the first owner's): it is recorded as such, to be changed. */
      readonly passwordGenerated?: boolean;
    }
  | { readonly type: 'RenameUser'; readonly userId: string; readonly name: string }
  | { readonly type: 'ChangeGlobalRole'; readonly userId: string; readonly globalRole: GlobalRole | null; readonly actorUserId?: string }
  | {
      readonly type: 'SetPassword';
      readonly userId: string;
      readonly password: string;
      readonly reason: Exclude<PasswordChangeReason, 'initial' | 'generated'>;
      /** The session changing its own password: it stays signed in, the user's other sessions end. */
      readonly sessionId?: string;
    }
  | { readonly type: 'IssuePasswordReset'; readonly userId: string; readonly expiresAt: string }
  | { readonly type: 'DisableUser'; readonly userId: string; readonly actorUserId?: string }
  | { readonly type: 'EnableUser'; readonly userId: string };

export type UserState =
  | { readonly status: 'none' }
  | {
      readonly status: UserStatus;
      readonly id: string;
      readonly email: string;
      readonly name: string;
      readonly globalRole: GlobalRole | null;
      readonly hasPassword: boolean;
    };

const GLOBAL_ROLES: readonly (GlobalRole | null)[] = ['owner', null];

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mail server's call.
// eslint-disable-next-line no-control-regex
const EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;

/** Emails are compared case-insensitively and stored lower-case. */
export function normalizeEmail(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw DomainError.validation('user.email.required', 'email', 'email is required');
  const email = raw.trim().toLowerCase();
  if (email.length > EMAIL_MAX_LENGTH) {
    throw DomainError.validation('user.email.too-long', 'email', `email must be at most ${EMAIL_MAX_LENGTH} characters`);
  }
  if (!EMAIL.test(email)) throw DomainError.validation('user.email.invalid', 'email', 'email must be an email address');
  return email;
}

function validName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw DomainError.validation('user.name.required', 'name', 'name is required');
  const name = raw.trim();
  if (name.length > USER_NAME_MAX_LENGTH) {
    throw DomainError.validation('user.name.too-long', 'name', `name must be at most ${USER_NAME_MAX_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw DomainError.validation('user.name.invalid', 'name', 'name must not contain control characters');
  return name;
}

function validRole(raw: unknown): GlobalRole | null {
  const role = raw === undefined ? null : raw;
  if (!GLOBAL_ROLES.includes(role as GlobalRole | null)) {
    throw DomainError.validation('user.role.invalid', 'globalRole', 'globalRole must be "owner" or null');
  }
  return role as GlobalRole | null;
}

function existing(state: UserState, userId: string) {
  if (state.status === 'none') throw DomainError.notFound('user.not-found', `user ${userId} does not exist`);
  return state;
}

function decide(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'CreateUser': {
      const email = normalizeEmail(command.email);
      const name = validName(command.name);
      const globalRole = validRole(command.globalRole);
      if (command.password !== undefined) checkPasswordPolicy(command.password, 'password', email);
      if (state.status !== 'none') throw DomainError.conflict('user.exists', `a user with email ${email} already exists`, 'email');
      const created: UserEvent = {
        type: 'UserCreated',
        data: { userId: command.userId, email, name, globalRole, status: command.password !== undefined ? 'active' : 'invited' },
      };
      if (command.password !== undefined) {
        return [created, { type: 'UserPasswordSet', data: { userId: command.userId, reason: command.passwordGenerated ? 'generated' : 'initial' } }];
      }
      if (!command.inviteExpiresAt) throw new Error('CreateUser without a password needs inviteExpiresAt');
      return [created, { type: 'UserInvited', data: { userId: command.userId, expiresAt: command.inviteExpiresAt } }];
    }
    case 'RenameUser': {
      const user = existing(state, command.userId);
      const name = validName(command.name);
      return name === user.name ? [] : [{ type: 'UserRenamed', data: { userId: user.id, name } }];
    }
    case 'ChangeGlobalRole': {
      const user = existing(state, command.userId);
      const globalRole = validRole(command.globalRole);
      if (globalRole === user.globalRole) return [];
      if (command.actorUserId === user.id && user.globalRole === 'owner') {
        throw DomainError.conflict('user.self-demotion', 'owners cannot remove their own owner role; ask another owner', 'globalRole');
      }
      return [{ type: 'UserGlobalRoleChanged', data: { userId: user.id, globalRole, previousRole: user.globalRole } }];
    }
    case 'SetPassword': {
      const user = existing(state, command.userId);
      checkPasswordPolicy(command.password, command.reason === 'changed' ? 'newPassword' : 'password', user.email);
      if (user.status === 'disabled') throw DomainError.conflict('user.disabled', 'the account is disabled');
      const kept = command.reason === 'changed' && command.sessionId !== undefined ? { sessionId: command.sessionId } : {};
      return [{ type: 'UserPasswordSet', data: { userId: user.id, reason: command.reason, ...kept } }];
    }
    case 'IssuePasswordReset': {
      const user = existing(state, command.userId);
      // A new link for someone who never set a password is an invitation again, not a reset.
      if (!user.hasPassword) return [{ type: 'UserInvited', data: { userId: user.id, expiresAt: command.expiresAt } }];
      return [{ type: 'UserPasswordResetIssued', data: { userId: user.id, expiresAt: command.expiresAt } }];
    }
    case 'DisableUser': {
      const user = existing(state, command.userId);
      if (command.actorUserId === user.id) throw DomainError.conflict('user.self-disable', 'you cannot disable your own account');
      if (user.status === 'disabled') throw DomainError.conflict('user.disabled', `user ${user.email} is already disabled`);
      return [{ type: 'UserDisabled', data: { userId: user.id } }];
    }
    case 'EnableUser': {
      const user = existing(state, command.userId);
      if (user.status !== 'disabled') throw DomainError.conflict('user.not-disabled', `user ${user.email} is not disabled`);
      return [{ type: 'UserEnabled', data: { userId: user.id } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function evolve(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserCreated') {
    const d = event.data;
    return { status: d.status, id: d.userId, email: d.email, name: d.name, globalRole: d.globalRole, hasPassword: false };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'UserRenamed':
      return { ...state, name: event.data.name };
    case 'UserGlobalRoleChanged':
      return { ...state, globalRole: event.data.globalRole };
    case 'UserPasswordSet':
      // Accepting an invitation activates the account.
      return { ...state, hasPassword: true, status: state.status === 'invited' ? 'active' : state.status };
    case 'UserPasswordResetIssued':
    case 'UserInvited':
      return state;
    case 'UserDisabled':
      return { ...state, status: 'disabled' };
    case 'UserEnabled':
      return { ...state, status: state.hasPassword ? 'active' : 'invited' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = { initialState: { status: 'none' }, decide, evolve };
