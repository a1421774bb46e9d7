import { startTestApi, TEST_OWNER, type TestApi } from '../testing/api-harness';

/** Issue 12, items 3 and 4: bad input gets the right 4xx in the one error shape, and appends nothing. */
describe('bad input and content types (SQLite)', () => {
  let api: TestApi;
  let projectId: string;
  const agents =
    'version: 1\nproviders:\n  - { id: local, type: openai, base_url: "http://127.0.0.1:9", api_key_env: NONE }\nagents:\n' +
    '  - { name: programmer, role: Python Programmer, system_prompt: Code., model: { provider: local, name: m } }\n' +
    '  - { name: trader, role: Stock Trader, system_prompt: Trade., model: { provider: local, name: m } }\n';
  const workflow = 'version: 1\nname: rp\ntype: role_playing\nassistant: programmer\nuser: trader\ntask_prompt: Build it.\nmax_turns: 10\n';

  beforeAll(async () => {
    api = await startTestApi('sqlite');
    projectId = (await api.request('POST', '/api/projects', { name: 'Inputs' })).body.id;
  });
  afterAll(() => api.close());

  const head = async () => (await api.store.readAll({ after: 0, limit: 100_000 })).length;
  const raw = (method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>) =>
    fetch(`${api.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${api.ownerToken}`, ...headers }, body }).then(async (response) => ({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    }));

  it('a form post to login is refused with 415 and signs nobody in', async () => {
    const before = await head();
    const form = new URLSearchParams(TEST_OWNER).toString();
    const response = await raw('POST', '/api/auth/login', form, { 'content-type': 'application/x-www-form-urlencoded', authorization: '' });
    expect(response).toMatchObject({ status: 415, body: { code: 'request.unsupported-media-type', fields: [{ field: 'content-type' }] } });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(typeof response.body['requestId']).toBe('string');
    const empty = await raw('POST', '/api/auth/refresh', undefined, { 'content-type': 'application/x-www-form-urlencoded', authorization: '' });
    expect(empty.status).toBe(415);
    const text = await raw('POST', '/api/auth/login', JSON.stringify(TEST_OWNER), { 'content-type': 'text/plain', authorization: '' });
    expect(text.status).toBe(415);
    expect(await head()).toBe(before);
  });

  it.each([
    ['an unknown charset', { 'content-type': 'application/json; charset=latin-9' }, 415, 'request.unsupported-charset'],
    ['a content-encoding', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 415, 'request.unsupported-encoding'],
  ])('%s → %i', async (_, headers, status, code) => {
    expect(await raw('POST', '/api/projects', JSON.stringify({ name: 'x' }), headers)).toMatchObject({ status, body: { statusCode: status, code } });
  });

  it('malformed JSON → 400 request.malformed-json; unknown routes → 404 route.not-found', async () => {
    expect(await raw('POST', '/api/projects', '{"name": ', { 'content-type': 'application/json' })).toMatchObject({ status: 400, body: { code: 'request.malformed-json' } });
    expect(await raw('GET', '/api/no-such-route', undefined, {})).toMatchObject({ status: 404, body: { code: 'route.not-found' } });
    expect(await raw('POST', '/api/no-such-route', '{}', { 'content-type': 'application/json' })).toMatchObject({ status: 404, body: { code: 'route.not-found' } });
  });

  it.each(['__proto__', 'constructor'])('a %s key is refused as an unknown field', async (key) => {
    const before = await head();
    const response = await raw('POST', '/api/projects', `{"name": "Proto", "${key}": {"admin": true}}`, { 'content-type': 'application/json' });
    expect(response).toMatchObject({ status: 400, body: { code: 'validation', fields: [{ field: key }] } });
    expect(await head()).toBe(before);
  });

  it('JSON nested 2,000 deep → 400 request.too-deep', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    expect(await raw('POST', '/api/projects', `{"name": ${deep}}`, { 'content-type': 'application/json' })).toMatchObject({ status: 400, body: { code: 'request.too-deep' } });
  });

  it('size limits per route: 413 naming the limit; a config set of about 1 MB per file is accepted', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    expect(await raw('POST', '/api/projects', big, { 'content-type': 'application/json' })).toMatchObject({ status: 413, body: { code: 'request.too-large', message: expect.stringContaining('1 MB') } });
    const padding = `${'# a long comment line\n'.repeat(40_000)}`;
    const files = { 'agents.yaml': padding + agents, 'workflows/rp.yaml': padding + workflow };
    expect(JSON.stringify(files).length).toBeGreaterThan(1.5 * 1024 * 1024);
    const save = await api.request('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files, message: 'big' });
    expect(save.status).toBe(201);
    const huge = JSON.stringify({ baseVersion: 1, files: { 'agents.yaml': 'x'.repeat(11 * 1024 * 1024) }, message: 'huge' });
    expect(await raw('POST', `/api/projects/${projectId}/configs`, huge, { 'content-type': 'application/json' })).toMatchObject({ status: 413, body: { message: expect.stringContaining('10 MB') } });
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', { nested: 'x' }],
  ])('a config file value that is %s → 400 naming the file', async (_, value) => {
    const before = await head();
    const response = await api.request('POST', `/api/projects/${projectId}/configs`, { baseVersion: 1, files: { 'agents.yaml': value }, message: 'bad' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('agents.yaml');
    expect(await head()).toBe(before);
  });

  it('a YAML self-alias on save → 400', async () => {
    const before = await head();
    const response = await api.request('POST', `/api/projects/${projectId}/configs`, { baseVersion: 1, files: { 'agents.yaml': 'a: &a [*a]\n' }, message: 'alias' });
    expect(response.status).toBe(400);
    expect(await head()).toBe(before);
  });

  it.each(['2020-W01', '2020-123', '2020-02-30', 'yesterday'])('audit from/to %s → 400 naming the field', async (value) => {
    for (const field of ['from', 'to']) {
      const response = await api.request('GET', `/api/audit?${field}=${value}`);
      expect(response).toMatchObject({ status: 400, body: { code: 'validation', fields: [{ field }] } });
    }
    expect((await api.request('GET', '/api/audit?from=2020-01-01&to=2030-01-01T00:00:00%2B02:00')).status).toBe(200);
  });
});
