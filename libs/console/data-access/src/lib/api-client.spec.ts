import type { ApiErrorBody, TokenResponse } from '@camel/contracts';
import { ApiClient, ApiError } from './api-client';

interface Call {
  readonly url: string;
  readonly method: string;
  readonly authorization: string | undefined;
  readonly credentials: RequestInit['credentials'];
  readonly body: unknown;
}

type Responder = (call: Call) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const unauthorized = (code = 'auth.token-expired'): ApiErrorBody => ({ statusCode: 401, error: 'Unauthorized', message: 'token expired', code });

/** A fetch that records every call and answers with `respond`. */
function fakeFetch(respond: Responder) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      authorization: headers['authorization'],
      credentials: init?.credentials,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return respond(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

/** Accepts only `Bearer <valid>`; everything else is 401. */
const acceptOnly = (valid: string): Responder => (call) =>
  call.authorization === `Bearer ${valid}` ? json(200, [], { 'x-read-position': '42' }) : json(401, unauthorized());

describe('ApiClient auth', () => {
  it('sends the bearer token and same-origin credentials on every request', async () => {
    const { calls, fetchImpl } = fakeFetch(acceptOnly('t1'));
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 't1' });
    const list = await client.listUsers();
    expect(list).toEqual({ items: [], position: 42 });
    expect(calls).toEqual([expect.objectContaining({ url: '/api/users', authorization: 'Bearer t1', credentials: 'same-origin' })]);

    client.setAccessToken(null);
    await expect(client.listUsers()).rejects.toMatchObject({ status: 401 });
    expect(calls[1]?.authorization).toBeUndefined();
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    const { calls, fetchImpl } = fakeFetch(acceptOnly('fresh'));
    const refresher = jest.fn(async () => 'fresh');
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 'stale', refreshAccessToken: refresher });
    await expect(client.listUsers()).resolves.toEqual({ items: [], position: 42 });
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(client.accessToken).toBe('fresh');
    expect(calls.map((call) => call.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('runs one refresh for many requests that fail together (single flight)', async () => {
    const { fetchImpl } = fakeFetch(acceptOnly('fresh'));
    let release: (token: string) => void = () => undefined;
    const refresher = jest.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 'stale', refreshAccessToken: refresher });
    const requests = [client.listUsers(), client.listMembers('p1'), client.listApiKeys('p1')];
    await new Promise((resolve) => setTimeout(resolve, 10));
    release('fresh');
    await expect(Promise.all(requests)).resolves.toHaveLength(3);
    expect(refresher).toHaveBeenCalledTimes(1);

    // A later 401 starts a new refresh.
    client.setAccessToken('stale-again');
    const second = client.listUsers();
    await new Promise((resolve) => setTimeout(resolve, 10));
    release('fresh');
    await second;
    expect(refresher).toHaveBeenCalledTimes(2);
  });

  it('retries with a token another request obtained meanwhile, without refreshing again', async () => {
    const holder: { client?: ApiClient } = {};
    const { calls, fetchImpl } = fakeFetch((call) => {
      // The first answer arrives after someone else has renewed the token.
      if (call.authorization === 'Bearer stale') {
        holder.client?.setAccessToken('fresh');
        return json(401, unauthorized());
      }
      return acceptOnly('fresh')(call);
    });
    const refresher = jest.fn(async () => 'other');
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 'stale', refreshAccessToken: refresher });
    holder.client = client;
    await client.listUsers();
    expect(refresher).not.toHaveBeenCalled();
    expect(calls.map((call) => call.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('keeps the 401 when the refresh finds no session, and retries at most once', async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(401, unauthorized('auth.session-invalid')));
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 'stale', refreshAccessToken: async () => null });
    const error = await client.listUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('auth.session-invalid');
    expect(calls).toHaveLength(1);
    expect(client.accessToken).toBeNull();

    const always = new ApiClient({ fetch: fetchImpl, accessToken: 'a', refreshAccessToken: async () => 'b' });
    await expect(always.me()).rejects.toMatchObject({ status: 401 });
    expect(calls.slice(1).map((call) => call.authorization)).toEqual(['Bearer a', 'Bearer b']);
  });

  it('treats a failing refresher as no session', async () => {
    const { fetchImpl } = fakeFetch(() => json(401, unauthorized()));
    const client = new ApiClient({
      fetch: fetchImpl,
      accessToken: 'stale',
      refreshAccessToken: async () => {
        throw new Error('network');
      },
    });
    await expect(client.me()).rejects.toMatchObject({ status: 401 });
  });

  it('never refreshes for the auth endpoints themselves: their 401 is the answer', async () => {
    const body: ApiErrorBody = { statusCode: 401, error: 'Unauthorized', message: 'email or password is incorrect', code: 'auth.invalid-credentials' };
    const { calls, fetchImpl } = fakeFetch(() => json(401, body));
    const refresher = jest.fn(async () => 'fresh');
    const client = new ApiClient({ fetch: fetchImpl, refreshAccessToken: refresher });
    await expect(client.login({ email: 'a@example.test', password: 'wrong password' })).rejects.toMatchObject({
      status: 401,
      displayMessage: 'email or password is incorrect',
    });
    await expect(client.refresh()).rejects.toMatchObject({ status: 401 });
    await expect(client.acceptInvite({ token: 't', password: 'p'.repeat(12) })).rejects.toMatchObject({ status: 401 });
    await expect(client.logout()).rejects.toMatchObject({ status: 401 });
    expect(refresher).not.toHaveBeenCalled();
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /api/auth/login',
      'POST /api/auth/refresh',
      'POST /api/auth/accept-invite',
      'POST /api/auth/logout',
    ]);
    // Browsers send {} and let the cookie speak.
    expect(calls[1]?.body).toEqual({});
  });

  it('returns the token response of login, and 204 answers as nothing', async () => {
    const tokens = { tokenType: 'Bearer', accessToken: 'a', expiresIn: 900 } as TokenResponse;
    const { fetchImpl } = fakeFetch((call) => (call.url === '/api/auth/login' ? json(200, tokens) : new Response(null, { status: 204 })));
    const client = new ApiClient({ fetch: fetchImpl });
    await expect(client.login({ email: 'a@example.test', password: 'x'.repeat(12) })).resolves.toEqual(tokens);
    await expect(client.logout()).resolves.toBeUndefined();
    await expect(client.changePassword({ currentPassword: 'a', newPassword: 'b' })).resolves.toBeUndefined();
  });
});

