import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH } from '@camel/contracts';
import { testRedisUrl } from '@camel/server/testing';
import { BullMqRunQueue } from '@camel/workflows/server';
import { randomUUID } from 'node:crypto';
import { startTestApi, TEST_OWNER, type TestApi } from '../testing/api-harness';

/** The queue board (Bull Board) on an api with Redis: only an owner's live session gets in, and only with the cookie the console asks for. */
describe('queue board (api with REDIS_URL)', () => {
  const prefix = `board-${randomUUID().slice(0, 8)}`;
  let api: TestApi;

  const signIn = async (email: string, password: string) => {
    const response = await api.request('POST', '/api/auth/login', { email, password }, { authorization: '' });
    expect(response.status).toBe(200);
    return response.body as { accessToken: string; refreshToken: string };
  };
  /** POST …/session as `token`; the cookie it set (name=value), if any. */
  const openBoard = async (token: string) => {
    const response = await api.request('POST', '/api/admin/queue-board/session', undefined, { authorization: token ? `Bearer ${token}` : '' });
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { ...response, setCookie, cookie: setCookie.split(';')[0] ?? '' };
  };
  const board = (path: string, cookie: string) => fetch(`${api.baseUrl}${QUEUE_BOARD_PATH}${path}`, { headers: cookie ? { cookie } : {} });

  beforeAll(async () => {
    process.env['REDIS_URL'] = testRedisUrl();
    process.env['QUEUE_PREFIX'] = prefix;
    api = await startTestApi('sqlite');
  });
  afterAll(async () => {
    await api?.close();
    delete process.env['REDIS_URL'];
    delete process.env['QUEUE_PREFIX'];
  });

  it('refuses anonymous callers: no cookie, no session; a forged or extended cookie does not open it', async () => {
    for (const path of ['/', '/api/queues']) {
      const refused = await board(path, '');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ statusCode: 401, code: 'auth.required' });
    }
    expect((await openBoard('')).status).toBe(401);
    // The owner's own cookie with its signature changed, or extended by hand.
    const { cookie } = await openBoard(api.ownerToken);
    const [userId, sessionId, exp, mac] = cookie.slice(QUEUE_BOARD_COOKIE.length + 1).split('.');
    const forged = [`${userId}.${sessionId}.${exp}.${mac.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, `${userId}.${sessionId}.${Number(exp) + 3600}.${mac}`];
    for (const value of forged) expect((await board('/api/queues', `${QUEUE_BOARD_COOKIE}=${value}`)).status).toBe(401);
  });

  it('refuses a signed-in user who is not an owner (a project admin)', async () => {
    const project = await api.request('POST', '/api/projects', { name: 'Board' });
    const password = 'board-password-123';
    const user = await api.request('POST', '/api/users', { email: 'admin@example.test', name: 'Admin', password });
    expect((await api.request('POST', `/api/projects/${project.body.id}/members`, { userId: user.body.id, role: 'admin' })).status).toBe(201);
    const { accessToken } = await signIn('admin@example.test', password);
    const refused = await openBoard(accessToken);
    expect(refused.status).toBe(403);
    expect(refused.setCookie).toBe('');
  });

  it("lets an owner in with the cookie (HttpOnly, SameSite=Strict, the board's path): the board's API lists the run queue and its jobs; signing out shuts it", async () => {
    const producer = new BullMqRunQueue({ redisUrl: testRedisUrl(), prefix });
    try {
      await producer.wakeAt('r-later', Date.now() + 3_600_000);
    } finally {
      await producer.onApplicationShutdown();
    }
    const session = await signIn(TEST_OWNER.email, TEST_OWNER.password);
    const opened = await openBoard(session.accessToken);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ url: `${QUEUE_BOARD_PATH}/`, expiresAt: expect.any(String) });
    expect(opened.setCookie).toMatch(new RegExp(`^${QUEUE_BOARD_COOKIE}=[^;]+; Path=${QUEUE_BOARD_PATH}; Max-Age=600; HttpOnly; SameSite=Strict$`));

    const page = await board('/', opened.cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const queues = await board('/api/queues', opened.cookie);
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((queue) => queue.name)).toEqual(['workflow-runs']);
    expect(body.queues[0].counts).toMatchObject({ delayed: 1 });
    // Its operations too: a request with a JSON body (add a job) and one without (pause the queue).
    const send = (method: string, path: string, json?: unknown) =>
      fetch(`${api.baseUrl}${QUEUE_BOARD_PATH}${path}`, {
        method,
        headers: { cookie: opened.cookie, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
    const added = await send('POST', '/api/queues/workflow-runs/add', { name: 'pass', data: { runId: 'r-board' }, options: { delay: 3_600_000 } });
    expect(added.status).toBe(200);
    expect(await added.json()).toMatchObject({ status: 'delayed' });
    expect((await send('PUT', '/api/queues/workflow-runs/pause')).status).toBe(200);
    const after = (await (await board('/api/queues', opened.cookie)).json()) as { queues: { isPaused: boolean; counts: Record<string, number> }[] };
    expect(after.queues[0]).toMatchObject({ isPaused: true, counts: { delayed: 2 } });
    // Refused without the cookie, like every board request.
    expect((await fetch(`${api.baseUrl}${QUEUE_BOARD_PATH}/api/queues/workflow-runs/resume`, { method: 'PUT' })).status).toBe(401);

    expect((await api.request('POST', '/api/auth/logout', { refreshToken: session.refreshToken }, { authorization: '' })).status).toBe(204);
    const ended = await board('/api/queues', opened.cookie);
    expect(ended.status).toBe(401);
    expect(await ended.json()).toMatchObject({ code: 'auth.session-invalid' });
  });
});
