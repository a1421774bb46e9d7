/**
 * Identity: users, sessions, project membership and API keys — the events, the read models as the
 * API returns them, and the request bodies. Secrets (passwords, refresh tokens, API keys, invite and
 * reset tokens) never appear in any of these events or views; see docs/security.md.
 */
import type { Actor, DomainEvent } from './event-envelope';
import type { GlobalRole, Permission, ProjectRole } from './permissions';

export const USER_STREAM_TYPE = 'user';
export const SESSION_STREAM_TYPE = 'session';
export const API_KEY_STREAM_TYPE = 'api-key';

export const userStreamId = (userId: string): string => `user-${userId}`;
export const sessionStreamId = (sessionId: string): string => `session-${sessionId}`;
export const apiKeyStreamId = (keyId: string): string => `api-key-${keyId}`;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
export const USER_NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;
export const API_KEY_NAME_MAX_LENGTH = 100;

/** API keys are shown once; they start with this so scanners and the guard recognise them. */
export const API_KEY_PREFIX = 'camel_';
/** Name of the HttpOnly cookie that carries the refresh token for the console (path /api/auth). */
export const REFRESH_COOKIE = 'camel_refresh';

export type UserStatus = 'invited' | 'active' | 'disabled';
/** `generated`: the first owner's password made up at the first start (its owner is asked to change it). */
export type PasswordChangeReason = 'initial' | 'generated' | 'invite-accepted' | 'reset' | 'changed';
export type SessionRevokeReason = 'logout' | 'refresh-reuse';

// ---- events -------------------------------------------------------------------------------------

export type UserCreated = DomainEvent<
  'UserCreated',
  { userId: string; email: string; name: string; globalRole: GlobalRole | null; status: 'invited' | 'active' }
>;
export type UserRenamed = DomainEvent<'UserRenamed', { userId: string; name: string }>;
export type UserGlobalRoleChanged = DomainEvent<
  'UserGlobalRoleChanged',
  { userId: string; globalRole: GlobalRole | null; previousRole: GlobalRole | null }
>;
/** A password was set; the hash lives in the credential table, never in the log. */
/**
 * The password was set. Sessions started before it stop authenticating, except `sessionId`: the
 * session that changed its own password (absent on older events and on resets).
 */
export type UserPasswordSet = DomainEvent<'UserPasswordSet', { userId: string; reason: PasswordChangeReason; sessionId?: string }>;
/**
 * A one-time password reset link was issued; the token itself is shown once to the issuer. (Logs
 * written before `UserInvited` existed also record invitations this way, right after `UserCreated`.)
 */
export type UserPasswordResetIssued = DomainEvent<'UserPasswordResetIssued', { userId: string; expiresAt: string }>;
/** The user was invited: a one-time link to choose a password, shown once to the inviter. */
export type UserInvited = DomainEvent<'UserInvited', { userId: string; expiresAt: string }>;
export type UserDisabled = DomainEvent<'UserDisabled', { userId: string }>;
export type UserEnabled = DomainEvent<'UserEnabled', { userId: string }>;

export type UserEvent =
  | UserCreated
  | UserRenamed
  | UserGlobalRoleChanged
  | UserPasswordSet
  | UserPasswordResetIssued
  | UserInvited
  | UserDisabled
  | UserEnabled;
export type UserEventType = UserEvent['type'];
export const USER_EVENT_TYPES: readonly UserEventType[] = [
  'UserCreated',
  'UserRenamed',
  'UserGlobalRoleChanged',
  'UserPasswordSet',
  'UserPasswordResetIssued',
  'UserInvited',
  'UserDisabled',
  'UserEnabled',
];

export type SessionStarted = DomainEvent<'SessionStarted', { sessionId: string; userId: string; expiresAt: string }>;
/** The refresh token was rotated: `generation` is the new token's; every older one is spent. */
/** `rotatedAt` (absent on older events) starts the short grace in which the previous token still gets this successor. */
export type SessionRefreshed = DomainEvent<
  'SessionRefreshed',
  { sessionId: string; userId: string; generation: number; expiresAt: string; rotatedAt?: string }
>;
export type SessionRevoked = DomainEvent<'SessionRevoked', { sessionId: string; userId: string; reason: SessionRevokeReason }>;
export type SessionEvent = SessionStarted | SessionRefreshed | SessionRevoked;
export type SessionEventType = SessionEvent['type'];
export const SESSION_EVENT_TYPES: readonly SessionEventType[] = ['SessionStarted', 'SessionRefreshed', 'SessionRevoked'];