describe('ApiClient routes', () => {
  it('builds the identity routes and the audit query string', async () => {
    const { calls, fetchImpl } = fakeFetch((call) =>
      call.url.startsWith('/api/audit?') || call.url === '/api/audit'
        ? json(200, { entries: [], nextBefore: null }, { 'x-read-position': '7' })
        : json(200, {}),
    );
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 't' });
    await client.createUser({ email: 'b@example.test', name: 'B' });
    await client.updateUser('u/1', { globalRole: 'owner' });
    await client.disableUser('u1');
    await client.enableUser('u1');
    await client.resetUserPassword('u1');
    await client.addMember('p1', { email: 'b@example.test', role: 'viewer' });
    await client.changeMemberRole('p1', 'u1', 'admin');
    await client.removeMember('p1', 'u1');
    await client.createApiKey('p1', { name: 'ci', role: 'engineer' });
    await client.revokeApiKey('p1', 'k1');
    await expect(client.listAudit({ projectId: 'p1', type: 'Project*', before: 100, limit: 50, actor: '' })).resolves.toEqual({
      entries: [],
      nextBefore: null,
      position: 7,
    });
    await client.listAudit();
    await client.verifyAudit();
    await client.verifyAudit('p 1');
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /api/users',
      'PATCH /api/users/u%2F1',
      'POST /api/users/u1/disable',
      'POST /api/users/u1/enable',
      'POST /api/users/u1/reset-password',
      'POST /api/projects/p1/members',
      'PATCH /api/projects/p1/members/u1',
      'DELETE /api/projects/p1/members/u1',
      'POST /api/projects/p1/api-keys',
      'DELETE /api/projects/p1/api-keys/k1',
      'GET /api/audit?projectId=p1&type=Project*&before=100&limit=50',
      'GET /api/audit',
      'POST /api/audit/verify',
      'POST /api/audit/verify?projectId=p+1',
    ]);
    expect(calls[6]?.body).toEqual({ role: 'admin' });
  });
});
