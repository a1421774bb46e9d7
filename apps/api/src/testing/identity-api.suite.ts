import { REFRESH_COOKIE, type RecordedEvent } from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { sign } from 'jsonwebtoken';
import { startTestApi, TEST_JWT_SECRET, TEST_OWNER, type TestApi, type TestResponse } from './api-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'user-password-0123';
const ANONYMOUS = { authorization: '' } as const;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const dataOf = (event: RecordedEvent) => event.data as Record<string, unknown>;
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { sub: string; sid: string };

interface RecordedResponse extends TestResponse {
  /** What the client saw (body and headers), for the secrets check. */
  readonly seen: { readonly label: string; readonly text: string };
}

interface TestUser {
  readonly id: string;
  readonly email: string;
  password: string;
}

interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
  readonly response: RecordedResponse;
}

/**
 * The identity REST contract (sign-in, tokens, users, members, API keys, audit), run on each engine
 * by its own test file: real app, real HTTP, real database. Every response and every event is kept,
 * and the last tests check that no secret reached the log or any response but its issuer.
 */
export function identityApiSuite(engine: Engine): void {
  let api: TestApi;
  let ownerId: string;

  /** Every response the tests saw, and every secret they were handed (with the response that issued it). */
  const responses: RecordedResponse['seen'][] = [];
  const secrets: { kind: string; value: string; issuedBy?: RecordedResponse['seen'] }[] = [];
  const keep = (kind: string, value: string, issuedBy?: RecordedResponse['seen']) => {
    expect(typeof value).toBe('string');
    secrets.push({ kind, value, issuedBy });
  };

  async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RecordedResponse> {
    const response = await api.request(method, path, body, headers);
    const seen = {
      label: `${method} ${path} → ${response.status}`,
      text: `${JSON.stringify(response.body ?? null)}\n${JSON.stringify([...response.headers.entries()])}`,
    };
    responses.push(seen);
    return { status: response.status, headers: response.headers, body: response.body, seen };
  }

  /** Runs a request that must fail, and checks it appended no event. */
  async function refused(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const head = await api.store.headPosition();
    const response = await call(method, path, body, headers);
    expect(await api.store.headPosition()).toBe(head);
    return response;
  }

  function expectFieldError(response: TestResponse, field: string, status = 400) {
    expect({ status: response.status, fields: response.body?.fields?.map((f: { field: string }) => f.field) }).toEqual({
      status,
      fields: expect.arrayContaining([field]),
    });
    expect(response.body.requestId).toEqual(expect.any(String));
  }

  function expectError(response: TestResponse, status: number, code: string) {
    expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  }

  /** Keeps the tokens of a token response as secrets issued by it. */
  function tokensOf(response: RecordedResponse): Session {
    const { accessToken, refreshToken } = response.body as { accessToken: string; refreshToken: string };
    keep('access token', accessToken, response.seen);
    keep('refresh token', refreshToken, response.seen);
    keep('refresh token MAC', refreshToken.split('.')[2], response.seen);
    return { accessToken, refreshToken, sessionId: refreshToken.split('.')[0], response };
  }

  async function signIn(email: string, password: string): Promise<Session> {
    const response = await call('POST', '/api/auth/login', { email, password }, ANONYMOUS);
    expect(response.status).toBe(200);
    return tokensOf(response);
  }

  let userCount = 0;
  async function createUser(name: string, password = PASSWORD): Promise<TestUser> {
    userCount += 1;
    const email = `${name}-${userCount}@example.test`;
    const response = await call('POST', '/api/users', { email, name, password });
    expect(response.status).toBe(201);
    expect(response.body.inviteToken).toBeUndefined();
    return { id: response.body.id, email, password };
  }

  async function createProject(name: string): Promise<string> {
    const response = await call('POST', '/api/projects', { name });
    expect(response.status).toBe(201);
    return response.body.id;
  }

  async function addMember(projectId: string, userId: string, role: string, headers?: Record<string, string>) {
    const response = await call('POST', `/api/projects/${projectId}/members`, { userId, role }, headers);
    expect(response.status).toBe(201);
  }

  const ids = (list: { id: string }[]) => list.map((item) => item.id).sort();

  // Shared cast: projects Alpha and Beta; Alice administers Alpha, Victor views it, Nina is in neither.
  let alpha: string;
  let beta: string;
  let alice: TestUser;
  let victor: TestUser;
  let nina: TestUser;
  let aliceToken: string;
  let victorToken: string;
  let ninaToken: string;

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT'] = '1000';
    process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
    api = await startTestApi(engine);
    ownerId = claimsOf(api.ownerToken).sub;
    keep('password', TEST_OWNER.password);
    keep('password', PASSWORD);
    alpha = await createProject('Alpha');
    beta = await createProject('Beta');
    alice = await createUser('alice');
    victor = await createUser('victor');
    nina = await createUser('nina');
    await addMember(alpha, alice.id, 'admin');
    await addMember(alpha, victor.id, 'viewer');
    aliceToken = (await signIn(alice.email, alice.password)).accessToken;
    victorToken = (await signIn(victor.email, victor.password)).accessToken;
    ninaToken = (await signIn(nina.email, nina.password)).accessToken;
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('sign-in', () => {
    it('returns tokens, who you are, and the refresh token as an HttpOnly, strict, /api/auth cookie', async () => {
      const response = await call('POST', '/api/auth/login', { email: ` ${alice.email.toUpperCase()} `, password: alice.password }, ANONYMOUS);
      expect(response.status).toBe(200);
      const session = tokensOf(response);
      expect(response.body).toEqual({
        tokenType: 'Bearer',
        accessToken: expect.any(String),
        expiresIn: 900,
        refreshToken: expect.stringMatching(/^[0-9a-f-]{36}\.0\.[A-Za-z0-9_-]{43}$/),
        refreshExpiresAt: expect.any(String),
        me: {
          actor: { type: 'user', id: alice.id },
          email: alice.email,
          name: 'alice',
          globalRole: null,
          memberships: [{ projectId: alpha, projectName: 'Alpha', role: 'admin' }],
          globalPermissions: [],
        },
      });
      expect(Date.parse(response.body.refreshExpiresAt)).toBeGreaterThan(Date.now() + 13 * 86_400_000);
      const cookies = response.headers.getSetCookie();
      expect(cookies).toHaveLength(1);
      const [pair, ...attributes] = cookies[0].split(';').map((part) => part.trim());
      expect(pair).toBe(`${REFRESH_COOKIE}=${encodeURIComponent(session.refreshToken)}`);
      expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/api/auth']));
      expect(attributes.some((attribute) => attribute.startsWith('Expires='))).toBe(true);

      const me = await call('GET', '/api/auth/me', undefined, bearer(session.accessToken));
      expect(me.status).toBe(200);
      expect(me.body).toEqual(response.body.me);
      const [started] = await api.store.readStream(`session-${session.sessionId}`);
      expect(started).toMatchObject({
        type: 'SessionStarted',
        data: { sessionId: session.sessionId, userId: alice.id },
        metadata: { actor: { type: 'user', id: alice.id }, requestId: response.headers.get('x-request-id') },
      });
    });

    it('answers a wrong password and an unknown email alike: 401 auth.invalid-credentials, no event', async () => {
      const wrong = await refused('POST', '/api/auth/login', { email: alice.email, password: 'not-her-password-at-all' }, ANONYMOUS);
      const unknown = await refused('POST', '/api/auth/login', { email: 'nobody@example.test', password: alice.password }, ANONYMOUS);
      const malformed = await refused('POST', '/api/auth/login', { email: 'not-an-email', password: alice.password }, ANONYMOUS);
      for (const response of [wrong, unknown, malformed]) {
        expectError(response, 401, 'auth.invalid-credentials');
        expect(response.body.message).toBe(wrong.body.message);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    });

    it.each([
      ['a missing email', { password: 'whatever-password' }, 'email'],
      ['an empty email', { email: '', password: 'whatever-password' }, 'email'],
      ['a numeric email', { email: 42, password: 'whatever-password' }, 'email'],
      ['a missing password', { email: 'a@example.test' }, 'password'],
      ['an unknown field', { email: 'a@example.test', password: 'whatever-password', remember: true }, 'remember'],
    ])('refuses %s with a 400 naming the field', async (_label, body, field) => {
      const response = await refused('POST', '/api/auth/login', body, ANONYMOUS);
      expectFieldError(response, field);
      expect(response.body.message).toContain(field);
    });
  });

  describe('refresh and sign-out', () => {
    it('rotates the refresh token; a spent one revokes the whole session', async () => {
      const first = await signIn(alice.email, alice.password);
      const once = await call('POST', '/api/auth/refresh', { refreshToken: first.refreshToken }, ANONYMOUS);
      expect(once.status).toBe(200);
      const second = tokensOf(once);
      expect(second.refreshToken).toMatch(new RegExp(`^${first.sessionId}\\.1\\.`));
      expect(once.headers.getSetCookie()[0]).toContain(`${REFRESH_COOKIE}=${encodeURIComponent(second.refreshToken)}`);
      const twice = await call('POST', '/api/auth/refresh', { refreshToken: second.refreshToken }, ANONYMOUS);
      expect(twice.status).toBe(200);
      const third = tokensOf(twice);
      expect(third.refreshToken).toMatch(new RegExp(`^${first.sessionId}\\.2\\.`));
      expect((await call('GET', '/api/auth/me', undefined, bearer(third.accessToken))).status).toBe(200);

      // The first token comes back: someone copied it. The session ends, for every token of it.
      const reused = await call('POST', '/api/auth/refresh', { refreshToken: first.refreshToken }, ANONYMOUS);
      expectError(reused, 401, 'auth.session-invalid');
      expect(reused.headers.getSetCookie()[0]).toMatch(new RegExp(`^${REFRESH_COOKIE}=;.*Max-Age=0`));
      expectError(await call('GET', '/api/auth/me', undefined, bearer(third.accessToken)), 401, 'auth.session-invalid');
      expectError(await call('GET', '/api/auth/me', undefined, bearer(first.accessToken)), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: third.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');

      const events = await api.store.readStream(`session-${first.sessionId}`);
      // Rotations are not events (the refresh_tokens credential table keeps the generation); the reuse is.
      expect(events.map((event) => event.type)).toEqual(['SessionStarted', 'SessionRevoked']);
      expect(events[1]).toMatchObject({
        data: { sessionId: first.sessionId, userId: alice.id, reason: 'refresh-reuse' },
        metadata: { actor: { type: 'user', id: alice.id }, requestId: reused.headers.get('x-request-id') },
      });
    });

    it('refreshes with the cookie alone (no body), as the console does', async () => {
      const session = await signIn(victor.email, victor.password);
      const cookie = session.response.headers.getSetCookie()[0].split(';')[0];
      const response = await call('POST', '/api/auth/refresh', undefined, { ...ANONYMOUS, cookie });
      expect(response.status).toBe(200);
      const next = tokensOf(response);
      expect(next.sessionId).toBe(session.sessionId);
      expect(response.body.me.actor).toEqual({ type: 'user', id: victor.id });
      const withEmptyBody = await call('POST', '/api/auth/refresh', {}, { ...ANONYMOUS, cookie: response.headers.getSetCookie()[0].split(';')[0] });
      expect(withEmptyBody.status).toBe(200);
      tokensOf(withEmptyBody);
    });

    it('answers 401 without any refresh token, and for a forged one, appending nothing', async () => {
      expectError(await refused('POST', '/api/auth/refresh', {}, ANONYMOUS), 401, 'auth.session-invalid');
      const session = await signIn(nina.email, nina.password);
      const [sid, generation, mac] = session.refreshToken.split('.');
      const forgedMac = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: `${sid}.${generation}.${forgedMac}` }, ANONYMOUS), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: `${sid}.5.${mac}` }, ANONYMOUS), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: 'garbage' }, ANONYMOUS), 401, 'auth.session-invalid');
    });

    it('signs out with the access token: it and the refresh token stop working', async () => {
      const session = await signIn(victor.email, victor.password);
      const response = await call('POST', '/api/auth/logout', {}, bearer(session.accessToken));
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()[0]).toMatch(new RegExp(`^${REFRESH_COOKIE}=;.*Max-Age=0`));
      expectError(await call('GET', '/api/auth/me', undefined, bearer(session.accessToken)), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: session.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');
      const events = await api.store.readStream(`session-${session.sessionId}`);
      expect(events.map((event) => [event.type, dataOf(event)['reason']])).toEqual([['SessionStarted', undefined], ['SessionRevoked', 'logout']]);
      // Signing out twice is harmless.
      expect((await refused('POST', '/api/auth/logout', {}, bearer(session.accessToken))).status).toBe(204);
    });

    it('signs out with the refresh cookie alone', async () => {
      const session = await signIn(victor.email, victor.password);
      const cookie = session.response.headers.getSetCookie()[0].split(';')[0];
      expect((await call('POST', '/api/auth/logout', undefined, { ...ANONYMOUS, cookie })).status).toBe(204);
      expectError(await call('GET', '/api/auth/me', undefined, bearer(session.accessToken)), 401, 'auth.session-invalid');
      expectError(await call('POST', '/api/auth/refresh', undefined, { ...ANONYMOUS, cookie }), 401, 'auth.session-invalid');
    });
  });

  describe('forged and malformed access tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    let claims: { sub: string; sid: string };
    beforeAll(() => {
      // Only the identity of the owner's session: each test sets the rest of the claims itself.
      const { sub, sid } = claimsOf(api.ownerToken);
      claims = { sub, sid };
    });
    const me = (token: string) => call('GET', '/api/auth/me', undefined, bearer(token));

    it('accepts a token signed with the secret (the forging works), so the refusals below are about the flaw', async () => {
      const token = sign({ ...claims, typ: 'access', iat: now(), exp: now() + 60 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
      const response = await me(token);
      expect(response.status).toBe(200);
      expect(response.body.actor).toEqual({ type: 'user', id: ownerId });
    });

    it('refuses an expired token with auth.token-expired', async () => {
      const token = sign({ ...claims, typ: 'access', iat: now() - 3600, exp: now() - 60 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
      expectError(await me(token), 401, 'auth.token-expired');
    });

    it('refuses a token signed with another secret with auth.token-invalid', async () => {
      const token = sign({ ...claims, typ: 'access', iat: now(), exp: now() + 600 }, 'another-secret-of-at-least-thirty-two-chars', { algorithm: 'HS256' });
      expectError(await me(token), 401, 'auth.token-invalid');
    });

    it('refuses an unsigned token (alg none)', async () => {
      const body = b64url({ ...claims, typ: 'access', iat: now(), exp: now() + 600 });
      expectError(await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${body}.`), 401, 'auth.token-invalid');
      expectError(await me(`${b64url({ alg: 'none', typ: 'JWT' })}.${body}`), 401, 'auth.token-invalid');
    });

    it('refuses HS512 even with the right secret (the algorithm is pinned)', async () => {
      const token = sign({ ...claims, typ: 'access', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET, { algorithm: 'HS512' });
      expectError(await me(token), 401, 'auth.token-invalid');
    });

    it('refuses a token that is not an access token (typ), or misses claims', async () => {
      const refresh = sign({ ...claims, typ: 'refresh', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
      expectError(await me(refresh), 401, 'auth.token-invalid');
      const untyped = sign({ ...claims, iat: now(), exp: now() + 600 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
      expectError(await me(untyped), 401, 'auth.token-invalid');
      const noSession = sign({ sub: claims.sub, typ: 'access', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET, { algorithm: 'HS256' });
      expectError(await me(noSession), 401, 'auth.token-invalid');
      const noExpiry = sign({ ...claims, typ: 'access' }, TEST_JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
      expectError(await me(noExpiry), 401, 'auth.token-invalid');
    });

    it('refuses a well-signed token of a session that does not exist', async () => {
      const token = sign({ sub: claims.sub, sid: '00000000-0000-4000-8000-000000000000', typ: 'access', iat: now(), exp: now() + 600 }, TEST_JWT_SECRET, {
        algorithm: 'HS256',
      });
      expectError(await me(token), 401, 'auth.session-invalid');
    });

    it('refuses garbage, a wrong scheme, and no header at all', async () => {
      expectError(await me('garbage'), 401, 'auth.token-invalid');
      expectError(await me('a.b.c'), 401, 'auth.token-invalid');
      expectError(await call('GET', '/api/auth/me', undefined, { authorization: `Basic ${api.ownerToken}` }), 401, 'auth.required');
      const none = await call('GET', '/api/auth/me', undefined, ANONYMOUS);
      expectError(none, 401, 'auth.required');
      expect(none.body.message).toContain('Bearer');
      expectError(await call('GET', '/api/projects', undefined, ANONYMOUS), 401, 'auth.required');
    });
  });

  describe('users', () => {
    it('invites a user: the one-time token sets the password and signs in, once', async () => {
      const email = 'invitee@example.test';
      const created = await call('POST', '/api/users', { email: ' Invitee@Example.TEST', name: 'Invitee' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(UUID),
        version: 2,
        position: expect.any(Number),
        inviteToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        inviteExpiresAt: expect.any(String),
      });
      keep('invite token', created.body.inviteToken, created.seen);
      const id = created.body.id as string;
      expect((await call('GET', `/api/users/${id}`)).body).toMatchObject({ id, email, name: 'Invitee', status: 'invited', globalRole: null, lastLoginAt: null });
      expectError(await refused('POST', '/api/auth/login', { email, password: 'invitee-password-1' }, ANONYMOUS), 401, 'auth.invalid-credentials');

      // Bad input first: the token survives a refused attempt.
      const short = await refused('POST', '/api/auth/accept-invite', { token: created.body.inviteToken, password: 'short' }, ANONYMOUS);
      expectFieldError(short, 'password');
      expect(short.body.message).toContain('password');

      const password = 'invitee-password-1';
      keep('password', password);
      const accepted = await call('POST', '/api/auth/accept-invite', { token: created.body.inviteToken, password }, ANONYMOUS);
      expect(accepted.status).toBe(201);
      const session = tokensOf(accepted);
      expect(accepted.body.me).toMatchObject({ actor: { type: 'user', id }, email, name: 'Invitee' });
      expect(accepted.headers.getSetCookie()[0]).toContain(`${REFRESH_COOKIE}=`);
      expect((await call('GET', '/api/auth/me', undefined, bearer(session.accessToken))).status).toBe(200);
      expect((await call('GET', `/api/users/${id}`)).body).toMatchObject({ status: 'active', lastLoginAt: expect.any(String) });

      const again = await refused('POST', '/api/auth/accept-invite', { token: created.body.inviteToken, password: 'another-password-2' }, ANONYMOUS);
      expectFieldError(again, 'token');
      expect(again.body.code).toBe('auth.invite-invalid');
      expect((await signIn(email, password)).accessToken).toEqual(expect.any(String));

      const events = await api.store.readStream(`user-${id}`);
      expect(events.map((event) => [event.type, event.metadata.actor])).toEqual([
        ['UserCreated', { type: 'user', id: ownerId }],
        ['UserInvited', { type: 'user', id: ownerId }],
        ['UserPasswordSet', { type: 'user', id }],
      ]);
      expect(events[2].data).toEqual({ userId: id, reason: 'invite-accepted' });
    });

    it('creates a user with a password who can sign in at once', async () => {
      const user = await createUser('carol');
      expect((await call('GET', `/api/users/${user.id}`)).body).toMatchObject({ email: user.email, status: 'active', version: 2 });
      const session = await signIn(user.email.toUpperCase(), user.password);
      expect(session.response.body.me).toMatchObject({ actor: { type: 'user', id: user.id }, globalRole: null, memberships: [] });
      const list = await call('GET', '/api/users');
      expect(list.status).toBe(200);
      expect(list.body.map((u: { email: string }) => u.email)).toEqual(expect.arrayContaining([TEST_OWNER.email, user.email]));
      const dup = await refused('POST', '/api/users', { email: user.email.toUpperCase(), name: 'Again', password: PASSWORD });
      expectFieldError(dup, 'email', 409);
      expect(dup.body.code).toBe('user.exists');
      // Non-owners do not manage users.
      expectError(await refused('GET', '/api/users', undefined, bearer(session.accessToken)), 403, 'auth.forbidden');
      expectError(await refused('POST', '/api/users', { email: 'x@example.test', name: 'X' }, bearer(aliceToken)), 403, 'auth.forbidden');
    });

    it('disables a user: their token and sign-in stop at once; enabling lets them in again', async () => {
      const user = await createUser('dave');
      const session = await signIn(user.email, user.password);
      expect((await call('GET', '/api/auth/me', undefined, bearer(session.accessToken))).status).toBe(200);

      const disabled = await call('POST', `/api/users/${user.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ id: user.id, version: 3 });
      expectError(await call('GET', '/api/auth/me', undefined, bearer(session.accessToken)), 401, 'auth.user-disabled');
      expectError(await refused('POST', '/api/auth/login', { email: user.email, password: user.password }, ANONYMOUS), 401, 'auth.user-disabled');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: session.refreshToken }, ANONYMOUS), 401, 'auth.user-disabled');
      expect((await call('GET', `/api/users/${user.id}`)).body.status).toBe('disabled');
      expectError(await refused('POST', `/api/users/${user.id}/disable`), 409, 'user.disabled');
      expectError(await refused('POST', `/api/users/${ownerId}/disable`), 409, 'user.self-disable');

      expect((await call('POST', `/api/users/${user.id}/enable`)).status).toBe(200);
      expect((await call('GET', `/api/users/${user.id}`)).body.status).toBe('active');
      const again = await signIn(user.email, user.password);
      expect((await call('GET', '/api/auth/me', undefined, bearer(again.accessToken))).status).toBe(200);
      expectError(await refused('POST', `/api/users/${user.id}/enable`), 409, 'user.not-disabled');
    });

    it('resets a password: earlier sessions end, the reset token works once', async () => {
      const user = await createUser('erin');
      const before = await signIn(user.email, user.password);
      const reset = await call('POST', `/api/users/${user.id}/reset-password`);
      expect(reset.status).toBe(200);
      expect(reset.body).toEqual({ id: user.id, position: expect.any(Number), resetToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
      keep('reset token', reset.body.resetToken, reset.seen);
      expectError(await call('GET', '/api/auth/me', undefined, bearer(before.accessToken)), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: before.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');

      const password = 'erin-new-password-1';
      keep('password', password);
      const used = await call('POST', '/api/auth/accept-invite', { token: reset.body.resetToken, password }, ANONYMOUS);
      expect(used.status).toBe(201);
      const after = tokensOf(used);
      expect((await call('GET', '/api/auth/me', undefined, bearer(after.accessToken))).status).toBe(200);
      expectFieldError(await refused('POST', '/api/auth/accept-invite', { token: reset.body.resetToken, password: 'erin-third-password' }, ANONYMOUS), 'token');
      expectError(await refused('POST', '/api/auth/login', { email: user.email, password: user.password }, ANONYMOUS), 401, 'auth.invalid-credentials');
      expect((await signIn(user.email, password)).accessToken).toEqual(expect.any(String));
      const [last] = (await api.store.readStream(`user-${user.id}`)).slice(-1);
      expect(last).toMatchObject({ type: 'UserPasswordSet', data: { reason: 'reset' }, metadata: { actor: { type: 'user', id: user.id } } });
    });

    it('changes one’s own password, refusing a wrong current one', async () => {
      const user = await createUser('frank');
      const session = await signIn(user.email, user.password);
      const newPassword = 'frank-new-password-1';
      keep('password', newPassword);
      const wrong = await refused('POST', '/api/auth/password', { currentPassword: 'not-the-password-1', newPassword }, bearer(session.accessToken));
      expectFieldError(wrong, 'currentPassword');
      expect(wrong.body).toMatchObject({ code: 'auth.password-incorrect', message: expect.stringContaining('currentPassword') });
      const short = await refused('POST', '/api/auth/password', { currentPassword: user.password, newPassword: 'short' }, bearer(session.accessToken));
      expectFieldError(short, 'newPassword');
      expect(short.body.message).toContain('newPassword');

      const changed = await call('POST', '/api/auth/password', { currentPassword: user.password, newPassword }, bearer(session.accessToken));
      expect(changed.status).toBe(204);
      expectError(await refused('POST', '/api/auth/login', { email: user.email, password: user.password }, ANONYMOUS), 401, 'auth.invalid-credentials');
      await signIn(user.email, newPassword);
      const [last] = (await api.store.readStream(`user-${user.id}`)).slice(-1);
      expect(last).toMatchObject({ type: 'UserPasswordSet', data: { userId: user.id, reason: 'changed' }, metadata: { actor: { type: 'user', id: user.id } } });
    });

    it('renames a user and refuses an owner removing their own owner role', async () => {
      const user = await createUser('gina');
      const renamed = await call('PATCH', `/api/users/${user.id}`, { name: 'Gina G.' });
      expect(renamed.status).toBe(200);
      expect((await call('GET', `/api/users/${user.id}`)).body.name).toBe('Gina G.');
      const demote = await refused('PATCH', `/api/users/${ownerId}`, { globalRole: null });
      expectFieldError(demote, 'globalRole', 409);
      expect(demote.body.code).toBe('user.self-demotion');
      expect((await refused('GET', '/api/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('API keys', () => {
    it('shows a key once; it works as a bearer for its project only, records its last use, and dies on revoke', async () => {
      const created = await call('POST', `/api/projects/${alpha}/api-keys`, { name: 'CI', role: 'viewer' });
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      keep('API key', key, created.seen);
      keep('API key secret', /^camel_[0-9a-f]{32}_(.+)$/.exec(key)?.[1] ?? 'no secret part', created.seen);
      expect(key).toMatch(/^camel_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      const keyId = created.body.id as string;
      expect(created.body.view).toEqual({
        id: keyId,
        projectId: alpha,
        name: 'CI',
        role: 'viewer',
        prefix: key.slice(0, 14),
        createdAt: expect.any(String),
        createdBy: `user:${ownerId}`,
        revokedAt: null,
        expiresAt: null,
        lastUsedAt: null,
      });

      const listed = await call('GET', `/api/projects/${alpha}/api-keys`);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([created.body.view]);
      expect(JSON.stringify(listed.body)).not.toContain(key.slice(15));

      const project = await call('GET', `/api/projects/${alpha}`, undefined, bearer(key));
      expect(project.status).toBe(200);
      expect(project.body).toMatchObject({ id: alpha, name: 'Alpha' });
      const projects = await call('GET', '/api/projects', undefined, bearer(key));
      expect(ids(projects.body)).toEqual([alpha]);
      const me = await call('GET', '/api/auth/me', undefined, bearer(key));
      expect(me.body).toMatchObject({ actor: { type: 'api-key', id: keyId }, name: 'CI', globalRole: null, memberships: [{ projectId: alpha, role: 'viewer' }] });
      expect((await call('GET', `/api/projects/${alpha}/api-keys`)).body[0].lastUsedAt).toEqual(expect.any(String));

      expectError(await refused('GET', `/api/projects/${beta}`, undefined, bearer(key)), 404, 'project.not-found');
      expectError(await refused('GET', '/api/users', undefined, bearer(key)), 403, 'auth.forbidden');
      expectError(await refused('PATCH', `/api/projects/${alpha}`, { name: 'By viewer key' }, bearer(key)), 403, 'auth.forbidden');
      expectError(await refused('POST', '/api/auth/password', { currentPassword: 'whatever-password', newPassword: 'whatever-password-2' }, bearer(key)), 403, 'auth.forbidden');

      const revoked = await call('DELETE', `/api/projects/${alpha}/api-keys/${keyId}`);
      expect(revoked.status).toBe(200);
      expectError(await call('GET', `/api/projects/${alpha}`, undefined, bearer(key)), 401, 'auth.api-key-invalid');
      expect((await call('GET', `/api/projects/${alpha}/api-keys`)).body[0].revokedAt).toEqual(expect.any(String));
      expectError(await refused('DELETE', `/api/projects/${alpha}/api-keys/${keyId}`), 409, 'api-key.revoked');
      expect((await api.store.readStream(`api-key-${keyId}`)).map((event) => event.type)).toEqual(['ApiKeyCreated', 'ApiKeyRevoked']);
    });

    it('names the key as the actor of what it does, and refuses a key with a wrong secret', async () => {
      const created = await call('POST', `/api/projects/${alpha}/api-keys`, { name: 'Deployer', role: 'admin' }, bearer(aliceToken));
      expect(created.status).toBe(201);
      const key = created.body.key as string;
      keep('API key', key, created.seen);
      expect(created.body.view.createdBy).toBe(`user:${alice.id}`);
      const renamed = await call('PATCH', `/api/projects/${alpha}`, { name: 'Alpha (by key)' }, bearer(key));
      expect(renamed.status).toBe(200);
      const [event] = (await api.store.readStream(`project-${alpha}`)).slice(-1);
      expect(event).toMatchObject({
        type: 'ProjectRenamed',
        metadata: { actor: { type: 'api-key', id: created.body.id }, requestId: renamed.headers.get('x-request-id'), projectId: alpha },
      });
      expect((await call('PATCH', `/api/projects/${alpha}`, { name: 'Alpha' }, bearer(key))).status).toBe(200);

      const wrongSecret = `${key.slice(0, 39)}${'A'.repeat(43)}`;
      expectError(await call('GET', `/api/projects/${alpha}`, undefined, bearer(wrongSecret)), 401, 'auth.api-key-invalid');
      expectError(await call('GET', `/api/projects/${alpha}`, undefined, bearer('camel_garbage')), 401, 'auth.api-key-invalid');
      // An admin key manages its own project's keys, but not another project's.
      expect((await call('GET', `/api/projects/${alpha}/api-keys`, undefined, bearer(key))).status).toBe(200);
      expectError(await refused('POST', `/api/projects/${beta}/api-keys`, { name: 'Escalate', role: 'admin' }, bearer(key)), 404, 'project.not-found');
    });
  });

  describe('members and project access', () => {
    it('adds 30 people to one project at once, each by e-mail right after creating them', async () => {
      // Concurrent adds race on the project's stream (each retry re-decides on fresh state), and an
      // add by e-mail just after the user's creation must find the user.
      const emails = Array.from({ length: 30 }, (_, i) => `crowd-${i}-${userCount}@example.test`);
      const answers = await Promise.all(
        emails.map(async (email, i) => {
          const created = await call('POST', '/api/users', { email, name: `crowd ${i}`, password: PASSWORD });
          expect(created.status).toBe(201);
          return call('POST', `/api/projects/${alpha}/members`, { email, role: 'annotator' });
        }),
      );
      expect(answers.map((answer) => answer.status)).toEqual(emails.map(() => 201));
      const members = (await call('GET', `/api/projects/${alpha}/members`)).body as { email: string }[];
      for (const email of emails) expect(members.map((m) => m.email)).toContain(email);
    }, 120_000);

    it('adds a member by email with a role, changes the role, and removes them', async () => {
      const user = await createUser('henry');
      const session = await signIn(user.email, user.password);
      expectError(await call('GET', `/api/projects/${alpha}`, undefined, bearer(session.accessToken)), 404, 'project.not-found');

      const added = await call('POST', `/api/projects/${alpha}/members`, { email: user.email.toUpperCase(), role: 'engineer' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ id: alpha });
      const members = await call('GET', `/api/projects/${alpha}/members`);
      expect(members.body).toContainEqual(expect.objectContaining({ projectId: alpha, userId: user.id, email: user.email, name: 'henry', role: 'engineer' }));
      expect((await call('GET', `/api/projects/${alpha}`, undefined, bearer(session.accessToken))).status).toBe(200);
      expect((await call('GET', '/api/auth/me', undefined, bearer(session.accessToken))).body.memberships).toEqual([
        { projectId: alpha, projectName: 'Alpha', role: 'engineer' },
      ]);
      expectError(await refused('POST', `/api/projects/${alpha}/members`, { userId: user.id, role: 'viewer' }), 409, 'member.exists');

      const changed = await call('PATCH', `/api/projects/${alpha}/members/${user.id}`, { role: 'viewer' });
      expect(changed.status).toBe(200);
      expect((await call('GET', `/api/projects/${alpha}/members`)).body).toContainEqual(expect.objectContaining({ userId: user.id, role: 'viewer' }));
      expectError(await call('PATCH', `/api/projects/${alpha}`, { name: 'Nope' }, bearer(session.accessToken)), 403, 'auth.forbidden');

      const removed = await call('DELETE', `/api/projects/${alpha}/members/${user.id}`);
      expect(removed.status).toBe(200);
      expect((await call('GET', `/api/projects/${alpha}/members`)).body.map((m: { userId: string }) => m.userId)).not.toContain(user.id);
      expectError(await call('GET', `/api/projects/${alpha}`, undefined, bearer(session.accessToken)), 404, 'project.not-found');
      expectError(await refused('DELETE', `/api/projects/${alpha}/members/${user.id}`), 404, 'member.not-found');

      const events = (await api.store.readStream(`project-${alpha}`)).filter((event) => dataOf(event)['userId'] === user.id);
      expect(events.map((event) => [event.type, dataOf(event)['role'] ?? null, dataOf(event)['previousRole'] ?? null])).toEqual([
        ['ProjectMemberAdded', 'engineer', null],
        ['ProjectMemberRoleChanged', 'viewer', 'engineer'],
        ['ProjectMemberRemoved', null, 'viewer'],
      ]);
      for (const event of events) expect(event.metadata).toMatchObject({ actor: { type: 'user', id: ownerId }, projectId: alpha });
    });

    it('lets a project admin manage members of their project only', async () => {
      const user = await createUser('ivy');
      expect((await call('POST', `/api/projects/${alpha}/members`, { userId: user.id, role: 'annotator' }, bearer(aliceToken))).status).toBe(201);
      expect((await call('DELETE', `/api/projects/${alpha}/members/${user.id}`, undefined, bearer(aliceToken))).status).toBe(200);
      expectError(await refused('POST', `/api/projects/${beta}/members`, { userId: user.id, role: 'viewer' }, bearer(aliceToken)), 404, 'project.not-found');
      expectError(await refused('POST', `/api/projects/${alpha}/members`, { userId: user.id, role: 'viewer' }, bearer(victorToken)), 403, 'auth.forbidden');
    });

    it('hides other projects from non-members: 404, not 403, and lists only their own', async () => {
      for (const path of [`/api/projects/${beta}`, `/api/projects/${beta}/members`, `/api/projects/${beta}/api-keys`]) {
        for (const token of [aliceToken, victorToken, ninaToken]) {
          expectError(await call('GET', path, undefined, bearer(token)), 404, 'project.not-found');
        }
      }
      for (const path of [`/api/projects/${alpha}`, `/api/projects/${alpha}/members`, `/api/projects/${alpha}/api-keys`]) {
        expectError(await call('GET', path, undefined, bearer(ninaToken)), 404, 'project.not-found');
      }
      expectError(await refused('PATCH', `/api/projects/${beta}`, { name: 'Mine now' }, bearer(aliceToken)), 404, 'project.not-found');
      expect(ids((await call('GET', '/api/projects', undefined, bearer(aliceToken))).body)).toEqual([alpha]);
      expect(ids((await call('GET', '/api/projects', undefined, bearer(victorToken))).body)).toEqual([alpha]);
      expect((await call('GET', '/api/projects', undefined, bearer(ninaToken))).body).toEqual([]);
      expect(ids((await call('GET', '/api/projects')).body)).toEqual(expect.arrayContaining([alpha, beta].sort()));
    });

    it('gives a viewer 403 auth.forbidden on rename, and their own project still reads', async () => {
      const rename = await refused('PATCH', `/api/projects/${alpha}`, { name: 'Renamed by viewer' }, bearer(victorToken));
      expectError(rename, 403, 'auth.forbidden');
      expect((await call('GET', `/api/projects/${alpha}`, undefined, bearer(victorToken))).status).toBe(200);
      expect((await call('GET', `/api/projects/${alpha}/members`, undefined, bearer(victorToken))).status).toBe(200);
      expectError(await call('GET', `/api/projects/${alpha}/api-keys`, undefined, bearer(victorToken)), 403, 'auth.forbidden');
    });
  });

  describe('bad input on every identity command: a 400 naming the field, and no event', () => {
    let invitee: { id: string; token: string };
    beforeAll(async () => {
      const created = await call('POST', '/api/users', { email: 'bad-input-invitee@example.test', name: 'Pending' });
      keep('invite token', created.body.inviteToken, created.seen);
      invitee = { id: created.body.id, token: created.body.inviteToken };
    });

    const cases: [string, string, string, () => unknown, string, Record<string, string>?][] = [
      ['POST', '/api/auth/refresh', 'a numeric refresh token', () => ({ refreshToken: 42 }), 'refreshToken', ANONYMOUS],
      ['POST', '/api/auth/refresh', 'an over-long refresh token', () => ({ refreshToken: 'r'.repeat(201) }), 'refreshToken', ANONYMOUS],
      ['POST', '/api/auth/refresh', 'an unknown field', () => ({ token: 'x' }), 'token', ANONYMOUS],
      ['POST', '/api/auth/logout', 'a numeric refresh token', () => ({ refreshToken: 42 }), 'refreshToken', ANONYMOUS],
      ['POST', '/api/auth/accept-invite', 'a missing token', () => ({ password: 'long-enough-password' }), 'token', ANONYMOUS],
      ['POST', '/api/auth/accept-invite', 'an unknown token', () => ({ token: 'not-a-real-token', password: 'long-enough-password' }), 'token', ANONYMOUS],
      ['POST', '/api/auth/accept-invite', 'a missing password', () => ({ token: invitee.token }), 'password', ANONYMOUS],
      ['POST', '/api/auth/accept-invite', 'a short password', () => ({ token: invitee.token, password: 'eleven-char' }), 'password', ANONYMOUS],
      ['POST', '/api/auth/password', 'a missing currentPassword', () => ({ newPassword: 'long-enough-password' }), 'currentPassword'],
      ['POST', '/api/auth/password', 'a missing newPassword', () => ({ currentPassword: TEST_OWNER.password }), 'newPassword'],
      ['POST', '/api/auth/password', 'a short newPassword', () => ({ currentPassword: TEST_OWNER.password, newPassword: 'short' }), 'newPassword'],
      ['POST', '/api/users', 'a missing email', () => ({ name: 'No Email' }), 'email'],
      ['POST', '/api/users', 'an invalid email', () => ({ email: 'not an email', name: 'Bad Email' }), 'email'],
      ['POST', '/api/users', 'an over-long email', () => ({ email: `${'e'.repeat(250)}@example.test`, name: 'Long' }), 'email'],
      ['POST', '/api/users', 'a missing name', () => ({ email: 'noname@example.test' }), 'name'],
      ['POST', '/api/users', 'a blank name', () => ({ email: 'blank@example.test', name: '   ' }), 'name'],
      ['POST', '/api/users', 'an over-long name', () => ({ email: 'longname@example.test', name: 'n'.repeat(101) }), 'name'],
      ['POST', '/api/users', 'a short password', () => ({ email: 'shortpw@example.test', name: 'Short', password: 'short' }), 'password'],
      ['POST', '/api/users', 'an unknown global role', () => ({ email: 'role@example.test', name: 'Role', globalRole: 'admin' }), 'globalRole'],
      ['POST', '/api/users', 'an unknown field', () => ({ email: 'extra@example.test', name: 'Extra', isAdmin: true }), 'isAdmin'],
      ['POST', '/api/users/not-a-uuid/disable', 'a user id that is not a UUID', () => undefined, 'id'],
      ['POST', '/api/users/not-a-uuid/enable', 'a user id that is not a UUID', () => undefined, 'id'],
      ['POST', '/api/users/not-a-uuid/reset-password', 'a user id that is not a UUID', () => undefined, 'id'],
      ['PATCH', '/api/users/:invitee', 'a blank name', () => ({ name: '' }), 'name'],
      ['PATCH', '/api/users/:invitee', 'an unknown global role', () => ({ globalRole: 'root' }), 'globalRole'],
      ['POST', '/api/projects/:alpha/members', 'a missing role', () => ({ userId: invitee.id }), 'role'],
      ['POST', '/api/projects/:alpha/members', 'an unknown role', () => ({ userId: invitee.id, role: 'boss' }), 'role'],
      ['POST', '/api/projects/:alpha/members', 'neither userId nor email', () => ({ role: 'viewer' }), 'userId'],
      ['POST', '/api/projects/:alpha/members', 'a userId that is not a UUID', () => ({ userId: 'nope', role: 'viewer' }), 'userId'],
      ['POST', '/api/projects/:alpha/members', 'an unknown userId', () => ({ userId: '00000000-0000-4000-8000-000000000000', role: 'viewer' }), 'userId'],
      ['POST', '/api/projects/:alpha/members', 'an unknown email', () => ({ email: 'stranger@example.test', role: 'viewer' }), 'email'],
      ['POST', '/api/projects/:alpha/members', 'an invalid email', () => ({ email: 'not an email', role: 'viewer' }), 'email'],
      ['PATCH', '/api/projects/:alpha/members/:victor', 'an unknown role', () => ({ role: 'boss' }), 'role'],
      ['PATCH', '/api/projects/:alpha/members/not-a-uuid', 'a member id that is not a UUID', () => ({ role: 'viewer' }), 'userId'],
      ['POST', '/api/projects/:alpha/api-keys', 'a missing name', () => ({ role: 'viewer' }), 'name'],
      ['POST', '/api/projects/:alpha/api-keys', 'a blank name', () => ({ name: '   ', role: 'viewer' }), 'name'],
      ['POST', '/api/projects/:alpha/api-keys', 'an over-long name', () => ({ name: 'k'.repeat(101), role: 'viewer' }), 'name'],
      ['POST', '/api/projects/:alpha/api-keys', 'an owner role', () => ({ name: 'Owner key', role: 'owner' }), 'role'],
      ['POST', '/api/projects/not-a-uuid/api-keys', 'a project id that is not a UUID', () => ({ name: 'k', role: 'viewer' }), 'id'],
      ['DELETE', '/api/projects/:alpha/api-keys/not-a-uuid', 'a key id that is not a UUID', () => undefined, 'keyId'],
      ['POST', '/api/audit/verify?projectId=nope', 'a project id that is not a UUID', () => undefined, 'projectId'],
    ];

    // Every row has all six arguments: jest passes `done` to a test function declaring more than the row holds.
    const rows = cases.map(([method, path, label, body, field, headers]) => [method, path, label, body, field, headers ?? {}] as const);
    it.each(rows)('%s %s refuses %s', async (method, template, _label, body, field, headers) => {
      const path = template.replace(':invitee', invitee.id).replace(':alpha', alpha).replace(':victor', victor.id);
      const response = await refused(method, path, body(), headers);
      expectFieldError(response, field);
      if (response.body.code !== 'auth.invite-invalid') expect(response.body.message).toContain(field);
    });

    it('refuses a malformed JSON body on sign-in, and leaves the invitation usable after all of the above', async () => {
      expect((await refused('POST', '/api/auth/login', '{"email": ', ANONYMOUS)).status).toBe(400);
      expect((await call('GET', `/api/users/${invitee.id}`)).body.status).toBe('invited');
      const password = 'pending-password-1';
      keep('password', password);
      const accepted = await call('POST', '/api/auth/accept-invite', { token: invitee.token, password }, ANONYMOUS);
      expect(accepted.status).toBe(201);
      tokensOf(accepted);
    });

    it.each([
      ['an actor without a type', 'actor=abc', 'actor'],
      ['an unknown project id', 'projectId=nope', 'projectId'],
      ['a type with a dash', 'type=User-Created', 'type'],
      ['a from that is not a date', 'from=yesterday', 'from'],
      ['a to that is not a date', 'to=2024-13-45', 'to'],
      ['a zero limit', 'limit=0', 'limit'],
      ['a limit over 500', 'limit=501', 'limit'],
      ['a before that is not a number', 'before=abc', 'before'],
    ])('GET /api/audit refuses %s', async (_label, query, field) => {
      expectFieldError(await call('GET', `/api/audit?${query}`), field);
    });
  });

  describe('audit trail', () => {
    type Entry = { position: number; type: string; streamId: string; projectId: string | null; actor: { type: string; id: string }; time: string; requestId: string | null };
    const audit = async (query = '', token = api.ownerToken) => {
      const response = await call('GET', `/api/audit${query ? `?${query}` : ''}`, undefined, bearer(token));
      expect(response.status).toBe(200);
      return response.body as { entries: Entry[]; nextBefore: number | null };
    };

    it('lists every action newest first, one entry per event of the log but token rotations', async () => {
      const page = await audit('limit=500');
      expect(page.nextBefore).toBeNull();
      const logged = await api.store.readAll({ after: 0, limit: 100_000 });
      // Token rotations are bookkeeping kept out of the log (refresh_tokens), though this suite refreshed many times.
      expect(logged.some((event) => event.type === 'SessionRefreshed')).toBe(false);
      const events = logged;
      expect(page.entries.map((entry) => entry.position)).toEqual(events.map((event) => event.position).reverse());
      const byPosition = new Map(events.map((event) => [event.position, event]));
      for (const entry of page.entries) {
        const event = byPosition.get(entry.position) as RecordedEvent;
        expect(entry).toMatchObject({ type: event.type, streamId: event.streamId, actor: event.metadata.actor, time: event.metadata.time });
      }
    });

    it('filters by actor', async () => {
      const { entries } = await audit(`actor=user:${alice.id}&limit=500`);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.actor.type === 'user' && entry.actor.id === alice.id)).toBe(true);
      expect(new Set(entries.map((entry) => entry.type))).toEqual(new Set(['SessionStarted', 'SessionRevoked', 'ApiKeyCreated', 'ProjectMemberAdded', 'ProjectMemberRemoved']));
      const byKey = await audit('actor=api-key:00000000-0000-4000-8000-000000000000');
      expect(byKey.entries).toEqual([]);
    });

    it('filters by project', async () => {
      const { entries } = await audit(`projectId=${beta}`);
      expect(entries.map((entry) => entry.type)).toEqual(['ProjectCreated']);
      const alphaEntries = (await audit(`projectId=${alpha}&limit=500`)).entries;
      expect(alphaEntries.every((entry) => entry.projectId === alpha)).toBe(true);
      expect(alphaEntries.map((entry) => entry.type)).toEqual(expect.arrayContaining(['ProjectCreated', 'ProjectMemberAdded', 'ApiKeyCreated', 'ApiKeyRevoked', 'ProjectRenamed']));
    });

    it('filters by exact type and by a Prefix* family', async () => {
      const exact = (await audit('type=SessionRevoked&limit=500')).entries;
      expect(exact.length).toBeGreaterThanOrEqual(3);
      expect(exact.every((entry) => entry.type === 'SessionRevoked')).toBe(true);
      const family = (await audit('type=Session*&limit=500')).entries;
      expect(new Set(family.map((entry) => entry.type))).toEqual(new Set(['SessionStarted', 'SessionRevoked']));
      expect((await audit('type=SessionRefreshed')).entries).toEqual([]);
      const members = (await audit('type=ProjectMember*&limit=500')).entries;
      expect(new Set(members.map((entry) => entry.type))).toEqual(new Set(['ProjectMemberAdded', 'ProjectMemberRoleChanged', 'ProjectMemberRemoved']));
      expect((await audit('type=Nothing*')).entries).toEqual([]);
    });

    it('leaves out the types and families named in exclude', async () => {
      const all = (await audit('limit=500')).entries;
      const rest = (await audit('exclude=Session*,ApiKeyCreated&limit=500')).entries;
      expect(rest.map((entry) => entry.position)).toEqual(all.filter((entry) => !entry.type.startsWith('Session') && entry.type !== 'ApiKeyCreated').map((entry) => entry.position));
      expect(rest.length).toBeGreaterThan(0);
      expectFieldError(await call('GET', '/api/audit?exclude=Session*;DROP'), 'exclude');
    });

    it('names the users, keys and projects the entries refer to, instead of their ids', async () => {
      const response = await call('GET', '/api/audit?limit=500');
      const { entries, names } = response.body as { entries: Entry[]; names: Record<string, string> };
      expect(names[`user:${ownerId}`]).toEqual(expect.any(String));
      expect(names[`user:${alice.id}`]).toBe((await call('GET', `/api/users/${alice.id}`)).body.name);
      expect(names[`project:${alpha}`]).toBe((await call('GET', `/api/projects/${alpha}`)).body.name);
      const keyEntry = entries.find((entry) => entry.type === 'ApiKeyCreated');
      expect(keyEntry && names[`api-key:${keyEntry.streamId.slice('api-key-'.length)}`]).toEqual(expect.any(String));
      // Every user whose stream is listed is named (an invitation names the invitee, not only the inviter).
      for (const entry of entries.filter((e) => e.streamId.startsWith('user-'))) expect(names[`user:${entry.streamId.slice('user-'.length)}`]).toEqual(expect.any(String));
      // A project admin sees the names on their own entries only.
      const adminNames = ((await call('GET', '/api/audit?limit=500', undefined, bearer(aliceToken))).body as { names: Record<string, string> }).names;
      expect(adminNames[`project:${alpha}`]).toEqual(expect.any(String));
      expect(adminNames[`project:${beta}`]).toBeUndefined();
    });

    it('filters by time: from inclusive, to exclusive', async () => {
      const all = (await audit('limit=500')).entries;
      const middle = all[Math.floor(all.length / 2)];
      const from = (await audit(`from=${encodeURIComponent(middle.time)}&limit=500`)).entries;
      const to = (await audit(`to=${encodeURIComponent(middle.time)}&limit=500`)).entries;
      expect(from.map((entry) => entry.position)).toContain(middle.position);
      expect(to.map((entry) => entry.position)).not.toContain(middle.position);
      expect(from.every((entry) => entry.time >= middle.time)).toBe(true);
      expect(to.every((entry) => entry.time < middle.time)).toBe(true);
      expect([...to, ...from].map((entry) => entry.position).sort((a, b) => a - b)).toEqual(all.map((entry) => entry.position).sort((a, b) => a - b));
      const window = (await audit(`from=${encodeURIComponent(middle.time)}&to=${encodeURIComponent(new Date(Date.parse(middle.time) + 1).toISOString())}&limit=500`)).entries;
      expect(window.length).toBeGreaterThan(0);
      expect(window.every((entry) => entry.time === middle.time)).toBe(true);
    });

    it('pages back with before/nextBefore', async () => {
      const all = (await audit('limit=500')).entries.map((entry) => entry.position);
      const seen: number[] = [];
      let before: number | null = null;
      let pages = 0;
      do {
        const page: { entries: Entry[]; nextBefore: number | null } = await audit(`limit=7${before ? `&before=${before}` : ''}`);
        expect(page.entries.length).toBeLessThanOrEqual(7);
        if (page.nextBefore !== null) {
          expect(page.entries).toHaveLength(7);
          expect(page.nextBefore).toBe(page.entries[6].position);
        }
        seen.push(...page.entries.map((entry) => entry.position));
        before = page.nextBefore;
        pages += 1;
      } while (before !== null && pages < 200);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / 7));
    });

    it('shows a project admin only their projects, and 404 for another', async () => {
      const { entries } = await audit('limit=500', aliceToken);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry) => entry.projectId === alpha)).toBe(true);
      expect(entries.map((entry) => entry.position)).toEqual((await audit(`projectId=${alpha}&limit=500`)).entries.map((entry) => entry.position));
      expectError(await call('GET', `/api/audit?projectId=${beta}`, undefined, bearer(aliceToken)), 404, 'project.not-found');
      expect((await audit(`projectId=${alpha}`, aliceToken)).entries.length).toBeGreaterThan(0);
      // Session and user events have no project: owners only.
      expect((await audit('type=Session*', aliceToken)).entries).toEqual([]);
      expectError(await call('GET', '/api/audit', undefined, bearer(victorToken)), 403, 'auth.forbidden');
      expectError(await call('GET', '/api/audit', undefined, bearer(ninaToken)), 403, 'auth.forbidden');
    });

    it('verifies the hash chains: the whole log for the owner, their project for a project admin', async () => {
      const whole = await call('POST', '/api/audit/verify');
      expect(whole.status).toBe(200);
      expect(whole.body).toMatchObject({ ok: true, firstBroken: null, brokenStreams: 0 });
      expect(whole.body.eventsChecked).toBe((await api.store.readAll({ after: 0, limit: 100_000 })).length);
      const project = await call('POST', `/api/audit/verify?projectId=${alpha}`, undefined, bearer(aliceToken));
      expect(project.status).toBe(200);
      expect(project.body).toMatchObject({ ok: true, firstBroken: null });
      expect(project.body.streamsChecked).toBeGreaterThanOrEqual(2);
      expectFieldError(await call('POST', '/api/audit/verify', undefined, bearer(aliceToken)), 'projectId');
      expectError(await call('POST', `/api/audit/verify?projectId=${beta}`, undefined, bearer(aliceToken)), 404, 'project.not-found');
      expectError(await call('POST', '/api/audit/verify', undefined, bearer(victorToken)), 403, 'auth.forbidden');
    });
  });

  describe('secrets and actors across everything above', () => {
    let events: RecordedEvent[];
    beforeAll(async () => {
      events = await api.store.readAll({ after: 0, limit: 100_000 });
    });

    it('kept secrets out of every event and out of every response but the one that issued them', () => {
      expect(secrets.filter((secret) => secret.kind === 'API key').length).toBeGreaterThanOrEqual(2);
      expect(secrets.filter((secret) => secret.kind === 'refresh token').length).toBeGreaterThanOrEqual(10);
      expect(secrets.filter((secret) => secret.kind.endsWith('token') && secret.kind !== 'access token' && secret.kind !== 'refresh token').length).toBeGreaterThanOrEqual(3);
      const eventTexts = events.map((event) => ({ label: `${event.type}@${event.position}`, text: JSON.stringify(event) }));
      const leaks: string[] = [];
      for (const secret of secrets) {
        for (const event of eventTexts) if (event.text.includes(secret.value)) leaks.push(`${secret.kind} in event ${event.label}`);
        // Access tokens are not secrets of this kind (and two issued in the same second to one session are identical).
        if (secret.kind === 'access token') continue;
        for (const response of responses) {
          if (response !== secret.issuedBy && response.text.includes(secret.value)) leaks.push(`${secret.kind} in response ${response.label}`);
        }
      }
      expect(leaks).toEqual([]);
      // The issuing responses did carry them (the check above is not vacuous).
      for (const secret of secrets) if (secret.issuedBy) expect(secret.issuedBy.text).toContain(secret.value);
    });

    it('names a user or an API key as the actor of every event of a signed-in request, with its request id', () => {
      const requested = events.filter(
        (event) => event.metadata.actor.type !== 'system',
      );
      // Only the first owner's creation at start-up is the system's.
      expect(events.filter((event) => event.metadata.actor.type === 'system').map((event) => event.type)).toEqual(['UserCreated', 'UserPasswordSet']);
      const wrong = requested
        .filter(
          (event) =>
            !['user', 'api-key'].includes(event.metadata.actor.type) ||
            !UUID.test(event.metadata.actor.id) ||
            typeof event.metadata.requestId !== 'string' ||
            event.metadata.requestId === '',
        )
        .map((event) => `${event.type}@${event.position} ${JSON.stringify(event.metadata)}`);
      expect(wrong).toEqual([]);
      expect(requested.some((event) => event.metadata.actor.type === 'api-key')).toBe(true);
    });
  });

  describe('tampering (last: it breaks the log)', () => {
    it('reports the first broken link after an event row is changed in the database', async () => {
      const [target] = await api.store.readStream(`project-${beta}`);
      const forged = JSON.stringify({ projectId: beta, name: 'Forged', description: '' });
      await api.store.db.transaction(async (tx) => {
        if (engine === 'postgres') {
          await tx.exec('ALTER TABLE events DISABLE TRIGGER events_append_only');
          await tx.query('UPDATE events SET data = $2 WHERE position = $1', [target.position, forged]);
          await tx.exec('ALTER TABLE events ENABLE TRIGGER events_append_only');
        } else {
          await tx.exec('DROP TRIGGER events_refuse_update');
          await tx.query('UPDATE events SET data = $2 WHERE position = $1', [target.position, forged]);
          await tx.exec(`CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;`);
        }
      });
      expect((await api.store.readStream(`project-${beta}`))[0].data).toMatchObject({ name: 'Forged' });

      const verify = await call('POST', '/api/audit/verify');
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({
        ok: false,
        brokenStreams: 1,
        firstBroken: { streamId: `project-${beta}`, streamVersion: 1, position: target.position, reason: 'hash-mismatch' },
      });
      // A project admin of another project still sees theirs intact.
      const other = await call('POST', `/api/audit/verify?projectId=${alpha}`, undefined, bearer(aliceToken));
      expect(other.body).toMatchObject({ ok: true, firstBroken: null });
    });
  });
}