export type ProjectMemberAdded = DomainEvent<'ProjectMemberAdded', { projectId: string; userId: string; role: ProjectRole }>;
export type ProjectMemberRoleChanged = DomainEvent<
  'ProjectMemberRoleChanged',
  { projectId: string; userId: string; role: ProjectRole; previousRole: ProjectRole }
>;
export type ProjectMemberRemoved = DomainEvent<'ProjectMemberRemoved', { projectId: string; userId: string; previousRole: ProjectRole }>;
export type ProjectMemberEvent = ProjectMemberAdded | ProjectMemberRoleChanged | ProjectMemberRemoved;
export type ProjectMemberEventType = ProjectMemberEvent['type'];
export const PROJECT_MEMBER_EVENT_TYPES: readonly ProjectMemberEventType[] = [
  'ProjectMemberAdded',
  'ProjectMemberRoleChanged',
  'ProjectMemberRemoved',
];

export type ApiKeyCreated = DomainEvent<
  'ApiKeyCreated',
  /** `expiresAt`: the key stops working then (absent: no expiry). */
  { keyId: string; projectId: string; name: string; role: ProjectRole; prefix: string; expiresAt?: string }
>;
export type ApiKeyRevoked = DomainEvent<'ApiKeyRevoked', { keyId: string; projectId: string }>;
export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;
export type ApiKeyEventType = ApiKeyEvent['type'];
export const API_KEY_EVENT_TYPES: readonly ApiKeyEventType[] = ['ApiKeyCreated', 'ApiKeyRevoked'];

/**
 * Events that change what a principal may do: membership and roles, a disabled account, a password
 * reset (it ends older sessions), a revoked session or key. Whoever caches a principal (the live
 * gateway, per socket) resolves the principals these name again.
 */
export const ACCESS_EVENT_TYPES = [
  'ProjectMemberAdded',
  'ProjectMemberRoleChanged',
  'ProjectMemberRemoved',
  'UserDisabled',
  'UserGlobalRoleChanged',
  'UserPasswordResetIssued',
  'UserPasswordSet',
  'SessionRevoked',
  'ApiKeyRevoked',
] as const satisfies readonly (UserEventType | SessionEventType | ProjectMemberEventType | ApiKeyEventType)[];
export type AccessEventType = (typeof ACCESS_EVENT_TYPES)[number];

export const isAccessEvent = (type: string): type is AccessEventType => (ACCESS_EVENT_TYPES as readonly string[]).includes(type);

// ---- auth ---------------------------------------------------------------------------------------

export interface LoginRequest {
  readonly email: string;
  readonly password: string;
}

/** `refreshToken` may be omitted by browsers, which send the HttpOnly cookie instead. */
export interface RefreshRequest {
  readonly refreshToken?: string;
}

export interface AcceptInviteRequest {
  /** The one-time invite or reset token. */
  readonly token: string;
  readonly password: string;
}

export interface ChangePasswordRequest {
  readonly currentPassword: string;
  readonly newPassword: string;
}

export interface Membership {
  readonly projectId: string;
  readonly projectName: string;
  readonly role: ProjectRole;
}

/** Who the caller is and what it may do: the console hides what is not listed here. */
export interface Me {
  readonly actor: Actor;
  /** Users only. */
  readonly email?: string;
  readonly name: string;
  readonly globalRole: GlobalRole | null;
  readonly memberships: readonly Membership[];
  /** Permissions that need no project (owner: all of them). */
  readonly globalPermissions: readonly Permission[];
  /** The password was generated (the first owner's, printed at the first start): the console asks for a new one. */
  readonly passwordChangeRequired?: boolean;
}

export interface TokenResponse {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  /** Rotates on every refresh; presenting a spent one revokes the whole session. */
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  readonly me: Me;
}

/** Claims of the access token (JWT, HS256). */
export interface AccessTokenClaims {
  readonly sub: string;
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
  readonly typ: 'access';
}

// ---- users (owner) ------------------------------------------------------------------------------

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly globalRole: GlobalRole | null;
  readonly status: UserStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
  readonly version: number;
}

export interface CreateUserRequest {
  readonly email: string;
  readonly name: string;
  readonly globalRole?: GlobalRole | null;
  /** Omit to invite: the response then carries a one-time invite token. */
  readonly password?: string;
}

