import type { GlobalRole, UserEvent } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { userIdForEmail } from './user-id';
import { userDecider, type UserState } from './user.decider';

const id = userIdForEmail('ada@example.com');
const otherId = userIdForEmail('grace@example.com');
const inviteExpiresAt = '2026-01-08T00:00:00.000Z';
const password = 'correct horse battery staple';
const spec = deciderSpec(userDecider);
const fold = (events: readonly UserEvent[]): UserState => events.reduce(userDecider.evolve, userDecider.initialState);

const createdActive: UserEvent = {
  type: 'UserCreated',
  data: { userId: id, email: 'ada@example.com', name: 'Ada', globalRole: null, status: 'active' },
};
const createdOwner: UserEvent = { ...createdActive, data: { ...createdActive.data, globalRole: 'owner' } } as UserEvent;
const initialPassword: UserEvent = { type: 'UserPasswordSet', data: { userId: id, reason: 'initial' } };
const createdInvited: UserEvent = { ...createdActive, data: { ...createdActive.data, status: 'invited' } } as UserEvent;
const invitationIssued: UserEvent = { type: 'UserInvited', data: { userId: id, expiresAt: inviteExpiresAt } };
const inviteAccepted: UserEvent = { type: 'UserPasswordSet', data: { userId: id, reason: 'invite-accepted' } };
const disabled: UserEvent = { type: 'UserDisabled', data: { userId: id } };
const enabled: UserEvent = { type: 'UserEnabled', data: { userId: id } };

const active = [createdActive, initialPassword];
const owner = [createdOwner, initialPassword];
const invited = [createdInvited, invitationIssued];

const create = (overrides: Record<string, unknown> = {}) =>
  ({ type: 'CreateUser', userId: id, email: 'ada@example.com', name: 'Ada', globalRole: null, password, ...overrides }) as never;

