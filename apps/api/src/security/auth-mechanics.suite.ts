import { LIVE_EVENTS_PATH, sessionStreamId, userStreamId } from '@camel/contracts';
import type { Engine } from '@camel/event-store/testing';
import { TokenService } from '@camel/identity/server';
import { PROJECTION_RUNNER } from '@camel/server';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi, type TestResponse } from '../testing/api-harness';
import { pollUntil } from '../testing/poll-until';
import { io, type Socket } from 'socket.io-client';

const ANONYMOUS = { authorization: '' } as const;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** REFRESH_REUSE_GRACE of this suite's api, in seconds. */
const GRACE_SECONDS = 2;

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly sessionId: string;
}

/**
 * Issue 12, item 5 (auth mechanics), over real HTTP on each engine (the session and user streams and
 * the identity read model are what these depend on): a password change ends the other sessions, a
 * re-enabled user's old tokens stay dead, concurrent refreshes of one token share its successor while
 * later reuse revokes the family, common passwords are refused, API keys expire.
 */
export function authMechanicsSuite(engine: Engine): void {
  let api: TestApi;
  let counter = 0;

  beforeAll(async () => {
    process.env['LOGIN_RATE_LIMIT'] = '1000';
    process.env['LOGIN_RATE_LIMIT_IP'] = '1000';
    process.env['REFRESH_REUSE_GRACE'] = String(GRACE_SECONDS);
    api = await startTestApi(engine);
  });
  afterAll(() => api?.close());

  const expectError = (response: TestResponse, status: number, code: string) =>
    expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  const expectFieldError = (response: TestResponse, field: string, code: string) =>
    expect({ status: response.status, code: response.body?.code, fields: response.body?.fields?.map((f: { field: string }) => f.field) }).toEqual({
      status: 400,
      code,
      fields: [field],
    });

  /** A request that must be refused without appending an event. */
  async function refused(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse> {
    const head = await api.store.headPosition();
    const response = await api.request(method, path, body, headers);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await api.store.headPosition()).toBe(head);
    return response;
  }

  async function createUser(password = 'a-user-password-0123'): Promise<{ id: string; email: string; password: string }> {
    counter += 1;
    const email = `auth-${counter}@example.test`;
    const created = await api.request('POST', '/api/users', { email, name: `User ${counter}`, password });
    expect(created.status).toBe(201);
    return { id: created.body.id, email, password };
  }

  async function signIn(email: string, password: string): Promise<Tokens> {
    const response = await api.request('POST', '/api/auth/login', { email, password }, ANONYMOUS);
    expect(response.status).toBe(200);
    return tokensOf(response);
  }
  const tokensOf = (response: TestResponse): Tokens => ({
    accessToken: response.body.accessToken,
    refreshToken: response.body.refreshToken,
    sessionId: String(response.body.refreshToken).split('.')[0],
  });
  const refresh = (refreshToken: string) => api.request('POST', '/api/auth/refresh', { refreshToken }, ANONYMOUS);
  const me = (token: string) => api.request('GET', '/api/auth/me', undefined, bearer(token));
  const sessionEvents = async (sessionId: string) => (await api.store.readStream(sessionStreamId(sessionId))).map((event) => event.type);
  /** The session's row of the refresh_tokens credential table. */
  const refreshRow = async (sessionId: string) =>
    (await api.store.db.query<{ generation: number; rotated_at: string | null; revoked_at: string | null }>('SELECT generation, rotated_at, revoked_at FROM refresh_tokens WHERE session_id = $1', [sessionId]))[0];

  describe('a password change', () => {
    it('ends the user’s other sessions (access and refresh tokens) and keeps the one that changed it', async () => {
      const user = await createUser();
      const here = await signIn(user.email, user.password);
      const elsewhere = await signIn(user.email, user.password);
      const newPassword = 'a-brand-new-password-1';
      const changed = await api.request('POST', '/api/auth/password', { currentPassword: user.password, newPassword }, bearer(here.accessToken));
      expect(changed.status).toBe(204);

      expect((await me(here.accessToken)).status).toBe(200);
      const rotated = await refresh(here.refreshToken);
      expect(rotated.status).toBe(200);
      expect((await me(rotated.body.accessToken)).status).toBe(200);

      expectError(await me(elsewhere.accessToken), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: elsewhere.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');
      expect(await sessionEvents(elsewhere.sessionId)).toEqual(['SessionStarted']);

      const [last] = (await api.store.readStream(userStreamId(user.id))).slice(-1);
      expect(last).toMatchObject({ type: 'UserPasswordSet', data: { userId: user.id, reason: 'changed', sessionId: here.sessionId } });
      // A session started after the change works.
      expect((await me((await signIn(user.email, newPassword)).accessToken)).status).toBe(200);
    });
  });

  it('a password change expels the live sockets of the other sessions, not the changing one', async () => {
    const user = await createUser();
    const here = await signIn(user.email, user.password);
    const elsewhere = await signIn(user.email, user.password);
    const sockets: Socket[] = [];
    const connect = async (token: string) => {
      const socket = io(api.baseUrl, { path: LIVE_EVENTS_PATH, transports: ['websocket'], reconnection: false, auth: { token } });
      sockets.push(socket);
      const log: string[] = [];
      socket.on('auth-expired', (message: { reason: string }) => log.push(`auth-expired:${message.reason}`));
      socket.on('disconnect', (reason) => log.push(`disconnect:${reason}`));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return { socket, log };
    };
    try {
      const mine = await connect(here.accessToken);
      const theirs = await connect(elsewhere.accessToken);
      const changed = await api.request('POST', '/api/auth/password', { currentPassword: user.password, newPassword: 'a-live-new-password-7' }, bearer(here.accessToken));
      expect(changed.status).toBe(204);
      await pollUntil('the other session’s socket to be expelled', async () => [...theirs.log], (log) => log.length >= 2, { timeoutMs: 10_000, intervalMs: 50 });
      expect(theirs.log).toEqual(['auth-expired:session-revoked', 'disconnect:io server disconnect']);
      // The re-check of the changing session's socket ran in the same pass: it is still connected.
      expect(mine.log).toEqual([]);
      expect(mine.socket.connected).toBe(true);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });

  describe('disable, then enable', () => {
    it('does not revive the access and refresh tokens issued before the disable', async () => {
      const user = await createUser();
      const before = await signIn(user.email, user.password);
      expect((await api.request('POST', `/api/users/${user.id}/disable`)).status).toBe(200);
      expect((await api.request('POST', `/api/users/${user.id}/enable`)).status).toBe(200);

      expectError(await me(before.accessToken), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: before.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');
      expect(await sessionEvents(before.sessionId)).toEqual(['SessionStarted']);
      expect((await me((await signIn(user.email, user.password)).accessToken)).status).toBe(200);
    });
  });

  describe('refresh-token reuse', () => {
    it('gives concurrent refreshes with the same token the same successor, rotating once (compare-and-set), appending nothing', async () => {
      const user = await createUser();
      const session = await signIn(user.email, user.password);
      const head = await api.store.headPosition();
      const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(session.refreshToken)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((answer) => answer.body.refreshToken))).toEqual(new Set([answers[0].body.refreshToken]));
      expect(answers[0].body.refreshToken.split('.')[1]).toBe('1');
      expect(await refreshRow(session.sessionId)).toMatchObject({ generation: 1, revoked_at: null });
      // A rotation is bookkeeping: nothing in the log.
      expect(await api.store.headPosition()).toBe(head);
      expect(await sessionEvents(session.sessionId)).toEqual(['SessionStarted']);
      for (const answer of answers) expect((await me(answer.body.accessToken)).status).toBe(200);
      // The successor rotates on as usual.
      const next = await refresh(answers[0].body.refreshToken);
      expect(next.status).toBe(200);
      expect(next.body.refreshToken.split('.')[1]).toBe('2');
    });

    it('answers a second tab a moment later with the same successor, appending nothing', async () => {
      const user = await createUser();
      const session = await signIn(user.email, user.password);
      const tab1 = await refresh(session.refreshToken);
      expect(tab1.status).toBe(200);
      const head = await api.store.headPosition();
      const again = await refresh(session.refreshToken);
      expect(again.status).toBe(200);
      expect(await api.store.headPosition()).toBe(head);
      expect(again.body.refreshToken).toBe(tab1.body.refreshToken);
      expect(again.body.refreshExpiresAt).toBe(tab1.body.refreshExpiresAt);
      expect(await sessionEvents(session.sessionId)).toEqual(['SessionStarted']);
    });

    it('revokes the whole session when the spent token comes back after the grace (the one event a refresh appends)', async () => {
      const user = await createUser();
      const session = await signIn(user.email, user.password);
      const rotated = await refresh(session.refreshToken);
      expect(rotated.status).toBe(200);
      const rotatedAt = Date.parse(String((await refreshRow(session.sessionId))?.rotated_at));
      // Waits for the clock to pass the grace (a condition, not a guess at how long the work takes).
      await pollUntil('the reuse grace to pass', async () => Date.now(), (now) => now > rotatedAt + GRACE_SECONDS * 1000 + 50, {
        timeoutMs: GRACE_SECONDS * 1000 + 5000,
        intervalMs: 100,
      });
      expectError(await refresh(session.refreshToken), 401, 'auth.session-invalid');
      expect(await sessionEvents(session.sessionId)).toEqual(['SessionStarted', 'SessionRevoked']);
      const [revoked] = (await api.store.readStream(sessionStreamId(session.sessionId))).slice(-1);
      expect(revoked.data).toMatchObject({ reason: 'refresh-reuse' });
      // The revocation's transaction ended the row too.
      expect((await refreshRow(session.sessionId))?.revoked_at).toEqual(expect.any(String));
      // The successor dies with the family.
      expectError(await me(rotated.body.accessToken), 401, 'auth.session-invalid');
      expectError(await refused('POST', '/api/auth/refresh', { refreshToken: rotated.body.refreshToken }, ANONYMOUS), 401, 'auth.session-invalid');
    });

    it('carries over a session recorded before rotations left the log (SessionRefreshed in its stream, no credential row)', async () => {
      const user = await createUser();
      const sessionId = randomUUID();
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      const metadata = { actor: { type: 'user', id: user.id }, correlationId: randomUUID(), time: new Date().toISOString() } as const;
      // Written as the api before this change wrote it: a sign-in and one rotation, both events.
      const appended = await api.store.append(
        sessionStreamId(sessionId),
        [
          { id: randomUUID(), type: 'SessionStarted', data: { sessionId, userId: user.id, expiresAt }, metadata },
          { id: randomUUID(), type: 'SessionRefreshed', data: { sessionId, userId: user.id, generation: 1, expiresAt, rotatedAt: '2026-01-01T00:00:00.000Z' }, metadata },
        ],
        { expectedVersion: 'no-stream', streamType: 'session' },
      );
      await api.app.get(PROJECTION_RUNNER).waitFor(appended.lastPosition, { timeoutMs: 10_000 });
      expect(await refreshRow(sessionId)).toBeUndefined();
      const tokens = api.app.get(TokenService);
      const carried = await refresh(tokens.refreshToken(sessionId, 1));
      expect(carried.status).toBe(200);
      expect(carried.body.refreshToken.split('.')[1]).toBe('2');
      expect(await refreshRow(sessionId)).toMatchObject({ generation: 2, revoked_at: null });
      // Its spent generation is still reuse.
      expectError(await refresh(tokens.refreshToken(sessionId, 0)), 401, 'auth.session-invalid');
      expect(await sessionEvents(sessionId)).toEqual(['SessionStarted', 'SessionRefreshed', 'SessionRevoked']);
    });
  });

  describe('password policy', () => {
    it('refuses common, breached-style and email passwords wherever a password is set, appending nothing', async () => {
      counter += 1;
      const email = `policy-${counter}@example.test`;
      expectFieldError(await refused('POST', '/api/users', { email, name: 'P', password: 'leavemealone' }), 'password', 'user.password.common');
      expectFieldError(await refused('POST', '/api/users', { email, name: 'P', password: 'Password12345!' }), 'password', 'user.password.common');
      expectFieldError(await refused('POST', '/api/users', { email, name: 'P', password: email.toUpperCase() }), 'password', 'user.password.email');

      const user = await createUser();
      const session = await signIn(user.email, user.password);
      const change = (newPassword: string) =>
        refused('POST', '/api/auth/password', { currentPassword: user.password, newPassword }, bearer(session.accessToken));
      expectFieldError(await change('qwertyuiop123'), 'newPassword', 'user.password.common');
      expectFieldError(await change(user.email), 'newPassword', 'user.password.email');
      expectFieldError(await change('aaaaaaaaaaaaaaaa'), 'newPassword', 'user.password.repetitive');

      const invited = await api.request('POST', '/api/users', { email: `invitee-${counter}@example.test`, name: 'I' });
      expect(invited.status).toBe(201);
      expectFieldError(
        await refused('POST', '/api/auth/accept-invite', { token: invited.body.inviteToken, password: `invitee-${counter}@example.test` }, ANONYMOUS),
        'password',
        'user.password.email',
      );
      expectFieldError(await refused('POST', '/api/auth/accept-invite', { token: invited.body.inviteToken, password: 'monkey1234567' }, ANONYMOUS), 'password', 'user.password.common');
      // The invitation is still usable with a good password.
      expect((await api.request('POST', '/api/auth/accept-invite', { token: invited.body.inviteToken, password: 'a-fine-long-passphrase' }, ANONYMOUS)).status).toBe(201);
    });
  });

  describe('API key expiry', () => {
    let projectId: string;
    beforeAll(async () => {
      const project = await api.request('POST', '/api/projects', { name: `Keys ${engine}` });
      expect(project.status).toBe(201);
      projectId = project.body.id;
    });

    it('refuses an expiry in the past or not a date, naming expiresAt, appending nothing', async () => {
      const create = (expiresAt: unknown) => refused('POST', `/api/projects/${projectId}/api-keys`, { name: 'k', role: 'viewer', expiresAt });
      expectFieldError(await create('2020-01-01T00:00:00Z'), 'expiresAt', 'api-key.expires-at.past');
      for (const bad of ['tomorrow', '2026-13-45', 17, null]) {
        const response = await create(bad);
        expect({ status: response.status, fields: response.body.fields?.map((f: { field: string }) => f.field) }).toEqual({ status: 400, fields: ['expiresAt'] });
      }
    });

    it('shows the expiry in the list, works until then and is refused after, with its own code', async () => {
      const expiresAt = new Date(Date.now() + 3000).toISOString();
      const created = await api.request('POST', `/api/projects/${projectId}/api-keys`, { name: 'short-lived', role: 'viewer', expiresAt });
      expect(created.status).toBe(201);
      expect(created.body.view.expiresAt).toBe(expiresAt);
      const forever = await api.request('POST', `/api/projects/${projectId}/api-keys`, { name: 'forever', role: 'viewer' });
      expect(forever.body.view.expiresAt).toBeNull();
      const listed = await api.request('GET', `/api/projects/${projectId}/api-keys`);
      expect(listed.body.map((key: { name: string; expiresAt: string | null }) => [key.name, key.expiresAt])).toEqual([
        ['short-lived', expiresAt],
        ['forever', null],
      ]);

      const use = (key: string) => api.request('GET', `/api/projects/${projectId}`, undefined, bearer(key));
      expect((await use(created.body.key)).status).toBe(200);
      const after = await pollUntil('the key to expire', () => use(created.body.key), (response) => response.status !== 200, { timeoutMs: 10_000, intervalMs: 200 });
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
      expectError(after, 401, 'auth.api-key-expired');
      expect((await use(forever.body.key)).status).toBe(200);
    });
  });
}