export interface UpdateUserRequest {
  readonly name?: string;
  readonly globalRole?: GlobalRole | null;
}

export interface UserCreatedResponse {
  readonly id: string;
  readonly version: number;
  readonly position: number;
  /** Present for invitations: shown once, hand it to the user (console: /accept-invite?token=…). */
  readonly inviteToken?: string;
  readonly inviteExpiresAt?: string;
}

export interface PasswordResetResponse {
  readonly id: string;
  readonly position: number;
  /** Shown once. */
  readonly resetToken: string;
  readonly expiresAt: string;
}

// ---- members ------------------------------------------------------------------------------------

export interface MemberView {
  readonly projectId: string;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: ProjectRole;
  readonly addedAt: string;
  readonly updatedAt: string;
}

export interface AddMemberRequest {
  /** One of userId or email. */
  readonly userId?: string;
  readonly email?: string;
  readonly role: ProjectRole;
}

export interface ChangeMemberRoleRequest {
  readonly role: ProjectRole;
}

// ---- API keys -----------------------------------------------------------------------------------

export interface ApiKeyView {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly role: ProjectRole;
  /** First characters of the key, to recognise it; never enough to use it. */
  readonly prefix: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
  /** When the key stops working; null = never. */
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface CreateApiKeyRequest {
  readonly name: string;
  readonly role: ProjectRole;
  /** Optional expiry (ISO 8601 date-time in the future); absent = the key works until revoked. */
  readonly expiresAt?: string;
}

export interface ApiKeyCreatedResponse {
  readonly id: string;
  readonly position: number;
  /** The whole key, shown this once. Send it as `Authorization: Bearer <key>`. */
  readonly key: string;
  readonly view: ApiKeyView;
}

// ---- audit --------------------------------------------------------------------------------------

export interface AuditEntry {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly projectId: string | null;
  readonly actor: Actor;
  readonly requestId: string | null;
  readonly correlationId: string;
  readonly time: string;
}

export interface AuditQuery {
  /** `type:id`, e.g. `user:…` or `api-key:…`. */
  readonly actor?: string;
  readonly projectId?: string;
  /** Exact event type or a family prefix ending in `*` (e.g. `Project*`). */
  readonly type?: string;
  /** Types or family prefixes to leave out, comma-separated (e.g. `Session*,ConfigDraftSaved`). */
  readonly exclude?: string;
  /** ISO-8601, inclusive. */
  readonly from?: string;
  /** ISO-8601, exclusive. */
  readonly to?: string;
  /** Newest first; pass the previous page's `nextBefore` to page back. */
  readonly before?: number;
  readonly limit?: number;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Position to pass as `before` for the next (older) page; null at the start of the log. */
  readonly nextBefore: number | null;
  /**
   * Display names of what the page's entries refer to (actors, projects, the users, keys and
   * projects their streams are about), by `auditNameKey`: `user:<id>` → "Ada Lovelace". Ids that
   * no longer resolve are absent.
   */
  readonly names: Readonly<Record<string, string>>;
}

export interface AuditVerifyResult {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly streamsChecked: number;
  /** The first broken link in log order, or null when every chain is intact. */
  readonly firstBroken: {
    readonly streamId: string;
    readonly streamVersion: number;
    readonly position: number;
    /** mac-*: the event's keyed hash (LOG_SIGNING_KEY) is missing, wrong, or made with another key. */
    readonly reason: 'hash-mismatch' | 'version-gap' | 'mac-missing' | 'mac-mismatch' | 'mac-key-unknown';
  } | null;
  readonly brokenStreams: number;
  /** Whether keyed event hashes were checked (the api has LOG_SIGNING_KEY). */
  readonly keyed?: boolean;
  /** Events appended before keyed hashes existed: covered by chains and checkpoints only. */
  readonly unkeyedEvents?: number;
  readonly checkedAt: string;
  /** Present when a signed checkpoint was sent: how the log compares with it (docs/security.md). */
  readonly checkpoint?: AuditCheckpointResult;
}

/** The log compared with a signed checkpoint: every change names stream, version, position and reason. */
export interface AuditCheckpointResult {
  readonly ok: boolean;
  readonly checkpointPosition: number;
  readonly eventsChecked: number;
  readonly eventsAfter: number;
  readonly failures: ReadonlyArray<{
    readonly streamId: string;
    readonly streamVersion: number;
    readonly position: number;
    readonly reason: string;
    readonly message: string;
  }>;
}