describe('user decider', () => {
  describe('CreateUser', () => {
    it('creates an active user with an initial password when one is given', () =>
      spec.given([]).when(create()).then([createdActive, initialPassword]));

    it('records a generated password as such (its owner is asked to change it)', () =>
      spec
        .given([])
        .when(create({ passwordGenerated: true }))
        .then([createdActive, { type: 'UserPasswordSet', data: { userId: id, reason: 'generated' } }]));

    it('invites the user, issuing an invitation, when no password is given', () =>
      spec
        .given([])
        .when(create({ password: undefined, inviteExpiresAt }))
        .then([createdInvited, invitationIssued]));

    it('creates an owner', () => spec.given([]).when(create({ globalRole: 'owner' })).then([createdOwner, initialPassword]));

    it('treats a missing globalRole as no global role', () =>
      spec.given([]).when(create({ globalRole: undefined })).then([createdActive, initialPassword]));

    it('refuses a second user for the same stream, naming the email field', () =>
      spec.given(active).when(create()).thenThrows({ kind: 'conflict', code: 'user.exists', field: 'email' }));

    it('refuses a second user even when the first one is only invited', () =>
      spec
        .given(invited)
        .when(create({ password: undefined, inviteExpiresAt }))
        .thenThrows({ kind: 'conflict', code: 'user.exists', field: 'email' }));

    it('refuses a second user even when the first one is disabled', () =>
      spec.given([...active, disabled]).when(create()).thenThrows({ kind: 'conflict', code: 'user.exists' }));

    describe('email', () => {
      it.each([
        ['upper case', 'Ada@Example.COM'],
        ['surrounding whitespace', '  ada@example.com \t'],
        ['both', ' ADA@EXAMPLE.com\n'],
      ])('stores an email with %s trimmed and lower-cased', (_label, email) =>
        spec.given([]).when(create({ email })).then([createdActive, initialPassword]));

      it.each([
        ['missing', undefined, 'user.email.required'],
        ['empty', '', 'user.email.required'],
        ['blank', '   ', 'user.email.required'],
        ['not a string', 42, 'user.email.required'],
        ['without an @', 'ada.example.com', 'user.email.invalid'],
        ['without a local part', '@example.com', 'user.email.invalid'],
        ['without a domain', 'ada@', 'user.email.invalid'],
        ['without a dot in the domain', 'ada@example', 'user.email.invalid'],
        ['with two @', 'ada@@example.com', 'user.email.invalid'],
        ['with a second @ in the domain', 'ada@ex@ample.com', 'user.email.invalid'],
        ['with an inner space', 'ada lovelace@example.com', 'user.email.invalid'],
        ['255 characters', `${'a'.repeat(243)}@example.com`, 'user.email.too-long'],
      ])('refuses an email that is %s, naming the field', (_label, email, code) =>
        spec.given([]).when(create({ email })).thenThrows({ kind: 'validation', code, field: 'email' }));

      it('accepts an email of exactly 254 characters', () => {
        const email = `${'a'.repeat(242)}@example.com`;
        expect(email).toHaveLength(254);
        spec
          .given([])
          .when(create({ email }))
          .then([{ ...createdActive, data: { ...createdActive.data, email } } as UserEvent, initialPassword]);
      });

      it('measures the length after trimming', () => {
        const email = `${'a'.repeat(242)}@example.com`;
        spec
          .given([])
          .when(create({ email: `   ${email}   ` }))
          .then([{ ...createdActive, data: { ...createdActive.data, email } } as UserEvent, initialPassword]);
      });
    });

    describe('name', () => {
      it('trims the name', () => spec.given([]).when(create({ name: '  Ada ' })).then([createdActive, initialPassword]));

      it.each([
        ['missing', undefined, 'user.name.required'],
        ['empty', '', 'user.name.required'],
        ['blank', '  \t ', 'user.name.required'],
        ['not a string', 7, 'user.name.required'],
        ['101 characters', 'n'.repeat(101), 'user.name.too-long'],
        ['a control character', 'Ada\u0000Lovelace', 'user.name.invalid'],
        ['a bell', 'Ada\u0007', 'user.name.invalid'],
        ['an inner newline', 'Ada\nLovelace', 'user.name.invalid'],
        ['DEL', 'Ada\u007f', 'user.name.invalid'],
      ])('refuses a name that is %s, naming the field', (_label, name, code) =>
        spec.given([]).when(create({ name })).thenThrows({ kind: 'validation', code, field: 'name' }));

      it('accepts a name of exactly 100 characters', () =>
        spec
          .given([])
          .when(create({ name: 'n'.repeat(100) }))
          .then([{ ...createdActive, data: { ...createdActive.data, name: 'n'.repeat(100) } } as UserEvent, initialPassword]));
    });

    describe('globalRole', () => {
      it.each([['admin'], ['Owner'], ['viewer'], [''], [0], [false]])('refuses %p, naming the field', (globalRole) =>
        spec
          .given([])
          .when(create({ globalRole }))
          .thenThrows({ kind: 'validation', code: 'user.role.invalid', field: 'globalRole' }));
    });

    describe('password policy', () => {
      it.each([
        ['11 characters', 'x'.repeat(11), 'user.password.too-short'],
        ['empty', '', 'user.password.too-short'],
        // 22 UTF-16 code units, but only 11 characters (code points).
        ['11 emoji', '\u{1F42A}'.repeat(11), 'user.password.too-short'],
        ['1025 characters', 'x'.repeat(1025), 'user.password.too-long'],
        ['not a string', 123456789012, 'user.password.required'],
        ['null', null, 'user.password.required'],
      ])('refuses a password that is %s, naming the field', (_label, pw, code) =>
        spec.given([]).when(create({ password: pw })).thenThrows({ kind: 'validation', code, field: 'password' }));

      const emoji = (count: number) => Array.from({ length: count }, (_, i) => String.fromCodePoint(0x1f400 + ((i * 7) % 200))).join('');
      const words = (length: number) =>
        Array.from({ length: 300 }, (_, i) => `w${i}`)
          .join('-')
          .slice(0, length);
      it.each([
        ['exactly 12 characters', 'tangerine-ox'],
        ['12 emoji (code points, not code units)', emoji(12)],
        ['exactly 1024 characters', words(1024)],
        ['1024 emoji (2048 code units)', emoji(1024)],
        ['only lower-case letters and spaces (no composition rules)', 'plain words only'],
        ['a long phrase that merely contains a common word', 'my password is long enough'],
      ])('accepts a password of %s', (_label, pw) =>
        spec.given([]).when(create({ password: pw })).then([createdActive, initialPassword]));

      it.each([
        ['on the common-passwords list', 'leavemealone', 'user.password.common'],
        ['on the list whatever the case', 'QwertyUIOP123', 'user.password.common'],
        ['a listed password with digits and symbols around it', '!!password123456', 'user.password.common'],
        ['one character repeated', 'a'.repeat(12), 'user.password.repetitive'],
        ['spaces only', ' '.repeat(12), 'user.password.repetitive'],
        ['a short unit repeated', 'abcabcabcabc', 'user.password.repetitive'],
        ['a listed word repeated', 'dragondragondragon', 'user.password.repetitive'],
        ['a rising sequence wrapping 9 to 0', '345678901234', 'user.password.repetitive'],
        ['a falling sequence', 'zyxwvutsrqpo', 'user.password.repetitive'],
        ['the email address', 'ADA.Lovelace@example.com', 'user.password.email'],
        ['the email’s local part with a year', 'ada.lovelace2026', 'user.password.email'],
      ])('refuses a password that is %s, naming the field and the reason', (_label, pw, code) =>
        spec
          .given([])
          .when(create({ email: 'ada.lovelace@example.com', password: pw }))
          .thenThrows({ kind: 'validation', code, field: 'password' }));

      it('does not put the password in any event', () => {
        const events = userDecider.decide(create(), userDecider.initialState, { now: new Date() });
        expect(JSON.stringify(events)).not.toContain(password);
      });
    });
  });

  describe('RenameUser', () => {
    it('renames the user, trimming the name', () =>
      spec
        .given(active)
        .when({ type: 'RenameUser', userId: id, name: ' Ada Lovelace ' })
        .then([{ type: 'UserRenamed', data: { userId: id, name: 'Ada Lovelace' } }]));

    it('decides nothing when the name does not change', () =>
      spec.given(active).when({ type: 'RenameUser', userId: id, name: '  Ada  ' }).then([]));

    it('compares with the latest name', () =>
      spec
        .given([...active, { type: 'UserRenamed', data: { userId: id, name: 'Countess' } }])
        .when({ type: 'RenameUser', userId: id, name: 'Countess' })
        .then([]));

    it('renames an invited user', () =>
      spec
        .given(invited)
        .when({ type: 'RenameUser', userId: id, name: 'Ada L.' })
        .then([{ type: 'UserRenamed', data: { userId: id, name: 'Ada L.' } }]));

    it('validates the new name', () =>
      spec.given(active).when({ type: 'RenameUser', userId: id, name: '' }).thenThrows({ kind: 'validation', field: 'name' }));

    it('refuses to rename a user that does not exist', () =>
      spec.given([]).when({ type: 'RenameUser', userId: id, name: 'Ada' }).thenThrows({ kind: 'not-found', code: 'user.not-found' }));
  });

  describe('ChangeGlobalRole', () => {
    it('makes a user an owner, recording the previous role', () =>
      spec
        .given(active)
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: 'owner', actorUserId: otherId })
        .then([{ type: 'UserGlobalRoleChanged', data: { userId: id, globalRole: 'owner', previousRole: null } }]));

    it('lets another owner remove the owner role', () =>
      spec
        .given(owner)
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: null, actorUserId: otherId })
        .then([{ type: 'UserGlobalRoleChanged', data: { userId: id, globalRole: null, previousRole: 'owner' } }]));

    it('refuses an owner removing their own owner role', () =>
      spec
        .given(owner)
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: null, actorUserId: id })
        .thenThrows({ kind: 'conflict', code: 'user.self-demotion', field: 'globalRole' }));

    it('applies the self-demotion rule to a role gained later', () =>
      spec
        .given([...active, { type: 'UserGlobalRoleChanged', data: { userId: id, globalRole: 'owner', previousRole: null } }])
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: null, actorUserId: id })
        .thenThrows({ kind: 'conflict', code: 'user.self-demotion' }));

    it('decides nothing when the role does not change, even for oneself', () =>
      spec.given(owner).when({ type: 'ChangeGlobalRole', userId: id, globalRole: 'owner', actorUserId: id }).then([]));

    it('decides nothing when a user without a role is given none', () =>
      spec.given(active).when({ type: 'ChangeGlobalRole', userId: id, globalRole: null }).then([]));

    it('refuses an unknown role, naming the field', () =>
      spec
        .given(active)
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: 'admin' as GlobalRole })
        .thenThrows({ kind: 'validation', code: 'user.role.invalid', field: 'globalRole' }));

    it('refuses a user that does not exist', () =>
      spec
        .given([])
        .when({ type: 'ChangeGlobalRole', userId: id, globalRole: 'owner' })
        .thenThrows({ kind: 'not-found', code: 'user.not-found' }));
  });

  describe('SetPassword', () => {
    it.each([['reset'], ['changed']] as const)('sets the password of an active user (%s)', (reason) =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password, reason })
        .then([{ type: 'UserPasswordSet', data: { userId: id, reason } }]));

    it('names the session that changed its own password (it stays signed in, the others end)', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password, reason: 'changed', sessionId: 's-1' })
        .then([{ type: 'UserPasswordSet', data: { userId: id, reason: 'changed', sessionId: 's-1' } }]));

    it('keeps no session on a reset, even if one is named', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password, reason: 'reset', sessionId: 's-1' })
        .then([{ type: 'UserPasswordSet', data: { userId: id, reason: 'reset' } }]));

    it('refuses the user’s own email as the new password, naming newPassword', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password: 'ada@example.com', reason: 'changed' })
        .thenThrows({ kind: 'validation', code: 'user.password.email', field: 'newPassword' }));

    it('accepts an invitation', () =>
      spec.given(invited).when({ type: 'SetPassword', userId: id, password, reason: 'invite-accepted' }).then([inviteAccepted]));

    it('activates an invited user once the password is set', () => {
      expect(fold(invited)).toMatchObject({ status: 'invited', hasPassword: false });
      expect(fold([...invited, inviteAccepted])).toMatchObject({ status: 'active', hasPassword: true });
    });

    it('leaves a disabled user disabled when a password event is folded', () =>
      expect(fold([...invited, disabled, inviteAccepted])).toMatchObject({ status: 'disabled', hasPassword: true }));

    it('refuses to set the password of a disabled user', () =>
      spec
        .given([...active, disabled])
        .when({ type: 'SetPassword', userId: id, password, reason: 'reset' })
        .thenThrows({ kind: 'conflict', code: 'user.disabled' }));

    it('refuses to accept an invitation for a disabled user', () =>
      spec
        .given([...invited, disabled])
        .when({ type: 'SetPassword', userId: id, password, reason: 'invite-accepted' })
        .thenThrows({ kind: 'conflict', code: 'user.disabled' }));

    it('names the field password for a reset', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password: 'short', reason: 'reset' })
        .thenThrows({ kind: 'validation', code: 'user.password.too-short', field: 'password' }));

    it('names the field newPassword for a change', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password: 'x'.repeat(1025), reason: 'changed' })
        .thenThrows({ kind: 'validation', code: 'user.password.too-long', field: 'newPassword' }));

    it('counts code points, not code units', () =>
      spec
        .given(active)
        .when({ type: 'SetPassword', userId: id, password: '\u00e9\u{1F42A}'.repeat(5) + '\u{1F42A}', reason: 'reset' })
        .thenThrows({ kind: 'validation', code: 'user.password.too-short', field: 'password' }));

    it('refuses a user that does not exist', () =>
      spec
        .given([])
        .when({ type: 'SetPassword', userId: id, password, reason: 'reset' })
        .thenThrows({ kind: 'not-found', code: 'user.not-found' }));
  });

  describe('IssuePasswordReset', () => {
    it('issues a reset for an active user', () =>
      spec
        .given(active)
        .when({ type: 'IssuePasswordReset', userId: id, expiresAt: '2026-01-02T00:00:00.000Z' })
        .then([{ type: 'UserPasswordResetIssued', data: { userId: id, expiresAt: '2026-01-02T00:00:00.000Z' } }]));

    it('re-issues an invitation (UserInvited, not a reset) to a user who never set a password, without changing the state', () => {
      spec
        .given(invited)
        .when({ type: 'IssuePasswordReset', userId: id, expiresAt: inviteExpiresAt })
        .then([invitationIssued]);
      expect(fold([...invited, invitationIssued])).toEqual(fold(invited));
    });

    it('refuses a user that does not exist', () =>
      spec
        .given([])
        .when({ type: 'IssuePasswordReset', userId: id, expiresAt: inviteExpiresAt })
        .thenThrows({ kind: 'not-found', code: 'user.not-found' }));
  });

  describe('DisableUser', () => {
    it('disables an active user', () =>
      spec.given(active).when({ type: 'DisableUser', userId: id, actorUserId: otherId }).then([disabled]));

    it('disables an invited user', () => spec.given(invited).when({ type: 'DisableUser', userId: id }).then([disabled]));

    it('refuses to disable oneself', () =>
      spec.given(owner).when({ type: 'DisableUser', userId: id, actorUserId: id }).thenThrows({
        kind: 'conflict',
        code: 'user.self-disable',
      }));

    it('refuses to disable twice', () =>
      spec.given([...active, disabled]).when({ type: 'DisableUser', userId: id, actorUserId: otherId }).thenThrows({
        kind: 'conflict',
        code: 'user.disabled',
      }));

    it('refuses a user that does not exist', () =>
      spec.given([]).when({ type: 'DisableUser', userId: id }).thenThrows({ kind: 'not-found', code: 'user.not-found' }));

    it('marks the state disabled', () => expect(fold([...active, disabled])).toMatchObject({ status: 'disabled' }));
  });

  describe('EnableUser', () => {
    it('enables a disabled user', () => spec.given([...active, disabled]).when({ type: 'EnableUser', userId: id }).then([enabled]));

    it('returns a user who had a password to active', () =>
      expect(fold([...active, disabled, enabled])).toMatchObject({ status: 'active', hasPassword: true }));

    it('returns a user who never set a password to invited', () =>
      expect(fold([...invited, disabled, enabled])).toMatchObject({ status: 'invited', hasPassword: false }));

    it('returns a user who accepted the invitation to active', () =>
      expect(fold([...invited, inviteAccepted, disabled, enabled])).toMatchObject({ status: 'active', hasPassword: true }));

    it('lets a re-enabled invited user accept the invitation', () =>
      spec
        .given([...invited, disabled, enabled])
        .when({ type: 'SetPassword', userId: id, password, reason: 'invite-accepted' })
        .then([inviteAccepted]));

    it.each([
      ['active', active],
      ['invited', invited],
    ])('refuses to enable an %s user', (_label, history) =>
      spec.given(history).when({ type: 'EnableUser', userId: id }).thenThrows({ kind: 'conflict', code: 'user.not-disabled' }));

    it('refuses to enable twice', () =>
      spec
        .given([...active, disabled, enabled])
        .when({ type: 'EnableUser', userId: id })
        .thenThrows({ kind: 'conflict', code: 'user.not-disabled' }));

    it('refuses a user that does not exist', () =>
      spec.given([]).when({ type: 'EnableUser', userId: id }).thenThrows({ kind: 'not-found', code: 'user.not-found' }));
  });

  describe('evolve', () => {
    it('folds a user from its events', () =>
      expect(
        fold([
          ...active,
          { type: 'UserRenamed', data: { userId: id, name: 'Countess' } },
          { type: 'UserGlobalRoleChanged', data: { userId: id, globalRole: 'owner', previousRole: null } },
        ]),
      ).toEqual({ status: 'active', id, email: 'ada@example.com', name: 'Countess', globalRole: 'owner', hasPassword: true }));

    it('ignores events before the user exists', () => expect(fold([disabled, enabled, initialPassword])).toEqual({ status: 'none' }));
  });
});
