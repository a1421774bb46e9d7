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

describe('ApiClient configs', () => {
  const files = { 'agents.yaml': 'version: 1\n' };

  it('builds every configs route with its body', async () => {
    const { calls, fetchImpl } = fakeFetch((call) => {
      if (call.url.endsWith('/versions')) return json(200, [{ version: 2 }, { version: 1 }]);
      if (call.url.endsWith('/validate')) return json(200, { ok: true, problems: [] });
      return json(call.method === 'POST' ? 201 : 200, { id: 'p 1', version: 3, position: 9 });
    });
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 't' });
    await client.getConfig('p 1');
    await client.saveConfig('p 1', { baseVersion: 2, files, message: 'tune' });
    await expect(client.validateConfig('p 1', files)).resolves.toEqual({ ok: true, problems: [] });
    await expect(client.listConfigVersions('p 1')).resolves.toEqual({ items: [{ version: 2 }, { version: 1 }], position: 0 });
    await client.getConfigVersion('p 1', 2);
    await client.restoreConfigVersion('p 1', 1, { baseVersion: 2, message: 'back' });
    await client.diffConfig('p 1', 0, 2);
    await client.importConfig('p 1', { baseVersion: 3, bundle: 'format: camel-configs/1\n' });
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'GET /api/projects/p%201/configs',
      'POST /api/projects/p%201/configs',
      'POST /api/projects/p%201/configs/validate',
      'GET /api/projects/p%201/configs/versions',
      'GET /api/projects/p%201/configs/versions/2',
      'POST /api/projects/p%201/configs/versions/1/restore',
      'GET /api/projects/p%201/configs/diff?from=0&to=2',
      'POST /api/projects/p%201/configs/import',
    ]);
    expect(calls.map((call) => call.body)).toEqual([
      undefined,
      { baseVersion: 2, files, message: 'tune' },
      { files },
      undefined,
      undefined,
      { baseVersion: 2, message: 'back' },
      undefined,
      { baseVersion: 3, bundle: 'format: camel-configs/1\n' },
    ]);
  });

  it('downloads the export as YAML text, asking for application/yaml', async () => {
    const bundle = 'format: camel-configs/1\nversion: 2\nfiles:\n  agents.yaml: |\n    version: 1\n';
    const accepts: string[] = [];
    const fetchImpl = (async (_input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      accepts.push((init?.headers as Record<string, string>)['accept']);
      return new Response(bundle, { status: 200, headers: { 'content-type': 'application/yaml; charset=utf-8' } });
    }) as typeof fetch;
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 't' });
    await expect(client.exportConfig('p1')).resolves.toBe(bundle);
    expect(accepts).toEqual(['application/yaml']);
    // A bundle that happens to be valid JSON is still the text.
    const jsonish = new ApiClient({ fetch: (async () => new Response('{"a": 1}', { status: 200 })) as typeof fetch });
    await expect(jsonish.exportConfig('p1')).resolves.toBe('{"a": 1}');
  });

  it('carries the problems of a refused set and the details of a stale save', async () => {
    const problem = { file: 'workflows/a.yaml', line: 12, column: 12, path: 'max_turns', code: 'config.type', message: 'max_turns must be an integer' };
    const stale = { baseVersion: 1, currentVersion: 2, diff: { from: 1, to: 2, files: [] } };
    const { fetchImpl } = fakeFetch((call) =>
      call.url.endsWith('/import')
        ? json(400, { statusCode: 400, error: 'Bad Request', message: 'the configuration has 1 problem', code: 'config.invalid', problems: [problem] })
        : json(409, { statusCode: 409, error: 'Conflict', message: 'version 1 is not the latest (2)', code: 'config.stale', details: stale }),
    );
    const client = new ApiClient({ fetch: fetchImpl, accessToken: 't' });
    const invalid = (await client.importConfig('p1', { baseVersion: 1, bundle: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid.problems).toEqual([problem]);
    const conflict = (await client.saveConfig('p1', { baseVersion: 1, files, message: 'm' }).catch((e: unknown) => e)) as ApiError;
    expect(conflict.status).toBe(409);
    expect(conflict.body.details).toEqual(stale);
    expect(conflict.problems).toEqual([]);
    // The export's error is JSON like any other.
    await expect(client.exportConfig('p1')).rejects.toMatchObject({ status: 409, code: 'config.stale' });
  });
});
